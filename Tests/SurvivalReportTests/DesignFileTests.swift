import Foundation
import Testing
import TrialDesign

@testable import SurvivalReport

/// The design file (``DesignSpecification``, written by ``DesignReport``, read by
/// ``DesignFile``): a written design reads back to the same design, files of earlier osstats
/// (no schema_version) read as before, and a bad file is refused in one line naming the field.
@Suite struct DesignFileTests {

  /// The designs of `osstats design` command lines, built as Design.run builds them.
  struct Case: CustomStringConvertible, Sendable {
    let description: String
    let looks: Int
    var hr = 0.7
    var power: Double?
    var events: Double?
    var sided = 1
    var alpha = 0.025
    var efficacy: EfficacyBoundary = .spending(.lanDeMetsOBrienFleming)
    var futility: FutilityBoundary = .none
    var binding = false
    var method: EventsMethod = .schoenfeld
    var allocation = 1.0
    var accrual: GroupSequentialDesign.Accrual?
    var patients: Int?
    var maxEvents: Int?
    var strata: [String] = []
    var experimental: String?

    func design() throws -> GroupSequentialDesign {
      let fractions = (1...looks).map { Double($0) / Double(looks) }
      let boundaries = try GroupSequentialBoundaries(
        fractions: fractions, alpha: alpha, sided: sided, beta: 1 - (power ?? 0.8), efficacy: efficacy, futility: futility,
        bindingFutility: binding)
      var d = try GroupSequentialDesign(
        boundaries: boundaries, hazardRatio: hr, allocation: allocation, method: method, accrual: accrual, patients: patients,
        maxEvents: maxEvents, strata: strata, powerForEvents: events)
      d.experimentalArm = experimental
      return d
    }
  }

  static let cases: [Case] = [
    Case(
      description: "--looks 3 --hr 0.6 --power 0.9 --control-median 6 --accrual-time 24 --follow-up 12 --futility-spending hsd --futility-gamma -2 --binding-futility",
      looks: 3, hr: 0.6, power: 0.9, futility: .betaSpending(.hwangShihDeCani(gamma: -2)), binding: true,
      accrual: .init(controlMedian: 6, accrualTime: 24, followUp: 12)),
    Case(description: "--looks 2 --hr 0.7 --events 120", looks: 2, events: 120),
    Case(description: "--looks 3 --spending hsd --gamma -4", looks: 3, efficacy: .spending(.hwangShihDeCani(gamma: -4))),
    Case(description: "--looks 3 --spending haybittle-peto", looks: 3, efficacy: .haybittlePeto(interimZ: 3)),
    Case(description: "--looks 3 --spending kim-demets --rho 2", looks: 3, efficacy: .spending(.kimDeMets(rho: 2))),
    Case(description: "--looks 3 --futility-bounds 0,0.5", looks: 3, futility: .fixed([0, 0.5])),
    Case(
      description: "--looks 3 --spending pocock --futility-bounds 0,0.5 --binding-futility", looks: 3, efficacy: .pocock,
      futility: .fixed([0, 0.5]), binding: true),
    Case(
      description: "--looks 4 --spending obf --sided 2 --alpha 0.05 --power 0.85 --method freedman --allocation 2", looks: 4,
      power: 0.85, sided: 2, alpha: 0.05, efficacy: .obrienFleming, method: .freedman, allocation: 2),
    Case(
      description: "--looks 2 --spending lan-demets-pocock --control-median 10 --accrual-rate 20 --follow-up 6 --max-events 300",
      looks: 2, efficacy: .spending(.lanDeMetsPocock), accrual: .init(controlMedian: 10, accrualTime: nil, accrualRate: 20, followUp: 6),
      maxEvents: 300),
    Case(
      description: "--looks 2 --control-median 10 --accrual-time 20 --accrual-rate 20 --futility-spending kim-demets --futility-rho 2",
      looks: 2, futility: .betaSpending(.kimDeMets(rho: 2)), accrual: .init(controlMedian: 10, accrualTime: 20, accrualRate: 20, followUp: nil)),
    Case(
      description: "--information-fractions 0.5,1 --hr 0.6 --control-median 6 --accrual-time 42 --patients 142 --strata stratum --experimental salvage+dexamethasone",
      looks: 2, hr: 0.6, accrual: .init(controlMedian: 6, accrualTime: 42, followUp: nil), patients: 142, strata: ["stratum"],
      experimental: "salvage+dexamethasone"),
    Case(
      description: "--looks 3 --hr 0.8 --events 40 --futility-bounds -1,0 --control-median 6 --accrual-time 24 --follow-up 12 --dropout-rate 0.05",
      looks: 3, hr: 0.8, events: 40, futility: .fixed([-1, 0]),
      accrual: .init(controlMedian: 6, accrualTime: 24, followUp: 12, dropoutRate: 0.05)),
    Case(description: "--looks 3 --power 0.3 (1 - power is not exact below 0.5)", looks: 3, power: 0.3),
  ]

