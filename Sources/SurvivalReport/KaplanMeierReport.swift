import Foundation
import Survival

/// Renders a ``KaplanMeierAnalysis``: JSON (the contract pipelines read), text in the spirit of
/// R's `print(survfit)` and `summary(survfit, times =)`, Markdown, and CSV of the step table.
/// Pure: returns strings, writes nothing.
public struct KaplanMeierReport: Sendable {
  /// The analysis.
  public let analysis: KaplanMeierAnalysis
  /// Where its data came from.
  public let input: InputSummary
  /// The osstats version, recorded in JSON.
  public let version: String
  /// Include the quantile table in text and Markdown.
  public var showQuantiles = false
  /// Include every step of each curve in text and Markdown.
  public var showSteps = false

  /// A report of `analysis` read from `input`.
  public init(analysis: KaplanMeierAnalysis, input: InputSummary, version: String) {
    self.analysis = analysis
    self.input = input
    self.version = version
  }

  private var levelLabel: String { NumberFormat.significant(analysis.options.confidenceLevel) }
  private var percent: String { NumberFormat.significant(analysis.options.confidenceLevel * 100) + "%" }
  private var allWarnings: [String] { input.warnings + analysis.warnings }

  // MARK: JSON

  /// The JSON document (pretty-printed, ending with a newline).
  public func json() -> String {
    let a = analysis
    let groups: [JSONValue] = a.groups.map { g in
      let c = g.curve
      let steps: [JSONValue] = c.time.indices.map { i in
        .object([
          ("time", .number(c.time[i])), ("n_risk", .int(c.nRisk[i])), ("n_event", .int(c.nEvent[i])),
          ("n_censor", .int(c.nCensor[i])), ("survival", .number(c.survival[i])),
          ("std_err", .number(c.survival[i] * c.stdErrLog[i])), ("std_err_log", .number(c.stdErrLog[i])),
          ("lower", .number(g.lower[i])), ("upper", .number(g.upper[i])),
        ])
      }
      return .object([
        ("group", .string(c.label)), ("n", .int(c.n)), ("events", .int(c.events)),
        ("median", .number(g.median.time)), ("median_lower", .number(g.median.lower)),
        ("median_upper", .number(g.median.upper)),
        ("quantiles", .array(g.quantiles.map(Self.quantileJSON))),
        (
          "at_times",
          .array(
            g.atTimes.map { t in
              .object([
                ("time", .number(t.time)), ("n_risk", .int(t.nRisk)), ("n_event", .int(t.nEvent)),
                ("n_censor", .int(t.nCensor)), ("survival", .number(t.survival)),
                ("std_err", .number(t.stdErr)), ("lower", .number(t.lower)), ("upper", .number(t.upper)),
                ("beyond_follow_up", .bool(t.beyondFollowUp)),
              ])
            })
        ),
        ("rmst", Self.rmstJSON(g.restrictedMean)),
        ("follow_up", Self.followUpJSON(g.followUp)),
        ("steps", .array(steps)),
      ])
    }
    let doc: JSONValue = .object([
      ("analysis", .string("kaplan-meier")),
      ("osstats_version", .string(version)),
      ("input", input.json),
      ("conf_level", .number(a.options.confidenceLevel)),
      ("conf_type", .string(a.options.confidenceType.rawValue)),
      ("time_fix", .bool(a.options.timeFix)),
      ("variance", .string(a.clustered ? "infinitesimal jackknife, clustered" : "greenwood")),
      ("tau", .number(a.tau)),
      ("tau_rule", .string(a.tauRule)),
      ("groups", .array(groups)),
      ("rmst_difference", a.restrictedMeanDifference.map(Self.differenceJSON) ?? .null),
      ("follow_up_overall", Self.followUpJSON(a.followUpOverall)),
      ("warnings", .array(allWarnings.map(JSONValue.string))),
    ])
    return doc.serialized() + "\n"
  }

  static func quantileJSON(_ q: SurvivalQuantile) -> JSONValue {
    .object([
      ("probability", .number(q.probability)), ("time", .number(q.time)),
      ("lower", .number(q.lower)), ("upper", .number(q.upper)),
    ])
  }

  static func rmstJSON(_ r: RestrictedMean) -> JSONValue {
    .object([
      ("tau", .number(r.tau)), ("estimate", .number(r.estimate)), ("std_err", .number(r.stdErr)),
      ("lower", .number(r.lower)), ("upper", .number(r.upper)),
      ("beyond_follow_up", .bool(r.beyondFollowUp)),
    ])
  }

