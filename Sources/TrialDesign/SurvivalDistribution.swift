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
/// - ``cure(fraction:uncured:)``: a mixture cure model, S(t) = π + (1 − π)·S_u(t): a share π
///   never has the event (their sampled time is +∞), the rest follow `uncured`.
/// - ``hazardRatios(base:cutPoints:ratios:)``: the hazard of `base` times a piecewise-constant
///   ratio, `ratios[0]` on [0, c₁), `ratios[j]` on [cⱼ, cⱼ₊₁) (a delayed effect is ratios [1, HR]
///   with the cut point at the delay), so H(t) = Σⱼ rⱼ·(H_b(min(t, cⱼ₊₁)) − H_b(cⱼ)).
///
/// Sampling is by inversion of the cumulative hazard: T = H⁻¹(E) with E = −log U standard
/// exponential and U uniform on (0, 1), because P(T > t) = P(E > H(t)) = exp(−H(t)). One uniform
/// per draw, whatever the model.
///
/// Validity (checked by ``isValid`` and by ``TrialSimulationDesign``): every parameter finite;
/// rate > 0; shape > 0 and scale > 0; cut points positive and strictly increasing, rates ≥ 0 with
/// the last rate > 0 (so that every sampled time is finite); a cure fraction in [0, 1); hazard
/// ratios finite and ≥ 0, one more than the cut points, the last > 0. Only a cure model (or a
/// ratio model over one) gives infinite times: H is then bounded by −log π.
public enum SurvivalDistribution: Sendable, Equatable {
  case exponential(rate: Double)
  case weibull(shape: Double, scale: Double)
  case piecewiseExponential(cutPoints: [Double], rates: [Double])
  indirect case cure(fraction: Double, uncured: SurvivalDistribution)
  indirect case hazardRatios(base: SurvivalDistribution, cutPoints: [Double], ratios: [Double])

  /// The exponential distribution with the given median: rate = ln 2 / median.
  public static func exponential(median: Double) -> SurvivalDistribution {
    .exponential(rate: log(2) / median)
  }

  /// The Weibull distribution of the given shape k and median: scale = median / (ln 2)^(1/k).
  public static func weibull(shape: Double, median: Double) -> SurvivalDistribution {
    .weibull(shape: shape, scale: median / pow(log(2), 1 / shape))
  }

  /// Whether the parameters satisfy the conditions stated on the type.
  public var isValid: Bool {
    switch self {
    case .exponential(let rate):
      return rate.isFinite && rate > 0
    case .weibull(let shape, let scale):
      return shape.isFinite && shape > 0 && scale.isFinite && scale > 0
    case .piecewiseExponential(let cutPoints, let rates):
      return Self.validPieces(cutPoints, rates)
    case .cure(let fraction, let uncured):
      return fraction >= 0 && fraction < 1 && uncured.isValid
    case .hazardRatios(let base, let cutPoints, let ratios):
      return Self.validPieces(cutPoints, ratios) && base.isValid
    }
  }

  /// Whether some sampled times are +∞ (a cure fraction above 0, directly or under ratios).
  public var hasCure: Bool {
    switch self {
    case .cure(let fraction, _): return fraction > 0
    case .hazardRatios(let base, _, _): return base.hasCure
    default: return false
    }
  }

