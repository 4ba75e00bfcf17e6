import Foundation
import Testing

/// `osstats simulate --design` through the binary (issues 12 and 14): the monitoring plan of the
/// committed design, thread independence, grids, bad input, and Ctrl-C.
@Suite struct SimulatePlanCommandTests {
  static let plan = ["simulate", "--design", "Datasets/design_simulated_trial.json", "--seed", "1"]

  func json(_ text: String) throws -> [String: Any] {
    try jsonObject(text)
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
    // The power and expected-events curves as SVG: one point per scenario in each panel.
    let svg = try temporaryFile("power.svg", "")
    let plotted = try osstats(Self.plan + ["--trials", "300", "--hr", "0.6:1:0.05", "--plot", svg])
    #expect(plotted.status == 0, "\(plotted.stderr)")
    let text = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(text.hasPrefix("<svg") && text.contains("simulated data"))
    #expect(text.components(separatedBy: "<circle").count - 1 == 18)
  }

  @Test("Bad plans and grids are one-line usage or data errors, with nothing written", arguments: [
    (["--trials", "10", "--hr", "0"], 64, "--hr"),
    (["--trials", "10", "--hr", "1:0.5:0.1"], 64, "--hr"),
    (["--trials", "10", "--looks", "30,60,121"], 64, "--looks gives 3 looks"),
    (["--trials", "10", "--n", "100"], 64, "exceed the 100 patients"),
    (["--trials", "10", "--cutoff", "60"], 64, "--cutoff does not go with --design"),
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

/// The simulated plans against rpact 3.3.4's getSimulationSurvival (10^5 iterations per case,
/// Datasets/References/plan_simulation_reference.R) on three designs: O'Brien–Fleming type with
/// three looks, Pocock type, and O'Brien–Fleming type with a non-binding beta-spending futility
/// bound and dropout; at the design HR 0.6 and under H0.
@Suite struct PlanSimulationReferenceTests {
  static func cases() throws -> [[String: Any]] {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/References/plan_simulation_reference.json"))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(root["cases"] as? [[String: Any]])
  }

  @Test("Stopping probabilities, power and expected events within Monte Carlo error of rpact", arguments: 0..<6)
  func agreesWithRpact(index: Int) throws {
    let r = try Self.cases()[index]
    let name = try #require(r["design"] as? String)
    let hr = try #require(r["hr"] as? Double)
    let trials = 10_000
    let run = try osstats([
      "simulate", "--design", "Datasets/References/plan_designs/\(name).json", "--trials", String(trials),
      "--hr", String(hr), "--seed", "7", "--format", "json",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let o = try jsonObject(run.stdout)
    let looks = try #require(o["looks"] as? [[String: Any]])
    // The boundaries are rpact's (its design rebuilt at the looks' information rates).
    let critical = try #require(r["critical_values"] as? [Double])
    for (l, c) in zip(looks, critical) { #expect(abs((l["efficacy_z"] as? Double ?? 0) - c) < 1e-6) }
    func close(_ ours: Double, _ theirs: Double, _ label: String) {
      let p = (ours + theirs) / 2
      let se = (p * (1 - p) / Double(trials) + p * (1 - p) / 100_000).squareRoot()
      #expect(abs(ours - theirs) <= 4 * se + 1e-4, "\(name) HR \(hr) \(label): osstats \(ours), rpact \(theirs)")
    }
    close(try #require(o["overall_rejection"] as? Double), try #require(r["overall_reject"] as? Double), "power")
    let efficacy = try #require(r["reject_per_stage"] as? [Double])
    for (l, e) in zip(looks, efficacy) { close(l["efficacy_stop"] as? Double ?? -1, e, "efficacy stop") }
    if let futility = r["futility_per_stage"] as? [Double] {
      for (l, f) in zip(looks, futility) { close(l["futility_stop"] as? Double ?? -1, f, "futility stop") }
    }
    let events = try #require(o["expected_events"] as? Double)
    let eventsSE = try #require(o["expected_events_se"] as? Double)
    #expect(abs(events - (r["expected_events"] as? Double ?? 0)) <= 4 * eventsSE * 1.05, "\(name) events \(events)")
    // Duration and patients: rpact's durations run 0.15–0.2 months longer, as evenly spaced
    // recruitment would give (mean entry later by A/(2N) = 0.13 months; osstats draws entries
    // uniformly): a tolerance of A/N on top (Datasets/README.md).
    let duration = try #require(o["expected_duration"] as? Double)
    let durationSE = try #require(o["expected_duration_se"] as? Double)
    #expect(abs(duration - (r["study_duration"] as? Double ?? 0)) <= 4 * durationSE + 42.0 / 160, "\(name) duration \(duration)")
    let patients = try #require(o["expected_patients"] as? Double)
    let patientsSE = try #require(o["expected_patients_se"] as? Double)
    #expect(abs(patients - (r["expected_subjects"] as? Double ?? 0)) <= 4 * patientsSE + 1, "\(name) patients \(patients)")
  }
}
