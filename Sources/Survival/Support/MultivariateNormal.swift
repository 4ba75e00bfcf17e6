import Foundation
import LinearAlgebra

/// Probabilities of rectangles under a multivariate normal distribution with unit variances.
public enum MultivariateNormal {
  /// P(lower ≤ X ≤ upper) for X ~ N(0, R), R a correlation matrix, possibly singular; bounds may
  /// be ±∞. Meant for the few dimensions of combination tests (MaxCombo has four).
  ///
  /// Method: Genz's separation of variables (Genz A (1992) J Comput Graph Stat 1:141–149) on the
  /// pivoted Cholesky factor, integrated deterministically in the space of the standardized
  /// variables: the last variable in closed form (a difference of normal CDFs), the others by
  /// nested adaptive Gauss–Kronrod (7–15) quadrature of φ(y)·(inner probability) over
  /// [max(α, −9), min(β, 9)] (the tails beyond ±9 hold less than 1e-18). Variables that are exact
  /// linear combinations of earlier ones (a singular R) narrow the range of the last independent
  /// variable. Deterministic: the same input gives the same bits.
  ///
  /// - Parameter tolerance: absolute error aimed at for the probability (default 1e-11).
  /// - Throws: `LinearAlgebraError` when R is not positive semi-definite or the shapes differ.
  public static func rectangleProbability(
    lower: [Double], upper: [Double], correlation: Matrix, tolerance: Double = 1e-11
  ) throws(LinearAlgebraError) -> Double {
    let m = lower.count
    guard upper.count == m, correlation.rows == m, correlation.columns == m else {
      throw .dimensionMismatch(expected: m, actual: correlation.rows)
    }
    if m == 0 { return 1 }
    let chol = try PivotedCholesky(correlation, tolerance: 1e-12)
    guard
      var integrator = SeparatedIntegrand(
        l: chol.factor, a: chol.permutation.map { lower[$0] },
        b: chol.permutation.map { upper[$0] }, rank: max(1, chol.rank), tolerance: tolerance)
    else { return 0 }
    return min(1, max(0, integrator.probability()))
  }

  /// Φ(z), with Φ(±∞) exact.
  @inline(__always) static func cdf(_ z: Double) -> Double {
    if z == .infinity { return 1 }
    if z == -.infinity { return 0 }
    return 0.5 * erfc(-z / 2.0.squareRoot())
  }
}

/// The nested integral of Genz's separation of variables.
private struct SeparatedIntegrand {
  let l: Matrix
  let a: [Double]
  let b: [Double]
  let rank: Int
  let tolerance: Double
  /// For each independent variable i, the dependent rows whose last non-zero coefficient is in
  /// column i: their constraint a_j ≤ Σ_k l_jk y_k ≤ b_j bounds y_i given the earlier variables.
  let dependents: [[Int]]
  var y: [Double]

  /// `nil` when a dependent row has no non-zero coefficient and its bounds exclude 0 (the
  /// probability is then 0).
  init?(l: Matrix, a: [Double], b: [Double], rank: Int, tolerance: Double) {
    self.l = l
    self.a = a
    self.b = b
    self.rank = rank
    self.tolerance = tolerance
    self.y = [Double](repeating: 0, count: rank)
    var dependents = Array(repeating: [Int](), count: rank)
    for j in rank..<a.count {
      if let c = (0..<rank).last(where: { abs(l[j, $0]) > 1e-12 }) {
        dependents[c].append(j)
      } else if a[j] > 0 || b[j] < 0 {
        return nil
      }
    }
    self.dependents = dependents
  }

  mutating func probability() -> Double { level(0) }

  /// The range of y_i given y_0 … y_{i−1}, standardized, before clipping.
  func range(_ i: Int) -> (Double, Double) {
    var s = 0.0
    for k in 0..<i { s += l[i, k] * y[k] }
    var lo = (a[i] - s) / l[i, i]
    var hi = (b[i] - s) / l[i, i]
    // Rows beyond the rank are exact combinations: a_j ≤ Σ_k l_jk y_k ≤ b_j, a range for y_i.
    for j in dependents[i] {
      var t = 0.0
      for k in 0..<i { t += l[j, k] * y[k] }
      let c = l[j, i]
      var (u, v) = ((a[j] - t) / c, (b[j] - t) / c)
      if c < 0 { (u, v) = (v, u) }
      lo = max(lo, u)
      hi = min(hi, v)
    }
    return (lo, hi)
  }

  mutating func level(_ i: Int) -> Double {
    let (lo, hi) = range(i)
    guard lo < hi else { return 0 }
    if i == rank - 1 { return MultivariateNormal.cdf(hi) - MultivariateNormal.cdf(lo) }
    let from = max(lo, -9)
    let to = min(hi, 9)
    guard from < to else { return 0 }
    return adaptive(i, from, to, tolerance, depth: 0)
  }

  /// ∫ φ(y_i)·level(i + 1) dy_i over [x0, x1], bisecting until Kronrod and Gauss agree.
  mutating func adaptive(_ i: Int, _ x0: Double, _ x1: Double, _ tol: Double, depth: Int) -> Double {
    let (k, g) = kronrod(i, x0, x1)
    if abs(k - g) <= tol || depth >= 30 { return k }
    let mid = 0.5 * (x0 + x1)
    return adaptive(i, x0, mid, tol / 2, depth: depth + 1)
      + adaptive(i, mid, x1, tol / 2, depth: depth + 1)
  }

  mutating func kronrod(_ i: Int, _ x0: Double, _ x1: Double) -> (Double, Double) {
    let center = 0.5 * (x0 + x1)
    let half = 0.5 * (x1 - x0)
    var k = 0.0
    var g = 0.0
    for (n, node) in GaussKronrod.nodes.enumerated() {
      for sign in node == 0 ? [1.0] : [-1.0, 1.0] {
        let x = center + sign * half * node
        y[i] = x
        let f = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() * level(i + 1)
        k += GaussKronrod.kronrodWeights[n] * f
        g += GaussKronrod.gaussWeights[n] * f
      }
    }
    return (k * half, g * half)
  }
}

/// The 15-point Gauss–Kronrod rule and its embedded 7-point Gauss rule on [−1, 1] (non-negative
/// nodes; the Gauss weight is 0 at Kronrod-only nodes).
enum GaussKronrod {
  static let nodes: [Double] = [
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0,
  ]
  static let kronrodWeights: [Double] = [
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
  ]
  static let gaussWeights: [Double] = [
    0, 0.129484966168869693270611432679082, 0, 0.279705391489276667901467771423780, 0,
    0.381830050505118944950369775488975, 0, 0.417959183673469387755102040816327,
  ]
}
