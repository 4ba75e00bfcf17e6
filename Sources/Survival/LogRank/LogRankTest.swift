import LinearAlgebra

/// The direction of a one-sided test of two groups, stated for the second group against the first
/// (the reference).
public enum Alternative: String, CaseIterable, Sendable {
  /// Either direction.
  case twoSided = "two-sided"
  /// The second group has the lower hazard (fewer events than expected; z < 0).
  case less
  /// The second group has the higher hazard (z > 0).
  case greater
}

/// A k-sample weighted log-rank test, optionally stratified, as R survival's `survdiff` computes it
/// for the weights it has (w = 1 and w = S(t−)^ρ) and in the same form for the others
/// (Klein & Moeschberger 2003, §7.3 and §7.5).
///
/// The statistic is χ² = Uᵀ V⁻¹ U over the groups with a positive expected count, less one (solved
/// by Cholesky in `LinearAlgebra`), with that many degrees of freedom. `observed` and `expected`
/// are weighted, as `survdiff` reports them (for w = 1 they are counts). With exactly two groups,
/// `z` is the second group's standardized score U₂/√V₂₂: negative when that group has fewer
/// events than expected, i.e. a lower hazard than the reference.
///
/// Conventions: a stratum in which only one group has subjects carries no information and
/// contributes nothing (listed in ``singleGroupStrata``); a group with no subjects at risk at any
/// event time (expected 0) is left out of the statistic and its degrees of freedom, as `survdiff`
/// does (listed in ``excludedGroups``).
public struct LogRankTest: Sendable {
  /// The weight function.
  public let weights: LogRankWeights
  /// Group names, in order; the first is the reference.
  public let groups: [String]
  /// Strata names (`["all"]` when unstratified).
  public let strata: [String]
  /// Subjects per group.
  public let n: [Int]
  /// Events per group (unweighted counts).
  public let events: [Int]
  /// Weighted observed events per group (R `obs`).
  public let observed: [Double]
  /// Weighted expected events per group (R `exp`).
  public let expected: [Double]
  /// The k×k variance matrix of the scores U = observed − expected (R `var`).
  public let variance: Matrix
  /// The chi-square statistic.
  public let chiSquare: Double
  /// Its degrees of freedom.
  public let df: Int
  /// The p-value, P(χ²_df ≥ chiSquare).
  public let p: Double
  /// For two groups, U₂/√V₂₂ (second group against the first); `nil` otherwise.
  public let z: Double?
  /// Groups left out because no subject was at risk at an event time.
  public let excludedGroups: [String]
  /// Strata with subjects of one group only (no contribution).
  public let singleGroupStrata: [String]

  /// The test of `data` (groups and strata as the data define them) with `weights`.
  /// - Throws: ``LogRankError`` when there is no information to test.
  public init(data: SurvivalData, weights: LogRankWeights = .logRank, timeFix: Bool = true)
    throws(LogRankError)
  {
    let prepared = try Self.prepare(data, timeFix: timeFix)
    let sums = LogRankSums(data: prepared, weights: [weights])
    try self.init(data: prepared, sums: sums, index: 0)
  }

  /// The test of (start, stop] data: each subject at risk only after its `entry` time (delayed
  /// entry, or a time-dependent group), as the score test of R's `coxph(Surv(start, stop, event)
  /// ~ group, ties = "breslow")` (R's `survdiff` does not take such data). Entry and exit times
  /// are merged together by the near-tie rule, as R's timefix.
  /// - Throws: ``LogRankError`` when there is no information to test or an interval is empty.
  public init(data: SurvivalData, entry: [Double], weights: LogRankWeights = .logRank, timeFix: Bool = true)
    throws(LogRankError)
  {
    guard entry.count == data.count else { throw .entryCount(expected: data.count, got: entry.count) }
    var input = data
    var entries = entry
    if timeFix {
      let fixed = TimeFix.apply(entry + data.time)
      if fixed.changed > 0 {
        entries = Array(fixed.times[0..<entry.count])
        input = data.replacingTimes(Array(fixed.times[entry.count...]))
      }
    }
    if let i = entries.indices.first(where: { !(entries[$0] < input.time[$0]) }) {
      throw .emptyInterval(index: i)
    }
    let prepared = try Self.prepare(input, timeFix: false)
    let sums = LogRankSums(data: prepared, entry: entries, weights: [weights])
    try self.init(data: prepared, sums: sums, index: 0)
  }

  /// Checks the groups and applies the near-tie merge.
  static func prepare(_ data: SurvivalData, timeFix: Bool) throws(LogRankError) -> SurvivalData {
    guard data.groupLabels.count >= 2 else {
      throw .oneGroup(data.groupLabels.first ?? "")
    }
    let present = Set(data.group)
    if let empty = data.groupLabels.indices.first(where: { !present.contains($0) }) {
      throw .emptyGroup(data.groupLabels[empty])
    }
    guard data.event.contains(true) else { throw .noEvents }
    return timeFix ? data.replacingTimes(TimeFix.apply(data.time).times) : data
  }

