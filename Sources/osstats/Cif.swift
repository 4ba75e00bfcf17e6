import ArgumentParser
import Foundation
import Survival
import SurvivalReport

struct Cif: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cif",
    abstract: "Competing risks: cumulative incidence per cause and group, Gray's test, the Fine-Gray model.",
    discussion: """
      The event column holds a code per way a follow-up ends: 0 censored (another code with \
      --censor-value), every other value a cause (relapse, death without relapse, ...). Computes \
      what R survival's survfit(Surv(time, factor(status)) ~ group) gives: the Aalen-Johansen \
      cumulative incidence of each cause per group, with standard errors by the infinitesimal \
      jackknife and pointwise intervals on the chosen transform (default log, as R), read at \
      --times as summary(times =). With two groups or more, Gray's test of equal cumulative \
      incidence per cause, as cmprsk's cuminc (rho = 0 by default; strata with --strata). With \
      --covariates, the Fine-Gray proportional subdistribution-hazards model for --cause, as \
      cmprsk's crr: coefficients, subdistribution hazard ratios with intervals, and the variance \
      that accounts for the estimated censoring distribution. Covariates take the model terms \
      osstats cox takes (log(x), sqrt(x), I(x^2), a:b, a*b; text columns as treatment contrasts).

      Examples:
        osstats cif Datasets/mgus2.csv --time etime --event event --group sex --times 60,120
        osstats cif Datasets/mgus2.csv --time etime --event event --group sex --rho 1 --format json
        osstats cif Datasets/mgus2.csv --time etime --event event --covariates age,sex --cause 1
        osstats cif Datasets/mgus2.csv --time etime --event event --group sex --output cif.md
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup var groups: GroupOptions

  @Option(
    name: .customLong("censor-value"),
    help: "The value of the event column that is a censored follow-up; every other value is a cause. Example: --censor-value 0"
  )
  var censorValue = "0"

  @Option(
    name: .customLong("conf-type"),
    help: "Confidence-interval transform of each incidence: log, log-log, plain, logit or arcsin, R survival's default being log. Example: --conf-type log-log"
  )
  var confType: ConfidenceType = .log

  @Option(name: .customLong("conf-level"), parsing: .unconditional, help: "Confidence level. Example: --conf-level 0.9")
  var confLevel: Double = 0.95

  @Option(parsing: .unconditional, help: "Times at which to report each cause's incidence and the number at risk. Example: --times 60,120")
  var times: NumberList?

  @Option(parsing: .unconditional, help: "Weight exponent of Gray's test: (1 - F(t-))^rho, as cuminc's rho. Example: --rho 1")
  var rho: Double = 0

  @Option(help: "Strata of Gray's test (comma-separated columns), as cuminc's strata. Example: --strata sex")
  var strata: NameList?

  @Option(help: "Covariates of the Fine-Gray model (columns or model terms, comma-separated). Example: --covariates age,sex")
  var covariates: NameList?

  @Option(help: "The cause the Fine-Gray model is fitted for, a value of the event column (default: the first cause). Example: --cause 1")
  var cause: String?

  @Option(help: "Reference level of a text covariate, COLUMN=LEVEL (comma-separated). Example: --reference sex=M")
  var reference: NameList?

  @Flag(help: "Also print every step of each curve (text and Markdown). Example: --steps")
  var steps = false

  @OptionGroup var timeFix: TimeFixOption

  @OptionGroup var output: OutputOptions

  var options: CumulativeIncidenceOptions {
    CumulativeIncidenceOptions(
      confidenceType: confType, confidenceLevel: confLevel, times: times?.values ?? [], timeFix: timeFix.timeFix)
  }

  func validate() throws {
    do {
      try options.validate()
    } catch {
      switch error {
      case .confidenceLevel(let v): throw ValidationError("--conf-level must lie between 0 and 1, not \(v)")
      case .time(let v): throw ValidationError("--times must be 0 or more, not \(v)")
      default: throw ValidationError("\(error)")
      }
    }
    guard rho.isFinite, abs(rho) <= 100 else {
      throw ValidationError("--rho must be a finite number between -100 and 100, not \(rho)")
    }
    if cause != nil && covariates == nil {
      throw ValidationError("--cause chooses the cause of the Fine-Gray model; give its --covariates too")
    }
    if input.eventValue != nil {
      throw ValidationError("--event-value makes one value the event; osstats cif reads every value but --censor-value as a cause")
    }
  }

  func run() throws {
    try reportingFailures {
      let name = input.displayName
      let covariateNames = covariates?.values ?? []
      let request = CoxDesign.Request(
        covariates: covariateNames, reference: Dictionary(Cox.pairs(reference), uniquingKeysWith: { $1 }))
      let (optionNames, explanations) = Cox.covariateOptions(covariateNames)
      let (loaded, summary) = try input.load(
        groups: groups, strata: strata?.values ?? [], extra: request.columns, extraOptions: optionNames,
        extraExplanations: explanations, censorValue: censorValue)
      let data: CompetingRisksData
      do throws(InputError) {
        data = try loaded.competingRisks()
      } catch {
        throw Failure(error, file: name)
      }
      let analysis: CumulativeIncidenceAnalysis
      do throws(KaplanMeierOptionsError) {
        analysis = try CumulativeIncidenceAnalysis(data: data, options: options)
      } catch {
        throw Failure(ExitStatus.usage, "invalid option: \(error)")
      }
      var report = CumulativeIncidenceReport(analysis: analysis, input: summary, version: osstatsVersion)
      report.showSteps = steps
      report.rho = rho
      var warnings: [String] = []
      if analysis.data.groupLabels.count > 1 {
        do throws(GrayTestError) {
          report.grayTests = try analysis.grayTests(rho: rho)
        } catch {
          warnings.append("Gray's test not computed: \(error)")
        }
      }
      if !covariateNames.isEmpty {
        let causeIndex: Int
        if let cause {
          guard let match = data.cause(named: cause) else {
            throw Failure(ExitStatus.usage, "\(name): --cause \(cause) is not a cause of \(loaded.mapping.event) (causes: \(data.causeLabels.joined(separator: ", ")))")
          }
          causeIndex = match
        } else {
          causeIndex = 1
        }
        let design: CoxData
        do {
          design = try CoxDesign.build(loaded, request).0
        } catch var e as InputError {
          if e.subject == .reference { e.message = "--reference " + e.message }
          throw Failure(e, file: name)
        }
        let columns = (0..<design.x.columns).map { j in Array(design.x.elements[(j * design.x.rows)..<((j + 1) * design.x.rows)]) }
        do throws(FineGrayError) {
          report.fineGray = try FineGrayModel(analysis.data, covariates: columns, names: design.columnNames, cause: causeIndex)
        } catch {
          throw Failure(ExitStatus.data, "\(name): Fine-Gray model: \(error)")
        }
        if let m = report.fineGray, !m.converged {
          warnings.append("the Fine-Gray model did not converge in \(m.iterations) iterations")
        }
      }
      report.extraWarnings = warnings
      try output.write(report)
      if output.echoesWarnings {
        for w in summary.warnings + analysis.warnings + warnings { warn(w) }
      }
    }
  }
}
