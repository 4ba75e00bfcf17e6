import Testing

@testable import SurvivalReport

@Suite struct BoundaryPlotTests {
  /// O'Brien–Fleming-like efficacy boundaries at four equally spaced looks (Lan–DeMets spending,
  /// one-sided 0.025: 4.33, 2.96, 2.36, 2.01) with a non-binding futility boundary.
  func plot() -> BoundaryPlot {
    BoundaryPlot(
      title: "Boundaries",
      looks: [
        .init(informationFraction: 0.25, efficacy: 4.33, futility: -0.5),
        .init(informationFraction: 0.5, efficacy: 2.96, futility: 0.6),
        .init(informationFraction: 0.75, efficacy: 2.36, futility: 1.4),
        .init(informationFraction: 1, efficacy: 2.01, futility: 2.01),
      ],
      observations: [
        .init(informationFraction: 0.27, z: 1.1, label: "IA1"),
        .init(informationFraction: 0.52, z: 2.2, label: "<IA2>"),
      ],
      observedInformationFraction: 0.52)
  }

  @Test func mapsInformationAndZ() throws {
    // z axis: nice(lower: −0.5, upper: 4.33 + 0.3, maxTicks: 8): step 1 gives −1…5 (7 ticks).
    // The plot spans x 70…690 (620 px) and a title and one legend row put its top at
    // 10 + 26 + 30 = 66, so z maps to y = 386 − (z + 1) · 320 / 6.
    // Look 2 (0.5, 2.96): x = 70 + 310 = 380, y = 386 − 3.96 · 53.33… = 174.8.
    let svg = plot().svg()
    #expect(svg.contains("<circle cx=\"380\" cy=\"174.8\" r=\"3.5\""))
    // Observed information 0.52: x = 70 + 0.52 · 620 = 392.4.
    #expect(svg.contains("<line x1=\"392.4\" y1=\"66\" x2=\"392.4\" y2=\"386\""))
    let zTicks = try PlotTestSupport.captures(
      #"<text x="62" y="[0-9.]+" text-anchor="end" class="osst-tick">([^<]*)</text>"#, in: svg)
    #expect(zTicks.map { $0[0] } == ["-1", "0", "1", "2", "3", "4", "5"])
    #expect(svg.contains("&lt;IA2&gt;: z = 2.20"))
    #expect(!svg.contains("<IA2>"))
    try PlotTestSupport.parseXML(svg)
    #expect(svg == plot().svg())
  }

  @Test func worksWithoutFutilityOrObservations() throws {
    let svg = BoundaryPlot(looks: [
      .init(informationFraction: 0.5, efficacy: 2.96), .init(informationFraction: 1, efficacy: 1.97),
    ]).svg()
    #expect(!svg.contains("Futility boundary"))
    #expect(!svg.contains("Observed z"))
    try PlotTestSupport.parseXML(svg)
  }
}
