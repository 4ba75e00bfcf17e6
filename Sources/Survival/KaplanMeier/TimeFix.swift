/// Merges follow-up times that differ only by floating-point round-off, as R survival does by
/// default (`timefix = TRUE`, `aeqSurv`): distinct times whose gap is at most `tolerance`, absolute
/// or relative to the mean absolute distinct time, are treated as one time, the smallest of the
/// run. Without this, 0.1 + 0.2 and 0.3 would be two times and a curve would have a spurious step.
public enum TimeFix {
  /// R's default tolerance, √(machine epsilon) ≈ 1.49e-8.
  public static let defaultTolerance = Double.ulpOfOne.squareRoot()

  /// Whether the merge would change anything: some two of `unique` (the distinct values,
  /// ascending) are within the tolerance of each other. Lets an estimator that sorts its times
  /// anyway skip the merge's own sort when nothing is near-tied (the usual case).
  public static func needed(sortedUnique unique: [Double], tolerance: Double = defaultTolerance) -> Bool {
    guard tolerance > 0, unique.count > 1 else { return false }
    let meanAbs = unique.reduce(0) { $0 + abs($1) } / Double(unique.count)
    for k in 1..<unique.count {
      let gap = unique[k] - unique[k - 1]
      if gap <= tolerance || gap / meanAbs <= tolerance { return true }
    }
    return false
  }

  /// The union of ascending arrays of distinct values, ascending and distinct.
  static func mergedUnique(_ lists: [[Double]]) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(lists.reduce(0) { $0 + $1.count })
    var next = [Int](repeating: 0, count: lists.count)
    while true {
      var best = Double.infinity
      var found = false
      for (l, list) in lists.enumerated() where next[l] < list.count {
        if !found || list[next[l]] < best { best = list[next[l]] }
        found = true
      }
      guard found else { break }
      for (l, list) in lists.enumerated() where next[l] < list.count && list[next[l]] == best { next[l] += 1 }
      out.append(best)
    }
    return out
  }

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
    guard unique.count > 1, needed(sortedUnique: unique, tolerance: tolerance) else { return (times, 0) }
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
