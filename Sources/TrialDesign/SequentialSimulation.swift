import Foundation
import Survival

/// A group-sequential monitoring plan to simulate: the looks at cumulative event counts and the
/// boundaries that apply at them, recomputed at the looks' information fractions D_k / D_max as
/// `osstats monitor` (``SequentialAnalysis``) does when the events fall as planned.
public struct MonitoringPlan: Sendable {
  /// The design's boundaries (spending function, futility, binding, sidedness).
  public let boundaries: GroupSequentialBoundaries
  /// Cumulative events at each look, increasing; the last is the final analysis.
  public let lookEvents: [Int]
  /// The planned maximum events D_max (information fractions are D / D_max).
  public let maxEvents: Int
  /// Allocation experimental : control, for the hazard-ratio estimate.
  public let allocation: Double
  /// The efficacy z that applies at each look when the events fall as planned (interim readings,
  /// the last look final).
  public let efficacyZ: [Double]
  /// The futility z of each look (nil: none; never at the final look).
  public let futilityZ: [Double?]
  private let cache = BoundaryCache()

  /// The events at information fractions `fractions` of `maxEvents`, as a design plans its looks:
  /// ceiling(t_k · D), with the design's guard against round-off (0.14 × 100 is 14, not 15).
  public static func lookEvents(fractions: [Double], maxEvents: Int) -> [Int] {
    fractions.map { Int(($0 * Double(maxEvents) - 1e-9).rounded(.up)) }
  }

  /// A plan.
  /// - Throws: ``GroupSequentialError`` when the events do not increase, the looks are not as
  ///   many as the design's, or a boundary cannot be recomputed.
  public init(
    boundaries: GroupSequentialBoundaries, lookEvents: [Int], maxEvents: Int, allocation: Double
  ) throws(GroupSequentialError) {
    guard !lookEvents.isEmpty, lookEvents.count == boundaries.fractions.count, maxEvents > 0,
      zip(lookEvents, lookEvents.dropFirst()).allSatisfy({ $0 < $1 }), lookEvents[0] > 0
    else { throw .eventsNotIncreasing(lookEvents.map(Double.init)) }
    self.boundaries = boundaries
    self.lookEvents = lookEvents
    self.maxEvents = maxEvents
    self.allocation = allocation
    var efficacy: [Double] = []
    for k in lookEvents.indices {
      let history = lookEvents[...k].map { ObservedLook(events: Double($0), z: 0) }
      let reading: AnalysisReading = k == lookEvents.count - 1 ? .final : .interim
      let analysis = try SequentialAnalysis(
        design: boundaries, maxEvents: Double(maxEvents), allocation: allocation, designHazardRatio: nil,
        history: history, reading: reading)
      efficacy.append(analysis.current.efficacyZ)
    }
    efficacyZ = efficacy
    futilityZ = lookEvents.indices.map { k in
      k < lookEvents.count - 1 && k < boundaries.futilityZ.count ? boundaries.futilityZ[k] : nil
    }
  }

  /// The efficacy z of a final analysis that comes early, at `events` after the earlier looks
  /// `earlier` (the event target was not reached: every event that will occur has occurred).
  func finalEfficacyZ(earlier: [Int], events: Int) -> Double {
    let key = earlier + [events]
    if let z = cache.value(key) { return z }
    let history = key.map { ObservedLook(events: Double($0), z: 0) }
    let z =
      (try? SequentialAnalysis(
        design: boundaries, maxEvents: Double(maxEvents), allocation: allocation, designHazardRatio: nil,
        history: history, reading: .final
      ).current.efficacyZ) ?? .infinity
    cache.store(key, z)
    return z
  }

