import Foundation

/// Gray's k-sample test that one cause has the same cumulative incidence in every group (Gray RJ
/// 1988, "A class of K-sample tests for comparing the cumulative incidence of a competing risk",
/// Ann Stat 16:1141–1154), optionally stratified, as R cmprsk's `cuminc(ftime, fstatus, group,
/// strata, rho)` reports it in `$Tests`.
///
/// At each distinct time the score of group j gains w(t)·(d₁ⱼ − d₁·Rⱼ/ΣR), where d₁ⱼ counts the
/// group's ends by the cause, Rⱼ = Yⱼ(1 − F̂ⱼ(t−))/Ŝⱼ(t−) (Yⱼ at risk, F̂ⱼ the group's cumulative
/// incidence, Ŝⱼ its all-cause Kaplan–Meier) and w(t) = (1 − F̂(t−))^ρ with F̂ the pooled
/// estimate under the null hypothesis. The variance is Gray's estimate of the scores' asymptotic
/// covariance, with cmprsk's corrections for tied times. Strata add their scores and variances.
/// The statistic sᵀV⁻¹s over the first g − 1 groups with subjects is referred to χ² with g − 1
/// degrees of freedom.
///
/// Conventions, as cuminc: a group label with no subjects is left out (it counts in neither the
/// groups nor the degrees of freedom); a group absent from a stratum adds nothing there; tied
/// times are one time, whatever their order. Where cuminc reports a statistic of −1 (its QR
/// decomposition finds the variance rank deficient at tolerance 1e-7), this type throws
/// ``GrayTestError/singularVariance(cause:)``; a cause without any event is not tested (cuminc
/// leaves it out of `$Tests`). The p-value is the upper tail P(χ² ≥ statistic), computed directly
/// rather than as cuminc's 1 − pchisq, so it stays accurate when small.
///
/// One departure: cmprsk forms the product (events of the cause at a time) × (number at risk in a
/// group) in 32-bit integers, which overflows past 2³¹ − 1 (10⁶ rows with a few dozen distinct
/// times suffice) and then gives a wrong score and statistic. Here every count is a `Double`, so
/// on such data the results differ from cuminc's: they are what its formulas give without overflow.
///
/// Cost: one sort of the rows by stratum and time (radix), then one linear pass over them per
/// cause, with O(g³) work per distinct event time.
public struct GrayTest: Sendable, Equatable {
  /// The cause tested, as coded in ``CompetingRisksData/cause`` (1-based).
  public let cause: Int
  /// Its name, `causeLabels[cause - 1]`.
  public let causeLabel: String
  /// The weight exponent ρ: each time weighs (1 − F̂(t−))^ρ.
  public let rho: Double
  /// The groups compared: indices into ``CompetingRisksData/groupLabels`` of the groups with
  /// subjects, in label order. ``score`` and ``variance`` are over all but the last of them.
  public let groups: [Int]
  /// The chi-square statistic sᵀV⁻¹s.
  public let statistic: Double
  /// Its degrees of freedom: the groups with subjects, less one.
  public let degreesOfFreedom: Int
  /// P(χ²(degreesOfFreedom) ≥ statistic).
  public let pValue: Double
  /// The scores s of the first g − 1 compared groups (cmprsk's `s`; the last group's score is
  /// minus their sum).
  public let score: [Double]
  /// The (g − 1)×(g − 1) variance matrix V of ``score``, row by row (cmprsk's `v`; symmetric).
  public let variance: [Double]

  /// The test of cause `cause` (1-based, as in ``CompetingRisksData/cause``) among the data's groups,
  /// stratified by the data's strata, with weight exponent `rho`.
  /// - Throws: ``GrayTestError`` when the cause is not one of the data's, ρ is not finite, fewer
  ///   than two groups have subjects, the cause has no events, or the variance is singular.
  public init(_ data: CompetingRisksData, cause: Int, rho: Double = 0) throws(GrayTestError) {
    guard cause >= 1 && cause <= data.causeCount else {
      throw .unknownCause(cause, causes: data.causeCount)
    }
    let ordered = try Ordered(data, rho: rho)
    self = try Self.test(ordered, data: data, cause: cause, rho: rho)
  }

