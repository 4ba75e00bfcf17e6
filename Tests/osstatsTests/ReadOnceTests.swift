import Foundation
import Testing

/// The input is read once, whatever it is: a report from standard input or a FIFO is the report
/// from the file by name (with its subgroups and its "simulated" label), and every warning said on
/// standard error is in the report itself, in each format.
@Suite struct ReadOnceTests {
  func folder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// The page without the lines that name the input (the subtitle and the reproducibility
  /// section's file) and the command.
  func body(_ html: String) -> String {
    html.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("<dt>Input file</dt>") && !$0.contains("<dt>Command</dt>") && !$0.contains("class=\"subtitle\"") }
      .joined(separator: "\n")
  }

  @Test func reportFromStandardInputEqualsReportByName() throws {
    let dir = try folder()
    let csv = try String(contentsOf: repository.appendingPathComponent("Datasets/simulated_trial_73.csv"), encoding: .utf8)
    let a = dir.appendingPathComponent("a.html").path
    let b = dir.appendingPathComponent("b.html").path
    let byName = try osstats(["report", "Datasets/simulated_trial_73.csv", "--group", "arm", "--subgroups", "stratum", "--output", a])
    let piped = try osstats(["report", "-", "--group", "arm", "--subgroups", "stratum", "--output", b], stdin: csv)
    #expect(byName.status == 0 && piped.status == 0, "\(piped.stderr)")
    let pa = try String(contentsOfFile: a, encoding: .utf8)
    let pb = try String(contentsOfFile: b, encoding: .utf8)
    #expect(body(pa) == body(pb))
    #expect(pb.contains("(SIMULATED DATA)"))
    #expect(pb.contains("stratum"))
    #expect(!piped.stderr.contains("has no values"))
  }

  @Test func reportReadsAFIFOOnce() throws {
    let dir = try folder()
    let fifo = dir.appendingPathComponent("data.csv").path
    guard mkfifo(fifo, 0o600) == 0 else {
      Issue.record("mkfifo failed")
      return
    }
    let csv = try Data(contentsOf: repository.appendingPathComponent("Datasets/simulated_trial_73.csv"))
    // The writer opens the FIFO after osstats does, and writes the file once.
    let writer = Thread {
      if let h = FileHandle(forWritingAtPath: fifo) {
        h.write(csv)
        try? h.close()
      }
    }
    writer.start()
    let out = dir.appendingPathComponent("r.html").path
    let r = try osstats(["report", fifo, "--group", "arm", "--subgroups", "stratum", "--strata", "stratum", "--output", out])
    #expect(r.status == 0, "\(r.stderr)")
    let page = try String(contentsOfFile: out, encoding: .utf8)
    #expect(page.contains("(SIMULATED DATA)"))
  }

  @Test("Every warning on standard error is in the report", arguments: ["html", "md", "json"])
  func warningsReachEveryFormat(ext: String) throws {
    let dir = try folder()
    let out = dir.appendingPathComponent("r.\(ext)").path
    let r = try osstats(["report", "Datasets/simulated_trial_73.csv", "--group", "arm", "--output", out])
    #expect(r.status == 0)
    let warnings = r.stderr.split(separator: "\n").compactMap { line -> String? in
      line.hasPrefix("osstats: warning: ") ? String(line.dropFirst("osstats: warning: ".count)) : nil
    }
    #expect(!warnings.isEmpty)
    let text = try String(contentsOfFile: out, encoding: .utf8)
    for w in warnings {
      // JSON escapes nothing in these warnings but the quotes; HTML and Markdown escape & < >.
      let needle = String(w.prefix(40))
      #expect(text.contains(needle), "\(ext): \(w)")
    }
  }
}