  /// The analytic probabilities of stopping for efficacy and for futility at each look under
  /// `hazardRatio`: the crossing probabilities of the plan's boundaries on the canonical joint
  /// distribution of the z statistics at the looks' fractions, with drift
  /// −log HR · √(r·D_max)/(1+r) (the large-sample law of the simulated process).
  public func analyticStopping(hazardRatio: Double) -> (efficacy: [Double], futility: [Double]) {
    let fractions = lookEvents.map { Double($0) / Double(maxEvents) }
    let r = allocation
    let drift = -Foundation.log(hazardRatio) * (r * Double(maxEvents)).squareRoot() / (1 + r)
    let twoSided = boundaries.sided == 2
    let lower = twoSided ? efficacyZ.map { -$0 } : futilityZ.map { $0 ?? -.infinity }
    let c = GroupSequentialBoundaries.crossing(fractions: fractions, lower: lower, upper: efficacyZ, drift: drift)
    return (twoSided ? zip(c.upper, c.lower).map { $0 + $1 } : c.upper, twoSided ? fractions.map { _ in 0 } : c.lower)
  }
}

/// Boundaries of early final analyses, computed once per history.
private final class BoundaryCache: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [[Int]: Double] = [:]

  func value(_ key: [Int]) -> Double? {
    lock.lock()
    defer { lock.unlock() }
    return values[key]
  }

  func store(_ key: [Int], _ z: Double) {
    lock.lock()
    defer { lock.unlock() }
    if values.count < 100_000 { values[key] = z }
  }
}

/// Why a simulated group-sequential trial stopped.
public enum StopReason: String, Sendable, Equatable, CaseIterable {
  /// z reached the efficacy boundary.
  case efficacy
  /// z fell to the futility boundary.
  case futility
  /// A two-sided design's lower boundary: H0 rejected with the experimental arm worse.
  case harm
  /// The final analysis without crossing.
  case final
}

/// One simulated group-sequential trial.
public struct SequentialTrialOutcome: Sendable, Equatable {
  /// The look at which the trial stopped (0-based).
  public var look: Int
  /// Why.
  public var reason: StopReason
  /// Cumulative events at the stopping look.
  public var events: Int
  /// Patients randomized by the stopping analysis.
  public var patients: Int
  /// Calendar time of the stopping analysis (from the first entry).
  public var duration: Double
  /// The look statistic at each look done, favourable direction (positive: fewer deaths on the
  /// experimental arm): the log-rank z, the Fleming–Harrington z, or MaxCombo's max_j z_j (whose
  /// joint-normal p decides).
  public var z: [Double]
  /// exp(−z·(1+r)/√(r·D)) at the stopping look, z the log-rank z whatever the look test.
  public var hazardRatio: Double
  /// Whether the event target of the stopping look was not reached (an early final analysis).
  public var targetNotReached: Bool
}

/// The test at each look.
public enum LookTest: Sendable, Equatable {
  /// The log-rank test.
  case logRank
  /// The log-rank test stratified by the design's strata.
  case stratified
  /// The Fleming–Harrington G(ρ, γ) weighted log-rank test, weights Ŝ(t−)^ρ(1 − Ŝ(t−))^γ.
  case flemingHarrington(rho: Double, gamma: Double)
  /// MaxCombo over G(0,0), G(0,1), G(1,0), G(1,1), its p from their joint normal distribution
  /// (see ``WeightedLookKernel``).
  case maxCombo

  /// The name the command line uses: logrank, stratified, fleming-harrington, maxcombo.
  public var name: String {
    switch self {
    case .logRank: return "logrank"
    case .stratified: return "stratified"
    case .flemingHarrington: return "fleming-harrington"
    case .maxCombo: return "maxcombo"
    }
  }

  /// A description for reports, e.g. "Fleming–Harrington G(0, 1)".
  public var label: String {
    func f(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(x) }
    switch self {
    case .logRank: return "log-rank"
    case .stratified: return "stratified log-rank"
    case .flemingHarrington(let rho, let gamma): return "Fleming–Harrington G(\(f(rho)), \(f(gamma)))"
    case .maxCombo: return "MaxCombo of G(0, 0), G(0, 1), G(1, 0), G(1, 1)"
    }
  }
}

