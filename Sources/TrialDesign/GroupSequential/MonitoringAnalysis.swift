import Foundation
import Survival

/// An interim, final or termination analysis of a two-arm OS trial against its group-sequential
/// design: the comparison oriented experimental : control, the log-rank z in the favourable
/// direction appended to the earlier looks, and the sequential analysis under each reading that
/// applies (one for an interim or final look; for a termination analysis the interim reading at
/// the observed information, when it is below the maximum, and the final reading spending all
/// remaining alpha).
public struct MonitoringAnalysis: Sendable {
  /// What kind of analysis this is.
  public enum Kind: String, Sendable {
    case interim, final, termination
  }

  /// Why the analysis cannot be made.
  public enum Failure: Error, Sendable, CustomStringConvertible {
    /// The arms cannot be compared.
    case comparison(LogRankError)
    /// The sequential analysis failed (events not increasing, a search without solution).
    case sequential(GroupSequentialError)

    public var description: String {
      switch self {
      case .comparison(let e): e.message
      case .sequential(let e): e.description
      }
    }
  }

  /// Interim, final or termination.
  public let kind: Kind
  /// The plan.
  public let design: GroupSequentialDesign
  /// The nominal comparison (arms in sorted order, the second against the first).
  public let comparison: TwoArmComparison
  /// Index (0 or 1) of the experimental arm in `comparison.arms`.
  public let experimental: Int
  /// One analysis per reading.
  public let readings: [SequentialAnalysis]
  /// What a reader must know: strata holding one arm, boundaries that are not recomputed.
  public let warnings: [String]

  /// Analyses `comparison` of `data` against `design`.
  /// - Parameters:
  ///   - experimental: index of the experimental arm in the sorted arms.
  ///   - previous: the earlier looks (events and favourable z), in order.
  ///   - final: analyse this look as the final one (spend all remaining alpha).
  ///   - terminated: a trial stopped for a reason other than a boundary: both readings.
  /// - Throws: ``Failure``.
  public init(
    design: GroupSequentialDesign, comparison: TwoArmComparison, data: SurvivalData, experimental: Int,
    previous: [ObservedLook] = [], final: Bool = false, terminated: Bool = false
  ) throws(Failure) {
    self.design = design
    self.comparison = comparison
    self.experimental = experimental
    let events = Double(comparison.events.reduce(0, +))
    let history = previous + [ObservedLook(events: events, z: Self.orient(comparison.stratifiedLogRankZ ?? comparison.logRankZ, experimental))]
    let b = design.boundaries
    func analysis(_ reading: AnalysisReading?) throws(GroupSequentialError) -> SequentialAnalysis {
      try SequentialAnalysis(
        design: b, maxEvents: Double(design.maxEvents), allocation: design.allocation,
        designHazardRatio: design.hazardRatio, history: history, reading: reading)
    }
    var readings: [SequentialAnalysis] = []
    do throws(GroupSequentialError) {
      if terminated {
        kind = .termination
        if events < Double(design.maxEvents) && history.count < b.fractions.count {
          readings.append(try analysis(.interim))
        }
        readings.append(try analysis(.final))
      } else {
        let a = try analysis(final ? .final : nil)
        kind = a.reading == .final ? .final : .interim
        readings.append(a)
      }
    } catch {
      throw .sequential(error)
    }
    self.readings = readings
    var warnings = data.oneArmStrata.map { s in
      "stratum \(s.label) holds one arm only: it adds nothing to the stratified log-rank test, but its \(s.deaths) deaths count in the information fraction"
    }
    if b.efficacy.spendingFunction == nil {
      warnings.append("\(b.efficacy.label): boundaries are not recomputed at the observed information; each look uses its planned z")
    }
    self.warnings = warnings
  }

  /// Compares the arms of `data` and analyses the comparison against `design`.
  /// - Throws: ``Failure``.
  public init(
    design: GroupSequentialDesign, data: SurvivalData, experimental: Int, previous: [ObservedLook] = [], final: Bool = false,
    terminated: Bool = false
  ) throws(Failure) {
    let comparison: TwoArmComparison
    do {
      comparison = try TwoArmComparison(data: data)
    } catch {
      throw .comparison(error)
    }
    try self.init(
      design: design, comparison: comparison, data: data, experimental: experimental, previous: previous, final: final,
      terminated: terminated)
  }

  private static func orient(_ z: Double, _ experimental: Int) -> Double { experimental == 1 ? -z : z }

  /// The control arm's label.
  public var controlArm: String { comparison.arms[1 - experimental] }
  /// The experimental arm's label.
  public var experimentalArm: String { comparison.arms[experimental] }
  /// Whether the log-rank test is stratified.
  public var stratified: Bool { comparison.stratifiedLogRankZ != nil }
  /// The primary log-rank z in the favourable direction (positive when the experimental arm has
  /// fewer deaths than expected; stratified when the data have strata).
  public var favourableZ: Double { Self.orient(comparison.stratifiedLogRankZ ?? comparison.logRankZ, experimental) }
  /// The unstratified log-rank z in the favourable direction.
  public var favourableZUnstratified: Double { Self.orient(comparison.logRankZ, experimental) }
  /// One-sided p-value of ``favourableZ`` (small when the experimental arm does better).
  public var pOneSided: Double { Normal.upperTail(favourableZ) }
  /// Two-sided p-value of ``favourableZ``.
  public var pTwoSided: Double { Normal.twoSidedP(favourableZ) }
  /// Two-sided p-value of ``favourableZUnstratified``.
  public var pTwoSidedUnstratified: Double { Normal.twoSidedP(favourableZUnstratified) }
  /// The Cox hazard ratio experimental : control with its Wald limits (nil when not estimable).
  public var hazardRatio: (estimate: Double?, lower: Double?, upper: Double?) {
    if experimental == 1 { return (comparison.hazardRatio, comparison.hazardRatioLower, comparison.hazardRatioUpper) }
    return (comparison.hazardRatio.map { 1 / $0 }, comparison.hazardRatioUpper.map { 1 / $0 }, comparison.hazardRatioLower.map { 1 / $0 })
  }
  /// The log-rank-based hazard ratio exp(−z(1+r)/√(rD)) of the current look.
  public var logRankHazardRatio: Double? { readings.last?.current.hazardRatio }
  /// Observed events.
  public var events: Int { comparison.events.reduce(0, +) }
  /// Patients analysed.
  public var patients: Int { comparison.patients.reduce(0, +) }
  /// Observed events over the planned maximum.
  public var informationFraction: Double { Double(events) / Double(design.maxEvents) }
}
