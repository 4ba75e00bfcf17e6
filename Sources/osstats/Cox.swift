import ArgumentParser
import Foundation
import LinearAlgebra
import Survival
import SurvivalReport

extension CoxTies: ExpressibleByArgument {}
extension ProportionalHazardsTest.Transform: ExpressibleByArgument {}

/// How hazard-ratio confidence intervals are computed.
enum IntervalMethod: String, CaseIterable, ExpressibleByArgument {
  case wald, profile
}

struct Cox: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cox",
    abstract: "Cox proportional-hazards regression, as R survival's coxph.",
    discussion: """
      Fits the Cox model by Newton-Raphson from zero with step-halving and R's convergence rule \
      (relative change in log-likelihood below 1e-9, at most 20 iterations), Efron ties by \
      default (breslow, or exact for the exact partial likelihood). Numeric covariates enter as \
      they are; text covariates as treatment contrasts with the first level in sorted order as \
      the reference, named as R names them (xNonmaintained); --reference picks another level. \
      Reports per term coef, exp(coef), se (robust se), z, p and the hazard-ratio interval (Wald, \
      or profile likelihood with --ci profile); the likelihood-ratio, Wald and score tests \
      (robust Wald and robust score with --robust or --cluster, and by default for non-integer \
      case weights, as R); Harrell's concordance with R's standard error; iterations and \
      convergence. --ph-test adds the cox.zph score test of proportional hazards. A coefficient \
      running to infinity (monotone likelihood) is flagged, never presented as an estimate; \
      --firth fits Firth's penalized likelihood instead, with profile penalized-likelihood limits. \
      A covariate constant (within strata) or a linear combination of the covariates before it \
      is aliased as R: left out of the fit, printed as NA with the reason (exit 0); a model with \
      nothing left is a usage error naming the columns.

      Examples:
        osstats cox Datasets/aml.csv --covariates x
        osstats cox Datasets/lung.csv --covariates sex,age,ph.ecog --ties breslow
        osstats cox Datasets/lung.csv --covariates sex,age --strata ph.ecog --format json
        osstats cox Datasets/gehan.csv --event cens --covariates treat --cluster pair
        osstats cox Datasets/veteran.csv --covariates trt,celltype,karno --reference celltype=squamous
        osstats cox Datasets/aml.csv --covariates x --predict x=Nonmaintained --residuals res.csv
        osstats cox Datasets/lung.csv --covariates sex,age,ph.ecog --ph-test --ci profile
        osstats cox Datasets/edge/cox_monotone.csv --covariates arm,z --firth
      """
  )

  @OptionGroup var input: InputOptions

  @Option(help: "Covariates, comma-separated (required): columns, log(x), sqrt(x), I(x^2), a:b or a*b, as R writes them. Example: --covariates sex,age,ph.ecog")
  var covariates: NameList

  @Option(help: "Reference levels of text covariates, column=level, comma-separated. Example: --reference celltype=squamous")
  var reference: NameList?

  @Option(help: "Tie handling: efron, breslow or exact (exact partial likelihood; default: efron, as R). Example: --ties breslow")
  var ties: CoxTies = .efron

  @Option(help: "Stratification columns, comma-separated: a separate baseline hazard per stratum. Example: --strata ph.ecog")
  var strata: NameList?

  @Option(help: "Case-weight column (positive numbers). Example: --weights w")
  var weights: String?

  @Flag(help: "Robust (sandwich) standard errors, each row its own cluster, as R's robust = TRUE. Example: --robust")
  var robust = false

  @Option(help: "Cluster column for robust standard errors (implies --robust). Example: --cluster pair")
  var cluster: String?

  @Option(help: "Entry-time column: rows are (start, time] intervals for delayed entry or time-varying covariates. Example: --start tstart")
  var start: String?

  @Option(help: "Hazard-ratio intervals: wald or profile (profile likelihood). Example: --ci profile")
  var ci: IntervalMethod = .wald

  @Option(name: .customLong("conf-level"), parsing: .unconditional, help: "Confidence level. Example: --conf-level 0.9")
  var confLevel: Double = 0.95

  @Option(name: .customLong("max-iterations"), parsing: .unconditional, help: "Most Newton-Raphson iterations (R iter.max). Example: --max-iterations 50")
  var maxIterations: Int = 20

  @Option(parsing: .unconditional, help: "Convergence tolerance on the relative change in log-likelihood (R eps). Example: --epsilon 1e-12")
  var epsilon: Double = 1e-9

  @Option(help: "Write residuals (martingale, deviance, score, Schoenfeld, dfbeta) per row to this CSV file. Example: --residuals res.csv")
  var residuals: String?

  @Option(help: "Predicted survival for a covariate profile, column=value for every covariate. Example: --predict x=Nonmaintained")
  var predict: NameList?

  @Flag(
    help: "Firth's penalized partial likelihood (Breslow ties, as coxphf) with profile penalized-likelihood intervals: finite estimates under monotone likelihood, less bias in small trials. Example: --firth"
  )
  var firth = false

  @Flag(name: .customLong("ph-test"), help: "Test proportional hazards per term and globally (R's cox.zph score test). Example: --ph-test")
  var phTest = false

  @Option(name: .customLong("ph-transform"), help: "Time transform for --ph-test: km, rank, identity or log (default: km, as R). Example: --ph-transform rank")
  var phTransform: ProportionalHazardsTest.Transform = .km

  @OptionGroup var timeFix: TimeFixOption

  @OptionGroup var output: OutputOptions

  func validate() throws {
    do {
      try CoxOptions(ties: ties, epsilon: epsilon, maxIterations: maxIterations, confidenceLevel: confLevel).validate()
    } catch {
      switch error {
      case .confidenceLevel: throw ValidationError("--conf-level must lie between 0 and 1")
      case .maxIterations: throw ValidationError("--max-iterations must be at least 1")
      case .epsilon: throw ValidationError("--epsilon must lie between 0 and 1")
      }
    }
    for pair in reference?.values ?? [] where !pair.contains("=") || pair.hasPrefix("=") {
      throw ValidationError("--reference takes column=level, not '\(pair)'")
    }
    for pair in predict?.values ?? [] where !pair.contains("=") || pair.hasPrefix("=") {
      throw ValidationError("--predict takes column=value, not '\(pair)'")
    }
    if ties == .exact && (robust || cluster != nil || residuals != nil || predict != nil || phTest) {
      throw ValidationError(
        "--ties exact gives the fit, tests and profile intervals; residuals, robust variance, --predict and --ph-test need efron or breslow ties (R has no score or Schoenfeld residuals for exact ties either)")
    }
    if firth && (robust || cluster != nil || residuals != nil || predict != nil || phTest || ties == .exact) {
      throw ValidationError("--firth gives the penalized fit with profile intervals; it does not combine with --robust, --cluster, --residuals, --predict, --ph-test or --ties exact")
    }
    if ties == .exact && weights != nil {
      throw ValidationError("--ties exact does not take case weights (as R)")
    }
  }

  /// The option that names each covariate (for messages about its column), and for a covariate
  /// that is not a term osstats reads why not: it is looked for as a column (a name may hold any
  /// character), and when there is no such column either, the message says why it is not a term.
  static func covariateOptions(_ covariates: [String]) -> (options: [String: String], explanations: [String: String]) {
    var options: [String: String] = [:]
    var explanations: [String: String] = [:]
    for c in covariates {
      options[c] = "--covariates"
      do {
        _ = try ModelTerm.terms([c])
      } catch {
        explanations[c] = "--covariates \(error)"
      }
    }
    return (options, explanations)
  }

  static func pairs(_ list: NameList?) -> [(String, String)] {
    (list?.values ?? []).map { p in
      // Empty pieces kept: "=" is ["", ""], never an empty array.
      let parts = p.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      return (parts[0], parts.count > 1 ? parts[1] : "")
    }
  }

  func run() throws {
    try reportingFailures {
      let request = CoxDesign.Request(
        covariates: covariates.values,
        reference: Dictionary(Self.pairs(reference), uniquingKeysWith: { $1 }),
        start: start, weights: weights, cluster: cluster)
      var (options, explanations) = Self.covariateOptions(covariates.values)
      if let s = start { options[s] = "--start" }
      if let w = weights { options[w] = "--weights" }
      if let c = cluster { options[c] = "--cluster" }
      var (loaded, summary) = try input.load(groups: nil, entry: start, strata: strata?.values ?? [], extra: request.columns, extraOptions: options, extraExplanations: explanations)
      let name = input.displayName
      var (data, levels): (CoxData, CoxDesign.Levels)
      do {
        (data, levels) = try CoxDesign.build(loaded, request)
      } catch var e as InputError {
        if e.subject == .reference { e.message = "--reference " + e.message }
        throw Failure(e, file: name)
      }
      // The design matrix holds the covariates now: the table's copies are freed.
      loaded.releaseColumns()
      summary.loaded.releaseColumns()
      if timeFix.timeFix { data = data.fixingTimes() }
      if firth {
        try runFirth(data, summary: summary, name: name)
        return
      }
      let model: CoxModel
      do {
        model = try CoxModel(
          data: data, options: CoxOptions(ties: ties, epsilon: epsilon, maxIterations: maxIterations, confidenceLevel: confLevel))
      } catch let e as CoxError {
        // Nothing left to fit is a model the options asked for, not bad data.
        if case .allAliased = e { throw Failure(ExitStatus.usage, "\(name): \(e.message); choose other --covariates") }
        throw Failure(ExitStatus.data, "\(name): \(e.message)\(e == .noCovariates ? ": name them with --covariates" : "")")
      }
      var report = CoxReport(model: model, input: summary, version: osstatsVersion)
      report.levels = levels
      let c = model.concordance()
      if c.concordance.isFinite { report.concordance = (c.concordance, c.stdErr) }
      if phTest {
        do {
          let ph = try ProportionalHazardsTest(model: model, transform: phTransform)
          report.phTest = (ph.transform.rawValue, ph.terms.map { ($0.name, $0.chiSquare, $0.df, $0.p) }, ph.global)
        } catch let e as CoxError {
          throw Failure(ExitStatus.data, "\(name): --ph-test: \(e.message)")
        }
      }
      let res = (robust || model.robustVarianceIsDefault || residuals != nil) ? model.residuals() : nil
      report.inference = model.inference(variance: robust ? .robust : .automatic, intervals: ci == .profile ? .profileLikelihood : .wald, residuals: res)
      if let predict {
        do throws(CoxDesign.ProfileError) {
          let values = Dictionary(Self.pairs(predict), uniquingKeysWith: { $1 })
          report.prediction = (Self.pairs(predict), try model.predictSurvival(at: values, level: confLevel))
        } catch {
          let message =
            if case .missing(let names) = error {
              "--predict needs a value for every covariate; missing \(names.joined(separator: ", "))"
            } else { "--predict \(error)" }
          throw Failure(ExitStatus.usage, "\(name): \(message)")
        }
      }
      if let path = residuals, let res {
        try Self.writeResiduals(path, res, data: data, lines: loaded.lines, names: model.columnNames)
      }
      try output.write(report)
      if output.echoesWarnings {
        for w in summary.warnings { warn(w) }
        if !model.aliased.isEmpty {
          warn("aliased: \(model.aliased.map(\.description).joined(separator: ", ")), left out of the fit as R reports NA")
        }
        if !model.infiniteCoefficients.isEmpty {
          warn("monotone likelihood: coefficient(s) of \(model.infiniteCoefficients.joined(separator: ", ")) may be infinite")
        }
      }
    }
  }

  func runFirth(_ data: CoxData, summary: InputSummary, name: String) throws {
    let model: FirthCoxModel
    do {
      model = try FirthCoxModel(data: data)
    } catch {
      throw Failure(ExitStatus.data, "\(name): \(error.message)")
    }
    var report = FirthCoxReport(model: model, input: summary, version: osstatsVersion, level: confLevel)
    if ties != .breslow && ties != .efron { report.warnings.append("Firth's method uses Breslow ties") }
    try output.write(report)
  }

  static func writeResiduals(_ path: String, _ r: CoxResiduals, data: CoxData, lines: [Int], names: [String]) throws {
    var header = ["line", "time", "status", "martingale", "deviance"]
    header += names.map { "score_" + $0 } + names.map { "schoenfeld_" + $0 } + names.map { "dfbeta_" + $0 }
    var schoenfeldOf: [Int: Int] = [:]
    for (k, row) in r.schoenfeldRow.enumerated() { schoenfeldOf[row] = k }
    var out = header.map(csvField).joined(separator: ",") + "\r\n"
    let p = names.count
    for i in 0..<data.count {
      var cells = [
        String(i < lines.count ? lines[i] : i + 1), NumberFormat.full(data.stop[i]), data.event[i] ? "1" : "0",
        NumberFormat.full(r.martingale[i]), NumberFormat.full(r.deviance[i]),
      ]
      cells += (0..<p).map { NumberFormat.full(r.score[i, $0]) }
      cells += (0..<p).map { j in schoenfeldOf[i].map { NumberFormat.full(r.schoenfeld[$0, j]) } ?? "" }
      cells += (0..<p).map { NumberFormat.full(r.dfbeta[i, $0]) }
      out += cells.joined(separator: ",") + "\r\n"
    }
    try OutputOptions(format: nil, output: path).write(out)
  }
}

/// RFC 4180 quoting for a header cell.
func csvField(_ s: String) -> String {
  s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
