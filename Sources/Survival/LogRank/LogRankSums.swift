/// The score vectors and variance matrices of several weighted log-rank statistics at once, summed
/// over strata: one pass over the risk-set table of each stratum.
///
/// At each event time tᵢ of a stratum (nᵢ at risk, dᵢ events, n_ik and d_ik in group k):
/// Uₖ += w (d_ik − dᵢ n_ik/nᵢ); observedₖ += w d_ik; expectedₖ += w dᵢ n_ik/nᵢ;
/// V_kl += w² dᵢ (nᵢ − dᵢ)/(nᵢ − 1) · (n_ik/nᵢ)(δ_kl − n_il/nᵢ) (the hypergeometric variance; 0 when
/// nᵢ = 1). For pairs of weights the covariance of their scores, Σ w_a w_b (same factor), is kept
/// too: MaxCombo needs it.
struct LogRankSums {
  let groupCount: Int
  let weights: [LogRankWeights]
  /// observed[w][k], expected[w][k].
  var observed: [[Double]]
  var expected: [[Double]]
  /// variance[w] is k×k, row-major.
  var variance: [[Double]]
  /// cross[a][b] is the k×k covariance of the scores of weights a and b, row-major.
  var cross: [[[Double]]]
  /// Strata in which only one group has subjects (they contribute nothing to U or V).
  var singleGroupStrata: [Int] = []

  /// With `entry`, each subject's entry time, the risk set at t holds only those entered before t
  /// (the counting-process form: the score test of the Cox model of (start, stop] data with
  /// Breslow ties).
  init(data: SurvivalData, entry: [Double]? = nil, weights: [LogRankWeights], crossCovariances: Bool = false) {
    let k = data.groupLabels.count
    let w = weights.count
    groupCount = k
    self.weights = weights
    observed = Array(repeating: Array(repeating: 0, count: k), count: w)
    expected = observed
    variance = Array(repeating: Array(repeating: 0, count: k * k), count: w)
    cross = crossCovariances ? Array(repeating: variance, count: w) : []

    var rowsByStratum = Array(repeating: [Int](), count: data.strataLabels.count)
    for i in 0..<data.count { rowsByStratum[data.stratum[i]].append(i) }
    var wt = [Double](repeating: 0, count: w)
    var share = [Double](repeating: 0, count: k)
    for (s, rows) in rowsByStratum.enumerated() where !rows.isEmpty {
      let stratumData = rows.count == data.count ? data : data.subset(rows)
      // A stratum with one group contributes its events to observed and expected alike, and
      // nothing to U or V (n_k/n = 1 at every time); it is recorded so that reports can say so.
      if Set(stratumData.group).count < 2 { singleGroupStrata.append(s) }
      let table =
        entry.map { e in RiskSetTable(stratumData, entry: rows.count == data.count ? e : rows.map { e[$0] }) }
        ?? RiskSetTable(stratumData)
      var km = 1.0
      var stilde = 1.0
      for t in 0..<table.times.count {
        var n = 0
        var d = 0
        for g in 0..<k {
          n += table.nRisk[t * k + g]
          d += table.nEvent[t * k + g]
        }
        guard d > 0 else { continue }
        let nd = Double(n)
        let dd = Double(d)
        stilde *= 1 - dd / (nd + 1)
        for j in 0..<w { wt[j] = weights[j].weight(km: km, stilde: stilde, atRisk: nd) }
        for g in 0..<k { share[g] = Double(table.nRisk[t * k + g]) / nd }
        for j in 0..<w {
          for g in 0..<k {
            observed[j][g] += wt[j] * Double(table.nEvent[t * k + g])
            expected[j][g] += wt[j] * dd * share[g]
          }
        }
        if n > 1 {
          let factor = dd * (nd - dd) / (nd - 1)
          for a in 0..<w {
            let fa = factor * wt[a]
            for g in 0..<k {
              for h in 0..<k {
                let v = share[g] * ((g == h ? 1 : 0) - share[h])
                variance[a][g * k + h] += fa * wt[a] * v
                if crossCovariances {
                  for b in 0..<w { cross[a][b][g * k + h] += fa * wt[b] * v }
                }
              }
            }
          }
        }
        km *= (nd - dd) / nd
      }
    }
  }
}