  /// One test per cause that has at least one event, in cause order (cuminc's `$Tests` rows).
  /// The rows are sorted once for all causes.
  /// - Throws: ``GrayTestError`` when ρ is not finite, fewer than two groups have subjects, no
  ///   follow-up ends by any cause, or the variance of a cause's scores is singular.
  public static func all(_ data: CompetingRisksData, rho: Double = 0) throws(GrayTestError) -> [GrayTest] {
    try all(data, rho: rho, order: nil)
  }

  /// ``all(_:rho:)`` with the rows already ordered by stratum ascending, then time descending, ties
  /// in row order (`RadixSort.descending(time, group: stratum, …)`), so that an analysis that has
  /// sorted the times once does not sort them again.
  static func all(_ data: CompetingRisksData, rho: Double, order: [Int]?) throws(GrayTestError) -> [GrayTest] {
    let ordered = try Ordered(data, rho: rho, order: order)
    var events = [Int](repeating: 0, count: data.causeCount + 1)
    for c in data.cause { events[c] += 1 }
    let causes = (1...max(1, data.causeCount)).filter { $0 < events.count && events[$0] > 0 }
    guard !causes.isEmpty else { throw .noEvents(cause: nil) }
    var tests: [GrayTest] = []
    for c in causes {
      tests.append(try test(ordered, data: data, cause: c, rho: rho))
    }
    return tests
  }

  private init(
    cause: Int, causeLabel: String, rho: Double, groups: [Int], statistic: Double, pValue: Double,
    score: [Double], variance: [Double]
  ) {
    self.cause = cause
    self.causeLabel = causeLabel
    self.rho = rho
    self.groups = groups
    self.statistic = statistic
    self.degreesOfFreedom = groups.count - 1
    self.pValue = pValue
    self.score = score
    self.variance = variance
  }

  private static func test(_ ordered: Ordered, data: CompetingRisksData, cause: Int, rho: Double)
    throws(GrayTestError) -> GrayTest
  {
    let label = data.causeLabels[cause - 1]
    guard data.cause.contains(cause) else { throw .noEvents(cause: label) }
    let size = ordered.groupCount - 1
    var score = [Double](repeating: 0, count: size)
    var variance = [Double](repeating: 0, count: size * size)
    for segment in ordered.strata {
      ordered.accumulate(segment, cause: cause, rho: rho, score: &score, variance: &variance)
    }
    // Only the lower triangle was accumulated; mirror it.
    for i in 0..<size {
      for j in 0..<i { variance[j * size + i] = variance[i * size + j] }
    }
    guard score.allSatisfy(\.isFinite), variance.allSatisfy(\.isFinite) else {
      throw .notFinite(cause: label)
    }
    guard let solution = rankCheckedSolve(variance, size: size, score) else {
      throw .singularVariance(cause: label)
    }
    var statistic = 0.0
    for i in 0..<size { statistic += score[i] * solution[i] }
    guard statistic.isFinite else { throw .notFinite(cause: label) }
    return GrayTest(
      cause: cause, causeLabel: label, rho: rho, groups: ordered.groups, statistic: statistic,
      pValue: ChiSquare.upperTail(statistic, df: size), score: score, variance: variance)
  }

