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
/// Reproducible to the bit: trial i uses the stream (seed, i) (``Xoshiro256StarStar/stream(seed:index:)``)
/// and the outcomes are collected by index, so the result does not depend on the number of threads.
public struct SimulationStudy: Sendable {
  /// The design.
  public let design: TrialSimulationDesign
  /// The seed.
  public let seed: UInt64
  /// Outcome of each trial, by index.
  public let outcomes: [TrialOutcome]

  /// Simulates and analyses `trials` trials on `threads` threads (default: every core).
  /// - Parameter progress: called now and then with the number of trials done (from any thread).
  public init(
    design: TrialSimulationDesign, trials: Int, seed: UInt64, threads: Int? = nil,
    progress: (@Sendable (Int) -> Void)? = nil
  ) {
    self.design = design
    self.seed = seed
    let count = max(0, trials)
    let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, max(1, count)))
    let storage = OutcomeStorage(count: count)
    let done = ProgressCounter()
    let work: @Sendable (Int) -> Void = { w in
      var i = w
      while i < count {
        storage.set(i, Self.analyse(simulateTrial(design: design, seed: seed, index: UInt64(i))))
        i += workers
        if let progress, done.increment() % 1000 == 0 { progress(done.value) }
      }
    }
    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
    outcomes = storage.values
  }

  /// The analysis of one simulated trial.
  public static func analyse(_ trial: SimulatedTrial) -> TrialOutcome {
    let rows = trial.analysed
    let design = trial.design
    var outcome = TrialOutcome.empty
    outcome.events = trial.eventsAtCutoff
    outcome.analysisTime = trial.cutoffTime
    outcome.targetReached = trial.eventTargetReached ?? true
    guard
      let data = try? SurvivalData(
        time: rows.map { $0.observation?.time ?? 0 }, event: rows.map { $0.observation?.event ?? false },
        group: rows.map(\.arm), groupLabels: design.arms.map(\.name), stratum: rows.map(\.stratum),
        strataLabels: design.strata.map(\.label)),
      let c = try? TwoArmComparison(data: data)
    else { return outcome }
    outcome.z = c.logRankZ
    outcome.p = c.logRankP
    outcome.stratifiedZ = c.stratifiedLogRankZ
    outcome.stratifiedP = c.stratifiedLogRankP
    outcome.hazardRatio = c.hazardRatio
    outcome.medians = c.medians
    outcome.analysable = true
    return outcome
  }
}

/// Outcomes written by index from several threads (each index by exactly one thread).
final class OutcomeStorage: @unchecked Sendable {
  private let buffer: UnsafeMutableBufferPointer<TrialOutcome>

  init(count: Int) {
    buffer = .allocate(capacity: max(1, count))
    buffer.initialize(repeating: .empty)
    self.count = count
  }

  let count: Int

  deinit {
    buffer.deinitialize()
    buffer.deallocate()
  }

  func set(_ i: Int, _ outcome: TrialOutcome) { buffer[i] = outcome }

  var values: [TrialOutcome] { Array(buffer.prefix(count)) }
}

/// A thread-safe counter for progress reports.
final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var done = 0

  func increment() -> Int {
    lock.lock()
    defer { lock.unlock() }
    done += 1
    return done
  }

  var value: Int {
    lock.lock()
    defer { lock.unlock() }
    return done
  }
}

/// Operating characteristics of a ``SimulationStudy``.
public struct SimulationSummary: Sendable {
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

  /// The summary of `study` at `alpha`.
  public init(_ study: SimulationStudy, alpha: Double = 0.05, oneSided: Bool = false) {
    let o = study.outcomes
    trials = o.count
    let usable = o.filter(\.analysable)
    analysable = usable.count
    self.alpha = alpha
    self.oneSided = oneSided
    let critical = Normal.quantile(1 - alpha)
    func rejects(_ z: Double?, _ p: Double?) -> Bool {
      guard let z, let p, z.isFinite else { return false }
      return oneSided ? z < -critical : p < alpha
    }
    let stratified = study.design.strata.count > 1
    primaryStratified = stratified
    let n = Double(max(1, trials))
    power = Double(o.filter { stratified ? rejects($0.stratifiedZ, $0.stratifiedP) : rejects($0.z, $0.p) }.count) / n
    powerStdErr = (power * (1 - power) / n).squareRoot()
    powerUnstratified = Double(o.filter { rejects($0.z, $0.p) }.count) / n
    let hrs = usable.compactMap(\.hazardRatio).sorted()
    hazardRatioCount = hrs.count
    hazardRatioMean = hrs.isEmpty ? .nan : hrs.reduce(0, +) / Double(hrs.count)
    hazardRatioGeometricMean = hrs.isEmpty ? .nan : Foundation.exp(hrs.map { Foundation.log($0) }.reduce(0, +) / Double(hrs.count))
    hazardRatioQuantiles = [0.025, 0.25, 0.5, 0.75, 0.975].map { q in Self.quantile(hrs, q) }
    medianMean = (0..<2).map { a in
      let m = usable.compactMap { $0.medians.count > a ? $0.medians[a] : nil }
      return m.isEmpty ? .nan : m.reduce(0, +) / Double(m.count)
    }
    medianReached = (0..<2).map { a in
      Double(usable.filter { $0.medians.count > a && $0.medians[a] != nil }.count) / Double(max(1, usable.count))
    }
    eventsMean = Double(o.map(\.events).reduce(0, +)) / n
    analysisTimeMean = o.map(\.analysisTime).filter(\.isFinite).reduce(0, +) / n
    targetNotReached = o.filter { !$0.targetReached }.count
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
