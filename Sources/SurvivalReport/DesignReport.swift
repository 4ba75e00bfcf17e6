import Foundation
import Survival
import TrialDesign

/// Renders a group-sequential design: the boundaries table and the plan. Its JSON is the design
/// file that `osstats monitor` reads back (``DesignFile``).
public struct DesignReport: Sendable, RenderedReport {
  /// The plan.
  public let design: GroupSequentialDesign
  /// The osstats version.
  public let version: String
  /// The command line, for reproduction.
  public let command: String

  /// A report of `design`.
  public init(design: GroupSequentialDesign, version: String, command: String) {
    self.design = design
    self.version = version
    self.command = command
  }

  private var b: GroupSequentialBoundaries { design.boundaries }

  static let roundingRule =
    "max_events = ceiling(fixed_design_events x inflation_factor) unless given; events at look k = ceiling(t_k x max_events)"
  static let accrualMethod =
    "expected events under uniform accrual, exponential survival and exponential dropout (rpact's method; not Lachin-Foulkes)"

  /// The JSON document (the design file).
  public func json() -> String {
    let d = design
    var futility: JSONValue = .null
    switch b.futility {
    case .none: break
    case .fixed(let bounds):
      futility = .object([
        ("kind", .string("fixed")), ("bounds", .array(bounds.map { .number($0) })), ("binding", .bool(b.bindingFutility)),
      ])
    case .betaSpending(let f):
      futility = .object([
        ("kind", .string("beta-spending")), ("spending", .string(f.name)), ("parameter", .number(f.parameter)),
        ("binding", .bool(b.bindingFutility)),
      ])
    }
    var hp: Double?
    if case .haybittlePeto(let z) = b.efficacy { hp = z }
    let looks: [JSONValue] = b.fractions.indices.map { k in
      .object([
        ("look", .int(k + 1)), ("information_fraction", .number(b.fractions[k])), ("efficacy_z", .number(b.efficacyZ[k])),
        ("futility_z", .number(b.futilityZ[k])), ("nominal_p", .number(b.nominalP[k])),
        ("cumulative_alpha", .number(b.cumulativeAlpha[k])),
        ("cumulative_beta", .number(b.cumulativeBeta?[k])), ("events", .int(d.lookEvents[k])),
        ("events_exact", .number(b.fractions[k] * d.maxEventsExact)),
        ("hr_at_boundary", .number(d.hazardRatioAtBoundary[k])),
        ("expected_time", .number(d.analysisTimes?[k])),
        ("efficacy_probability_h1", .number(b.efficacyProbabilityH1[k])),
        ("futility_probability_h1", .number(b.futilityProbabilityH1[k])),
      ])
    }
    var accrual: JSONValue = .null
    if let a = d.accrual {
      accrual = .object([
        ("method", .string(Self.accrualMethod)),
        ("control_median", .number(a.controlMedian)), ("accrual_time", .number(d.accrualDuration)),
        ("accrual_time_given", .bool(a.accrualTime != nil)),
        ("follow_up", .number(d.followUp)), ("follow_up_given", .bool(a.followUp != nil)),
        ("accrual_rate_given", .bool(a.accrualRate != nil)),
        ("dropout_rate", .number(a.dropoutRate)), ("dropout_time", .number(a.dropoutTime)),
        ("event_probability", .number(d.eventProbability)),
        ("accrual_rate", .number(a.accrualRate ?? d.patientsExact.flatMap { n in d.accrualDuration.map { n / $0 } })),
      ])
    }
    let doc: JSONValue = .object([
      ("analysis", .string("design")), ("osstats_version", .string(version)), ("command", .string(command)),
      ("alpha", .number(b.alpha)), ("sided", .int(b.sided)), ("power", .number(d.power)),
      ("power_computed", .bool(d.computedPower != nil)), ("beta", .number(1 - d.power)),
      ("hr", .number(d.hazardRatio)), ("allocation", .number(d.allocation)),
      ("spending", .string(b.efficacy.name)), ("spending_label", .string(b.efficacy.label)),
      ("gamma", .number(b.efficacy.spendingFunction.flatMap { if case .hwangShihDeCani(let g) = $0 { g } else { nil } })),
      ("rho", .number(b.efficacy.spendingFunction.flatMap { if case .kimDeMets(let r) = $0 { r } else { nil } })),
      ("haybittle_peto_z", .number(hp)),
      ("futility", futility),
      ("information_fractions", .array(b.fractions.map { .number($0) })),
      ("looks", .array(looks)),
      ("events_method", .string(d.method.rawValue)),
      ("fixed_design_events", .number(d.fixedEvents)),
      ("inflation_factor", .number(d.computedPower == nil ? b.inflationFactor : nil)),
      ("drift", .number(d.computedPower == nil ? b.drift : d.method.drift(hazardRatio: d.hazardRatio, events: d.maxEventsExact, allocation: d.allocation))),
      ("max_events", .int(d.maxEvents)), ("max_events_exact", .number(d.maxEventsExact)),
      ("expected_events_h1", .number(d.expectedEventsH1)),
      ("rounding", .string(Self.roundingRule)),
      ("patients", d.patients.map { .int($0) } ?? .null), ("patients_exact", .number(d.patientsExact)),
      ("accrual", accrual),
      ("strata", .array(d.strata.map { .string($0) })),
      ("experimental_arm", .string(d.experimentalArm)),
      ("warnings", .array([])),
    ])
    return doc.serialized() + "\n"
  }

