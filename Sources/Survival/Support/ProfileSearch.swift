/// The search for profile-likelihood confidence limits shared by the Cox models: from the
/// estimate, walk out in steps that double (starting at one standard error) until the profile
/// deficit changes sign, then close the bracket to 1e-10 relative by the Illinois variant of
/// regula falsi (Dowell & Jarratt 1971, BIT 11:168–174: superlinear, and the bracket is kept, so
/// about a quarter of bisection's profile fits). `nil` when the profile never falls far
/// enough on that side (an open interval) or the deficit is undefined.
enum ProfileSearch {
  /// - Parameters:
  ///   - estimate: the maximum-likelihood value of the parameter.
  ///   - scale: a first step (its standard error).
  ///   - deficit: 2·(ℓ̂ − profile ℓ at b) − χ² quantile: negative inside the interval.
  ///   - skipping: a side known to be open (−1 or +1), or 0.
  static func limits(estimate: Double, scale: Double, skipping: Double = 0, deficit: (Double) -> Double)
    -> (lower: Double?, upper: Double?)
  {
    func search(_ direction: Double) -> Double? {
      if direction == skipping { return nil }
      var inside = estimate
      var step = max(scale.isFinite && scale > 0 ? scale : 1, 1e-3)
      var outside = inside + direction * step
      var value = deficit(outside)
      var lastInside = -Double.infinity
      var tries = 0
      while value < 0 {
        lastInside = value
        inside = outside
        step *= 2
        outside = inside + direction * step
        value = deficit(outside)
        tries += 1
        if tries > 16 { return nil }
      }
      guard value.isFinite else { return nil }
      var a = inside
      var b = outside
      var fa = inside == estimate ? deficit(inside) : lastInside
      var fb = value
      var side = 0
      for _ in 0..<200 {
        var x = fa.isFinite && fb > fa ? (a * fb - b * fa) / (fb - fa) : 0.5 * (a + b)
        if !(x > min(a, b) && x < max(a, b)) { x = 0.5 * (a + b) }
        let fx = deficit(x)
        if !fx.isFinite {
          // Undefined inside the bracket: fall back to halving towards the inside.
          b = x
          fb = .infinity
          side = 0
        } else if fx < 0 {
          if side == -1 { fb /= 2 }
          a = x
          fa = fx
          side = -1
        } else {
          if side == 1 { fa /= 2 }
          b = x
          fb = fx
          side = 1
        }
        if abs(b - a) <= 1e-10 * max(1, abs(x)) || fx == 0 { break }
      }
      return 0.5 * (a + b)
    }
    return (search(-1), search(1))
  }
}
