import Survival

/// Renders a ``CumulativeIncidenceAnalysis``: JSON (the contract pipelines read), text in the
/// spirit of R's `summary(survfit(Surv(time, factor(status)) ~ g), times =)` and cmprsk's `print`
/// of `cuminc` and `crr`, Markdown, and CSV of the step table. Pure: returns strings, writes nothing.
public struct CumulativeIncidenceReport: Sendable {
  /// The analysis.
  public let analysis: CumulativeIncidenceAnalysis
  /// Where its data came from.
  public let input: InputSummary
  /// The osstats version, recorded in JSON.
  public let version: String
  /// Gray's test per cause (empty with one group).
  public var grayTests: [GrayTest] = []
  /// The weight exponent ρ of Gray's tests.
  public var rho: Double = 0
  /// The Fine–Gray model, when covariates were given.
  public var fineGray: FineGrayModel?
  /// Include every step of each curve in text and Markdown.
  public var showSteps = false
  /// Warnings of the caller (models, tests) to show with the analysis's.
  public var extraWarnings: [String] = []

  /// A report of `analysis` read from `input`.
  public init(analysis: CumulativeIncidenceAnalysis, input: InputSummary, version: String) {
    self.analysis = analysis
    self.input = input
    self.version = version
  }

  private var causes: [String] { analysis.data.causeLabels }
  private var percent: String { NumberFormat.significant(analysis.options.confidenceLevel * 100) + "%" }
  private var levelLabel: String { NumberFormat.significant(analysis.options.confidenceLevel) }
  private var allWarnings: [String] { input.warnings + analysis.warnings + extraWarnings }

  // MARK: JSON

  /// The JSON document (pretty-printed, ending with a newline).
  public func json() -> String {
    let groups: [JSONValue] = analysis.groups.map { g in
      let c = g.curves
      let perCause: [JSONValue] = causes.indices.map { k in
        let steps: [JSONValue] = c.time.indices.map { i in
          .object([
            ("time", .number(c.time[i])), ("n_risk", .int(c.nRisk[i])), ("n_event", .int(c.nEvent[k][i])),
            ("incidence", .number(c.incidence[k][i])), ("std_err", .number(c.stdErr[k][i])),
            ("lower", .number(g.lower[k][i])), ("upper", .number(g.upper[k][i])),
          ])
        }
        return .object([
          ("cause", .string(causes[k])), ("events", .int(c.events(cause: k + 1))),
          (
            "at_times",
            .array(
              g.atTimes[k].map { t in
                .object([
                  ("time", .number(t.time)), ("n_risk", .int(t.nRisk)), ("incidence", .number(t.incidence)),
                  ("std_err", .number(t.stdErr)), ("lower", .number(t.lower)), ("upper", .number(t.upper)),
                  ("beyond_follow_up", .bool(t.beyondFollowUp)),
                ])
              })
          ),
          ("steps", .array(steps)),
        ])
      }
      let survival: [JSONValue] = c.time.indices.map { i in
        .object([
          ("time", .number(c.time[i])), ("n_risk", .int(c.nRisk[i])), ("n_censor", .int(c.nCensor[i])),
          ("survival", .number(c.survival[i])), ("std_err", .number(c.survivalStdErr[i])),
        ])
      }
      return .object([
        ("group", .string(c.label)), ("n", .int(c.n)), ("causes", .array(perCause)),
        ("event_free", .array(survival)),
      ])
    }
    let doc: JSONValue = .object([
      ("analysis", .string("cumulative-incidence")),
      ("osstats_version", .string(version)),
      ("input", input.json),
      ("method", .string("Aalen-Johansen; standard errors by the infinitesimal jackknife (R survival's survfit)")),
      ("conf_level", .number(analysis.options.confidenceLevel)),
      ("conf_type", .string(analysis.options.confidenceType.rawValue)),
      ("time_fix", .bool(analysis.options.timeFix)),
      ("causes", .array(causes.map(JSONValue.string))),
      ("groups", .array(groups)),
      ("gray_tests", .array(grayTests.map(grayJSON))),
      ("fine_gray", fineGray.map(fineGrayJSON) ?? .null),
      ("warnings", .array(allWarnings.map(JSONValue.string))),
    ])
    return doc.serialized() + "\n"
  }