  private var summaryLines: [String] {
    let d = design
    let f = { (v: Double) in NumberFormat.significant(v, digits: 4) }
    var out = [
      "Group-sequential design: \(b.fractions.count) look\(b.fractions.count == 1 ? "" : "s"), \(b.efficacy.label)",
      "alpha \(f(b.alpha)) \(b.sided == 1 ? "one-sided" : "two-sided"), power \(f(d.power))\(d.computedPower != nil ? " (computed for \(f(d.maxEventsExact)) events)" : "") at HR \(f(d.hazardRatio)), allocation \(f(d.allocation)):1 (experimental:control)",
    ]
    switch b.futility {
    case .none: out.append("No futility boundary")
    case .fixed: out.append("Futility: fixed z boundaries, \(b.bindingFutility ? "binding" : "non-binding")")
    case .betaSpending(let s): out.append("Futility: beta spending, \(s.label), \(b.bindingFutility ? "binding" : "non-binding")")
    }
    if d.computedPower != nil {
      out.append(
        "Events given: \(f(d.maxEventsExact)) -> \(d.maxEvents) planned; power by \(d.method.label)'s drift; a fixed design reaches this power with \(f(d.fixedEvents)) events")
    } else {
      out.append(
        "Events (\(d.method.label)): fixed design \(f(d.fixedEvents)); inflation factor \(NumberFormat.significant(b.inflationFactor, digits: 6)); maximum \(f(d.maxEventsExact)) -> \(d.maxEvents) planned")
    }
    out.append("Expected events under HR \(f(d.hazardRatio)): \(f(d.expectedEventsH1))")
    if let a = d.accrual, let n = d.patientsExact, let fu = d.followUp, let duration = d.accrualDuration {
      out.append(
        "Patients: \(d.patients.map(String.init) ?? "-") (\(String(format: "%.2f", n)) exact), uniform accrual over \(f(duration)) (\(f(n / duration)) per unit time), follow-up \(f(fu)) after accrual, control median \(f(a.controlMedian))"
          + (a.dropoutRate > 0 ? ", dropout \(f(a.dropoutRate)) by \(f(a.dropoutTime))" : ""))
      out.append("  (\(Self.accrualMethod))")
    } else if let p = d.patients {
      out.append("Patients planned: \(p)")
    }
    if !d.strata.isEmpty { out.append("Stratified by: \(d.strata.joined(separator: ", "))") }
    if let arm = d.experimentalArm { out.append("Experimental arm: \(arm)") }
    return out
  }

