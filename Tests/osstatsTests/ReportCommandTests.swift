import Foundation
import Testing

/// `osstats report` as a user runs it; the example reports in Reports/ are its output.
@Suite struct ReportCommandTests {
  static let examples: [(file: String, arguments: [String])] = [
    ("aml-primary.html", ["Datasets/aml.csv", "--group", "x", "--experimental", "Maintained", "--time-unit", "weeks", "--landmarks", "12,24,36"]),
    ("simulated-73-primary.html", ["Datasets/simulated_trial_73.csv", "--group", "arm", "--strata", "stratum", "--experimental", "salvage+dexamethasone"]),
    ("simulated-73-primary.json", ["Datasets/simulated_trial_73.csv", "--group", "arm", "--strata", "stratum", "--experimental", "salvage+dexamethasone"]),
    (
      "simulated-73-termination.html",
      ["Datasets/simulated_trial_73.csv", "--group", "arm", "--design", "Datasets/design_simulated_trial.json", "--kind", "termination"]
    ),
    (
      "simulated-73-competing.html",
      [
        "Datasets/simulated_trial_73_competing.csv", "--group", "arm", "--experimental", "salvage+dexamethasone", "--competing",
        "first_event", "--competing-time", "first_event_time",
      ]
    ),
  ]

  @Test("the committed example reports are exactly what osstats report writes (deterministic output)", arguments: 0..<5)
  func examplesAreReproduced(index: Int) throws {
    let example = Self.examples[index]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(example.file).path
    let run = try osstats(["report"] + example.arguments + ["--output", path])
    #expect(run.status == 0, "\(run.stderr)")
    let committed = try String(contentsOf: repository.appendingPathComponent("Reports/\(example.file)"), encoding: .utf8)
    func body(_ s: String) -> String {
      // The command line names the output file; everything else must match byte for byte.
      s.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("--output") }.joined(separator: "\n")
    }
    #expect(body(try String(contentsOfFile: path, encoding: .utf8)) == body(committed))
  }

  @Test("Markdown: the plots are written beside the text and linked from it")
  func markdownWithPlots() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-md-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("os.md").path
    let run = try osstats(["report", "Datasets/simulated_trial_73.csv", "--group", "arm", "--strata", "stratum", "--output", path])
    #expect(run.status == 0, "\(run.stderr)")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("](os-km.svg)"))
    #expect(text.contains("](os-forest.svg)"))
    #expect(text.contains("**Simulated data:**"))
    let svg = try String(contentsOfFile: dir.appendingPathComponent("os-km.svg").path, encoding: .utf8)
    #expect(svg.hasPrefix("<svg"))
  }

  @Test("the termination report states both readings and labels conditional power hypothetical")
  func terminationReport() throws {
    let run = try osstats(Self.examples[3].arguments.prefix(0) + ["report"] + Self.examples[3].arguments)
    #expect(run.status == 0, "\(run.stderr)")
    let html = run.stdout
    #expect(html.contains("Overall survival: termination analysis (SIMULATED DATA)"))
    #expect(html.contains("Reading 1: interim look at the observed information fraction"))
    #expect(html.contains("Reading 2: final analysis spending all remaining alpha"))
    #expect(html.contains("Conditional power had the trial continued (hypothetical)"))
    // rpact getAnalysisResults(maxInformation = 121): boundary 2.869 at t = 64/121; final 1.960.
    #expect(html.contains("<td class=\"num\">2.869</td>"))
    #expect(html.contains("<td class=\"num\">1.960</td>"))
    #expect(html.contains("<figure id=\"figure-boundaries\">"))
  }

  @Test("report errors: a missing design for a termination report, a Markdown report without a file")
  func errors() throws {
    let noDesign = try osstats(["report", "Datasets/aml.csv", "--group", "x", "--kind", "termination"])
    #expect(noDesign.status == 64)
    #expect(noDesign.stderr.contains("--kind termination needs --design"))
    let noFile = try osstats(["report", "Datasets/aml.csv", "--group", "x", "--format", "markdown"])
    #expect(noFile.status == 64)
    let noGroup = try osstats(["report", "Datasets/aml.csv"])
    #expect(noGroup.status == 64)
  }
}
