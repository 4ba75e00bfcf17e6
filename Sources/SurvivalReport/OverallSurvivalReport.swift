import Foundation
import Survival
import TrialDesign

/// The OS comparison report for a primary-endpoint, interim or termination analysis, rendered as
/// one self-contained HTML page with inline SVG, as Markdown with the plots as separate SVG files,
/// or as JSON with every number. Pure: it formats the results it is given
/// (``OverallSurvivalComparison`` and, for interim and termination reports, a ``MonitorReport``)
/// and computes nothing itself. The same input gives the same bytes; a timestamp appears only
/// when one is given.
public struct OverallSurvivalReport: Sendable {
  /// Which analysis the report is.
  public enum Kind: String, Sendable, CaseIterable {
    case primary, interim, termination
  }

  /// Primary, interim or termination.
  public let kind: Kind
  /// The core's results.
  public let comparison: OverallSurvivalComparison
  /// The monitoring analysis (interim and termination reports).
  public let monitoring: MonitorReport?
  /// What was read.
  public let input: InputSummary
  /// Stratification columns (of the stratified log-rank test and Cox model).
  public let strata: [String]
  /// The unit of the time column, for labels ("months").
  public let timeUnit: String
  /// Whether the data are simulated (a `simulated` column saying yes on every row): the report
  /// then says so in its title and banner.
  public let simulated: Bool
  /// The osstats version.
  public let version: String
  /// The command line, for reproduction.
  public let command: String
  /// Shown only when given, so that output is otherwise deterministic.
  public let timestamp: String?
  /// Draw pointwise confidence bands on the Kaplan–Meier plot.
  public var confidenceBands = false
  /// KMunicate-style table (at risk, events, censored) under the plot.
  public var extendedRiskTable = true
  /// Base name of the SVG files written beside a Markdown report.
  public var plotBaseName = "report"
  /// Warnings to show in the report (and its JSON): about the input, the arms, the design.
  public var warnings: [String] = []
  /// The competing-risks section (cumulative incidence of each first-event cause by arm).
  public var competing: CompetingRisksSummary?

  /// A report; see the properties for each argument.
  public init(
    kind: Kind, comparison: OverallSurvivalComparison, monitoring: MonitorReport?, input: InputSummary, strata: [String],
    timeUnit: String = "months", simulated: Bool, version: String, command: String, timestamp: String? = nil
  ) {
    self.kind = kind
    self.comparison = comparison
    self.monitoring = monitoring
    self.input = input
    self.strata = strata
    self.timeUnit = timeUnit
    self.simulated = simulated
    self.version = version
    self.command = command
    self.timestamp = timestamp
  }

  // MARK: - Orientation and formatting

  var c: OverallSurvivalComparison { comparison }
  var km: KaplanMeierAnalysis { c.kaplanMeier }
  /// Arms in report order: control, then experimental.
  var order: [Int] { [c.control, c.experimental] }
  var arms: [String] { order.map { c.data.groupLabels[$0] } }

  /// The heading, marked when the data are simulated.
  public var title: String {
    let base: String
    switch kind {
    case .primary: base = "Overall survival: primary endpoint analysis"
    case .interim: base = "Overall survival: interim analysis"
    case .termination: base = "Overall survival: termination analysis"
    }
    return simulated ? base + " (SIMULATED DATA)" : base
  }

  /// Numbers as the report prints them (a test reads the same functions).
  public enum Format {
    /// Times and medians: one decimal.
    public static func time(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "NR" }
    /// Hazard ratios and their limits: two decimals.
    public static func ratio(_ v: Double?) -> String { v.flatMap { $0.isFinite ? String(format: "%.2f", $0) : nil } ?? "NE" }
    /// Survival probabilities as percentages with one decimal.
    public static func percent(_ v: Double?) -> String { v.flatMap { $0.isFinite ? String(format: "%.1f%%", 100 * $0) : nil } ?? "NE" }
    /// p-values: "< 0.001" below 0.001, else three decimals (four below 0.01).
    public static func p(_ v: Double?) -> String {
      guard let v, v.isFinite else { return "NE" }
      if v < 0.001 { return "< 0.001" }
      return String(format: v < 0.01 ? "%.4f" : "%.3f", v)
    }
    /// Statistics: three decimals.
    public static func statistic(_ v: Double?) -> String { v.flatMap { $0.isFinite ? String(format: "%.3f", $0) : nil } ?? "NE" }
    /// An interval "(a to b)".
    public static func interval(_ a: String, _ b: String) -> String { "\(a) to \(b)" }
  }

