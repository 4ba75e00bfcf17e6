/// Merges follow-up times that differ only by floating-point round-off, as R survival does by
/// default (`timefix = TRUE`, `aeqSurv`): distinct times whose gap is at most `tolerance`, absolute
/// or relative to the mean absolute distinct time, are treated as one time, the smallest of the
/// run. Without this, 0.1 + 0.2 and 0.3 would be two times and a curve would have a spurious step.
public enum TimeFix {
  /// R's default tolerance, √(machine epsilon) ≈ 1.49e-8.
  public static let defaultTolerance = Double.ulpOfOne.squareRoot()

  /// The times with near-ties merged, and how many values were changed.
  public static func apply(_ times: [Double], tolerance: Double = defaultTolerance) -> (
    times: [Double], changed: Int
  ) {
    guard tolerance > 0, times.count > 1 else { return (times, 0) }
    let order = RadixSort.descending(times, group: [], groupCount: 1)
    let sorted = order.reversed().map { times[$0] }
    var unique: [Double] = []
    unique.reserveCapacity(sorted.count)
    for t in sorted where unique.last != t { unique.append(t) }
    guard unique.count > 1 else { return (times, 0) }
    let meanAbs = unique.reduce(0) { $0 + abs($1) } / Double(unique.count)
    var cuts: [Double] = [unique[0]]
    var anyTied = false
    for k in 1..<unique.count {
      let gap = unique[k] - unique[k - 1]
      if gap <= tolerance || gap / meanAbs <= tolerance {
        anyTied = true
      } else {
        cuts.append(unique[k])
      }
    }
    guard anyTied else { return (times, 0) }
    unique = cuts
    var changed = 0
    let merged = times.map { t -> Double in
      // The largest cut not above t.
      var lo = 0
      var hi = unique.count - 1
      while lo < hi {
        let mid = (lo + hi + 1) / 2
        if unique[mid] <= t { lo = mid } else { hi = mid - 1 }
      }
      let c = unique[lo]
      if c != t { changed += 1 }
      return c
    }
    return (merged, changed)
  }
}
