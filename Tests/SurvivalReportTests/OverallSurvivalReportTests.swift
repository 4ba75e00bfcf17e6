import Foundation
import Survival
import Testing
import TrialDesign

@testable import SurvivalReport

/// The report renders the core's results: its numbers are the core's (themselves checked against
/// R in SurvivalTests), untrusted text is escaped, and the output is deterministic.
@Suite struct OverallSurvivalReportTests {

  /// R's aml data (Datasets/aml.csv) as a report, Maintained as the experimental arm.
  static func amlReport(arms: (String, String) = ("Maintained", "Nonmaintained"), file: String = "aml.csv") throws -> (OverallSurvivalReport, OverallSurvivalComparison) {
    var bytes = [UInt8](try Data(contentsOf: repository.appendingPathComponent("Datasets/aml.csv")))
    if arms.0 != "Maintained" {
      let text = String(decoding: bytes, as: UTF8.self)
        .replacingOccurrences(of: "Nonmaintained", with: "\u{1}")
        .replacingOccurrences(of: "Maintained", with: "\"\(arms.0.replacingOccurrences(of: "\"", with: "\"\""))\"")
        .replacingOccurrences(of: "\u{1}", with: arms.1)
      bytes = Array(text.utf8)
    }
    let loaded = try SurvivalDataLoader.load(bytes: bytes, spec: ColumnSpec(group: "x"))
    let experimental = try #require(loaded.data.groupLabels.firstIndex(of: arms.0))
    let comparison = try OverallSurvivalComparison(
      data: loaded.data, experimental: experimental, kaplanMeier: KaplanMeierOptions(quantiles: [0.5], times: [12, 24, 36]))
    let input = InputSummary(file: file, sha256: ByteSource.sha256(bytes), loaded: loaded)
    let report = OverallSurvivalReport(
      kind: .primary, comparison: comparison, monitoring: nil, input: input, strata: [], timeUnit: "weeks", simulated: false,
      version: "test", command: "osstats report aml.csv --group x")
    return (report, comparison)
  }

  typealias F = OverallSurvivalReport.Format

  @Test("the HTML and Markdown carry the core's numbers (which are R's)")
  func numbersAreTheCores() throws {
    let (report, c) = try Self.amlReport()
    let html = report.html()
    let markdown = report.markdown().text
    let maintained = c.experimental
    let other = c.control
    // survfit(Surv(time, status) ~ x, aml): medians 31 (18, NA) and 23 (8, NA).
    let medians = [maintained, other].map { c.kaplanMeier.groups[$0].median }
    #expect(medians.map(\.time) == [31, 23])
    #expect(medians.map(\.lower) == [18, 8])
    for m in medians {
      #expect(html.contains("<td class=\"num\">\(F.time(m.time))</td><td class=\"num\">\(F.interval(F.time(m.lower), F.time(m.upper)))</td>"))
      #expect(markdown.contains("| \(F.time(m.time)) | \(F.interval(F.time(m.lower), F.time(m.upper))) |"))
    }
    // coxph(Surv(time, status) ~ x, aml): Nonmaintained coef 0.9155, se 0.5119, so Maintained
    // against Nonmaintained has HR exp(−0.9155) = 0.40 (0.15 to 1.09).
    let hr = try #require(c.hazardRatio)
    #expect(abs(Foundation.log(hr.estimate) + 0.915532) < 1e-5)
    #expect(F.ratio(hr.estimate) == "0.40" && F.ratio(hr.lower) == "0.15" && F.ratio(hr.upper) == "1.09")
    let row = "<th scope=\"row\">Cox, unstratified</th><td class=\"num\">0.40</td><td class=\"num\">0.15 to 1.09</td>"
    #expect(html.contains(row))
    #expect(markdown.contains("| Cox, unstratified | 0.40 | 0.15 to 1.09 |"))
    // survdiff: chi-square 3.3964 on 1 df, p = 0.0653.
    #expect(abs(c.logRank.chiSquare - 3.396389) < 1e-5)
    #expect(html.contains("chi-square \(F.statistic(c.logRank.chiSquare)) on 1 df, p = \(F.p(c.logRank.p))"))
    #expect(F.p(c.logRank.p) == "0.065")
    // Landmarks: every estimate with its limits and number at risk, as the core computed them.
    for g in [maintained, other] {
      for s in c.kaplanMeier.groups[g].atTimes where !s.beyondFollowUp {
        let cell = "\(F.percent(s.survival)) (\(F.interval(F.percent(s.lower), F.percent(s.upper)))) [\(s.nRisk)]"
        #expect(html.contains(cell) && markdown.contains(Markdown.escape(cell)), "\(cell)")
      }
    }
    // summary(survfit, times = 12): Maintained 0.9091 (10 at risk).
    #expect(html.contains("90.9% ("))
    // The JSON has the same numbers at full precision.
    let doc = try jsonObject(report.json())
    let first = try #require((doc["arms"] as? [[String: Any]])?.first)
    #expect(first["arm"] as? String == "Nonmaintained")
    #expect(((first["median"] as? [String: Any])?["estimate"] as? Double) == 23)
    let hrJSON = try #require(doc["hazard_ratio"] as? [String: Any])
    #expect(hrJSON["estimate"] as? Double == hr.estimate)
  }

  @Test("hostile arm and file names render as text in HTML, SVG and Markdown")
  func untrustedTextIsEscaped() throws {
    let hostile = "<script>alert(1)</script>"
    let (report, _) = try Self.amlReport(arms: (hostile, "<img src=x onerror=alert(2)>"), file: "<b>aml</b>&.csv")
    let html = report.html()
    #expect(!html.contains("<script"))
    #expect(!html.contains("<img"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!html.contains("<b>aml"))
    #expect(html.contains("&lt;b&gt;aml&lt;/b&gt;&amp;.csv"))
    #expect(html.contains("default-src 'none'"))  // and the page forbids scripts anyway
    let markdown = report.markdown()
    #expect(!markdown.text.contains("<script"))
    for file in markdown.files { #expect(!file.contents.contains("<script")) }
    let json = report.json()
    #expect(json.contains("\"arm\": \"<script>alert(1)</script>\""))  // JSON keeps the text as data
  }

  @Test("the same input gives the same bytes; a timestamp only when asked for")
  func deterministic() throws {
    let (a, _) = try Self.amlReport()
    let (b, _) = try Self.amlReport()
    #expect(a.html() == b.html())
    #expect(a.markdown().text == b.markdown().text)
    #expect(a.json() == b.json())
    #expect(!a.html().contains("Generated"))
  }
}

