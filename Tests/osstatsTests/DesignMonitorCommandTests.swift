import Foundation
import Testing

/// `osstats design` and `osstats monitor`, run as a user would. Expected numbers are rpact 3.3.4's
/// (Datasets/References/group_sequential_reference.json, written by group_sequential_reference.R).
@Suite struct DesignMonitorCommandTests {
  static let example = [
    "design", "--hr", "0.6", "--information-fractions", "0.5,1", "--control-median", "6", "--accrual-time", "42",
    "--patients", "142", "--strata", "stratum", "--experimental", "salvage+dexamethasone",
  ]

  @Test("design: the JSON contract and rpact's numbers; the committed example design is what the command writes")
  func designContract() throws {
    let run = try osstats(Self.example + ["--format", "json"])
    #expect(run.status == 0)
    let doc = try jsonObject(run.stdout)
    #expect(doc["analysis"] as? String == "design")
    #expect(doc["alpha"] as? Double == 0.025)
    #expect(doc["sided"] as? Int == 1)
    #expect(doc["spending"] as? String == "lan-demets-obf")
    #expect(doc["max_events"] as? Int == 121)
    // rpact getDesignGroupSequential(kMax = 2, typeOfDesign = "asOF"): 2.962588042727548, 1.9685956463217735;
    // Schoenfeld events for HR 0.6, power 0.8: 120.31570437749926.
    let fixed = try #require(doc["fixed_design_events"] as? Double)
    #expect(abs(fixed - 120.31570437749926) < 1e-9)
    let looks = try #require(doc["looks"] as? [[String: Any]])
    #expect(looks.count == 2)
    #expect(looks.map { $0["events"] as? Int } == [61, 121])
    #expect(looks[0]["information_fraction"] as? Double == 0.5)
    #expect(looks[0]["futility_z"] is NSNull)
    let z = looks.compactMap { $0["efficacy_z"] as? Double }
    #expect(abs(z[0] - 2.962588042727548) < 1e-7 && abs(z[1] - 1.9685956463217735) < 1e-7)
    #expect(abs((looks[0]["cumulative_alpha"] as? Double ?? 0) - 0.0015253227579889016) < 1e-15)
    #expect(abs((looks[0]["nominal_p"] as? Double ?? 0) - 0.001525322757989002) < 1e-12)
    // rpact getSampleSizeSurvival(..., maxNumberOfSubjects = 142): follow-up 6.673932122615589.
    let accrual = try #require(doc["accrual"] as? [String: Any])
    #expect(abs((accrual["follow_up"] as? Double ?? 0) - 6.673932122615589) < 1e-6)
    #expect(doc["strata"] as? [String] == ["stratum"])
    #expect(doc["experimental_arm"] as? String == "salvage+dexamethasone")
    // Schema version 1: the version, and the beta the boundaries were computed with (1 - power).
    #expect(doc["schema_version"] as? Int == 1)
    // (Checked in the text: Foundation's JSONSerialization on Linux reads it one ulp low.)
    #expect(run.stdout.contains("\n  \"boundaries_beta\": \(1 - 0.8),\n"))
    // The committed design file (written before schema_version, so read as version 0) is this
    // command's output but for the command line it records and the two fields version 1 added:
    // every other byte is as it was.
    let committed = try String(contentsOf: repository.appendingPathComponent("Datasets/design_simulated_trial.json"), encoding: .utf8)
    func body(_ s: String) -> String {
      s.split(separator: "\n").filter { line in ["\"command\"", "\"schema_version\"", "\"boundaries_beta\""].allSatisfy { !line.contains($0) } }
        .joined(separator: "\n")
    }
    #expect(!committed.contains("schema_version"))
    #expect(body(committed) == body(run.stdout))
  }