  typealias F = Format

  // MARK: - Content shared by HTML and Markdown

  struct Table {
    var caption: String
    var header: [String]
    var rows: [[String]]
    var note: String?
  }

  struct Section {
    var id: String
    var heading: String
    var paragraphs: [String] = []
    var tables: [Table] = []
    var figure: (name: String, caption: String)?
  }

  var confidenceMethod: String {
    let level = NumberFormat.significant(100 * km.options.confidenceLevel)
    return "\(level)% CI by the \(km.options.confidenceType.rawValue) transform (R survfit's default; Brookmeyer–Crowley for the median)"
  }

  var primaryLogRank: LogRankTest { c.stratifiedLogRank ?? c.logRank }
  var primaryHazardRatio: OverallSurvivalComparison.HazardRatio? { c.stratifiedHazardRatio ?? c.hazardRatio }
  /// " stratified by X" when the stratified analyses exist (strata with more than one level).
  var stratifiedLabel: String { c.stratifiedLogRank == nil ? "" : " stratified by \(strata.joined(separator: ", "))" }

  /// Every warning: those given and those of the analyses.
  public var allWarnings: [String] {
    var out = warnings
    if !strata.isEmpty && c.stratifiedLogRank == nil {
      out.append("the strata \(strata.joined(separator: ", ")) have one level in these data: every analysis is unstratified")
    }
    let longest = km.groups.compactMap(\.curve.time.last).max() ?? 0
    if timeUnit == "months" && longest > 240 {
      out.append("follow-up reaches \(NumberFormat.significant(longest)) months (over 20 years): is the time column in months? Say its unit (the time-unit setting)")
    }
    for s in c.subgroups where s.missing > 0 {
      out.append("subgroup \(s.name): \(s.missing) patient\(s.missing == 1 ? "" : "s") with no value left out of that analysis only")
    }
    return out
  }

  var keyFindings: [String] {
    var out: [String] = []
    let counts = order.map { i in "\(c.data.groupLabels[i]): \(km.groups[i].curve.n) patients, \(km.groups[i].curve.events) deaths" }
    out.append(counts.joined(separator: "; ") + ".")
    let medians = order.map { i in
      let m = km.groups[i].median
      return "\(c.data.groupLabels[i]) \(F.time(m.time)) (\(F.interval(F.time(m.lower), F.time(m.upper))))"
    }
    out.append("Median OS (\(timeUnit), 95% CI): " + medians.joined(separator: "; ") + ".")
    if let hr = primaryHazardRatio {
      out.append(
        "Hazard ratio \(c.experimentalLabel) vs \(c.controlLabel)\(stratifiedLabel): \(F.ratio(hr.estimate)) (95% CI \(F.interval(F.ratio(hr.lower), F.ratio(hr.upper)))).")
    }
    out.append("Log-rank test\(stratifiedLabel): chi-square \(F.statistic(primaryLogRank.chiSquare)) on \(primaryLogRank.df) df, p = \(F.p(primaryLogRank.p)) (two-sided).")
    if let m = monitoring {
      let decisions = m.readings.map { a in
        "\(a.reading == .interim ? "as an interim look" : "as the final analysis"): boundary z = \(F.statistic(a.current.efficacyZ)), \(a.current.decision.rawValue.replacingOccurrences(of: "_", with: " "))"
      }
      out.append(
        "Information fraction \(NumberFormat.significant(m.informationFraction)) (\(m.events) of \(m.design.maxEvents) planned deaths); log-rank z = \(F.statistic(m.favourableZ)); "
          + decisions.joined(separator: "; ") + ".")
    }
    if simulated { out.append("These are simulated data, not trial results.") }
    return out
  }

