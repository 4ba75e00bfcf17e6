/// Settings of a cumulative-incidence analysis. The defaults are R survival's.
public struct CumulativeIncidenceOptions: Sendable, Equatable {
  /// Transform for the pointwise confidence intervals of each incidence (default `log`, as R's
  /// `survfit`).
  public var confidenceType: ConfidenceType
  /// Confidence level (default 0.95).
  public var confidenceLevel: Double
  /// Times at which to read the curves (default none).
  public var times: [Double]
  /// Merge times equal up to round-off, as R's `timefix` (default on).
  public var timeFix: Bool

  /// Options; every argument has R's default.
  public init(confidenceType: ConfidenceType = .log, confidenceLevel: Double = 0.95, times: [Double] = [], timeFix: Bool = true) {
    self.confidenceType = confidenceType
    self.confidenceLevel = confidenceLevel
    self.times = times
    self.timeFix = timeFix
  }

  /// Checks the values.
  /// - Throws: ``KaplanMeierOptionsError`` naming the first bad value.
  public func validate() throws(KaplanMeierOptionsError) {
    guard confidenceLevel > 0, confidenceLevel < 1 else { throw .confidenceLevel(confidenceLevel) }
    for t in times where !(t.isFinite && t >= 0) { throw .time(t) }
  }
}

/// One cause's cumulative incidence at a requested time (R `summary(fit, times =)`).
public struct IncidenceAtTime: Sendable, Equatable {
  /// The time asked for.
  public let time: Double
  /// Number at risk at the time (the step's risk set; 0 after the last time).
  public let nRisk: Int
  /// The cumulative incidence: 0 before the first time, the last value after the last time.
  public let incidence: Double
  /// Its standard error.
  public let stdErr: Double
  /// Lower confidence limit.
  public let lower: Double
  /// Upper confidence limit.
  public let upper: Double
  /// The time is after the group's last follow-up time (the value is carried forward).
  public let beyondFollowUp: Bool
}

/// Everything `osstats cif` reports for one group.
public struct CumulativeIncidenceGroup: Sendable {
  /// The curves.
  public let curves: CumulativeIncidence
  /// Pointwise lower limits per cause at each step.
  public let lower: [[Double]]
  /// Pointwise upper limits per cause at each step.
  public let upper: [[Double]]
  /// Each cause's incidence at the requested times: `atTimes[k][j]` for cause k + 1, time j.
  public let atTimes: [[IncidenceAtTime]]
}

/// A complete cumulative-incidence analysis: per group the Aalen–Johansen curves of every cause
/// with R survival's standard errors and pointwise limits, read at the requested times, and
/// Gray's test per cause when there are two groups or more.
public struct CumulativeIncidenceAnalysis: Sendable {
  /// The options used.
  public let options: CumulativeIncidenceOptions
  /// The data analysed (after the near-tie merge when on).
  public let data: CompetingRisksData
  /// One entry per group, in the data's group order.
  public let groups: [CumulativeIncidenceGroup]
  /// How many times the near-tie merge changed.
  public let timesMerged: Int
  /// The rows by time descending, ties in row order.
  let timeOrder: [Int]

  /// Gray's test per cause (cmprsk's `cuminc`) of the analysed data, its groups and strata, with
  /// weight exponent `rho`; see ``GrayTest``.
  public func grayTests(rho: Double = 0) throws(GrayTestError) -> [GrayTest] {
    try GrayTest.all(data, rho: rho, order: Self.partition(timeOrder, data.stratum, data.strataLabels.count))
  }

  /// `order` stably partitioned by `key` ascending (keys in 0..<count).
  static func partition(_ order: [Int], _ key: [Int], _ count: Int) -> [Int] {
    guard count > 1 else { return order }
    var start = [Int](repeating: 0, count: count + 1)
    for k in key where k >= 0 && k < count { start[k + 1] += 1 }
    for k in 0..<count { start[k + 1] += start[k] }
    var out = [Int](repeating: 0, count: order.count)
    for i in order {
      let k = key[i]
      out[start[k]] = i
      start[k] += 1
    }
    return out
  }