/// Simulates the monitoring plan of a group-sequential trial.
///
/// Each trial draws its patients as ``simulateTrial(design:seed:index:)`` does (the same random
/// numbers, so trial i has the same patients in both), then analyses the data at each look's
/// calendar time, the moment of the D_k-th observed event (patients entered later are not in
/// it, those at risk are censored there): the log-rank z in the favourable direction, against the
/// plan's boundaries. The trial stops at the first look where z ≥ the efficacy boundary (or, two
/// sided, z ≤ −it: harm), or z ≤ the futility boundary (stopping at it whether the bound is
/// binding or not: non-binding only changes how the efficacy bounds were computed), else at the
/// final look. When fewer events than a look's target ever occur, that look is the final
/// analysis, with every event, and its boundary is recomputed at the events it has (final
/// reading); when no event comes after the previous look, the trial ends there without crossing.
public struct SequentialSimulation: Sendable {
  /// The trial design (arms, accrual, survival, dropout, strata); its cut-off is not used.
  public let design: TrialSimulationDesign
  /// The plan.
  public let plan: MonitoringPlan
  /// The test at each look.
  public let test: LookTest
  /// The seed.
  public let seed: UInt64
  /// Trials asked for.
  public let requested: Int
  /// Trials done (all unless stopped).
  public let done: Int
  /// The summary of the trials done.
  public let tally: SequentialTally

  /// Runs `trials` trials.
  public init(
    design: TrialSimulationDesign, plan: MonitoringPlan, test: LookTest = .logRank, trials: Int, seed: UInt64,
    control: MonteCarloControl = .init(), emit: (@Sendable (Int, SequentialTrialOutcome) -> Void)? = nil
  ) {
    self.design = design
    self.plan = plan
    self.test = test
    self.seed = seed
    let run = runTrials(
      count: trials, control: control, empty: SequentialTally(looks: plan.lookEvents.count),
      workspace: { LookScratch(test: test) },
      simulate: { i, scratch in
        Self.trial(design: design, plan: plan, test: test, seed: seed, index: UInt64(i), scratch: &scratch)
      }, emit: emit)
    requested = run.requested
    done = run.done
    tally = run.summary
  }

  /// One trial.
  public static func trial(
    design: TrialSimulationDesign, plan: MonitoringPlan, test: LookTest, seed: UInt64, index: UInt64
  ) -> SequentialTrialOutcome {
    var scratch = LookScratch(test: test)
    return trial(design: design, plan: plan, test: test, seed: seed, index: index, scratch: &scratch)
  }

  /// One trial in `scratch`'s buffers (the same outcome as without them).
  static func trial(
    design: TrialSimulationDesign, plan: MonitoringPlan, test: LookTest, seed: UInt64, index: UInt64,
    scratch: inout LookScratch
  ) -> SequentialTrialOutcome {
    var generator = Xoshiro256StarStar.stream(seed: seed, index: index)
    drawPatients(design: design, generator: &generator, into: &scratch.trial)
    let patients = scratch.trial.patients
    scratch.trial.dates.removeAll(keepingCapacity: true)
    var lastFollowUp = 0.0
    for p in patients {
      if p.eventObserved { scratch.trial.dates.append(p.entry + p.eventTime) }
      lastFollowUp = max(lastFollowUp, p.followUpEnd)
    }
    if scratch.weighted == nil { scratch.logRank.prepare(patients: patients) }
    let r = plan.allocation
    var zs: [Double] = []
    var outcome = SequentialTrialOutcome(
      look: 0, reason: .final, events: 0, patients: 0, duration: 0, z: [], hazardRatio: .nan, targetNotReached: false)
    let stratified = test == .stratified && design.strata.count > 1
    for k in plan.lookEvents.indices {
      let target = plan.lookEvents[k]
      var cutoff: Double
      var events = target
      var efficacy = plan.efficacyZ[k]
      var futility = plan.futilityZ[k]
      var final = k == plan.lookEvents.count - 1
      let eventCount = scratch.trial.dates.count
      if eventCount >= target {
        cutoff = selectAscending(&scratch.trial.dates, rank: target - 1)
      } else {
        // Every event there will be has happened: this look is the final analysis.
        let previous = k > 0 ? plan.lookEvents[k - 1] : 0
        guard eventCount > previous else { break }
        events = eventCount
        cutoff = lastFollowUp
        efficacy = plan.finalEfficacyZ(earlier: Array(plan.lookEvents[..<k]), events: events)
        futility = nil
        final = true
        outcome.targetNotReached = true
      }
      let z: Double
      let harmZ: Double
      let logRankZ: Double
      var statistic: Double
      let thresholds =
        scratch.weighted == nil
        ? [] : [Normal.upperTail(efficacy)] + (futility.map { [Normal.upperTail($0)] } ?? [])
      if let result = scratch.weighted?.evaluate(
        patients: patients, cutoff: cutoff, twoSided: plan.boundaries.sided == 2, thresholds: thresholds)
      {
        (z, harmZ, logRankZ, statistic) = (result.z, result.harmZ, result.logRankZ, result.statistic)
      } else {
        z = scratch.logRank.favourableZ(patients: patients, cutoff: cutoff, stratified: stratified)
        (harmZ, logRankZ, statistic) = (z, z, z)
      }
      zs.append(statistic)
      var entered = 0
      for p in patients where p.entry <= cutoff { entered += 1 }
      outcome.look = k
      outcome.events = events
      outcome.patients = entered
      outcome.duration = cutoff
      outcome.hazardRatio = Foundation.exp(-logRankZ * (1 + r) / (r * Double(events)).squareRoot())
      if z >= efficacy {
        outcome.reason = .efficacy
        break
      }
      if plan.boundaries.sided == 2, harmZ <= -efficacy {
        outcome.reason = .harm
        break
      }
      if let f = futility, z <= f {
        outcome.reason = .futility
        break
      }
      outcome.reason = .final
      if final { break }
    }
    outcome.z = zs
    return outcome
  }
}