  var sections: [Section] {
    var out: [Section] = []
    out.append(
      Section(
        id: "km", heading: "Kaplan–Meier estimates of overall survival",
        paragraphs: [
          "Step curves by arm with censoring marks (+), medians marked; the table under the axis gives the number at risk at each tick and the cumulative deaths and censored before it."
        ], figure: (name: "km", caption: "Overall survival by arm (Kaplan–Meier). Time in \(timeUnit) since randomisation.")))

    var counts = Table(caption: "Patients, deaths and censored by arm", header: ["Arm", "Patients", "Deaths", "Censored"], rows: [])
    for i in order {
      let g = km.groups[i].curve
      counts.rows.append([c.data.groupLabels[i], String(g.n), String(g.events), String(g.n - g.events)])
    }
    let total = c.data.count
    let deaths = c.data.event.filter { $0 }.count
    counts.rows.append(["Total", String(total), String(deaths), String(total - deaths)])

    var medians = Table(
      caption: "Median overall survival (\(timeUnit))", header: ["Arm", "Median", "95% CI"], rows: [], note: confidenceMethod)
    for i in order {
      let m = km.groups[i].median
      medians.rows.append([c.data.groupLabels[i], F.time(m.time), F.interval(F.time(m.lower), F.time(m.upper))])
    }
    medians.note! += ". NR: not reached."

    var landmarks = Table(
      caption: "Overall survival at landmark times", header: ["Arm"] + km.options.times.map { "\(NumberFormat.significant($0)) \(timeUnit)" }, rows: [],
      note: "Kaplan–Meier estimate (95% CI, \(km.options.confidenceType.rawValue) transform; Greenwood variance); number at risk in brackets.")
    for i in order {
      landmarks.rows.append(
        [c.data.groupLabels[i]]
          + km.groups[i].atTimes.map { s in
            s.beyondFollowUp
              ? "beyond follow-up"
              : "\(F.percent(s.survival)) (\(F.interval(F.percent(s.lower), F.percent(s.upper)))) [\(s.nRisk)]"
          })
    }
    out.append(Section(id: "tables", heading: "Patients, medians and landmark survival", tables: [counts, medians, landmarks]))
    if let section = competingSection { out.append(section) }

    var effect = Table(
      caption: "Treatment effect: \(c.experimentalLabel) vs \(c.controlLabel)", header: ["Analysis", "Hazard ratio", "95% CI", "p"], rows: [],
      note: "Cox proportional hazards, Efron ties, Wald interval and p; log-rank p two-sided.")
    if let hr = c.hazardRatio {
      effect.rows.append(["Cox, unstratified", F.ratio(hr.estimate), F.interval(F.ratio(hr.lower), F.ratio(hr.upper)), F.p(hr.p)])
    }
    if let hr = c.stratifiedHazardRatio {
      effect.rows.append(["Cox,\(stratifiedLabel)", F.ratio(hr.estimate), F.interval(F.ratio(hr.lower), F.ratio(hr.upper)), F.p(hr.p)])
    }
    effect.rows.append(["Log-rank, unstratified", "", "", F.p(c.logRank.p)])
    if let s = c.stratifiedLogRank { effect.rows.append(["Log-rank,\(stratifiedLabel)", "", "", F.p(s.p)]) }
    var tables = [effect]
    if let d = km.restrictedMeanDifference {
      // The analysis reports the second arm minus the first; orient it as experimental − control.
      let sign = c.experimental == 1 ? 1.0 : -1.0
      let lo = sign > 0 ? d.lower : -d.upper
      let hi = sign > 0 ? d.upper : -d.lower
      tables.append(
        Table(
          caption: "Restricted mean survival time to \(F.time(km.tau)) \(timeUnit)",
          header: ["Arm", "RMST", "95% CI"],
          rows: order.map { i in
            let r = km.groups[i].restrictedMean
            return [c.data.groupLabels[i], F.time(r.estimate), F.interval(F.time(r.lower), F.time(r.upper))]
          } + [["Difference (experimental − control)", F.time(sign * d.difference), F.interval(F.time(lo), F.time(hi))]],
          note: "τ = \(F.time(km.tau)): \(km.tauRule). Difference p = \(F.p(d.p))."))
    }
    var followUp = Table(
      caption: "Median follow-up (reverse Kaplan–Meier, \(timeUnit))", header: ["Group", "Median follow-up", "95% CI"], rows: [],
      note: "Censoring taken as the event (Schemper & Smith 1996).")
    for i in order {
      let f = km.groups[i].followUp
      followUp.rows.append([c.data.groupLabels[i], F.time(f.time), F.interval(F.time(f.lower), F.time(f.upper))])
    }
    let all = km.followUpOverall
    followUp.rows.append(["All patients", F.time(all.time), F.interval(F.time(all.lower), F.time(all.upper))])
    tables.append(followUp)
    if let ph = c.proportionalHazards {
      tables.append(
        Table(
          caption: "Proportional-hazards check", header: ["Test", "Chi-square", "df", "p"],
          rows: [["Score test (cox.zph, km transform), unstratified model", F.statistic(ph.global.statistic), String(ph.global.df), F.p(ph.global.p)]],
          note: "A small p suggests the hazard ratio changes over time; the RMST difference does not assume proportional hazards."))
    }
    out.append(Section(id: "effect", heading: "Treatment effect", tables: tables))

    if !forestRows.isEmpty {
      var subgroupTable = Table(
        caption: "Hazard ratios by subgroup", header: ["Subgroup", "Patients", "Deaths", "Hazard ratio (95% CI)", "Interaction p"], rows: [],
        note: "Cox model within each level (Efron ties); interaction p from the likelihood-ratio test of arm × subgroup.")
      for s in c.subgroups {
        let missing = s.missing > 0 ? " (\(s.missing) missing)" : ""
        subgroupTable.rows.append([s.name + missing, "", "", "", F.p(s.interaction?.p)])
        for l in s.levels {
          let hr = l.hazardRatio.map { "\(F.ratio($0.estimate)) (\(F.interval(F.ratio($0.lower), F.ratio($0.upper))))" } ?? "not estimable"
          subgroupTable.rows.append([Self.levelMark + l.level, String(l.patients), String(l.events), hr, ""])
        }
      }
      out.append(
        Section(
          id: "forest", heading: "Hazard ratio overall and by subgroup", tables: [subgroupTable],
          figure: (name: "forest", caption: "Hazard ratios (log scale) with 95% CIs; squares sized by deaths.")))
    }

    if let m = monitoring {
      var sectionTables: [Table] = []
      for (index, a) in m.readings.enumerated() {
        let interval =
          a.reading == .final
          ? "\(NumberFormat.significant(100 * (1 - 2 * m.design.boundaries.alpha / Double(m.design.boundaries.sided))))% CI" : "Repeated CI"
        var t = Table(
          caption: "Reading \(index + 1): \(readingTitle(a))",
          header: ["Look", "Deaths", "Information fraction", "z", "Boundary z", "Cumulative alpha", "HR", interval, "Decision"], rows: [])
        for l in a.looks {
          t.rows.append([
            String(l.number), NumberFormat.significant(l.events), NumberFormat.significant(l.informationFraction),
            F.statistic(l.z), F.statistic(l.efficacyZ), NumberFormat.significant(l.cumulativeAlpha), F.ratio(l.hazardRatio),
            F.interval(F.ratio(l.rciLower), F.ratio(l.rciUpper)), l.decision.rawValue.replacingOccurrences(of: "_", with: " "),
          ])
        }
        for r in a.remaining {
          let planned = r.number <= m.design.lookEvents.count ? Double(m.design.lookEvents[r.number - 1]) : r.events
          t.rows.append([
            "\(r.number) (planned)", NumberFormat.significant(planned), NumberFormat.significant(r.informationFraction), "",
            F.statistic(r.efficacyZ), "", "", "", "",
          ])
        }
        var notes: [String] = []
        if a.conditionalPowerTrend != nil || a.conditionalPowerDesign != nil {
          let label = kind == .termination ? "Conditional power had the trial continued (hypothetical)" : "Conditional power"
          notes.append(
            "\(label): \(F.percent(a.conditionalPowerTrend)) under the current trend, \(F.percent(a.conditionalPowerDesign)) under the design HR \(F.ratio(a.designHazardRatio)); predictive power (flat prior) \(F.percent(a.predictivePower)).")
        }
        if let f = a.finalInference {
          notes.append(
            "Stage-wise ordering: p = \(F.p(f.pValue)) (one-sided); median-unbiased HR \(F.ratio(f.medianUnbiasedHR)) (\(NumberFormat.significant(100 * f.level))% CI \(F.interval(F.ratio(f.lower), F.ratio(f.upper)))).")
        }
        t.note = notes.isEmpty ? nil : notes.joined(separator: " ")
        sectionTables.append(t)
      }
      let b = m.design.boundaries
      var paragraphs = [
        "Design: \(b.fractions.count) looks at information fractions \(b.fractions.map { NumberFormat.significant($0) }.joined(separator: ", ")), \(b.efficacy.label), one-sided alpha \(NumberFormat.significant(b.alpha / Double(b.sided))), power \(F.percent(m.design.power)) at HR \(F.ratio(m.design.hazardRatio)); \(m.design.maxEvents) deaths\(m.design.patients.map { " and \($0) patients" } ?? "") planned.",
        "Observed: \(m.patients) patients, \(m.events) deaths; information fraction \(NumberFormat.significant(m.informationFraction)). Log-rank z = \(F.statistic(m.favourableZ)) (\(MonitorReport.signConvention)).",
      ]
      if kind == .termination {
        paragraphs.append(
          "The trial stopped for a reason other than a boundary. Two readings are shown: an interim look at the observed information, and a final analysis spending all remaining alpha. Which governs is set by the protocol and statistical analysis plan; conditional power is hypothetical.")
      }
      out.append(
        Section(
          id: "sequential", heading: kind == .termination ? "Termination analysis against the group-sequential design" : "Group-sequential monitoring",
          paragraphs: paragraphs, tables: sectionTables,
          figure: (
            name: "boundaries",
            caption: kind == .termination
              ? "Efficacy boundary (z) against the information fraction read as an interim look (line), the boundary if read as the final analysis (open diamond), and the observed z."
              : "Efficacy boundary (z) against the information fraction, with the observed z.")))
    }
    return out
  }

