import Foundation
import Survival
import TrialDesign

/// Renders a simulated monitoring plan: one scenario or a grid of them (one per hazard ratio).
/// Pure: returns strings. Every output says the data are simulated.
public struct SequentialSimulationReport: Sendable, RenderedReport {
  /// One simulated scenario.
  public struct Scenario: Sendable {
    /// The true hazard ratio simulated.
    public let hazardRatio: Double
    /// The simulation.
    public let simulation: SequentialSimulation
    /// Its summary.
    public let summary: SequentialSummary
    /// Other parameters the scenario sets (e.g. `delay`, `patients`), by name, in the order a
    /// grid varies them.
    public let parameters: [(name: String, value: Double)]
    /// Whether the simulated hazards are proportional at `hazardRatio`, so that the design's
    /// analytic power applies (otherwise it is reported as null).
    public let proportionalHazards: Bool

    /// A scenario.
    public init(
      hazardRatio: Double, simulation: SequentialSimulation, parameters: [(name: String, value: Double)] = [],
      proportionalHazards: Bool = true
    ) {
      self.hazardRatio = hazardRatio
      self.simulation = simulation
      self.parameters = parameters
      self.proportionalHazards = proportionalHazards
      summary = SequentialSummary(simulation, hazardRatio: hazardRatio)
    }

    /// The design's analytic power at the scenario's HR, when it applies.
    var analytic: Double? { proportionalHazards ? summary.analyticRejection : nil }
  }

  /// The scenarios, in the order run.
  public let scenarios: [Scenario]
  /// Where the plan came from (the design file), for the header.
  public let designSource: String?
  /// The design's own hazard ratio, when it has one.
  public let designHazardRatio: Double?
  /// A description of the simulated model (median, accrual, dropout).
  public let model: [(String, JSONValue)]
  /// Warnings of the run.
  public let warnings: [String]
  /// Trials asked for per scenario.
  public let requested: Int
  /// The osstats version.
  public let version: String
  /// The command line.
  public let command: String

  /// A report.
  public init(
    scenarios: [Scenario], designSource: String?, designHazardRatio: Double?, model: [(String, JSONValue)],
    warnings: [String], requested: Int, version: String, command: String
  ) {
    self.scenarios = scenarios
    self.designSource = designSource
    self.designHazardRatio = designHazardRatio
    self.model = model
    self.warnings = warnings
    self.requested = requested
    self.version = version
    self.command = command
  }

  /// Whether the run stopped before every trial of every scenario was done.
  public var interrupted: Bool { scenarios.contains { $0.simulation.done < requested } }

  private var first: SequentialSimulation? { scenarios.first?.simulation }

  private func scenarioJSON(_ s: Scenario) -> [(String, JSONValue)] {
    let m = s.summary
    return [
      ("hr", .number(s.hazardRatio)),
    ] + s.parameters.map { ($0.name, JSONValue.number($0.value)) } + [
      ("trials", .int(s.simulation.done)),
      ("overall_rejection", .number(m.overallRejection)), ("overall_rejection_se", .number(m.overallRejectionSE)),
      ("analytic_rejection", .number(s.analytic)), ("early_stop", .number(m.earlyStop)),
      ("expected_events", .number(m.expectedEvents)), ("expected_events_se", .number(m.expectedEventsSE)),
      ("expected_patients", .number(m.expectedPatients)), ("expected_patients_se", .number(m.expectedPatientsSE)),
      ("expected_duration", .number(m.expectedDuration)), ("expected_duration_se", .number(m.expectedDurationSE)),
      (
        "hazard_ratio_at_stop",
        .object([
          ("geometric_mean", .number(m.hazardRatioGeometricMean)), ("mean", .number(m.hazardRatioMean)),
          ("log_bias", .number(m.logHazardRatioBias)), ("log_bias_se", .number(m.logHazardRatioBiasSE)),
          ("estimate", .string("exp(-z (1 + r) / sqrt(r D)) at the stopping look")),
        ])
      ),
      ("event_target_not_reached", .int(m.targetNotReached)),
      (
        "looks",
        .array(
          m.looks.map { l in
            .object([
              ("look", .int(l.number)), ("events", .int(l.events)), ("efficacy_z", .number(l.efficacyZ)),
              ("futility_z", .number(l.futilityZ)), ("efficacy_stop", .number(l.efficacyStop)),
              ("futility_stop", .number(l.futilityStop)), ("harm_stop", .number(l.harmStop)),
              ("cumulative_rejection", .number(l.cumulativeRejection)), ("stop", .number(l.stop)),
              ("reached", .number(l.reached)), ("hr_at_stop", .number(l.hazardRatioAtStop)),
              ("analytic_efficacy_stop", .number(s.proportionalHazards ? l.analyticEfficacyStop : nil)),
              ("analytic_futility_stop", .number(s.proportionalHazards ? l.analyticFutilityStop : nil)),
            ])
          })
      ),
    ]
  }

