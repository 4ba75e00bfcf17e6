/// The search for profile-likelihood confidence limits shared by the Cox models: from the
/// estimate, walk out in steps that double (starting at one standard error) until the profile
/// deficit changes sign, then bisect to 1e-10 relative. `nil` when the profile never falls far
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
      var tries = 0
      while value < 0 {
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
      for _ in 0..<200 {
        let mid = 0.5 * (a + b)
        if deficit(mid) < 0 { a = mid } else { b = mid }
        if abs(b - a) <= 1e-10 * max(1, abs(mid)) { break }
      }
      return 0.5 * (a + b)
    }
    return (search(-1), search(1))
  }
}
