import Foundation
import Survival
import Testing

@testable import SurvivalReport

/// Writes example plots for a person to look at: set `OSSTATS_PLOT_DIR` to a folder and run
/// `swift test --filter PlotExamples`; without it the test only checks that each example renders
/// as well-formed XML.
@Suite struct PlotExamples {
  static var datasets: URL { repository.appendingPathComponent("Datasets") }

  func analysis(_ file: String, time: String, event: String, group: String) throws -> KaplanMeierAnalysis {
    let bytes = try Array(Data(contentsOf: Self.datasets.appendingPathComponent(file)))
    let loaded = try SurvivalDataLoader.load(bytes: bytes, spec: ColumnSpec(time: time, event: event, group: group))
    return try KaplanMeierAnalysis(data: loaded.data)
  }

  func examples() throws -> [(String, String)] {
    let trial = try analysis("simulated_trial_73.csv", time: "time", event: "status", group: "arm")
    let lung = try analysis("lung.csv", time: "time", event: "status", group: "sex")
    var lungPlot = KaplanMeierPlot(
      analysis: lung, xLabel: "Days since enrolment", yLabel: "Overall survival",
      title: "NCCTG lung cancer: survival by sex (1 = male, 2 = female)",
      ticks: AxisTicks.nice(lower: 0, upper: 1022, maxTicks: 7).filter { $0 <= 1022 })
    lungPlot.arms[0].name = "Male"
    lungPlot.arms[1].name = "Female <script>alert(1)</script>"
    let veteran = try analysis("veteran.csv", time: "time", event: "status", group: "celltype")
    var veteranPlot = KaplanMeierPlot(
      analysis: veteran, xLabel: "Days", title: "Veteran lung cancer trial by cell type",
      ticks: AxisTicks.nice(lower: 0, upper: 999, maxTicks: 8).filter { $0 <= 999 }, riskTable: .kmunicate)
    veteranPlot.arms[3].name += " cell carcinoma, a deliberately long arm name to test wrapping of the legend"
    let forest = ForestPlot(
      title: "Overall survival by subgroup",
      rows: [
        .init(kind: .overall, label: "All patients", sublabel: "n = 137, 128 events", hazardRatio: 0.74,
          lower: 0.52, upper: 1.05),
        .header("Age", interactionPValue: "0.43"),
        .init(label: "< 65 years", sublabel: "n = 73, 64 events", hazardRatio: 0.68, lower: 0.41, upper: 1.12,
          weight: 64),
        .init(label: "≥ 65 years", sublabel: "n = 64, 64 events", hazardRatio: 0.83, lower: 0.5, upper: 1.37,
          weight: 64),
        .header("ECOG performance status", interactionPValue: "< 0.001"),
        .init(label: "0", sublabel: "n = 40, 31 events", hazardRatio: 0.31, lower: 0.14, upper: 0.66, weight: 31),
        .init(label: "1", sublabel: "n = 80, 81 events", hazardRatio: 1.12, lower: 0.72, upper: 1.74, weight: 81),
        .init(label: "2 or more (a very long subgroup label that will not fit in its column)",
          sublabel: "n = 17, 16 events", hazardRatio: 3.9, lower: 1.1, upper: 41, weight: 16),
        .init(label: "Unknown", sublabel: "n = 0", hazardRatio: nil, lower: nil, upper: nil),
      ], experimentalName: "salvage + dexamethasone", controlName: "salvage")
    let boundary = BoundaryPlot(
      title: "O'Brien–Fleming-type boundaries, four looks",
      looks: [
        .init(informationFraction: 0.25, efficacy: 4.33, futility: -0.5),
        .init(informationFraction: 0.5, efficacy: 2.96, futility: 0.6),
        .init(informationFraction: 0.75, efficacy: 2.36, futility: 1.4),
        .init(informationFraction: 1, efficacy: 2.01, futility: 2.01),
      ],
      observations: [
        .init(informationFraction: 0.27, z: 1.1, label: "IA1"), .init(informationFraction: 0.52, z: 2.2, label: "IA2"),
      ], observedInformationFraction: 0.52)
    return [
      ("km-trial", KaplanMeierPlot(
        analysis: trial, xLabel: "Months since randomisation", title: "Simulated trial (n = 73)").svg()),
      ("km-trial-kmunicate", KaplanMeierPlot(
        analysis: trial, xLabel: "Months since randomisation", riskTable: .kmunicate,
        showConfidenceBands: true).svg()),
      ("km-lung", lungPlot.svg()),
      ("km-veteran", veteranPlot.svg()),
      ("forest", forest.svg()),
      ("boundary", boundary.svg()),
    ]
  }

  @Test func writeExamples() throws {
    let examples = try examples()
    for (_, svg) in examples {
      try PlotTestSupport.parseXML(svg)
    }
    guard let dir = ProcessInfo.processInfo.environment["OSSTATS_PLOT_DIR"], !dir.isEmpty else { return }
    let folder = URL(fileURLWithPath: dir, isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, svg) in examples {
      try Data(svg.utf8).write(to: folder.appendingPathComponent(name + ".svg"), options: .atomic)
    }
  }
}
