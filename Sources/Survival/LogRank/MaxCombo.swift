import LinearAlgebra

/// The MaxCombo test of two groups: the maximum of the standardized Fleming–Harrington statistics
/// G(0, 0), G(0, 1), G(1, 0) and G(1, 1), whose p-value comes from their joint normal distribution
/// under the null hypothesis, with the correlation of the weighted scores
/// (Lee 2007, Comput Stat Data Anal 51:6115–6126; Karrison 2016, Stat Biopharm Res 8:102–110;
/// Lin et al. 2020, Stat Biopharm Res 12:187–198). The statistic for the alternative that the
/// second group has the lower hazard (`less`) is min zⱼ; for `greater`, max zⱼ; two-sided, max |zⱼ|.
public struct MaxComboTest: Sendable {
  /// The four weight functions, in order.
  public static let components: [LogRankWeights] = [
    .flemingHarrington(rho: 0, gamma: 0), .flemingHarrington(rho: 0, gamma: 1),
    .flemingHarrington(rho: 1, gamma: 0), .flemingHarrington(rho: 1, gamma: 1),
  ]

  /// The component weights actually used (a component with no variance, for example G(0, 1) when
  /// every event is at the first event time, is dropped).
  public let weights: [LogRankWeights]
  /// The second group's standardized statistic for each component.
  public let z: [Double]
  /// Their correlation matrix under the null hypothesis.
  public let correlation: Matrix
  /// The direction tested.
  public let alternative: Alternative
  /// The combination statistic: max |z| (two-sided), min z (less) or max z (greater).
  public let statistic: Double
  /// Its p-value.
  public let p: Double

  /// The MaxCombo test of `data`, which must have exactly two groups.
  /// - Throws: ``LogRankError``.
  public init(data: SurvivalData, alternative: Alternative = .twoSided, timeFix: Bool = true)
    throws(LogRankError)
  {
    guard data.groupLabels.count == 2 else { throw .needsTwoGroups(data.groupLabels.count) }
    let prepared = try LogRankTest.prepare(data, timeFix: timeFix)
    let sums = LogRankSums(data: prepared, weights: Self.components, crossCovariances: true)
    // The second group's score variance is element (1, 1) of each 2×2 matrix.
    let usable = Self.components.indices.filter { sums.variance[$0][3] > 0 }
    guard !usable.isEmpty else { throw .noComparison }
    weights = usable.map { Self.components[$0] }
    z = usable.map { j in
      (sums.observed[j][1] - sums.expected[j][1]) / sums.variance[j][3].squareRoot()
    }
    var r = Matrix.identity(usable.count)
    for (a, i) in usable.enumerated() {
      for (b, j) in usable.enumerated() where a != b {
        r[a, b] = sums.cross[i][j][3] / (sums.variance[i][3] * sums.variance[j][3]).squareRoot()
      }
    }
    correlation = r
    self.alternative = alternative
    let m = z.count
    let inside: Double
    do {
      switch alternative {
      case .twoSided:
        let s = z.map(abs).max() ?? 0
        statistic = s
        inside = try MultivariateNormal.rectangleProbability(
          lower: Array(repeating: -s, count: m), upper: Array(repeating: s, count: m), correlation: r)
      case .less:
        let s = z.min() ?? 0
        statistic = s
        inside = try MultivariateNormal.rectangleProbability(
          lower: Array(repeating: s, count: m), upper: Array(repeating: .infinity, count: m),
          correlation: r)
      case .greater:
        let s = z.max() ?? 0
        statistic = s
        inside = try MultivariateNormal.rectangleProbability(
          lower: Array(repeating: -.infinity, count: m), upper: Array(repeating: s, count: m),
          correlation: r)
      }
    } catch {
      throw .singularVariance(group: data.groupLabels[1])
    }
    p = max(0, 1 - inside)
  }
}
