import Foundation

/// The report page of a simulated monitoring plan, read back from the JSON that
/// `osstats simulate --design … --format json` writes (``SequentialSimulationReport/json()``):
/// the power curve and the expected-events curve over the scenarios (``PowerCurvePlot``), one
/// table row per scenario, the plan, the model, the warnings and the command, every part
/// labelled simulated. Pure: takes the document's bytes, returns strings.
public struct SimulationGridReport: Sendable {
  /// Why a document cannot be reported.
  public struct Failure: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the field.
    public let description: String
    /// True when the document is JSON of another kind (not a simulated monitoring plan).
    public var otherAnalysis = false
  }

  /// One scenario of the document.
  public struct Scenario: Sendable {
    /// The scenario's parameters, `hr` first, in the document's order.
    public var parameters: [(name: String, value: Double)]
    public var trials: Int
    public var power: Double
    public var powerSE: Double
    public var analytic: Double?
    public var earlyStop: Double?
    public var expectedEvents: Double
    public var expectedPatients: Double?
    public var expectedDuration: Double?
    public var hazardRatioAtStop: Double?
  }

  /// The scenarios, in the document's order.
  public let scenarios: [Scenario]
  /// Header facts: (label, value), in order.
  public let facts: [(String, String)]
  /// The document's warnings.
  public let warnings: [String]
  /// Alpha and the maximum events of the plan.
  public let alpha: Double
  public let maxEvents: Double
  /// The source file's name, for the page.
  public let source: String
  /// The osstats version rendering the page.
  public let version: String

  /// The keys of a scenario that are its parameters (besides `hr`).
  static let parameterKeys = ["delay", "patients", "max_events"]

  /// Reads a document; `source` names it in messages and on the page.
  public init(json: Data, source: String, version: String) throws(Failure) {
    func fail(_ s: String) -> Failure { Failure(description: "\(source): \(s)") }
    guard let root = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
      throw fail("not a JSON object")
    }
    guard root["analysis"] as? String == "sequential_simulation" else {
      var failure = fail("\"analysis\" is \(root["analysis"].map { "\"\($0)\"" } ?? "missing"), not \"sequential_simulation\" (the JSON of a simulated monitoring plan)")
      failure.otherAnalysis = true
      throw failure
    }
    let items: [[String: Any]]
    if let list = root["scenarios"] as? [[String: Any]] { items = list } else { items = [root] }
    var scenarios: [Scenario] = []
    for (k, item) in items.enumerated() {
      func number(_ key: String) throws(Failure) -> Double {
        guard let v = item[key] as? Double else { throw fail("scenario \(k + 1): \"\(key)\" is missing or not a number") }
        return v
      }
      let hr = try number("hr")
      var parameters = [(name: "hr", value: hr)]
      for key in Self.parameterKeys { if let v = item[key] as? Double { parameters.append((key, v)) } }
      scenarios.append(
        Scenario(
          parameters: parameters, trials: item["trials"] as? Int ?? 0, power: try number("overall_rejection"),
          powerSE: try number("overall_rejection_se"), analytic: item["analytic_rejection"] as? Double,
          earlyStop: item["early_stop"] as? Double, expectedEvents: try number("expected_events"),
          expectedPatients: item["expected_patients"] as? Double, expectedDuration: item["expected_duration"] as? Double,
          hazardRatioAtStop: (item["hazard_ratio_at_stop"] as? [String: Any])?["geometric_mean"] as? Double))
    }
    guard !scenarios.isEmpty else { throw fail("no scenarios") }
    guard root["simulated"] as? Bool == true else { throw fail("\"simulated\" is not true") }
    self.scenarios = scenarios
    alpha = root["alpha"] as? Double ?? 0.025
    // A grid over the maximum events has no single maximum: the largest scenario's.
    maxEvents =
      root["max_events"] as? Double
      ?? scenarios.compactMap { s in s.parameters.first { $0.name == "max_events" }?.value }.max() ?? 0
    warnings = (root["warnings"] as? [String]) ?? []
    func text(_ v: Any?) -> String? {
      switch v {
      case let s as String: return s
      case let d as Double: return NumberFormat.significant(d, digits: 6)
      case let b as Bool: return b ? "yes" : "no"
      default: return nil
      }
    }
    var facts: [(String, String)] = []
    for (key, label) in [
      ("design", "Design file"), ("test_description", "Test at each look"), ("alpha", "Alpha"), ("sided", "Sides"),
      ("binding_futility", "Binding futility"), ("max_events", "Maximum events"), ("patients", "Patients"),
      ("seed", "Seed"), ("trials_requested", "Trials per scenario"), ("interrupted", "Interrupted"),
      ("osstats_version", "Simulated by osstats"), ("command", "Command"),
    ] {
      if let v = text(root[key]) { facts.append((label, v)) }
    }
    if let model = root["model"] as? [String: Any] {
      for key in model.keys.sorted() {
        if let v = text(model[key]) { facts.append(("Model: " + key.replacingOccurrences(of: "_", with: " "), v)) }
      }
    }
    self.facts = facts
    self.source = source
    self.version = version
  }

  private func f(_ v: Double?) -> String { NumberFormat.significant(v, digits: 4) }

  /// The power curve (SVG).
  public func powerCurve() -> String {
    // Against the hazard ratio, or the first other parameter that varies when the HR does not.
    var axis = (index: 0, label: "true hazard ratio")
    let names = scenarios[0].parameters.map(\.name)
    if Set(scenarios.map { $0.parameters[0].value }).count <= 1 {
      for k in names.indices.dropFirst() where Set(scenarios.map { $0.parameters.count > k ? $0.parameters[k].value : .nan }).count > 1 {
        axis = (k, SequentialSimulationReport.axisLabel(names[k]))
        break
      }
    }
    let points = scenarios.map { s in
      PowerCurvePlot.Point(
        hazardRatio: s.parameters.count > axis.index ? s.parameters[axis.index].value : .nan, power: s.power,
        powerSE: s.powerSE, analytic: s.analytic, expectedEvents: s.expectedEvents)
    }
    return PowerCurvePlot(points: points, alpha: alpha, maxEvents: maxEvents, axis: axis.label).svg()
  }

  var table: OverallSurvivalReport.Table {
    let names = scenarios[0].parameters.map { $0.name == "hr" ? "HR" : $0.name }
    let rows = scenarios.map { s in
      s.parameters.map { f($0.value) } + [
        String(s.trials), f(s.power), NumberFormat.significant(s.powerSE, digits: 2), s.analytic.map(f) ?? "-",
        f(s.earlyStop), f(s.expectedEvents), f(s.expectedPatients), f(s.expectedDuration), f(s.hazardRatioAtStop),
      ]
    }
    return .init(
      caption: "Operating characteristics by scenario (simulated)",
      header: names + ["trials", "power", "MC se", "analytic", "early stop", "E[events]", "E[patients]", "E[duration]", "HR at stop"],
      rows: rows,
      note: "Power: overall rejection probability with its Monte Carlo standard error; analytic: the design's power under proportional hazards (- where the scenario is not proportional hazards); HR at stop: geometric mean of the estimate at the stopping look.")
  }

  private let title = "Simulated operating characteristics of the monitoring plan"
  private let banner = "Simulated data: every number below comes from simulated trials and is not a trial result."

  /// One self-contained HTML page.
  public func html() -> String {
    let e = OverallSurvivalReport.escape
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="osstats \(e(version))">
      <title>\(e(title))</title>
      <style>
      \(OverallSurvivalReport.stylesheet)
      </style>
      </head>
      <body>
      <main>
      <header>
      <h1>\(e(title))</h1>
      <p class="subtitle">\(e(source))</p>
      <p class="banner" role="note">\(e(banner))</p>
      </header>

      """
    if !warnings.isEmpty {
      out += "<ul class=\"warnings\" aria-label=\"Warnings\">\n" + warnings.map { "<li>Warning: \(e($0))</li>\n" }.joined() + "</ul>\n"
    }
    out += "<section id=\"power\">\n<div class=\"keep\">\n<h2>Power and expected events</h2>\n"
    out += "<figure id=\"figure-power\">\n\(powerCurve())\n<figcaption>\(e("Simulated power (±2 Monte Carlo standard errors) and expected events at stopping, by scenario; simulated."))</figcaption>\n</figure>\n</div>\n"
    out += OverallSurvivalReport.htmlTable(table) + "</section>\n"
    out += "<section id=\"reproducibility\">\n<h2>Plan, model and reproducibility</h2>\n<dl>\n"
    for (k, v) in facts {
      out += "<dt>\(e(k))</dt><dd>\(k == "Command" ? "<code>\(e(v))</code>" : e(v))</dd>\n"
    }
    out += "<dt>Report written by</dt><dd>osstats \(e(version))</dd>\n</dl>\n</section>\n</main>\n</body>\n</html>\n"
    return out
  }

  /// Markdown, with the power curve as a file beside it named `<base>-power.svg`.
  public func markdown(plotBaseName base: String) -> (text: String, files: [(name: String, contents: String)]) {
    let file = "\(base)-power.svg"
    var out = "# \(Markdown.escape(title))\n\n> \(Markdown.escape(banner))\n\n"
    for w in warnings { out += "- Warning: \(Markdown.escape(w))\n" }
    if !warnings.isEmpty { out += "\n" }
    out += "## Power and expected events\n\n![Simulated power and expected events](\(file))\n\n"
    let t = table
    var text = TextTable(t.header)
    for r in t.rows { text.add(r) }
    out += text.markdown() + "\n" + Markdown.escape(t.note ?? "") + "\n\n## Plan, model and reproducibility\n\n"
    for (k, v) in facts { out += "- \(Markdown.escape(k)): \(k == "Command" ? "`\(v.replacingOccurrences(of: "`", with: "'"))`" : Markdown.escape(v))\n" }
    return (out, [(file, powerCurve())])
  }
}
