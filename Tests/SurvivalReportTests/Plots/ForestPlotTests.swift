import Foundation
import Testing

@testable import SurvivalReport

@Suite struct ForestPlotTests {
  func plot(extraRows: [ForestPlot.Row] = []) -> ForestPlot {
    ForestPlot(
      title: "Overall survival by subgroup",
      rows: [
        .init(kind: .overall, label: "All patients", sublabel: "n = 137, 128 events", hazardRatio: 0.8,
          lower: 0.6, upper: 1.05),
        .header("Age", interactionPValue: "0.43"),
        .init(label: "< 65 years", sublabel: "n = 73, 64 events", hazardRatio: 0.7, lower: 0.4, upper: 1.3,
          weight: 64),
        .init(label: "≥ 65 years", hazardRatio: 2.5, lower: 1.2, upper: 3, weight: 64),
      ] + extraRows, experimentalName: "Dexamethasone", controlName: "Salvage")
  }

  @Test func logScaleMapping() throws {
    // Estimates 0.8, 0.7, 2.5 and limits 0.4 … 3: ratios(lower: 0.4, upper: 3) = 0.25, 0.5, 1, 2, 4.
    // The axis spans 265…515 px, x(h) = 265 + 250 · log(h / 0.25) / log(16): HR 1 is two of the four
    // doublings along, x = 390; 2 is at 452.5, 0.5 at 327.5.
    let svg = plot().svg()
    #expect(svg.contains("<line x1=\"390\" y1=\"") && svg.contains("class=\"osst-ref\""))
    let ticks = try PlotTestSupport.captures(
      #"<text x="([0-9.]+)" y="[0-9.]+" text-anchor="middle" class="osst-tick">([^<]*)</text>"#, in: svg)
    #expect(ticks.map { $0[1] } == ["0.25", "0.5", "1", "2", "4"])
    #expect(ticks.map { $0[0] } == ["265", "327.5", "390", "452.5", "515"])
    #expect(svg.contains("0.70 (0.40–1.30)"))
    #expect(svg.contains("interaction p = 0.43"))
    try PlotTestSupport.parseXML(svg)
  }

  @Test func wideIntervalsAreClippedWithArrows() {
    // An upper limit of 50 is drawn to the axis end: limits are clamped to [0.1, 10], the axis
    // becomes 0.25 … 10 and the line stops at 515 with an arrowhead 7 px long.
    let svg = plot(extraRows: [.init(label: "Small", hazardRatio: 1.5, lower: 0.5, upper: 50)]).svg()
    #expect(svg.contains(">10</text>"))
    #expect(svg.contains("L508 "))
    #expect(svg.contains("1.50 (0.50–50.00)"))
  }

  @Test func missingEstimatesSayNotEstimable() {
    let svg = plot(extraRows: [
      .init(label: "No events", hazardRatio: nil, lower: nil, upper: nil),
      .init(label: "Open", hazardRatio: 1.2, lower: 0.3, upper: .infinity),
    ]).svg()
    #expect(svg.contains(">not estimable</text>"))
    #expect(svg.contains("1.20 (0.30–∞)"))
  }

  @Test func hostileLabelsAreEscapedAndOutputIsStable() throws {
    var p = plot(extraRows: [.init(label: "<script>alert(1)</script>", hazardRatio: 1, lower: 0.5, upper: 2)])
    p.experimentalName = "\"><script>"
    let svg = p.svg()
    #expect(!svg.contains("<script"))
    #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(svg == p.svg())
    try PlotTestSupport.parseXML(svg)
  }
}
