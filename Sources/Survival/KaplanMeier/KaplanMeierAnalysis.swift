/// Settings of a Kaplan–Meier analysis. The defaults are R survival's.
public struct KaplanMeierOptions: Sendable, Equatable {
  /// Transform for the pointwise confidence intervals (default `log`, as R).
  public var confidenceType: ConfidenceType
  /// Confidence level (default 0.95).
  public var confidenceLevel: Double
  /// Probabilities for the quantile table (default the quartiles 0.25, 0.5, 0.75).
  public var quantiles: [Double]
  /// Times at which to read the curves (default none).
  public var times: [Double]
  /// τ for the restricted mean; `nil` takes survRM2's default, the smallest of the groups' last
  /// follow-up times.
  public var tau: Double?
  /// Merge times equal up to round-off, as R's `timefix` (default on).
  public var timeFix: Bool

  /// Options; every argument has R's default.
  public init(
    confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95,
    quantiles: [Double] = [0.25, 0.5, 0.75], times: [Double] = [], tau: Double? = nil,
    timeFix: Bool = true
  ) {
    self.confidenceType = confidenceType
    self.confidenceLevel = confidenceLevel
    self.quantiles = quantiles
    self.times = times
    self.tau = tau
    self.timeFix = timeFix
  }

  /// Checks the values.
  /// - Throws: ``KaplanMeierOptionsError`` naming the first bad value.
  public func validate() throws(KaplanMeierOptionsError) {
    guard confidenceLevel > 0, confidenceLevel < 1 else {
      throw .confidenceLevel(confidenceLevel)
    }
    for p in quantiles where !(p > 0 && p < 1) { throw .quantile(p) }
    for t in times where !(t.isFinite && t >= 0) { throw .time(t) }
    if let tau, !(tau.isFinite && tau > 0) { throw .tau(tau) }
  }
}

/// An option value outside its domain.
public enum KaplanMeierOptionsError: Error, Equatable, Sendable {
  /// The confidence level must lie strictly between 0 and 1.
  case confidenceLevel(Double)
  /// A quantile probability must lie strictly between 0 and 1.
  case quantile(Double)
  /// A time must be finite and not negative.
  case time(Double)
  /// τ must be finite and positive.
  case tau(Double)
  /// The entry times do not match the subjects.
  case entryCount(expected: Int, got: Int)
  /// The cluster codes do not match the subjects, or one is negative.
  case clusterCount(expected: Int, got: Int)
  /// Subject `index` (0-based) enters at or after its time, once near-equal times are merged.
  case emptyInterval(index: Int, entry: Double, time: Double)
}

/// Everything `osstats km` reports for one group.
public struct KaplanMeierGroup: Sendable {
  /// The curve.
  public let curve: KaplanMeier
  /// Pointwise lower confidence limits at each step.
  public let lower: [Double]
  /// Pointwise upper confidence limits at each step.
  public let upper: [Double]
  /// The median survival time with its confidence interval.
  public let median: SurvivalQuantile
  /// The requested quantiles.
  public let quantiles: [SurvivalQuantile]
  /// The curve at the requested times.
  public let atTimes: [SurvivalAtTime]
  /// Restricted mean survival time to τ.
  public let restrictedMean: RestrictedMean
  /// Median follow-up by the reverse Kaplan–Meier method (censoring as the event; Schemper M,
  /// Smith TL (1996) Control Clin Trials 17:343–346), with its confidence interval.
  public let followUp: SurvivalQuantile
}

