import Testing

@testable import Survival

/// The simulators' sorting helpers give exactly what the standard library's sort gives: the
/// stable order for the bucket sort (ties in input order, infinities, keys spread over an
/// overflowing range, all keys equal), the order statistic for quickselect.
@Suite struct KernelSortingTests {
  static func keys(_ kind: Int, count n: Int, rng: inout SplitMix64) -> [Double] {
    switch kind {
    case 0: return (0..<n).map { _ in rng.exponential() * 6 }
    case 1: return (0..<n).map { _ in (rng.exponential() * 4).rounded() / 4 }
    case 2: return (0..<n).map { i in i % 5 == 0 ? .infinity : (i % 7 == 0 ? -.infinity : rng.uniform() - 0.5) }
    case 3: return (0..<n).map { i in i % 2 == 0 ? 1e308 : -1e308 + Double(i) }
    case 4: return Array(repeating: 2.5, count: n)
    default: return (0..<n).map { i in Double(n - i) }
    }
  }

  @Test("bucket sort = the stable comparison sort", arguments: 0..<6)
  func bucketSortIsTheStableSort(kind: Int) {
    var rng = SplitMix64(seed: 7 + UInt64(kind))
    var scratch: [(Double, Int)] = []
    var counts: [Int] = []
    for n in [0, 1, 2, 3, 17, 73, 142, 1000] {
      let k = Self.keys(kind, count: n, rng: &rng)
      var a = Array(zip(k, 0..<n))
      // Descending keys through the negated key, as the two-arm kernel sorts times.
      var d = a
      let ascending = a.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
      let descending = a.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
      bucketSort(&a, scratch: &scratch, counts: &counts) { $0.0 }
      bucketSort(&d, scratch: &scratch, counts: &counts) { -$0.0 }
      #expect(a.map(\.1) == ascending.map(\.1), "kind \(kind), n \(n), ascending")
      #expect(d.map(\.1) == descending.map(\.1), "kind \(kind), n \(n), descending")
    }
  }

  @Test("quickselect = the order statistic of the sorted values", arguments: [0, 1, 4, 5])
  func selectIsTheOrderStatistic(kind: Int) {
    var rng = SplitMix64(seed: 70 + UInt64(kind))
    for n in [1, 2, 9, 10, 60, 121, 500] {
      let values = Self.keys(kind, count: n, rng: &rng)
      let sorted = values.sorted()
      var work = values
      for rank in Set([0, n / 3, n / 2, n - 1]) {
        #expect(selectAscending(&work, rank: rank) == sorted[rank], "kind \(kind), n \(n), rank \(rank)")
        #expect(work.sorted() == sorted, "kind \(kind), n \(n): a permutation")
      }
    }
  }
}
