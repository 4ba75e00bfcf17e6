/// Orders of rows by a Double key, by a least-significant-digit radix sort on the keys' bit
/// patterns (up to eight passes of 8 bits, a pass skipped when every key shares its digit): O(n),
/// stable, several times faster than a comparison sort at n = 10⁶.
enum RadixSort {
  /// Row indices ordered by group ascending (groups in 0..<groupCount; with one group the
  /// group array is not read), then by `keys` descending, ties in input order.
  static func descending(_ keys: [Double], group: [Int], groupCount: Int) -> [Int] {
    let n = keys.count
    // Below a few thousand rows the passes cost more than a comparison sort.
    if n < 4096 {
      if groupCount <= 1 {
        return (0..<n).sorted { a, b in keys[a] != keys[b] ? keys[a] > keys[b] : a < b }
      }
      return (0..<n).sorted { a, b in
        group[a] != group[b] ? group[a] < group[b] : keys[a] != keys[b] ? keys[a] > keys[b] : a < b
      }
    }
    // An unsigned integer with the same order as the double, complemented for descending order.
    var code = [UInt64](repeating: 0, count: n)
    for i in 0..<n {
      let bits = keys[i].bitPattern
      let ordered = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
      code[i] = ~ordered
    }
    var index = (0..<n).map { Int32(truncatingIfNeeded: $0) }
    var scratch = [Int32](repeating: 0, count: n)
    var codeScratch = [UInt64](repeating: 0, count: n)
    // Eight passes of 8 bits: 256-entry histograms stay in the first-level cache and the
    // scatter writes to 256 streams, which the cache holds (16-bit digits scatter to 65,536 and
    // miss). All eight histograms come from one read of the codes; a pass whose digit every key
    // shares is skipped, so times of a few significant bits take few passes.
    var counts = [Int](repeating: 0, count: 8 * 256)
    code.withUnsafeBufferPointer { codes in
      counts.withUnsafeMutableBufferPointer { h in
        for i in 0..<n {
          var c = codes[i]
          for pass in 0..<8 {
            h[pass &* 256 &+ Int(c & 0xFF)] &+= 1
            c >>= 8
          }
        }
      }
    }
    for pass in 0..<8 {
      let base = pass * 256
      if counts[base..<(base + 256)].contains(n) { continue }
      // Exclusive prefix sums: the first slot of each digit.
      var total = 0
      for k in base..<(base + 256) {
        let c = counts[k]
        counts[k] = total
        total += c
      }
      let shift = UInt64(8 * pass)
      index.withUnsafeBufferPointer { from in
        code.withUnsafeBufferPointer { codes in
          scratch.withUnsafeMutableBufferPointer { to in
            codeScratch.withUnsafeMutableBufferPointer { codesTo in
              counts.withUnsafeMutableBufferPointer { slot in
                for i in 0..<n {
                  let c = codes[i]
                  let digit = base &+ Int((c >> shift) & 0xFF)
                  let at = slot[digit]
                  to[at] = from[i]
                  codesTo[at] = c
                  slot[digit] = at &+ 1
                }
              }
            }
          }
        }
      }
      swap(&index, &scratch)
      swap(&code, &codeScratch)
    }
    if groupCount > 1 {
      var start = [Int](repeating: 0, count: groupCount + 1)
      for g in group { start[g + 1] += 1 }
      for k in 1...groupCount { start[k] += start[k - 1] }
      for i in 0..<n {
        let g = group[Int(index[i])]
        scratch[start[g]] = index[i]
        start[g] += 1
      }
      swap(&index, &scratch)
    }
    return index.map { Int($0) }
  }
}
