/// Tick positions for plot axes.
///
/// - ``nice(lower:upper:maxTicks:)``: the classic "nice numbers" rule (Heckbert PS (1990) Nice
///   numbers for graph labels, Graphics Gems): steps of 1, 2, 2.5 or 5 × 10ᵏ, the smallest step
///   whose ticks cover the data in at most `maxTicks` ticks.
/// - ``months(maximum:maxTicks:)``: survival-time axes in months, stepping by 1, 2, 3, 6, 12, …
///   months so that the labels fall on quarters and years.
/// - ``ratios(lower:upper:)``: hazard-ratio axes on a log scale (…, 0.25, 0.5, 1, 2, 4, …).
///
/// Each tick is computed as an integer multiple of the step (never by repeated addition), so the
/// values print exactly: 0.6, not 0.6000000000000001.
public enum AxisTicks {
  /// Ticks i·step for consecutive integers i, the first at or below `lower` and the last at or
  /// above `upper` (so no tick lies more than one step outside the data), with the step the
  /// smallest of 1, 2, 2.5, 5 × 10ᵏ that needs at most `maxTicks` ticks (at least 2).
  ///
  /// If `upper < lower` the two are swapped; if they are equal, the range is widened to the unit
  /// interval around them (a single value still gets an axis). Non-finite bounds give `[]`.
  public static func nice(lower: Double, upper: Double, maxTicks: Int = 6) -> [Double] {
    guard lower.isFinite, upper.isFinite else { return [] }
    var lo = min(lower, upper)
    var hi = max(lower, upper)
    if lo == hi {
      lo -= 0.5
      hi += 0.5
    }
    let count = max(maxTicks, 2)
    // Start one decade below the step that would give exactly `count - 1` intervals.
    var exponent = ((hi - lo) / Double(count - 1)).magnitudeExponent - 1
    while true {
      for mantissa in [10, 20, 25, 50] {
        // step = mantissa × 10^(exponent − 1) ∈ {1, 2, 2.5, 5} × 10^exponent, kept exact.
        let step = Step(mantissa: mantissa, exponent: exponent - 1)
        let first = (lo / step.value).rounded(.down)
        let last = (hi / step.value).rounded(.up)
        if last - first + 1 <= Double(count) {
          return stride(from: Int(first), through: Int(last), by: 1).map(step.multiple)
        }
      }
      exponent += 1
    }
  }

  /// Ticks from 0 to at most `maximum` months, stepping by the smallest of 1, 2, 3, 6, 12, 24,
  /// 36, 48, 60 months (then multiples of 60 by 1, 2, 2.5, 5 × 10ᵏ) that gives at most `maxTicks`
  /// ticks: `months(maximum: 52)` is 0, 6, …, 48. The last tick is never beyond `maximum` (the
  /// numbers-at-risk table under a Kaplan–Meier plot reads the data only inside the follow-up).
  /// Below one month the axis falls back to ``nice(lower:upper:maxTicks:)`` within [0, maximum].
  /// A maximum that is zero, negative or not finite gives `[0]`.
  public static func months(maximum: Double, maxTicks: Int = 10) -> [Double] {
    guard maximum.isFinite, maximum > 0 else { return [0] }
    let count = max(maxTicks, 2)
    if maximum < 1 {
      return nice(lower: 0, upper: maximum, maxTicks: count).filter { $0 <= maximum }
    }
    var steps: [Double] = [1, 2, 3, 6, 12, 24, 36, 48, 60]
    if maximum / 60 > Double(count - 1) {
      steps += nice(lower: 0, upper: maximum / 60 / Double(count - 1), maxTicks: 2).suffix(1).map { $0 * 60 }
    }
    for step in steps where (maximum / step).rounded(.down) + 1 <= Double(count) {
      return (0...Int((maximum / step).rounded(.down))).map { Double($0) * step }
    }
    // Unreachable in practice; the last step above always fits.
    return [0, maximum]
  }

  /// The hazard-ratio ticks for a log axis covering [lower, upper] (1 always included): the
  /// values 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20, 40, 100 from the largest at or
  /// below `lower` to the smallest at or above `upper`; when that would be more than seven ticks,
  /// only the decades with 0.5 and 2. Bounds are clamped to [0.01, 100]; non-positive or
  /// non-finite bounds are treated as 1, and an axis that would be 1 alone is 0.5, 1, 2.
  public static func ratios(lower: Double, upper: Double) -> [Double] {
    let candidates = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20, 40, 100]
    func clean(_ v: Double) -> Double { v.isFinite && v > 0 ? min(max(v, 0.01), 100) : 1 }
    let lo = min(clean(lower), clean(upper), 1)
    let hi = max(clean(lower), clean(upper), 1)
    var first = candidates.lastIndex { $0 <= lo * (1 + 1e-12) } ?? 0
    var last = candidates.firstIndex { $0 >= hi * (1 - 1e-12) } ?? candidates.count - 1
    if first == last {
      first -= 1
      last += 1
    }
    let ticks = Array(candidates[first...last])
    if ticks.count <= 7 { return ticks }
    let sparse: Set<Double> = [0.01, 0.1, 0.5, 1, 2, 10, 100]
    return ticks.enumerated().filter { sparse.contains($1) || $0 == 0 || $0 == ticks.count - 1 }.map(\.1)
  }
}

/// mantissa × 10^exponent with an integer mantissa, so that multiples are exact where possible.
private struct Step {
  let mantissa: Int
  let exponent: Int

  var value: Double { Double(mantissa) * power(exponent) }

  /// i × step, dividing by an exact power of ten for negative exponents (0.2 × 3 → 6 / 10 = 0.6).
  func multiple(_ i: Int) -> Double {
    exponent >= 0 ? Double(i * mantissa) * power(exponent) : Double(i * mantissa) / power(-exponent)
  }

  private func power(_ e: Int) -> Double {
    var p = 1.0
    for _ in 0..<abs(e) { p *= 10 }
    return e >= 0 ? p : 1 / p
  }
}

extension Double {
  /// ⌊log₁₀ |x|⌋ for a finite non-zero value (0 for zero), by repeated scaling: no libm rounding.
  fileprivate var magnitudeExponent: Int {
    var x = abs(self)
    guard x.isFinite, x > 0 else { return 0 }
    var e = 0
    while x >= 10 {
      x /= 10
      e += 1
    }
    while x < 1 {
      x *= 10
      e -= 1
    }
    return e
  }
}
