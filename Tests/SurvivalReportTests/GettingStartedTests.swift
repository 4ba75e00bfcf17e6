import Foundation
import Survival
import SurvivalReport
import Testing

/// The getting-started pipeline of the DocC article (Sources/Survival/Survival.docc/GettingStarted.md)
/// compiled and run: the code between the markers is the article's, line for line but for the
/// output file (a test below checks that), and its numbers are R's (km_reference, logrank_reference and cox_reference).
@Suite struct GettingStartedTests {
  static var root: URL { repository }

  /// The article's pipeline, run from the repository root.
  static func pipeline(output: String) throws -> (KaplanMeierAnalysis, LogRankTest, CoxModel) {
    let previous = FileManager.default.currentDirectoryPath
    _ = FileManager.default.changeCurrentDirectoryPath(root.path)
    defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
    // BEGIN getting-started
    let lung = try SurvivalTable(path: "Datasets/lung.csv")
    let km = try lung.kaplanMeier(group: "sex")
    let logRank = try lung.logRank(group: "sex")
    let cox = try lung.cox(covariates: ["sex", "age", "ph.ecog"])
    for c in cox.coefficientTable { print(c.term, c.hazardRatio, c.lower ?? 0, c.upper ?? .infinity) }
    let report = try OverallSurvivalReport(table: lung, group: "sex")
    try report.html().write(toFile: output, atomically: true, encoding: .utf8)
    // END getting-started
    return (km, logRank, cox)
  }

  @Test("The pipeline runs and gives R's median, log-rank chi-square and hazard ratios")
  func pipelineGivesRsNumbers() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("getting-started-\(getpid()).html").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let (km, logRank, cox) = try Self.pipeline(output: output)
    // R: survfit(Surv(time, status) ~ sex, lung): medians 270 and 426 days.
    let kmCases = try #require(try referenceObject("km_reference.json")["cases"] as? [[String: Any]])
    let lungKM = try #require(kmCases.first { $0["name"] as? String == "lung" })
    let groups = try #require(lungKM["groups"] as? [[String: Any]])
    for (g, group) in zip(km.groups, groups) {
      let q = try #require(((group["quantiles"] as? [String: Any])?["log"] as? [String: Any])?["quantile"] as? [Double])
      #expect(g.median.time == q[1])
    }
    // R: survdiff(Surv(time, status) ~ sex, lung): chi-square 10.33 on 1 df.
    let lrCases = try #require(try referenceObject("logrank_reference.json")["cases"] as? [[String: Any]])
    let lungLR = try #require(lrCases.first { $0["key"] as? String == "lung" })
    let chisq = try #require((lungLR["tests"] as? [[String: Any]])?.first?["chisq"] as? Double)
    #expect(abs(logRank.chiSquare - chisq) <= 1e-9 * chisq)
    // R: coxph(Surv(time, status) ~ sex + age + ph.ecog, lung): exp(coef) and its limits.
    let coxCases = try #require(try referenceObject("cox_reference.json")["cases"] as? [[String: Any]])
    let lungCox = try #require(coxCases.first { $0["key"] as? String == "lung_efron" })
    let coef = try #require(lungCox["coef"] as? [Double])
    let lower = try #require(lungCox["hr_lower"] as? [Double])
    let upper = try #require(lungCox["hr_upper"] as? [Double])
    for (j, c) in cox.coefficientTable.enumerated() {
      #expect(abs(c.hazardRatio - exp(coef[j])) <= 1e-6 * exp(coef[j]), "\(c.term)")
      #expect(abs((c.lower ?? 0) - lower[j]) <= 1e-6 * lower[j], "\(c.term) lower")
      #expect(abs((c.upper ?? 0) - upper[j]) <= 1e-6 * upper[j], "\(c.term) upper")
    }
    let html = try String(contentsOfFile: output, encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("Datasets/lung.csv"))
    // The arm warning (the experimental arm was not named) is on the page.
    #expect(html.contains("the experimental arm is not named"))
  }

  @Test("The article shows the tested pipeline, line for line, in at most 8 lines")
  func articleShowsTheTestedCode() throws {
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let tested = try Self.block(source, from: "// BEGIN getting-started", to: "// END getting-started")
    let article = try String(
      contentsOf: Self.root.appendingPathComponent("Sources/Survival/Survival.docc/GettingStarted.md"), encoding: .utf8)
    let shown = try Self.block(article, from: "```swift", to: "```")
      .filter { !$0.hasPrefix("import ") && !$0.isEmpty }
    // The article writes lung.html; the test writes to a temporary file.
    #expect(shown == tested.map { $0.replacingOccurrences(of: "toFile: output", with: "toFile: \"lung.html\"") })
    #expect(tested.count <= 8)
  }

  /// The trimmed lines strictly between the first `from` line and the next `to` line.
  static func block(_ text: String, from: String, to: String) throws -> [String] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let start = try #require(lines.firstIndex(of: from))
    let end = try #require(lines[(start + 1)...].firstIndex(of: to))
    return Array(lines[(start + 1)..<end])
  }
}
