import Foundation
import Survival

/// A design-file key.
struct DesignKey: CodingKey {
  let stringValue: String
  var intValue: Int? { nil }
  init(_ name: String) { stringValue = name }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// How much of a field a version requires.
enum FieldNeed {
  /// Absent or `null` reads as nil.
  case optional
  /// The key must be there; `null` reads as nil.
  case key
  /// The key must be there with a value.
  case value
}

/// Typed reads of one JSON object of a design file, with its one-line messages that name the
/// field (`"alpha" is missing`, `"futility"."binding" must be true or false`).
struct DesignFields {
  let container: KeyedDecodingContainer<DesignKey>
  /// Names the object in messages: "" at the top, `"futility".` inside.
  let prefix: String

  func label(_ key: String) -> String { prefix + "\"\(key)\"" }

  func has(_ key: String) -> Bool { container.contains(DesignKey(key)) }

  /// The value at `key` as a `T`, described as `expected` in the message when it is not one.
  func get<T: Decodable>(_ type: T.Type, _ key: String, _ expected: String, _ need: FieldNeed = .optional)
    throws(DesignSpecification.Problem) -> T?
  {
    let k = DesignKey(key)
    guard container.contains(k) else {
      if need == .optional { return nil }
      throw .init("\(label(key)) is missing")
    }
    let value: T?
    do {
      value = try container.decodeNil(forKey: k) ? nil : container.decode(T.self, forKey: k)
    } catch {
      throw .init("\(label(key)) must be \(expected)")
    }
    if value == nil && need == .value { throw .init("\(label(key)) must be \(expected); got null") }
    return value
  }

  func number(_ key: String, _ need: FieldNeed = .optional) throws(DesignSpecification.Problem) -> Double? {
    try get(Double.self, key, "a number", need)
  }

  /// A number that must be whole and within `range`.
  func integer(_ key: String, range: ClosedRange<Int>, _ need: FieldNeed = .optional) throws(DesignSpecification.Problem) -> Int? {
    guard let v = try number(key, need) else { return nil }
    guard v == v.rounded(), v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
      throw .init("\(label(key)) must be a whole number from \(range.lowerBound) to \(range.upperBound); got \(v.shortDescription)")
    }
    return Int(v)
  }

  func bool(_ key: String, _ need: FieldNeed = .optional) throws(DesignSpecification.Problem) -> Bool? {
    try get(Bool.self, key, "true or false", need)
  }

  func string(_ key: String, _ need: FieldNeed = .optional) throws(DesignSpecification.Problem) -> String? {
    try get(String.self, key, "a string", need)
  }

  func numbers(_ key: String, _ need: FieldNeed = .optional) throws(DesignSpecification.Problem) -> [Double]? {
    try get([Double].self, key, "a list of numbers", need)
  }

  /// The object at `key`, nil when absent or `null`.
  func object(_ key: String, _ need: FieldNeed = .optional) throws(DesignSpecification.Problem) -> DesignFields? {
    guard try get(Ignored.self, key, "an object or null", need) != nil else { return nil }
    do {
      return DesignFields(container: try container.nestedContainer(keyedBy: DesignKey.self, forKey: DesignKey(key)), prefix: label(key) + ".")
    } catch {
      throw .init("\(label(key)) must be an object or null")
    }
  }

  /// The list of objects at `key`, nil when absent or `null`.
  func objects(_ key: String) throws(DesignSpecification.Problem) -> [DesignFields]? {
    guard try get(Ignored.self, key, "a list of objects") != nil else { return nil }
    do {
      var list = try container.nestedUnkeyedContainer(forKey: DesignKey(key))
      var out: [DesignFields] = []
      while !list.isAtEnd {
        out.append(
          DesignFields(container: try list.nestedContainer(keyedBy: DesignKey.self), prefix: "\(label(key)) item \(out.count + 1): "))
      }
      return out
    } catch {
      throw .init("\(label(key)) must be a list of objects")
    }
  }

  /// Any JSON value, to test presence without decoding it.
  private struct Ignored: Decodable {
    init(from decoder: any Decoder) throws {}
  }
}

