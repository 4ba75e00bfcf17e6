import Foundation
import Testing

/// `osstats simulate --design` through the binary (issues 12 and 14): the monitoring plan of the
/// committed design, thread independence, grids, bad input, and Ctrl-C.
@Suite struct SimulatePlanCommandTests {
  static let plan = ["simulate", "--design", "Datasets/design_simulated_trial.json", "--seed", "1"]

  func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test("The committed design's plan: per-look stopping, power beside the analytic power, the same with 1 and 2 threads")
  func planThroughTheBinary() throws {
    let one = try osstats(Self.plan + ["--trials", "4000", "--hr", "0.6", "--format", "json", "--threads", "1"])
    let two = try osstats(Self.plan + ["--trials", "4000", "--hr", "0.6", "--format", "json", "--threads", "2"])
    #expect(one.status == 0, "\(one.stderr)")
    func withoutCommand(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("\"command\"") }.joined(separator: "\n") }
    #expect(withoutCommand(one.stdout) == withoutCommand(two.stdout))
    let doc = try json(one.stdout)
    #expect(doc["simulated"] as? Bool == true)
    #expect(doc["interrupted"] as? Bool == false)
    let looks = try #require(doc["looks"] as? [[String: Any]])
    #expect(looks.map { $0["events"] as? Int } == [61, 121])
    let power = try #require(doc["overall_rejection"] as? Double)
    let se = try #require(doc["overall_rejection_se"] as? Double)
    let analytic = try #require(doc["analytic_rejection"] as? Double)
    // The design file's power is 0.8 at its planned fractions; at 61/121 the analytic power is 0.8006.
    #expect(abs(analytic - 0.8006) < 0.001)
    #expect(abs(power - analytic) <= 4 * se + 0.01)
    #expect(abs((looks.last?["cumulative_rejection"] as? Double ?? -1) - power) < 1e-12)
    for key in ["expected_events", "expected_patients", "expected_duration"] { #expect(doc[key] is Double) }
    // Text: the same numbers in a table labelled simulated.
    let text = try osstats(Self.plan + ["--trials", "4000", "--hr", "0.6"])
    #expect(text.status == 0)
    #expect(text.stdout.contains("simulated data, not trial results"))
    #expect(text.stdout.contains("analytic"))
  }

  @Test("A grid of nine hazard ratios in one command: one scenario each, power falling towards alpha at HR 1")
  func grid() throws {
    let r = try osstats(Self.plan + ["--trials", "1000", "--hr", "0.6:1:0.05", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let scenarios = try #require(try json(r.stdout)["scenarios"] as? [[String: Any]])
    #expect(scenarios.count == 9)
    let hrs = scenarios.compactMap { $0["hr"] as? Double }
    #expect(zip(hrs, [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]).allSatisfy { abs($0 - $1) < 1e-12 })
    let powers = scenarios.compactMap { $0["overall_rejection"] as? Double }
    #expect(powers.first! > 0.7 && powers.last! < 0.06)
  }

  @Test("Bad plans and grids are one-line usage or data errors, with nothing written", arguments: [
    (["--trials", "10", "--hr", "0"], 64, "--hr"),
    (["--trials", "10", "--hr", "1:0.5:0.1"], 64, "--hr"),
    (["--trials", "10", "--looks", "30,60,121"], 64, "--looks gives 3 looks"),
    (["--trials", "10", "--n", "100"], 64, "exceed the 100 patients"),
    (["--trials", "10", "--events", "60"], 64, "--events and --cutoff do not go with --design"),
    (["--hr", "0.6"], 64, "give --trials"),
  ] as [([String], Int32, String)])
  func badInput(arguments: [String], status: Int32, message: String) throws {
    let out = try temporaryFile("plan.json", "")
    try FileManager.default.removeItem(atPath: out)
    let r = try osstats(Self.plan + arguments + ["--output", out])
    #expect(r.status == status, "\(r.stderr)")
    #expect(r.stderr.hasPrefix("osstats: ") && r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("A design file that is not one is a data error naming the file")
  func badDesignFile() throws {
    let file = try temporaryFile("design.json", "{\"analysis\": \"km\"}")
    let r = try osstats(["simulate", "--design", file, "--trials", "10", "--seed", "1"])
    #expect(r.status == 65)
    #expect(r.stderr.contains("\(file): not a design file"))
    let missing = try osstats(["simulate", "--design", "/nonexistent/d.json", "--trials", "10", "--seed", "1"])
    #expect(missing.status == 66)
  }

  @Test("10^9 trials stopped by Ctrl-C: exit 130 with the trials done reported, no output file, no signal death", arguments: [true, false])
  func interrupted(plan: Bool) throws {
    let out = try temporaryFile("sim.json", "")
    try FileManager.default.removeItem(atPath: out)
    let process = Process()
    process.executableURL = binary
    process.currentDirectoryURL = repository
    process.arguments =
      (plan
        ? Self.plan + ["--trials", "1000000000"]
        : ["simulate", "--n", "73", "--median-control", "6", "--hr", "0.7", "--accrual", "42", "--events", "60", "--seed", "1", "--trials", "1000000000"])
      + ["--output", out, "--trial-output", out + ".csv"]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = Pipe()
    try process.run()
    Thread.sleep(forTimeInterval: 1.5)
    kill(process.processIdentifier, SIGINT)
    let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 130)
    #expect(e.contains("osstats: interrupted after "), "\(e)")
    #expect(e.contains("simulated data, not trial results"))
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect(!FileManager.default.fileExists(atPath: out + ".csv"))
    // No temporary file left beside it either.
    let dir = URL(fileURLWithPath: out).deletingLastPathComponent().path
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test("Per-trial rows streamed to --trial-output, one per trial, labelled simulated")
  func trialOutput() throws {
    let out = try temporaryFile("trials.csv", "")
    let r = try osstats(Self.plan + ["--trials", "700", "--trial-output", out, "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\r\n")
    #expect(lines.count == 701)
    #expect(lines.first?.hasPrefix("scenario_hr,trial,stop_look,reason") == true)
    #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",yes") })
    // The tally of the rows is the report's.
    let efficacy = lines.dropFirst().filter { $0.contains(",efficacy,") }.count
    let doc = try json(r.stdout)
    #expect(abs(Double(efficacy) / 700 - (doc["overall_rejection"] as? Double ?? -1)) < 1e-12)
  }
}