  static func followUpJSON(_ q: SurvivalQuantile) -> JSONValue {
    .object([
      ("method", .string("reverse Kaplan-Meier")), ("median", .number(q.time)),
      ("lower", .number(q.lower)), ("upper", .number(q.upper)),
    ])
  }

  static func differenceJSON(_ d: RestrictedMeanDifference) -> JSONValue {
    .object([
      ("tau", .number(d.tau)), ("first", .string(d.first)), ("second", .string(d.second)),
      ("difference", .number(d.difference)), ("std_err", .number(d.stdErr)),
      ("lower", .number(d.lower)), ("upper", .number(d.upper)), ("z", .number(d.z)), ("p", .number(d.p)),
      ("ratio", .number(d.ratio)), ("ratio_lower", .number(d.ratioLower)),
      ("ratio_upper", .number(d.ratioUpper)), ("ratio_p", .number(d.ratioP)),
    ])
  }

  // MARK: Tables shared by text and Markdown

  private func f(_ v: Double?) -> String { NumberFormat.significant(v, missing: "NR") }

  private var mainTable: TextTable {
    var t = TextTable(["group", "n", "events", "median", "\(levelLabel)LCL", "\(levelLabel)UCL"])
    for g in analysis.groups {
      t.add([
        g.curve.label, String(g.curve.n), String(g.curve.events), f(g.median.time), f(g.median.lower),
        f(g.median.upper),
      ])
    }
    return t
  }

  private var quantileTable: TextTable {
    var t = TextTable(["group", "probability", "time", "\(levelLabel)LCL", "\(levelLabel)UCL"])
    for g in analysis.groups {
      for q in g.quantiles {
        t.add([g.curve.label, NumberFormat.significant(q.probability), f(q.time), f(q.lower), f(q.upper)])
      }
    }
    return t
  }

  private var timesTable: TextTable {
    var t = TextTable([
      "group", "time", "n.risk", "n.event", "survival", "std.err", "lower \(percent) CI",
      "upper \(percent) CI",
    ])
    for g in analysis.groups {
      for r in g.atTimes {
        t.add([
          g.curve.label, NumberFormat.significant(r.time) + (r.beyondFollowUp ? "*" : ""),
          String(r.nRisk), String(r.nEvent), NumberFormat.significant(r.survival),
          NumberFormat.significant(r.stdErr), NumberFormat.significant(r.lower),
          NumberFormat.significant(r.upper),
        ])
      }
    }
    return t
  }

  private var rmstTable: TextTable {
    var t = TextTable(["group", "rmst", "se(rmst)", "\(levelLabel)LCL", "\(levelLabel)UCL"])
    for g in analysis.groups {
      let r = g.restrictedMean
      t.add([
        g.curve.label, NumberFormat.significant(r.estimate), NumberFormat.significant(r.stdErr),
        NumberFormat.significant(r.lower), NumberFormat.significant(r.upper),
      ])
    }
    return t
  }

  private var followUpTable: TextTable {
    var t = TextTable(["group", "median follow-up", "\(levelLabel)LCL", "\(levelLabel)UCL"])
    var rows = analysis.groups.map { ($0.curve.label, $0.followUp) }
    if analysis.groups.count > 1 { rows.append(("all", analysis.followUpOverall)) }
    for (label, q) in rows { t.add([label, f(q.time), f(q.lower), f(q.upper)]) }
    return t
  }

  private func stepsTable(_ g: KaplanMeierGroup) -> TextTable {
    var t = TextTable([
      "time", "n.risk", "n.event", "n.censor", "survival", "std.err", "lower \(percent) CI",
      "upper \(percent) CI",
    ])
    let c = g.curve
    for i in c.time.indices {
      t.add([
        NumberFormat.significant(c.time[i], digits: 6), String(c.nRisk[i]), String(c.nEvent[i]),
        String(c.nCensor[i]), NumberFormat.significant(c.survival[i]),
        NumberFormat.significant(c.survival[i] * c.stdErrLog[i]), NumberFormat.significant(g.lower[i]),
        NumberFormat.significant(g.upper[i]),
      ])
    }
    return t
  }

