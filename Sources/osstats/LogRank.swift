import ArgumentParser
import Survival
import SurvivalReport

/// The weight families offered on the command line.
enum WeightsOption: String, CaseIterable, ExpressibleByArgument {
  case logrank
  case flemingHarrington = "fleming-harrington"
  case gehanBreslow = "gehan-breslow"
  case taroneWare = "tarone-ware"
  case petoPeto = "peto-peto"
  case modifiedPetoPeto = "modified-peto-peto"
}

extension Alternative: ExpressibleByArgument {}
extension PValueAdjustment: ExpressibleByArgument {}

struct LogRank: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logrank",
    abstract: "Log-rank family: k-sample and stratified tests, weights, trend, MaxCombo, pairwise.",
    discussion: """
      The k-sample log-rank test as R survival's survdiff computes it: per group N, observed and \
      expected events, (O-E)^2/E and (O-E)^2/V, the chi-square on k-1 degrees of freedom and the \
      variance matrix. --strata sums within strata (as survdiff with strata()). Weights, named by \
      their weight function: logrank (w = 1); fleming-harrington with --rho and --gamma \
      (w = S(t-)^rho (1-S(t-))^gamma, pooled Kaplan-Meier; rho = 1, gamma = 0 is survdiff's rho = 1); \
      gehan-breslow (w = n at risk); tarone-ware (w = sqrt(n)); peto-peto (w = S~(t) = \
      prod(1 - d/(n+1)), not the same as survdiff's rho = 1); modified-peto-peto (S~(t) n/(n+1)).

      For two groups z is the standardized score of the second group against the first (the \
      reference, first in sorted order): negative when the second group has the lower hazard. \
      --alternative less tests that the second group has the lower hazard.

      A stratum in which only one group has subjects contributes nothing (reported). A group \
      never at risk at an event time is left out of the statistic and its degrees of freedom, \
      as survdiff does (reported).

      Examples:
        osstats logrank Datasets/aml.csv --group x
        osstats logrank Datasets/lung.csv --group sex --strata ph.ecog
        osstats logrank Datasets/lung.csv --group sex --weights fleming-harrington --rho 0 --gamma 1
        osstats logrank Datasets/aml.csv --group x --maxcombo --alternative less
        osstats logrank Datasets/veteran.csv --group celltype --pairwise --adjust bonferroni
        osstats logrank Datasets/lung.csv --group ph.ecog --trend --scores 0,1,2,3 --format json
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup var groups: GroupOptions

  @Option(help: "Stratification columns, comma-separated; strata are their combinations. Example: --strata celltype,prior")
  var strata: NameList?

  @Option(
    help: "Weight function: logrank, fleming-harrington, gehan-breslow, tarone-ware, peto-peto or modified-peto-peto. Example: --weights gehan-breslow"
  )
  var weights: WeightsOption?

  @Option(parsing: .unconditional, help: "Fleming-Harrington rho, the power of S(t-) (implies --weights fleming-harrington; default 0). Example: --rho 1")
  var rho: Double?

  @Option(parsing: .unconditional, help: "Fleming-Harrington gamma, the power of 1 - S(t-) (implies --weights fleming-harrington; default 0). Example: --gamma 1")
  var gamma: Double?

  @Option(
    help: "Direction for the one-sided p-value of two groups, stated for the second group: less (lower hazard), greater or two-sided. Example: --alternative less"
  )
  var alternative: Alternative = .twoSided

  @Flag(help: "Also test for a trend across the ordered groups. Example: --trend")
  var trend = false

  @Option(parsing: .unconditional, help: "Scores for the trend test, one per group in order (default 1, 2, ..., k). Example: --scores 0,1,2,3")
  var scores: NumberList?

  @Flag(help: "Also compute MaxCombo: the maximum of the FH(0,0), FH(0,1), FH(1,0), FH(1,1) statistics (two groups). Example: --maxcombo")
  var maxcombo = false

  @Flag(help: "Also compare every pair of groups, with Holm and Bonferroni adjustments. Example: --pairwise")
  var pairwise = false

  @Option(help: "Adjustment shown for pairwise comparisons: holm or bonferroni (JSON has both). Example: --adjust bonferroni")
  var adjust: PValueAdjustment = .holm

  @OptionGroup var timeFix: TimeFixOption

  @OptionGroup var output: OutputOptions

  var weightFunction: LogRankWeights {
    switch weights {
    case .logrank: return .logRank
    case .gehanBreslow: return .gehanBreslow
    case .taroneWare: return .taroneWare
    case .petoPeto: return .petoPeto
    case .modifiedPetoPeto: return .modifiedPetoPeto
    case .flemingHarrington: return .flemingHarrington(rho: rho ?? 0, gamma: gamma ?? 0)
    case nil:
      if rho != nil || gamma != nil { return .flemingHarrington(rho: rho ?? 0, gamma: gamma ?? 0) }
      return .logRank
    }
  }

  func validate() throws {
    if rho != nil || gamma != nil, let w = weights, w != .flemingHarrington {
      throw ValidationError("--rho and --gamma apply to --weights fleming-harrington, not \(w.rawValue)")
    }
    for (name, value) in [("--rho", rho), ("--gamma", gamma)] {
      if let v = value, !(v.isFinite && v >= 0) {
        throw ValidationError("\(name) must be 0 or more, not \(v)")
      }
    }
    if scores != nil && !trend { throw ValidationError("--scores is for --trend") }
  }

  func run() throws {
    try reportingFailures {
      let (loaded, summary) = try input.load(groups: groups, strata: strata?.values ?? [])
      guard loaded.mapping.group != nil else {
        throw Failure(ExitStatus.usage, "\(input.displayName): logrank compares groups: name the group column with --group")
      }
      let data = loaded.data
      let where_ = input.displayName
      func fail(_ e: LogRankError) -> Failure { Failure(ExitStatus.data, "\(where_): \(e.message)") }
      let test: LogRankTest
      do {
        test = try LogRankTest(data: data, weights: weightFunction, timeFix: timeFix.timeFix)
      } catch let e as LogRankError { throw fail(e) }
      var report = LogRankReport(test: test, input: summary, version: osstatsVersion)
      report.alternative = alternative
      report.adjustment = adjust
      if alternative != .twoSided && data.groupLabels.count != 2 {
        throw Failure(ExitStatus.usage, "\(where_): --alternative less/greater needs exactly two groups, the data have \(data.groupLabels.count)")
      }
      do {
        if trend { report.trend = try LogRankTrend(test: test, scores: scores?.values) }
        if maxcombo {
          report.maxCombo = try MaxComboTest(data: data, alternative: alternative, timeFix: timeFix.timeFix)
        }
        if pairwise {
          report.pairwise = try PairwiseLogRank(data: data, weights: weightFunction, timeFix: timeFix.timeFix)
        }
      } catch let e as LogRankError {
        if case .scoresCount = e { throw Failure(ExitStatus.usage, "\(where_): \(e.message)") }
        if case .needsTwoGroups = e { throw Failure(ExitStatus.usage, "\(where_): --maxcombo: \(e.message)") }
        throw fail(e)
      }
      try output.write(report)
      if output.echoesWarnings {
        for w in summary.warnings { warn(w) }
        for s in test.singleGroupStrata { warn("stratum \(s) holds one group only and contributes nothing") }
        for g in test.excludedGroups { warn("group \(g) has no subject at risk at an event time and is left out") }
      }
    }
  }
}
