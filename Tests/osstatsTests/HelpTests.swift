import Foundation
import Testing

/// The help text is an interface: pinned by a snapshot, and every option has an example.
@Suite struct HelpTests {
  static let snapshots = repository.appendingPathComponent("Tests/osstatsTests/Snapshots")

  @Test("osstats km --help matches its snapshot", arguments: [["km", "--help"], ["logrank", "--help"], ["cox", "--help"], ["simulate", "--help"], ["design", "--help"], ["monitor", "--help"], ["report", "--help"], ["cif", "--help"], ["--help"]])
  func helpMatchesSnapshot(arguments: [String]) throws {
    let r = try osstats(arguments)
    #expect(r.status == 0)
    let name = arguments.joined(separator: " ").replacingOccurrences(of: "--", with: "") + ".txt"
    let url = Self.snapshots.appendingPathComponent(name.replacingOccurrences(of: " ", with: "-"))
    if ProcessInfo.processInfo.environment["OSSTATS_RECORD_SNAPSHOTS"] == "1" {
      try FileManager.default.createDirectory(at: Self.snapshots, withIntermediateDirectories: true)
      try Data(r.stdout.utf8).write(to: url)
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(r.stdout == expected)
  }

  @Test(
    "Every option is documented with an example",
    arguments: [("km", 22, "osstats km Datasets/aml.csv --group x"), ("logrank", 24, "osstats logrank Datasets/aml.csv --group x"), ("cox", 29, "osstats cox Datasets/aml.csv --covariates x"), ("simulate", 33, "osstats simulate --n 73"), ("design", 30, "osstats design --hr 0.6 --information-fractions 0.5,1"), ("monitor", 23, "osstats monitor Datasets/simulated_trial_73.csv"), ("report", 29, "osstats report Datasets/aml.csv --group x"), ("cif", 24, "osstats cif Datasets/mgus2.csv --time etime --event event --group sex --times 60,120")])
  func everyOptionHasAnExample(command: String, count: Int, example: String) throws {
    let help = try osstats([command, "--help"]).stdout
    guard let start = help.range(of: "OPTIONS:") else {
      Issue.record("no OPTIONS section")
      return
    }
    // Option entries start with two spaces and a dash; an entry runs to the next one.
    var entries: [String] = []
    for line in help[start.upperBound...].split(separator: "\n") {
      if line.hasPrefix("  -") { entries.append(String(line)) } else if !entries.isEmpty {
        entries[entries.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
      }
    }
    let documented = entries.filter { !$0.contains("--help") && !$0.contains("--version") }
    #expect(documented.count == count)
    for entry in documented {
      #expect(entry.contains("Example:"), "\(entry)")
    }
    #expect(help.contains(example))
  }
}
