import Foundation
import LinearAlgebra
import Survival

/// Renders a fitted Cox model like R's `print(coxph)` / `summary(coxph)`, and as JSON with every
/// number. Pure: returns strings.
public struct CoxReport: Sendable {
  /// The model.
  public let model: CoxModel
  /// Where its data came from.
  public let input: InputSummary
  /// The osstats version.
  public let version: String
  /// The coefficient table, the variance used and the tests (``CoxModel/inference(robust:intervals:residuals:)``).
  public var inference: CoxInference
  /// Harrell's concordance and its standard error.
  public var concordance: (value: Double, stdErr: Double)?
  /// Proportional-hazards test: transform, per term (name, chisq, df, p), global.
  public var phTest: (transform: String, terms: [(String, Double, Int, Double)], global: ChiSquareTest)?
  /// Predicted survival for a profile, when asked for.
  public var prediction: (profile: [(String, String)], curves: [CoxPredictedSurvival])?
  /// Levels of text covariates (reference first).
  public var levels: [String: [String]] = [:]
  /// Statistical warnings.
  public var warnings: [String] = []

  /// A report of `model` read from `input`.
  public init(model: CoxModel, input: InputSummary, version: String) {
    self.model = model
    self.input = input
    self.version = version
    inference = model.inference()
  }

  private var level: Double { inference.level }
  private var robustVariance: Matrix? { inference.robustVariance }
  private var profile: Bool { inference.intervals == .profileLikelihood }

  /// Row `j` of the coefficient table, an open profile limit shown as 0 or ∞.
  private func term(_ j: Int) -> (coef: Double, hr: Double, se: Double, robustSE: Double?, z: Double, p: Double, lower: Double, upper: Double) {
    let c = inference.coefficients[j]
    return (c.coefficient, c.hazardRatio, c.usedStandardError, c.robustStandardError, c.z, c.p, c.lower ?? 0, c.upper ?? .infinity)
  }

  private var allWarnings: [String] {
    var w = input.warnings
    if !model.aliased.isEmpty {
      w.append("aliased: \(model.aliased.map(\.description).joined(separator: ", ")), left out of the fit as R reports NA")
    }
    if !model.infiniteCoefficients.isEmpty {
      w.append(
        "monotone likelihood: the log-likelihood converged while the coefficient\(model.infiniteCoefficients.count == 1 ? "" : "s") of \(model.infiniteCoefficients.joined(separator: ", ")) ran away; \(model.infiniteCoefficients.count == 1 ? "it" : "they") may be infinite and the estimate and its Wald interval are not meaningful (Firth's penalized likelihood is the remedy)"
      )
    }
    if !model.converged {
      w.append("Newton-Raphson did not converge in \(model.iterations) iterations; the last good iterate is reported")
    }
    return w + inference.warnings + warnings
  }

  /// A row of the coefficient table in design order: a fitted column, or an aliased one (NA).
  private enum Row {
    case fitted(Int)
    case aliased(AliasedColumn)
  }

