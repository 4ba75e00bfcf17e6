import Foundation

/// A parametric model for the time from entry to the event, given by its cumulative hazard H(t),
/// so that S(t) = exp(−H(t)) and F(t) = 1 − S(t).
///
/// - ``exponential(rate:)``: constant hazard λ, H(t) = λt (``exponential(median:)`` builds it
///   from a median, λ = ln 2 / median).
/// - ``weibull(shape:scale:)``: R's `dweibull` parametrisation, S(t) = exp(−(t/scale)^shape);
///   shape 1 is the exponential with rate 1/scale.
/// - ``piecewiseExponential(cutPoints:rates:)``: hazard `rates[0]` on [0, c₁), `rates[j]` on
///   [cⱼ, cⱼ₊₁), and the last rate from the last cut point on (as `rpwexp` in R's simtrial or
///   `nphsim`), so `rates.count == cutPoints.count + 1`.
///
/// Sampling is by inversion of the cumulative hazard: T = H⁻¹(E) with E = −log U standard
/// exponential and U uniform on (0, 1), because P(T > t) = P(E > H(t)) = exp(−H(t)). One uniform
/// per draw, whatever the model.
///
/// Validity (checked by ``isValid`` and by ``TrialSimulationDesign``): every parameter finite;
/// rate > 0; shape > 0 and scale > 0; cut points positive and strictly increasing, rates ≥ 0 with
/// the last rate > 0 (so that every sampled time is finite).
public enum SurvivalDistribution: Sendable, Equatable {
  case exponential(rate: Double)
  case weibull(shape: Double, scale: Double)
  case piecewiseExponential(cutPoints: [Double], rates: [Double])

  /// The exponential distribution with the given median: rate = ln 2 / median.
  public static func exponential(median: Double) -> SurvivalDistribution {
    .exponential(rate: log(2) / median)
  }

  /// Whether the parameters satisfy the conditions stated on the type.
  public var isValid: Bool {
    switch self {
    case .exponential(let rate):
      return rate.isFinite && rate > 0
    case .weibull(let shape, let scale):
      return shape.isFinite && shape > 0 && scale.isFinite && scale > 0
    case .piecewiseExponential(let cutPoints, let rates):
      guard rates.count == cutPoints.count + 1, let last = rates.last, last > 0 else { return false }
      guard rates.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return false }
      var previous = 0.0
      for cut in cutPoints {
        guard cut.isFinite, cut > previous else { return false }
        previous = cut
      }
      return true
    }
  }

  /// The distribution whose hazard is this one's times `hazardRatio` at every t (proportional
  /// hazards): rate × HR; Weibull scale × HR^(−1/shape) (since (t/scale)^shape · HR =
  /// (t/(scale · HR^(−1/shape)))^shape); every piecewise rate × HR.
  public func scaled(byHazardRatio hazardRatio: Double) -> SurvivalDistribution {
    switch self {
    case .exponential(let rate):
      return .exponential(rate: rate * hazardRatio)
    case .weibull(let shape, let scale):
      return .weibull(shape: shape, scale: scale * pow(hazardRatio, -1 / shape))
    case .piecewiseExponential(let cutPoints, let rates):
      return .piecewiseExponential(cutPoints: cutPoints, rates: rates.map { $0 * hazardRatio })
    }
  }

  /// H(t), 0 for t ≤ 0.
  public func cumulativeHazard(at t: Double) -> Double {
    guard t > 0 else { return 0 }
    switch self {
    case .exponential(let rate):
      return rate * t
    case .weibull(let shape, let scale):
      return pow(t / scale, shape)
    case .piecewiseExponential(let cutPoints, let rates):
      var total = 0.0
      var start = 0.0
      for (j, cut) in cutPoints.enumerated() {
        if t <= cut { return total + rates[j] * (t - start) }
        total += rates[j] * (cut - start)
        start = cut
      }
      return total + rates[cutPoints.count] * (t - start)
    }
  }

  /// S(t) = exp(−H(t)).
  public func survival(at t: Double) -> Double { exp(-cumulativeHazard(at: t)) }

  /// F(t) = 1 − S(t), computed as −expm1(−H(t)) for accuracy near 0.
  public func cdf(at t: Double) -> Double { -expm1(-cumulativeHazard(at: t)) }

  /// H⁻¹(h) for h > 0: the smallest t with H(t) = h (smallest matters only for a piecewise model
  /// with zero-rate pieces, where H is flat).
  public func time(atCumulativeHazard h: Double) -> Double {
    switch self {
    case .exponential(let rate):
      return h / rate
    case .weibull(let shape, let scale):
      return scale * pow(h, 1 / shape)
    case .piecewiseExponential(let cutPoints, let rates):
      var total = 0.0
      var start = 0.0
      for (j, cut) in cutPoints.enumerated() {
        let piece = rates[j] * (cut - start)
        if h < total + piece { return start + (h - total) / rates[j] }
        total += piece
        start = cut
      }
      return start + (h - total) / rates[cutPoints.count]
    }
  }

  /// The p-quantile, F⁻¹(p) = H⁻¹(−log(1 − p)) for p in [0, 1).
  public func quantile(_ p: Double) -> Double { time(atCumulativeHazard: -log1p(-p)) }

  /// The median, H⁻¹(ln 2).
  public var median: Double { time(atCumulativeHazard: log(2)) }

  /// One draw by inversion: H⁻¹(−log U), one uniform from `generator`.
  public func sample(using generator: inout Xoshiro256StarStar) -> Double {
    time(atCumulativeHazard: generator.exponential())
  }
}