  /// Estimates the curves of `data`.
  /// - Throws: ``KaplanMeierOptionsError`` for an option out of range.
  public init(data: CompetingRisksData, options: CumulativeIncidenceOptions = CumulativeIncidenceOptions()) throws(KaplanMeierOptionsError) {
    try options.validate()
    // The curves of the data as given; the near-tie merge is looked for among their sorted
    // distinct times, and only when some are near-tied are the times merged and the curves
    // estimated again (no sort of the merge's own in the usual case).
    // One sort by time serves the curves (by group) and Gray's test (by stratum): a stable
    // partition of a stable order keeps its ties in row order.
    var byTime = RadixSort.descending(data.time, group: [], groupCount: 1)
    var curves = CumulativeIncidence.curves(data, order: Self.partition(byTime, data.group, data.groupLabels.count))
    var fixed = (data, 0)
    if options.timeFix, TimeFix.needed(sortedUnique: TimeFix.mergedUnique(curves.map(\.time))) {
      fixed = data.fixingTimes()
      if fixed.1 > 0 {
        byTime = RadixSort.descending(fixed.0.time, group: [], groupCount: 1)
        curves = CumulativeIncidence.curves(fixed.0, order: Self.partition(byTime, fixed.0.group, fixed.0.groupLabels.count))
      }
    }
    timeOrder = byTime
    self.options = options
    self.data = fixed.0
    self.timesMerged = fixed.1
    let z = Normal.criticalValue(level: options.confidenceLevel)
    groups = curves.map { c in
      let k = c.causeLabels.count
      let limits = (0..<k).map { c.confidenceLimits(cause: $0 + 1, type: options.confidenceType, level: options.confidenceLevel) }
      let atTimes = (0..<k).map { cause in
        options.times.map { t -> IncidenceAtTime in
          guard let i = c.step(at: t) else {
            let (l, u) = CumulativeIncidence.limits(0, 0, type: options.confidenceType, z: z)
            return IncidenceAtTime(time: t, nRisk: c.nRisk.first ?? 0, incidence: 0, stdErr: 0, lower: l, upper: u, beyondFollowUp: false)
          }
          let p = c.incidence[cause][i]
          let e = c.stdErr[cause][i]
          let (l, u) = CumulativeIncidence.limits(p, e, type: options.confidenceType, z: z)
          // The number at risk at t is that of the next step (R counts those still followed).
          let beyond = i == c.time.count - 1 && t > c.time[i]
          let risk = t == c.time[i] ? c.nRisk[i] : (i + 1 < c.nRisk.count ? c.nRisk[i + 1] : 0)
          return IncidenceAtTime(time: t, nRisk: risk, incidence: p, stdErr: e, lower: l, upper: u, beyondFollowUp: beyond)
        }
      }
      return CumulativeIncidenceGroup(curves: c, lower: limits.map(\.lower), upper: limits.map(\.upper), atTimes: atTimes)
    }
  }

  /// Warnings a reader must see: merged near-tied times, causes with no ends in a group.
  public var warnings: [String] {
    var out: [String] = []
    if timesMerged > 0 {
      out.append("\(timesMerged) time\(timesMerged == 1 ? "" : "s") merged with a near-equal time (differences within round-off, as R's timefix)")
    }
    for g in groups {
      for (k, label) in data.causeLabels.enumerated() where g.curves.events(cause: k + 1) == 0 {
        out.append("group \(g.curves.label) has no ends by cause \(label): its incidence is 0 throughout")
      }
    }
    return out
  }
}

extension CompetingRisksData {
  /// The data with near-equal times merged as R's `timefix`, and how many times changed.
  public func fixingTimes(tolerance: Double = TimeFix.defaultTolerance) -> (CompetingRisksData, Int) {
    let (times, changed) = TimeFix.apply(time, tolerance: tolerance)
    guard changed > 0 else { return (self, 0) }
    return (
      CompetingRisksData(
        unchecked: times, cause, causeLabels, group, groupLabels, stratum, strataLabels), changed
    )
  }

  init(
    unchecked time: [Double], _ cause: [Int], _ causeLabels: [String], _ group: [Int], _ groupLabels: [String],
    _ stratum: [Int], _ strataLabels: [String]
  ) {
    self.time = time
    self.cause = cause
    self.causeLabels = causeLabels
    self.group = group
    self.groupLabels = groupLabels
    self.stratum = stratum
    self.strataLabels = strataLabels
  }
}
