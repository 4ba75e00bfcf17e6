import ArgumentParser
import Foundation
import Survival
import SurvivalReport
import TrialDesign

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate two-arm survival trials: one patient-level data set, or many trials with their power.",
    discussion: """
      A design: two arms with an allocation ratio and permuted blocks, stratified by factors with \
      given prevalences; exponential survival from the control median and a hazard ratio (Weibull \
      with --weibull-shape); uniform accrual over --accrual months; exponential dropout; the \
      analysis at --events events or at calendar time --cutoff. Every output is labelled \
      simulated. The same --seed gives the same bytes on every run and thread count: trial i uses \
      the Xoshiro256** stream derived from (seed, i).

      Without --trials, writes one trial's analysis data set (id, stratum, arm, entry, time, \
      status, simulated) as CSV, readable as is by osstats km, logrank and cox. With --trials N, \
      analyses each trial (KM medians, unstratified and stratified log-rank, Cox HR) and reports \
      empirical power, the distribution of the HR estimate, medians, events and analysis times.

      Examples:
        osstats simulate --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60 --seed 1 --output cohort.csv
        osstats simulate --trials 10000 --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60 --seed 1
        osstats simulate --trials 1000 --n 142 --median-control 6 --hr 0.7 --accrual 42 --cutoff 54 --strata salvage=intensive:0.5,azacitidine:0.5 --seed 7 --format json
      """
  )

  @Option(parsing: .unconditional, help: "Patients per trial. Example: --n 73")
  var n: Int

  @Option(name: .customLong("median-control"), parsing: .unconditional, help: "Median survival of the control arm (months). Example: --median-control 6")
  var medianControl: Double

  @Option(parsing: .unconditional, help: "Hazard ratio of the experimental arm against control. Example: --hr 0.7")
  var hr: Double

  @Option(name: .customLong("weibull-shape"), parsing: .unconditional, help: "Weibull shape for both arms (default: 1, exponential). Example: --weibull-shape 1.3")
  var weibullShape: Double?

  @Option(parsing: .unconditional, help: "Accrual duration (months, uniform). Example: --accrual 42")
  var accrual: Double

  @Option(parsing: .unconditional, help: "Exponential dropout rate per month (default: 0). Example: --dropout 0.01")
  var dropout: Double = 0

  @Option(parsing: .unconditional, help: "Analyse when this many events have occurred. Example: --events 60")
  var events: Int?

  @Option(parsing: .unconditional, help: "Analyse at this calendar time (months from the first entry). Example: --cutoff 54")
  var cutoff: Double?

  @Option(help: "Arm names, control first (default: control,experimental). Example: --arms salvage,dexamethasone")
  var arms: NameList?

  @Option(parsing: .unconditional, help: "Allocation ratio, control first (default: 1,1). Example: --allocation 2,1")
  var allocation: NumberList?

  @Option(name: .customLong("block-size"), parsing: .unconditional, help: "Permuted-block size, a multiple of the ratio sum (default: 4). Example: --block-size 6")
  var blockSize: Int = 4

  @Option(help: "A stratification factor, name=level:prevalence,... (repeatable). Example: --strata salvage=intensive:0.5,azacitidine:0.5")
  var strata: [String] = []

  @Option(help: "Random seed. Example: --seed 20261125")
  var seed: UInt64

  @Option(parsing: .unconditional, help: "Number of trials to simulate and analyse (omit for one patient-level data set). Example: --trials 10000")
  var trials: Int?

  @Option(parsing: .unconditional, help: "Significance level (default: 0.05). Example: --alpha 0.025")
  var alpha: Double = 0.05

  @Flag(name: .customLong("one-sided"), help: "One-sided test (experimental arm better); default two-sided. Example: --one-sided")
  var oneSided = false

  @Option(parsing: .unconditional, help: "Threads (default: every core); the result does not depend on it. Example: --threads 1")
  var threads: Int?

  @OptionGroup var output: OutputOptions

  func validate() throws {
    guard (events == nil) != (cutoff == nil) else {
      throw ValidationError("give exactly one analysis time: --events or --cutoff")
    }
    guard n > 0, medianControl > 0, hr > 0, accrual > 0, dropout >= 0 else {
      throw ValidationError("--n, --median-control, --hr and --accrual must be positive and --dropout not negative")
    }
    if let t = trials, t < 1 { throw ValidationError("--trials must be at least 1") }
    if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must lie between 0 and 1") }
  }

  func design() throws -> TrialSimulationDesign {
    let names = arms?.values ?? ["control", "experimental"]
    guard names.count == 2 else { throw ValidationError("--arms takes two names, control first") }
    let values = allocation?.values ?? [1, 1]
    // Permuted blocks allocate whole patients: the ratio is two whole numbers (1 to 100 each).
    guard values.count == 2, values.allSatisfy({ $0 >= 1 && $0 <= 100 && $0 == $0.rounded() }) else {
      throw ValidationError(
        "--allocation takes two whole numbers from 1 to 100, control first (e.g. 2,1), not \(values.map(\.shortDescription).joined(separator: ","))")
    }
    let ratio = values.map { Int($0) }
    let rate = Foundation.log(2) / medianControl
    let control: SurvivalDistribution
    if let k = weibullShape {
      // Scale so that the control median is the given one: median = scale·(ln 2)^(1/k).
      control = .weibull(shape: k, scale: medianControl / Foundation.pow(Foundation.log(2), 1 / k))
    } else {
      control = .exponential(rate: rate)
    }
    var factors: [TrialSimulationDesign.StratificationFactor] = []
    for spec in strata {
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw ValidationError("--strata takes name=level:prevalence,..., not '\(spec)'") }
      var levels: [String] = []
      var prevalences: [Double] = []
      for item in parts[1].split(separator: ",") {
        let lp = item.split(separator: ":").map(String.init)
        guard lp.count == 2, let p = Double(lp[1]) else {
          throw ValidationError("--strata level '\(item)' needs level:prevalence")
        }
        levels.append(lp[0])
        prevalences.append(p)
      }
      factors.append(.init(name: parts[0], levels: levels, prevalences: prevalences))
    }
    do {
      return try TrialSimulationDesign(
        arms: [
          .init(name: names[0], allocation: ratio[0], survival: .distribution(control)),
          .init(name: names[1], allocation: ratio[1], survival: .hazardRatio(hr)),
        ],
        blockSize: blockSize, factors: factors, stratumSurvival: [], accrual: .uniform(duration: accrual),
        dropout: dropout > 0 ? .exponential(rate: dropout) : .none, patients: n,
        cutoff: events.map { .events($0) } ?? .calendar(cutoff ?? .infinity))
    } catch {
      throw ValidationError("invalid design: \(error)")
    }
  }

  func run() throws {
    let design = try design()
    try reportingFailures { try execute(design) }
  }

  func execute(_ design: TrialSimulationDesign) throws {
      guard let trials else {
        let trial = simulateTrial(design: design, seed: seed, index: 0)
        try output.write(trial.csv())
        if trial.eventTargetReached == false {
          warn("the event target was not reached; the analysis is at the last follow-up")
        }
        return
      }
      var progress: (@Sendable (Int) -> Void)? = nil
      if isatty(2) != 0 {
        let total = trials
        progress = { done in writeStandardError("\rsimulated \(done) of \(total) trials") }
      }
      let study = SimulationStudy(design: design, trials: trials, seed: seed, threads: threads, progress: progress)
      if progress != nil { writeStandardError("\r\u{1B}[K") }
      let summary = SimulationSummary(study, alpha: alpha, oneSided: oneSided)
      let command = (["osstats"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
      try output.write(SimulationReport(summary: summary, study: study, version: osstatsVersion, command: command))
  }
}
