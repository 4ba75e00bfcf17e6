import Foundation
import Survival
import TrialDesign

/// Renders the operating characteristics of a simulation study. Pure: returns strings.
public struct SimulationReport: Sendable, RenderedReport {
  /// The summary.
  public let summary: SimulationSummary
  /// The study (design and seed).
  public let study: SimulationStudy
  /// The osstats version.
  public let version: String
  /// The command line, for reproduction.
  public let command: String

  /// A report.
  public init(summary: SimulationSummary, study: SimulationStudy, version: String, command: String) {
    self.summary = summary
    self.study = study
    self.version = version
    self.command = command
  }

  private var arms: [String] { study.design.arms.map(\.name) }
  private var testName: String {
    (summary.primaryStratified ? "stratified log-rank" : "log-rank")
      + (summary.oneSided ? ", one-sided (\(arms.count > 1 ? arms[1] : "second arm") better)" : ", two-sided")
  }

  /// The JSON document.
  public func json() -> String {
    let s = summary
    let doc: JSONValue = .object([
      ("analysis", .string("simulation")), ("osstats_version", .string(version)),
      ("simulated", .bool(true)), ("command", .string(command)),
      ("seed", .string(String(study.seed))), ("trials", .int(s.trials)),
      ("trials_requested", .int(study.requested)), ("interrupted", .bool(study.done < study.requested)), ("analysable", .int(s.analysable)),
      ("patients", .int(study.design.patients)),
      ("arms", .array(arms.map(JSONValue.string))),
      ("strata", .array(study.design.strata.map { JSONValue.string($0.label) })),
      ("alpha", .number(s.alpha)), ("sided", .string(s.oneSided ? "one-sided" : "two-sided")),
      ("primary_test", .string(testName)),
      ("power", .number(s.power)), ("power_mc_se", .number(s.powerStdErr)),
      ("power_unstratified", .number(s.powerUnstratified)),
      (
        "hazard_ratio",
        .object([
          ("trials", .int(s.hazardRatioCount)), ("mean", .number(s.hazardRatioMean)),
          ("geometric_mean", .number(s.hazardRatioGeometricMean)),
          ("quantiles", .object(zip(["q025", "q25", "q50", "q75", "q975"], s.hazardRatioQuantiles).map { ($0, .number($1)) })),
        ])
      ),
      (
        "medians",
        .array(
          arms.indices.map { a in
            .object([
              ("arm", .string(arms[a])), ("mean_when_reached", .number(a < s.medianMean.count ? s.medianMean[a] : nil)),
              ("reached", .number(a < s.medianReached.count ? s.medianReached[a] : nil)),
            ])
          })
      ),
      ("events_mean", .number(s.eventsMean)), ("analysis_time_mean", .number(s.analysisTimeMean)),
      ("event_target_not_reached", .int(s.targetNotReached)),
      ("hr_quantiles_exact", .bool(s.quantilesExact)),
    ])
    return doc.serialized() + "\n"
  }

  private var lines: [String] {
    let s = summary
    let f = { (v: Double) in NumberFormat.significant(v, digits: 4) }
    var out = [
      "Simulated trials (simulated data, not trial results): \(s.trials) trials of \(study.design.patients) patients, seed \(study.seed)"
        + (study.done < study.requested ? "; INTERRUPTED after \(study.done) of \(study.requested) trials" : ""),
      "Arms: \(arms.joined(separator: " vs ")); strata: \(study.design.strata.map(\.label).joined(separator: ", "))",
      "",
      "Power (\(testName), alpha \(f(s.alpha))): \(f(s.power)) (Monte Carlo se \(NumberFormat.significant(s.powerStdErr, digits: 2)))",
    ]
    if s.primaryStratified { out.append("Power of the unstratified log-rank test: \(f(s.powerUnstratified))") }
    out += [
      "Hazard ratio (Cox) over \(s.hazardRatioCount) trials: mean \(f(s.hazardRatioMean)), geometric mean \(f(s.hazardRatioGeometricMean)); quantiles 2.5/25/50/75/97.5%: "
        + s.hazardRatioQuantiles.map(f).joined(separator: " / "),
    ]
    for a in arms.indices where a < s.medianMean.count {
      out.append(
        "Median OS, \(arms[a]): mean \(f(s.medianMean[a])) when reached (reached in \(f(100 * s.medianReached[a]))% of trials)")
    }
    out.append("Events at the analysis: mean \(f(s.eventsMean)); analysis time: mean \(f(s.analysisTimeMean))")
    if s.targetNotReached > 0 { out.append("Event target not reached in \(s.targetNotReached) trials") }
    if s.analysable < s.trials { out.append("\(s.trials - s.analysable) trials could not be analysed") }
    return out
  }

  /// Text for a terminal.
  public func text() -> String { lines.joined(separator: "\n") + "\n" }

  /// Markdown.
  public func markdown() -> String {
    "# Simulation study\n\n" + lines.filter { !$0.isEmpty }.map { Markdown.escape($0) + "  " }.joined(separator: "\n") + "\n"
  }

  /// The header of the per-trial CSV (`--format csv`), streamed row by row by ``trialRow(index:_:)``.
  public static let trialHeader =
    "trial,events,analysis_time,z,p,stratified_z,stratified_p,hazard_ratio,median_1,median_2,simulated\r\n"

  /// One trial's row at full precision.
  public static func trialRow(index i: Int, _ o: TrialOutcome) -> String {
    let cells = [
      String(i), String(o.events), NumberFormat.full(o.analysisTime), NumberFormat.full(o.z), NumberFormat.full(o.p),
      NumberFormat.full(o.stratifiedZ), NumberFormat.full(o.stratifiedP), NumberFormat.full(o.hazardRatio),
      NumberFormat.full(o.medians.first ?? nil), NumberFormat.full(o.medians.count > 1 ? o.medians[1] : nil), "yes",
    ]
    return cells.joined(separator: ",") + "\r\n"
  }

  /// The summary as one CSV row (the per-trial rows are streamed by the command).
  public func csv() -> String {
    let s = summary
    return "trials,analysable,alpha,power,power_mc_se,power_unstratified,hr_geometric_mean,events_mean,analysis_time_mean,simulated\r\n"
      + [
        String(s.trials), String(s.analysable), NumberFormat.full(s.alpha), NumberFormat.full(s.power),
        NumberFormat.full(s.powerStdErr), NumberFormat.full(s.powerUnstratified), NumberFormat.full(s.hazardRatioGeometricMean),
        NumberFormat.full(s.eventsMean), NumberFormat.full(s.analysisTimeMean), "yes",
      ].joined(separator: ",") + "\r\n"
  }
}