  private var rows: [Row] {
    var out: [Row] = []
    var next = 0
    let aliased = Dictionary(model.aliased.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
    for k in 0..<(model.columnNames.count + model.aliased.count) {
      if let a = aliased[k] { out.append(.aliased(a)) } else { out.append(.fitted(next)); next += 1 }
    }
    return out
  }

  // MARK: JSON

  /// The JSON document.
  public func json() -> String {
    let terms: [JSONValue] = rows.map { row in
      guard case .fitted(let j) = row else {
        guard case .aliased(let a) = row else { return .null }
        return .object([
          ("term", .string(a.name)), ("coef", .null), ("exp_coef", .null), ("se", .null), ("robust_se", .null), ("z", .null),
          ("p", .null), ("hr_lower", .null), ("hr_upper", .null), ("ci_method", .string(inference.intervals.rawValue)),
          ("infinite", .bool(false)), ("aliased", .bool(true)), ("aliased_reason", .string(a.reason.rawValue)),
        ])
      }
      let t = term(j)
      let robust = t.robustSE
      return .object([
        ("term", .string(model.columnNames[j])), ("coef", .number(t.coef)), ("exp_coef", .number(t.hr)),
        ("se", .number(model.standardErrors[j])), ("robust_se", .number(robust)), ("z", .number(t.z)),
        ("p", .number(t.p)), ("hr_lower", .number(t.lower)), ("hr_upper", .number(t.upper)),
        ("ci_method", .string(inference.intervals.rawValue)),
        ("infinite", .bool(model.infiniteCoefficients.contains(model.columnNames[j]))), ("aliased", .bool(false)),
      ])
    }
    func test(_ t: ChiSquareTest) -> JSONValue {
      .object([("statistic", .number(t.statistic)), ("df", .int(t.df)), ("p", .number(t.p))])
    }
    var members: [(String, JSONValue)] = [
      ("analysis", .string("cox")), ("osstats_version", .string(version)), ("input", input.json),
      ("ties", .string(model.options.ties.rawValue)), ("conf_level", .number(level)),
      ("n", .int(model.n)), ("events", .int(model.events)),
      ("strata", .array(input.loaded.data.strataLabels.count > 1 ? input.loaded.data.strataLabels.map(JSONValue.string) : [])),
      ("terms", .array(terms)),
      ("aliased", .array(model.aliased.map { .object([("term", .string($0.name)), ("reason", .string($0.reason.rawValue))]) })),
      (
        "levels",
        .object(levels.keys.sorted().map { k in (k, .array((levels[k] ?? []).map(JSONValue.string))) })
      ),
      ("variance", .array(model.variance.rowArrays.map { r in .array(r.map { JSONValue.number($0) }) })),
      ("robust_variance", robustVariance.map { v in .array(v.rowArrays.map { r in .array(r.map { JSONValue.number($0) }) }) } ?? .null),
      ("loglik_null", .number(model.loglikNull)), ("loglik", .number(model.loglik)),
      (
        "tests",
        .object([
          ("lr", test(model.likelihoodRatioTest)),
          ("wald", test(inference.waldTest)),
          ("score", test(model.scoreTest)),
          ("robust_score", inference.robustScoreTest.map(test) ?? .null),
        ])
      ),
      ("wald_variance", .string(inference.waldUsesRobustVariance ? "robust" : "model")),
      ("concordance", .number(concordance?.value)), ("concordance_se", .number(concordance?.stdErr)),
      ("iterations", .int(model.iterations)), ("converged", .bool(model.converged)),
      ("infinite_coefficients", .array(model.infiniteCoefficients.map(JSONValue.string))),
    ]
    if let ph = phTest {
      members.append(
        (
          "ph_test",
          .object([
            ("transform", .string(ph.transform)),
            (
              "terms",
              .array(
                ph.terms.map { t in
                  .object([("term", .string(t.0)), ("chisq", .number(t.1)), ("df", .int(t.2)), ("p", .number(t.3))])
                })
            ),
            ("global", .object([("chisq", .number(ph.global.statistic)), ("df", .int(ph.global.df)), ("p", .number(ph.global.p))])),
          ])
        ))
    } else {
      members.append(("ph_test", .null))
    }
    if let pr = prediction {
      members.append(
        (
          "prediction",
          .object([
            ("profile", .object(pr.profile.map { ($0.0, .string($0.1)) })),
            (
              "curves",
              .array(
                pr.curves.map { c in
                  .object([
                    ("stratum", .string(c.stratum)),
                    (
                      "steps",
                      .array(
                        c.time.indices.map { i in
                          .object([
                            ("time", .number(c.time[i])), ("n_risk", .int(c.nRisk[i])), ("n_event", .int(c.nEvent[i])),
                            ("cumulative_hazard", .number(c.cumulativeHazard[i])), ("survival", .number(c.survival[i])),
                            ("std_err", .number(c.stdErr[i])), ("lower", .number(c.lower[i])), ("upper", .number(c.upper[i])),
                          ])
                        })
                    ),
                  ])
                })
            ),
          ])
        ))
    }
    members.append(("warnings", .array(allWarnings.map(JSONValue.string))))
    return JSONValue.object(members).serialized() + "\n"
  }

  // MARK: Text

  private var title: String {
    var s = "Cox proportional hazards model, \(model.options.ties.rawValue) ties"
    if input.loaded.data.strataLabels.count > 1 {
      s += ", stratified by \(input.loaded.mapping.strata.joined(separator: " x ")) (\(input.loaded.data.strataLabels.count) strata)"
    }
    return s
  }

  private var coefficientTable: TextTable {
    var header = ["", "coef", "exp(coef)", "se(coef)"]
    if robustVariance != nil { header.append("robust se") }
    header += ["z", "p"]
    var t = TextTable(header)
    for r in rows {
      guard case .fitted(let j) = r else {
        if case .aliased(let a) = r { t.add([a.name] + Array(repeating: "NA", count: header.count - 1)) }
        continue
      }
      let x = term(j)
      var row = [
        model.columnNames[j] + (model.infiniteCoefficients.contains(model.columnNames[j]) ? " (*)" : ""),
        NumberFormat.significant(x.coef), NumberFormat.significant(x.hr),
        NumberFormat.significant(model.standardErrors[j]),
      ]
      if robustVariance != nil { row.append(NumberFormat.significant(x.se)) }
      row += [NumberFormat.significant(x.z), NumberFormat.significant(x.p, digits: 3)]
      t.add(row)
    }
    return t
  }

  private var intervalTable: TextTable {
    let pct = NumberFormat.significant(level)
    var t = TextTable(["", "exp(coef)", "lower \(pct)", "upper \(pct)"])
    for r in rows {
      guard case .fitted(let j) = r else {
        if case .aliased(let a) = r { t.add([a.name, "NA", "NA", "NA"]) }
        continue
      }
      let x = term(j)
      t.add([
        model.columnNames[j], NumberFormat.significant(x.hr), NumberFormat.significant(x.lower, missing: "0"),
        NumberFormat.significant(x.upper, missing: "Inf"),
      ])
    }
    return t
  }

  private var summaryLines: [String] {
    func line(_ name: String, _ t: ChiSquareTest) -> String {
      "\(name) = \(NumberFormat.significant(t.statistic, digits: 3)) on \(t.df) df, p = \(NumberFormat.significant(t.p, digits: 3))"
    }
    var lines = ["n = \(model.n), number of events = \(model.events)"]
    if let c = concordance {
      lines.append("Concordance = \(NumberFormat.significant(c.value, digits: 3)) (se = \(NumberFormat.significant(c.stdErr, digits: 3)))")
    }
    lines += [
      line("Likelihood ratio test", model.likelihoodRatioTest),
      line(inference.waldUsesRobustVariance ? "Wald test (robust variance)" : "Wald test", inference.waldTest),
      line("Score (logrank) test", model.scoreTest),
    ]
    if let rs = inference.robustScoreTest { lines.append(line("Robust score test", rs)) }
    lines += [
      "Log-likelihood: null \(NumberFormat.significant(model.loglikNull, digits: 6)), model \(NumberFormat.significant(model.loglik, digits: 6)); \(model.iterations) iteration\(model.iterations == 1 ? "" : "s")\(model.converged ? ", converged" : ", NOT converged")",
    ]
    if robustVariance != nil { lines.append("z and p use the robust standard error (no small-sample correction, as R)") }
    lines.append(
      "Hazard-ratio intervals: \(profile ? "profile likelihood" : "Wald, exp(coef ± z·se)")")
    return lines
  }

  private var phTable: TextTable? {
    guard let ph = phTest else { return nil }
    var t = TextTable(["", "chisq", "df", "p"])
    for r in ph.terms {
      t.add([r.0, NumberFormat.significant(r.1, digits: 4), String(r.2), NumberFormat.significant(r.3, digits: 3)])
    }
    t.add(["GLOBAL", NumberFormat.significant(ph.global.statistic, digits: 4), String(ph.global.df), NumberFormat.significant(ph.global.p, digits: 3)])
    return t
  }

  private var predictionTable: TextTable? {
    guard let pr = prediction else { return nil }
    var t = TextTable(["stratum", "time", "n.risk", "n.event", "survival", "std.err", "lower", "upper"])
    for c in pr.curves {
      for i in c.time.indices where c.nEvent[i] > 0 {
        t.add([
          c.stratum, NumberFormat.significant(c.time[i], digits: 6), String(c.nRisk[i]), String(c.nEvent[i]),
          NumberFormat.significant(c.survival[i]), NumberFormat.significant(c.stdErr[i]),
          NumberFormat.significant(c.lower[i]), NumberFormat.significant(c.upper[i]),
        ])
      }
    }
    return t
  }

  /// Text for a terminal.
  public func text() -> String {
    var out = title + "\n"
    for l in input.textLines { out += l + "\n" }
    out += "\n" + coefficientTable.render() + "\n" + intervalTable.render() + "\n"
    for l in summaryLines { out += l + "\n" }
    if let ph = phTable, let p = phTest {
      out += "\nProportional-hazards test (cox.zph, \(p.transform) transform):\n" + ph.render()
    }
    if let t = predictionTable, let pr = prediction {
      out += "\nPredicted survival for \(pr.profile.map { "\($0.0) = \($0.1)" }.joined(separator: ", ")) (event times):\n" + t.render()
    }
    let w = allWarnings
    if !w.isEmpty { out += "\nWarnings:\n" + w.map { "- " + $0 + "\n" }.joined() }
    return out
  }

  /// Markdown with the same content.
  public func markdown() -> String {
    var out = "# " + Markdown.escape(title) + "\n\n"
    for l in input.textLines { out += Markdown.escape(l) + "  \n" }
    out += "\n" + coefficientTable.markdown() + "\n" + intervalTable.markdown() + "\n"
    for l in summaryLines { out += Markdown.escape(l) + "  \n" }
    if let ph = phTable, let p = phTest {
      out += "\n## Proportional-hazards test (\(p.transform) transform)\n\n" + ph.markdown()
    }
    if let t = predictionTable {
      out += "\n## Predicted survival\n\n" + t.markdown()
    }
    let w = allWarnings
    if !w.isEmpty { out += "\n## Warnings\n\n" + w.map { "- " + Markdown.escape($0) + "\n" }.joined() }
    return out
  }

  /// One row per term at full precision.
  public func csv() -> String {
    var out = "term,coef,exp_coef,se,robust_se,z,p,hr_lower,hr_upper\r\n"
    for r in rows {
      guard case .fitted(let j) = r else {
        if case .aliased(let a) = r { out += CSV.field(a.name) + String(repeating: ",", count: 8) + "\r\n" }
        continue
      }
      let t = term(j)
      out += [
        CSV.field(model.columnNames[j]), NumberFormat.full(t.coef), NumberFormat.full(t.hr),
        NumberFormat.full(model.standardErrors[j]), NumberFormat.full(t.robustSE),
        NumberFormat.full(t.z), NumberFormat.full(t.p), NumberFormat.full(t.lower), NumberFormat.full(t.upper),
      ].joined(separator: ",") + "\r\n"
    }
    return out
  }
}