  /// Marks a table's first cell as a subgroup level (indented in HTML and Markdown).
  static let levelMark = "\u{2003}"

  func readingTitle(_ a: SequentialAnalysis) -> String {
    switch a.reading {
    case .interim: "interim look at the observed information fraction"
    case .final: "final analysis spending all remaining alpha"
    }
  }

  var reproducibility: [(String, String)] {
    var rows: [(String, String)] = [
      ("Input file", input.file), ("SHA-256", input.sha256),
      ("Rows", "\(input.loaded.rowsRead) read, \(input.rowsUsed) analysed, \(input.loaded.exclusions.count) excluded"),
    ]
    if !input.loaded.exclusions.isEmpty {
      rows.append(
        ("Exclusions", input.loaded.exclusions.prefix(20).map { "\(input.loaded.table.format.isSAS ? "record" : "line") \($0.line): \($0.reason)" }.joined(separator: "; ")
          + (input.loaded.exclusions.count > 20 ? "; …" : "")))
    }
    if !input.loaded.filtered.isEmpty {
      rows.append(("Filters", input.loaded.filtered.map { "\($0.filter) (removed \($0.rows))" }.joined(separator: "; ")))
    }
    rows += [
      ("Columns", input.loaded.mapping.description), ("Command", command), ("Software", "osstats \(version)"),
    ]
    if let m = monitoring { rows.append(("Design file", m.designFile)) }
    if let timestamp { rows.append(("Generated", timestamp)) }
    return rows
  }

