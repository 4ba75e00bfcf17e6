import Foundation
import Testing

/// `osstats report --start`: two arms compared on (start, stop] data through the binary, against
/// Datasets/References/report_start_reference.json (report_start_reference.R: R 4.2.2, survival
/// 3.5-3): survfit's medians and landmarks, coxph's hazard ratio, and the log-rank statistic on the
/// counting-process risk sets.
@Suite struct ReportStartCommandTests {
  static func close(_ a: Any?, _ b: Any?, _ tolerance: Double) -> Bool {
    switch (a as? Double, b as? Double) {
    case let (x?, y?): return x == y || abs(x - y) <= tolerance * max(abs(x), abs(y))
    case (nil, nil): return true
    default: return false
    }
  }

  @Test("report --start START --time STOP: counting-process KM, log-rank and Cox as R")
  func heart() throws {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/References/report_start_reference.json"))
    let r = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let run = try osstats([
      "report", "Datasets/heart.csv", "--start", "start", "--time", "stop", "--event", "event", "--group", "transplant",
      "--experimental", "1", "--time-unit", "days", "--landmarks", "100,365", "--format", "json",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    let mapping = ((doc["input"] as? [String: Any])?["mapping"] as? [String: Any])?["description"] as? String
    #expect(mapping?.hasPrefix("time = (start, stop]") == true)
    let arms = try #require(doc["arms"] as? [[String: Any]])
    let expected = try #require(r["arms"] as? [[String: Any]])
    #expect(arms.map { $0["arm"] as? String ?? "" } == ["0", "1"])
    for (a, e) in zip(arms, expected) {
      let m = try #require(a["median"] as? [String: Any])
      #expect(Self.close(m["estimate"], e["median"], 1e-12))
      #expect(Self.close(m["lower"], e["median_lower"], 1e-12))
      #expect(Self.close(m["upper"], e["median_upper"], 1e-12))
      let landmarks = try #require(a["landmarks"] as? [[String: Any]])
      for (key, mine) in [("survival", "survival"), ("lower", "lower"), ("upper", "upper")] {
        let values = try #require(e[key] as? [Double])
        for (l, v) in zip(landmarks, values) { #expect(Self.close(l[mine], v, 1e-9), "\(a["arm"] ?? "") \(key)") }
      }
    }
    let lr = try #require(doc["logrank"] as? [String: Any])
    let rlr = try #require(r["logrank"] as? [String: Any])
    #expect(Self.close(lr["chisq"], rlr["chisq"], 1e-9))
    let hr = try #require(doc["hazard_ratio"] as? [String: Any])
    let rhr = try #require(r["hazard_ratio"] as? [String: Any])
    for key in ["estimate", "lower", "upper", "p"] { #expect(Self.close(hr[key], rhr[key], 1e-6), "\(key)") }
  }

  @Test("report --start with a start not before its time is refused at its cell (65)")
  func emptyInterval() throws {
    let csv = "start,time,status,arm\n0,5,1,A\n6,6,0,B\n0,7,1,B\n1,3,0,A\n"
    let run = try osstats(["report", "-", "--start", "start", "--group", "arm", "--format", "json"], stdin: csv)
    #expect(run.status == 65)
    #expect(run.stderr == "osstats: <stdin>:3:1: start 6 is not before the time 6\n")
  }
}
