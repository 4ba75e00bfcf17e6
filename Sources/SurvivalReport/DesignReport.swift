import Foundation
import Survival
import TrialDesign

/// Renders a group-sequential design: the boundaries table and the plan. Its JSON is the design
/// file that `osstats monitor` reads back (``DesignFile``).
public struct DesignReport: Sendable, RenderedReport {
  public let design: GroupSequentialDesign
  public let version: String
  public let command: String

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
      ("alpha", .number(b.alpha)), ("sided", .int(b.sided)), ("power", .number(1 - b.beta)), ("beta", .number(b.beta)),
      ("hr", .number(d.hazardRatio)), ("allocation", .number(d.allocation)),
      ("spending", .string(b.efficacy.name)), ("spending_label", .string(b.efficacy.label)),
      ("gamma", .number(b.efficacy.spendingFunction.flatMap { if case .hwangShihDeCani(let g) = $0 { g } else { nil } })),
      ("rho", .number(b.efficacy.spendingFunction.flatMap { if case .kimDeMets(let r) = $0 { r } else { nil } })),
      ("haybittle_peto_z", .number(hp)),
      ("futility", futility),
      ("information_fractions", .array(b.fractions.map { .number($0) })),
      ("looks", .array(looks)),
      ("events_method", .string(d.method.rawValue)),
      ("fixed_design_events", .number(d.fixedEvents)), ("inflation_factor", .number(b.inflationFactor)),
      ("drift", .number(b.drift)),
      ("max_events", .int(d.maxEvents)), ("max_events_exact", .number(d.maxEventsExact)),
      ("expected_events_h1", .number(d.expectedEventsH1)),
      ("rounding", .string(Self.roundingRule)),
      ("patients", d.patients.map { .int($0) } ?? .null), ("patients_exact", .number(d.patientsExact)),
      ("accrual", accrual),
      ("strata", .array(d.strata.map { .string($0) })),
      ("warnings", .array([])),
    ])
    return doc.serialized() + "\n"
  }

  private var summaryLines: [String] {
    let d = design
    let f = { (v: Double) in NumberFormat.significant(v, digits: 4) }
    var out = [
      "Group-sequential design: \(b.fractions.count) look\(b.fractions.count == 1 ? "" : "s"), \(b.efficacy.label)",
      "alpha \(f(b.alpha)) \(b.sided == 1 ? "one-sided" : "two-sided"), power \(f(1 - b.beta)) at HR \(f(d.hazardRatio)), allocation \(f(d.allocation)):1 (experimental:control)",
    ]
    switch b.futility {
    case .none: out.append("No futility boundary")
    case .fixed: out.append("Futility: fixed z boundaries, \(b.bindingFutility ? "binding" : "non-binding")")
    case .betaSpending(let s): out.append("Futility: beta spending, \(s.label), \(b.bindingFutility ? "binding" : "non-binding")")
    }
    out.append(
      "Events (\(d.method.label)): fixed design \(f(d.fixedEvents)); inflation factor \(NumberFormat.significant(b.inflationFactor, digits: 6)); maximum \(f(d.maxEventsExact)) -> \(d.maxEvents) planned")
    out.append("Expected events under HR \(f(d.hazardRatio)): \(f(d.expectedEventsH1))")
    if let a = d.accrual, let n = d.patientsExact, let fu = d.followUp, let duration = d.accrualDuration {
      out.append(
        "Patients: \(d.patients.map(String.init) ?? "-") (\(f(n)) exact), uniform accrual over \(f(duration)) (\(f(n / duration)) per unit time), follow-up \(f(fu)) after accrual, control median \(f(a.controlMedian))"
          + (a.dropoutRate > 0 ? ", dropout \(f(a.dropoutRate)) by \(f(a.dropoutTime))" : ""))
      out.append("  (\(Self.accrualMethod))")
    } else if let p = d.patients {
      out.append("Patients planned: \(p)")
    }
    if !d.strata.isEmpty { out.append("Stratified by: \(d.strata.joined(separator: ", "))") }
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
/// parameters are read and the boundaries recomputed; the planned maximum events and patients are
/// taken from the file (the protocol's numbers, which may have been edited).
public enum DesignFile {
  /// Why a design file cannot be used.
  public struct Problem: Error, Sendable, CustomStringConvertible {
    public let description: String
  }

  /// Parses `data`.
  /// - Throws: ``Problem`` naming the field that is missing or wrong.
  public static func parse(_ data: Data) throws(Problem) -> GroupSequentialDesign {
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
    func number(_ key: String, in dict: [String: Any] = root) throws(Problem) -> Double? {
      guard let value = dict[key], !(value is NSNull) else { return nil }
      guard let n = value as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue.isFinite else {
        throw Problem(description: "\"\(key)\" must be a number")
      }
      return n.doubleValue
    }
    func required(_ key: String) throws(Problem) -> Double {
      guard let v = try number(key) else { throw Problem(description: "\"\(key)\" is missing") }
      return v
    }
    let alpha = try required("alpha")
    let sided = Int(try number("sided") ?? 1)
    let power = try required("power")
    let hr = try required("hr")
    let allocation = try number("allocation") ?? 1
    var fractions: [Double] = []
    if let list = root["information_fractions"] as? [Any] {
      for item in list {
        guard let n = item as? NSNumber else { throw Problem(description: "\"information_fractions\" must hold numbers") }
        fractions.append(n.doubleValue)
      }
    } else if let looks = root["looks"] as? [[String: Any]] {
      for look in looks {
        guard let t = try number("information_fraction", in: look) else {
          throw Problem(description: "a look has no \"information_fraction\"")
        }
        fractions.append(t)
      }
    } else {
      throw Problem(description: "\"information_fractions\" is missing")
    }
    let spendingName = root["spending"] as? String ?? "lan-demets-obf"
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
    if let fut = root["futility"] as? [String: Any] {
      binding = fut["binding"] as? Bool ?? false
      switch fut["kind"] as? String {
      case "fixed":
        guard let bounds = fut["bounds"] as? [NSNumber] else { throw Problem(description: "\"futility\".\"bounds\" is missing") }
        futility = .fixed(bounds.map(\.doubleValue))
      case "beta-spending":
        let name = fut["spending"] as? String ?? ""
        guard let f = try spendingFunction(name, parameter: try number("parameter", in: fut)) else {
          throw Problem(description: "unknown futility \"spending\": \(name)")
        }
        futility = .betaSpending(f)
      default: throw Problem(description: "unknown futility \"kind\"")
      }
    }
    let method = EventsMethod(rawValue: root["events_method"] as? String ?? "schoenfeld") ?? .schoenfeld
    var accrual: GroupSequentialDesign.Accrual?
    if let a = root["accrual"] as? [String: Any] {
      let followUpGiven = a["follow_up_given"] as? Bool ?? true
      let timeGiven = a["accrual_time_given"] as? Bool ?? true
      let rateGiven = a["accrual_rate_given"] as? Bool ?? false
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
    let maxEvents = try number("max_events").map { Int($0) }
    let patients = try number("patients").map { Int($0) }
    let strata = (root["strata"] as? [String]) ?? []
    do {
      let boundaries = try GroupSequentialBoundaries(
        fractions: fractions, alpha: alpha, sided: sided, beta: 1 - power, efficacy: efficacy, futility: futility,
        bindingFutility: binding)
      // The patients were given exactly when neither the follow-up nor the rate was.
      let patientsGiven = accrual.map { $0.followUp == nil && $0.accrualRate == nil } ?? true
      return try GroupSequentialDesign(
        boundaries: boundaries, hazardRatio: hr, allocation: allocation, method: method, accrual: accrual,
        patients: patientsGiven ? patients : nil, maxEvents: maxEvents, strata: strata)
    } catch let e as GroupSequentialError {
      throw Problem(description: e.description)
    } catch let e as GroupSequentialDesign.PlanError {
      throw Problem(description: e.description)
    } catch {
      throw Problem(description: "\(error)")
    }
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
