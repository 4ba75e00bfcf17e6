import Foundation
import LinearAlgebra

/// The primary overall-survival comparison of two arms in one value: Kaplan–Meier medians per arm,
/// the log-rank test unstratified and (when the data have strata) stratified, and the Cox hazard
/// ratio of the second arm against the first (Efron ties, stratified like the log-rank test when
/// strata exist) with its Wald interval. What a trial report states first, and what each simulated
/// trial is summarised by.
public struct TwoArmComparison: Sendable {
  /// The arms, reference first.
  public let arms: [String]
  /// Patients and events per arm.
  public let patients: [Int]
  /// Events per arm.
  public let events: [Int]
  /// Kaplan–Meier median per arm (nil: not reached).
  public let medians: [Double?]
  /// Log-rank z of the second arm against the first, unstratified (negative: lower hazard).
  public let logRankZ: Double
  /// Its two-sided p-value.
  public let logRankP: Double
  /// The stratified log-rank z, when the data have more than one stratum.
  public let stratifiedLogRankZ: Double?
  /// Its two-sided p-value.
  public let stratifiedLogRankP: Double?
  /// Cox hazard ratio of the second arm against the first (nil when the fit fails or runs away).
  public let hazardRatio: Double?
  /// Wald confidence limits of the hazard ratio.
  public let hazardRatioLower: Double?
  /// Upper Wald limit.
  public let hazardRatioUpper: Double?
  /// Whether the Cox model was stratified.
  public let coxStratified: Bool

  /// Compares the two groups of `data` (exactly two groups).
  /// - Throws: ``LogRankError`` when the groups cannot be compared (one group, no events).
  public init(data: SurvivalData, level: Double = 0.95) throws(LogRankError) {
    guard data.groupLabels.count == 2 else { throw .needsTwoGroups(data.groupLabels.count) }
    arms = data.groupLabels
    var patients = [0, 0]
    var events = [0, 0]
    for i in 0..<data.count {
      patients[data.group[i]] += 1
      if data.event[i] { events[data.group[i]] += 1 }
    }
    self.patients = patients
    self.events = events
    medians = KaplanMeier.curves(data).map { $0.median(type: .log, level: level).time }
    let stratified = data.strataLabels.count > 1
    let pooled =
      stratified
      ? SurvivalData(
        unchecked: data.time, data.event, data.group, data.groupLabels,
        [Int](repeating: 0, count: data.count), ["all"])
      : data
    let unstratified = try LogRankTest(data: pooled)
    logRankZ = unstratified.z ?? .nan
    logRankP = unstratified.p
    if stratified {
      let test = try LogRankTest(data: data)
      stratifiedLogRankZ = test.z
      stratifiedLogRankP = test.p
    } else {
      stratifiedLogRankZ = nil
      stratifiedLogRankP = nil
    }
    coxStratified = stratified
    let arm = data.group.map { Double($0) }
    if let x = try? Matrix(rows: data.count, columns: 1, columnMajor: arm),
      let cox = try? CoxData(
        stop: data.time, event: data.event, x: x, columnNames: [data.groupLabels[1]],
        strata: stratified ? data.stratum : nil, strataLabels: data.strataLabels),
      let model = try? CoxModel(data: cox), model.infiniteCoefficients.isEmpty,
      let b = model.coefficients.first, let se = model.standardErrors.first
    {
      let z = Normal.criticalValue(level: level)
      hazardRatio = Foundation.exp(b)
      hazardRatioLower = Foundation.exp(b - z * se)
      hazardRatioUpper = Foundation.exp(b + z * se)
    } else {
      hazardRatio = nil
      hazardRatioLower = nil
      hazardRatioUpper = nil
    }
  }
}
