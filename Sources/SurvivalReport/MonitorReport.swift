import Foundation
import Survival
import TrialDesign

/// Renders an interim, final or termination analysis of a group-sequential OS trial against its
/// design: observed against planned information, the boundary that applies under each reading,
/// the decision, conditional and predictive power, repeated confidence intervals and, when a
/// boundary is crossed or at the final analysis, stage-wise inference; with the nominal OS
/// comparison beside it. Pure: it formats the numbers of a ``MonitoringAnalysis``.
public struct MonitorReport: Sendable, RenderedReport {
  /// What kind of analysis this is.
  public typealias Kind = MonitoringAnalysis.Kind

  /// The analysis.
  public let analysis: MonitoringAnalysis
  /// The design file's name.
  public let designFile: String
  /// What was read.
  public let input: InputSummary
  /// Calendar cut-off applied to the data, if any.
  public let cutoff: String?
  /// The osstats version.
  public let version: String
  /// The command line, for reproduction.
  public let command: String
  /// Warnings (also said on standard error by the CLI); the analysis's own to begin with.
  public var warnings: [String]

  /// A report; see the properties for each argument.
  public init(analysis: MonitoringAnalysis, designFile: String, input: InputSummary, cutoff: String?, version: String, command: String) {
    self.analysis = analysis
    self.designFile = designFile
    self.input = input
    self.cutoff = cutoff
    self.version = version
    self.command = command
    warnings = analysis.warnings
  }

  // MARK: - The analysis's quantities

  /// Interim, final or termination.
  public var kind: Kind { analysis.kind }
  /// The plan read from the design file.
  public var design: GroupSequentialDesign { analysis.design }
  /// The nominal comparison (arms in sorted order, the second compared with the first).
  public var comparison: TwoArmComparison { analysis.comparison }
  /// Index (0 or 1) of the experimental arm in `comparison.arms`.
  public var experimental: Int { analysis.experimental }
  /// One analysis per reading.
  public var readings: [SequentialAnalysis] { analysis.readings }
  /// The control arm's label.
  public var controlArm: String { analysis.controlArm }
  /// The experimental arm's label.
  public var experimentalArm: String { analysis.experimentalArm }
  /// Whether the log-rank test is stratified.
  public var stratified: Bool { analysis.stratified }
  /// The primary log-rank z in the favourable direction (stratified when the data have strata).
  public var favourableZ: Double { analysis.favourableZ }
  /// The unstratified log-rank z in the favourable direction.
  public var favourableZUnstratified: Double { analysis.favourableZUnstratified }
  /// Cox hazard ratio experimental : control with its limits.
  public var hazardRatio: (estimate: Double?, lower: Double?, upper: Double?) { analysis.hazardRatio }
  /// Observed events.
  public var events: Int { analysis.events }
  /// Patients analysed.
  public var patients: Int { analysis.patients }
  /// Observed events over the planned maximum.
  public var informationFraction: Double { analysis.informationFraction }

  static let signConvention =
    "z > 0 favours the experimental arm (fewer deaths than expected under H0); hazard ratios are experimental : control"

  private func readingTitle(_ a: SequentialAnalysis) -> String {
    switch a.reading {
    case .interim: "interim look at the observed information fraction (alpha spent as alpha(t))"
    case .final: "final analysis spending all remaining alpha"
    }
  }

  // MARK: - JSON

