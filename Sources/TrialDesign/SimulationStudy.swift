import Foundation
import Survival

/// What one simulated trial showed at its analysis.
public struct TrialOutcome: Sendable, Equatable {
  /// Events at the analysis.
  public var events: Int
  /// Calendar time of the analysis.
  public var analysisTime: Double
  /// Log-rank z of the second arm against the first, unstratified.
  public var z: Double
  /// Its two-sided p-value.
  public var p: Double
  /// Stratified log-rank z (when the design has strata).
  public var stratifiedZ: Double?
  /// Its two-sided p-value.
  public var stratifiedP: Double?
  /// Cox hazard ratio (stratified when the design has strata), when finite.
  public var hazardRatio: Double?
  /// Kaplan–Meier medians of the two arms (nil: not reached).
  public var medians: [Double?]
  /// Whether an event-driven analysis reached its target.
  public var targetReached: Bool
  /// Whether the trial could be analysed at all (both arms present, at least one event).
  public var analysable: Bool

  static let empty = TrialOutcome(
    events: 0, analysisTime: .nan, z: .nan, p: .nan, stratifiedZ: nil, stratifiedP: nil, hazardRatio: nil,
    medians: [nil, nil], targetReached: false, analysable: false)
}

/// Many simulated trials of one design, each analysed like the real trial would be (Kaplan–Meier
/// medians, unstratified and stratified log-rank, Cox hazard ratio: ``TwoArmComparison``), with
/// the operating characteristics: empirical power, the distribution of the hazard-ratio estimate,
/// medians, events and analysis times.
///
/// Streaming: the outcomes are summarised as they come (``SimulationTally``), so memory does not
/// grow with the number of trials; per-trial outcomes reach `emit`, in index order, only when
/// asked. Reproducible to the bit: trial i uses the stream (seed, i)
/// (``Xoshiro256StarStar/stream(seed:index:)``) and the summaries are combined in index order
/// (``runTrials(count:control:empty:simulate:emit:)``), so the result does not depend on the
/// number of threads. A stopped run (``MonteCarloControl/shouldStop``) summarises trials 0..<done.
public struct SimulationStudy: Sendable {
  /// The design.
  public let design: TrialSimulationDesign
  /// The seed.
  public let seed: UInt64
  /// Trials asked for.
  public let requested: Int
  /// Trials done (all of them unless the run was stopped).
  public let done: Int
  /// The operating characteristics of the trials done.
  public let summary: SimulationSummary

  /// Simulates and analyses `trials` trials.
  /// - Parameters:
  ///   - alpha: significance level of the primary test.
  ///   - oneSided: one-sided test (the second arm better, z < 0).
  ///   - emit: receives each trial's outcome in index order (for per-trial output).
  public init(
    design: TrialSimulationDesign, trials: Int, seed: UInt64, alpha: Double = 0.05, oneSided: Bool = false,
    control: MonteCarloControl = .init(), emit: (@Sendable (Int, TrialOutcome) -> Void)? = nil
  ) {
    self.design = design
    self.seed = seed
    let empty = SimulationTally(alpha: alpha, oneSided: oneSided, stratified: design.strata.count > 1)
    let run = runTrials(
      count: trials, control: control, empty: empty,
      workspace: { TrialScratch() },
      simulate: { i, scratch in Self.simulate(design: design, seed: seed, index: UInt64(i), scratch: &scratch) },
      emit: emit)
    requested = run.requested
    done = run.done
    summary = SimulationSummary(run.summary)
  }

  /// Simulates and analyses `trials` trials on `threads` threads (default: every core).
  /// - Parameter progress: called now and then with the number of trials done (from any thread).
  public init(
    design: TrialSimulationDesign, trials: Int, seed: UInt64, threads: Int?, progress: (@Sendable (Int) -> Void)? = nil
  ) {
    self.init(design: design, trials: trials, seed: seed, control: .init(threads: threads, progress: progress))
  }

