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

  /// The JSON document: the design file, ``DesignSpecification`` of schema version
  /// ``DesignSpecification/currentSchemaVersion``, its fields in the file's order.
  public func json() -> String {
    let s = DesignSpecification(design: design, osstatsVersion: version, command: command)
    var futility: JSONValue = .null
    if let f = s.futility {
      futility =
        if let bounds = f.bounds {
          .object([("kind", .string(f.kind)), ("bounds", .array(bounds.map { .number($0) })), ("binding", .bool(f.binding))])
        } else {
          .object([
          ("kind", .string(f.kind)), ("spending", .string(f.spending)), ("parameter", .number(f.parameter)), ("binding", .bool(f.binding)),
          ])
        }
    }
    let looks: [JSONValue] = (s.looks ?? []).map { l in
      .object([
        ("look", .int(l.look)), ("information_fraction", .number(l.informationFraction)), ("efficacy_z", .number(l.efficacyZ)),
        ("futility_z", .number(l.futilityZ)), ("nominal_p", .number(l.nominalP)),
        ("cumulative_alpha", .number(l.cumulativeAlpha)),
        ("cumulative_beta", .number(l.cumulativeBeta)), ("events", l.events.map { .int($0) } ?? .null),
        ("events_exact", .number(l.eventsExact)),
        ("hr_at_boundary", .number(l.hrAtBoundary)),
        ("expected_time", .number(l.expectedTime)),
        ("efficacy_probability_h1", .number(l.efficacyProbabilityH1)),
        ("futility_probability_h1", .number(l.futilityProbabilityH1)),
      ])
    }
    var accrual: JSONValue = .null
    if let a = s.accrual {
      accrual = .object([
        ("method", .string(a.method)),
        ("control_median", .number(a.controlMedian)), ("accrual_time", .number(a.accrualTime)),
        ("accrual_time_given", .bool(a.accrualTimeGiven)),
        ("follow_up", .number(a.followUp)), ("follow_up_given", .bool(a.followUpGiven)),
        ("accrual_rate_given", .bool(a.accrualRateGiven)),
        ("dropout_rate", .number(a.dropoutRate)), ("dropout_time", .number(a.dropoutTime)),
        ("event_probability", .number(a.eventProbability)),
        ("accrual_rate", .number(a.accrualRate)),
      ])
    }
    let doc: JSONValue = .object([
      ("analysis", .string("design")), ("schema_version", .int(s.schemaVersion)),
      ("osstats_version", .string(s.osstatsVersion)), ("command", .string(s.command)),
      ("alpha", .number(s.alpha)), ("sided", .int(s.sided)), ("power", .number(s.power)),
      ("power_computed", .bool(s.powerComputed)), ("beta", .number(s.beta)), ("boundaries_beta", .number(s.boundariesBeta)),
      ("hr", .number(s.hazardRatio)), ("allocation", .number(s.allocation)),
      ("spending", .string(s.spending)), ("spending_label", .string(s.spendingLabel)),
      ("gamma", .number(s.gamma)), ("rho", .number(s.rho)), ("haybittle_peto_z", .number(s.haybittlePetoZ)),
      ("futility", futility),
      ("information_fractions", .array(s.informationFractions.map { .number($0) })),
      ("looks", .array(looks)),
      ("events_method", .string(s.eventsMethod.rawValue)),
      ("fixed_design_events", .number(s.fixedDesignEvents)),
      ("inflation_factor", .number(s.inflationFactor)),
      ("drift", .number(s.drift)),
      ("max_events", s.maxEvents.map { .int($0) } ?? .null), ("max_events_exact", .number(s.maxEventsExact)),
      ("expected_events_h1", .number(s.expectedEventsH1)),
      ("rounding", .string(s.rounding)),
      ("patients", s.patients.map { .int($0) } ?? .null), ("patients_exact", .number(s.patientsExact)),
      ("accrual", accrual),
      ("strata", .array(s.strata.map { .string($0) })),
      ("experimental_arm", .string(s.experimentalArm)),
      ("warnings", .array(s.warnings.map { .string($0) })),
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
      out.append("  (\(DesignSpecification.accrualMethod))")
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
/// file is decoded as a ``DesignSpecification`` (strictly for schema version 1; a file without
/// `schema_version`, from earlier osstats, as those versions read it), the boundaries recomputed
/// (a warning says so when the file's differ) and the planned maximum events and patients taken
/// from the file (the protocol's numbers, which may have been edited).
public enum DesignFile {
  /// Why a design file cannot be used: one line naming the field.
  public typealias Problem = DesignSpecification.Problem

  /// Parses `data`: a field missing, of the wrong type or out of its range is an error naming
  /// it, never a guess. Returns the design and warnings (the file's boundaries or patients differ
  /// from what its settings give).
  /// - Throws: ``Problem`` naming the field that is missing or wrong, or the unsupported
  ///   `schema_version`.
  public static func parse(_ data: Data) throws(Problem) -> (design: GroupSequentialDesign, warnings: [String]) {
    try DesignSpecification.decode(data).design()
  }
}
