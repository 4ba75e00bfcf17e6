import Foundation
import Survival
import TrialDesign

extension OverallSurvivalReport {
  // MARK: - HTML

  static let stylesheet = """
    :root { color-scheme: light; }
    body { margin: 0; background: #ffffff; color: #1a1a1a; font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
    main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }
    h1 { font-size: 1.6em; margin: 0 0 4px; }
    h2 { font-size: 1.25em; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #0072B2; }
    h3 { font-size: 1.05em; margin: 18px 0 6px; }
    .subtitle { color: #444; margin: 0 0 12px; }
    .banner { border: 2px solid #D55E00; background: #fff4ec; color: #7a2e00; padding: 8px 12px; font-weight: 600; margin: 12px 0; }
    .key { background: #f3f7fb; border-left: 4px solid #0072B2; padding: 8px 16px; }
    .key li { margin: 3px 0; }
    figure { margin: 12px 0 18px; }
    figure svg { width: 100%; height: auto; display: block; }
    figcaption { color: #444; font-size: 0.9em; margin-top: 4px; }
    table { border-collapse: collapse; margin: 8px 0 4px; font-size: 0.92em; }
    caption { text-align: left; font-weight: 600; padding: 4px 0; }
    th, td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
    th { background: #f6f8fa; }
    th.level { padding-left: 26px; font-weight: normal; }
    .warnings { border-left: 4px solid #D55E00; background: #fff8f3; padding: 6px 16px; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    p.note { color: #555; font-size: 0.85em; margin: 2px 0 14px; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 0.9em; }
    dt { font-weight: 600; }
    dd { margin: 0; overflow-wrap: anywhere; }
    code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
    @page { margin: 14mm; }
    @media print {
      body { font-size: 10pt; }
      main { max-width: none; padding: 0; }
      h2 { break-after: avoid; }
      figure, table, .key, .banner, .keep { break-inside: avoid; }
      figure svg { max-height: 215mm; }
      p { orphans: 3; widows: 3; }
      section { break-inside: auto; }
      .banner, .key, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    """

  static func escape(_ s: String) -> String { SVGText.escape(s) }

  /// A cell is numeric when it starts like a number, a percentage or a bound ("< 0.001").
  static func isNumeric(_ cell: String) -> Bool {
    guard let first = cell.unicodeScalars.first else { return false }
    return CharacterSet.decimalDigits.contains(first) || cell.hasPrefix("< ") || cell.hasPrefix("-") || cell == "NR" || cell == "NE"
  }

  static func htmlTable(_ t: Table) -> String {
    var out = "<table>\n<caption>\(escape(t.caption))</caption>\n<thead><tr>"
    for (i, h) in t.header.enumerated() { out += i == 0 ? "<th scope=\"col\">\(escape(h))</th>" : "<th scope=\"col\" class=\"num\">\(escape(h))</th>" }
    out += "</tr></thead>\n<tbody>\n"
    for row in t.rows {
      out += "<tr>"
      for (i, cell) in row.enumerated() {
        if i == 0 && cell.hasPrefix(OverallSurvivalReport.levelMark) {
          out += "<th scope=\"row\" class=\"level\">\(escape(String(cell.dropFirst())))</th>"
        } else if i == 0 {
          out += "<th scope=\"row\">\(escape(cell))</th>"
        } else {
          out += isNumeric(cell) ? "<td class=\"num\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
        }
      }
      out += "</tr>\n"
    }
    out += "</tbody>\n</table>\n"
    if let note = t.note { out += "<p class=\"note\">\(escape(note))</p>\n" }
    return out
  }

