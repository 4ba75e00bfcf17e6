import Survival

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

/// The buffers of one simulating thread, reused from trial to trial so that a trial allocates
/// nothing: the patients drawn, a scratch of dates, the permuted blocks and the two-arm kernel.
struct TrialScratch {
  var patients: [SimulatedPatient] = []
  var dates: [Double] = []
  var sortScratch: [Double] = []
  var counts: [Int] = []
  var blocks: [Int] = []
  var blockPositions: [Int] = []
  var kernel = TwoArmKernel()
}

/// Steps 1 and 2 of ``simulateTrial(design:seed:index:)``: every randomized patient with its
/// latent times, in id order, before any cut-off.
func drawPatients(design: TrialSimulationDesign, generator: inout Xoshiro256StarStar) -> [SimulatedPatient] {
  var scratch = TrialScratch()
  drawPatients(design: design, generator: &generator, into: &scratch)
  return scratch.patients
}

/// ``drawPatients(design:generator:)`` into `scratch.patients` (the same draws in the same order).
func drawPatients(design: TrialSimulationDesign, generator: inout Xoshiro256StarStar, into scratch: inout TrialScratch) {
  let n = design.patients
  scratch.dates.removeAll(keepingCapacity: true)
  for _ in 0..<n { scratch.dates.append(design.accrual.entryTime(quantile: generator.uniform())) }
  bucketSort(&scratch.dates, scratch: &scratch.sortScratch, counts: &scratch.counts) { $0 }

  let b = design.blockSize
  let strata = design.strata.count
  if scratch.blocks.count != strata * b { scratch.blocks = Array(repeating: 0, count: strata * b) }
  scratch.blockPositions.removeAll(keepingCapacity: true)
  for _ in 0..<strata { scratch.blockPositions.append(b) }
  scratch.patients.removeAll(keepingCapacity: true)
  scratch.patients.reserveCapacity(n)

  for i in 0..<n {
    var stratum = 0
    for cumulative in design.cumulativePrevalences {
      let u = generator.uniform()
      var level = 0
      while level < cumulative.count - 1, u >= cumulative[level] { level += 1 }
      stratum = stratum * cumulative.count + level
    }

    let base = stratum * b
    if scratch.blockPositions[stratum] == b {
      for j in 0..<b { scratch.blocks[base + j] = design.blockTemplate[j] }
      var position = b - 1
      while position > 0 {
        scratch.blocks.swapAt(base + position, base + generator.integer(below: position + 1))
        position -= 1
      }
      scratch.blockPositions[stratum] = 0
    }
    let arm = scratch.blocks[base + scratch.blockPositions[stratum]]
    scratch.blockPositions[stratum] += 1

    let eventTime = design.survival[stratum][arm].sample(using: &generator)
    let dropoutTime: Double
    switch design.armDropout[arm] {
    case .none: dropoutTime = .infinity
    case .exponential(let rate): dropoutTime = generator.exponential() / rate
    }
    scratch.patients.append(
      SimulatedPatient(
        id: i + 1, stratum: stratum, arm: arm, entry: scratch.dates[i], eventTime: eventTime,
        dropoutTime: dropoutTime, observation: nil))
  }
}

/// The calendar cut-off of `design` for drawn patients (see ``simulateTrial(design:seed:index:)``)
/// and, for an event-driven cut-off, whether the target was reached. `dates` is scratch.
func cutoff(
  of patients: [SimulatedPatient], design: TrialSimulationDesign, dates: inout [Double]
) -> (time: Double, targetReached: Bool?) {
  switch design.cutoff {
  case .calendar(let time):
    return (time, nil)
  case .events(let target):
    dates.removeAll(keepingCapacity: true)
    var lastFollowUp = 0.0
    for p in patients {
      if p.eventObserved { dates.append(p.entry + p.eventTime) }
      lastFollowUp = max(lastFollowUp, p.followUpEnd)
    }
    guard dates.count >= target else { return (lastFollowUp, false) }
    return (selectAscending(&dates, rank: target - 1), true)
  }
}

/// The cut-off of ``simulateTrial(design:seed:index:)``, applied to drawn patients.
func cut(_ drawn: [SimulatedPatient], design: TrialSimulationDesign, seed: UInt64, index: UInt64) -> SimulatedTrial {
  var patients = drawn
  var dates: [Double] = []
  let (cutoffTime, targetReached) = cutoff(of: patients, design: design, dates: &dates)

  var events = 0
  var excluded = 0
  for i in patients.indices {
    guard let o = patients[i].observation(at: cutoffTime) else {
      excluded += 1
      continue
    }
    patients[i].observation = o
    if o.event { events += 1 }
  }

  return SimulatedTrial(
    design: design, seed: seed, index: index, patients: patients, cutoffTime: cutoffTime,
    eventsAtCutoff: events, eventTargetReached: targetReached, enrolledAfterCutoff: excluded)
}
