import Foundation

/// The transform on which a pointwise confidence interval for S(t) is built, with R survival's
/// names and formulas (`survfit(conf.type =)`): z is the normal critical value and se the standard
/// error of log S.
///
/// - `log` (default, as R): exp(log S ± z·se), the upper limit capped at 1.
/// - `logLog` (SAS's and lifelines' default; Kalbfleisch–Prentice): exp(−exp(log(−log S) ± z·se/log S)).
/// - `plain`: S ± z·se·S, kept within [0, 1].
/// - `logit`: on log(S/(1 − S)) with se·(1 + S/(1 − S)).
/// - `arcsin`: on asin(√S) with ½·z·se·√(S/(1 − S)), kept within [0, π/2].
///
/// Where R's formula is undefined (S = 0 for every transform but `plain`; S = 1 for `logLog`,
/// `logit` and `arcsin`) the limits are NaN, reported as null, exactly where R reports `NA`.
public enum ConfidenceType: String, CaseIterable, Sendable {
  /// exp(log S ± z·se).
  case log = "log"
  /// exp(−exp(log(−log S) ± z·se/log S)).
  case logLog = "log-log"
  /// S ± z·se·S.
  case plain = "plain"
  /// On the logit scale.
  case logit = "logit"
  /// On the arcsine-square-root scale.
  case arcsin = "arcsin"

  /// The (lower, upper) limits for one value of S with standard error `stdErrLog` of log S.
  public func limits(survival p: Double, stdErrLog se: Double, z: Double) -> (Double, Double) {
    switch self {
    case .plain:
      let h = se * p * z
      return (nanMax(p - h, 0), nanMin(p + h, 1))
    case .log:
      guard p != 0 else { return (.nan, .nan) }
      let h = z * se
      return (Foundation.exp(Foundation.log(p) - h), nanMin(Foundation.exp(Foundation.log(p) + h), 1))
    case .logLog:
      guard p != 0, p != 1 else { return (.nan, .nan) }
      let h = z * se / Foundation.log(p)
      let c = Foundation.log(-Foundation.log(p))
      return (Foundation.exp(-Foundation.exp(c - h)), Foundation.exp(-Foundation.exp(c + h)))
    case .logit:
      guard p != 0 else { return (.nan, .nan) }
      let h = z * se * (1 + p / (1 - p))
      let c = Foundation.log(p / (1 - p))
      return (1 - 1 / (1 + Foundation.exp(c - h)), 1 - 1 / (1 + Foundation.exp(c + h)))
    case .arcsin:
      guard p != 0 else { return (.nan, .nan) }
      let h = 0.5 * z * se * (p / (1 - p)).squareRoot()
      let c = Foundation.asin(p.squareRoot())
      let lo = Foundation.sin(nanMax(0, c - h))
      let hi = Foundation.sin(nanMin(Double.pi / 2, c + h))
      return (lo * lo, hi * hi)
    }
  }
}

/// max that propagates NaN, like R's `pmax` (Swift's `max` would drop it).
@inline(__always) func nanMax(_ a: Double, _ b: Double) -> Double {
  a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
}

/// min that propagates NaN, like R's `pmin`.
@inline(__always) func nanMin(_ a: Double, _ b: Double) -> Double {
  a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
}