/// A complete Kaplan–Meier analysis of grouped survival data: per group the curve with pointwise
/// confidence limits, median and quantiles, survival at chosen times, restricted mean survival time
/// and median follow-up; for two groups the restricted-mean contrast.
public struct KaplanMeierAnalysis: Sendable {
  /// The options used.
  public let options: KaplanMeierOptions
  /// One entry per group, in the order of the data's group labels.
  public let groups: [KaplanMeierGroup]
  /// τ used for the restricted means.
  public let tau: Double
  /// How τ was chosen, in words.
  public let tauRule: String
  /// Second group minus first, when there are exactly two groups.
  public let restrictedMeanDifference: RestrictedMeanDifference?
  /// Median follow-up of all subjects pooled (reverse Kaplan–Meier).
  public let followUpOverall: SurvivalQuantile
  /// Number of times changed by the near-tie merge.
  public let timesMerged: Int
  /// The standard errors are the clustered infinitesimal-jackknife ones (R's `robust = TRUE`).
  public let clustered: Bool
  /// Statistical warnings (not errors): τ or a requested time beyond a group's follow-up, merged
  /// near-tied times.
  public let warnings: [String]

  /// Analyses `data`; with `entry`, each subject's entry time (delayed entry, left truncation, or
  /// the (start, stop] records of a time-dependent group), the risk set at t counts only those
  /// entered before t, as R's `survfit(Surv(start, stop, event) ~ g)`. With `cluster`, each
  /// record's cluster (a subject's id, a family, a centre: codes from 0), the standard errors and
  /// every interval built on them are the clustered infinitesimal-jackknife ones, as R's
  /// `survfit(..., id =, robust = TRUE)`.
  /// - Throws: ``KaplanMeierOptionsError`` for invalid options.
  public init(
    data: SurvivalData, entry: [Double]? = nil, cluster: [Int]? = nil, options: KaplanMeierOptions = KaplanMeierOptions()
  ) throws(KaplanMeierOptionsError) {
    try options.validate()
    self.options = options
    var warnings: [String] = []
    var input = data
    var entries = entry
    var merged = 0
    if let e = entry, e.count != data.count { throw .entryCount(expected: data.count, got: e.count) }
    // The table of the data as given; the near-tie merge (R's timefix, on entry and exit times
    // together) is looked for among its sorted distinct times, and only when some are near-tied
    // are the times merged and the table built again: no sort of its own in the usual case.
    var table = entries.map { RiskSetTable(input, entry: $0) } ?? RiskSetTable(input)
    if options.timeFix,
      TimeFix.needed(sortedUnique: TimeFix.mergedUnique([table.times] + (table.distinctEntries.map { [$0] } ?? [])))
    {
      // Entry and exit times are merged together, as R's timefix does for (start, stop] data.
      let fixed = TimeFix.apply((entry ?? []) + data.time)
      merged = fixed.changed
      if merged > 0 {
        let offset = entry?.count ?? 0
        if entry != nil { entries = Array(fixed.times[0..<offset]) }
        input = data.replacingTimes(Array(fixed.times[offset...]))
        warnings.append(
          "\(merged) time\(merged == 1 ? "" : "s") differing from another only by round-off (relative 1.5e-8) merged, as R survival's timefix does"
        )
      }
    }
    timesMerged = merged
    if let e = entries {
      if let i = e.indices.first(where: { !(e[$0] < input.time[$0]) }) {
        throw .emptyInterval(index: i, entry: e[i], time: input.time[i])
      }
    }
    if merged > 0 { table = entries.map { RiskSetTable(input, entry: $0) } ?? RiskSetTable(input) }
    let reverse = table.reversed
    let type = options.confidenceType
    let level = options.confidenceLevel
    var curves = input.groupLabels.enumerated().map { KaplanMeier(table: table, group: $0, label: $1) }
    if let cluster {
      guard cluster.count == input.count, cluster.allSatisfy({ $0 >= 0 }) else {
        throw .clusterCount(expected: input.count, got: cluster.count)
      }
      let clusterCount = (cluster.max() ?? -1) + 1
      var rows = [[Int]](repeating: [], count: curves.count)
      for (i, g) in input.group.enumerated() { rows[g].append(i) }
      curves = curves.enumerated().map { g, curve in
        let r = rows[g]
        return curve.clustered(
          time: r.map { input.time[$0] }, event: r.map { input.event[$0] }, entry: entries.map { e in r.map { e[$0] } },
          cluster: r.map { cluster[$0] }, clusterCount: clusterCount)
      }
      warnings.append("the restricted mean's standard error and the median follow-up do not use the clusters (only the curves' standard errors and intervals do)")
    }
    clustered = cluster != nil
    let lastTimes = curves.map { $0.time.last ?? 0 }
    if let t = options.tau {
      tau = t
      tauRule = "given"
    } else if curves.count > 1 {
      tau = lastTimes.min() ?? 0
      tauRule = "the smallest of the groups' last follow-up times, as survRM2"
    } else {
      tau = lastTimes.first ?? 0
      tauRule = "the last follow-up time"
    }
    var groups: [KaplanMeierGroup] = []
    for (g, curve) in curves.enumerated() {
      let band = curve.confidenceLimits(type: type, level: level)
      let rmst = curve.restrictedMean(tau: tau, level: level)
      if rmst.beyondFollowUp {
        warnings.append(
          "tau = \(tau.shortDescription) is beyond the last follow-up of group \(curve.label) (\(lastTimes[g].shortDescription)): its curve is extended flat"
        )
      }
      let at = curve.summary(at: options.times, type: type, level: level)
      if let late = at.first(where: \.beyondFollowUp) {
        warnings.append(
          "survival of group \(curve.label) at time \(late.time.shortDescription) is carried forward beyond its last follow-up (\(lastTimes[g].shortDescription))"
        )
      }
      let reverseCurve = KaplanMeier(table: reverse, group: g, label: curve.label)
      // The median and the quantiles from one search over the curve and its bands (each
      // probability's quantile does not depend on the others asked for).
      let probabilities = options.quantiles + (options.quantiles.contains(0.5) ? [] : [0.5])
      let found = curve.quantiles(probabilities, band: band)
      let median = found[probabilities.firstIndex(of: 0.5) ?? 0]
      groups.append(
        KaplanMeierGroup(
          curve: curve, lower: band.lower, upper: band.upper,
          median: median,
          quantiles: Array(found.prefix(options.quantiles.count)),
          atTimes: at, restrictedMean: rmst,
          followUp: reverseCurve.median(type: type, level: level)))
    }
    self.groups = groups
    if groups.count == 2 {
      restrictedMeanDifference = RestrictedMeanDifference(
        first: groups[0].restrictedMean, second: groups[1].restrictedMean,
        firstLabel: groups[0].curve.label, secondLabel: groups[1].curve.label, level: level)
    } else {
      restrictedMeanDifference = nil
    }
    if groups.count > 1 {
      // The pooled table is the grouped one summed over the groups: the same times and risk sets.
      followUpOverall = KaplanMeier(table: table.pooled.reversed, group: 0, label: "all").median(type: type, level: level)
    } else {
      followUpOverall = groups.first?.followUp
        ?? SurvivalQuantile(probability: 0.5, time: nil, lower: nil, upper: nil)
    }
    self.warnings = warnings
  }
}

extension KaplanMeierOptionsError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .confidenceLevel(let v): "the confidence level must lie between 0 and 1, not \(v.shortDescription)"
    case .quantile(let v): "a quantile must lie between 0 and 1, not \(v.shortDescription)"
    case .time(let v): "a time must be 0 or more, not \(v.shortDescription)"
    case .tau(let v): "the RMST restriction time must be positive, not \(v.shortDescription)"
    case .entryCount(let e, let g): "\(g) entry times for \(e) subjects"
    case .clusterCount(let e, let g): "\(g) cluster codes for \(e) subjects (codes from 0)"
    case .emptyInterval(let i, let entry, let time):
      "row \(i + 1): the interval (\(entry.shortDescription), \(time.shortDescription)] has effective length 0 once times equal up to round-off are merged (R's aeqSurv refuses it too)"
    }
  }
}
