import Testing

@testable import SurvivalReport

/// Degenerate inputs still give well-formed SVG with finite coordinates.
@Suite struct PlotEdgeCaseTests {
  func check(_ svg: String) throws {
    try PlotTestSupport.parseXML(svg)
    let numbers = try PlotTestSupport.captures(#" (?:x|y|x1|y1|x2|y2|cx|cy|r|width|height)="([^"]*)""#, in: svg)
    #expect(!numbers.isEmpty)
    #expect(numbers.allSatisfy { Double($0[0])?.isFinite == true && $0[0] != "-0" })
    let paths = try PlotTestSupport.captures(#" d="([^"]*)""#, in: svg)
    #expect(paths.allSatisfy { $0[0].allSatisfy { "MLHVZ0123456789.- ".contains($0) } })
  }

  @Test func emptyPlots() throws {
    try check(KaplanMeierPlot(xLabel: "Months", arms: [], ticks: []).svg())
    try check(ForestPlot(rows: [], experimentalName: "E", controlName: "C").svg())
    try check(BoundaryPlot(looks: []).svg())
  }

  @Test func nonFiniteValuesAreSkipped() throws {
    let arm = KaplanMeierPlot.Arm(
      name: "A", times: [0, 1, .nan, 3], survival: [1, 0.5, 0.4, .infinity], lower: [1, 0.2],
      upper: [1], censorTimes: [.infinity, 2], censorSurvival: [0.5], median: .nan, atRisk: [5])
    try check(KaplanMeierPlot(xLabel: "Months", arms: [arm], ticks: [0, .nan, 2, 4]).svg())
    try check(
      ForestPlot(
        rows: [
          .init(label: "x", hazardRatio: .infinity, lower: -1, upper: .nan),
          .init(label: "y", hazardRatio: 0, lower: 0, upper: 2),
        ],
        experimentalName: "E", controlName: "C"
      ).svg())
    try check(
      BoundaryPlot(
        looks: [
          .init(informationFraction: .nan, efficacy: 2),
          .init(informationFraction: 1, efficacy: 2, futility: .nan),
        ],
        observations: [.init(informationFraction: 2, z: .infinity)], observedInformationFraction: -1
      ).svg())
  }
}