/// The buffers of one thread simulating monitoring plans, reused from trial to trial.
struct LookScratch {
  var trial = TrialScratch()
  var logRank = LogRankKernel(capacity: 0)
  var weighted: WeightedLookKernel?

  init(test: LookTest) {
    switch test {
    case .flemingHarrington, .maxCombo: weighted = WeightedLookKernel(test: test, capacity: 0)
    default: weighted = nil
    }
  }
}

/// The two-arm log-rank statistic of simulated patients cut at a calendar time, with the
/// hypergeometric variance for tied times (as R's survdiff), summed over strata when stratified.
/// Arm 0 is the control; any other arm counts as experimental.
struct LogRankKernel {
  typealias Row = (time: Double, stratum: Int32, arm: UInt8, event: UInt8)
  private var rows: [Row] = []
  private var scratch: [Row] = []
  /// (latent follow-up min(event, dropout), patient index), ascending: sorted once per trial.
  private var latent: [(time: Double, index: Int32)] = []
  private var latentScratch: [(time: Double, index: Int32)] = []
  private var counts: [Int] = []
  private var ownTime: [Bool] = []
  private var strataStarts: [Int] = []

  init(capacity: Int) { rows.reserveCapacity(capacity) }

  /// Sorts the trial's patients by latent follow-up, once for all its looks.
  mutating func prepare(patients: [SimulatedPatient]) {
    latent.removeAll(keepingCapacity: true)
    for (i, p) in patients.enumerated() { latent.append((min(p.eventTime, p.dropoutTime), Int32(i))) }
    bucketSort(&latent, scratch: &latentScratch, counts: &counts) { $0.time }
  }