  private var table: TextTable {
    let d = design
    var header = ["Look", "Fraction", "Events", "Efficacy z", "Nominal p", "Cum. alpha", "HR at bound"]
    let hasFutility = b.futilityZ.contains { $0 != nil }
    if hasFutility { header.append("Futility z") }
    if d.analysisTimes != nil { header.append("Exp. time") }
    var t = TextTable(header)
    for k in b.fractions.indices {
      var row = [
        String(k + 1), NumberFormat.significant(b.fractions[k], digits: 4), String(d.lookEvents[k]),
        String(format: "%.4f", b.efficacyZ[k]), NumberFormat.pValue(b.nominalP[k]),
        NumberFormat.significant(b.cumulativeAlpha[k], digits: 4), NumberFormat.significant(d.hazardRatioAtBoundary[k], digits: 4),
      ]
      if hasFutility { row.append(b.futilityZ[k].map { String(format: "%.4f", $0) } ?? "-") }
      if let times = d.analysisTimes { row.append(NumberFormat.significant(times[k], digits: 4)) }
      t.add(row)
    }
    return t
  }

  /// Text for a terminal.
  public func text() -> String {
    summaryLines.joined(separator: "\n") + "\n\n" + table.render() + "\n"
      + "z is the log-rank statistic in the favourable direction (positive when the experimental arm has fewer deaths).\n"
  }

  /// Markdown.
  public func markdown() -> String {
    "# Group-sequential design\n\n" + summaryLines.map { Markdown.escape($0) + "  " }.joined(separator: "\n") + "\n\n"
      + table.markdown()
  }

  /// The boundaries at full precision.
  public func csv() -> String {
    var out = "look,information_fraction,events,efficacy_z,futility_z,nominal_p,cumulative_alpha,hr_at_boundary,expected_time\r\n"
    for k in b.fractions.indices {
      out += [
        String(k + 1), NumberFormat.full(b.fractions[k]), String(design.lookEvents[k]), NumberFormat.full(b.efficacyZ[k]),
        NumberFormat.full(b.futilityZ[k]), NumberFormat.full(b.nominalP[k]), NumberFormat.full(b.cumulativeAlpha[k]),
        NumberFormat.full(design.hazardRatioAtBoundary[k]), NumberFormat.full(design.analysisTimes?[k]),
      ].joined(separator: ",") + "\r\n"
    }
    return out
  }
}

/// Reads a design file written by `osstats design` back into a ``GroupSequentialDesign``: the
/// parameters are read and the boundaries recomputed (a warning says so when the file's differ);
/// the planned maximum events and patients are taken from the file (the protocol's numbers,
/// which may have been edited).
public enum DesignFile {
  /// Why a design file cannot be used.
  public struct Problem: Error, Sendable, CustomStringConvertible {
    public let description: String
  }