  private func readingJSON(_ a: SequentialAnalysis) -> JSONValue {
    let hypothetical = kind == .termination
    var cp: JSONValue = .null
    if a.conditionalPowerTrend != nil || a.conditionalPowerDesign != nil {
      cp = .object([
        ("trend", .number(a.conditionalPowerTrend)), ("design_hr", .number(a.conditionalPowerDesign)),
        ("design_hr_value", .number(a.designHazardRatio)), ("hypothetical", .bool(hypothetical)),
        ("remaining_events", .number(Double(design.maxEvents) - a.current.events)),
      ])
    }
    var inference: JSONValue = .null
    if let f = a.finalInference {
      inference = .object([
        ("ordering", .string("stage-wise")), ("p_value", .number(f.pValue)),
        ("median_unbiased_hr", .number(f.medianUnbiasedHR)), ("ci_lower", .number(f.lower)), ("ci_upper", .number(f.upper)),
        ("level", .number(f.level)),
      ])
    }
    return .object([
      ("reading", .string(a.reading.rawValue)), ("description", .string(readingTitle(a))),
      (
        "looks",
        .array(
          a.looks.map { l in
            .object([
              ("look", .int(l.number)), ("events", .number(l.events)), ("information_fraction", .number(l.informationFraction)),
              ("z", .number(l.z)), ("efficacy_z", .number(l.efficacyZ)), ("futility_z", .number(l.futilityZ)),
              ("nominal_p", .number(l.nominalP)), ("cumulative_alpha", .number(l.cumulativeAlpha)),
              ("hr", .number(l.hazardRatio)), ("rci_lower", .number(l.rciLower)), ("rci_upper", .number(l.rciUpper)),
              ("repeated_p", .number(l.repeatedP)), ("repeated_p_capped", .bool(l.repeatedPCapped)),
              ("decision", .string(l.decision.rawValue)),
            ])
          })
      ),
      ("decision", .string(a.current.decision.rawValue)),
      (
        "remaining_looks",
        .array(
          a.remaining.map { r in
            .object([
              ("look", .int(r.number)), ("information_fraction", .number(r.informationFraction)),
              ("events", .number(r.events)), ("efficacy_z", .number(r.efficacyZ)),
            ])
          })
      ),
      ("conditional_power", cp),
      ("predictive_power", .number(a.predictivePower)),
      ("final_inference", inference),
    ])
  }

  /// The JSON document.
  public func json() -> String { document.serialized() + "\n" }

  /// The JSON document as a value (the report module embeds it).
  public var document: JSONValue {
    let hr = hazardRatio
    let b = design.boundaries
    let designJSON: JSONValue = .object([
      ("spending", .string(b.efficacy.name)), ("spending_label", .string(b.efficacy.label)),
      ("alpha", .number(b.alpha)), ("sided", .int(b.sided)), ("power", .number(design.power)),
      ("hr", .number(design.hazardRatio)), ("information_fractions", .array(b.fractions.map { .number($0) })),
      ("efficacy_z", .array(b.efficacyZ.map { .number($0) })), ("max_events", .int(design.maxEvents)),
      ("patients", design.patients.map { .int($0) } ?? .null), ("strata", .array(design.strata.map { .string($0) })),
    ])
    let order = [1 - experimental, experimental]
    let byArm: [JSONValue] = order.map { i in
      .object([("arm", .string(comparison.arms[i])), ("patients", .int(comparison.patients[i])), ("events", .int(comparison.events[i]))])
    }
    let patientsJSON: JSONValue = .object([
      ("planned", design.patients.map { .int($0) } ?? .null), ("observed", .int(patients)), ("by_arm", .array(byArm)),
    ])
    let z = favourableZ
    let logrank: JSONValue = .object([
      ("z", .number(z)), ("p_one_sided", .number(analysis.pOneSided)), ("p_two_sided", .number(analysis.pTwoSided)),
      ("z_unstratified", .number(favourableZUnstratified)),
      ("p_two_sided_unstratified", .number(analysis.pTwoSidedUnstratified)),
    ])
    let logrankHR = analysis.logRankHazardRatio
    let method = "Cox (Efron ties)" + (comparison.coxStratified ? ", stratified" : "") + ", Wald interval"
    let hrJSON: JSONValue = .object([
      ("estimate", .number(hr.estimate)), ("lower", .number(hr.lower)), ("upper", .number(hr.upper)), ("level", .number(0.95)),
      ("method", .string(method)), ("logrank_based", .number(logrankHR)),
    ])
    let medians: [JSONValue] = order.map { i in
      .object([("arm", .string(comparison.arms[i])), ("median", .number(comparison.medians[i]))])
    }
    let governing: String? =
      kind == .termination
      ? "set by the protocol and statistical analysis plan; osstats reports both readings" : readings.first?.reading.rawValue
    var members: [(String, JSONValue)] = [
      ("analysis", .string("monitor")), ("osstats_version", .string(version)), ("command", .string(command)),
      ("kind", .string(kind.rawValue)), ("input", input.json), ("design_file", .string(designFile)), ("design", designJSON),
    ]
    members += [
      ("arms", .object([("control", .string(controlArm)), ("experimental", .string(experimentalArm))])),
      ("sign_convention", .string(Self.signConvention)), ("stratified", .bool(stratified)), ("cutoff", .string(cutoff)),
      ("patients", patientsJSON),
      ("events", .object([("planned_max", .int(design.maxEvents)), ("observed", .int(events))])),
      ("information_fraction", .number(informationFraction)),
      ("logrank", logrank), ("hazard_ratio", hrJSON), ("medians", .array(medians)),
    ]
    members += [
      ("readings", .array(readings.map(readingJSON))),
      // One verdict for an interim or final analysis; a termination analysis has one per reading.
      ("decision", .string(kind == .termination ? nil : readings.first?.current.decision.rawValue)),
      (
        "decisions",
        .object(readings.map { ($0.reading.rawValue, .string($0.current.decision.rawValue)) })
      ),
      ("governing_reading", .string(governing)),
      ("warnings", .array(warnings.map { .string($0) })),
    ]
    return .object(members)
  }