  private var differenceLine: String? {
    guard let d = analysis.restrictedMeanDifference else { return nil }
    let s = NumberFormat.significant
    return
      "\(TextTable.printable(d.second)) - \(TextTable.printable(d.first)): difference \(s(d.difference, 4, "NA")) (\(percent) CI \(s(d.lower, 4, "NA")) to \(s(d.upper, 4, "NA"))), p = \(NumberFormat.pValue(d.p)); ratio \(s(d.ratio, 4, "NA")) (\(s(d.ratioLower, 4, "NA")) to \(s(d.ratioUpper, 4, "NA"))), p = \(NumberFormat.pValue(d.ratioP))"
  }

  private var confidenceLine: String {
    let type = analysis.options.confidenceType
    let note = type == .log ? " (R survival's default)" : ""
    return "Confidence intervals: \(percent), \(type.rawValue) transform\(note); \(analysis.clustered ? "standard errors by the infinitesimal jackknife summed within clusters (R's robust = TRUE)" : "variance by Greenwood's formula")"
  }

  private var tauLine: String {
    "Restricted mean survival time to tau = \(NumberFormat.significant(analysis.tau, digits: 6)) (\(analysis.tauRule)):"
  }

  // MARK: Text

  /// Text for a terminal.
  public func text() -> String {
    var out = "Kaplan-Meier estimate\n"
    for line in input.textLines { out += line + "\n" }
    out += confidenceLine + "\n\n"
    out += mainTable.render()
    out += "NR: not reached\n"
    if showQuantiles {
      out += "\nQuantiles (time by which the given fraction has had the event):\n"
      out += quantileTable.render()
    }
    if !analysis.options.times.isEmpty {
      out += "\nSurvival at given times:\n" + timesTable.render()
      if analysis.groups.contains(where: { $0.atTimes.contains(where: \.beyondFollowUp) }) {
        out += "* beyond the group's last follow-up: the last value carried forward\n"
      }
    }
    out += "\n" + tauLine + "\n" + rmstTable.render()
    if let d = differenceLine { out += d + "\n" }
    out += "\nMedian follow-up (reverse Kaplan-Meier):\n" + followUpTable.render()
    if showSteps {
      for g in analysis.groups {
        out += "\nSteps, group \(g.curve.label):\n" + stepsTable(g).render()
      }
    }
    if !allWarnings.isEmpty {
      out += "\nWarnings:\n" + allWarnings.map { "- " + $0 + "\n" }.joined()
    }
    return out
  }

  // MARK: Markdown

  /// Markdown with the same content as the text.
  public func markdown() -> String {
    var out = "# Kaplan-Meier estimate\n\n"
    for line in input.textLines { out += Markdown.escape(line) + "  \n" }
    out += Markdown.escape(confidenceLine) + "\n\n"
    out += mainTable.markdown() + "\nNR: not reached.\n"
    if showQuantiles {
      out += "\n## Quantiles\n\n" + quantileTable.markdown()
    }
    if !analysis.options.times.isEmpty {
      out += "\n## Survival at given times\n\n" + timesTable.markdown()
    }
    out += "\n## Restricted mean survival time\n\n" + Markdown.escape(tauLine) + "\n\n" + rmstTable.markdown()
    if let d = differenceLine { out += "\n" + Markdown.escape(d) + "\n" }
    out += "\n## Median follow-up (reverse Kaplan-Meier)\n\n" + followUpTable.markdown()
    if showSteps {
      for g in analysis.groups {
        out += "\n## Steps, group \(Markdown.escape(g.curve.label))\n\n" + stepsTable(g).markdown()
      }
    }
    if !allWarnings.isEmpty {
      out += "\n## Warnings\n\n" + allWarnings.map { "- " + Markdown.escape($0) + "\n" }.joined()
    }
    return out
  }

  // MARK: CSV

  /// The step table of every group at full precision, one row per step (RFC 4180).
  public func csv() -> String {
    var out = "group,time,n_risk,n_event,n_censor,survival,std_err,lower,upper\r\n"
    for g in analysis.groups {
      let c = g.curve
      for i in c.time.indices {
        let cells = [
          CSV.field(c.label), NumberFormat.full(c.time[i]), String(c.nRisk[i]), String(c.nEvent[i]),
          String(c.nCensor[i]), NumberFormat.full(c.survival[i]),
          NumberFormat.full(c.survival[i] * c.stdErrLog[i]), NumberFormat.full(g.lower[i]),
          NumberFormat.full(g.upper[i]),
        ]
        out += cells.joined(separator: ",") + "\r\n"
      }
    }
    return out
  }
}

/// CSV field quoting (RFC 4180).
enum CSV {
  static func field(_ s: String) -> String {
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }
}