  private func grayJSON(_ t: GrayTest) -> JSONValue {
    .object([
      ("cause", .string(t.causeLabel)), ("rho", .number(rho)), ("statistic", .number(t.statistic)),
      ("df", .int(t.degreesOfFreedom)), ("p", .number(t.pValue)),
    ])
  }

  private func fineGrayJSON(_ m: FineGrayModel) -> JSONValue {
    let terms: [JSONValue] = m.coefficientTable(level: analysis.options.confidenceLevel).map { t in
      .object([
        ("term", .string(t.term)), ("coef", .number(t.coefficient)), ("se", .number(t.standardError)),
        ("z", .number(t.z)), ("p", .number(t.p)), ("shr", .number(t.hazardRatio)), ("shr_lower", .number(t.lower)),
        ("shr_upper", .number(t.upper)),
      ])
    }
    let lr = m.likelihoodRatioTest
    return .object([
      ("method", .string("Fine-Gray proportional subdistribution hazards (cmprsk's crr), variance accounting for the estimated censoring distribution")),
      ("cause", .string(m.causeLabel)), ("n", .int(m.n)), ("events", .int(m.events)),
      ("competing_events", .int(m.competingEvents)), ("terms", .array(terms)),
      ("loglik", .number(m.loglik)), ("loglik_null", .number(m.loglikNull)),
      ("likelihood_ratio", .object([("chisq", .number(lr.statistic)), ("df", .int(lr.df)), ("p", .number(lr.p))])),
      ("converged", .bool(m.converged)), ("iterations", .int(m.iterations)),
      ("variance", .array(m.variance.map { JSONValue.number($0) })),
    ])
  }

  // MARK: Tables

  private var countsTable: TextTable {
    var t = TextTable(["group", "n"] + causes.map { "cause \($0)" } + ["censored"])
    for g in analysis.groups {
      let c = g.curves
      t.add([c.label, String(c.n)] + causes.indices.map { String(c.events(cause: $0 + 1)) } + [String(c.nCensor.reduce(0, +))])
    }
    return t
  }

  private var timesTable: TextTable {
    var t = TextTable(["group", "cause", "time", "n.risk", "incidence", "std.err", "lower \(percent) CI", "upper \(percent) CI"])
    let s = { (v: Double) in NumberFormat.significant(v) }
    for g in analysis.groups {
      for k in causes.indices {
        for r in g.atTimes[k] {
          t.add([
            g.curves.label, causes[k], NumberFormat.significant(r.time) + (r.beyondFollowUp ? "*" : ""),
            String(r.nRisk), s(r.incidence), s(r.stdErr), s(r.lower), s(r.upper),
          ])
        }
      }
    }
    return t
  }

  private var grayTable: TextTable {
    var t = TextTable(["cause", "chisq", "df", "p"])
    for g in grayTests {
      t.add([g.causeLabel, NumberFormat.significant(g.statistic), String(g.degreesOfFreedom), NumberFormat.pValue(g.pValue)])
    }
    return t
  }

  private var fineGrayTable: TextTable? {
    guard let m = fineGray else { return nil }
    var t = TextTable(["term", "coef", "exp(coef)", "se(coef)", "z", "p", "\(levelLabel)LCL", "\(levelLabel)UCL"])
    let s = { (v: Double) in NumberFormat.significant(v) }
    for c in m.coefficientTable(level: analysis.options.confidenceLevel) {
      t.add([c.term, s(c.coefficient), s(c.hazardRatio), s(c.standardError), s(c.z), NumberFormat.pValue(c.p), s(c.lower), s(c.upper)])
    }
    return t
  }

  private var fineGrayLine: String? {
    guard let m = fineGray else { return nil }
    return
      "Fine-Gray model for cause \(m.causeLabel): n = \(m.n), \(m.events) ends by the cause, \(m.competingEvents) by competing causes; pseudo log-likelihood \(NumberFormat.significant(m.loglik, digits: 6)) (null \(NumberFormat.significant(m.loglikNull, digits: 6))); likelihood-ratio chi-square \(NumberFormat.significant(m.likelihoodRatioTest.statistic)) on \(m.likelihoodRatioTest.df) df, p = \(NumberFormat.pValue(m.likelihoodRatioTest.p))\(m.converged ? "" : ", NOT CONVERGED")"
  }

