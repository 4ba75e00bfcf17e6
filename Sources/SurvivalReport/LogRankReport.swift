import Survival

/// Renders a log-rank analysis: the main test (like R's `print(survdiff)`), and optionally the
/// trend test, MaxCombo and pairwise comparisons. Pure: returns strings.
public struct LogRankReport: Sendable {
  /// The main test.
  public let test: LogRankTest
  /// Where its data came from.
  public let input: InputSummary
  /// The osstats version, recorded in JSON.
  public let version: String
  /// The alternative for the one-sided p-value of two groups.
  public var alternative: Alternative = .twoSided
  /// The trend test, when asked for.
  public var trend: LogRankTrend?
  /// MaxCombo, when asked for.
  public var maxCombo: MaxComboTest?
  /// Pairwise comparisons, when asked for.
  public var pairwise: PairwiseLogRank?
  /// The adjustment shown in text (JSON has both).
  public var adjustment: PValueAdjustment = .holm
  /// Statistical warnings.
  public var warnings: [String] = []

  /// A report of `test` read from `input`.
  public init(test: LogRankTest, input: InputSummary, version: String) {
    self.test = test
    self.input = input
    self.version = version
  }

  private var groupColumn: String { input.loaded.mapping.group ?? "group" }

  private var parameters: (JSONValue, JSONValue) {
    if case .flemingHarrington(let rho, let gamma) = test.weights {
      return (.number(rho), .number(gamma))
    }
    return (.null, .null)
  }

  /// The sentence that states the sign convention of z.
  public var directionNote: String? {
    guard test.groups.count == 2 else { return nil }
    return
      "z is for \(test.groups[1]) against \(test.groups[0]): negative when \(test.groups[1]) has fewer events than expected (a lower hazard)"
  }

  // MARK: JSON

  /// The JSON document (pretty-printed, ending with a newline).
  public func json() -> String {
    let t = test
    let (rho, gamma) = parameters
    let groups: [JSONValue] = t.groups.indices.map { g in
      let oe = t.observed[g] - t.expected[g]
      return .object([
        ("group", .string(t.groups[g])), ("n", .int(t.n[g])), ("events", .int(t.events[g])),
        ("observed", .number(t.observed[g])), ("expected", .number(t.expected[g])),
        ("o_minus_e", .number(oe)), ("oe2_over_e", .number(oe * oe / t.expected[g])),
        ("oe2_over_v", .number(oe * oe / t.variance[g, g])),
      ])
    }
    let variance: JSONValue = .array(
      t.variance.rowArrays.map { row in .array(row.map { JSONValue.number($0) }) })
    var members: [(String, JSONValue)] = [
      ("analysis", .string("logrank")),
      ("osstats_version", .string(version)),
      ("input", input.json),
      ("weights", .string(t.weights.name)),
      ("weights_label", .string(t.weights.label)),
      ("weight_function", .string(t.weights.formula)),
      ("rho", rho), ("gamma", gamma),
      ("strata_columns", .array(input.loaded.mapping.strata.map(JSONValue.string))),
      ("strata", .array(t.strata.map(JSONValue.string))),
      ("chisq", .number(t.chiSquare)), ("df", .int(t.df)), ("p", .number(t.p)),
      ("z", .number(t.z)),
      ("alternative", .string(alternative.rawValue)),
      ("p_alternative", .number(t.z == nil ? nil : t.pValue(alternative))),
      ("direction", .string(directionNote)),
      ("groups", .array(groups)),
      ("variance", variance),
      ("excluded_groups", .array(t.excludedGroups.map(JSONValue.string))),
      ("single_group_strata", .array(t.singleGroupStrata.map(JSONValue.string))),
    ]
    members.append(("trend", trend.map(Self.trendJSON) ?? .null))
    members.append(("maxcombo", maxCombo.map(Self.maxComboJSON) ?? .null))
    members.append(("pairwise", pairwise.map(Self.pairwiseJSON) ?? .null))
    members.append(("warnings", .array((input.warnings + warnings).map(JSONValue.string))))
    return JSONValue.object(members).serialized() + "\n"
  }