extension DesignSpecification {
  /// Reads a design file of version 1 strictly, or one without `schema_version` (version 0) with
  /// the defaults of earlier osstats; see ``DesignSpecification`` for the rules.
  /// - Throws: ``Problem`` naming the field that is missing, of the wrong type or out of range,
  ///   or the unsupported version.
  public init(from decoder: any Decoder) throws {
    let container: KeyedDecodingContainer<DesignKey>
    do {
      container = try decoder.container(keyedBy: DesignKey.self)
    } catch {
      throw Problem("not a JSON object")
    }
    let root = DesignFields(container: container, prefix: "")
    guard (try? root.string("analysis")) == "design" else { throw Problem("not a design file: \"analysis\" is not \"design\"") }
    if root.has("schema_version") {
      guard let v = try? root.number("schema_version", .value), v == v.rounded(), abs(v) <= 1e9 else {
        throw Problem("\"schema_version\" must be a whole number (this osstats reads \(Self.currentSchemaVersion))")
      }
      guard Int(v) == Self.currentSchemaVersion else {
        throw Problem(
          "\"schema_version\" is \(Int(v)); this osstats reads design files of schema_version \(Self.currentSchemaVersion) (and older ones without schema_version)")
      }
      schemaVersion = Int(v)
    } else {
      schemaVersion = 0
    }
    let strict = schemaVersion > 0
    let setting: FieldNeed = strict ? .value : .optional
    osstatsVersion = try root.string("osstats_version")
    command = try root.string("command")
    alpha = try root.number("alpha", .value) ?? 0
    sided = try root.integer("sided", range: 1...2, setting) ?? 1
    power = try root.number("power", .value) ?? 0
    powerComputed = try root.bool("power_computed", setting) ?? false
    beta = try root.number("beta")
    boundariesBeta = try root.number("boundaries_beta", setting)
    if strict, !powerComputed, let b = boundariesBeta, abs((1 - power) - b) > 1e-12 {
      throw Problem(
        "\"boundaries_beta\" (\(b.shortDescription)) must be 1 - \"power\" (\(power.shortDescription)) when the power was given")
    }
    hazardRatio = try root.number("hr", .value) ?? 0
    allocation = try root.number("allocation", setting) ?? 1
    let looksFields = try root.objects("looks")
    var looks: [Look] = []
    for (k, look) in (looksFields ?? []).enumerated() {
      looks.append(
        Look(
          look: try look.integer("look", range: 1...1000) ?? k + 1, informationFraction: try look.number("information_fraction"),
          efficacyZ: try look.number("efficacy_z"), futilityZ: try look.number("futility_z"), nominalP: try look.number("nominal_p"),
          cumulativeAlpha: try look.number("cumulative_alpha"), cumulativeBeta: try look.number("cumulative_beta"),
          events: try look.integer("events", range: 0...Int(Int32.max)), eventsExact: try look.number("events_exact"),
          hrAtBoundary: try look.number("hr_at_boundary"), expectedTime: try look.number("expected_time"),
          efficacyProbabilityH1: try look.number("efficacy_probability_h1"),
          futilityProbabilityH1: try look.number("futility_probability_h1")))
    }
    self.looks = looksFields == nil ? nil : looks
    if let fractions = try root.numbers("information_fractions", setting) {
      informationFractions = fractions
    } else if looksFields != nil {
      // Version 0 only: the fractions of the looks.
      informationFractions = try looks.map { look throws(Problem) in
        guard let t = look.informationFraction else { throw Problem("a look has no \"information_fraction\"") }
        return t
      }
    } else {
      throw Problem("\"information_fractions\" is missing")
    }
    guard informationFractions.count <= 20 else {
      throw Problem("\"information_fractions\": at most 20 looks; got \(informationFractions.count)")
    }
    spending = try root.string("spending", setting) ?? "lan-demets-obf"
    spendingLabel = try root.string("spending_label")
    let parameter = SpendingFunction.parameterName(of: spending)
    gamma = try root.number("gamma", strict && parameter == "gamma" ? .value : .optional)
    rho = try root.number("rho", strict && parameter == "rho" ? .value : .optional)
    haybittlePetoZ = try root.number("haybittle_peto_z", strict && spending == "haybittle-peto" ? .value : .optional)
    if let f = try root.object("futility", strict ? .key : .optional) {
      let kind = try f.string("kind", setting) ?? ""
      let binding = try f.bool("binding", setting) ?? false
      let bounds = try f.numbers("bounds", strict && kind == "fixed" ? .value : .optional)
      let name = try f.string("spending", strict && kind == "beta-spending" ? .value : .optional)
      let parameterNeed: FieldNeed =
        !strict || kind != "beta-spending" ? .optional : SpendingFunction.parameterName(of: name ?? "") == nil ? .key : .value
      let value = try f.number("parameter", parameterNeed)
      futility = Futility(kind: kind, bounds: bounds, spending: name, parameter: value, binding: binding)
    } else {
      futility = nil
    }
    let methodName = try root.string("events_method", setting) ?? EventsMethod.schoenfeld.rawValue
    guard let method = EventsMethod(rawValue: methodName) else {
      throw Problem(
        "unknown \"events_method\": \(methodName) (\(Self.list(EventsMethod.allCases.map(\.rawValue))))")
    }
    eventsMethod = method
    fixedDesignEvents = try root.number("fixed_design_events")
    inflationFactor = try root.number("inflation_factor")
    drift = try root.number("drift")
    maxEvents = try root.integer("max_events", range: 1...10_000_000, setting)
    maxEventsExact = try root.number("max_events_exact", strict && powerComputed ? .value : .optional)
    expectedEventsH1 = try root.number("expected_events_h1")
    rounding = try root.string("rounding")
    patients = try root.integer("patients", range: 1...100_000_000, strict ? .key : .optional)
    patientsExact = try root.number("patients_exact")
    if let a = try root.object("accrual", strict ? .key : .optional) {
      let followUpGiven = try a.bool("follow_up_given", setting) ?? true
      let timeGiven = try a.bool("accrual_time_given", setting) ?? true
      let rateGiven = try a.bool("accrual_rate_given", setting) ?? false
      accrual = Accrual(
        method: try a.string("method"), controlMedian: try a.number("control_median", .value) ?? 0,
        accrualTime: try a.number("accrual_time", strict && timeGiven ? .value : .optional), accrualTimeGiven: timeGiven,
        followUp: try a.number("follow_up", strict && followUpGiven ? .value : .optional), followUpGiven: followUpGiven,
        accrualRateGiven: rateGiven, dropoutRate: try a.number("dropout_rate", setting) ?? 0,
        dropoutTime: try a.number("dropout_time", setting) ?? 12, eventProbability: try a.number("event_probability"),
        accrualRate: try a.number("accrual_rate", strict && rateGiven ? .value : .optional))
    } else {
      accrual = nil
    }
    strata = try root.get([String].self, "strata", "a list of column names", setting) ?? []
    experimentalArm = try root.string("experimental_arm", strict ? .key : .optional)
    warnings = try root.get([String].self, "warnings", "a list of strings") ?? []
  }