  private func stepsTable(_ g: CumulativeIncidenceGroup) -> TextTable {
    var t = TextTable(["time", "n.risk", "n.censor"] + causes.flatMap { ["n.event \($0)", "F \($0)", "se \($0)"] })
    let c = g.curves
    for i in c.time.indices {
      t.add(
        [NumberFormat.significant(c.time[i], digits: 6), String(c.nRisk[i]), String(c.nCensor[i])]
          + causes.indices.flatMap { k in
            [String(c.nEvent[k][i]), NumberFormat.significant(c.incidence[k][i]), NumberFormat.significant(c.stdErr[k][i])]
          })
    }
    return t
  }

  private var methodLine: String {
    let type = analysis.options.confidenceType
    return "Aalen-Johansen cumulative incidence per cause; standard errors by the infinitesimal jackknife and \(percent) intervals on the \(type.rawValue) transform, as R survival's survfit"
  }

  private var grayLine: String {
    "Gray's test of equal cumulative incidence across groups (rho = \(NumberFormat.significant(rho))), as cmprsk's cuminc:"
  }

  // MARK: Text

  /// Text for a terminal.
  public func text() -> String {
    var out = "Cumulative incidence (competing risks)\n"
    for line in input.textLines { out += line + "\n" }
    out += methodLine + "\n\n" + countsTable.render()
    if !analysis.options.times.isEmpty {
      out += "\nCumulative incidence at given times:\n" + timesTable.render()
      if analysis.groups.contains(where: { $0.atTimes.contains { $0.contains(where: \.beyondFollowUp) } }) {
        out += "* beyond the group's last follow-up: the last value carried forward\n"
      }
    }
    if !grayTests.isEmpty { out += "\n" + grayLine + "\n" + grayTable.render() }
    if let line = fineGrayLine, let table = fineGrayTable {
      out += "\n" + line + "\n" + table.render()
    }
    if showSteps {
      for g in analysis.groups { out += "\nSteps, group \(g.curves.label):\n" + stepsTable(g).render() }
    }
    if !allWarnings.isEmpty { out += "\nWarnings:\n" + allWarnings.map { "- " + $0 + "\n" }.joined() }
    return out
  }

  // MARK: Markdown

  /// Markdown with the same content as the text.
  public func markdown() -> String {
    var out = "# Cumulative incidence (competing risks)\n\n"
    for line in input.textLines { out += Markdown.escape(line) + "  \n" }
    out += Markdown.escape(methodLine) + "\n\n" + countsTable.markdown()
    if !analysis.options.times.isEmpty {
      out += "\n## Cumulative incidence at given times\n\n" + timesTable.markdown()
    }
    if !grayTests.isEmpty { out += "\n## Gray's test\n\n" + Markdown.escape(grayLine) + "\n\n" + grayTable.markdown() }
    if let line = fineGrayLine, let table = fineGrayTable {
      out += "\n## Fine-Gray model\n\n" + Markdown.escape(line) + "\n\n" + table.markdown()
    }
    if showSteps {
      for g in analysis.groups {
        out += "\n## Steps, group \(Markdown.escape(g.curves.label))\n\n" + stepsTable(g).markdown()
      }
    }
    if !allWarnings.isEmpty {
      out += "\n## Warnings\n\n" + allWarnings.map { "- " + Markdown.escape($0) + "\n" }.joined()
    }
    return out
  }

  // MARK: CSV

  /// Every step of every cause and group at full precision (RFC 4180).
  public func csv() -> String {
    var out = "group,cause,time,n_risk,n_event,incidence,std_err,lower,upper\r\n"
    for g in analysis.groups {
      let c = g.curves
      for k in causes.indices {
        for i in c.time.indices {
          let cells = [
            CSV.field(c.label), CSV.field(causes[k]), NumberFormat.full(c.time[i]), String(c.nRisk[i]),
            String(c.nEvent[k][i]), NumberFormat.full(c.incidence[k][i]), NumberFormat.full(c.stdErr[k][i]),
            NumberFormat.full(g.lower[k][i]), NumberFormat.full(g.upper[k][i]),
          ]
          out += cells.joined(separator: ",") + "\r\n"
        }
      }
    }
    return out
  }
}

extension CumulativeIncidenceReport: RenderedReport {}
