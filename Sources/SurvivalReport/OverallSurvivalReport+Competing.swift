import Survival

/// The competing-risks part of an OS report: the cause of each patient's first event (relapse,
/// death without relapse) and its cumulative incidence by arm beside overall survival.
public struct CompetingRisksSummary: Sendable {
  /// The curves by arm, in the OS data's group order.
  public var analysis: CumulativeIncidenceAnalysis
  /// Gray's test per cause (empty when it could not be computed).
  public var grayTests: [GrayTest]
  /// The status column with the causes.
  public var statusColumn: String
  /// The time column of the competing-risks status.
  public var timeColumn: String
  /// The value of the status that is censored.
  public var censorValue: String
  /// Lines of the rows left out of this section only (status or time missing).
  public var excludedLines: [Int]

  /// A summary; see the properties for each argument.
  public init(
    analysis: CumulativeIncidenceAnalysis, grayTests: [GrayTest], statusColumn: String, timeColumn: String, censorValue: String,
    excludedLines: [Int] = []
  ) {
    self.analysis = analysis
    self.grayTests = grayTests
    self.statusColumn = statusColumn
    self.timeColumn = timeColumn
    self.censorValue = censorValue
    self.excludedLines = excludedLines
  }
}

extension OverallSurvivalReport {
  /// The section, its tables and figure, when the report has a competing-risks part.
  var competingSection: Section? {
    guard let cr = competing else { return nil }
    let a = cr.analysis
    let causes = a.data.causeLabels
    let percent = NumberFormat.significant(100 * a.options.confidenceLevel)
    var counts = Table(
      caption: "First events by cause and arm (\(cr.statusColumn))", header: ["Arm", "Patients"] + causes.map { "Cause \($0)" } + ["Censored"],
      rows: [])
    var landmarks = Table(
      caption: "Cumulative incidence at landmark times",
      header: ["Arm", "Cause"] + a.options.times.map { "\(NumberFormat.significant($0)) \(timeUnit)" }, rows: [],
      note: "Aalen–Johansen estimate (\(percent)% CI, \(a.options.confidenceType.rawValue) transform; infinitesimal-jackknife standard errors, as R survival's survfit); number at risk in brackets.")
    for i in order where i < a.groups.count {
      let g = a.groups[i]
      counts.rows.append(
        [g.curves.label, String(g.curves.n)] + causes.indices.map { String(g.curves.events(cause: $0 + 1)) }
          + [String(g.curves.nCensor.reduce(0, +))])
      for k in causes.indices {
        landmarks.rows.append(
          [g.curves.label, causes[k]]
            + g.atTimes[k].map { s in
              s.beyondFollowUp
                ? "beyond follow-up"
                : "\(F.percent(s.incidence)) (\(F.interval(F.percent(s.lower), F.percent(s.upper)))) [\(s.nRisk)]"
            })
      }
    }
    var tables = [counts]
    if !a.options.times.isEmpty { tables.append(landmarks) }
    if !cr.grayTests.isEmpty {
      tables.append(
        Table(
          caption: "Gray's test of equal cumulative incidence between arms", header: ["Cause", "Chi-square", "df", "p"],
          rows: cr.grayTests.map { [$0.causeLabel, F.statistic($0.statistic), String($0.degreesOfFreedom), F.p($0.pValue)] },
          note: "As cmprsk's cuminc (rho = 0)."))
    }
    var paragraphs = [
      "Cause of the first event from \(cr.statusColumn) (\(cr.censorValue) = censored), time \(cr.timeColumn). Each cause's cumulative incidence is the probability of that event first by the time, the other causes competing; they add up with the event-free survival to one."
    ]
    if !cr.excludedLines.isEmpty {
      paragraphs.append(
        "\(cr.excludedLines.count) patient\(cr.excludedLines.count == 1 ? "" : "s") with no \(cr.statusColumn) or \(cr.timeColumn) left out of this section only.")
    }
    return Section(
      id: "competing", heading: "Competing risks: cumulative incidence by cause", paragraphs: paragraphs, tables: tables,
      figure: (name: "cif", caption: "Cumulative incidence of each cause by arm (Aalen–Johansen). Time in \(timeUnit) since randomisation."))
  }

  /// The cumulative-incidence plot, when the report has a competing-risks part.
  func competingPlot(xLabel: String, ticks: [Double]) -> (String, String)? {
    guard let cr = competing else { return nil }
    let plot = KaplanMeierPlot(incidence: cr.analysis, groups: order, xLabel: xLabel, ticks: ticks, showConfidenceBands: confidenceBands)
    return ("cif", plot.svg())
  }

  /// The `"competing_risks"` block of the JSON.
  var competingJSON: JSONValue {
    guard let cr = competing else { return .null }
    let a = cr.analysis
    let arms: [JSONValue] = order.filter { $0 < a.groups.count }.map { i in
      let g = a.groups[i]
      return .object([
        ("arm", .string(g.curves.label)), ("patients", .int(g.curves.n)),
        (
          "causes",
          .array(
            a.data.causeLabels.indices.map { k in
              .object([
                ("cause", .string(a.data.causeLabels[k])), ("events", .int(g.curves.events(cause: k + 1))),
                (
                  "landmarks",
                  .array(
                    g.atTimes[k].map { s in
                      .object([
                        ("time", .number(s.time)), ("incidence", .number(s.incidence)), ("std_err", .number(s.stdErr)),
                        ("lower", .number(s.lower)), ("upper", .number(s.upper)), ("n_risk", .int(s.nRisk)),
                        ("beyond_follow_up", .bool(s.beyondFollowUp)),
                      ])
                    })
                ),
              ])
            })
        ),
      ])
    }
    return .object([
      ("status", .string(cr.statusColumn)), ("time", .string(cr.timeColumn)), ("censor_value", .string(cr.censorValue)),
      ("causes", .array(a.data.causeLabels.map { .string($0) })), ("rows_excluded", .int(cr.excludedLines.count)),
      ("excluded_lines", .array(cr.excludedLines.map { .int($0) })),
      ("method", .string("Aalen-Johansen; infinitesimal-jackknife standard errors (R survival's survfit)")),
      ("arms", .array(arms)),
      (
        "gray_tests",
        .array(
          cr.grayTests.map { t in
            .object([
              ("cause", .string(t.causeLabel)), ("statistic", .number(t.statistic)), ("df", .int(t.degreesOfFreedom)),
              ("p", .number(t.pValue)),
            ])
          })
      ),
    ])
  }
}
