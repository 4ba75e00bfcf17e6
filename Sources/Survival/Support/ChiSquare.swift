import Foundation

/// The chi-square distribution's upper tail, for p-values.
public enum ChiSquare {
  /// P(X ≥ x) for X ~ χ² with `df` degrees of freedom: the regularized upper incomplete gamma
  /// Q(df/2, x/2), by its series below a + 1 and Lentz's continued fraction above (Numerical
  /// Recipes §6.2), with the closed forms for 1 df (erfc) and 2 df (exp). Relative accuracy about
  /// 1e-14. NaN for a NaN x or df < 1.
  public static func upperTail(_ x: Double, df: Int) -> Double {
    guard !x.isNaN, df >= 1 else { return .nan }
    if x <= 0 { return 1 }
    if x == .infinity { return 0 }
    if df == 1 { return erfc((x / 2).squareRoot()) }
    if df == 2 { return exp(-x / 2) }
    return regularizedUpperGamma(a: Double(df) / 2, x: x / 2)
  }

  static func regularizedUpperGamma(a: Double, x: Double) -> Double {
    let logPrefix = a * log(x) - x - lgamma(a)
    if x < a + 1 {
      // Series for the lower function P, then Q = 1 − P.
      var term = 1 / a
      var sum = term
      var n = a
      for _ in 0..<10_000 {
        n += 1
        term *= x / n
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
      }
      return max(0, 1 - sum * exp(logPrefix))
    }
    // Continued fraction for Q (modified Lentz).
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1..<10_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return exp(logPrefix) * h
  }
}