  /// Cut points positive, finite and increasing; one more value than cut points, finite, ≥ 0,
  /// the last > 0.
  private static func validPieces(_ cutPoints: [Double], _ values: [Double]) -> Bool {
    guard values.count == cutPoints.count + 1, let last = values.last, last > 0 else { return false }
    guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return false }
    var previous = 0.0
    for cut in cutPoints {
      guard cut.isFinite, cut > previous else { return false }
      previous = cut
    }
    return true
  }

  /// This distribution with its hazard multiplied by a piecewise-constant ratio (`ratios[j]` from
  /// `cutPoints[j-1]` to `cutPoints[j]`): exact in the family for an exponential or piecewise
  /// exponential (whose pieces are merged with the ratio's), otherwise
  /// ``hazardRatios(base:cutPoints:ratios:)``.
  public func withHazardRatios(cutPoints: [Double], ratios: [Double]) -> SurvivalDistribution {
    if cutPoints.isEmpty, let r = ratios.first { return scaled(byHazardRatio: r) }
    switch self {
    case .exponential(let rate):
      return .piecewiseExponential(cutPoints: cutPoints, rates: ratios.map { $0 * rate })
    case .piecewiseExponential(let cuts, let rates):
      let merged = Array(Set(cuts + cutPoints)).sorted()
      func piece(_ c: [Double], _ t: Double) -> Int { c.firstIndex(where: { t < $0 }) ?? c.count }
      // The value on [merged[j-1], merged[j]) is the one at its left end.
      let starts = [0.0] + merged
      return .piecewiseExponential(
        cutPoints: merged, rates: starts.map { rates[piece(cuts, $0)] * ratios[piece(cutPoints, $0)] })
    default:
      return .hazardRatios(base: self, cutPoints: cutPoints, ratios: ratios)
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
    case .cure:
      return .hazardRatios(base: self, cutPoints: [], ratios: [hazardRatio])
    case .hazardRatios(let base, let cutPoints, let ratios):
      return .hazardRatios(base: base, cutPoints: cutPoints, ratios: ratios.map { $0 * hazardRatio })
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
    case .cure(let fraction, let uncured):
      // S = 1 − (1 − π)·F_u, so H = −log1p(−(1 − π)·F_u) with F_u = −expm1(−H_u).
      return -log1p((1 - fraction) * expm1(-uncured.cumulativeHazard(at: t)))
    case .hazardRatios(let base, let cutPoints, let ratios):
      var total = 0.0
      var startHazard = 0.0
      for (j, cut) in cutPoints.enumerated() {
        if t <= cut { return total + ratios[j] * (base.cumulativeHazard(at: t) - startHazard) }
        let endHazard = base.cumulativeHazard(at: cut)
        total += ratios[j] * (endHazard - startHazard)
        startHazard = endHazard
      }
      return total + ratios[cutPoints.count] * (base.cumulativeHazard(at: t) - startHazard)
    }
  }

  /// S(t) = exp(−H(t)).
  public func survival(at t: Double) -> Double { exp(-cumulativeHazard(at: t)) }

  /// F(t) = 1 − S(t), computed as −expm1(−H(t)) for accuracy near 0.
  public func cdf(at t: Double) -> Double { -expm1(-cumulativeHazard(at: t)) }

  /// H⁻¹(h) for h > 0: the smallest t with H(t) = h (smallest matters only for a piecewise model
  /// with zero-rate pieces, where H is flat); +∞ when H never reaches h (a cure model).
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
    case .cure(let fraction, let uncured):
      // S_u = (S − π)/(1 − π) with S = exp(−h); at S ≤ π the patient is cured.
      guard fraction > 0 else { return uncured.time(atCumulativeHazard: h) }
      let uncuredCDF = -expm1(-h) / (1 - fraction)
      if uncuredCDF < 0.5 { return uncured.time(atCumulativeHazard: -log1p(-uncuredCDF)) }
      let survivor = (exp(-h) - fraction) / (1 - fraction)
      guard survivor > 0 else { return .infinity }
      return uncured.time(atCumulativeHazard: -log(survivor))
    case .hazardRatios(let base, let cutPoints, let ratios):
      var total = 0.0
      var startHazard = 0.0
      for (j, cut) in cutPoints.enumerated() {
        let endHazard = base.cumulativeHazard(at: cut)
        let piece = ratios[j] * (endHazard - startHazard)
        if h < total + piece { return base.time(atCumulativeHazard: startHazard + (h - total) / ratios[j]) }
        total += piece
        startHazard = endHazard
      }
      return base.time(atCumulativeHazard: startHazard + (h - total) / ratios[cutPoints.count])
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
