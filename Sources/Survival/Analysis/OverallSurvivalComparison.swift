import Foundation
import LinearAlgebra

/// The primary overall-survival comparison of an experimental arm with a control arm, as a trial
/// report states it: Kaplan–Meier curves with medians, landmark survival, the restricted mean
/// difference and reverse-KM follow-up (``KaplanMeierAnalysis``); the log-rank test unstratified
/// and stratified (``LogRankTest``); the Cox hazard ratio unstratified and stratified with Efron
/// ties (``CoxModel``) and the proportional-hazards score test of the unstratified model
/// (``ProportionalHazardsTest``, km transform); and hazard ratios within subgroups with the
/// likelihood-ratio test of the arm × subgroup interaction. Every number is one of those
/// estimators' (each validated against R survival); this type only chooses and assembles them.
///
/// Hazard ratios are experimental : control. A subgroup level where the arm effect cannot be
/// estimated (one arm absent, no events, or a monotone likelihood) has no hazard ratio.
public struct OverallSurvivalComparison: Sendable {
  /// Hazard ratio with its Wald interval, and the Cox fit it came from.
  public struct HazardRatio: Sendable {
    /// exp(β) of the arm coefficient.
    public let estimate: Double
    /// Lower Wald limit.
    public let lower: Double
    /// Upper Wald limit.
    public let upper: Double
    /// Wald p-value of the arm coefficient.
    public let p: Double
    /// The fit.
    public let model: CoxModel
  }

  /// One level of a subgroup variable.
  public struct SubgroupLevel: Sendable {
    /// The level's value in the data.
    public let level: String
    /// Patients in the level.
    public let patients: Int
    /// Events in the level.
    public let events: Int
    /// Patients and events per arm, control first.
    public let patientsByArm: [Int]
    /// Events per arm, control first.
    public let eventsByArm: [Int]
    /// nil when not estimable.
    public let hazardRatio: HazardRatio?
  }

  /// A subgroup variable: its levels and the interaction test.
  public struct Subgroup: Sendable {
    /// The subgroup column.
    public let name: String
    /// Its levels in sorted order.
    public let levels: [SubgroupLevel]
    /// Likelihood-ratio test of arm × subgroup (nil when it cannot be fitted).
    public let interaction: ChiSquareTest?
    /// Rows left out of this subgroup analysis because the value was missing.
    public let missing: Int
  }

  /// The data analysed.
  public let data: SurvivalData
  /// Index of the experimental arm in `data.groupLabels` (the other is control).
  public let experimental: Int
  /// Curves, medians, landmarks, RMST and follow-up per arm.
  public let kaplanMeier: KaplanMeierAnalysis
  /// The unstratified log-rank test.
  public let logRank: LogRankTest
  /// nil without strata.
  public let stratifiedLogRank: LogRankTest?
  /// The unstratified Cox hazard ratio (nil when not estimable).
  public let hazardRatio: HazardRatio?
  /// The stratified Cox hazard ratio; nil without strata.
  public let stratifiedHazardRatio: HazardRatio?
  /// The cox.zph score test of the unstratified model.
  public let proportionalHazards: ProportionalHazardsTest?
  /// Hazard ratios by subgroup.
  public let subgroups: [Subgroup]
  /// Level of every interval.
  public let confidenceLevel: Double
  /// Each subject's entry time for (start, stop] data (delayed entry), nil otherwise.
  public let entry: [Double]?

  /// Index of the control arm.
  public var control: Int { 1 - experimental }
  /// The control arm's label.
  public var controlLabel: String { data.groupLabels[control] }
  /// The experimental arm's label.
  public var experimentalLabel: String { data.groupLabels[experimental] }
  /// The log-rank z in the favourable direction (positive when the experimental arm has fewer
  /// events than expected), stratified when there are strata.
  public var favourableZ: Double? {
    guard let z = (stratifiedLogRank ?? logRank).z else { return nil }
    return experimental == 1 ? -z : z
  }

  /// Why the comparison cannot be made.
  public enum Failure: Error, Sendable, CustomStringConvertible {
    case notTwoArms(Int)
    case kaplanMeier(KaplanMeierOptionsError)
    case logRank(LogRankError)

    public var description: String {
      switch self {
      case .notTwoArms(let k): "the comparison needs exactly two arms; the group column has \(k)"
      case .kaplanMeier(let e): "\(e)"
      case .logRank(let e): e.message
      }
    }
  }

