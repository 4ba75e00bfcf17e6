import Testing

@testable import Survival

/// The radix sort gives exactly the order of the comparison sort it replaces above 4096 rows:
/// group ascending, key descending, ties in input order (negative, zero and repeated keys).
@Test("radix sort = stable comparison sort", arguments: [1, 3])
func radixSortMatchesComparisonSort(groups: Int) {
  var rng = SplitMix64(seed: 20_261_125)
  let n = 20_000
  let pool: [Double] = [0, -0.5, 1e-300, 3.25, -1e10, 7, 7.000000001]
  let keys = (0..<n).map { i -> Double in
    i % 3 == 0 ? pool[Int(rng.next() % UInt64(pool.count))] : Double(Int64(bitPattern: rng.next() % 2_000_000) - 1_000_000) / 997
  }
  let group = (0..<n).map { _ in Int(rng.next() % UInt64(groups)) }
  let expected = (0..<n).sorted { a, b in
    if groups > 1 && group[a] != group[b] { return group[a] < group[b] }
    return keys[a] != keys[b] ? keys[a] > keys[b] : a < b
  }
  #expect(RadixSort.descending(keys, group: group, groupCount: groups) == expected)
}
