import ArgumentParser
import Foundation
import Survival
import SurvivalReport
import TrialDesign

/// Earlier looks given as EVENTS:Z pairs (`96:1.2,130:2.1`).
struct LookList: ExpressibleByArgument {
  let looks: [ObservedLook]

  init?(argument: String) {
    var looks: [ObservedLook] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      let pair = part.split(separator: ":", omittingEmptySubsequences: false)
      guard pair.count == 2,
        let events = Double(pair[0].trimmingCharacters(in: .whitespaces)), events.isFinite, events > 0,
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

  @Option(help: "The design file written by osstats design. Example: --design design.json")
  var design: String

  @Option(help: "The experimental arm's value in the group column (default: the second in sorted order). Example: --experimental salvage+dexamethasone")
  var experimental: String?

  @Option(help: "Stratification columns of the log-rank test (default: the design's strata). Example: --strata stratum")
  var strata: NameList?

  @Flag(name: .customLong("no-strata"), help: "Unstratified log-rank test even when the design names strata. Example: --no-strata")
  var noStrata = false

  @Option(help: "Calendar cut-off: a number in the time column's unit (the --entry column then holds calendar times in that unit), or a date YYYY-MM-DD when --entry holds dates (with --time-unit). Example: --cutoff 36")
  var cutoff: String?

  @Option(help: "Column with each patient's calendar entry time or date, for --cutoff (default: entry). Example: --entry randdt")
  var entry: String?

  @Option(name: .customLong("time-unit"), help: "Unit of the time column, needed when --cutoff is a date: days, weeks, months or years. Example: --time-unit days")
  var timeUnit: TimeUnit?

  @Option(name: .customLong("previous-looks"), help: "Earlier looks as EVENTS:Z (z in the favourable direction), in order. Example: --previous-looks 61:1.1")
  var previousLooks: LookList?

  @Flag(help: "Treat this look as the final analysis: spend all remaining alpha. Example: --final")
  var final = false

  @Flag(help: "Termination analysis of a trial stopped early for a reason other than a boundary. Example: --terminated")
  var terminated = false

  @OptionGroup var output: OutputOptions

  enum TimeUnit: String, ExpressibleByArgument {
    case days, weeks, months, years
    var days: Double {
      switch self {
      case .days: 1
      case .weeks: 7
      case .months: 30.4375
      case .years: 365.25
      }
    }
  }

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
        strata: strataColumns, extra: entryColumn.map { [$0] } ?? [],
        extraOptions: entryColumn.map { [$0: "--entry"] } ?? [:])
      guard loaded.mapping.group != nil else {
        throw Failure(ExitStatus.usage, "\(input.displayName): monitor compares two arms: name the group column with --group")
      }
      var warnings = designWarnings + summary.warnings
      if let cutoff, let column = entryColumn {
        let (data, dropped, censored) = try applyCutoff(cutoff, column: column, loaded: loaded)
        loaded.data = data
        summary = InputSummary(file: summary.file, sha256: summary.sha256, loaded: loaded)
        warnings.append(
          "cut-off \(cutoff): \(dropped) patient\(dropped == 1 ? "" : "s") entered at or after it and are not counted; \(censored) death\(censored == 1 ? "" : "s") after it censored at the cut-off")
      }
      let data = loaded.data
      guard data.groupLabels.count == 2 else {
        throw Failure(ExitStatus.data, "\(input.displayName): monitor compares two arms; the group column has \(data.groupLabels.count)")
      }
      let chosen = try Self.experimentalArm(experimental ?? plan.experimentalArm, labels: data.groupLabels, where: input.displayName)
      let experimentalIndex = chosen.index
      if let w = chosen.warning { warnings.append(w) }
      let comparison: TwoArmComparison
      do {
        comparison = try TwoArmComparison(data: data)
      } catch {
        throw Failure(ExitStatus.data, "\(input.displayName): \((error as? LogRankError)?.message ?? "\(error)")")
      }
      var report = try Self.monitoring(
        plan: plan, designFile: design, summary: summary, data: data, comparison: comparison, experimental: experimentalIndex,
        previous: previousLooks?.looks ?? [], final: final, terminated: terminated, cutoff: cutoff, where: input.displayName)
      if !strataColumns.isEmpty && comparison.stratifiedLogRankZ == nil {
        warnings.append("the strata \(strataColumns.joined(separator: ", ")) hold one level only: the log-rank test is unstratified")
      }
      report.warnings = warnings + report.warnings
      try output.write(report)
      if output.echoesWarnings { for w in report.warnings { warn(w) } }
    }
  }

  /// The monitoring analysis of `comparison` against `plan`: one reading, or both for a
  /// termination analysis. Shared with `osstats report`.
  static func monitoring(
    plan: GroupSequentialDesign, designFile: String, summary: InputSummary, data: SurvivalData, comparison: TwoArmComparison,
    experimental: Int, previous: [ObservedLook], final: Bool, terminated: Bool, cutoff: String?, where place: String
  ) throws -> MonitorReport {
    let rawZ = comparison.stratifiedLogRankZ ?? comparison.logRankZ
    let z = experimental == 1 ? -rawZ : rawZ
    let events = Double(comparison.events.reduce(0, +))
    let history = previous + [ObservedLook(events: events, z: z)]
    let b = plan.boundaries
    var readings: [SequentialAnalysis] = []
    let kind: MonitorReport.Kind
    func analysis(_ reading: AnalysisReading?) throws -> SequentialAnalysis {
      try SequentialAnalysis(
        design: plan.boundaries, maxEvents: Double(plan.maxEvents), allocation: plan.allocation,
        designHazardRatio: plan.hazardRatio, history: history, reading: reading)
    }
    do {
      if terminated {
        kind = .termination
        if events < Double(plan.maxEvents) && history.count < b.fractions.count {
          readings.append(try analysis(.interim))
        }
        readings.append(try analysis(.final))
      } else {
        let a = try analysis(final ? .final : nil)
        kind = a.reading == .final ? .final : .interim
        readings.append(a)
      }
    } catch let e as GroupSequentialError {
      throw Failure(ExitStatus.data, "\(place): \(e.description)")
    }
    var report = MonitorReport(
      kind: kind, design: plan, designFile: designFile, input: summary, comparison: comparison, experimental: experimental,
      readings: readings, cutoff: cutoff, version: osstatsVersion, command: commandLine())
    report.warnings += oneArmStrata(data)
    if b.efficacy.spendingFunction == nil {
      report.warnings.append("\(b.efficacy.label): boundaries are not recomputed at the observed information; each look uses its planned z")
    }
    return report
  }
  /// Strata holding one arm only: they add nothing to the stratified test, yet their deaths count
  /// in the information fraction.
  static func oneArmStrata(_ data: SurvivalData) -> [String] {
    guard data.strataLabels.count > 1 else { return [] }
    var arms = Array(repeating: Set<Int>(), count: data.strataLabels.count)
    var deaths = Array(repeating: 0, count: data.strataLabels.count)
    for i in 0..<data.count {
      arms[data.stratum[i]].insert(data.group[i])
      if data.event[i] { deaths[data.stratum[i]] += 1 }
    }
    return data.strataLabels.indices.filter { arms[$0].count == 1 }.map { s in
      "stratum \(data.strataLabels[s]) holds one arm only: it adds nothing to the stratified log-rank test, but its \(deaths[s]) deaths count in the information fraction"
    }
  }

  /// The experimental arm: the one named (by --experimental or the design file), else the second
  /// in sorted order with a warning, since the sign of every one-sided result depends on it.
  static func experimentalArm(_ name: String?, labels: [String], where place: String) throws -> (index: Int, warning: String?) {
    if let name {
      guard let i = labels.firstIndex(of: name) else {
        throw Failure(ExitStatus.usage, "\(place): the experimental arm \(name) is not in the group column; its values are \(labels.joined(separator: ", "))")
      }
      return (i, nil)
    }
    return (
      1,
      "the experimental arm is not named (--experimental, or experimental_arm in the design file): taking \(labels[1]), the second in sorted order, against \(labels[0])"
    )
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

  /// Censors every patient at the calendar cut-off and drops those who entered after it.
  /// Returns the cut data, the patients dropped (entered at or after the cut-off) and the deaths
  /// censored (after the cut-off).
  private func applyCutoff(_ cutoff: String, column: String, loaded: LoadedSurvivalData) throws -> (SurvivalData, Int, Int) {
    let where_ = input.displayName
    let texts = loaded.texts(column) ?? []
    let stored = loaded.table.columns[column]
    func place(_ i: Int) -> String {
      let at = loaded.location(i, column)
      return loaded.table.format.isSAS ? "\(where_): record \(at.line)" : "\(where_):\(at.line):\(at.column)"
    }
    let cut: Double
    let entries: [Double]
    if let c = Double(cutoff), c.isFinite {
      cut = c
      if let numbers = loaded.numbers(column), let bad = numbers.firstIndex(where: { !$0.isFinite }) {
        throw Failure(ExitStatus.data, "\(place(bad)): \(column) is not a finite number (the cut-off is a number)")
      }
      guard let numbers = loaded.numbers(column) else {
        let i = texts.firstIndex { $0 != nil } ?? 0
        throw Failure(ExitStatus.data, "\(place(i)): \(column) '\((i < texts.count ? texts[i] : nil) ?? "")' is not a number (the cut-off is a number)")
      }
      entries = numbers
    } else if let c = Self.day(cutoff) {
      guard let timeUnit else {
        throw Failure(ExitStatus.usage, "--cutoff \(cutoff) is a date: say the time column's unit with --time-unit days, weeks, months or years")
      }
      cut = c / timeUnit.days
      // SAS dates count days, and datetimes seconds, from 1960-01-01 (3653 days before 1970).
      if let stored, stored.isSASDate || stored.isSASDatetime, let numbers = loaded.numbers(column) {
        let scale = stored.isSASDatetime ? 86_400.0 : 1
        entries = numbers.map { ($0 / scale - 3653) / timeUnit.days }
      } else {
        entries = try texts.enumerated().map { i, v in
          guard let v, let d = Self.day(v) else {
            throw Failure(ExitStatus.data, "\(place(i)): \(column) '\(v ?? "")' is not a date YYYY-MM-DD (the cut-off is a date)")
          }
          return d / timeUnit.days
        }
      }
    } else {
      throw Failure(ExitStatus.usage, "--cutoff '\(cutoff)' is neither a number nor a date YYYY-MM-DD")
    }
    let d = loaded.data
    var keep: [Int] = []
    var time: [Double] = []
    var event: [Bool] = []
    var censoredDeaths = 0
    for i in 0..<d.count where entries[i] < cut {
      keep.append(i)
      let window = cut - entries[i]
      time.append(min(d.time[i], window))
      event.append(d.event[i] && d.time[i] <= window)
      if d.event[i] && d.time[i] > window { censoredDeaths += 1 }
    }
    let present = Set(keep.map { d.group[$0] })
    guard present.count == d.groupLabels.count else {
      throw Failure(
        ExitStatus.data,
        "\(where_): --cutoff \(cutoff) leaves no patient in \(d.groupLabels.indices.filter { !present.contains($0) }.map { d.groupLabels[$0] }.joined(separator: ", ")) (entry column \(column))")
    }
    do {
      let data = try SurvivalData(
        time: time, event: event, group: keep.map { d.group[$0] }, groupLabels: d.groupLabels,
        stratum: keep.map { d.stratum[$0] }, strataLabels: d.strataLabels)
      return (data, d.count - keep.count, censoredDeaths)
    } catch {
      throw Failure(ExitStatus.software, "\(where_): cut-off: \(error)")
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date YYYY-MM-DD; nil when not such a date.
  static func day(_ s: String) -> Double? {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), (1...31).contains(d)
    else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard d <= lengths[m - 1] else { return nil }
    // Days from civil (Howard Hinnant's algorithm).
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return Double(era * 146_097 + doe - 719_468)
  }
}
