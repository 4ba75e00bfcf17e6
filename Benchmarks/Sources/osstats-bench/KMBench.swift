import Foundation
import Survival

/// The Kaplan–Meier + log-rank workload: a two-arm trial-like data set (`time,status,group`) that
/// osstats, R and lifelines all read, and the timed analysis on the in-memory data.
enum KMBench {
  /// Simulates `n` patients: arm A or B with probability 1/2 each (one uniform), event time
  /// exponential with median 6 in A and hazard ratio 0.7 in B (one uniform), independent
  /// exponential censoring with rate 0.05 (one uniform); time = min(T, C) rounded to 3 decimals
  /// (at least 0.001), so large files have many tied times. SplitMix64 from `seed`.
  static func write(n: Int, seed: UInt64, to path: String) throws -> String {
    guard let file = fopen(path, "w") else { throw BenchError("cannot open \(path) for writing") }
    defer { fclose(file) }
    var rng = SplitMix64(seed: seed)
    let rateA = log(2.0) / 6
    let rateB = rateA * 0.7
    let censorRate = 0.05
    var out: [UInt8] = Array("time,status,group\n".utf8)
    out.reserveCapacity(1 << 20)
    var events = 0
    var inB = 0
    for _ in 0..<n {
      let b = rng.uniform() < 0.5
      let t = rng.exponential() / (b ? rateB : rateA)
      let c = rng.exponential() / censorRate
      let event = t <= c
      if event { events += 1 }
      if b { inB += 1 }
      appendFixed(max(1, Int64((min(t, c) * 1000).rounded())), decimals: 3, to: &out)
      out.append(contentsOf: Array((event ? ",1," : ",0,").utf8))
      out.append(b ? UInt8(ascii: "B") : UInt8(ascii: "A"))
      out.append(UInt8(ascii: "\n"))
      if out.count > (1 << 20) - 64 {
        _ = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        out.removeAll(keepingCapacity: true)
      }
    }
    let written = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    guard written == out.count else { throw BenchError("write failed") }
    return "n \(n) seed \(seed) events \(events) censored \(String(format: "%.4f", Double(n - events) / Double(n))) group_B \(inB)"
  }

  static func run(path: String, repeats: Int) throws {
    let clock = ContinuousClock()
    let readStart = clock.now
    let bytes = try CoxBench.readBytes(path)
    let loaded = try SurvivalDataLoader.load(
      bytes: bytes, spec: ColumnSpec(time: "time", event: "status", group: "group"))
    let data = loaded.data
    let readSeconds = CoxBench.seconds(clock.now - readStart)
    let afterRead = CoxBench.peakRSSKiB()
    var times: [Double] = []
    var medians: [(String, Double?)] = []
    var test: LogRankTest? = nil
    for _ in 0..<max(1, repeats) {
      let start = clock.now
      let curves = KaplanMeier.curves(data)
      let m = curves.map { ($0.label, $0.median().time) }
      let lr = try LogRankTest(data: data)
      times.append(CoxBench.seconds(clock.now - start))
      medians = m
      test = lr
    }
    guard let test else { return }
    print("tool osstats")
    print("n \(data.count)")
    print("read_seconds \(String(format: "%.4f", readSeconds))")
    print("fit_seconds " + times.map { String(format: "%.6g", $0) }.joined(separator: " "))
    print("fit_median_seconds \(String(format: "%.6g", CoxBench.median(times)))")
    print("repeats \(times.count)")
    print("peak_rss_after_read_kib \(afterRead)")
    print("peak_rss_end_kib \(CoxBench.peakRSSKiB())")
    for (label, m) in medians {
      print("median \(label) \(m.map { String(format: "%.17g", $0) } ?? "NA")")
    }
    print("chisq \(String(format: "%.17g", test.chiSquare))")
  }
}