  /// The analysis of one simulated trial.
  public static func analyse(_ trial: SimulatedTrial) -> TrialOutcome {
    var kernel = TwoArmKernel(capacity: trial.patients.count)
    for p in trial.patients {
      guard let o = p.observation else { continue }
      kernel.append(time: o.time, event: o.event, arm: p.arm, stratum: p.stratum)
    }
    return analyse(
      &kernel, design: trial.design, events: trial.eventsAtCutoff, cutoff: trial.cutoffTime,
      targetReached: trial.eventTargetReached ?? true)
  }

  /// Trial `index` simulated and analysed in `scratch`'s buffers: the outcome of
  /// `analyse(simulateTrial(design:seed:index:))`, without building the trial.
  static func simulate(design: TrialSimulationDesign, seed: UInt64, index: UInt64, scratch: inout TrialScratch)
    -> TrialOutcome
  {
    var generator = Xoshiro256StarStar.stream(seed: seed, index: index)
    drawPatients(design: design, generator: &generator, into: &scratch)
    let (cutoffTime, reached) = cutoff(
      of: scratch.patients, design: design, dates: &scratch.dates)
    scratch.kernel.removeAll()
    var events = 0
    for p in scratch.patients {
      guard let o = p.observation(at: cutoffTime) else { continue }
      if o.event { events += 1 }
      scratch.kernel.append(time: o.time, event: o.event, arm: p.arm, stratum: p.stratum)
    }
    return analyse(&scratch.kernel, design: design, events: events, cutoff: cutoffTime, targetReached: reached ?? true)
  }

  /// The outcome from a kernel holding the analysed patients.
  static func analyse(
    _ kernel: inout TwoArmKernel, design: TrialSimulationDesign, events: Int, cutoff: Double, targetReached: Bool
  ) -> TrialOutcome {
    var outcome = TrialOutcome.empty
    outcome.events = events
    outcome.analysisTime = cutoff
    outcome.targetReached = targetReached
    guard design.arms.count == 2, case .success(let c) = kernel.compare(stratified: design.strata.count > 1) else {
      return outcome
    }
    outcome.z = c.logRankZ
    outcome.p = c.logRankP
    outcome.stratifiedZ = c.stratifiedLogRankZ
    outcome.stratifiedP = c.stratifiedLogRankP
    outcome.hazardRatio = c.hazardRatio
    outcome.medians = [c.median0, c.median1]
    outcome.analysable = true
    return outcome
  }
}

/// Values whose quantiles are wanted, in constant memory: kept exactly up to
/// ``QuantileSketch/exactLimit`` values (quantiles then as R's type 7), and beyond that binned
/// on a grid of width 10⁻⁴ over [−12, 12] (values outside go to the end bins), so that a
/// quantile is within 10⁻⁴ of the exact one.
public struct QuantileSketch: Sendable, Equatable {
  /// Values kept exactly before binning.
  public static let exactLimit = 1_000_000
  static let width = 1e-4
  static let low = -12.0
  static let binCount = 240_001
  private var values: [Double] = []
  private var bins: [UInt32]? = nil
  /// Values added.
  public private(set) var count = 0
  private var sum = 0.0

  /// The mean of the values added (NaN without values).
  public var mean: Double { count == 0 ? .nan : sum / Double(count) }

  /// No values.
  public init() {}

  /// Adds a value (finite values only are counted).
  public mutating func add(_ x: Double) {
    guard x.isFinite else { return }
    count += 1
    sum += x
    if bins == nil {
      values.append(x)
      if values.count > Self.exactLimit { binAll() }
    } else {
      bin(x)
    }
  }