  init(data: SurvivalData, sums: LogRankSums, index: Int) throws(LogRankError) {
    let k = data.groupLabels.count
    weights = sums.weights[index]
    groups = data.groupLabels
    strata = data.strataLabels
    var n = [Int](repeating: 0, count: k)
    var events = [Int](repeating: 0, count: k)
    for i in 0..<data.count {
      n[data.group[i]] += 1
      if data.event[i] { events[data.group[i]] += 1 }
    }
    self.n = n
    self.events = events
    let observed = sums.observed[index]
    let expected = sums.expected[index]
    self.observed = observed
    self.expected = expected
    // Symmetric, so row- and column-major agree; the count is k·k by construction.
    let variance = (try? Matrix(rows: k, columns: k, columnMajor: sums.variance[index])) ?? .zeros(k, k)
    self.variance = variance
    singleGroupStrata = sums.singleGroupStrata.map { data.strataLabels[$0] }
    let occupied = Set(data.stratum).count
    if occupied > 1 && sums.singleGroupStrata.count == occupied { throw .noMixedStratum }
    let active = (0..<k).filter { expected[$0] > 0 }
    excludedGroups = (0..<k).filter { expected[$0] <= 0 }.map { data.groupLabels[$0] }
    guard active.count >= 2 else { throw .noComparison }
    let used = Array(active.dropFirst())
    let u = used.map { observed[$0] - expected[$0] }
    var sub = Matrix.zeros(used.count, used.count)
    for (r, g) in used.enumerated() {
      for (c, h) in used.enumerated() { sub[r, c] = variance[g, h] }
    }
    if variance.elements.allSatisfy({ $0 == 0 }) { throw .zeroVariance(weights.label) }
    if let zero = used.first(where: { variance[$0, $0] <= 0 }) {
      throw .singularVariance(group: data.groupLabels[zero])
    }
    let solution: [Double]
    do {
      solution = try Cholesky(sub).solve(u)
    } catch {
      throw .singularVariance(group: data.groupLabels[used.last ?? 0])
    }
    var chi = 0.0
    for i in u.indices { chi += u[i] * solution[i] }
    chiSquare = chi
    df = used.count
    p = ChiSquare.upperTail(chi, df: df)
    if k == 2 {
      z = (observed[1] - expected[1]) / variance[1, 1].squareRoot()
    } else {
      z = nil
    }
  }

  /// The p-value for `alternative`: two-sided (the chi-square p), or one-sided from `z` (two groups).
  public func pValue(_ alternative: Alternative) -> Double {
    guard let z else { return p }
    switch alternative {
    case .twoSided: return p
    case .less: return 1 - Normal.upperTail(z)
    case .greater: return Normal.upperTail(z)
    }
  }
}

/// Why a log-rank test cannot be computed.
public enum LogRankError: Error, Equatable, Sendable {
  /// Only one group in the data.
  case oneGroup(String)
  /// A group label with no subjects.
  case emptyGroup(String)
  /// No events at all.
  case noEvents
  /// Fewer than two groups have subjects at risk at an event time.
  case noComparison
  /// The variance matrix is singular: this group is never at risk together with another one
  /// (for instance it occurs only in strata where it is alone).
  case singularVariance(group: String)
  /// The weighted scores have no variance: no event time carries weight (for example G(0, 1)
  /// when every risk set at a later event time holds one subject).
  case zeroVariance(String)
  /// Every stratum holds subjects of one group only: a stratified comparison has no information.
  case noMixedStratum
  /// MaxCombo and the one-sided tests need exactly two groups.
  case needsTwoGroups(Int)
  /// Trend scores do not match the groups.
  case scoresCount(expected: Int, actual: Int)
  /// The entry times do not match the subjects.
  case entryCount(expected: Int, got: Int)
  /// Subject `index` (0-based) enters at or after its time, once near-equal times are merged.
  case emptyInterval(index: Int)

  /// One sentence for the user.
  public var message: String {
    switch self {
    case .oneGroup(let g):
      return "the log-rank test compares groups, but the data have one group only (\(g))"
    case .emptyGroup(let g): return "group \(g) has no subjects"
    case .noEvents: return "there are no events, so the groups cannot be compared"
    case .noComparison:
      return "fewer than two groups have subjects at risk at an event time, so nothing can be compared"
    case .singularVariance(let g):
      return "the variance matrix is singular: group \(g) is never at risk together with another group (for example it occurs only in strata where it is alone)"
    case .zeroVariance(let w):
      return "the \(w) statistic has zero variance in these data (no event time carries weight), so it is undefined"
    case .noMixedStratum:
      return "every stratum holds subjects of one group only, so a stratified comparison has no information"
    case .needsTwoGroups(let k): return "this statistic needs exactly two groups, the data have \(k)"
    case .scoresCount(let e, let a): return "\(a) trend scores given for \(e) groups"
    case .entryCount(let e, let g): return "\(g) entry times for \(e) subjects"
    case .emptyInterval(let i):
      return "row \(i + 1): the interval (start, stop] is empty once times equal up to round-off are merged (R's aeqSurv refuses it too)"
    }
  }
}
