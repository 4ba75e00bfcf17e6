import Foundation
import Survival
import Testing

@testable import SurvivalReport

@Suite struct KaplanMeierPlotTests {
  /// A hand-made curve: events at 1 (S = 0.8) and 4 (S = 0.4), a censoring at 2 (S stays 0.8),
  /// follow-up to 5; ticks 0, 2, 4.
  func handMade(name: String = "A", riskTable: KaplanMeierPlot.RiskTable = .numberAtRisk) -> KaplanMeierPlot {
    KaplanMeierPlot(
      xLabel: "Months", yLabel: "Overall survival",
      arms: [
        .init(
          name: name, times: [1, 2, 4], survival: [0.8, 0.8, 0.4], lower: [0.6, 0.6, 0.1],
          upper: [0.95, 0.95, 0.75], censorTimes: [2], censorSurvival: [0.8], endTime: 5, median: 4,
          atRisk: [10, 7, 3], events: [0, 2, 2], censored: [0, 1, 5])
      ], ticks: [0, 2, 4], riskTable: riskTable, showConfidenceBands: true)
  }

  /// Two arms from a small data set through the analysis, with untrusted names.
  func fromAnalysis(riskTable: KaplanMeierPlot.RiskTable = .kmunicate) throws -> KaplanMeierPlot {
    let names = ["<script>alert(1)</script>", "B & \"C\" 'D'"]
    let rows: [(Double, Int, Int)] = [
      (1, 1, 0), (2, 0, 0), (3, 1, 0), (3, 1, 0), (4, 0, 0), (5, 1, 0),
      (2, 1, 1), (4, 1, 1), (6, 0, 1), (7, 1, 1), (9, 0, 1),
    ]
    let csv = "time,status,arm\n" + rows.map {
      "\($0.0),\($0.1),\"\(names[$0.2].replacingOccurrences(of: "\"", with: "\"\""))\""
    }.joined(separator: "\n")
    let loaded = try SurvivalDataLoader.load(bytes: Array(csv.utf8), spec: ColumnSpec(group: "arm"))
    let analysis = try KaplanMeierAnalysis(data: loaded.data)
    return KaplanMeierPlot(
      analysis: analysis, xLabel: "Months since randomisation", title: "Title <b>&",
      riskTable: riskTable, showConfidenceBands: true)
  }

  @Test func stepPathWorkedByHand() {
    // Layout: a short name keeps the left margin at 80 and the right edge at 720 − 40 = 680, so
    // the time axis [0, 5] spans 600 px: x(t) = 80 + 120 t. No title and one legend row put the
    // plot's top at 10 + 20 + 10 = 40 and its bottom at 340: y(s) = 340 − 300 s.
    // Curve: (0, 1) = (80, 40); flat to t = 1 (x 200), down to 0.8 (y 100); the censoring at 2
    // changes nothing; flat to t = 4 (x 560), down to 0.4 (y 220); flat to the end t = 5 (x 680).
    let svg = handMade().svg()
    #expect(svg.contains("d=\"M80 40H200V100H560V220H680\""))
    // Censoring tick at (2, 0.8) = (320, 100), 3.5 px either way.
    #expect(svg.contains("d=\"M320 96.5V103.5\""))
    // Band: upper edge 1 on [0, 1), 0.95 (y 55) on [1, 4), 0.75 (y 115) on [4, 5]; then back along
    // the lower edge 0.1 (y 310) on [4, 5], 0.6 (y 160) on [1, 4), 1 (y 40) on [0, 1).
    #expect(svg.contains("d=\"M80 40H200V55H320V55H560V115H680V310H560V160H320V160H200V40H80Z\""))
    // Median 4: the drop line from (560, 190) to the axis (560, 340), and the 50 % line from x = 80.
    #expect(svg.contains("<line x1=\"560\" y1=\"190\" x2=\"560\" y2=\"340\""))
    #expect(svg.contains("<line x1=\"80\" y1=\"190\" x2=\"560\" y2=\"190\""))
  }

  @Test func atRiskNumbersSitUnderTheTicks() throws {
    for riskTable in [KaplanMeierPlot.RiskTable.numberAtRisk, .kmunicate] {
      let svg = try fromAnalysis(riskTable: riskTable).svg()
      let ticks = try PlotTestSupport.captures(
        #"<text x="([0-9.]+)" y="([0-9.]+)" text-anchor="middle" class="osst-tick">([^<]*)</text>"#, in: svg)
      let tickX = ticks.map { $0[0] }
      #expect(tickX.count >= 3)
      let cells = try PlotTestSupport.captures(
        #"<text x="([0-9.]+)" y="([0-9.]+)" text-anchor="middle" class="osst-small">([0-9]+)</text>"#, in: svg)
      let rows = Dictionary(grouping: cells, by: { $0[1] })
      // One row per arm (three per arm in the KMunicate table), each with one number per tick, at
      // exactly the tick's x coordinate.
      #expect(rows.count == (riskTable == .kmunicate ? 6 : 2))
      for (_, row) in rows {
        #expect(row.map { $0[0] } == tickX)
      }
    }
  }

  @Test func atRiskCountsFromTheCurve() throws {
    let plot = try fromAnalysis()
    // Ticks: months(maximum: 9) = 0…9. First arm (1, 2+, 3, 3, 4+, 5): at risk at t = 3 are the
    // four with time ≥ 3; before 3 there was one event (1) and one censoring (2+).
    #expect(plot.ticks == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    let arm = plot.arms[0]
    #expect(arm.atRisk[3] == 4)
    #expect(arm.events?[3] == 1)
    #expect(arm.censored?[3] == 1)
    #expect(zip(zip(arm.atRisk, arm.events!), arm.censored!).allSatisfy { $0.0 + $0.1 + $1 == 6 })
    #expect(arm.censorTimes == [2, 4])
    #expect(arm.median == 3)
  }

  @Test func hostileNamesAreEscaped() throws {
    let svg = try fromAnalysis().svg()
    #expect(!svg.contains("<script"))
    #expect(!svg.contains("<b>"))
    #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(svg.contains("B &amp; &quot;C&quot; &#39;D&#39;"))
    #expect(!svg.contains("href"))
    try PlotTestSupport.parseXML(svg)
  }

  @Test func renderingIsDeterministic() throws {
    let plot = try fromAnalysis()
    let copy = plot
    #expect(plot.svg() == copy.svg())
    #expect(try fromAnalysis().svg() == plot.svg())
  }

  @Test func isAccessibleWellFormedSVG() throws {
    for plot in [handMade(), handMade(riskTable: .kmunicate), handMade(riskTable: .none), try fromAnalysis()] {
      let svg = plot.svg()
      try PlotTestSupport.parseXML(svg)
      #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
      #expect(svg.contains("role=\"img\""))
      #expect(svg.contains("viewBox=\"0 0 720 "))
      #expect(svg.contains("<title>") && svg.contains("<desc>"))
      #expect(!svg.contains("-0\"") && !svg.contains("-0.00"))
      #expect(!svg.contains("nan") && !svg.contains("inf"))
    }
    #expect(handMade().description.contains("A, median 4"))
  }

  @Test func undefinedLimitsEndTheBand() {
    // The upper limit is undefined from the third step on: the band stops at t = 4.
    var plot = handMade()
    plot.arms[0].upper = [0.95, 0.95, .nan]
    let svg = plot.svg()
    #expect(svg.contains("d=\"M80 40H200V55H320V55H560V160H320V160H200V40H80Z\""))
  }
}