  /// The report as one self-contained HTML page: inline SVG and CSS, no scripts, no external
  /// resources; every text from the data is escaped.
  public func html() -> String {
    let svgs = Dictionary(plots().map { ($0.name, $0.svg) }, uniquingKeysWith: { a, _ in a })
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="osstats \(Self.escape(version))">
      <title>\(Self.escape(title))</title>
      <style>
      \(Self.stylesheet)
      </style>
      </head>
      <body>
      <main>
      <header>
      <h1>\(Self.escape(title))</h1>
      <p class="subtitle">\(Self.escape(c.experimentalLabel)) (experimental) vs \(Self.escape(c.controlLabel)) (control) · \(Self.escape(input.file))</p>

      """
    if simulated {
      out += "<p class=\"banner\" role=\"note\">Simulated data: every number below comes from a simulated data set and is not a trial result.</p>\n"
    }
    out += "</header>\n<section id=\"summary\">\n<h2>Key results</h2>\n<ul class=\"key\">\n"
    for line in keyFindings { out += "<li>\(Self.escape(line))</li>\n" }
    out += "</ul>\n"
    let notes = allWarnings
    if !notes.isEmpty {
      out += "<ul class=\"warnings\" aria-label=\"Warnings\">\n" + notes.map { "<li>Warning: \(Self.escape($0))</li>\n" }.joined() + "</ul>\n"
    }
    out += "</section>\n"
    for s in sections {
      // The heading, its text and its figure stay on one printed page.
      out += "<section id=\"\(s.id)\">\n<div class=\"keep\">\n<h2>\(Self.escape(s.heading))</h2>\n"
      for p in s.paragraphs { out += "<p>\(Self.escape(p))</p>\n" }
      if let f = s.figure, let svg = svgs[f.name] {
        out += "<figure id=\"figure-\(f.name)\">\n\(svg)\n<figcaption>\(Self.escape(f.caption))</figcaption>\n</figure>\n"
      }
      out += "</div>\n"
      for t in s.tables { out += Self.htmlTable(t) }
      out += "</section>\n"
    }
    out += "<section id=\"reproducibility\">\n<h2>Reproducibility</h2>\n<dl>\n"
    for (k, v) in reproducibility {
      let value = k == "Command" || k == "SHA-256" ? "<code>\(Self.escape(v))</code>" : Self.escape(v)
      out += "<dt>\(Self.escape(k))</dt><dd>\(value)</dd>\n"
    }
    out += "</dl>\n<h3>Methods and conventions</h3>\n<ul>\n"
    for m in methods { out += "<li>\(Self.escape(m))</li>\n" }
    out += "</ul>\n</section>\n</main>\n</body>\n</html>\n"
    return out
  }

  // MARK: - Markdown

  static func markdownTable(_ t: Table) -> String {
    func cell(_ text: String) -> String {
      text.hasPrefix(OverallSurvivalReport.levelMark) ? "&emsp;" + Markdown.escape(String(text.dropFirst())) : Markdown.escape(text)
    }
    func line(_ cells: [String]) -> String { "| " + cells.map(cell).joined(separator: " | ") + " |" }
    var out = "**\(Markdown.escape(t.caption))**\n\n" + line(t.header) + "\n|" + t.header.indices.map { $0 == 0 ? ":---|" : "---:|" }.joined() + "\n"
    out += t.rows.map(line).joined(separator: "\n") + "\n"
    if let note = t.note { out += "\n_\(Markdown.escape(note))_\n" }
    return out + "\n"
  }

  /// The report as Markdown with the plots as separate files: returns the text and the SVG files
  /// (named `<plotBaseName>-<plot>.svg`) that it links to, to be written beside it.
  public func markdown() -> (text: String, files: [(name: String, contents: String)]) {
    let files = plots().map { (name: "\(plotBaseName)-\($0.name).svg", contents: $0.svg) }
    var out = "# \(Markdown.escape(title))\n\n"
    out += "\(Markdown.escape(c.experimentalLabel)) (experimental) vs \(Markdown.escape(c.controlLabel)) (control) · \(Markdown.escape(input.file))\n\n"
    if simulated { out += "> **Simulated data:** every number below comes from a simulated data set and is not a trial result.\n\n" }
    out += "## Key results\n\n" + keyFindings.map { "- " + Markdown.escape($0) }.joined(separator: "\n") + "\n\n"
    if !allWarnings.isEmpty { out += allWarnings.map { "> Warning: " + Markdown.escape($0) }.joined(separator: "\n>\n") + "\n\n" }
    for s in sections {
      out += "## \(Markdown.escape(s.heading))\n\n"
      for p in s.paragraphs { out += Markdown.escape(p) + "\n\n" }
      if let f = s.figure, let file = files.first(where: { $0.name == "\(plotBaseName)-\(f.name).svg" }) {
        out += "![\(Markdown.escape(f.caption))](\(file.name))\n\n"
      }
      for t in s.tables { out += Self.markdownTable(t) }
    }
    out += "## Reproducibility\n\n"
    for (k, v) in reproducibility { out += "- **\(Markdown.escape(k))**: \(Markdown.escape(v))\n" }
    out += "\n### Methods and conventions\n\n" + methods.map { "- " + Markdown.escape($0) }.joined(separator: "\n") + "\n"
    return (out, files)
  }

  // MARK: - JSON

  private func quantileJSON(_ q: SurvivalQuantile) -> JSONValue {
    .object([("estimate", .number(q.time)), ("lower", .number(q.lower)), ("upper", .number(q.upper))])
  }

  private func hazardRatioJSON(_ hr: OverallSurvivalComparison.HazardRatio?) -> JSONValue {
    guard let hr else { return .null }
    return .object([
      ("estimate", .number(hr.estimate)), ("lower", .number(hr.lower)), ("upper", .number(hr.upper)), ("p", .number(hr.p)),
      ("coef", .number(hr.model.coefficients[0])), ("se", .number(hr.model.standardErrors[0])),
      ("loglik", .number(hr.model.loglik)), ("events", .int(hr.model.events)),
    ])
  }

  private func logRankJSON(_ t: LogRankTest?) -> JSONValue {
    guard let t else { return .null }
    let z = t.z.map { c.experimental == 1 ? -$0 : $0 }
    return .object([
      ("chisq", .number(t.chiSquare)), ("df", .int(t.df)), ("p", .number(t.p)), ("z_favourable", .number(z)),
      ("observed", .array(order.map { .number(t.observed[$0]) })), ("expected", .array(order.map { .number(t.expected[$0]) })),
    ])
  }

  /// Every number of the report.
  public func json() -> String {
    let armsJSON: [JSONValue] = order.map { i in
      let g = km.groups[i]
      return .object([
        ("arm", .string(c.data.groupLabels[i])), ("role", .string(i == c.experimental ? "experimental" : "control")),
        ("patients", .int(g.curve.n)), ("deaths", .int(g.curve.events)), ("censored", .int(g.curve.n - g.curve.events)),
        ("median", quantileJSON(g.median)),
        (
          "landmarks",
          .array(
            g.atTimes.map { s in
              .object([
                ("time", .number(s.time)), ("survival", .number(s.survival)), ("std_err", .number(s.stdErr)),
                ("lower", .number(s.lower)), ("upper", .number(s.upper)), ("n_risk", .int(s.nRisk)),
                ("beyond_follow_up", .bool(s.beyondFollowUp)),
              ])
            })
        ),
        (
          "rmst",
          .object([
            ("tau", .number(g.restrictedMean.tau)), ("estimate", .number(g.restrictedMean.estimate)),
            ("std_err", .number(g.restrictedMean.stdErr)), ("lower", .number(g.restrictedMean.lower)),
            ("upper", .number(g.restrictedMean.upper)),
          ])
        ),
        ("follow_up", quantileJSON(g.followUp)),
      ])
    }
    var rmst: JSONValue = .null
    if let d = km.restrictedMeanDifference {
      let sign = c.experimental == 1 ? 1.0 : -1.0
      rmst = .object([
        ("tau", .number(d.tau)), ("tau_rule", .string(km.tauRule)), ("difference", .number(sign * d.difference)),
        ("std_err", .number(d.stdErr)), ("lower", .number(sign > 0 ? d.lower : -d.upper)),
        ("upper", .number(sign > 0 ? d.upper : -d.lower)), ("p", .number(d.p)),
        ("direction", .string("experimental minus control")),
      ])
    }
    var ph: JSONValue = .null
    if let t = c.proportionalHazards {
      ph = .object([
        ("transform", .string(t.transform.rawValue)),
        ("global", .object([("chisq", .number(t.global.statistic)), ("df", .int(t.global.df)), ("p", .number(t.global.p))])),
      ])
    }
    let subgroupsJSON: [JSONValue] = c.subgroups.map { s in
      .object([
        ("name", .string(s.name)), ("missing", .int(s.missing)),
        (
          "interaction",
          s.interaction.map { .object([("chisq", .number($0.statistic)), ("df", .int($0.df)), ("p", .number($0.p))]) } ?? .null
        ),
        (
          "levels",
          .array(
            s.levels.map { l in
              .object([
                ("level", .string(l.level)), ("patients", .int(l.patients)), ("deaths", .int(l.events)),
                ("patients_by_arm", .array(l.patientsByArm.map { .int($0) })), ("deaths_by_arm", .array(l.eventsByArm.map { .int($0) })),
                ("hazard_ratio", hazardRatioJSON(l.hazardRatio)),
              ])
            })
        ),
      ])
    }
    var members: [(String, JSONValue)] = [
      ("analysis", .string("report")), ("kind", .string(kind.rawValue)), ("title", .string(title)),
      ("osstats_version", .string(version)), ("command", .string(command)), ("simulated", .bool(simulated)),
      ("input", input.json), ("time_unit", .string(timeUnit)), ("strata", .array(strata.map { .string($0) })),
    ]
    members += [
      ("arms", .array(armsJSON)),
      ("confidence", .object([("level", .number(km.options.confidenceLevel)), ("transform", .string(km.options.confidenceType.rawValue))])),
      ("follow_up_overall", quantileJSON(km.followUpOverall)), ("rmst_difference", rmst),
      ("logrank", logRankJSON(c.logRank)), ("logrank_stratified", logRankJSON(c.stratifiedLogRank)),
      ("hazard_ratio", hazardRatioJSON(c.hazardRatio)), ("hazard_ratio_stratified", hazardRatioJSON(c.stratifiedHazardRatio)),
      ("ph_test", ph), ("subgroups", .array(subgroupsJSON)), ("competing_risks", competingJSON),
      ("monitoring", monitoring?.document ?? .null),
      ("methods", .array(methods.map { .string($0) })),
      ("warnings", .array(allWarnings.map { .string($0) })),
    ]
    if let timestamp { members.append(("generated", .string(timestamp))) }
    return JSONValue.object(members).serialized() + "\n"
  }
}