  /// (E − O)/√V of the experimental arm: positive when it has fewer deaths than expected; NaN
  /// when V = 0. The patients must be those of the last ``prepare(patients:)``.
  ///
  /// The rows at the look come out sorted by time without a sort: a patient's follow-up is either
  /// its latent time (an event or dropout by the cut-off), in the order of ``prepare(patients:)``,
  /// or the time to the cut-off c − entry, ascending in reverse entry (id) order; the two runs are
  /// merged, then grouped by stratum by a stable counting pass.
  mutating func favourableZ(patients: [SimulatedPatient], cutoff: Double, stratified: Bool) -> Double {
    rows.removeAll(keepingCapacity: true)
    let n = patients.count
    if ownTime.count < n { ownTime = Array(repeating: false, count: n) }
    for i in 0..<n { ownTime[i] = false }
    // The patients whose follow-up ends by the cut-off, in latent order.
    scratch.removeAll(keepingCapacity: true)
    for (time, index) in latent {
      let p = patients[Int(index)]
      guard let o = p.observation(at: cutoff), o.time == time else { continue }
      ownTime[Int(index)] = true
      scratch.append((time, Int32(p.stratum), p.arm == 0 ? 0 : 1, o.event ? 1 : 0))
    }
    // Merged with those censored at the cut-off, ascending c − entry.
    var a = 0
    var id = n - 1
    while id >= 0 {
      let p = patients[id]
      guard p.entry <= cutoff, !ownTime[id] else {
        id -= 1
        continue
      }
      let time = cutoff - p.entry
      while a < scratch.count && scratch[a].time <= time {
        rows.append(scratch[a])
        a += 1
      }
      rows.append((time, Int32(p.stratum), p.arm == 0 ? 0 : 1, 0))
      id -= 1
    }
    while a < scratch.count {
      rows.append(scratch[a])
      a += 1
    }
    if stratified {
      groupByStratum()
    } else {
      for i in rows.indices { rows[i].stratum = 0 }
    }
    var observedMinusExpected = 0.0
    var variance = 0.0
    var start = 0
    while start < rows.count {
      var end = start
      var atRisk = 0.0
      var atRiskExperimental = 0.0
      while end < rows.count, rows[end].stratum == rows[start].stratum {
        atRisk += 1
        atRiskExperimental += Double(rows[end].arm)
        end += 1
      }
      var i = start
      while i < end {
        var j = i
        var deaths = 0.0
        var deathsExperimental = 0.0
        var leaving = 0.0
        var leavingExperimental = 0.0
        let t = rows[i].time
        while j < end, rows[j].time == t {
          let e = Double(rows[j].event)
          let a = Double(rows[j].arm)
          deaths += e
          deathsExperimental += e * a
          leaving += 1
          leavingExperimental += a
          j += 1
        }
        if deaths > 0 {
          let share = atRiskExperimental / atRisk
          observedMinusExpected += deathsExperimental - deaths * share
          if atRisk > 1 { variance += deaths * share * (1 - share) * (atRisk - deaths) / (atRisk - 1) }
        }
        atRisk -= leaving
        atRiskExperimental -= leavingExperimental
        i = j
      }
      start = end
    }
    return variance > 0 ? -observedMinusExpected / variance.squareRoot() : .nan
  }

  /// Reorders the time-sorted rows stratum by stratum, keeping the time order within each.
  private mutating func groupByStratum() {
    var strata = 0
    for r in rows { strata = max(strata, Int(r.stratum) + 1) }
    guard strata > 1 else { return }
    strataStarts.removeAll(keepingCapacity: true)
    for _ in 0...strata { strataStarts.append(0) }
    for r in rows { strataStarts[Int(r.stratum) + 1] += 1 }
    for s in 0..<strata { strataStarts[s + 1] += strataStarts[s] }
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: rows)
    for r in scratch {
      rows[strataStarts[Int(r.stratum)]] = r
      strataStarts[Int(r.stratum)] += 1
    }
  }
}

/// The running summary of simulated group-sequential trials.
public struct SequentialTally: TrialAccumulator, Equatable {
  /// Trials.
  public internal(set) var trials = 0
  /// Per look: trials stopped for efficacy, futility, harm, and ending there at the final analysis.
  public internal(set) var efficacy: [Int]
  /// Futility stops per look.
  public internal(set) var futility: [Int]
  /// Harm stops per look (two-sided designs).
  public internal(set) var harm: [Int]
  /// Trials whose final analysis (without crossing) was at this look.
  public internal(set) var final: [Int]
  /// Trials that reached (were analysed at) each look.
  public internal(set) var reached: [Int]
  /// Trials whose stopping look fell short of its event target.
  public internal(set) var targetNotReached = 0
  var eventsSum = 0.0
  var eventsSquares = 0.0
  var patientsSum = 0.0
  var patientsSquares = 0.0
  var durationSum = 0.0
  var durationSquares = 0.0
  var logHRSum = 0.0
  var logHRSquares = 0.0
  var hrCount = 0
  var hrSum = 0.0
  /// Per stopping look: the trials with a finite estimate and the sum of their log HR.
  var logHRByLook: [Double]
  var hrCountByLook: [Int]

