import ArgumentParser
import Foundation
import Survival
import SurvivalReport
import TrialDesign

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write the OS comparison report (HTML, Markdown or JSON) for the primary endpoint or an interim or termination analysis.",
    discussion: """
      One self-contained HTML file (inline SVG plots and styles, no scripts, no network; prints \
      cleanly to A4 or Letter), Markdown with the plots as SVG files beside it, or JSON with \
      every number. Contents: Kaplan-Meier plot by arm with censor marks, medians and a \
      KMunicate-style table (at risk, deaths, censored) under the axis; patients, deaths and \
      censored per arm; median OS with its 95% CI (method named); OS at landmark times; hazard \
      ratio unstratified and stratified with log-rank p-values; RMST difference; median \
      follow-up by reverse Kaplan-Meier; the proportional-hazards test; a forest plot by stratum \
      and subgroup with interaction p-values; for --kind interim or termination (with --design) \
      the boundary plot and table, decision, conditional power (hypothetical after termination) \
      and repeated CIs; with --competing, the cumulative incidence of each first-event cause by \
      arm (Aalen-Johansen, as survfit) with its plot and Gray's test; with --start, (start, stop] \
      rows (delayed entry) in every analysis, the log-rank test then being the Cox score test \
      with Breslow ties (R's survdiff does not take such data); and a reproducibility section (file, SHA-256, rows, command, version, \
      methods). A data set with a 'simulated' column saying yes is labelled simulated throughout.

      The report computes nothing of its own: every number is that of osstats km, logrank, cox \
      and monitor. The same input gives the same bytes unless --timestamp is given.

      Examples:
        osstats report Datasets/aml.csv --group x --output aml.html
        osstats report Datasets/simulated_trial_73.csv --group arm --strata stratum --output primary.md
        osstats report Datasets/simulated_trial_73.csv --group arm --design Datasets/design_simulated_trial.json --kind termination --output termination.html
        osstats report Datasets/simulated_trial_73_competing.csv --group arm --competing first_event --competing-time first_event_time --output efs.html
        osstats report grid.json --output power.html   (grid.json from osstats simulate --design ... --hr 0.5:1:0.05 --format json)
      """
  )

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case primary, interim, termination
  }

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case html, markdown, json
  }

  @OptionGroup var input: InputOptions

  @OptionGroup var groups: GroupOptions

  @Option(help: "Stratification columns (default: the design's strata, if a design is given). Example: --strata stratum")
  var strata: NameList?

  @Option(help: "The design file written by osstats design (needed for interim and termination reports). Example: --design design.json")
  var design: String?

  @Option(help: "primary (default), interim or termination. Example: --kind termination")
  var kind: Kind = .primary

  @Option(help: "Subgroup columns for the forest plot (strata are always included). Example: --subgroups sex,age_group")
  var subgroups: NameList?

  @Option(parsing: .unconditional, help: "Landmark times for OS estimates (default 6,12,24). Example: --landmarks 6,12,24")
  var landmarks: NumberList?

  @OptionGroup var arm: ExperimentalArmOption

  @Option(
    name: .customLong("time-unit"),
    help: "Unit of the time column, for labels and axis ticks (default: the ADaM AVALU value, else months). Example: --time-unit days"
  )
  var timeUnit: String?

  @OptionGroup var previousLooks: PreviousLooksOption

  @Option(help: "Entry-time column: each row is a (start, time] interval, at risk only after its start (delayed entry); every analysis uses counting-process risk sets. Example: --start entry_time")
  var start: String?

  @Option(
    help: "Competing-risks section: the column with the cause of each patient's first event (0 censored, 1, 2, ... the causes, e.g. relapse and death without relapse), shown as cumulative incidence by arm with Gray's test. Example: --competing efs_cause"
  )
  var competing: String?

  @Option(name: .customLong("competing-time"), help: "Time column of the --competing status (default: the OS time column). Example: --competing-time efs_time")
  var competingTime: String?

  @Option(name: .customLong("censor-value"), help: "The value of the --competing column that is censored. Example: --censor-value 0")
  var censorValue = "0"

  @Flag(name: .customLong("confidence-bands"), help: "Draw pointwise 95% confidence bands on the Kaplan-Meier plot. Example: --confidence-bands")
  var confidenceBands = false

  @Flag(name: .customLong("at-risk-only"), help: "Show only the number at risk under the plot (not deaths and censored). Example: --at-risk-only")
  var atRiskOnly = false

  @Flag(help: "Label the data as simulated even without a 'simulated' column. Example: --simulated")
  var simulated = false

  @Flag(help: "Add the generation time (UTC); without it the output is deterministic. Example: --timestamp")
  var timestamp = false

  @Option(help: "html, markdown or json (default: from the --output extension, else html). Example: --format markdown")
  var format: Format?

  @Option(help: "Write to this file (Markdown: the SVG plots are written beside it). Example: --output report.html")
  var output: String?

  func validate() throws {
    if kind != .primary && design == nil { throw ValidationError("--kind \(kind.rawValue) needs --design") }
    if previousLooks.previousLooks != nil && kind == .primary { throw ValidationError("--previous-looks is for --kind interim or termination") }
    if resolvedFormat == .markdown && (output == nil || output == "-") {
      throw ValidationError("a Markdown report needs --output FILE.md: its plots are written beside it")
    }
    if let l = landmarks?.values, l.contains(where: { $0 < 0 }) { throw ValidationError("--landmarks must not be negative") }
    if competing == nil && competingTime != nil { throw ValidationError("--competing-time is the time of the --competing status; name that column too") }
  }

  var resolvedFormat: Format {
    if let format { return format }
    switch URL(fileURLWithPath: output ?? "").pathExtension.lowercased() {
    case "md", "markdown": return .markdown
    case "json": return .json
    default: return .html
    }
  }

  func run() throws {
    try reportingFailures {
      if input.file.lowercased().hasSuffix(".json") { return try simulationReport() }
      let loadedDesign = try design.map { try Monitor.loadDesign($0) }
      var settings = OverallSurvivalReport.Settings()
      settings.kind = OverallSurvivalReport.Kind(rawValue: kind.rawValue) ?? .primary
      settings.experimental = arm.experimental
      settings.strata = strata?.values ?? loadedDesign?.design.strata ?? []
      settings.subgroups = subgroups?.values ?? []
      settings.landmarks = landmarks?.values ?? settings.landmarks
      settings.timeUnit = timeUnit
      settings.simulated = simulated
      settings.design = loadedDesign.map { ($0.design, design ?? "", $0.warnings) }
      settings.previousLooks = previousLooks.looks
      settings.competing = competing.map { ($0, competingTime, censorValue) }
      settings.start = start
      settings.command = commandLine()
      settings.experimentalHint = "--experimental, or experimental_arm in the design file"
      settings.timestamp = timestamp ? ISO8601DateFormatter().string(from: Date()) : nil
      let (loaded, summary) = try input.load(
        groups: groups, entry: start, strata: settings.strata, optional: OverallSurvivalReport.optionalColumns(settings),
        extraOptions: start.map { [$0: "--start"] } ?? [:])
      var report: OverallSurvivalReport
      do throws(OverallSurvivalReport.BuildError) {
        report = try OverallSurvivalReport(loaded: loaded, input: summary, settings: settings, version: osstatsVersion)
      } catch {
        let place = input.displayName
        switch error {
        case .noGroup: throw Failure(ExitStatus.usage, "\(place): a report compares two arms: name the group column with --group")
        case .unknownExperimental, .needsDesign: throw Failure(ExitStatus.usage, "\(place): \(error)")
        case .noSubgroupColumn: throw Failure(ExitStatus.usage, "\(place):1:1: \(error); name it with --subgroups")
        case .subgroupNotCategorical: throw Failure(ExitStatus.usage, "\(place): \(error)")
        case .notTwoArms, .comparison, .monitoring, .table: throw Failure(ExitStatus.data, "\(place): \(error)")
        case .entry(let e): throw Failure(e, file: place)
        case .competing(let e):
          throw Failure(e.kind == .usage ? ExitStatus.usage : ExitStatus.data, "\(place)\(e.line > 0 ? ":\(e.line):\(e.column)" : ""): --competing: \(e.message)")
        }
      }
      report.confidenceBands = confidenceBands
      report.extendedRiskTable = !atRiskOnly
      let writer = OutputOptions(format: nil, output: output)
      switch resolvedFormat {
      case .html: try writer.write(report.html())
      case .json: try writer.write(report.json())
      case .markdown:
        let path = output ?? "report.md"
        let url = URL(fileURLWithPath: path)
        report.plotBaseName = url.deletingPathExtension().lastPathComponent
        let rendered = report.markdown()
        // The page and its plots are written together: all of them or none.
        let plots = rendered.files.map { (url.deletingLastPathComponent().appendingPathComponent($0.name).path, $0.contents) }
        if output == nil || output == "-" {
          try OutputOptions.writeFiles(plots)
          try writer.write(rendered.text)
        } else {
          try OutputOptions.writeFiles(plots + [(path, rendered.text)])
        }
      }
      for w in report.allWarnings { warn(w) }
    }
  }

  /// The page of a simulated monitoring plan: DATA is the JSON of osstats simulate --design.
  private func simulationReport() throws {
    let bytes: Data
    do {
      bytes = try Data(contentsOf: URL(fileURLWithPath: input.file))
    } catch {
      throw Failure(ExitStatus.noInput, "\(input.file): cannot read: \(error.localizedDescription)")
    }
    let page: SimulationGridReport
    do {
      page = try SimulationGridReport(json: bytes, source: input.file, version: osstatsVersion)
    } catch {
      let hint = error.otherAnalysis ? "; write it with osstats simulate --design FILE --format json" : ""
      throw Failure(ExitStatus.data, error.description + hint)
    }
    let writer = OutputOptions(format: nil, output: output)
    switch resolvedFormat {
    case .html: try writer.write(page.html())
    case .json:
      throw Failure(ExitStatus.usage, "\(input.file): a simulation report is HTML or Markdown; the JSON is the simulation's own output")
    case .markdown:
      let path = output ?? "report.md"
      let url = URL(fileURLWithPath: path)
      let rendered = page.markdown(plotBaseName: url.deletingPathExtension().lastPathComponent)
      let plots = rendered.files.map { (url.deletingLastPathComponent().appendingPathComponent($0.name).path, $0.contents) }
      try OutputOptions.writeFiles(plots + [(path, rendered.text)])
    }
    for w in page.warnings { warn(w) }
  }
}
