import ArgumentParser
import Survival
import SurvivalReport

extension ConfidenceType: ExpressibleByArgument {}

struct KM: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "km",
    abstract: "Kaplan-Meier estimates per group: median, quantiles, survival at times, RMST, follow-up.",
    discussion: """
      Computes what R survival's survfit, print, summary(times =) and quantile give, with the same \
      conventions and numbers: one step per distinct time (censoring times included), events \
      before censorings at tied times, Greenwood's variance, pointwise confidence intervals on the \
      chosen transform (default log, as R), quantiles by the midpoint rule on exact flats with \
      confidence limits from the bands (Brookmeyer-Crowley). Also: restricted mean survival time \
      to tau per group with its standard error, and for two groups the difference and ratio \
      (second group minus/over first, as survRM2); median follow-up by reverse Kaplan-Meier.

      Groups are reported in sorted order (numerically when every value is a number). Rows with an \
      empty, NA or . time, event or group are excluded and listed. A CDISC ADaM ADTTE file \
      (columns AVAL and CNSR) is read without options: time = AVAL, event = 1 - CNSR, rows with \
      PARAMCD = OS, group TRT01P/TRTP/ARM.

      --start reads (start, stop] rows (delayed entry, or a time-dependent group) as survfit's \
      counting-process form; --cluster sums each row's infinitesimal-jackknife influence within \
      its cluster (a subject's rows, a litter, a centre), as survfit(..., id =, robust = TRUE).

      Examples:
        osstats km Datasets/aml.csv --group x
        osstats km Datasets/ovarian.csv --time futime --event fustat --group rx --times 365,730
        osstats km Datasets/lung.csv --group sex --conf-type log-log --quantiles 0.25,0.5,0.75
        osstats km Datasets/gehan.csv --event cens --group treat --tau 20 --format json
        osstats km adtte.csv --param OS --output km.md
        osstats km Datasets/heart.csv --start start --time stop --event event --group transplant --cluster id
        osstats km Datasets/rats.csv --group rx --cluster litter
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup var groups: GroupOptions

  @Option(
    name: .customLong("conf-type"),
    help: "Confidence-interval transform: log, log-log, plain, logit or arcsin, R survival's default being log. Example: --conf-type log-log"
  )
  var confType: ConfidenceType = .log

  @Option(name: .customLong("conf-level"), parsing: .unconditional, help: "Confidence level. Example: --conf-level 0.9")
  var confLevel: Double = 0.95

  @Option(
    parsing: .unconditional, help: "Quantile probabilities to report; 0.5 is the median (default in JSON: 0.25,0.5,0.75). Example: --quantiles 0.25,0.5,0.75"
  )
  var quantiles: NumberList?

  @Option(parsing: .unconditional, help: "Times at which to report survival and the number at risk. Example: --times 6,12,24")
  var times: NumberList?

  @Option(
    parsing: .unconditional, help: "Restriction time for the RMST (default: the smallest of the groups' last follow-up times). Example: --tau 24"
  )
  var tau: Double?

  @Option(help: "Entry-time column: each row is a (start, time] interval, at risk only after its start (delayed entry, or a time-dependent group). Example: --start start")
  var start: String?

  @Option(help: "Cluster column (a subject's id across its (start, stop] rows, a family, a centre): standard errors and intervals by the infinitesimal jackknife summed within clusters, as R's survfit(..., id =, robust = TRUE). Example: --cluster id")
  var cluster: String?

  @Flag(help: "Also print every step of each curve (text and Markdown). Example: --steps")
  var steps = false

  @OptionGroup var timeFix: TimeFixOption

  @OptionGroup var output: OutputOptions

  var options: KaplanMeierOptions {
    KaplanMeierOptions(
      confidenceType: confType, confidenceLevel: confLevel,
      quantiles: quantiles?.values ?? [0.25, 0.5, 0.75], times: times?.values ?? [], tau: tau,
      timeFix: timeFix.timeFix)
  }

  func validate() throws {
    do {
      try options.validate()
    } catch {
      switch error {
      case .confidenceLevel(let v):
        throw ValidationError("--conf-level must lie between 0 and 1, not \(v)")
      case .quantile(let v): throw ValidationError("--quantiles must lie between 0 and 1, not \(v)")
      case .time(let v): throw ValidationError("--times must be 0 or more, not \(v)")
      case .tau(let v): throw ValidationError("--tau must be positive, not \(v)")
      case .entryCount, .emptyInterval, .clusterCount: throw ValidationError("\(error)")
      }
    }
  }

  func run() throws {
    try reportingFailures {
      var extraOptions: [String: String] = [:]
      if let start { extraOptions[start] = "--start" }
      if let cluster { extraOptions[cluster] = "--cluster" }
      let (loaded, summary) = try input.load(
        groups: groups, entry: start, extra: cluster.map { [$0] } ?? [], extraOptions: extraOptions)
      var entry: [Double]?
      do throws(InputError) {
        if let start { entry = try loaded.entryTimes(start) }
      } catch {
        throw Failure(error, file: input.displayName)
      }
      let analysis: KaplanMeierAnalysis
      do throws(KaplanMeierOptionsError) {
        analysis = try KaplanMeierAnalysis(data: loaded.data, entry: entry, cluster: cluster.flatMap(loaded.clusterCodes), options: options)
      } catch {
        switch error {
        case .emptyInterval(let i, _, _):
          // The row of the file: the data's rows are the analysed rows in file order.
          let at = loaded.location(i, start ?? "start")
          throw Failure(ExitStatus.data, "\(input.displayName):\(at.line):\(at.column): \(error)")
        default: throw Failure(ExitStatus.usage, "invalid option: \(error)")
        }
      }
      var report = KaplanMeierReport(analysis: analysis, input: summary, version: osstatsVersion)
      report.showQuantiles = quantiles != nil
      report.showSteps = steps
      try output.write(report)
      if output.echoesWarnings {
        for w in summary.warnings + analysis.warnings { warn(w) }
      }
    }
  }
}
