import Foundation
import Survival
import TrialDesign

extension OverallSurvivalReport {
  /// What a report needs besides the data: which arm is experimental, the subgroups, the landmarks
  /// and, for an interim or termination report, the design and the earlier looks.
  public struct Settings: Sendable {
    /// Primary, interim or termination (the last two need `design`).
    public var kind: Kind = .primary
    /// The experimental arm's value in the group column (default: the design's, else the second
    /// in sorted order, with a warning).
    public var experimental: String?
    /// Stratification columns the data were loaded with (named in the report).
    public var strata: [String] = []
    /// Subgroup columns for the forest plot (the strata are always included).
    public var subgroups: [String] = []
    /// Landmark times for OS estimates.
    public var landmarks: [Double] = [6, 12, 24]
    /// The unit of the time column (default: the ADaM AVALU value, else months).
    public var timeUnit: String?
    /// Label the data as simulated even without a `simulated` column.
    public var simulated = false
    /// The design, with the file's name and the warnings from reading it (interim, termination).
    public var design: (plan: GroupSequentialDesign, file: String, warnings: [String])?
    /// Earlier looks (events and favourable z), for an interim or termination report.
    public var previousLooks: [ObservedLook] = []
    /// The command line, for the reproducibility section.
    public var command = ""
    /// The generation time, when the report should show one.
    public var timestamp: String?
    /// How a user names the experimental arm, for the warning when it is not named (a command
    /// line names its option).
    public var experimentalHint = "Settings.experimental, or experimental_arm in the design file"
    /// A competing-risks section: the status column with the cause of each patient's first
    /// event (relapse, death without relapse), its time column (nil: the OS time) and the value
    /// that is censored.
    public var competing: (status: String, time: String?, censorValue: String)?
    /// The entry-time column of (start, stop] data (delayed entry): every analysis then uses
    /// counting-process risk sets. The data must have been read with it (``ColumnSpec/entry``).
    public var start: String?

    /// Settings with the defaults above.
    public init() {}
  }

  /// Why a report cannot be built.
  public enum BuildError: Error, Sendable, CustomStringConvertible {
    /// The data have no group column.
    case noGroup
    /// The group column does not have two arms.
    case notTwoArms(Int)
    /// The experimental arm named is not a group.
    case unknownExperimental(String, arms: [String])
    /// A subgroup column does not exist.
    case noSubgroupColumn(String, columns: [String])
    /// A subgroup column has too many levels to be categorical.
    case subgroupNotCategorical(String, levels: Int)
    /// An interim or termination report without a design.
    case needsDesign(Kind)
    /// The comparison failed.
    case comparison(OverallSurvivalComparison.Failure)
    /// The monitoring analysis failed.
    case monitoring(MonitoringAnalysis.Failure)
    /// Loading the table failed.
    case table(SurvivalTableError)
    case competing(InputError)
    case entry(InputError)

    public var description: String {
      switch self {
      case .noGroup: "a report compares two arms: the data have no group column"
      case .notTwoArms(let k): "a report compares two arms; the group column has \(k)"
      case .unknownExperimental(let name, let arms):
        "the experimental arm \(name) is not in the group column; its values are \(arms.joined(separator: ", "))"
      case .noSubgroupColumn(let name, let columns): "no column '\(name)' (columns: \(columns.joined(separator: ", ")))"
      case .subgroupNotCategorical(let name, let levels):
        "subgroup column \(name) has \(levels) distinct values; a subgroup needs a categorical column (at most \(OverallSurvivalReport.maximumSubgroupLevels) levels), e.g. age grouped into bands"
      case .needsDesign(let kind): "a \(kind.rawValue) report needs the design"
      case .comparison(let e): e.description
      case .monitoring(let e): e.description
      case .table(let e): e.description
      case .competing(let e): "competing risks: \(e.message)"
      case .entry(let e): e.message
      }
    }
  }

  /// The most levels a subgroup column may have.
  public static let maximumSubgroupLevels = 12

  /// The columns to read along for `settings`, besides time, event, group and strata: the
  /// subgroups (strata first) and the `simulated` flag.
  public static func optionalColumns(_ settings: Settings) -> [String] {
    subgroupColumns(settings) + LoadedSurvivalData.simulatedColumns
      + [settings.competing?.status, settings.competing?.time].compactMap { $0 }
  }

  static func subgroupColumns(_ settings: Settings) -> [String] {
    var out: [String] = []
    for column in settings.strata + settings.subgroups where !out.contains(column) { out.append(column) }
    return out
  }