  /// Appends the values of `later`.
  public mutating func merge(_ later: QuantileSketch) {
    if bins == nil, later.bins == nil {
      values += later.values
      count += later.values.count
      sum += later.sum
      if values.count > Self.exactLimit { binAll() }
      return
    }
    if bins == nil { binAll() }
    for x in later.values { bin(x) }
    if let other = later.bins { for k in other.indices where other[k] > 0 { bins?[k] &+= other[k] } }
    count += later.count
    sum += later.sum
  }

  private mutating func binAll() {
    bins = [UInt32](repeating: 0, count: Self.binCount)
    for x in values { bin(x) }
    values = []
  }

  private mutating func bin(_ x: Double) {
    let k = min(Double(Self.binCount - 1), max(0, ((x - Self.low) / Self.width).rounded(.down)))
    bins?[Int(k)] &+= 1
  }

  /// The q-quantile (type 7 when exact); NaN without values.
  public func quantile(_ q: Double) -> Double {
    guard count > 0 else { return .nan }
    let h = Double(count - 1) * q
    let lo = Int(h.rounded(.down))
    let hi = min(count - 1, lo + 1)
    if bins == nil {
      let sorted = values.sorted()
      return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
    let a = orderStatistic(lo)
    let b = orderStatistic(hi)
    return a + (h - Double(lo)) * (b - a)
  }

  /// The k-th smallest value (0-based), placed within its bin by its rank there.
  private func orderStatistic(_ k: Int) -> Double {
    guard let bins else { return .nan }
    var below = 0
    for (j, c) in bins.enumerated() where c > 0 {
      if below + Int(c) > k {
        return Self.low + (Double(j) + (Double(k - below) + 0.5) / Double(c)) * Self.width
      }
      below += Int(c)
    }
    return .nan
  }

  /// Whether the quantiles are exact (at most ``exactLimit`` values).
  public var isExact: Bool { bins == nil }
}

/// The running summary of simulated trials (one ``TrialOutcome`` at a time).
public struct SimulationTally: TrialAccumulator, Equatable {
  /// Significance level.
  public let alpha: Double
  /// One-sided test.
  public let oneSided: Bool
  /// Whether the primary test is the stratified log-rank.
  public let stratified: Bool
  var trials = 0
  var analysable = 0
  var rejections = 0
  var rejectionsUnstratified = 0
  var hazardRatioSum = 0.0
  var logHazardRatios = QuantileSketch()
  var medianSum = [0.0, 0.0]
  var medianReached = [0, 0]
  var eventsSum = 0
  var analysisTimeSum = 0.0
  var targetNotReached = 0

  /// An empty tally.
  public init(alpha: Double, oneSided: Bool, stratified: Bool) {
    self.alpha = alpha
    self.oneSided = oneSided
    self.stratified = stratified
  }

  private func rejects(_ z: Double?, _ p: Double?) -> Bool {
    guard let z, let p, z.isFinite else { return false }
    return oneSided ? z < -Normal.quantile(1 - alpha) : p < alpha
  }

  public mutating func add(_ o: TrialOutcome) {
    trials += 1
    if o.analysable { analysable += 1 }
    if stratified ? rejects(o.stratifiedZ, o.stratifiedP) : rejects(o.z, o.p) { rejections += 1 }
    if rejects(o.z, o.p) { rejectionsUnstratified += 1 }
    if o.analysable, let hr = o.hazardRatio, hr.isFinite, hr > 0 {
      hazardRatioSum += hr
      logHazardRatios.add(Foundation.log(hr))
    }
    if o.analysable {
      for a in 0..<min(2, o.medians.count) {
        if let m = o.medians[a] {
          medianSum[a] += m
          medianReached[a] += 1
        }
      }
    }
    eventsSum += o.events
    if o.analysisTime.isFinite { analysisTimeSum += o.analysisTime }
    if !o.targetReached { targetNotReached += 1 }
  }