/// The termination report of the simulated cohort built from the library as `osstats report
/// --kind termination` builds it; every number in its HTML and Markdown is the core's.
@Suite struct TerminationReportTests {
  typealias F = OverallSurvivalReport.Format

  static func build() throws -> (OverallSurvivalReport, OverallSurvivalComparison, MonitorReport) {
    let root = repository
    let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent("Datasets/simulated_trial_73.csv")))
    let loaded = try SurvivalDataLoader.load(bytes: bytes, spec: ColumnSpec(group: "arm", strata: ["stratum"]))
    let data = loaded.data
    let experimental = try #require(data.groupLabels.firstIndex(of: "salvage+dexamethasone"))
    let comparison = try OverallSurvivalComparison(
      data: data, experimental: experimental, kaplanMeier: KaplanMeierOptions(quantiles: [0.5], times: [6, 12, 24]),
      subgroups: [("stratum", data.stratum.map { data.strataLabels[$0] })])
    let (plan, _) = try DesignFile.parse(try Data(contentsOf: root.appendingPathComponent("Datasets/design_simulated_trial.json")))
    let input = InputSummary(file: "simulated_trial_73.csv", sha256: ByteSource.sha256(bytes), loaded: loaded)
    let analysis = try MonitoringAnalysis(design: plan, data: data, experimental: experimental, terminated: true)
    let monitoring = MonitorReport(
      analysis: analysis, designFile: "design.json", input: input, cutoff: nil, version: "test", command: "osstats report")
    let report = OverallSurvivalReport(
      kind: .termination, comparison: comparison, monitoring: monitoring, input: input, strata: ["stratum"], simulated: true,
      version: "test", command: "osstats report")
    return (report, comparison, monitoring)
  }

  @Test("RMST, follow-up, PH test, subgroups, CP, RCIs and stage-wise inference in HTML and Markdown are the core's")
  func numbersAreTheCores() throws {
    let (report, c, m) = try Self.build()
    let html = report.html()
    let md = report.markdown().text
    func both(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
      #expect(html.contains(SVGText.escape(text)), "HTML lacks \(text)", sourceLocation: sourceLocation)
      #expect(md.contains(Markdown.escape(text)), "Markdown lacks \(text)", sourceLocation: sourceLocation)
    }
    let km = c.kaplanMeier
    for i in [c.control, c.experimental] {
      let g = km.groups[i]
      both(F.interval(F.time(g.restrictedMean.lower), F.time(g.restrictedMean.upper)))
      both(F.interval(F.time(g.followUp.lower), F.time(g.followUp.upper)))
      both(F.time(g.median.time))
    }
    let d = try #require(km.restrictedMeanDifference)
    both(F.time(d.difference))
    let ph = try #require(c.proportionalHazards)
    both(F.statistic(ph.global.statistic))
    both(F.p(ph.global.p))
    for s in c.subgroups {
      both(F.p(s.interaction?.p))
      for l in s.levels {
        let hr = try #require(l.hazardRatio)
        both("\(F.ratio(hr.estimate)) (\(F.interval(F.ratio(hr.lower), F.ratio(hr.upper))))")
      }
    }
    let interim = m.readings[0]
    let final = m.readings[1]
    // rpact 3.3.4 (group_sequential_reference.json, termination): CP 0.14527 and 0.50644,
    // RCI 0.3891 to 1.634, final boundary 1.959964, one-sided p 0.182404.
    #expect(F.percent(interim.conditionalPowerTrend) == "14.5%" && F.percent(interim.conditionalPowerDesign) == "50.6%")
    both("\(F.percent(interim.conditionalPowerTrend)) under the current trend, \(F.percent(interim.conditionalPowerDesign)) under the design HR")
    both(F.interval(F.ratio(interim.current.rciLower), F.ratio(interim.current.rciUpper)))
    #expect(F.interval(F.ratio(interim.current.rciLower), F.ratio(interim.current.rciUpper)) == "0.39 to 1.63")
    both(F.statistic(interim.current.efficacyZ))
    both(F.statistic(final.current.efficacyZ))
    let fi = try #require(final.finalInference)
    both("p = \(F.p(fi.pValue)) (one-sided); median-unbiased HR \(F.ratio(fi.medianUnbiasedHR))")
    #expect(F.p(fi.pValue) == "0.182")
    #expect(html.contains("hypothetical"))
    // The boundary plot shows the final reading's boundary as an open diamond beside the line.
    #expect(html.contains("final reading: \(F.statistic(final.current.efficacyZ))"))
    #expect(html.contains("Boundary if read as the final analysis"))
  }
}