  /// The report of `loaded` (read with ``optionalColumns(_:)`` as optional columns), `input`
  /// describing what was read: the comparison, the monitoring analysis when the settings have a
  /// design, and every warning of the run (input, arms, subgroups, curves, design).
  /// - Throws: ``BuildError``.
  public init(loaded: LoadedSurvivalData, input: InputSummary, settings: Settings, version: String = OSStatsVersion.current)
    throws(BuildError)
  {
    guard loaded.mapping.group != nil else { throw .noGroup }
    let data = loaded.data
    guard data.groupLabels.count == 2 else { throw .notTwoArms(data.groupLabels.count) }
    var warnings = settings.design?.warnings ?? []
    let named = settings.experimental ?? settings.design?.plan.experimentalArm
    guard let chosen = data.experimentalArm(named: named) else {
      throw .unknownExperimental(named ?? "", arms: data.groupLabels)
    }
    if chosen.defaulted {
      warnings.append(data.defaultedExperimentalWarning(chosen.index, hint: settings.experimentalHint))
    }
    // Subgroup values by row, so that a missing subgroup value leaves the patient in every other
    // analysis.
    var subgroupValues: [(name: String, values: [String?])] = []
    for column in Self.subgroupColumns(settings) {
      guard let values = loaded.texts(column) else { throw .noSubgroupColumn(column, columns: loaded.table.names) }
      guard values.contains(where: { $0 != nil }) else {
        // Every row lacks a value: the subgroup cannot be analysed, the rest of the report can.
        warnings.append("subgroup \(column) has no values in the analysed rows and is left out")
        continue
      }
      let levels = Set(values.compactMap { $0 }).count
      guard levels <= Self.maximumSubgroupLevels else { throw .subgroupNotCategorical(column, levels: levels) }
      subgroupValues.append((column, values))
    }
    let options = KaplanMeierOptions(quantiles: [0.5], times: settings.landmarks)
    var entry: [Double]?
    if let start = settings.start {
      do throws(InputError) {
        entry = try loaded.entryTimes(start)
      } catch {
        throw .entry(error)
      }
    }
    let comparison: OverallSurvivalComparison
    do throws(OverallSurvivalComparison.Failure) {
      comparison = try OverallSurvivalComparison(
        data: data, experimental: chosen.index, kaplanMeier: options, subgroups: subgroupValues, entry: entry)
    } catch {
      throw .comparison(error)
    }
    var monitoring: MonitorReport?
    if settings.kind != .primary {
      guard let design = settings.design else { throw .needsDesign(settings.kind) }
      let analysis: MonitoringAnalysis
      do {
        analysis = try MonitoringAnalysis(
          design: design.plan, comparison: TwoArmComparison(comparison), data: data, experimental: chosen.index,
          previous: settings.previousLooks, terminated: settings.kind == .termination)
      } catch {
        throw .monitoring(error)
      }
      monitoring = MonitorReport(
        analysis: analysis, designFile: design.file, input: input, cutoff: nil, version: version, command: settings.command)
    }
    self.init(
      kind: settings.kind, comparison: comparison, monitoring: monitoring, input: input, strata: settings.strata,
      timeUnit: settings.timeUnit ?? loaded.timeUnit?.lowercased() ?? "months", simulated: settings.simulated || loaded.isSimulated,
      version: version, command: settings.command, timestamp: settings.timestamp)
    if let setting = settings.competing {
      let crData: CompetingRisksData
      let excluded: [Int]
      do throws(InputError) {
        (crData, excluded) = try loaded.competingRisks(status: setting.status, time: setting.time, censored: setting.censorValue)
      } catch {
        throw .competing(error)
      }
      do throws(KaplanMeierOptionsError) {
        let analysis = try CumulativeIncidenceAnalysis(data: crData, options: CumulativeIncidenceOptions(times: settings.landmarks))
        var tests: [GrayTest] = []
        do throws(GrayTestError) {
          tests = try analysis.grayTests()
        } catch {
          warnings.append("Gray's test not computed: \(error)")
        }
        competing = CompetingRisksSummary(
          analysis: analysis, grayTests: tests, statusColumn: setting.status, timeColumn: setting.time ?? loaded.mapping.time,
          censorValue: setting.censorValue, excludedLines: excluded)
        warnings += analysis.warnings
      } catch {
        throw .comparison(.kaplanMeier(error))
      }
    }
    self.warnings = warnings + comparison.kaplanMeier.warnings + (monitoring?.warnings ?? []) + input.warnings
  }

  /// The OS report of `table` comparing the two arms of `group`, in one call:
  /// `try OverallSurvivalReport(table: trial, group: "arm").html()`.
  /// - Throws: ``BuildError``.
  public init(
    table: SurvivalTable, group: String, time: String? = nil, event: String? = nil, settings: Settings = Settings(),
    version: String = OSStatsVersion.current
  ) throws(BuildError) {
    var spec = ColumnSpec(time: time, event: event, group: group, strata: settings.strata)
    spec.optional = Self.optionalColumns(settings)
    spec.entry = settings.start
    let loaded: LoadedSurvivalData
    do {
      loaded = try table.load(spec)
    } catch {
      throw .table(error)
    }
    try self.init(loaded: loaded, input: InputSummary(file: table.name, sha256: table.sha256, loaded: loaded), settings: settings, version: version)
  }
}