  /// Writes the fields in the file's order with the file's keys, `null` for nil. (The design file
  /// itself is written by SurvivalReport's `DesignReport`, in the same order and number format.)
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: DesignKey.self)
    func put<T: Encodable>(_ value: T?, _ key: String) throws {
      if let value { try c.encode(value, forKey: DesignKey(key)) } else { try c.encodeNil(forKey: DesignKey(key)) }
    }
    try put("design", "analysis")
    try put(schemaVersion, "schema_version")
    try put(osstatsVersion, "osstats_version")
    try put(command, "command")
    try put(alpha, "alpha")
    try put(sided, "sided")
    try put(power, "power")
    try put(powerComputed, "power_computed")
    try put(beta, "beta")
    try put(boundariesBeta, "boundaries_beta")
    try put(hazardRatio, "hr")
    try put(allocation, "allocation")
    try put(spending, "spending")
    try put(spendingLabel, "spending_label")
    try put(gamma, "gamma")
    try put(rho, "rho")
    try put(haybittlePetoZ, "haybittle_peto_z")
    try put(futility, "futility")
    try put(informationFractions, "information_fractions")
    try put(looks, "looks")
    try put(eventsMethod.rawValue, "events_method")
    try put(fixedDesignEvents, "fixed_design_events")
    try put(inflationFactor, "inflation_factor")
    try put(drift, "drift")
    try put(maxEvents, "max_events")
    try put(maxEventsExact, "max_events_exact")
    try put(expectedEventsH1, "expected_events_h1")
    try put(rounding, "rounding")
    try put(patients, "patients")
    try put(patientsExact, "patients_exact")
    try put(accrual, "accrual")
    try put(strata, "strata")
    try put(experimentalArm, "experimental_arm")
    try put(warnings, "warnings")
  }
}
