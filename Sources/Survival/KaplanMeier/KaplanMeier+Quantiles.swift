/// A survival-time quantile with its confidence interval. `nil` means "not reached".
public struct SurvivalQuantile: Sendable, Equatable {
  /// The probability p: the quantile is the time by which a fraction p has had the event
  /// (p = 0.5 is the median; R's `quantile.survfit(probs =)`).
  public let probability: Double
  /// The estimate, or `nil` if the curve does not fall to 1 − p.
  public let time: Double?
  /// Lower confidence limit (from the lower pointwise band), or `nil` if not reached.
  public let lower: Double?
  /// Upper confidence limit (from the upper pointwise band), or `nil` if not reached.
  public let upper: Double?
}

extension KaplanMeier {
  /// Quantiles of the survival time with confidence limits, as R survival's `quantile.survfit`
  /// computes them: the quantile for probability p is the first time at which S ≤ 1 − p, except
  /// that where S equals 1 − p (within √ε) on a flat stretch the midpoint of the flat is taken
  /// (the end of the follow-up for a flat at the end of the curve). The limits apply the same rule
  /// to the lower and upper pointwise bands of the chosen transform (Brookmeyer & Crowley 1982,
  /// Biometrics 38:29–41, generalised to the transform).
  ///
  /// One difference from R, by design: R returns NA for every probability when the curve stays
  /// below the smallest requested one, even by less than the tolerance; here the tolerance is
  /// applied to each probability alike, so a quantile does not depend on which others are asked for.
  public func quantiles(
    _ probabilities: [Double], type: ConfidenceType = .log, level: Double = 0.95
  ) -> [SurvivalQuantile] {
    quantiles(probabilities, band: confidenceLimits(type: type, level: level))
  }

  /// ``quantiles(_:type:level:)`` from the pointwise band already computed for the curve.
  func quantiles(_ probabilities: [Double], band: (lower: [Double], upper: [Double])) -> [SurvivalQuantile] {
    let x = [0] + time
    let estimate = Self.findQuantiles(x: x, y: [0] + survival.map { 1 - $0 }, probabilities)
    let lower = Self.findQuantiles(x: x, y: [0] + band.lower.map { 1 - $0 }, probabilities)
    let upper = Self.findQuantiles(x: x, y: [0] + band.upper.map { 1 - $0 }, probabilities)
    return probabilities.indices.map { i in
      SurvivalQuantile(
        probability: probabilities[i], time: estimate[i].finite, lower: lower[i].finite,
        upper: upper[i].finite)
    }
  }

  /// The median alone, without confidence limits (the same rule; no bands computed).
  public var medianTime: Double? {
    Self.findQuantiles(x: [0] + time, y: [0] + survival.map { 1 - $0 }, [0.5])[0].finite
  }

  /// The median with its confidence interval (``quantiles(_:type:level:)`` at 0.5).
  public func median(type: ConfidenceType = .log, level: Double = 0.95) -> SurvivalQuantile {
    quantiles([0.5], type: type, level: level)[0]
  }

  /// The search of R's `findq`: `x` are times (the start time first), `y` the cumulative
  /// probability 1 − S (0 first; NaN where a band is undefined). Returns NaN where not reached.
  static func findQuantiles(x: [Double], y: [Double], _ probabilities: [Double]) -> [Double] {
    let tolerance = Double.ulpOfOne.squareRoot()
    guard let xmax = x.last else { return probabilities.map { _ in .nan } }
    // Keep the first time at which each level is reached (NaN counts as one level, as in R's
    // duplicated()). A curve is non-decreasing, so comparing with the last kept level suffices;
    // a band that is not monotone takes the general (hashing) route.
    var xs: [Double] = []
    var ys: [Double] = []
    var seenNaN = false
    var monotone = true
    var last = -Double.infinity
    for v in y where !v.isNaN {
      if v < last { monotone = false; break }
      last = v
    }
    var seen = Set<Double>()
    for (t, v) in zip(x, y) {
      if v.isNaN {
        if seenNaN { continue }
        seenNaN = true
      } else if monotone {
        if let previous = ys.last(where: { !$0.isNaN }), previous == v { continue }
      } else {
        if seen.contains(v) { continue }
        seen.insert(v)
      }
      xs.append(t)
      ys.append(v)
    }
    // Defined levels in increasing order with their positions, for the step-function lookup
    // (R's approx(..., method = "constant", f = 1), which drops NA pairs).
    let defined = ys.indices.filter { !ys[$0].isNaN }.sorted { ys[$0] < ys[$1] }
    func firstIndex(atLeast v: Double, shift: Double) -> Int? {
      guard let lastLevel = defined.last, let firstLevel = defined.first,
        v <= ys[lastLevel] + shift, v >= ys[firstLevel] + shift
      else { return nil }
      var lo = 0
      var hi = defined.count - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if ys[defined[mid]] + shift >= v { hi = mid } else { lo = mid + 1 }
      }
      return defined[lo]
    }
    let lastY = ys[ys.count - 1]
    return probabilities.map { p in
      if p == 0 { return xs[0] }
      let i1 = firstIndex(atLeast: p, shift: tolerance)
      if !lastY.isNaN && abs(p - lastY) < tolerance {
        guard let i1 else { return .nan }
        return (xs[i1] + xmax) / 2
      }
      guard let i1, let i2 = firstIndex(atLeast: p, shift: -tolerance) else { return .nan }
      return (xs[i1] + xs[i2]) / 2
    }
  }
}

extension Double {
  /// The value if finite, else `nil` (how undefined results reach JSON as null).
  public var finite: Double? { isFinite ? self : nil }
}