  var methods: [String] {
    var out = [
      "Kaplan–Meier estimates with Greenwood variance; pointwise intervals by the \(km.options.confidenceType.rawValue) transform; medians and their CIs as R's quantile.survfit (Brookmeyer–Crowley).",
      "Log-rank test (survdiff), two-sided\(strata.isEmpty ? "" : "; stratified by \(strata.joined(separator: ", ")) as the primary test").",
      "Cox proportional hazards with Efron ties (R coxph's default), Wald intervals; hazard ratios are \(c.experimentalLabel) : \(c.controlLabel).",
      "Restricted mean survival time to τ with the survRM2 variance; median follow-up by reverse Kaplan–Meier.",
      "Proportional-hazards score test of cox.zph (survival 3.x, km transform).",
    ]
    if c.entry != nil {
      out.append(
        "Delayed entry: every row is a (start, stop] interval at risk only after its start (left truncation, or a time-dependent arm), with counting-process risk sets throughout (survfit and coxph of Surv(start, stop, event)); the log-rank statistic uses the hypergeometric variance on those risk sets (R's survdiff does not take such data; without tied event times it equals coxph's Breslow score test).")
    }
    if competing != nil {
      out.append(
        "Competing risks: Aalen–Johansen cumulative incidence of each first-event cause with infinitesimal-jackknife standard errors (R survival's survfit with a factor status); Gray's test (cmprsk's cuminc, rho = 0).")
    }
    if monitoring != nil {
      out.append(
        "Boundaries by the Armitage–McPherson–Rowe recursion, recomputed at the observed information (alpha spent at earlier looks kept); repeated confidence intervals (Jennison & Turnbull); conditional power by the same recursion; stage-wise ordering p-value and median-unbiased estimate after a boundary crossing or at the final analysis.")
    }
    out.append(
      "The estimators are tested against R survival 3.5 and rpact 3.3.4 (predictive power against its closed form; classical boundaries at unplanned information against mvtnorm); see the osstats repository's Datasets/References.")
    return out
  }