  /// No trials of a plan with `looks` looks.
  public init(looks: Int) {
    efficacy = Array(repeating: 0, count: looks)
    futility = efficacy
    harm = efficacy
    final = efficacy
    reached = efficacy
    logHRByLook = Array(repeating: 0, count: looks)
    hrCountByLook = efficacy
  }

  public mutating func add(_ o: SequentialTrialOutcome) {
    trials += 1
    switch o.reason {
    case .efficacy: efficacy[o.look] += 1
    case .futility: futility[o.look] += 1
    case .harm: harm[o.look] += 1
    case .final: final[o.look] += 1
    }
    for k in 0..<o.z.count { reached[k] += 1 }
    if o.targetNotReached { targetNotReached += 1 }
    let e = Double(o.events)
    eventsSum += e
    eventsSquares += e * e
    let n = Double(o.patients)
    patientsSum += n
    patientsSquares += n * n
    durationSum += o.duration
    durationSquares += o.duration * o.duration
    if o.hazardRatio.isFinite, o.hazardRatio > 0 {
      let l = Foundation.log(o.hazardRatio)
      hrCount += 1
      hrSum += o.hazardRatio
      logHRSum += l
      logHRSquares += l * l
      logHRByLook[o.look] += l
      hrCountByLook[o.look] += 1
    }
  }

  public mutating func merge(_ l: SequentialTally) {
    trials += l.trials
    for k in efficacy.indices {
      efficacy[k] += l.efficacy[k]
      futility[k] += l.futility[k]
      harm[k] += l.harm[k]
      final[k] += l.final[k]
      reached[k] += l.reached[k]
      logHRByLook[k] += l.logHRByLook[k]
      hrCountByLook[k] += l.hrCountByLook[k]
    }
    targetNotReached += l.targetNotReached
    eventsSum += l.eventsSum
    eventsSquares += l.eventsSquares
    patientsSum += l.patientsSum
    patientsSquares += l.patientsSquares
    durationSum += l.durationSum
    durationSquares += l.durationSquares
    logHRSum += l.logHRSum
    logHRSquares += l.logHRSquares
    hrCount += l.hrCount
    hrSum += l.hrSum
  }
}

/// Operating characteristics of a simulated monitoring plan, with Monte Carlo standard errors
/// (√(p(1−p)/N) for probabilities, s/√N for means).
public struct SequentialSummary: Sendable, Equatable {
  /// One look.
  public struct Look: Sendable, Equatable {
    /// 1-based.
    public let number: Int
    /// Planned cumulative events.
    public let events: Int
    /// Efficacy boundary (z) when the events fall as planned.
    public let efficacyZ: Double
    /// Futility boundary, if any.
    public let futilityZ: Double?
    /// P(stop for efficacy here).
    public let efficacyStop: Double
    /// P(stop for futility here).
    public let futilityStop: Double
    /// P(stop for harm here), two-sided designs.
    public let harmStop: Double
    /// P(rejecting H0 at this look or before).
    public let cumulativeRejection: Double
    /// P(the trial stops here, for whatever reason).
    public let stop: Double
    /// P(the trial reaches this look).
    public let reached: Double
    /// Mean hazard-ratio estimate (geometric) among trials stopping here; nil if none.
    public let hazardRatioAtStop: Double?
    /// Analytic P(stop for efficacy here) under the simulated HR (canonical joint distribution).
    public let analyticEfficacyStop: Double?
    /// Analytic P(stop for futility here).
    public let analyticFutilityStop: Double?
  }

