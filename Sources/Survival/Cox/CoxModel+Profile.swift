import Foundation
import LinearAlgebra

extension CoxModel {
  /// Profile-likelihood confidence limits for the coefficient of `column`: the values b where
  /// 2·(ℓ(β̂) − max over the other coefficients of ℓ(β with β_column = b)) equals the χ²₁ quantile
  /// at `level` (Venzon & Moolgavkar 1988, Appl Stat 37:87–94). A limit is `nil` when the profile
  /// never falls that far on its side (monotone likelihood): the interval is open there.
  public func profileLikelihoodInterval(column: Int, level: Double = 0.95) -> (
    lower: Double?, upper: Double?
  ) {
    let data = self.data
    let kernel = CoxLikelihood(data: data, ties: options.ties)
    guard let evaluate = try? Self.evaluator(data: data, ties: options.ties, kernel: kernel) else {
      return (nil, nil)
    }
    let q = Normal.criticalValue(level: level)
    let threshold = q * q
    let best = loglik
    let start = coefficients
    let se = variance[column, column].squareRoot()
    func deficit(_ b: Double) -> Double {
      2 * (best - Self.constrainedMaximum(evaluate, p: kernel.p, fixed: column, value: b, start: start))
        - threshold
    }
    // On the side where a coefficient runs to infinity the profile never falls far enough.
    let runaway = infiniteCoefficients.contains(columnNames[column]) ? (start[column] < 0 ? -1.0 : 1.0) : 0
    return ProfileSearch.limits(estimate: start[column], scale: se, skipping: runaway, deficit: deficit)
  }

  /// max over β₋ⱼ of ℓ(β) with βⱼ = value, by Newton–Raphson on the other coordinates.
  static func constrainedMaximum(
    _ evaluate: ([Double]) -> CoxLikelihood.Value, p: Int, fixed j: Int, value: Double, start: [Double]
  ) -> Double {
    var beta = start
    beta[j] = value
    var current = evaluate(beta)
    guard p > 1 else { return current.loglik }
    let free = (0..<p).filter { $0 != j }
    for _ in 0..<50 {
      var sub = Matrix.zeros(free.count, free.count)
      for (a, r) in free.enumerated() {
        for (b, c) in free.enumerated() { sub[a, b] = current.information[r * p + c] }
      }
      guard let step = try? Cholesky(sub).solve(free.map { current.score[$0] }) else { break }
      var scale = 1.0
      var accepted = false
      for _ in 0..<30 {
        var trial = beta
        for (a, r) in free.enumerated() { trial[r] += scale * step[a] }
        let next = evaluate(trial)
        if next.loglik.isFinite && next.loglik >= current.loglik - 1e-12 * abs(current.loglik) {
          let change = abs(next.loglik - current.loglik)
          beta = trial
          current = next
          accepted = true
          if change <= 1e-13 * max(1, abs(next.loglik)) { return current.loglik }
          break
        }
        scale /= 2
      }
      if !accepted { break }
    }
    return current.loglik
  }
}
