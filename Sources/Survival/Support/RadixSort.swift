/// Orders of rows by a Double key, by a least-significant-digit radix sort on the keys' bit
/// patterns (four passes of 16 bits, a pass skipped when every key shares its digit): O(n),
/// stable, several times faster than a comparison sort at n = 10⁶.
enum RadixSort {
  /// Row indices ordered by group ascending (groups in 0..<groupCount; with one group the
  /// group array is not read), then by `keys` descending, ties in input order.
  static func descending(_ keys: [Double], group: [Int], groupCount: Int) -> [Int] {
    let n = keys.count
    // Below a few thousand rows the 2¹⁶-entry histograms cost more than a comparison sort.
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
    var counts = [Int](repeating: 0, count: 65_537)
    // Keys travel with their indices, so every pass reads both arrays in order.
    for shift in stride(from: UInt64(0), to: 64, by: 16) {
      for k in counts.indices { counts[k] = 0 }
      for i in 0..<n { counts[Int((code[i] >> shift) & 0xFFFF) + 1] += 1 }
      if counts.contains(n) { continue }
      for k in 1..<counts.count { counts[k] += counts[k - 1] }
      for i in 0..<n {
        let digit = Int((code[i] >> shift) & 0xFFFF)
        let to = counts[digit]
        scratch[to] = index[i]
        codeScratch[to] = code[i]
        counts[digit] = to + 1
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
