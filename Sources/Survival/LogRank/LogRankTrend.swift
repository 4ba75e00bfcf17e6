/// The test for trend across ordered groups: with scores c, z = cᵀU / √(cᵀVc), 1 degree of
/// freedom (Tarone 1975; Klein & Moeschberger 2003, §7.4; SAS LIFETEST `TREND`). Uses the weights,
/// strata and scores of its log-rank test; a positive z means more events than expected in the
/// groups with higher scores.
public struct LogRankTrend: Sendable {
  /// The score of each group, in group order.
  public let scores: [Double]
  /// cᵀU.
  public let score: Double
  /// cᵀVc.
  public let variance: Double
  /// The standardized statistic.
  public let z: Double
  /// z², on 1 degree of freedom.
  public let chiSquare: Double
  /// The two-sided p-value.
  public let p: Double

  /// The trend test of `test` with `scores` (one per group; default 1, 2, …, k).
  /// - Throws: `LogRankError.scoresCount` when the number of scores differs from the groups,
  ///   `.singularVariance` when cᵀVc is 0 (for example equal scores).
  public init(test: LogRankTest, scores: [Double]? = nil) throws(LogRankError) {
    let k = test.groups.count
    let c = scores ?? (1...k).map(Double.init)
    guard c.count == k else { throw .scoresCount(expected: k, actual: c.count) }
    var u = 0.0
    var v = 0.0
    for g in 0..<k {
      u += c[g] * (test.observed[g] - test.expected[g])
      for h in 0..<k { v += c[g] * test.variance[g, h] * c[h] }
    }
    guard v > 0 else { throw .singularVariance(group: test.groups.first ?? "") }
    self.scores = c
    score = u
    variance = v
    z = u / v.squareRoot()
    chiSquare = z * z
    p = Normal.twoSidedP(z)
  }
}

/// Multiplicity adjustments of a family of p-values, as R's `p.adjust`.
public enum PValueAdjustment: String, CaseIterable, Sendable {
  /// Holm's step-down method (Holm 1979): controls the family-wise error, uniformly more powerful
  /// than Bonferroni.
  case holm
  /// Bonferroni: min(1, m·p).
  case bonferroni

  /// The adjusted p-values, in the order given.
  public func adjust(_ p: [Double]) -> [Double] {
    let m = Double(p.count)
    switch self {
    case .bonferroni:
      return p.map { min(1, m * $0) }
    case .holm:
      let order = p.indices.sorted { p[$0] < p[$1] }
      var adjusted = [Double](repeating: 0, count: p.count)
      var running = 0.0
      for (rank, i) in order.enumerated() {
        running = max(running, min(1, (m - Double(rank)) * p[i]))
        adjusted[i] = running
      }
      return adjusted
    }
  }
}

/// One comparison of two groups among k.
public struct PairwiseComparison: Sendable {
  /// The first (reference) group of the pair.
  public let first: String
  /// The second group.
  public let second: String
  /// The two-group test on the subjects of these two groups (stratified as the data are).
  public let test: LogRankTest
  /// Holm-adjusted p-value over all pairs.
  public let pHolm: Double
  /// Bonferroni-adjusted p-value over all pairs.
  public let pBonferroni: Double
}

/// All pairwise two-group tests between k groups, each on the subjects of its two groups (as
/// survminer's `pairwise_survdiff` does), with Holm and Bonferroni adjustments.
public struct PairwiseLogRank: Sendable {
  /// Pairs (i < j in group order).
  public let comparisons: [PairwiseComparison]

  /// The comparisons of every pair of groups in `data`.
  /// - Throws: ``LogRankError`` when a pair cannot be tested (for example no events in it).
  public init(data: SurvivalData, weights: LogRankWeights = .logRank, timeFix: Bool = true)
    throws(LogRankError)
  {
    let k = data.groupLabels.count
    guard k >= 2 else { throw .oneGroup(data.groupLabels.first ?? "") }
    var tests: [(Int, Int, LogRankTest)] = []
    for i in 0..<k {
      for j in (i + 1)..<k {
        let rows = (0..<data.count).filter { data.group[$0] == i || data.group[$0] == j }
        let pair = SurvivalData(
          unchecked: rows.map { data.time[$0] }, rows.map { data.event[$0] },
          rows.map { data.group[$0] == i ? 0 : 1 }, [data.groupLabels[i], data.groupLabels[j]],
          rows.map { data.stratum[$0] }, data.strataLabels)
        tests.append((i, j, try LogRankTest(data: pair, weights: weights, timeFix: timeFix)))
      }
    }
    let p = tests.map(\.2.p)
    let holm = PValueAdjustment.holm.adjust(p)
    let bonferroni = PValueAdjustment.bonferroni.adjust(p)
    comparisons = tests.enumerated().map { idx, t in
      PairwiseComparison(
        first: data.groupLabels[t.0], second: data.groupLabels[t.1], test: t.2, pHolm: holm[idx],
        pBonferroni: bonferroni[idx])
    }
  }
}