  static func file(_ design: GroupSequentialDesign) -> String {
    DesignReport(design: design, version: "test", command: "osstats design").json()
  }

  /// The fields version 1 added, removed line by line: the file an earlier osstats wrote.
  static func legacy(_ json: String) -> String {
    json.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("\"schema_version\"") && !$0.contains("\"boundaries_beta\"") }.joined(separator: "\n")
  }

  static func expectSameBoundaries(_ a: GroupSequentialDesign, _ b: GroupSequentialDesign) {
    #expect(a.boundaries.efficacyZ == b.boundaries.efficacyZ)
    #expect(a.boundaries.futilityZ == b.boundaries.futilityZ)
    #expect(a.boundaries.cumulativeAlpha == b.boundaries.cumulativeAlpha)
    #expect(a.maxEvents == b.maxEvents)
    #expect(a.maxEventsExact == b.maxEventsExact)
    #expect(a.patients == b.patients)
    #expect(a.lookEvents == b.lookEvents)
  }

  @Test("Written then read: the same design, to the last bit", arguments: cases)
  func roundTrip(_ c: Case) throws {
    let written = try c.design()
    let json = Self.file(written)
    #expect(json.contains("\n  \"schema_version\": 1,\n"))
    let (read, warnings) = try DesignFile.parse(Data(json.utf8))
    #expect(warnings.isEmpty)
    Self.expectSameBoundaries(read, written)
    #expect(read.boundaries.beta == written.boundaries.beta)
    #expect(read.boundaries.drift == written.boundaries.drift)
    #expect(read.power == written.power)
    #expect(read.analysisTimes == written.analysisTimes)
    // Every field of the file, the probabilities under the alternative included.
    #expect(
      DesignSpecification(design: read, osstatsVersion: nil, command: nil)
        == DesignSpecification(design: written, osstatsVersion: nil, command: nil))
    #expect(Self.file(read) == json)
  }

  @Test("The same file without schema_version (as earlier osstats wrote it) reads to the same boundaries", arguments: cases)
  func legacyForm(_ c: Case) throws {
    let written = try c.design()
    let old = Self.legacy(Self.file(written))
    #expect(!old.contains("schema_version"))
    let spec = try DesignSpecification.decode(Data(old.utf8))
    #expect(spec.schemaVersion == 0)
    #expect(spec.boundariesBeta == nil)
    let (read, warnings) = try DesignFile.parse(Data(old.utf8))
    #expect(warnings.isEmpty)
    Self.expectSameBoundaries(read, written)
    // Version 0 took the boundaries' beta as 1 - power, or 0.2 when the power was computed.
    #expect(read.boundaries.beta == (c.events == nil ? 1 - written.power : 0.2))
  }

  @Test("Encodable and the design file agree: JSONEncoder's output decodes to the same specification", arguments: cases)
  func encodable(_ c: Case) throws {
    let spec = try DesignSpecification.decode(Data(Self.file(try c.design()).utf8))
    let encoded = try JSONEncoder().encode(spec)
    #expect(try DesignSpecification.decode(encoded) == spec)
  }

  /// The design files in Datasets/, written by osstats before schema_version.
  static let datasetFiles = [
    "design_simulated_trial.json", "References/plan_designs/futility2.json", "References/plan_designs/obf3.json",
    "References/plan_designs/pocock2.json", "References/sequential_designs/dropout_2looks.json",
    "References/sequential_designs/futility_3looks.json", "References/sequential_designs/obf_3looks.json",
    "References/sequential_designs/pocock_3looks.json",
  ]

  @Test("Every design file in Datasets/ (no schema_version) reads to the boundaries it records, and again once rewritten", arguments: datasetFiles)
  func datasetFile(_ name: String) throws {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/" + name))
    let raw = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(raw["schema_version"] == nil)
    let (design, warnings) = try DesignFile.parse(data)
    #expect(warnings.isEmpty)
    // The numbers the file records, as the osstats that wrote it computed them.
    let looks = try #require(raw["looks"] as? [[String: Any]])
    for (k, look) in looks.enumerated() {
      let z = try #require(look["efficacy_z"] as? Double)
      #expect(abs(design.boundaries.efficacyZ[k] - z) < 1e-12)
      #expect(abs(design.boundaries.cumulativeAlpha[k] - (look["cumulative_alpha"] as? Double ?? .nan)) < 1e-15)
      if let f = look["futility_z"] as? Double {
        #expect(abs((design.boundaries.futilityZ[k] ?? .nan) - f) < 1e-12)
      } else {
        #expect(design.boundaries.futilityZ[k] == nil)
      }
      #expect(design.lookEvents[k] == look["events"] as? Int)
    }
    #expect(design.maxEvents == raw["max_events"] as? Int)
    #expect(design.patients == raw["patients"] as? Int)
    // Rewritten as version 1 and read again: the same design.
    let json = Self.file(design)
    let (again, _) = try DesignFile.parse(Data(json.utf8))
    Self.expectSameBoundaries(again, design)
    #expect(
      DesignSpecification(design: again, osstatsVersion: nil, command: nil)
        == DesignSpecification(design: design, osstatsVersion: nil, command: nil))
  }

  @Test("The Datasets design files' boundaries are rpact's where rpact computed them at the same fractions")
  func datasetFilesAgainstRpact() throws {
    let root = repository.appendingPathComponent("Datasets")
    let reference = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("References/plan_simulation_reference.json")))
        as? [String: Any])
    let cases = try #require(reference["cases"] as? [[String: Any]])
    // plan_simulation_reference.R: rpact 4.x getDesignGroupSequential at the looks' observed
    // fractions look_events / max_events; for futility2 (64/128) and pocock2 (68/136) these are
    // the planned 0.5 and 1.
    for name in ["futility2", "pocock2"] {
      let c = try #require(cases.first { $0["design"] as? String == name })
      let critical = try #require(c["critical_values"] as? [Double])
      let (design, _) = try DesignFile.parse(Data(contentsOf: root.appendingPathComponent("References/plan_designs/\(name).json")))
      #expect(design.lookEvents == c["look_events"] as? [Int])
      for (ours, theirs) in zip(design.boundaries.efficacyZ, critical) { #expect(abs(ours - theirs) < 1e-7, "\(name)") }
      if let bound = c["futility_bounds"] as? Double { #expect(abs((design.boundaries.futilityZ[0] ?? .nan) - bound) < 1e-7) }
    }
    // rpact 3.3.4 getDesignGroupSequential(kMax = 2, typeOfDesign = "asOF"): 2.962588042727548, 1.9685956463217735.
    let (example, _) = try DesignFile.parse(Data(contentsOf: root.appendingPathComponent("design_simulated_trial.json")))
    #expect(abs(example.boundaries.efficacyZ[0] - 2.962588042727548) < 1e-7)
    #expect(abs(example.boundaries.efficacyZ[1] - 1.9685956463217735) < 1e-7)
  }

  /// The example design file with `edit` applied to its JSON object.
  static func edited(version: Int? = 1, _ edit: (inout [String: Any]) -> Void) throws -> Data {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/design_simulated_trial.json"))
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    if let version { object["schema_version"] = version }
    object["boundaries_beta"] = 1 - 0.8
    edit(&object)
    return try JSONSerialization.data(withJSONObject: object)
  }

  static func problem(_ data: Data) -> String? {
    do {
      _ = try DesignFile.parse(data)
      return nil
    } catch {
      return error.description
    }
  }

  @Test("Version 1 is read strictly: the message names the field, in one line, without command-line flags")
  func strict() throws {
    #expect(Self.problem(try Self.edited { _ in }) == nil)
    let refusals: [(String, (inout [String: Any]) -> Void)] = [
      ("\"schema_version\" is 2; this osstats reads design files of schema_version 1 (and older ones without schema_version)", { $0["schema_version"] = 2 }),
      ("\"schema_version\" must be a whole number (this osstats reads 1)", { $0["schema_version"] = "1" }),
      ("\"alpha\" is missing", { $0["alpha"] = nil }),
      ("\"sided\" is missing", { $0["sided"] = nil }),
      ("\"sided\" must be a number", { $0["sided"] = "one" }),
      ("\"sided\" must be a whole number from 1 to 2; got 3", { $0["sided"] = 3 }),
      ("\"power\" must be a number; got null", { $0["power"] = NSNull() }),
      ("\"power_computed\" must be true or false", { $0["power_computed"] = 0 }),
      ("\"boundaries_beta\" is missing", { $0["boundaries_beta"] = nil }),
      ("\"boundaries_beta\" (0.1) must be 1 - \"power\" (0.8) when the power was given", { $0["boundaries_beta"] = 0.1 }),
      ("\"information_fractions\" must be a list of numbers", { $0["information_fractions"] = ["a"] }),
      ("\"futility\" is missing", { $0["futility"] = nil }),
      ("\"futility\" must be an object or null", { $0["futility"] = 1 }),
      ("\"futility\".\"binding\" is missing", { $0["futility"] = ["kind": "fixed", "bounds": [0]] }),
      ("\"futility\".\"parameter\" must be a number; got null",
       { $0["futility"] = ["kind": "beta-spending", "spending": "hsd", "parameter": NSNull(), "binding": false] }),
      ("\"gamma\" must be a number; got null", { $0["spending"] = "hsd" }),
      ("unknown \"spending\": obf2 (lan-demets-obf, lan-demets-pocock, hsd, kim-demets, obf, pocock or haybittle-peto)", { $0["spending"] = "obf2" }),
      ("\"events_method\" is missing", { $0["events_method"] = nil }),
      ("\"max_events\" must be a whole number from 1 to 10000000; got 120.5", { $0["max_events"] = 120.5 }),
      ("\"patients\" is missing", { $0["patients"] = nil }),
      ("\"accrual\".\"follow_up_given\" is missing", { a in
        var accrual = a["accrual"] as? [String: Any] ?? [:]
        accrual["follow_up_given"] = nil
        a["accrual"] = accrual
      }),
      ("\"strata\" must be a list of column names", { $0["strata"] = "stratum" }),
      ("\"experimental_arm\" is missing", { $0["experimental_arm"] = nil }),
      ("\"looks\" item 2: \"efficacy_z\" must be a number", { a in
        var looks = a["looks"] as? [[String: Any]] ?? []
        looks[1]["efficacy_z"] = "high"
        a["looks"] = looks
      }),
    ]
    for (message, edit) in refusals {
      let got = Self.problem(try Self.edited(edit))
      #expect(got == message)
      #expect(got?.contains("\n") == false && got?.contains("--") == false)
    }
    #expect(Self.problem(Data("{\"analysis\": \"design\", ".utf8))?.hasPrefix("not valid JSON") == true)
    #expect(Self.problem(Data("[1]".utf8)) == "not a JSON object")
    #expect(Self.problem(Data("{\"analysis\": \"km\", \"schema_version\": 1}".utf8)) == "not a design file: \"analysis\" is not \"design\"")
  }

  @Test("Without schema_version the settings keep the defaults earlier osstats read them with")
  func legacyDefaults() throws {
    let data = try Self.edited(version: nil) { o in
      for key in ["boundaries_beta", "sided", "allocation", "spending", "futility", "events_method", "strata", "experimental_arm"] {
        o[key] = nil
      }
    }
    let (design, warnings) = try DesignFile.parse(data)
    #expect(warnings.isEmpty)
    #expect(design.boundaries.sided == 1 && design.allocation == 1 && design.method == .schoenfeld)
    #expect(design.boundaries.efficacy == .spending(.lanDeMetsOBrienFleming) && design.boundaries.futility == .none)
    #expect(design.boundaries.efficacyZ[0] == 2.962588042727568)
    // Still refused without schema_version: what earlier osstats refused.
    #expect(Self.problem(try Self.edited(version: nil) { $0["alpha"] = nil }) == "\"alpha\" is missing")
    #expect(Self.problem(try Self.edited(version: nil) { $0["sided"] = 3 }) == "\"sided\" must be a whole number from 1 to 2; got 3")
  }

  @Test("An edited efficacy z and patients are warned about; the recomputed boundaries and the file's patients are used")
  func warnings() throws {
    // Accrual time and follow-up given: the patients follow from them.
    let written = try Self.cases[0].design()
    let planned = try #require(written.patients)
    var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.file(written).utf8)) as? [String: Any])
    var looks = object["looks"] as? [[String: Any]] ?? []
    looks[0]["efficacy_z"] = 3.5
    object["looks"] = looks
    object["patients"] = planned + 10
    let (design, warnings) = try DesignFile.parse(try JSONSerialization.data(withJSONObject: object))
    #expect(warnings.count == 2)
    #expect(warnings.first?.hasPrefix("the design file's efficacy_z (3.5000, ") == true)
    #expect(warnings.last == "the design file's patients (\(planned + 10)) differ from those its accrual settings give (\(planned)); the file's number is used as planned")
    #expect(design.boundaries.efficacyZ == written.boundaries.efficacyZ)
    #expect(design.patients == planned + 10)
  }
}