  /// Solves V·x = b by Householder QR, or nil when V is rank deficient in the sense of R's `qr`
  /// (LINPACK dqrdc2, tolerance 1e-7): some column keeps less than 1e-7 of its norm after the
  /// columns before it are projected out. `matrix` is row-major `size`×`size`.
  static func rankCheckedSolve(_ matrix: [Double], size n: Int, _ b: [Double]) -> [Double]? {
    let tolerance = 1e-7
    // Column-major working copy: a[i + j * n] is row i, column j.
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n { a[i + j * n] = matrix[i * n + j] }
    }
    var y = b
    var original = [Double](repeating: 0, count: n)
    for j in 0..<n {
      var s = 0.0
      for i in 0..<n { s += a[i + j * n] * a[i + j * n] }
      original[j] = s > 0 ? s.squareRoot() : 1
    }
    for l in 0..<n {
      var s = 0.0
      for i in l..<n { s += a[i + l * n] * a[i + l * n] }
      let norm = s.squareRoot()
      guard norm >= original[l] * tolerance else { return nil }
      if l == n - 1 { break }
      // Reflector H = I − u·uᵀ/(uᵀu) taking column l (rows l..<n) to (−sign·norm, 0, …).
      let alpha = a[l + l * n] >= 0 ? -norm : norm
      var u = [Double](repeating: 0, count: n - l)
      for i in l..<n { u[i - l] = a[i + l * n] }
      u[0] -= alpha
      var uu = 0.0
      for x in u { uu += x * x }
      a[l + l * n] = alpha
      for i in (l + 1)..<n { a[i + l * n] = 0 }
      guard uu > 0 else { continue }
      for j in (l + 1)..<n {
        var dot = 0.0
        for i in l..<n { dot += u[i - l] * a[i + j * n] }
        let f = 2 * dot / uu
        for i in l..<n { a[i + j * n] -= f * u[i - l] }
      }
      var dot = 0.0
      for i in l..<n { dot += u[i - l] * y[i] }
      let f = 2 * dot / uu
      for i in l..<n { y[i] -= f * u[i - l] }
    }
    // Back substitution with the upper triangle R.
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
      var s = y[i]
      for j in (i + 1)..<n { s -= a[i + j * n] * x[j] }
      x[i] = s / a[i + i * n]
    }
    return x
  }
}

/// The rows sorted by stratum and time, with groups renumbered over those with subjects: shared by
/// the tests of every cause.
private struct Ordered {
  /// Follow-up times, ascending within each stratum's range.
  var time: [Double]
  /// The cause each follow-up ended by (0 censored).
  var cause: [Int]
  /// Compact group index, into ``groups``.
  var group: [Int]
  /// The rows of each stratum with subjects, in stratum order.
  var strata: [Range<Int>]
  /// Original group index of each compact one.
  var groups: [Int]

  var groupCount: Int { groups.count }

  init(_ data: CompetingRisksData, rho: Double, order given: [Int]? = nil) throws(GrayTestError) {
    guard rho.isFinite else { throw .invalidRho(rho) }
    var size = [Int](repeating: 0, count: data.groupLabels.count)
    for g in data.group { size[g] += 1 }
    groups = size.indices.filter { size[$0] > 0 }
    guard groups.count >= 2 else { throw .fewerThanTwoGroups(groups.count) }
    var compact = [Int](repeating: 0, count: data.groupLabels.count)
    for (k, g) in groups.enumerated() { compact[g] = k }

    let strataCount = data.strataLabels.count
    // Stratum ascending, time descending; each stratum's range is then read backwards.
    let order = given ?? RadixSort.descending(data.time, group: data.stratum, groupCount: strataCount)
    var start = [Int](repeating: 0, count: strataCount + 1)
    for s in data.stratum { start[s + 1] += 1 }
    for s in 0..<strataCount { start[s + 1] += start[s] }
    let n = data.count
    var time = [Double](repeating: 0, count: n)
    var cause = [Int](repeating: 0, count: n)
    var group = [Int](repeating: 0, count: n)
    var strata: [Range<Int>] = []
    for s in 0..<strataCount where start[s + 1] > start[s] {
      let range = start[s]..<start[s + 1]
      strata.append(range)
      for (offset, at) in range.enumerated() {
        let row = order[range.upperBound - 1 - offset]
        time[at] = data.time[row]
        cause[at] = data.cause[row]
        group[at] = compact[data.group[row]]
      }
    }
    self.time = time
    self.cause = cause
    self.group = group
    self.strata = strata
  }