  static func trendJSON(_ t: LogRankTrend) -> JSONValue {
    .object([
      ("scores", .array(t.scores.map { JSONValue.number($0) })), ("score", .number(t.score)),
      ("variance", .number(t.variance)), ("z", .number(t.z)), ("chisq", .number(t.chiSquare)),
      ("df", .int(1)), ("p", .number(t.p)),
    ])
  }

  static func maxComboJSON(_ m: MaxComboTest) -> JSONValue {
    .object([
      ("components", .array(m.weights.map { JSONValue.string($0.label) })),
      ("z", .array(m.z.map { JSONValue.number($0) })),
      ("correlation", .array(m.correlation.rowArrays.map { r in .array(r.map { JSONValue.number($0) }) })),
      ("alternative", .string(m.alternative.rawValue)),
      ("statistic", .number(m.statistic)), ("p", .number(m.p)),
    ])
  }

  static func pairwiseJSON(_ p: PairwiseLogRank) -> JSONValue {
    .array(
      p.comparisons.map { c in
        .object([
          ("first", .string(c.first)), ("second", .string(c.second)),
          ("chisq", .number(c.test.chiSquare)), ("df", .int(c.test.df)), ("p", .number(c.test.p)),
          ("z", .number(c.test.z)), ("p_holm", .number(c.pHolm)),
          ("p_bonferroni", .number(c.pBonferroni)),
        ])
      })
  }

  // MARK: Text and Markdown

  private var title: String {
    var s = "Log-rank test, \(test.weights.label) weights"
    if test.strata.count > 1 || !input.loaded.mapping.strata.isEmpty {
      s += ", stratified by \(input.loaded.mapping.strata.joined(separator: " x ")) (\(test.strata.count) strata)"
    }
    return s
  }

  private var groupTable: TextTable {
    var table = TextTable(["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"])
    let t = test
    for g in t.groups.indices {
      let oe = t.observed[g] - t.expected[g]
      table.add([
        "\(groupColumn)=\(t.groups[g])", String(t.n[g]), NumberFormat.significant(t.observed[g], digits: 5),
        NumberFormat.significant(t.expected[g], digits: 5),
        NumberFormat.significant(oe * oe / t.expected[g], digits: 4),
        NumberFormat.significant(oe * oe / t.variance[g, g], digits: 4),
      ])
    }
    return table
  }

  private var statisticLine: String {
    "Chisq = \(NumberFormat.significant(test.chiSquare, digits: 5)) on \(test.df) degree\(test.df == 1 ? "" : "s") of freedom, p = \(NumberFormat.significant(test.p, digits: 3))"
  }

  private var zLine: String? {
    guard let z = test.z else { return nil }
    var s = "z = \(NumberFormat.significant(z, digits: 5))"
    if alternative != .twoSided {
      s += ", one-sided p (\(alternative.rawValue): \(test.groups[1]) has the \(alternative == .less ? "lower" : "higher") hazard) = \(NumberFormat.significant(test.pValue(alternative), digits: 3))"
    }
    return s
  }

  private var trendLines: [String] {
    guard let t = trend else { return [] }
    let scores = t.scores.map { NumberFormat.significant($0) }.joined(separator: ", ")
    return [
      "Test for trend (scores \(scores) for \(test.groups.joined(separator: ", "))): z = \(NumberFormat.significant(t.z, digits: 5)), Chisq = \(NumberFormat.significant(t.chiSquare, digits: 5)) on 1 degree of freedom, p = \(NumberFormat.significant(t.p, digits: 3))"
    ]
  }

  private var maxComboTable: TextTable? {
    guard let m = maxCombo else { return nil }
    var t = TextTable(["component", "z"])
    for (w, z) in zip(m.weights, m.z) { t.add([w.label, NumberFormat.significant(z, digits: 5)]) }
    return t
  }