  public mutating func merge(_ l: SimulationTally) {
    trials += l.trials
    analysable += l.analysable
    rejections += l.rejections
    rejectionsUnstratified += l.rejectionsUnstratified
    hazardRatioSum += l.hazardRatioSum
    logHazardRatios.merge(l.logHazardRatios)
    for a in 0..<2 {
      medianSum[a] += l.medianSum[a]
      medianReached[a] += l.medianReached[a]
    }
    eventsSum += l.eventsSum
    analysisTimeSum += l.analysisTimeSum
    targetNotReached += l.targetNotReached
  }
}

/// Operating characteristics of a ``SimulationStudy``.
public struct SimulationSummary: Sendable, Equatable {
  /// Trials simulated.
  public let trials: Int
  /// Trials that could be analysed.
  public let analysable: Int
  /// Significance level and sidedness of the test (one-sided: the second arm better, z < 0).
  public let alpha: Double
  /// Whether the test is one-sided.
  public let oneSided: Bool
  /// Empirical power of the primary test (stratified log-rank when the design has strata).
  public let power: Double
  /// Monte Carlo standard error of the power, √(p(1−p)/trials).
  public let powerStdErr: Double
  /// Empirical power of the unstratified log-rank test.
  public let powerUnstratified: Double
  /// Whether the primary test is stratified.
  public let primaryStratified: Bool
  /// Trials with a finite Cox estimate.
  public let hazardRatioCount: Int
  /// Mean of the hazard-ratio estimates, and exp of the mean log hazard ratio.
  public let hazardRatioMean: Double
  /// exp(mean log HR).
  public let hazardRatioGeometricMean: Double
  /// Quantiles 2.5%, 25%, 50%, 75%, 97.5% of the hazard-ratio estimates.
  public let hazardRatioQuantiles: [Double]
  /// Per arm: mean of the Kaplan–Meier medians among trials where reached, and the share reached.
  public let medianMean: [Double]
  /// Share of trials in which each arm's median was reached.
  public let medianReached: [Double]
  /// Mean events and mean analysis time.
  public let eventsMean: Double
  /// Mean calendar time of the analysis.
  public let analysisTimeMean: Double
  /// Trials whose event-driven target was not reached.
  public let targetNotReached: Int
  /// Whether the hazard-ratio quantiles are exact (see ``QuantileSketch``).
  public let quantilesExact: Bool

  /// The summary of a study.
  public init(_ study: SimulationStudy) { self = study.summary }

  /// The summary of a tally.
  public init(_ t: SimulationTally) {
    trials = t.trials
    analysable = t.analysable
    alpha = t.alpha
    oneSided = t.oneSided
    primaryStratified = t.stratified
    let n = Double(max(1, trials))
    power = Double(t.rejections) / n
    powerStdErr = (power * (1 - power) / n).squareRoot()
    powerUnstratified = Double(t.rejectionsUnstratified) / n
    let count = t.logHazardRatios.count
    hazardRatioCount = count
    hazardRatioMean = count == 0 ? .nan : t.hazardRatioSum / Double(count)
    hazardRatioGeometricMean = count == 0 ? .nan : Foundation.exp(t.logHazardRatios.mean)
    hazardRatioQuantiles = [0.025, 0.25, 0.5, 0.75, 0.975].map { Foundation.exp(t.logHazardRatios.quantile($0)) }
    quantilesExact = t.logHazardRatios.isExact
    medianMean = (0..<2).map { t.medianReached[$0] == 0 ? .nan : t.medianSum[$0] / Double(t.medianReached[$0]) }
    medianReached = (0..<2).map { Double(t.medianReached[$0]) / Double(max(1, t.analysable)) }
    eventsMean = Double(t.eventsSum) / n
    analysisTimeMean = t.analysisTimeSum / n
    targetNotReached = t.targetNotReached
  }

  /// The q-quantile of sorted values (R type 7: linear interpolation).
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let h = Double(sorted.count - 1) * q
    let lo = Int(h.rounded(.down))
    let hi = min(sorted.count - 1, lo + 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }
}
