import ArgumentParser
import Foundation
import Survival
import SurvivalReport
import TrialDesign

/// Earlier looks given as EVENTS:Z pairs (`96:1.2,130:2.1`), events whole numbers.
extension Survival.TimeUnit: ExpressibleByArgument {}

struct LookList: ExpressibleByArgument {
  let looks: [ObservedLook]

  init?(argument: String) {
    var looks: [ObservedLook] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      let pair = part.split(separator: ":", omittingEmptySubsequences: false)
      guard pair.count == 2,
        // Events are counts: whole numbers (a fraction of an event would ask the recursion for a
        // grid as fine as the gap to the next look).
        let events = Double(pair[0].trimmingCharacters(in: .whitespaces)), events.isFinite, events >= 1, events <= 1e7,
        events == events.rounded(),
        let z = Double(pair[1].trimmingCharacters(in: .whitespaces)), z.isFinite
      else { return nil }
      looks.append(ObservedLook(events: events, z: z))
    }
    guard !looks.isEmpty else { return nil }
    self.looks = looks
  }
}

struct Monitor: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "monitor",
    abstract: "Analyse trial data against a group-sequential design: interim, final or termination analysis.",
    discussion: """
      Reads the data and the design file written by osstats design. Counts the events (after an \
      optional calendar cut-off), computes the information fraction t = events / planned maximum, \
      the log-rank z (stratified by the design's strata or --strata) in the favourable direction \
      (positive when the experimental arm has fewer deaths than expected), and recomputes the \
      boundary at the observed information, keeping the alpha spent at earlier looks \
      (--previous-looks). Reports the decision, conditional power under the current trend and the \
      design HR, flat-prior predictive power, the repeated confidence interval for the HR and, \
      when a boundary is crossed or at the final analysis, the stage-wise ordering p-value and the \
      median-unbiased HR with its confidence interval.

      A look is final when --final is given, it is the design's last look, or the events reach \
      the planned maximum; a final look spends all remaining alpha (under- and over-running). \
      --terminated reports a trial stopped early for a reason other than a boundary: planned \
      against observed patients and events, both readings (the interim boundary at the observed \
      fraction, and the final analysis spending all remaining alpha), the result against each, \
      and conditional power had it continued, labelled hypothetical.

      Examples:
        osstats monitor Datasets/simulated_trial_73.csv --design Datasets/design_simulated_trial.json --group arm --terminated
        osstats monitor trial.csv --design design.json --group arm --cutoff 24 --entry entry
        osstats monitor trial.csv --design design.json --group arm --previous-looks 61:1.1 --final
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup var groups: GroupOptions

  @Option(help: "The design file written by osstats design. Example: --design design.json")
  var design: String

  @OptionGroup var arm: ExperimentalArmOption

  @Option(help: "Stratification columns of the log-rank test (default: the design's strata). Example: --strata stratum")
  var strata: NameList?

  @Flag(name: .customLong("no-strata"), help: "Unstratified log-rank test even when the design names strata. Example: --no-strata")
  var noStrata = false

  @Option(help: "Calendar cut-off: a number in the time column's unit (the --entry column then holds calendar times in that unit), or a date YYYY-MM-DD when --entry holds dates (with --time-unit). Example: --cutoff 36")
  var cutoff: String?

  @Option(help: "Column with each patient's calendar entry time or date, for --cutoff (default: entry). Example: --entry randdt")
  var entry: String?

  @Option(name: .customLong("time-unit"), help: "Unit of the time column, needed when --cutoff is a date: days, weeks, months or years. Example: --time-unit days")
  var timeUnit: Survival.TimeUnit?

  @OptionGroup var previousLooks: PreviousLooksOption

  @Flag(help: "Treat this look as the final analysis: spend all remaining alpha. Example: --final")
  var final = false

  @Flag(help: "Termination analysis of a trial stopped early for a reason other than a boundary. Example: --terminated")
  var terminated = false

  @OptionGroup var output: OutputOptions

  func validate() throws {
    if noStrata && strata != nil { throw ValidationError("--no-strata and --strata cannot be used together") }
    if final && terminated { throw ValidationError("--terminated reports both readings; --final is not needed") }
    if entry != nil && cutoff == nil { throw ValidationError("--entry is for --cutoff") }
  }

  func run() throws {
    try reportingFailures {
      let (plan, designWarnings) = try Self.loadDesign(design)
      let strataColumns = noStrata ? [] : (strata?.values ?? plan.strata)
      let entryColumn = cutoff != nil ? (entry ?? "entry") : nil
      var (loaded, summary) = try input.load(
        groups: groups, strata: strataColumns, extra: entryColumn.map { [$0] } ?? [],
        extraOptions: entryColumn.map { [$0: "--entry"] } ?? [:])
      guard loaded.mapping.group != nil else {
        throw Failure(ExitStatus.usage, "\(input.displayName): monitor compares two arms: name the group column with --group")
      }
      var warnings = designWarnings + summary.warnings
      if let cutoff, let column = entryColumn {
        let cut = try applyCutoff(cutoff, column: column, loaded: loaded)
        loaded.data = cut.data
        summary = InputSummary(file: summary.file, sha256: summary.sha256, loaded: loaded)
        let (dropped, censored) = (cut.notEntered, cut.censoredDeaths)
        warnings.append(
          "cut-off \(cutoff): \(dropped) patient\(dropped == 1 ? "" : "s") entered at or after it and are not counted; \(censored) death\(censored == 1 ? "" : "s") after it censored at the cut-off")
      }
      let data = loaded.data
      guard data.groupLabels.count == 2 else {
        throw Failure(ExitStatus.data, "\(input.displayName): monitor compares two arms; the group column has \(data.groupLabels.count)")
      }
      let chosen = try Self.experimentalArm(arm.experimental ?? plan.experimentalArm, data: data, where: input.displayName)
      if let w = chosen.warning { warnings.append(w) }
      let analysis = try Self.analysis(
        plan: plan, data: data, experimental: chosen.index, previous: previousLooks.looks, final: final, terminated: terminated,
        where: input.displayName)
      var report = MonitorReport(
        analysis: analysis, designFile: design, input: summary, cutoff: cutoff, version: osstatsVersion, command: commandLine())
      if !strataColumns.isEmpty && !analysis.stratified {
        warnings.append("the strata \(strataColumns.joined(separator: ", ")) hold one level only: the log-rank test is unstratified")
      }
      report.warnings = warnings + report.warnings
      try output.write(report)
      if output.echoesWarnings { for w in report.warnings { warn(w) } }
    }
  }

  /// The monitoring analysis of `data` against `plan`, its failures as messages about `place`.
  /// Shared with `osstats report`.
  static func analysis(
    plan: GroupSequentialDesign, data: SurvivalData, experimental: Int, previous: [ObservedLook], final: Bool, terminated: Bool,
    where place: String
  ) throws -> MonitoringAnalysis {
    do {
      return try MonitoringAnalysis(
        design: plan, data: data, experimental: experimental, previous: previous, final: final, terminated: terminated)
    } catch {
      throw Failure(ExitStatus.data, "\(place): \(error.description)")
    }
  }

  /// The experimental arm: the one named (by --experimental or the design file), else the second
  /// in sorted order with a warning, since the sign of every one-sided result depends on it.
  static func experimentalArm(_ name: String?, data: SurvivalData, where place: String) throws -> (index: Int, warning: String?) {
    guard let chosen = data.experimentalArm(named: name) else {
      throw Failure(
        ExitStatus.usage,
        "\(place): the experimental arm \(name ?? "") is not in the group column; its values are \(data.groupLabels.joined(separator: ", "))")
    }
    guard chosen.defaulted else { return (chosen.index, nil) }
    return (chosen.index, data.defaultedExperimentalWarning(chosen.index, hint: "--experimental, or experimental_arm in the design file"))
  }

  /// Reads and parses the design file.
  static func loadDesign(_ design: String) throws -> (design: GroupSequentialDesign, warnings: [String]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: design, isDirectory: &isDirectory), !isDirectory.boolValue else {
      throw Failure(ExitStatus.noInput, "\(design): cannot open: no such file")
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: design))
    } catch {
      throw Failure(ExitStatus.noInput, "\(design): cannot open: \(error.localizedDescription)")
    }
    do {
      return try DesignFile.parse(data)
    } catch {
      throw Failure(ExitStatus.data, "\(design): \(error.description)")
    }
  }

  /// The data cut at the calendar cut-off: a number on the entry column's scale, or a date.
  private func applyCutoff(_ cutoff: String, column: String, loaded: LoadedSurvivalData) throws -> CalendarCut {
    let place = input.displayName
    let cut: Double
    let entries: [Double]
    do {
      if let c = Double(cutoff), c.isFinite {
        cut = c
        entries = try loaded.calendarEntries(column, dates: nil)
      } else if let day = CalendarDate.days(cutoff) {
        guard let timeUnit else {
          throw Failure(ExitStatus.usage, "--cutoff \(cutoff) is a date: say the time column's unit with --time-unit days, weeks, months or years")
        }
        cut = day / timeUnit.days
        entries = try loaded.calendarEntries(column, dates: timeUnit)
      } else {
        throw Failure(ExitStatus.usage, "--cutoff '\(cutoff)' is neither a number nor a date YYYY-MM-DD")
      }
    } catch let e as InputError {
      throw Failure(e, file: place)
    }
    do {
      return try loaded.data.cut(at: cut, entry: entries)
    } catch {
      if case .emptyGroups(let groups) = error {
        throw Failure(ExitStatus.data, "\(place): --cutoff \(cutoff) leaves no patient in \(groups.joined(separator: ", ")) (entry column \(column))")
      }
      throw Failure(ExitStatus.software, "\(place): cut-off: \(error)")
    }
  }
}