  // MARK: - Plots

  /// The plots as (name, SVG), in the order the report shows them.
  public func plots() -> [(name: String, svg: String)] {
    let label = "\(timeUnit.prefix(1).uppercased() + timeUnit.dropFirst()) since randomisation"
    let maximum = km.groups.compactMap(\.curve.time.last).max() ?? 0
    var ticks = timeUnit == "months" ? AxisTicks.months(maximum: maximum) : AxisTicks.nice(lower: 0, upper: maximum, maxTicks: 8).filter { $0 <= maximum }
    // The axis runs on to the next tick, so that a curve's last step is not drawn on the frame.
    if ticks.count >= 2, let last = ticks.last, last < maximum { ticks.append(last + (ticks[1] - ticks[0])) }
    let groups = order.map { km.groups[$0] }
    let kmPlot = KaplanMeierPlot(
      title: nil, xLabel: label, yLabel: "Overall survival", arms: groups.map { KaplanMeierPlot.Arm(group: $0, ticks: ticks) },
      ticks: ticks, riskTable: extendedRiskTable ? .kmunicate : .numberAtRisk, showConfidenceBands: confidenceBands)
    var out: [(String, String)] = [("km", kmPlot.svg())]
    if let cif = competingPlot(xLabel: label, ticks: ticks) { out.append(cif) }
    if !forestRows.isEmpty {
      let forest = ForestPlot(rows: forestRows, experimentalName: c.experimentalLabel, controlName: c.controlLabel)
      out.append(("forest", forest.svg()))
    }
    if let m = monitoring {
      let b = m.design.boundaries
      let reading = m.readings.first
      var looks = (reading?.looks ?? []).map {
        BoundaryPlot.Look(informationFraction: $0.informationFraction, efficacy: $0.efficacyZ, futility: $0.futilityZ)
      }
      looks += (reading?.remaining ?? []).map { r in
        let futility = r.number <= b.futilityZ.count ? b.futilityZ[r.number - 1] : nil
        return BoundaryPlot.Look(informationFraction: r.informationFraction, efficacy: r.efficacyZ, futility: futility)
      }
      let planned = b.fractions.indices.map {
        BoundaryPlot.Look(informationFraction: b.fractions[$0], efficacy: b.efficacyZ[$0], futility: b.futilityZ[$0])
      }
      let observed = (reading?.looks ?? []).map {
        BoundaryPlot.Observation(informationFraction: $0.informationFraction, z: $0.z, label: "observed")
      }
      var plot = BoundaryPlot(
        looks: looks.isEmpty ? planned : looks, observations: observed, observedInformationFraction: m.informationFraction)
      // A termination report also shows the boundary of its other reading: the final analysis.
      if m.readings.count > 1, let final = m.readings.last, final.reading == .final {
        plot.markers = [
          BoundaryPlot.Observation(
            informationFraction: final.current.informationFraction, z: final.current.efficacyZ,
            label: "final reading: \(F.statistic(final.current.efficacyZ))")
        ]
        plot.markerLegend = "Boundary if read as the final analysis"
      }
      out.append(("boundaries", plot.svg()))
    }
    return out
  }

  var forestRows: [ForestPlot.Row] {
    guard !c.subgroups.isEmpty else { return [] }
    var rows: [ForestPlot.Row] = []
    let overall = primaryHazardRatio
    rows.append(
      ForestPlot.Row(
        kind: .overall, label: "All patients", sublabel: "n = \(c.data.count), \(c.data.event.filter { $0 }.count) deaths",
        hazardRatio: overall?.estimate, lower: overall?.lower, upper: overall?.upper))
    for s in c.subgroups {
      rows.append(.header(s.name, interactionPValue: s.interaction.map { F.p($0.p) }))
      for l in s.levels {
        rows.append(
          ForestPlot.Row(
            label: l.level, sublabel: "n = \(l.patients), \(l.events) deaths", hazardRatio: l.hazardRatio?.estimate,
            lower: l.hazardRatio?.lower, upper: l.hazardRatio?.upper, weight: Double(max(l.events, 1))))
      }
    }
    return rows
  }
}