  /// The JSON document: one scenario's fields at the top level, or `scenarios` for a grid.
  public func json() -> String {
    var doc: [(String, JSONValue)] = [
      ("analysis", .string("sequential_simulation")), ("osstats_version", .string(version)),
      ("simulated", .bool(true)), ("command", .string(command)),
      ("seed", .string(first.map { String($0.seed) } ?? "")), ("trials_requested", .int(requested)),
      ("interrupted", .bool(interrupted)),
      ("design", .string(designSource)), ("design_hr", .number(designHazardRatio)),
      ("patients", .int(first?.design.patients ?? 0)),
      ("arms", .array((first?.design.arms ?? []).map { JSONValue.string($0.name) })),
      ("strata", .array((first?.design.strata ?? []).map { JSONValue.string($0.label) })),
      ("test", .string(first?.test.name)), ("test_description", .string(first.map(testLabel))),
      ("alpha", .number(first?.plan.boundaries.alpha)), ("sided", .int(first?.plan.boundaries.sided ?? 1)),
      ("binding_futility", .bool(first?.plan.boundaries.bindingFutility ?? false)),
      // A grid over --events gives each scenario its own maximum (its max_events parameter).
      ("max_events", Set(scenarios.map(\.simulation.plan.maxEvents)).count > 1 ? .null : .int(first?.plan.maxEvents ?? 0)),
      ("model", .object(model)),
    ]
    if scenarios.count == 1, let s = scenarios.first {
      doc += scenarioJSON(s)
    } else {
      doc.append(("scenarios", .array(scenarios.map { .object(scenarioJSON($0)) })))
    }
    doc.append(("warnings", .array(warnings.map(JSONValue.string))))
    return JSONValue.object(doc).serialized() + "\n"
  }

  private func f(_ v: Double?) -> String { NumberFormat.significant(v, digits: 4) }

  /// The looks: their events, or with a grid over the maximum events the fractions of each.
  private var looksText: String {
    guard let s = first else { return "" }
    if Set(scenarios.map(\.simulation.plan.maxEvents)).count > 1 {
      let fractions = s.plan.boundaries.fractions.map { f($0) }
      return "information fractions \(fractions.joined(separator: ", ")) of each scenario's max_events (ceiling(t x max_events) events)"
    }
    return "\(s.plan.lookEvents.map(String.init).joined(separator: ", ")) events (max \(s.plan.maxEvents))"
  }

  private var headerLines: [String] {
    guard let s = first else { return [] }
    let b = s.plan.boundaries
    let sided = b.sided == 1 ? "one-sided" : "two-sided"
    var out = [
      "Simulated monitoring plan (simulated data, not trial results): \(requested) trials per scenario of \(s.design.patients) patients, seed \(s.seed)"
        + (interrupted ? "; INTERRUPTED: \(scenarios.map { String($0.simulation.done) }.joined(separator: ", ")) trials done" : ""),
      "Plan: \(designSource.map { $0 + ", " } ?? "")\(s.plan.lookEvents.count) looks at \(looksText); \(sided) alpha \(f(b.alpha)); futility \(b.futilityZ.allSatisfy { $0 == nil } ? "none" : (b.bindingFutility ? "binding" : "non-binding (stopping at it in every trial)"))",
      "Model: " + model.map { "\($0.0.replacingOccurrences(of: "_", with: " ")) \(Self.plain($0.1))" }.joined(separator: "; ")
        + "; test: \(testLabel(s))",
    ]
    for w in warnings { out.append("Warning: \(w)") }
    return out
  }