  // MARK: - Text and Markdown

  private func f(_ v: Double?) -> String { NumberFormat.significant(v, digits: 4) }

  private var headerLines: [String] {
    let b = design.boundaries
    let title: String
    switch kind {
    case .interim: title = "Group-sequential monitoring: interim analysis"
    case .final: title = "Group-sequential monitoring: final analysis"
    case .termination: title = "Termination analysis (trial stopped early for a reason other than a boundary)"
    }
    var out = [title] + input.textLines
    out.append(
      "Design: \(designFile): \(b.fractions.count) look\(b.fractions.count == 1 ? "" : "s") at t = \(b.fractions.map { f($0) }.joined(separator: ", ")), \(b.efficacy.label), alpha \(f(b.alpha)) \(b.sided == 1 ? "one-sided" : "two-sided"), power \(f(design.power)) at HR \(f(design.hazardRatio))")
    out.append("Arms: \(controlArm) (control) vs \(experimentalArm) (experimental)")
    if let cutoff { out.append("Data cut-off: \(cutoff)") }
    out.append(
      "Patients: \(patients)" + (design.patients.map { " of \($0) planned" } ?? "")
        + " (\(controlArm) \(comparison.patients[1 - experimental]), \(experimentalArm) \(comparison.patients[experimental]))")
    out.append(
      "Events: \(events) of \(design.maxEvents) planned (\(controlArm) \(comparison.events[1 - experimental]), \(experimentalArm) \(comparison.events[experimental])); information fraction \(f(informationFraction))")
    let test = stratified ? "Stratified log-rank" : "Log-rank"
    out.append(
      "\(test) z = \(f(favourableZ)), one-sided p = \(NumberFormat.pValue(analysis.pOneSided)), two-sided p = \(NumberFormat.pValue(analysis.pTwoSided))"
        + (stratified ? "; unstratified z = \(f(favourableZUnstratified))" : ""))
    let hr = hazardRatio
    out.append(
      "Hazard ratio (Cox, Efron\(comparison.coxStratified ? ", stratified" : "")): \(f(hr.estimate)) (95% CI \(f(hr.lower)) to \(f(hr.upper)))")
    out.append(
      "Median OS: " + [1 - experimental, experimental].map { "\(comparison.arms[$0]) \(comparison.medians[$0].map { f($0) } ?? "not reached")" }
        .joined(separator: "; "))
    out.append("(\(Self.signConvention))")
    return out
  }

