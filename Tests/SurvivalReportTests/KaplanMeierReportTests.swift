import Foundation
import Survival
import Testing

@testable import SurvivalReport

@Suite struct KaplanMeierReportTests {
  /// A small two-arm data set with untrusted group names.
  func report(labels: [String] = ["<script>alert(1)</script>", "B \"quoted\" | pipe"]) throws -> KaplanMeierReport {
    let csv = "time,status,arm\n" + [
      (1, 1, 0), (2, 0, 0), (3, 1, 0), (3, 1, 0), (4, 0, 0), (5, 1, 0),
      (2, 1, 1), (4, 1, 1), (6, 0, 1), (7, 1, 1), (9, 0, 1),
    ].map { "\($0.0),\($0.1),\"\(labels[$0.2].replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: "\n")
    let bytes = Array(csv.utf8)
    let loaded = try SurvivalDataLoader.load(bytes: bytes, spec: ColumnSpec(group: "arm"))
    let analysis = try KaplanMeierAnalysis(data: loaded.data, options: KaplanMeierOptions(times: [3, 10]))
    let input = InputSummary(file: "arms.csv", sha256: ByteSource.sha256(bytes), loaded: loaded)
    return KaplanMeierReport(analysis: analysis, input: input, version: "test")
  }

  /// Foundation's JSON parser on Linux may be off by an ulp, so values read back through it are
  /// compared at 1e-15; the writer itself round-trips exactly (`numbersRoundTripExactly`).
  func same(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= 1e-15 * max(abs(a), abs(b))
  }

  @Test func numbersRoundTripExactly() {
    var x = 0.1
    for _ in 0..<2000 {
      #expect(Double(JSONValue.format(x)) == x)
      x = x * 1.37 + 1e-3 / x
      if x > 1e200 { x = 1 / x }
    }
    for v in [0.6000000000000001, 0.30000000000000004, 5e-324, 1.7976931348623157e308, -0.0, 2.0 / 3] {
      #expect(Double(JSONValue.format(v)) == v)
    }
  }

  @Test func jsonNumbersEqualTheCoreResults() throws {
    let r = try report()
    let doc = try jsonObject(r.json())
    let groups = try #require(doc["groups"] as? [[String: Any]])
    for (g, result) in zip(groups, r.analysis.groups) {
      #expect(g["group"] as? String == result.curve.label)
      #expect(g["median"] as? Double == result.median.time)
      let steps = try #require(g["steps"] as? [[String: Any]])
      #expect(zip(steps, result.curve.survival).allSatisfy { same($0["survival"] as? Double, $1) })
      #expect(steps.count == result.curve.survival.count)
      #expect(steps.map { $0["time"] as? Double } == result.curve.time.map { $0 })
      let rmst = try #require(g["rmst"] as? [String: Any])
      #expect(same(rmst["estimate"] as? Double, result.restrictedMean.estimate))
      #expect(same(rmst["std_err"] as? Double, result.restrictedMean.stdErr))
    }
    // By hand, first arm (1, 2+, 3, 3, 4+, 5): S = 5/6 after 1, 5/12 after 3, 0 after 5; median 3.
    #expect(groups[0]["median"] as? Double == 3)
    let diff = try #require(doc["rmst_difference"] as? [String: Any])
    #expect(same(diff["difference"] as? Double, r.analysis.restrictedMeanDifference?.difference))
  }

  @Test func untrustedNamesAreEscaped() throws {
    let r = try report()
    // JSON: the names read back exactly.
    let doc = try jsonObject(r.json())
    let names = (doc["groups"] as? [[String: Any]])?.compactMap { $0["group"] as? String }
    #expect(names == ["<script>alert(1)</script>", "B \"quoted\" | pipe"])
    // Markdown: no raw tag and no table-breaking pipe.
    let md = r.markdown()
    #expect(!md.contains("<script>"))
    #expect(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(md.contains("B \"quoted\" \\| pipe"))
    // CSV: the quoted name is quoted again per RFC 4180.
    #expect(r.csv().contains("\"B \"\"quoted\"\" | pipe\""))
  }

  @Test func outputIsDeterministic() throws {
    let a = try report()
    let b = try report()
    #expect(a.json() == b.json())
    #expect(a.text() == b.text())
    #expect(a.markdown() == b.markdown())
    #expect(a.csv() == b.csv())
  }

  @Test func numberFormatting() {
    #expect(NumberFormat.significant(30.738636) == "30.74")
    #expect(NumberFormat.significant(0.90909) == "0.9091")
    #expect(NumberFormat.significant(38.80209) == "38.8")
    #expect(NumberFormat.significant(4.1688e-05) == "4.169e-05")
    #expect(NumberFormat.significant(31) == "31")
    #expect(NumberFormat.significant(nil, missing: "NR") == "NR")
    #expect(NumberFormat.significant(.nan) == "NA")
    #expect(NumberFormat.pValue(1e-20) == "< 1e-16")
    #expect(NumberFormat.full(0.1) == "0.1")
    #expect(NumberFormat.full(.infinity) == "")
  }

  @Test func jsonSerialization() {
    let v: JSONValue = .object([
      ("a", .number(1.5)), ("b", .number(Double.nan)), ("c", .string("q\"\\\n\u{1}")), ("d", .array([])),
      ("e", .int(-3)), ("f", .number(1e-300)), ("g", .number(45)),
    ])
    #expect(v.serialized(pretty: false) == #"{"a":1.5,"b":null,"c":"q\"\\\n\u0001","d":[],"e":-3,"f":1e-300,"g":45}"#)
  }
}