  /// Compares the arms of `data`.
  /// - Parameters:
  ///   - experimental: index of the experimental arm in `data.groupLabels` (default 1, the second
  ///     in sorted order; the first is the reference, as R's treatment contrasts).
  ///   - kaplanMeier: options for the curves; its `times` are the landmarks.
  ///   - subgroups: subgroup variables, each a name and the subject's value per row (nil: missing).
  ///   - entry: each subject's entry time for (start, stop] data (delayed entry, left truncation):
  ///     every analysis then uses risk sets of those entered before t, as R's counting-process
  ///     forms (`survfit` and `coxph` of `Surv(start, stop, event)`; the log-rank test as the
  ///     score test of `coxph` with Breslow ties, since `survdiff` does not take such data).
  public init(
    data: SurvivalData, experimental: Int = 1, kaplanMeier options: KaplanMeierOptions = KaplanMeierOptions(),
    subgroups: [(name: String, values: [String?])] = [], entry: [Double]? = nil
  ) throws(Failure) {
    guard data.groupLabels.count == 2 else { throw .notTwoArms(data.groupLabels.count) }
    self.data = data
    self.experimental = experimental
    self.entry = entry
    confidenceLevel = options.confidenceLevel
    do {
      kaplanMeier = try KaplanMeierAnalysis(data: data, entry: entry, options: options)
    } catch {
      throw .kaplanMeier(error)
    }
    let unstratified = Self.pooled(data)
    do {
      if let entry {
        logRank = try LogRankTest(data: unstratified, entry: entry)
        stratifiedLogRank = data.strataLabels.count > 1 ? try LogRankTest(data: data, entry: entry) : nil
      } else {
        logRank = try LogRankTest(data: unstratified)
        stratifiedLogRank = data.strataLabels.count > 1 ? try LogRankTest(data: data) : nil
      }
    } catch {
      throw .logRank(error)
    }
    let level = options.confidenceLevel
    let coxOptions = CoxOptions(confidenceLevel: level)
    hazardRatio = Self.armHazardRatio(unstratified, entry: entry, experimental: experimental, stratified: false, options: coxOptions)
    stratifiedHazardRatio =
      data.strataLabels.count > 1
      ? Self.armHazardRatio(data, entry: entry, experimental: experimental, stratified: true, options: coxOptions) : nil
    proportionalHazards = hazardRatio.flatMap { try? ProportionalHazardsTest(model: $0.model) }
    self.subgroups = subgroups.map {
      Self.subgroup($0.name, $0.values, data: unstratified, entry: entry, experimental: experimental, options: coxOptions)
    }
  }

  /// `data` with its strata removed.
  static func pooled(_ data: SurvivalData) -> SurvivalData {
    (try? SurvivalData(time: data.time, event: data.event, group: data.group, groupLabels: data.groupLabels)) ?? data
  }

  /// Cox data with the experimental-arm indicator as the one covariate, named as R names it.
  static func coxData(
    _ data: SurvivalData, entry: [Double]? = nil, experimental: Int, stratified: Bool, extra: [(String, [Double])] = []
  ) throws(CoxError) -> CoxData {
    let arm = data.group.map { $0 == experimental ? 1.0 : 0.0 }
    let columns = [("arm" + data.groupLabels[experimental], arm)] + extra
    let matrix: Matrix
    do {
      matrix = try Matrix(rows: data.count, columns: columns.count, columnMajor: columns.flatMap(\.1))
    } catch {
      throw .invalidData("\(error)")
    }
    let cox = try CoxData(
      start: entry, stop: data.time, event: data.event, x: matrix, columnNames: columns.map(\.0),
      strata: stratified ? data.stratum : nil, strataLabels: stratified ? data.strataLabels : ["all"])
    // (start, stop] times are merged together by the near-tie rule, as R's coxph does.
    return entry == nil ? cox : cox.fixingTimes()
  }

  static func armHazardRatio(
    _ data: SurvivalData, entry: [Double]? = nil, experimental: Int, stratified: Bool, options: CoxOptions
  ) -> HazardRatio? {
    guard let cox = try? coxData(data, entry: entry, experimental: experimental, stratified: stratified),
      let model = try? CoxModel(data: cox, options: options), model.infiniteCoefficients.isEmpty, model.converged
    else { return nil }
    let beta = model.coefficients[0]
    let se = model.standardErrors[0]
    let z = Normal.criticalValue(level: options.confidenceLevel)
    return HazardRatio(
      estimate: Foundation.exp(beta), lower: Foundation.exp(beta - z * se), upper: Foundation.exp(beta + z * se),
      p: Normal.twoSidedP(beta / se), model: model)
  }