  @Test("design --events: the power 73 patients buy (rpact getPowerSurvival: 0.41536 at HR 0.65, 65.72 deaths)")
  func powerForEvents() throws {
    let run = try osstats(["design", "--hr", "0.65", "--events", "65.72393080185356", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    #expect(doc["power_computed"] as? Bool == true)
    #expect(abs((doc["power"] as? Double ?? 0) - 0.4153596878082565) < 1e-6)
    #expect(doc["max_events"] as? Int == 66)
    // The design file reads back to the same power.
    let file = try temporaryFile("power.json", run.stdout)
    let monitor = try osstats(["monitor", "Datasets/simulated_trial_73.csv", "--design", file, "--group", "arm", "--format", "json"])
    #expect(monitor.status == 0, "\(monitor.stderr)")
    let m = try jsonObject(monitor.stdout)
    #expect(abs(((m["design"] as? [String: Any])?["power"] as? Double ?? 0) - 0.4153596878082565) < 1e-6)
  }

  @Test("design: --output writes the design file and still prints the table")
  func designOutput() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-design-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("design.json").path
    let run = try osstats(Self.example + ["--output", path])
    #expect(run.status == 0)
    #expect(run.stdout.contains("Look  Fraction  Events  Efficacy z"))
    #expect(run.stdout.contains("2.9626"))
    let written = try String(contentsOfFile: path, encoding: .utf8)
    #expect(written.hasPrefix("{\n  \"analysis\": \"design\""))
  }

  @Test(
    "design: bad settings are usage errors with a clear message",
    arguments: [
      (["--hr", "0.6", "--information-fractions", "0.5,0.4,1"], "information fractions must increase"),
      (["--hr", "0.6", "--information-fractions", "0.5,0.8"], "end at 1"),
      (["--hr", "0.6", "--alpha", "0.6"], "alpha must lie in (0, 0.5)"),
      (["--hr", "0.6", "--alpha", "0"], "alpha must lie in (0, 0.5)"),
      (["--hr", "0.6", "--looks", "3", "--max-events", "2"], "3 looks need at least 3 events"),
      (["--hr", "0.6", "--spending", "hsd"], "--spending hsd needs --gamma"),
      (["--hr", "1"], "hazard ratio must be positive and not 1"),
      (["--hr", "0.6", "--looks", "2", "--futility-bounds", "0,0"], "expected 1 (one per interim look), got 2"),
      (["--hr", "0.6", "--events", "60", "--power", "0.8"], "give --power (the events follow) or --events (the power follows), not both"),
      (["--hr", "1.2"], "a one-sided design tests for benefit, a hazard ratio below 1"),
    ])
  func designErrors(arguments: [String], message: String) throws {
    let run = try osstats(["design"] + arguments)
    #expect(run.status == 64)
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }

  @Test("monitor --terminated on the simulated cohort: both readings with rpact's numbers")
  func termination() throws {
    let run = try osstats([
      "monitor", "Datasets/simulated_trial_73.csv", "--design", "Datasets/design_simulated_trial.json", "--group", "arm",
      "--terminated", "--format", "json",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    #expect(doc["kind"] as? String == "termination")
    #expect((doc["patients"] as? [String: Any])?["planned"] as? Int == 142)
    #expect((doc["patients"] as? [String: Any])?["observed"] as? Int == 73)
    #expect((doc["events"] as? [String: Any])?["observed"] as? Int == 64)
    #expect(doc["stratified"] as? Bool == true)
    // survival 3.5-3 survdiff(... + strata(stratum)): z = 0.9062419516237076 (favourable direction).
    let z = try #require((doc["logrank"] as? [String: Any])?["z"] as? Double)
    #expect(abs(z - 0.9062419516237076) < 1e-9)
    let readings = try #require(doc["readings"] as? [[String: Any]])
    #expect(readings.map { $0["reading"] as? String } == ["interim", "final"])
    let interim = try #require((readings[0]["looks"] as? [[String: Any]])?.first)
    // rpact getAnalysisResults(maxInformation = 121): c1 = 2.869340971703811, CP 0.14527115 / 0.50644051.
    #expect(abs((interim["efficacy_z"] as? Double ?? 0) - 2.869340971703811) < 1e-7)
    let cp = try #require(readings[0]["conditional_power"] as? [String: Any])
    #expect(cp["hypothetical"] as? Bool == true)
    #expect(abs((cp["trend"] as? Double ?? 0) - 0.14527115192663553) < 1e-6)
    #expect(abs((cp["design_hr"] as? Double ?? 0) - 0.5064405064542719) < 1e-6)
    let final = try #require((readings[1]["looks"] as? [[String: Any]])?.first)
    #expect(abs((final["efficacy_z"] as? Double ?? 0) - 1.9599639845400536) < 1e-9)
    #expect(final["decision"] as? String == "not_rejected")
    let text = try osstats([
      "monitor", "Datasets/simulated_trial_73.csv", "--design", "Datasets/design_simulated_trial.json", "--group", "arm",
      "--terminated",
    ])
    #expect(text.stdout.contains("Conditional power had the trial continued (hypothetical)"))
    #expect(text.stdout.contains("Patients: 73 of 142 planned"))
  }

  @Test("monitor --previous-looks: the second look of the design is final and spends what is left (rpact case g)")
  func previousLooks() throws {
    let run = try osstats([
      "monitor", "Datasets/simulated_trial_73.csv", "--design", "Datasets/design_simulated_trial.json", "--group", "arm",
      "--previous-looks", "30:0.5", "--format", "json",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    #expect(doc["kind"] as? String == "final")
    let reading = try #require((doc["readings"] as? [[String: Any]])?.first)
    let looks = try #require(reading["looks"] as? [[String: Any]])
    #expect(looks.count == 2)
    // rpact getAnalysisResults(maxInformation = 121, informationEpsilon = 60):
    // boundaries 4.351862356584514, 1.9599708691239357; stage-wise p 0.18240391043537885;
    // MUE 0.7972711196390949 (0.48843371051636614, 1.3013868456189246).
    let z = looks.compactMap { $0["efficacy_z"] as? Double }
    #expect(abs(z[0] - 4.351862356584514) < 1e-7 && abs(z[1] - 1.9599708691239357) < 5e-7)
    let inference = try #require(reading["final_inference"] as? [String: Any])
    #expect(abs((inference["p_value"] as? Double ?? 0) - 0.18240391043537885) < 1e-6)
    #expect(abs((inference["median_unbiased_hr"] as? Double ?? 0) - 0.7972711196390949) < 1e-6)
    #expect(looks[1]["decision"] as? String == "not_rejected")
    let bad = try osstats([
      "monitor", "Datasets/simulated_trial_73.csv", "--design", "Datasets/design_simulated_trial.json", "--group", "arm",
      "--previous-looks", "30;0.5",
    ])
    #expect(bad.status == 64)
    let backwards = try osstats([
      "monitor", "Datasets/simulated_trial_73.csv", "--design", "Datasets/design_simulated_trial.json", "--group", "arm",
      "--previous-looks", "80:1.0",
    ])
    #expect(backwards.status == 65)
    #expect(backwards.stderr.contains("cumulative events must be positive and increase; got 80, 64"))
  }

  @Test("monitor: a calendar cut-off censors follow-up and drops later entries")
  func cutoff() throws {
    let run = try osstats([
      "monitor", "Datasets/simulated_trial_73.csv", "--design", "Datasets/design_simulated_trial.json", "--group", "arm",
      "--cutoff", "30", "--format", "json",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    // Worked from the CSV: patients with entry < 30, events with entry + time <= 30.
    let csv = try String(contentsOf: repository.appendingPathComponent("Datasets/simulated_trial_73.csv"), encoding: .utf8)
    var patients = 0, events = 0
    for line in csv.split(separator: "\n").dropFirst() {
      let f = line.split(separator: ",")
      let entry = Double(f[3])!, time = Double(f[4])!, status = f[5] == "1"
      if entry < 30 {
        patients += 1
        if status && entry + time <= 30 { events += 1 }
      }
    }
    #expect((doc["patients"] as? [String: Any])?["observed"] as? Int == patients)
    #expect((doc["events"] as? [String: Any])?["observed"] as? Int == events)
    #expect(doc["kind"] as? String == "interim")
  }

  @Test("monitor: a design file that does not parse, or does not exist, is named in a one-line error")
  func badDesignFile() throws {
    let broken = try temporaryFile("broken.json", "{\"analysis\": \"design\", ")
    let run = try osstats(["monitor", "Datasets/aml.csv", "--design", broken, "--group", "x"])
    #expect(run.status == 65)
    #expect(run.stderr.hasPrefix("osstats: \(broken): not valid JSON"))
    #expect(run.stderr.split(separator: "\n").count == 1)
    let other = try temporaryFile("other.json", "{\"analysis\": \"km\"}")
    let wrong = try osstats(["monitor", "Datasets/aml.csv", "--design", other, "--group", "x"])
    #expect(wrong.status == 65)
    #expect(wrong.stderr.contains("not a design file"))
    let missing = try osstats(["monitor", "Datasets/aml.csv", "--design", "no-such-design.json", "--group", "x"])
    #expect(missing.status == 66)
  }

  @Test("monitor: a version-1 design file from another version, missing a field or with one of the wrong type is refused in one line naming it")
  func badDesignFileFields() throws {
    let design = try osstats(Self.example + ["--format", "json"])
    #expect(design.status == 0)
    let cases: [(String, String, String)] = [
      ("\"schema_version\": 1,", "\"schema_version\": 2,", "\"schema_version\" is 2; this osstats reads design files of schema_version 1"),
      ("\"alpha\": 0.025,", "", "\"alpha\" is missing"),
      ("\"sided\": 1,", "\"sided\": \"one\",", "\"sided\" must be a number"),
      ("\"sided\": 1,", "\"sided\": 3,", "\"sided\" must be a whole number from 1 to 2; got 3"),
    ]
    for (original, replacement, message) in cases {
      #expect(design.stdout.contains(original))
      let bad = try temporaryFile("bad.json", design.stdout.replacingOccurrences(of: original, with: replacement))
      let run = try osstats(["monitor", "Datasets/simulated_trial_73.csv", "--group", "arm", "--design", bad])
      #expect(run.status == 65)
      #expect(run.stderr.hasPrefix("osstats: \(bad): \(message)"), "\(run.stderr)")
      #expect(run.stderr.split(separator: "\n").count == 1)
      #expect(run.stdout.isEmpty)
    }
    // The unedited file is read (schema version 1) with no warning.
    let good = try temporaryFile("good.json", design.stdout)
    let run = try osstats(["monitor", "Datasets/simulated_trial_73.csv", "--group", "arm", "--design", good])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.isEmpty)
  }
}
