/// The value that would stand at `rank` (0-based) if `a` were sorted ascending, found by
/// quickselect (median-of-three pivots) in expected linear time; `a` is reordered. `rank` must
/// be in `a.indices`, and the values must not be NaN.
package func selectAscending(_ a: inout [Double], rank: Int) -> Double {
  a.withUnsafeMutableBufferPointer { a in
    var lo = 0
    var hi = a.count - 1
    while hi - lo > 8 {
      let mid = lo + (hi - lo) / 2
      if a[mid] < a[lo] { a.swapAt(mid, lo) }
      if a[hi] < a[lo] { a.swapAt(hi, lo) }
      if a[hi] < a[mid] { a.swapAt(hi, mid) }
      let pivot = a[mid]
      var i = lo
      var j = hi
      while i <= j {
        while a[i] < pivot { i += 1 }
        while pivot < a[j] { j -= 1 }
        if i <= j {
          a.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      // [lo, j] ≤ pivot ≤ [i, hi], and anything between equals the pivot.
      if rank <= j {
        hi = j
      } else if rank >= i {
        lo = i
      } else {
        return pivot
      }
    }
    var i = lo + 1
    while i <= hi {
      let x = a[i]
      var j = i
      while j > lo && x < a[j - 1] {
        a[j] = a[j - 1]
        j -= 1
      }
      a[j] = x
      i += 1
    }
    return a[rank]
  }
}

/// Sorts `a` stably by ascending `key` in expected linear time for keys spread over a range (as
/// simulated times are): the elements are scattered into `a.count` buckets of equal width between
/// the smallest and the largest finite key (−∞ into the first, +∞ into the last), in input order,
/// and a final insertion pass over the whole array orders each bucket. That pass is a complete
/// stable insertion sort of the bucketed order (equal keys share a bucket and keep their input
/// order), so the result is the stable sort whatever the keys; the buckets only make it fast
/// (a range that overflows puts everything in one bucket: quadratic, never wrong). `scratch` and
/// `counts` are buffers kept by the caller; keys must not be NaN.
@inlinable
package func bucketSort<T>(_ a: inout [T], scratch: inout [T], counts: inout [Int], key: (T) -> Double) {
  let n = a.count
  guard n > 1 else { return }
  var low = Double.infinity
  var high = -Double.infinity
  for x in a {
    let k = key(x)
    if k.isFinite {
      low = min(low, k)
      high = max(high, k)
    }
  }
  if scratch.count < n { scratch = a }
  if counts.count < n + 1 { counts = Array(repeating: 0, count: n + 1) }
  let scale = high > low ? Double(n) / (high - low) : 0
  let last = n - 1
  a.withUnsafeMutableBufferPointer { a in
    scratch.withUnsafeMutableBufferPointer { b in
      counts.withUnsafeMutableBufferPointer { c in
        @inline(__always) func bucket(_ k: Double) -> Int {
          let v = (k - low) * scale
          if v >= 0 && v < Double(last) { return Int(v) }
          return k < low ? 0 : last
        }
        for i in 0...n { c[i] = 0 }
        for i in 0..<n { c[bucket(key(a[i])) + 1] += 1 }
        for i in 0..<n { c[i + 1] += c[i] }
        for i in 0..<n {
          let j = bucket(key(a[i]))
          b[c[j]] = a[i]
          c[j] += 1
        }
        a[0] = b[0]
        for i in 1..<n {
          let x = b[i]
          let k = key(x)
          var j = i
          while j > 0 && k < key(a[j - 1]) {
            a[j] = a[j - 1]
            j -= 1
          }
          a[j] = x
        }
      }
    }
  }
}
