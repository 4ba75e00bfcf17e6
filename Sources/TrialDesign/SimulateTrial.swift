/// Simulates one trial of `design`, reproducibly: the result depends only on (`design`, `seed`,
/// `index`), never on other trials or on threads.
///
/// Random numbers come from ``Xoshiro256StarStar/stream(seed:index:)`` and are drawn in exactly
/// this order:
/// 1. Entry: n uniforms u₁…uₙ, entry time ``TrialSimulationDesign/Accrual/entryTime(quantile:)``
///    of each; the entry times are then sorted ascending, and patient ids 1…n follow that order
///    (ties, which have probability 0, keep draw order).
/// 2. Then for each patient in id order:
///    a. stratum: one uniform per factor, in factor order; the level is the first whose
///       cumulative prevalence exceeds the uniform (inversion);
///    b. arm: the next arm of the stratum's current permuted block; when the stratum has no block
///       or has used it up, a new block is made from the template (arm indices in arm order,
///       each repeated its share) and shuffled by Fisher–Yates from the last position down:
///       for i = b−1, …, 1, swap positions i and j with j = `integer(below: i + 1)` (Lemire's
///       method: one 64-bit word, or more on a rejection);
///    c. event time: one uniform, by inversion of the cumulative hazard of the stratum × arm
///       distribution (``SurvivalDistribution/sample(using:)``);
///    d. dropout time: with exponential dropout of rate μ (the patient's arm's), one uniform,
///       −log(u)/μ; without dropout nothing is drawn and the dropout time is +∞.
///
/// The cut-off then follows without random numbers. A patient's event is observed when the
/// event time is finite (a cured patient's is +∞) and ≤ the dropout time; its calendar time is
/// entry + event time. For `.events(d)` the
/// cut-off is the d-th smallest calendar time of an observed event (so exactly d events are
/// counted, unless calendar times tie exactly); when fewer than d events occur, it is the latest
/// end of follow-up, entry + min(event, dropout) over the patients for whom it is finite (at
/// least the last entry), and ``SimulatedTrial/eventTargetReached`` is
/// false. At the cut-off c, a patient who entered after c (entry > c) is excluded; the others
/// have status 1 when the event is observed and entry + event time ≤ c, with time = event
/// time, and otherwise status 0 with time = min(event time, dropout time, c − entry). (For an
/// event the comparison is on the calendar, entry + time ≤ c, in floating point; c − entry may
/// round one ulp below the time of the event that sets an event-driven cut-off.)
public func simulateTrial(design: TrialSimulationDesign, seed: UInt64, index: UInt64) -> SimulatedTrial {
  var generator = Xoshiro256StarStar.stream(seed: seed, index: index)
  let patients = drawPatients(design: design, generator: &generator)
  return cut(patients, design: design, seed: seed, index: index)
}

/// Steps 1 and 2 of ``simulateTrial(design:seed:index:)``: every randomized patient with its
/// latent times, in id order, before any cut-off.
func drawPatients(design: TrialSimulationDesign, generator: inout Xoshiro256StarStar) -> [SimulatedPatient] {
  let n = design.patients

  var entries = [Double](repeating: 0, count: n)
  for i in 0..<n { entries[i] = design.accrual.entryTime(quantile: generator.uniform()) }
  entries.sort()

  let levelCounts = design.factors.map(\.levels.count)
  let b = design.blockSize
  var blocks = [[Int]](repeating: [], count: design.strata.count)
  var blockPositions = [Int](repeating: b, count: design.strata.count)
  var patients: [SimulatedPatient] = []
  patients.reserveCapacity(n)

  for i in 0..<n {
    var stratum = 0
    for (f, cumulative) in design.cumulativePrevalences.enumerated() {
      let u = generator.uniform()
      var level = 0
      while level < cumulative.count - 1, u >= cumulative[level] { level += 1 }
      stratum = stratum * levelCounts[f] + level
    }

    if blockPositions[stratum] == b {
      var block = design.blockTemplate
      var position = b - 1
      while position > 0 {
        block.swapAt(position, generator.integer(below: position + 1))
        position -= 1
      }
      blocks[stratum] = block
      blockPositions[stratum] = 0
    }
    let arm = blocks[stratum][blockPositions[stratum]]
    blockPositions[stratum] += 1

    let eventTime = design.survival[stratum][arm].sample(using: &generator)
    let dropoutTime: Double
    switch design.armDropout[arm] {
    case .none: dropoutTime = .infinity
    case .exponential(let rate): dropoutTime = generator.exponential() / rate
    }
    patients.append(
      SimulatedPatient(
        id: i + 1, stratum: stratum, arm: arm, entry: entries[i], eventTime: eventTime,
        dropoutTime: dropoutTime, observation: nil))
  }
  return patients
}

/// The cut-off of ``simulateTrial(design:seed:index:)``, applied to drawn patients.
func cut(_ drawn: [SimulatedPatient], design: TrialSimulationDesign, seed: UInt64, index: UInt64) -> SimulatedTrial {
  var patients = drawn
  let n = patients.count
  let cutoffTime: Double
  var targetReached: Bool? = nil
  switch design.cutoff {
  case .calendar(let time):
    cutoffTime = time
  case .events(let target):
    var eventDates: [Double] = []
    eventDates.reserveCapacity(n)
    var lastFollowUp = 0.0
    for p in patients {
      if p.eventObserved { eventDates.append(p.entry + p.eventTime) }
      lastFollowUp = max(lastFollowUp, p.followUpEnd)
    }
    if eventDates.count >= target {
      eventDates.sort()
      cutoffTime = eventDates[target - 1]
      targetReached = true
    } else {
      cutoffTime = lastFollowUp
      targetReached = false
    }
  }

  var events = 0
  var excluded = 0
  for i in patients.indices {
    let p = patients[i]
    guard p.entry <= cutoffTime else {
      excluded += 1
      continue
    }
    if p.eventObserved, p.entry + p.eventTime <= cutoffTime {
      patients[i].observation = .init(time: p.eventTime, event: true)
      events += 1
    } else {
      let time = min(p.eventTime, p.dropoutTime, cutoffTime - p.entry)
      patients[i].observation = .init(time: time, event: false)
    }
  }

  return SimulatedTrial(
    design: design, seed: seed, index: index, patients: patients, cutoffTime: cutoffTime,
    eventsAtCutoff: events, eventTargetReached: targetReached, enrolledAfterCutoff: excluded)
}
