import Foundation
import Survival

/// Renders Firth's penalized Cox model: per term the penalized estimate, its standard error,
/// the hazard ratio with profile penalized-likelihood limits (Heinze & Schemper 2001), and the
/// penalized likelihood-ratio test. Pure: returns strings.
public struct FirthCoxReport: Sendable {
  /// The model.
  public let model: FirthCoxModel
  /// The coefficient table, with profile penalized-likelihood limits (nil: not reached).
  public let coefficients: [CoxCoefficient]
  /// Where the data came from.
  public let input: InputSummary
  /// The osstats version.
  public let version: String
  /// Confidence level of the limits.
  public let level: Double
  /// Warnings.
  public var warnings: [String] = []

  /// A report.
  public init(
    model: FirthCoxModel, input: InputSummary, version: String, level: Double
  ) {
    self.model = model
    coefficients = model.coefficientTable(level: level)
    self.input = input
    self.version = version
    self.level = level
  }

  private func row(_ j: Int) -> CoxCoefficient { coefficients[j] }

  /// The JSON document.
  public func json() -> String {
    let lr = model.likelihoodRatioTest
    let terms: [JSONValue] = model.columnNames.indices.map { j in
      let r = row(j)
      return .object([
        ("term", .string(model.columnNames[j])), ("coef", .number(r.coefficient)), ("exp_coef", .number(r.hazardRatio)),
        ("se", .number(r.standardError)), ("z", .number(r.z)), ("p", .number(r.p)), ("hr_lower", .number(r.lower)),
        ("hr_upper", .number(r.upper)), ("ci_method", .string("profile penalized likelihood")),
      ])
    }
    let doc: JSONValue = .object([
      ("analysis", .string("cox")), ("osstats_version", .string(version)), ("input", input.json),
      ("method", .string("firth")), ("ties", .string("breslow")), ("conf_level", .number(level)),
      ("n", .int(model.n)), ("events", .int(model.events)), ("terms", .array(terms)),
      ("penalized_loglik_null", .number(model.penalizedLoglikNull)),
      ("penalized_loglik", .number(model.penalizedLoglik)), ("loglik", .number(model.loglik)),
      (
        "tests",
        .object([("penalized_lr", .object([("statistic", .number(lr.statistic)), ("df", .int(lr.df)), ("p", .number(lr.p))]))])
      ),
      ("iterations", .int(model.iterations)), ("converged", .bool(model.converged)),
      ("warnings", .array((input.warnings + warnings).map(JSONValue.string))),
    ])
    return doc.serialized() + "\n"
  }

  private var tables: (TextTable, TextTable) {
    var coef = TextTable(["", "coef", "exp(coef)", "se(coef)", "z", "p"])
    let pct = NumberFormat.significant(level)
    var ci = TextTable(["", "exp(coef)", "lower \(pct)", "upper \(pct)"])
    for j in model.columnNames.indices {
      let r = row(j)
      coef.add([
        model.columnNames[j], NumberFormat.significant(r.coefficient), NumberFormat.significant(r.hazardRatio),
        NumberFormat.significant(r.standardError), NumberFormat.significant(r.z), NumberFormat.significant(r.p, digits: 3),
      ])
      ci.add([
        model.columnNames[j], NumberFormat.significant(r.hazardRatio), NumberFormat.significant(r.lower, missing: "0"),
        NumberFormat.significant(r.upper, missing: "Inf"),
      ])
    }
    return (coef, ci)
  }

  private var lines: [String] {
    let lr = model.likelihoodRatioTest
    return [
      "n = \(model.n), number of events = \(model.events)",
      "Penalized likelihood ratio test = \(NumberFormat.significant(lr.statistic, digits: 3)) on \(lr.df) df, p = \(NumberFormat.significant(lr.p, digits: 3))",
      "Penalized log-likelihood: null \(NumberFormat.significant(model.penalizedLoglikNull, digits: 6)), model \(NumberFormat.significant(model.penalizedLoglik, digits: 6)); \(model.iterations) iterations\(model.converged ? ", converged" : ", NOT converged")",
      "Hazard-ratio intervals: profile penalized likelihood; se from the inverse information",
    ]
  }

  private var title: String { "Cox proportional hazards model, Firth's penalized likelihood (Breslow ties, as coxphf)" }

  /// Text for a terminal.
  public func text() -> String {
    var out = title + "\n"
    for l in input.textLines { out += l + "\n" }
    let (coef, ci) = tables
    out += "\n" + coef.render() + "\n" + ci.render() + "\n"
    for l in lines { out += l + "\n" }
    let w = input.warnings + warnings
    if !w.isEmpty { out += "\nWarnings:\n" + w.map { "- " + $0 + "\n" }.joined() }
    return out
  }

  /// Markdown with the same content.
  public func markdown() -> String {
    var out = "# " + Markdown.escape(title) + "\n\n"
    for l in input.textLines { out += Markdown.escape(l) + "  \n" }
    let (coef, ci) = tables
    out += "\n" + coef.markdown() + "\n" + ci.markdown() + "\n"
    for l in lines { out += Markdown.escape(l) + "  \n" }
    return out
  }

  /// One row per term.
  public func csv() -> String {
    var out = "term,coef,exp_coef,se,z,p,hr_lower,hr_upper\r\n"
    for j in model.columnNames.indices {
      let r = row(j)
      out += [
        CSV.field(model.columnNames[j]), NumberFormat.full(r.coefficient), NumberFormat.full(r.hazardRatio),
        NumberFormat.full(r.standardError), NumberFormat.full(r.z), NumberFormat.full(r.p), NumberFormat.full(r.lower),
        NumberFormat.full(r.upper),
      ].joined(separator: ",") + "\r\n"
    }
    return out
  }
}