  /// The look test as simulated (stratified only with strata).
  private func testLabel(_ s: SequentialSimulation) -> String {
    s.test == .stratified && s.design.strata.count <= 1 ? LookTest.logRank.label : s.test.label
  }

  private static func plain(_ v: JSONValue) -> String {
    switch v {
    case .string(let s): return s
    case .number(let d): return NumberFormat.significant(d, digits: 6)
    case .int(let i): return String(i)
    case .bool(let b): return b ? "yes" : "no"
    case .null: return "none"
    default: return v.serialized(pretty: false)
    }
  }

  private func lookTable(_ s: Scenario) -> TextTable {
    var t = TextTable([
      "look", "events", "efficacy z", "futility z", "P(efficacy)", "P(futility)", "cum. rejection", "analytic P(eff.)",
      "P(stop)", "HR at stop",
    ])
    for l in s.summary.looks {
      t.add([
        String(l.number), String(l.events), f(l.efficacyZ), l.futilityZ.map(f) ?? "-", f(l.efficacyStop + l.harmStop),
        f(l.futilityStop), f(l.cumulativeRejection), s.proportionalHazards ? f(l.analyticEfficacyStop) : "-", f(l.stop),
        f(l.hazardRatioAtStop),
      ])
    }
    return t
  }

  private func scenarioLines(_ s: Scenario) -> [String] {
    let m = s.summary
    return [
      "Power at HR \(f(s.hazardRatio))\(s.parameters.map { ", \($0.name) \(f($0.value))" }.joined()) (overall rejection): \(f(m.overallRejection)) (Monte Carlo se \(NumberFormat.significant(m.overallRejectionSE, digits: 2))); analytic \(s.analytic.map(f) ?? "not applicable (non-proportional hazards)"); early stop \(f(m.earlyStop))",
      "Expected events \(f(m.expectedEvents)) (se \(NumberFormat.significant(m.expectedEventsSE, digits: 2))), patients \(f(m.expectedPatients)) (se \(NumberFormat.significant(m.expectedPatientsSE, digits: 2))), duration \(f(m.expectedDuration)) (se \(NumberFormat.significant(m.expectedDurationSE, digits: 2)))",
      "HR estimate at stopping: geometric mean \(f(m.hazardRatioGeometricMean)), bias of log HR \(NumberFormat.significant(m.logHazardRatioBias, digits: 3)) (se \(NumberFormat.significant(m.logHazardRatioBiasSE, digits: 2)))"
        + (m.targetNotReached > 0 ? "; event target not reached in \(m.targetNotReached) trials" : ""),
    ]
  }

  private var gridTable: TextTable {
    let names = scenarios.first?.parameters.map(\.name) ?? []
    var t = TextTable(
      ["HR"] + names + [
        "trials", "power", "mc se", "analytic", "early stop", "E[events]", "E[patients]", "E[duration]", "HR at stop",
      ])
    for s in scenarios {
      let m = s.summary
      t.add(
        [f(s.hazardRatio)] + s.parameters.map { f($0.value) } + [
          String(s.simulation.done), f(m.overallRejection), NumberFormat.significant(m.overallRejectionSE, digits: 2),
          s.analytic.map(f) ?? "-", f(m.earlyStop), f(m.expectedEvents), f(m.expectedPatients), f(m.expectedDuration),
          f(m.hazardRatioGeometricMean),
        ])
    }
    return t
  }

  /// Text for a terminal.
  public func text() -> String {
    var out = headerLines.joined(separator: "\n") + "\n\n"
    if scenarios.count == 1, let s = scenarios.first {
      out += lookTable(s).render() + "\n" + scenarioLines(s).joined(separator: "\n") + "\n"
    } else {
      out += gridTable.render()
    }
    return out
  }

  /// Markdown.
  public func markdown() -> String {
    var out = "# Simulated monitoring plan\n\n" + headerLines.map { Markdown.escape($0) + "  " }.joined(separator: "\n") + "\n\n"
    if scenarios.count == 1, let s = scenarios.first {
      out += lookTable(s).markdown() + "\n" + scenarioLines(s).map { Markdown.escape($0) + "  " }.joined(separator: "\n") + "\n"
    } else {
      out += gridTable.markdown()
    }
    return out
  }