  /// Trials.
  public let trials: Int
  /// P(reject H0) (efficacy, plus harm for two-sided designs).
  public let overallRejection: Double
  /// Its Monte Carlo standard error.
  public let overallRejectionSE: Double
  /// Analytic power at the simulated HR (sum of the analytic efficacy stops).
  public let analyticRejection: Double?
  /// P(stop before the final look).
  public let earlyStop: Double
  /// Expected events at stopping, with its Monte Carlo error.
  public let expectedEvents: Double
  /// Its standard error.
  public let expectedEventsSE: Double
  /// Expected patients randomized by the stopping analysis.
  public let expectedPatients: Double
  /// Its standard error.
  public let expectedPatientsSE: Double
  /// Expected calendar time of the stopping analysis.
  public let expectedDuration: Double
  /// Its standard error.
  public let expectedDurationSE: Double
  /// exp(mean log ĤR) at stopping over all trials.
  public let hazardRatioGeometricMean: Double
  /// Mean of ĤR at stopping.
  public let hazardRatioMean: Double
  /// mean log ĤR − log HR (the bias of the log hazard ratio at stopping), and its standard error.
  public let logHazardRatioBias: Double
  /// Its standard error.
  public let logHazardRatioBiasSE: Double
  /// Trials whose stopping look fell short of its event target.
  public let targetNotReached: Int
  /// The looks.
  public let looks: [Look]

  /// The summary of a simulation at the true hazard ratio `hazardRatio`.
  public init(_ s: SequentialSimulation, hazardRatio: Double) {
    let t = s.tally
    trials = t.trials
    let n = Double(max(1, t.trials))
    func mean(_ sum: Double, _ squares: Double) -> (Double, Double) {
      let m = sum / n
      let variance = max(0, squares / n - m * m) * n / max(1, n - 1)
      return (m, (variance / n).squareRoot())
    }
    let rejections = t.efficacy.reduce(0, +) + t.harm.reduce(0, +)
    overallRejection = Double(rejections) / n
    overallRejectionSE = (overallRejection * (1 - overallRejection) / n).squareRoot()
    let lastLook = t.efficacy.count - 1
    let early = (0..<lastLook).reduce(0) { $0 + t.efficacy[$1] + t.futility[$1] + t.harm[$1] }
    earlyStop = Double(early) / n
    (expectedEvents, expectedEventsSE) = mean(t.eventsSum, t.eventsSquares)
    (expectedPatients, expectedPatientsSE) = mean(t.patientsSum, t.patientsSquares)
    (expectedDuration, expectedDurationSE) = mean(t.durationSum, t.durationSquares)
    let h = Double(max(1, t.hrCount))
    let logMean = t.logHRSum / h
    hazardRatioGeometricMean = t.hrCount == 0 ? .nan : Foundation.exp(logMean)
    hazardRatioMean = t.hrCount == 0 ? .nan : t.hrSum / h
    logHazardRatioBias = t.hrCount == 0 ? .nan : logMean - Foundation.log(hazardRatio)
    let logVariance = max(0, t.logHRSquares / h - logMean * logMean) * h / max(1, h - 1)
    logHazardRatioBiasSE = (logVariance / h).squareRoot()
    targetNotReached = t.targetNotReached
    let analytic = s.plan.analyticStopping(hazardRatio: hazardRatio)
    analyticRejection = analytic.efficacy.reduce(0, +)
    var cumulative = 0
    looks = s.plan.lookEvents.indices.map { k in
      cumulative += t.efficacy[k] + t.harm[k]
      let stops = t.efficacy[k] + t.futility[k] + t.harm[k] + t.final[k]
      return Look(
        number: k + 1, events: s.plan.lookEvents[k], efficacyZ: s.plan.efficacyZ[k], futilityZ: s.plan.futilityZ[k],
        efficacyStop: Double(t.efficacy[k]) / n, futilityStop: Double(t.futility[k]) / n,
        harmStop: Double(t.harm[k]) / n, cumulativeRejection: Double(cumulative) / n, stop: Double(stops) / n,
        reached: Double(t.reached[k]) / n,
        hazardRatioAtStop: t.hrCountByLook[k] == 0 ? nil : Foundation.exp(t.logHRByLook[k] / Double(t.hrCountByLook[k])),
        analyticEfficacyStop: analytic.efficacy[k], analyticFutilityStop: analytic.futility[k])
    }
  }
}