  private func lookTable(_ a: SequentialAnalysis) -> TextTable {
    var t = TextTable(["Look", "Events", "Fraction", "z", "Boundary", "Nominal p", "Cum. alpha", "HR", "RCI", "Repeated p", "Decision"])
    for l in a.looks {
      t.add([
        String(l.number), f(l.events), f(l.informationFraction), String(format: "%.4f", l.z), String(format: "%.4f", l.efficacyZ),
        NumberFormat.pValue(l.nominalP), f(l.cumulativeAlpha), f(l.hazardRatio),
        "\(f(l.rciLower)) to \(f(l.rciUpper))", (l.repeatedPCapped ? ">= " : "") + f(l.repeatedP),
        l.decision.rawValue.replacingOccurrences(of: "_", with: " "),
      ])
    }
    return t
  }

  private func readingLines(_ a: SequentialAnalysis, index: Int) -> (title: String, notes: [String]) {
    var notes: [String] = []
    for r in a.remaining {
      let events = r.number <= design.lookEvents.count ? Double(design.lookEvents[r.number - 1]) : r.events
      notes.append("Planned look \(r.number) at t = \(f(r.informationFraction)) (\(f(events)) events): boundary z = \(String(format: "%.4f", r.efficacyZ))")
    }
    if a.conditionalPowerTrend != nil || a.conditionalPowerDesign != nil {
      let label = kind == .termination ? "Conditional power had the trial continued (hypothetical)" : "Conditional power"
      notes.append(
        "\(label): \(f(a.conditionalPowerTrend)) under the current trend, \(f(a.conditionalPowerDesign)) under the design HR \(f(a.designHazardRatio)); predictive power (flat prior) \(f(a.predictivePower))")
    }
    if let fi = a.finalInference {
      notes.append(
        "Stage-wise ordering: p = \(NumberFormat.pValue(fi.pValue)), median-unbiased HR \(f(fi.medianUnbiasedHR)) (\(f(100 * fi.level))% CI \(f(fi.lower)) to \(f(fi.upper)))")
    }
    return ("Reading \(index + 1): \(readingTitle(a))", notes)
  }

  /// Text for a terminal.
  public func text() -> String {
    var out = headerLines.joined(separator: "\n") + "\n"
    for (i, a) in readings.enumerated() {
      let r = readingLines(a, index: i)
      out += "\n" + r.title + "\n" + lookTable(a).render(indent: "  ") + r.notes.map { "  " + $0 + "\n" }.joined()
    }
    if kind == .termination {
      out += "\nWhich reading governs is set by the protocol and the statistical analysis plan; both are shown.\n"
    }
    for w in warnings { out += "Warning: \(w)\n" }
    return out
  }

  /// Markdown.
  public func markdown() -> String {
    var out = "# " + Markdown.escape(headerLines[0]) + "\n\n"
    out += headerLines.dropFirst().map { Markdown.escape($0) + "  " }.joined(separator: "\n") + "\n"
    for (i, a) in readings.enumerated() {
      let r = readingLines(a, index: i)
      out += "\n## " + Markdown.escape(r.title) + "\n\n" + lookTable(a).markdown() + "\n"
        + r.notes.map { Markdown.escape($0) + "  " }.joined(separator: "\n") + "\n"
    }
    if kind == .termination {
      out += "\nWhich reading governs is set by the protocol and the statistical analysis plan; both are shown.\n"
    }
    return out
  }

  /// One row per look and reading at full precision.
  public func csv() -> String {
    var out = "reading,look,events,information_fraction,z,efficacy_z,cumulative_alpha,hr,rci_lower,rci_upper,repeated_p,decision\r\n"
    for a in readings {
      for l in a.looks {
        out += [
          a.reading.rawValue, String(l.number), NumberFormat.full(l.events), NumberFormat.full(l.informationFraction),
          NumberFormat.full(l.z), NumberFormat.full(l.efficacyZ), NumberFormat.full(l.cumulativeAlpha),
          NumberFormat.full(l.hazardRatio), NumberFormat.full(l.rciLower), NumberFormat.full(l.rciUpper),
          NumberFormat.full(l.repeatedP), l.decision.rawValue,
        ].joined(separator: ",") + "\r\n"
      }
    }
    return out
  }
}