  /// One row per scenario and look at full precision.
  public func csv() -> String {
    let names = scenarios.first?.parameters.map(\.name) ?? []
    var out = (["hr"] + names).joined(separator: ",") + ",trials,look,events,efficacy_z,futility_z,efficacy_stop,futility_stop,harm_stop,cumulative_rejection,overall_rejection,overall_rejection_se,expected_events,expected_patients,expected_duration,simulated\r\n"
    for s in scenarios {
      let m = s.summary
      for l in m.looks {
        out += [
          ([NumberFormat.full(s.hazardRatio)] + s.parameters.map { NumberFormat.full($0.value) }).joined(separator: ","),
          String(s.simulation.done), String(l.number), String(l.events),
          NumberFormat.full(l.efficacyZ), NumberFormat.full(l.futilityZ), NumberFormat.full(l.efficacyStop),
          NumberFormat.full(l.futilityStop), NumberFormat.full(l.harmStop), NumberFormat.full(l.cumulativeRejection),
          NumberFormat.full(m.overallRejection), NumberFormat.full(m.overallRejectionSE), NumberFormat.full(m.expectedEvents),
          NumberFormat.full(m.expectedPatients), NumberFormat.full(m.expectedDuration), "yes",
        ].joined(separator: ",") + "\r\n"
      }
    }
    return out
  }

  /// The power and expected-events curves over the scenarios, as SVG, against the hazard ratio,
  /// or, when the hazard ratio is the same in every scenario, against the first other parameter
  /// that varies (the delay, the patients).
  public func powerCurve() -> String {
    var axis: (String, (Scenario) -> Double) = ("true hazard ratio", { $0.hazardRatio })
    if Set(scenarios.map(\.hazardRatio)).count <= 1, let names = scenarios.first?.parameters.map(\.name) {
      for (k, name) in names.enumerated() where Set(scenarios.map { $0.parameters[k].value }).count > 1 {
        axis = (Self.axisLabel(name), { $0.parameters[k].value })
        break
      }
    }
    let points = scenarios.map { s -> PowerCurvePlot.Point in
      PowerCurvePlot.Point(
        hazardRatio: axis.1(s), power: s.summary.overallRejection, powerSE: s.summary.overallRejectionSE,
        analytic: s.analytic, expectedEvents: s.summary.expectedEvents)
    }
    let alpha = first?.plan.boundaries.alpha ?? 0.025
    let maxEvents = Double(scenarios.map(\.simulation.plan.maxEvents).max() ?? 0)
    return PowerCurvePlot(points: points, alpha: alpha, maxEvents: maxEvents, axis: axis.0).svg()
  }

  /// The label of a power-curve axis for a scenario parameter.
  static func axisLabel(_ name: String) -> String {
    switch name {
    case "delay": return "delay of the effect (months)"
    case "max_events": return "maximum events"
    default: return name
    }
  }

  /// The header of the per-trial CSV (`--trial-output`).
  public static let trialHeader = trialHeader(parameters: [])

  /// The header of the per-trial CSV with the grid's other parameters after `scenario_hr`.
  public static func trialHeader(parameters: [String]) -> String {
    (["scenario_hr"] + parameters.map { "scenario_" + $0 }).joined(separator: ",")
      + ",trial,stop_look,reason,events,patients,duration,hazard_ratio,z,simulated\r\n"
  }

  /// One trial's row: the z of every look done, separated by `;`; `parameters` are the grid's
  /// other values, already formatted.
  public static func trialRow(hazardRatio: Double, index: Int, _ o: SequentialTrialOutcome, parameters: [String] = []) -> String {
    ([NumberFormat.full(hazardRatio)] + parameters + [
      String(index), String(o.look + 1), o.reason.rawValue, String(o.events),
      String(o.patients), NumberFormat.full(o.duration), NumberFormat.full(o.hazardRatio),
      o.z.map { NumberFormat.full($0) }.joined(separator: ";"), "yes",
    ]).joined(separator: ",") + "\r\n"
  }
}