  private var maxComboLine: String? {
    guard let m = maxCombo else { return nil }
    let what: String
    switch m.alternative {
    case .twoSided: what = "max |z|"
    case .less: what = "min z"
    case .greater: what = "max z"
    }
    return
      "MaxCombo (\(m.alternative.rawValue)): \(what) = \(NumberFormat.significant(m.statistic, digits: 5)), p = \(NumberFormat.significant(m.p, digits: 4)) (joint normal distribution of the components)"
  }

  private var pairwiseTable: TextTable? {
    guard let p = pairwise else { return nil }
    var t = TextTable(["first", "second", "Chisq", "p", "p (\(adjustment.rawValue))"])
    for c in p.comparisons {
      t.add([
        c.first, c.second, NumberFormat.significant(c.test.chiSquare, digits: 5),
        NumberFormat.significant(c.test.p, digits: 3),
        NumberFormat.significant(adjustment == .holm ? c.pHolm : c.pBonferroni, digits: 3),
      ])
    }
    return t
  }

  private var notes: [String] {
    var n: [String] = []
    if !test.excludedGroups.isEmpty {
      n.append("left out (no subject at risk at an event time): " + test.excludedGroups.joined(separator: ", "))
    }
    if !test.singleGroupStrata.isEmpty {
      n.append(
        "strata with one group only, contributing nothing: " + test.singleGroupStrata.joined(separator: "; "))
    }
    return n + input.warnings + warnings
  }

  /// Text for a terminal.
  public func text() -> String {
    var out = title + "\n"
    for line in input.textLines { out += line + "\n" }
    out += "\n" + groupTable.render() + "\n" + statisticLine + "\n"
    if let z = zLine { out += z + "\n" }
    if let d = directionNote { out += "(\(TextTable.printable(d)))\n" }
    for line in trendLines { out += "\n" + line + "\n" }
    if let m = maxComboTable, let line = maxComboLine {
      out += "\n" + m.render() + line + "\n"
    }
    if let p = pairwiseTable {
      out += "\nPairwise comparisons (\(test.weights.label); \(adjustment.rawValue) adjustment):\n" + p.render()
    }
    if !notes.isEmpty { out += "\nNotes:\n" + notes.map { "- " + $0 + "\n" }.joined() }
    return out
  }

  /// Markdown with the same content.
  public func markdown() -> String {
    var out = "# " + Markdown.escape(title) + "\n\n"
    for line in input.textLines { out += Markdown.escape(line) + "  \n" }
    out += "\n" + groupTable.markdown() + "\n" + Markdown.escape(statisticLine) + "\n"
    if let z = zLine { out += "\n" + Markdown.escape(z) + "\n" }
    if let d = directionNote { out += "\n" + Markdown.escape("(\(d))") + "\n" }
    for line in trendLines { out += "\n## Trend\n\n" + Markdown.escape(line) + "\n" }
    if let m = maxComboTable, let line = maxComboLine {
      out += "\n## MaxCombo\n\n" + m.markdown() + "\n" + Markdown.escape(line) + "\n"
    }
    if let p = pairwiseTable {
      out += "\n## Pairwise comparisons (\(adjustment.rawValue) adjustment)\n\n" + p.markdown()
    }
    if !notes.isEmpty { out += "\n## Notes\n\n" + notes.map { "- " + Markdown.escape($0) + "\n" }.joined() }
    return out
  }

  /// One row per group at full precision (RFC 4180).
  public func csv() -> String {
    var out = "group,n,events,observed,expected,o_minus_e,chisq,df,p\r\n"
    for g in test.groups.indices {
      out += [
        CSV.field(test.groups[g]), String(test.n[g]), String(test.events[g]),
        NumberFormat.full(test.observed[g]), NumberFormat.full(test.expected[g]),
        NumberFormat.full(test.observed[g] - test.expected[g]), NumberFormat.full(test.chiSquare),
        String(test.df), NumberFormat.full(test.p),
      ].joined(separator: ",") + "\r\n"
    }
    return out
  }
}
