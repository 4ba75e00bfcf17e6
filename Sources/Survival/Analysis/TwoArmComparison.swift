import Foundation

/// The primary overall-survival comparison of two arms in one value: Kaplan–Meier medians per arm,
/// the log-rank test unstratified and (when the data have strata) stratified, and the Cox hazard
/// ratio of the second arm against the first (Efron ties, stratified like the log-rank test when
/// strata exist) with its Wald interval. What a trial report states first, and what each simulated
/// trial is summarised by.
///
/// Computed by ``TwoArmKernel`` (one sort by time, one pass for the medians and both log-rank
/// tests, a one-dimensional Newton–Raphson for the Cox model, no matrices). The numbers are those of ``KaplanMeier``, ``LogRankTest`` and
/// ``CoxModel`` (R's survfit, survdiff and coxph: same timefix, same Efron terms, same convergence
/// rule), tested against them and against R.
public struct TwoArmComparison: Sendable {
  /// The arms, reference first.
  public let arms: [String]
  /// Patients per arm.
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
  /// Cox hazard ratio of the second arm against the first (nil when the fit runs away).
  public let hazardRatio: Double?
  /// Wald confidence limits of the hazard ratio.
  public let hazardRatioLower: Double?
  /// Upper Wald limit.
  public let hazardRatioUpper: Double?
  /// Whether the Cox model was stratified.
  public let coxStratified: Bool

  /// Compares the two groups of `data` (exactly two groups).
  /// - Throws: ``LogRankError`` when the groups cannot be compared (one group, no events, no
  ///   information).
  public init(data: SurvivalData, level: Double = 0.95) throws(LogRankError) {
    guard data.groupLabels.count == 2 else { throw .needsTwoGroups(data.groupLabels.count) }
    var kernel = TwoArmKernel(capacity: data.count)
    for i in 0..<data.count {
      kernel.append(time: data.time[i], event: data.event[i], arm: data.group[i], stratum: data.stratum[i])
    }
    let stratified = data.strataLabels.count > 1
    let c: TwoArmEstimates
    switch kernel.compare(stratified: stratified, level: level) {
    case .success(let estimates): c = estimates
    case .failure(.emptyArm(let a)): throw .emptyGroup(data.groupLabels[a])
    case .failure(.noEvents): throw .noEvents
    case .failure(.zeroVariance): throw .zeroVariance(LogRankWeights.logRank.label)
    case .failure(.noMixedStratum): throw .noMixedStratum
    }
    arms = data.groupLabels
    patients = [c.patients0, c.patients1]
    events = [c.events0, c.events1]
    medians = [c.median0, c.median1]
    logRankZ = c.logRankZ
    logRankP = c.logRankP
    stratifiedLogRankZ = c.stratifiedLogRankZ
    stratifiedLogRankP = c.stratifiedLogRankP
    coxStratified = stratified
    hazardRatio = c.hazardRatio
    hazardRatioLower = c.hazardRatioLower
    hazardRatioUpper = c.hazardRatioUpper
  }
}

extension SurvivalData {
  /// Strata holding one group only, with their deaths: they add nothing to a stratified
  /// comparison, yet their deaths count in the events.
  public var oneArmStrata: [(label: String, deaths: Int)] {
    guard strataLabels.count > 1 else { return [] }
    var groups = Array(repeating: Set<Int>(), count: strataLabels.count)
    var deaths = Array(repeating: 0, count: strataLabels.count)
    for i in 0..<count {
      groups[stratum[i]].insert(group[i])
      if event[i] { deaths[stratum[i]] += 1 }
    }
    return strataLabels.indices.filter { groups[$0].count == 1 }.map { (strataLabels[$0], deaths[$0]) }
  }
}

extension SurvivalData {
  /// The experimental arm of two: the group `name`, or when `name` is nil the second in sorted
  /// order (the first is the reference, as in R's treatment contrasts), `defaulted` then saying so,
  /// since the sign of every one-sided result depends on it. Nil when `name` is not a group.
  public func experimentalArm(named name: String?) -> (index: Int, defaulted: Bool)? {
    guard let name else { return (min(1, groupLabels.count - 1), true) }
    return groupLabels.firstIndex(of: name).map { ($0, false) }
  }

  /// The warning that the experimental arm was taken by default (`index`, the second in sorted
  /// order), `hint` saying how a user names it.
  public func defaultedExperimentalWarning(_ index: Int, hint: String) -> String {
    "the experimental arm is not named (\(hint)): taking \(groupLabels[index]), the second in sorted order, against \(groupLabels[1 - index])"
  }
}