  static func subgroup(
    _ name: String, _ values: [String?], data: SurvivalData, entry: [Double]? = nil, experimental: Int, options: CoxOptions
  ) -> Subgroup {
    let present = values.indices.filter { $0 < data.count && values[$0] != nil }
    let levels = sortedGroupLabels(Set(present.compactMap { values[$0] }))
    let subset = data.subset(present)
    let subsetEntry = entry.map { e in present.map { e[$0] } }
    let code = present.map { levels.firstIndex(of: values[$0] ?? "") ?? 0 }
    var results: [SubgroupLevel] = []
    for (l, label) in levels.enumerated() {
      let rows = code.indices.filter { code[$0] == l }
      let part = subset.subset(rows)
      let partEntry = subsetEntry.map { e in rows.map { e[$0] } }
      var patients = [0, 0]
      var events = [0, 0]
      for i in 0..<part.count {
        let arm = part.group[i] == experimental ? 1 : 0
        patients[arm] += 1
        if part.event[i] { events[arm] += 1 }
      }
      let both = patients[0] > 0 && patients[1] > 0
      results.append(
        SubgroupLevel(
          level: label, patients: part.count, events: events[0] + events[1], patientsByArm: patients, eventsByArm: events,
          hazardRatio: both ? armHazardRatio(part, entry: partEntry, experimental: experimental, stratified: false, options: options) : nil))
    }
    // Interaction: arm + level dummies against arm + dummies + arm × dummies, by likelihood ratio.
    var interaction: ChiSquareTest?
    if levels.count > 1 {
      let armColumn = subset.group.map { $0 == experimental ? 1.0 : 0.0 }
      let dummies = (1..<levels.count).map { l in ("\(name)\(levels[l])", code.map { $0 == l ? 1.0 : 0.0 }) }
      let products = dummies.map { d in ("arm:\(d.0)", zip(d.1, armColumn).map { $0 * $1 }) }
      if let reduced = try? coxData(subset, entry: subsetEntry, experimental: experimental, stratified: false, extra: dummies),
        let full = try? coxData(subset, entry: subsetEntry, experimental: experimental, stratified: false, extra: dummies + products),
        let m0 = try? CoxModel(data: reduced, options: options), let m1 = try? CoxModel(data: full, options: options),
        m0.infiniteCoefficients.isEmpty, m1.infiniteCoefficients.isEmpty,
        m1.coefficients.count > m0.coefficients.count
      {
        // The degrees of freedom are the parameters the interaction adds once aliased products
        // (a level with one arm only) are left out, as R's anova of the two fits.
        let statistic = max(0, 2 * (m1.loglik - m0.loglik))
        interaction = ChiSquareTest(statistic, df: m1.coefficients.count - m0.coefficients.count)
      }
    }
    return Subgroup(name: name, levels: results, interaction: interaction, missing: values.count - present.count)
  }
}

extension TwoArmComparison {
  /// The headline comparison of an overall-survival comparison, read from it rather than computed
  /// again: its patients, events and medians per arm, its log-rank tests, and its Cox hazard ratio
  /// (stratified when the data have strata) turned to the second arm against the first.
  public init(_ c: OverallSurvivalComparison) {
    arms = c.data.groupLabels
    patients = c.logRank.n
    events = c.logRank.events
    medians = c.kaplanMeier.groups.map { $0.median.time }
    logRankZ = c.logRank.z ?? .nan
    logRankP = c.logRank.p
    stratifiedLogRankZ = c.stratifiedLogRank?.z
    stratifiedLogRankP = c.stratifiedLogRank?.p
    coxStratified = c.data.strataLabels.count > 1
    let hr = coxStratified ? c.stratifiedHazardRatio : c.hazardRatio
    // The comparison's ratio is experimental : control; this one is second : first.
    if c.experimental == 1 {
      (hazardRatio, hazardRatioLower, hazardRatioUpper) = (hr?.estimate, hr?.lower, hr?.upper)
    } else {
      (hazardRatio, hazardRatioLower, hazardRatioUpper) = (hr.map { 1 / $0.estimate }, hr.map { 1 / $0.upper }, hr.map { 1 / $0.lower })
    }
  }
}
