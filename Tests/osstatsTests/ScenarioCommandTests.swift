import Foundation
import Testing

/// Scenarios beyond proportional hazards and the power-curve page, through the binary as a user
/// types them (issue 12, points 2 and 3).
@Suite struct ScenarioCommandTests {
  func json(_ text: String) throws -> [String: Any] {
    try jsonObject(text)
  }

  func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("osstats-scenario-\(getpid())-\(name)").path
  }

  @Test("A delayed effect with MaxCombo at a single look: the scenario, the test and no analytic power")
  func delayedEffectMaxCombo() throws {
    let design = temporary("fixed.json")
    defer { try? FileManager.default.removeItem(atPath: design) }
    let d = try osstats([
      "design", "--hr", "0.6", "--information-fractions", "1", "--control-median", "6", "--accrual-time", "42",
      "--patients", "142", "--output", design,
    ])
    #expect(d.status == 0, "\(d.stderr)")
    let r = try osstats([
      "simulate", "--design", design, "--looks", "100", "--trials", "600", "--hr", "0.6", "--delay", "3", "--test", "maxcombo",
      "--seed", "3", "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try json(r.stdout)
    #expect(doc["test"] as? String == "maxcombo")
    #expect(doc["delay"] as? Double == 3)
    #expect(doc["analytic_rejection"] is NSNull)
    // The independent reference: 0.41244 (se 0.0016 at 10^5 trials); 600 trials give se 0.02.
    let power = try #require(doc["overall_rejection"] as? Double)
    #expect(abs(power - 0.41244) < 0.09, "power \(power)")
    let text = try osstats([
      "simulate", "--design", design, "--looks", "100", "--trials", "200", "--hr", "0.6", "--delay", "3",
      "--test", "fleming-harrington", "--rho", "0", "--gamma", "1", "--seed", "3",
    ])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("Fleming–Harrington G(0, 1)"))
    #expect(text.stdout.contains("not applicable (non-proportional hazards)"))
  }

  @Test("A grid over --events: looks at the design's fractions of each maximum, bounds recomputed there, power as rpact's")
  func eventsGrid() throws {
    let r = try osstats([
      "simulate", "--design", "Datasets/design_simulated_trial.json", "--trials", "4000", "--hr", "0.6",
      "--events", "61:121:30", "--seed", "2", "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try json(r.stdout)
    #expect(doc["max_events"] is NSNull)
    let scenarios = try #require(doc["scenarios"] as? [[String: Any]])
    let reference = try json(try String(contentsOfFile: "Datasets/References/events_grid_reference.json", encoding: .utf8))
    let cases = try #require(reference["cases"] as? [[String: Any]])
    #expect(scenarios.count == 3 && cases.count == 3)
    for (s, c) in zip(scenarios, cases) {
      let d = try #require(c["max_events"] as? Double)
      #expect(s["max_events"] as? Double == d)
      let looks = try #require(s["looks"] as? [[String: Any]])
      #expect(looks.compactMap { $0["events"] as? Int } == (c["look_events"] as? [Int]))
      // The efficacy z recomputed at the looks' fractions: rpact's critical values.
      for (look, z) in zip(looks, try #require(c["critical_values"] as? [Double])) {
        let mine = try #require(look["efficacy_z"] as? Double)
        #expect(abs(mine - z) <= 1e-6 * z, "D \(d): \(mine) vs \(z)")
      }
      // Simulated power against rpact's analytic (Schoenfeld) power: 4 Monte Carlo se plus the
      // approximation's error at these event counts (about 0.01).
      let power = try #require(s["overall_rejection"] as? Double)
      let se = try #require(s["overall_rejection_se"] as? Double)
      let expected = try #require(c["overall_reject"] as? Double)
      #expect(abs(power - expected) <= 4 * se + 0.015, "D \(d): \(power) vs \(expected)")
    }
    // Events beyond the patients, or with --looks as counts: usage errors, nothing written.
    for arguments in [["--events", "100,150"], ["--events", "100", "--looks", "40,100"], ["--events", "60.5"]] {
      let bad = try osstats(
        ["simulate", "--design", "Datasets/design_simulated_trial.json", "--trials", "10", "--hr", "0.6"] + arguments)
      #expect(bad.status == 64, "\(arguments): \(bad.stderr)")
      #expect(bad.stdout.isEmpty && bad.stderr.split(separator: "\n").count <= 2, "\(arguments): \(bad.stderr)")
    }
  }

  @Test("A grid of nine hazard ratios: osstats report draws its power curve (HTML, and Markdown with the SVG beside it)")
  func gridReport() throws {
    let grid = temporary("grid.json")
    let page = temporary("power.html")
    let markdown = temporary("power.md")
    let svg = temporary("power-power.svg")
    defer { for f in [grid, page, markdown, svg] { try? FileManager.default.removeItem(atPath: f) } }
    let s = try osstats([
      "simulate", "--design", "Datasets/design_simulated_trial.json", "--trials", "300", "--hr", "0.6:1:0.05", "--seed", "1",
      "--format", "json", "--output", grid,
    ])
    #expect(s.status == 0, "\(s.stderr)")
    let doc = try json(try String(contentsOfFile: grid, encoding: .utf8))
    let scenarios = try #require(doc["scenarios"] as? [[String: Any]])
    #expect(scenarios.count == 9)
    let r = try osstats(["report", grid, "--output", page])
    #expect(r.status == 0, "\(r.stderr)")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.contains("Simulated data: every number below comes from simulated trials"))
    #expect(html.contains("<figure id=\"figure-power\">\n<svg"))
    #expect(html.contains("true hazard ratio"))
    // One table row per scenario, each with its simulated power.
    #expect(html.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 9)
    for sc in scenarios {
      let p = try #require(sc["overall_rejection"] as? Double)
      #expect(html.contains(String(format: "%.4g", p).replacingOccurrences(of: "e-0", with: "e-")) || p < 0.001)
    }
    let m = try osstats(["report", grid, "--output", markdown])
    #expect(m.status == 0, "\(m.stderr)")
    #expect(try String(contentsOfFile: markdown, encoding: .utf8).contains("](osstats-scenario-\(getpid())-power-power.svg)"))
    #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
    // A design file is not a simulation: refused with the field named.
    let wrong = try osstats(["report", "Datasets/design_simulated_trial.json", "--output", page])
    #expect(wrong.status == 65)
    #expect(wrong.stderr.contains("\"analysis\" is \"design\""))
  }

  @Test("A grid over the delay: each scenario names its delay, per-trial rows carry it, the curve is drawn against it")
  func delayGrid() throws {
    let trials = temporary("trials.csv")
    let grid = temporary("delay.json")
    let page = temporary("delay.html")
    defer { for f in [trials, grid, page] { try? FileManager.default.removeItem(atPath: f) } }
    let r = try osstats([
      "simulate", "--design", "Datasets/design_simulated_trial.json", "--trials", "200", "--hr", "0.6", "--delay", "0:4:2",
      "--seed", "1", "--format", "json", "--output", grid, "--trial-output", trials,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try json(try String(contentsOfFile: grid, encoding: .utf8))
    let scenarios = try #require(doc["scenarios"] as? [[String: Any]])
    #expect(scenarios.map { $0["delay"] as? Double } == [0, 2, 4])
    // Proportional hazards only without a delay: the analytic power is given there alone.
    #expect(scenarios.map { $0["analytic_rejection"] is Double } == [true, false, false])
    // A longer delay costs power (common random numbers: the same patients' draws).
    let power = scenarios.compactMap { $0["overall_rejection"] as? Double }
    #expect(power[0] > power[2])
    let csv = try String(contentsOfFile: trials, encoding: .utf8)
    #expect(csv.hasPrefix("scenario_hr,scenario_delay,trial,"))
    #expect(csv.split(separator: "\r\n").count == 1 + 600)
    let rep = try osstats(["report", grid, "--output", page])
    #expect(rep.status == 0)
    #expect(try String(contentsOfFile: page, encoding: .utf8).contains("delay of the effect (months)"))
  }

  @Test("Piecewise hazards and piecewise accrual (rpact's conventions): the patients follow from the intensities")
  func piecewiseScenario() throws {
    let r = try osstats([
      "simulate", "--piecewise-times", "0,3", "--control-hazards", "0.15,0.08", "--hazard-ratios", "1,0.6",
      "--accrual-times", "0,6,24", "--accrual-intensity", "2,5", "--dropout", "0.01,0.02", "--cutoff", "40", "--seed", "4",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = r.stdout.split(separator: "\n").dropFirst()
    // 2 per month for 6 months and 5 per month for 18: 102 patients, every one entered by month 24.
    #expect(rows.count == 102)
    let cured = try osstats([
      "simulate", "--n", "400", "--median-control", "3", "--hr", "1", "--cure-fraction", "0.5", "--accrual", "1",
      "--cutoff", "200", "--seed", "2",
    ])
    #expect(cured.status == 0, "\(cured.stderr)")
    // S(200) = 0.5 + 0.5·2^(−200/3·…) ≈ 0.5: about half are event-free at the cut-off (binomial sd 10).
    let events = cured.stdout.split(separator: "\n").dropFirst().filter { $0.split(separator: ",")[5] == "1" }.count
    #expect(abs(events - 200) < 45, "\(events) events")
  }

  @Test("Impossible scenarios are refused in one line naming the option, exit 64, nothing written", arguments: [
    (["--piecewise-times", "0,3,2", "--control-hazards", "0.1,0.1,0.1"], "--piecewise-times must start at 0 and increase"),
    (["--piecewise-times", "0,3", "--control-hazards", "0.1"], "--control-hazards takes one hazard per --piecewise-times period"),
    (["--piecewise-times", "0,3", "--control-hazards", "0.1,-0.2"], "--control-hazards takes one hazard"),
    (["--cure-fraction", "1"], "--cure-fraction takes one share or two"),
    (["--delay", "-1"], "--delay must be from 0 to 1e6 months, not -1"),
    (["--hr", "0"], "--hr must be positive"),
    (["--test", "fleming-harrington", "--gamma", "-1"], "--gamma must be from 0 to 10, not -1"),
    (["--test", "logrank", "--rho", "1"], "--rho goes with --test fleming-harrington"),
    (["--test", "wilcoxon"], "--test must be logrank, stratified, fleming-harrington or maxcombo"),
    (["--accrual-times", "0,6"], "--accrual-times and --accrual-intensity go together"),
    (["--dropout", "0.1,0.1,0.1"], "--dropout takes one rate or two"),
  ])
  func refused(extra: [String], message: String) throws {
    let out = temporary("refused.json")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let r = try osstats(
      ["simulate", "--design", "Datasets/design_simulated_trial.json", "--trials", "10", "--seed", "1", "--output", out] + extra)
    #expect(r.status == 64, "\(extra): \(r.stderr)")
    #expect(r.stderr.contains(message), "\(extra): \(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
