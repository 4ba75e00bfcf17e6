import Foundation
import LinearAlgebra

extension CoxModel {
  /// The Wald test with the robust variance, β̂ᵀ V_robust⁻¹ β̂, as R reports it for robust fits.
  public func robustWaldTest(_ robustVariance: Matrix) -> ChiSquareTest? {
    guard let step = try? Cholesky(robustVariance).solve(coefficients) else { return nil }
    var w = 0.0
    for j in coefficients.indices { w += coefficients[j] * step[j] }
    return ChiSquareTest(w, df: coefficients.count)
  }

  /// The robust score test at β = 0: uᵀ(LᵀL)⁻¹u with L the case-weighted score residuals at β = 0
  /// summed within clusters and u their total (R `rscore`; Lin & Wei 1989).
  public func robustScoreTest() -> ChiSquareTest? {
    let data = self.data
    let p = data.columns
    let zero = CoxModel.residualsAt([Double](repeating: 0, count: p), data: data, ties: options.ties, variance: variance)
    let clusters = data.cluster ?? Array(0..<data.count)
    let k = (clusters.max() ?? -1) + 1
    var sums = Matrix.zeros(k, p)
    var u = [Double](repeating: 0, count: p)
    for i in 0..<data.count {
      let w = data.weights?[i] ?? 1
      for j in 0..<p {
        sums[clusters[i], j] += w * zero.score[i, j]
        u[j] += w * zero.score[i, j]
      }
    }
    guard let gram = try? sums.transposed.multiply(sums), let step = try? Cholesky(gram).solve(u) else {
      return nil
    }
    var t = 0.0
    for j in 0..<p { t += u[j] * step[j] }
    return ChiSquareTest(t, df: p)
  }
}

extension CoxModel {
  /// The linear predictor x·β̂ of every row of the fitted data (uncentred).
  public var linearPredictor: [Double] { linearPredictor(of: data) }

  /// The linear predictor x·β̂ of every row of `data`, which has the model's columns (uncentred).
  /// A plain loop, not BLAS: rows with equal covariates must get bit-identical values (the
  /// concordance counts exact ties), and BLAS kernels may sum a row differently depending on where
  /// it falls in a block.
  public func linearPredictor(of data: CoxData) -> [Double] {
    let n = data.count
    let p = data.columns
    var lp = [Double](repeating: 0, count: n)
    data.x.elements.withUnsafeBufferPointer { x in
      for j in 0..<p {
        let b = coefficients[j]
        for i in 0..<n { lp[i] += x[i + j * n] * b }
      }
    }
    return lp
  }

  /// Harrell's concordance of the linear predictor with the outcome, with R's infinitesimal
  /// jackknife standard error (as `coxph(...)$concordance`).
  public func concordance() -> Concordance {
    Concordance(
      time: data.stop, event: data.event, riskScore: linearPredictor,
      strata: data.strataLabels.count > 1 ? data.strata : nil, weights: data.weights, start: data.start,
      cluster: data.cluster)
  }
}