  /// Adds one stratum's scores and variance (lower triangle, row-major) for `target`.
  func accumulate(
    _ rows: Range<Int>, cause target: Int, rho: Double, score: inout [Double], variance: inout [Double]
  ) {
    let g = groupCount
    let g1 = g - 1
    var atRisk = [Int](repeating: 0, count: g)
    for i in rows { atRisk[group[i]] += 1 }
    // Per group, just before the current time (left limits) and at it (right limits): all-cause
    // Kaplan–Meier and cumulative incidence of the cause.
    var survivalBefore = [Double](repeating: 1, count: g)
    var incidenceBefore = [Double](repeating: 0, count: g)
    var survivalAt = survivalBefore
    var incidenceAt = incidenceBefore
    // Running sums of Gray's variance: c (g×g), the cross terms (g−1)×g and the diagonal terms.
    var c = [Double](repeating: 0, count: g * g)
    var cross = [Double](repeating: 0, count: g1 * g)
    var diagonal = [Double](repeating: 0, count: g)
    var a = [Double](repeating: 0, count: g * g)
    // Ends per group at the current time: censored, by the cause, by another cause.
    var censored = [Int](repeating: 0, count: g)
    var byCause = [Int](repeating: 0, count: g)
    var byOther = [Int](repeating: 0, count: g)
    var pooledBefore = 0.0

    var first = rows.lowerBound
    let end = rows.upperBound
    while first < end {
      let t = time[first]
      var last = first + 1
      while last < end && time[last] == t { last += 1 }
      for k in 0..<g {
        censored[k] = 0
        byCause[k] = 0
        byOther[k] = 0
      }
      var nCause = 0
      var nOther = 0
      for i in first..<last {
        let c = cause[i]
        if c == 0 {
          censored[group[i]] += 1
        } else if c == target {
          byCause[group[i]] += 1
          nCause += 1
        } else {
          byOther[group[i]] += 1
          nOther += 1
        }
      }
      if nCause > 0 || nOther > 0 {
        var sumWeighted = 0.0  // Σ Yⱼ/Ŝⱼ(t−)
        var sumFree = 0.0  // Σ Yⱼ(1 − F̂ⱼ(t−))/Ŝⱼ(t−)
        for k in 0..<g where atRisk[k] > 0 {
          let y = Double(atRisk[k])
          survivalAt[k] = survivalBefore[k] * (y - Double(byCause[k] + byOther[k])) / y
          incidenceAt[k] = incidenceBefore[k] + survivalBefore[k] * Double(byCause[k]) / y
          sumWeighted += y / survivalBefore[k]
          sumFree += y * (1 - incidenceBefore[k]) / survivalBefore[k]
        }
        let d1 = Double(nCause)
        let pooledAt = pooledBefore + d1 / sumWeighted
        let weight = pow(1 - pooledBefore, rho)
        for i in 0..<g {
          for j in 0..<g { a[i * g + j] = 0 }
        }
        for i in 0..<g where atRisk[i] > 0 {
          let ri = Double(atRisk[i]) / survivalBefore[i]
          a[i * g + i] = weight * ri * (1 - ri / sumWeighted)
          for j in (i + 1)..<g where atRisk[j] > 0 {
            let aij = -weight * ri * Double(atRisk[j]) / (survivalBefore[j] * sumWeighted)
            a[i * g + j] = aij
            a[j * g + i] = aij
          }
        }
        if nCause > 0 {
          for i in 0..<(g * g) where a[i] != 0 {
            c[i] += a[i] * d1 / (sumWeighted * (1 - pooledBefore))
          }
        }
        for i in 0..<g1 where atRisk[i] > 0 {
          let y = Double(atRisk[i])
          score[i] += weight * (Double(byCause[i]) - d1 * y * (1 - incidenceBefore[i]) / (survivalBefore[i] * sumFree))
        }
        if nCause > 0 {
          for k in 0..<g where atRisk[k] > 0 {
            let t4 = survivalAt[k] > 0 ? 1 - (1 - pooledAt) / survivalAt[k] : 1
            let t5 = nCause > 1 ? 1 - (d1 - 1) / (sumWeighted * survivalBefore[k] - 1) : 1
            let t3 = t5 * survivalBefore[k] * d1 / (sumWeighted * Double(atRisk[k]))
            diagonal[k] += t4 * t4 * t3
            for i in 0..<g1 {
              let ti = a[i * g + k] - t4 * c[i * g + k]
              cross[i * g + k] += ti * t4 * t3
              for j in 0...i {
                variance[i * g1 + j] += ti * (a[j * g + k] - t4 * c[j * g + k]) * t3
              }
            }
          }
        }
        if nOther > 0 {
          for k in 0..<g where survivalAt[k] > 0 && byOther[k] > 0 {
            let t4 = (1 - pooledAt) / survivalAt[k]
            let dk = Double(byOther[k])
            let y = Double(atRisk[k])
            let t5 = byOther[k] > 1 ? 1 - (dk - 1) / (y - 1) : 1
            let t3 = t5 * (survivalBefore[k] * survivalBefore[k] * dk) / (y * y)
            diagonal[k] += t4 * t4 * t3
            for i in 0..<g1 {
              let ti = t4 * c[i * g + k]
              cross[i * g + k] -= ti * t4 * t3
              for j in 0...i {
                variance[i * g1 + j] += ti * t4 * c[j * g + k] * t3
              }
            }
          }
        }
        pooledBefore = pooledAt
        for k in 0..<g {
          survivalBefore[k] = survivalAt[k]
          incidenceBefore[k] = incidenceAt[k]
        }
      }
      for i in first..<last { atRisk[group[i]] -= 1 }
      first = last
    }
    for i in 0..<g1 {
      for j in 0...i {
        var s = 0.0
        for k in 0..<g {
          s += c[i * g + k] * c[j * g + k] * diagonal[k] + c[i * g + k] * cross[j * g + k]
            + c[j * g + k] * cross[i * g + k]
        }
        variance[i * g1 + j] += s
      }
    }
  }
}