  /// Parses `data`, strictly: a field of the wrong type or out of its range is an error naming
  /// it, never a guess. Returns the design and warnings (the file's boundaries or patients differ
  /// from what its settings give).
  /// - Throws: ``Problem`` naming the field that is missing or wrong.
  public static func parse(_ data: Data) throws(Problem) -> (design: GroupSequentialDesign, warnings: [String]) {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw Problem(description: "not valid JSON (\(Self.reason(error)))")
    }
    guard let root = object as? [String: Any] else { throw Problem(description: "not a JSON object") }
    guard root["analysis"] as? String == "design" else {
      throw Problem(description: "not a design file: \"analysis\" is not \"design\"")
    }
    func isBool(_ value: Any) -> Bool { (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false }
    func number(_ key: String, in dict: [String: Any] = root) throws(Problem) -> Double? {
      guard let value = dict[key], !(value is NSNull) else { return nil }
      guard !isBool(value), let n = value as? NSNumber, n.doubleValue.isFinite else {
        throw Problem(description: "\"\(key)\" must be a number")
      }
      return n.doubleValue
    }
    func integer(_ key: String, in dict: [String: Any] = root, range: ClosedRange<Int>) throws(Problem) -> Int? {
      guard let v = try number(key, in: dict) else { return nil }
      guard v == v.rounded(), v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
        throw Problem(description: "\"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound); got \(v.shortDescription)")
      }
      return Int(v)
    }
    func required(_ key: String) throws(Problem) -> Double {
      guard let v = try number(key) else { throw Problem(description: "\"\(key)\" is missing") }
      return v
    }
    func bool(_ key: String, in dict: [String: Any], default value: Bool) throws(Problem) -> Bool {
      guard let raw = dict[key], !(raw is NSNull) else { return value }
      guard isBool(raw), let b = raw as? Bool else { throw Problem(description: "\"\(key)\" must be true or false") }
      return b
    }
    func string(_ key: String, in dict: [String: Any] = root) throws(Problem) -> String? {
      guard let raw = dict[key], !(raw is NSNull) else { return nil }
      guard let text = raw as? String else { throw Problem(description: "\"\(key)\" must be a string") }
      return text
    }
    func numbers(_ key: String, _ raw: Any) throws(Problem) -> [Double] {
      guard let list = raw as? [Any] else { throw Problem(description: "\"\(key)\" must be a list of numbers") }
      var out: [Double] = []
      for item in list {
        guard !isBool(item), let n = item as? NSNumber, n.doubleValue.isFinite else {
          throw Problem(description: "\"\(key)\" must be a list of numbers")
        }
        out.append(n.doubleValue)
      }
      return out
    }
    let alpha = try required("alpha")
    let sided = try integer("sided", range: 1...2) ?? 1
    let power = try required("power")
    let powerComputed = try bool("power_computed", in: root, default: false)
    let exactEvents = try number("max_events_exact")
    let hr = try required("hr")
    let allocation = try number("allocation") ?? 1
    let fractions: [Double]
    if let list = root["information_fractions"] {
      fractions = try numbers("information_fractions", list)
    } else if let looks = root["looks"] as? [[String: Any]] {
      var collected: [Double] = []
      for look in looks {
        guard let t = try number("information_fraction", in: look) else {
          throw Problem(description: "a look has no \"information_fraction\"")
        }
        collected.append(t)
      }
      fractions = collected
    } else {
      throw Problem(description: "\"information_fractions\" is missing")
    }
    guard fractions.count <= 20 else {
      throw Problem(description: "\"information_fractions\": at most 20 looks; got \(fractions.count)")
    }
    let spendingName = try string("spending") ?? "lan-demets-obf"
    let efficacy: EfficacyBoundary
    switch spendingName {
    case "obf": efficacy = .obrienFleming
    case "pocock": efficacy = .pocock
    case "haybittle-peto":
      let z = try number("haybittle_peto_z")
      efficacy = .haybittlePeto(interimZ: z ?? 3)
    default:
      let gamma = try number("gamma")
      let rho = try number("rho")
      let parameter = gamma ?? rho
      guard let f = try spendingFunction(spendingName, parameter: parameter) else {
        throw Problem(description: "unknown \"spending\": \(spendingName)")
      }
      efficacy = .spending(f)
    }
    var futility: FutilityBoundary = .none
    var binding = false
    if let raw = root["futility"], !(raw is NSNull) {
      guard let fut = raw as? [String: Any] else { throw Problem(description: "\"futility\" must be an object or null") }
      binding = try bool("binding", in: fut, default: false)
      switch try string("kind", in: fut) {
      case "fixed":
        guard let raw = fut["bounds"] else { throw Problem(description: "\"futility\".\"bounds\" is missing") }
        futility = .fixed(try numbers("bounds", raw))
      case "beta-spending":
        let name = try string("spending", in: fut) ?? ""
        guard let f = try spendingFunction(name, parameter: try number("parameter", in: fut)) else {
          throw Problem(description: "unknown futility \"spending\": \(name)")
        }
        futility = .betaSpending(f)
      default: throw Problem(description: "unknown futility \"kind\" (fixed or beta-spending)")
      }
    }
    let methodName = try string("events_method") ?? "schoenfeld"
    guard let method = EventsMethod(rawValue: methodName) else {
      throw Problem(description: "unknown \"events_method\": \(methodName) (schoenfeld, freedman or hsieh-freedman)")
    }
    var accrual: GroupSequentialDesign.Accrual?
    if let raw = root["accrual"], !(raw is NSNull) {
      guard let a = raw as? [String: Any] else { throw Problem(description: "\"accrual\" must be an object or null") }
      let followUpGiven = try bool("follow_up_given", in: a, default: true)
      let timeGiven = try bool("accrual_time_given", in: a, default: true)
      let rateGiven = try bool("accrual_rate_given", in: a, default: false)
      guard let median = try number("control_median", in: a) else {
        throw Problem(description: "\"accrual\" needs \"control_median\"")
      }
      let time = try number("accrual_time", in: a)
      let rate = try number("accrual_rate", in: a)
      let followUp = try number("follow_up", in: a)
      let dropoutRate = try number("dropout_rate", in: a)
      let dropoutTime = try number("dropout_time", in: a)
      accrual = .init(
        controlMedian: median, accrualTime: timeGiven ? time : nil, accrualRate: rateGiven ? rate : nil,
        followUp: followUpGiven ? followUp : nil, dropoutRate: dropoutRate ?? 0, dropoutTime: dropoutTime ?? 12)
    }
    let maxEvents = try integer("max_events", range: 1...10_000_000)
    let patients = try integer("patients", range: 1...100_000_000)
    var strata: [String] = []
    if let raw = root["strata"], !(raw is NSNull) {
      guard let list = raw as? [String] else { throw Problem(description: "\"strata\" must be a list of column names") }
      strata = list
    }
    let experimental = try string("experimental_arm")
    var design: GroupSequentialDesign
    do {
      let boundaries = try GroupSequentialBoundaries(
        fractions: fractions, alpha: alpha, sided: sided, beta: powerComputed ? 0.2 : 1 - power, efficacy: efficacy, futility: futility,
        bindingFutility: binding)
      // The patients were given exactly when neither the follow-up nor the rate was.
      let patientsGiven = accrual.map { $0.followUp == nil && $0.accrualRate == nil } ?? true
      design = try GroupSequentialDesign(
        boundaries: boundaries, hazardRatio: hr, allocation: allocation, method: method, accrual: accrual,
        patients: patientsGiven ? patients : nil, maxEvents: maxEvents, strata: strata,
        powerForEvents: powerComputed ? (exactEvents ?? maxEvents.map(Double.init)) : nil)
    } catch let e as GroupSequentialError {
      throw Problem(description: e.description)
    } catch let e as GroupSequentialDesign.PlanError {
      throw Problem(description: e.description)
    } catch {
      throw Problem(description: "\(error)")
    }
    design.experimentalArm = experimental
    var warnings: [String] = []
    if let looks = root["looks"] as? [[String: Any]] {
      let written = looks.map { ($0["efficacy_z"] as? NSNumber)?.doubleValue }
      let recomputed = design.boundaries.efficacyZ
      if written.count == recomputed.count,
        zip(written, recomputed).contains(where: { w, r in w.map { abs($0 - r) > 1e-6 } ?? false })
      {
        warnings.append(
          "the design file's efficacy_z (\(written.map { $0.map { String(format: "%.4f", $0) } ?? "-" }.joined(separator: ", "))) differ from those its settings give (\(recomputed.map { String(format: "%.4f", $0) }.joined(separator: ", "))); osstats uses the recomputed boundaries")
      }
    }
    if let p = patients, let planned = design.patients, p != planned {
      warnings.append("the design file's patients (\(p)) differ from those its accrual settings give (\(planned)); the file's number is used as planned")
      design.patients = p
    }
    return (design, warnings)
  }

  /// A spending function by its design-file name.
  public static func spendingFunction(_ name: String, parameter: Double?) throws(Problem) -> SpendingFunction? {
    switch name {
    case "lan-demets-obf": return .lanDeMetsOBrienFleming
    case "lan-demets-pocock": return .lanDeMetsPocock
    case "hsd":
      guard let g = parameter else { throw Problem(description: "hsd spending needs \"gamma\"") }
      return .hwangShihDeCani(gamma: g)
    case "kim-demets":
      guard let r = parameter else { throw Problem(description: "kim-demets spending needs \"rho\"") }
      return .kimDeMets(rho: r)
    default: return nil
    }
  }

  private static func reason(_ error: Error) -> String {
    let ns = error as NSError
    if let d = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return d }
    return ns.localizedDescription
  }
}