/// Why Gray's test cannot be computed.
public enum GrayTestError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The cause code is not one of the data's causes 1...causes.
  case unknownCause(Int, causes: Int)
  /// The weight exponent is not a finite number.
  case invalidRho(Double)
  /// Fewer than two groups have subjects (the number that do).
  case fewerThanTwoGroups(Int)
  /// No follow-up ends by this cause (nil: by any cause).
  case noEvents(cause: String?)
  /// The variance of the scores is singular (cuminc reports a statistic of −1): for instance a
  /// group is never at risk at a time of the cause.
  case singularVariance(cause: String)
  /// The arithmetic overflowed, as when the pooled incidence reaches 1 with a negative ρ.
  case notFinite(cause: String)

  public var description: String {
    switch self {
    case .unknownCause(let c, let k):
      return k == 1
        ? "cause \(c) is not in the data, whose only cause is coded 1"
        : "cause \(c) is not in the data, whose causes are coded 1 to \(k)"
    case .invalidRho(let r): return "the weight exponent rho must be a finite number, not \(r)"
    case .fewerThanTwoGroups(let k):
      return k == 0
        ? "Gray's test compares groups, but no group has subjects"
        : "Gray's test compares groups, but only one group has subjects"
    case .noEvents(let c?): return "no follow-up ends by \(c), so its cumulative incidence cannot be compared"
    case .noEvents(nil): return "no follow-up ends by any cause, so there is nothing to compare"
    case .singularVariance(let c):
      return "the variance of the scores for \(c) is singular (for example a group is never at risk when "
        + "\(c) occurs), so the test is undefined"
    case .notFinite(let c):
      return "the test for \(c) overflows in these data (the weights or the variance are not finite numbers)"
    }
  }
}
