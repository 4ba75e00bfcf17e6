import ArgumentParser
import Foundation
import Survival
import SurvivalReport
import TrialDesign
import Synchronization

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate two-arm survival trials: one patient-level data set, or many trials with their power.",
    discussion: """
      A design: two arms with an allocation ratio and permuted blocks, stratified by factors with \
      given prevalences; exponential survival from the control median and a hazard ratio (Weibull \
      with --weibull-shape); uniform accrual over --accrual months; exponential dropout; the \
      analysis at --events events or at calendar time --cutoff. Every output is labelled \
      simulated.

      Beyond proportional hazards: --piecewise-times 0,3,6 with --control-hazards (per month, \
      one per period) and optionally --hazard-ratios (one per period) for piecewise-exponential \
      survival, as rpact's piecewiseSurvivalTime, lambda2 and lambda1/lambda2; --delay D for a \
      delayed effect (hazard ratio 1 for D months, then --hr); --cure-fraction for a share who \
      never die (one value, or control,experimental; the hazard ratio acts on the uncured); \
      --accrual-times 0,6,42 with --accrual-intensity 5,15 for piecewise accrual (rpact's \
      accrualTime and accrualIntensity, patients per month: they give the number of patients \
      unless --n is given, when they are relative); --dropout r or r_control,r_experimental.

      The same --seed gives the same bytes on every run and thread count: trial i uses \
      the Xoshiro256** stream derived from (seed, i).

      Without --trials, writes one trial's analysis data set (id, stratum, arm, entry, time, \
      status, simulated) as CSV, readable as is by osstats km, logrank and cox. With --trials N, \
      analyses each trial (KM medians, unstratified and stratified log-rank, Cox HR) and reports \
      empirical power, the distribution of the HR estimate, medians, events and analysis times; \
      --format csv (or --trial-output FILE) streams one row per trial.

      With --design FILE (written by osstats design), simulates the monitoring plan: the looks \
      at the design's cumulative events (or --looks), the log-rank z at each look against the \
      efficacy and futility boundaries recomputed at the looks' information fractions (as \
      osstats monitor does; stopping at a non-binding futility bound too), and reports the \
      overall rejection with its Monte Carlo error beside the analytic power, per-look stopping \
      probabilities, expected events, patients and duration, and the HR estimate at stopping \
      with its bias. Patients, control median, accrual, dropout, allocation and HR default to \
      the design's; --hr 1 gives the plan's type I error; --hr 0.5:1:0.05 (or a list) runs a \
      grid of scenarios on common random numbers, as do --delay and --n (every combination). \
      --test fleming-harrington --rho R --gamma G or --test maxcombo (G(0,0), G(0,1), G(1,0), \
      G(1,1), the p from their joint normal distribution, as osstats logrank --maxcombo) changes \
      the test at each look; the boundaries then apply to the z with the test's one-sided p.

      Memory does not grow with --trials. Ctrl-C stops a run after the trials in progress: the \
      trials done are reported (on standard error when --output is given), no output file is \
      written, and the exit status is 130.

      Examples:
        osstats simulate --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60 --seed 1 --output cohort.csv
        osstats simulate --trials 10000 --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60 --seed 1
        osstats simulate --trials 1000 --n 142 --median-control 6 --hr 0.7 --accrual 42 --cutoff 54 --strata salvage=intensive:0.5,azacitidine:0.5 --seed 7 --format json
        osstats simulate --design Datasets/design_simulated_trial.json --trials 100000 --hr 0.6 --seed 1
        osstats simulate --design Datasets/design_simulated_trial.json --trials 10000 --hr 0.5:1:0.05 --seed 1 --format json
        osstats simulate --design Datasets/design_simulated_trial.json --trials 10000 --hr 0.6 --delay 0:4:1 --test maxcombo --seed 1
      """
  )

  @Option(parsing: .unconditional, help: "Patients per trial (with --design: default the design's patients; a list or range lo:hi:step runs a grid). Example: --n 73")
  var n: ValueGrid?

  @Option(name: .customLong("median-control"), parsing: .unconditional, help: "Median survival of the control arm (months; with --design: default the design's). Example: --median-control 6")
  var medianControl: Double?

  @Option(parsing: .unconditional, help: "Hazard ratio of the experimental arm against control; with --design a list or a range lo:hi:step runs a grid (default: the design's). Example: --hr 0.7, --hr 0.5:1:0.05")
  var hr: ValueGrid?

  @Option(parsing: .unconditional, help: "A delayed effect: the hazard ratio is 1 for this many months, then --hr (with --design a list or range runs a grid). Example: --delay 3")
  var delay: ValueGrid?

  @Option(name: .customLong("cure-fraction"), parsing: .unconditional, help: "Share of patients who never die, one value or control,experimental; the hazard ratio acts on the uncured. Example: --cure-fraction 0.2,0.3")
  var cureFraction: NumberList?

  @Option(name: .customLong("piecewise-times"), parsing: .unconditional, help: "Starts of the periods of piecewise-exponential survival, from 0 (with --control-hazards). Example: --piecewise-times 0,3,6")
  var piecewiseTimes: NumberList?

  @Option(name: .customLong("control-hazards"), parsing: .unconditional, help: "Control hazard per month in each --piecewise-times period (replaces --median-control). Example: --control-hazards 0.15,0.1,0.08")
  var controlHazards: NumberList?

  @Option(name: .customLong("hazard-ratios"), parsing: .unconditional, help: "Hazard ratio in each --piecewise-times period (replaces --hr). Example: --hazard-ratios 1,0.6,0.6")
  var hazardRatios: NumberList?

  @Option(name: .customLong("weibull-shape"), parsing: .unconditional, help: "Weibull shape for both arms (default: 1, exponential). Example: --weibull-shape 1.3")
  var weibullShape: Double?

  @Option(parsing: .unconditional, help: "Accrual duration (months, uniform; with --design: default the design's). Example: --accrual 42")
  var accrual: Double?

  @Option(name: .customLong("accrual-times"), parsing: .unconditional, help: "Piecewise accrual: the periods' boundaries from 0 (with --accrual-intensity; replaces --accrual). Example: --accrual-times 0,6,42")
  var accrualTimes: NumberList?

  @Option(name: .customLong("accrual-intensity"), parsing: .unconditional, help: "Patients per month in each --accrual-times period (relative when --n is given). Example: --accrual-intensity 5,15")
  var accrualIntensity: NumberList?

  @Option(parsing: .unconditional, help: "Exponential dropout rate per month, one value or control,experimental (default: 0, or the design's). Example: --dropout 0.01")
  var dropout: NumberList?

  @Option(parsing: .unconditional, help: "Analyse when this many events have occurred; with --design the maximum events, the looks at the design's information fractions of it (a list or range runs a grid). Example: --events 60")
  var events: ValueGrid?

  @Option(parsing: .unconditional, help: "Analyse at this calendar time (months from the first entry). Example: --cutoff 54")
  var cutoff: Double?

  @Option(help: "A design file written by osstats design: simulate its monitoring plan (looks, boundaries, stopping). Example: --design design.json")
  var design: String?

  @Option(parsing: .unconditional, help: "With --design: the looks as cumulative event counts or information fractions, as many as the design's (default: the design's events). Example: --looks 40,80,121")
  var looks: NumberList?

  @Option(help: "With --design: the test at each look, logrank, stratified, fleming-harrington or maxcombo (default: stratified when --strata is given). Example: --test maxcombo")
  var test: String?

  @Option(parsing: .unconditional, help: "With --test fleming-harrington: rho, weights S(t-)^rho (default: 0). Example: --rho 0")
  var rho: Double?

  @Option(parsing: .unconditional, help: "With --test fleming-harrington: gamma, weights (1 - S(t-))^gamma (default: 0). Example: --gamma 1")
  var gamma: Double?

  @Option(name: .customLong("trial-output"), help: "Write one row per simulated trial to this CSV file, streamed (with --trials). Example: --trial-output trials.csv")
  var trialOutput: String?

  @Option(help: "With --design: write the power and expected-events curves over the scenarios (a grid) to this SVG file. Example: --plot power.svg")
  var plot: String?

  @Option(help: "Arm names, control first (default: control,experimental). Example: --arms salvage,dexamethasone")
  var arms: NameList?

  @Option(parsing: .unconditional, help: "Allocation ratio, control first (default: 1,1, or the design's). Example: --allocation 2,1")
  var allocation: NumberList?

  @Option(name: .customLong("block-size"), parsing: .unconditional, help: "Permuted-block size, a multiple of the ratio sum (default: 4). Example: --block-size 6")
  var blockSize: Int = 4

  @Option(help: "A stratification factor, name=level:prevalence,... (repeatable). Example: --strata salvage=intensive:0.5,azacitidine:0.5")
  var strata: [String] = []

  @Option(help: "Random seed. Example: --seed 20261125")
  var seed: UInt64

  @Option(parsing: .unconditional, help: "Number of trials to simulate and analyse (omit for one patient-level data set). Example: --trials 10000")
  var trials: Int?

  @Option(parsing: .unconditional, help: "Significance level (default: 0.05; with --design the design's). Example: --alpha 0.025")
  var alpha: Double = 0.05

  @Flag(name: .customLong("one-sided"), help: "One-sided test (experimental arm better); default two-sided. Example: --one-sided")
  var oneSided = false

  @Option(parsing: .unconditional, help: "Threads (default: every core); the result does not depend on it. Example: --threads 1")
  var threads: Int?

  @OptionGroup var output: OutputOptions

  func validate() throws {
    let piecewise = piecewiseTimes != nil || controlHazards != nil
    if design == nil {
      guard (events == nil) != (cutoff == nil) else {
        throw ValidationError("give exactly one analysis time: --events or --cutoff (or --design for a monitoring plan)")
      }
      guard n != nil || accrualIntensity != nil, medianControl != nil || piecewise, hr != nil || hazardRatios != nil,
        accrual != nil || accrualTimes != nil
      else {
        throw ValidationError("give --n, --median-control, --hr and --accrual (or --design FILE, which has them)")
      }
      for (name, grid) in [("--hr", hr), ("--delay", delay), ("--n", n), ("--events", events)]
      where (grid?.values.count ?? 0) > 1 {
        throw ValidationError("\(name) takes one value here; a list or range (a grid) needs --design")
      }
      if looks != nil || test != nil || plot != nil || rho != nil || gamma != nil {
        throw ValidationError("--looks, --test, --rho, --gamma and --plot go with --design")
      }
    } else {
      if cutoff != nil {
        throw ValidationError("--cutoff does not go with --design: the looks are at event counts (change them with --looks or --events)")
      }
      if events != nil, let looks = looks?.values, !looks.allSatisfy({ $0 > 0 && $0 <= 1 }) {
        throw ValidationError("--events sets the maximum events, the looks at fractions of it: give --looks as information fractions, not event counts")
      }
      guard trials != nil else { throw ValidationError("--design simulates many trials: give --trials N") }
    }
    for v in n?.values ?? [] where !(v >= 1 && v <= 10_000_000 && v == v.rounded()) {
      throw ValidationError("--n must be a whole number from 1 to 10000000, not \(v.shortDescription)")
    }
    for v in hr?.values ?? [] where !(v > 0 && v <= 100) {
      throw ValidationError("--hr must be positive and at most 100, not \(v.shortDescription)")
    }
    for v in delay?.values ?? [] where !(v >= 0 && v <= 1e6) {
      throw ValidationError("--delay must be from 0 to 1e6 months, not \(v.shortDescription)")
    }
    for (name, value) in [("--median-control", medianControl), ("--accrual", accrual)] {
      if let value, !(value > 0 && value <= 1e6) { throw ValidationError("\(name) must be positive and at most 1e6, not \(value.shortDescription)") }
    }
    if let d = dropout?.values {
      guard d.count <= 2, d.allSatisfy({ $0 >= 0 && $0 <= 1e3 }) else {
        throw ValidationError("--dropout takes one rate or two (control,experimental) from 0 to 1000 per month, not \(Self.list(d))")
      }
    }
    if let c = cureFraction?.values {
      guard c.count <= 2, c.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
        throw ValidationError("--cure-fraction takes one share or two (control,experimental), each from 0 to below 1, not \(Self.list(c))")
      }
    }
    if piecewise {
      guard let times = piecewiseTimes?.values, let hazards = controlHazards?.values else {
        throw ValidationError("--piecewise-times and --control-hazards go together")
      }
      try Self.checkPeriods(times, name: "--piecewise-times")
      guard hazards.count == times.count, hazards.allSatisfy({ $0 >= 0 && $0 <= 1e6 }), let last = hazards.last, last > 0 else {
        throw ValidationError("--control-hazards takes one hazard per --piecewise-times period (\(times.count)), not negative, the last positive, not \(Self.list(hazards))")
      }
      if medianControl != nil || weibullShape != nil {
        throw ValidationError("--control-hazards replaces --median-control and --weibull-shape; give one or the other")
      }
    }
    if let ratios = hazardRatios?.values {
      guard let times = piecewiseTimes?.values else { throw ValidationError("--hazard-ratios needs --piecewise-times") }
      guard ratios.count == times.count, ratios.allSatisfy({ $0 >= 0 && $0 <= 100 }), let last = ratios.last, last > 0 else {
        throw ValidationError("--hazard-ratios takes one ratio per --piecewise-times period (\(times.count)), from 0 to 100, the last positive, not \(Self.list(ratios))")
      }
      if hr != nil || delay != nil { throw ValidationError("--hazard-ratios replaces --hr and --delay; give one or the other") }
    }
    if accrualTimes != nil || accrualIntensity != nil {
      guard let times = accrualTimes?.values, let intensity = accrualIntensity?.values else {
        throw ValidationError("--accrual-times and --accrual-intensity go together")
      }
      try Self.checkPeriods(times, name: "--accrual-times")
      guard times.count >= 2, intensity.count == times.count - 1, intensity.allSatisfy({ $0 >= 0 && $0 <= 1e7 }),
        intensity.contains(where: { $0 > 0 })
      else {
        throw ValidationError("--accrual-intensity takes one rate per --accrual-times period (\(max(0, times.count - 1))), not negative, not all 0, not \(Self.list(intensity))")
      }
      if accrual != nil { throw ValidationError("--accrual-times replaces --accrual; give one or the other") }
      if n == nil, design == nil {
        let total = TrialSimulationDesign.Accrual.patients(times: times, intensities: intensity)
        guard total >= 1, total <= 10_000_000, abs(total - total.rounded()) < 1e-6 else {
          throw ValidationError("--accrual-intensity over --accrual-times gives \(total.shortDescription) patients, not a whole number from 1 to 10000000; give --n")
        }
      }
    }
    if let k = weibullShape, !(k > 0 && k <= 100) { throw ValidationError("--weibull-shape must be positive and at most 100, not \(k.shortDescription)") }
    for e in events?.values ?? [] where !(e >= 1 && e <= 10_000_000 && e == e.rounded()) {
      throw ValidationError("--events must be a whole number from 1 to 10000000, not \(e.shortDescription)")
    }
    if let e = events?.values.max(), let n = n?.values.min(), e > n {
      throw ValidationError("--events \(e.shortDescription) exceeds the \(n.shortDescription) patients (--n)")
    }
    if let c = cutoff, !(c > 0 && c.isFinite) { throw ValidationError("--cutoff must be a positive number of months, not \(c.shortDescription)") }
    if let t = trials, !(1...1_000_000_000_000).contains(t) { throw ValidationError("--trials must be a whole number from 1 to 10^12, not \(t)") }
    if let t = threads, !(1...1024).contains(t) { throw ValidationError("--threads must be from 1 to 1024, not \(t)") }
    guard blockSize >= 1 && blockSize <= 10_000 else { throw ValidationError("--block-size must be from 1 to 10000, not \(blockSize)") }
    guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must lie between 0 and 1, not \(alpha.shortDescription)") }
    if let test, !["logrank", "stratified", "fleming-harrington", "maxcombo"].contains(test) {
      throw ValidationError("--test must be logrank, stratified, fleming-harrington or maxcombo, not '\(test)'")
    }
    for (name, value) in [("--rho", rho), ("--gamma", gamma)] {
      guard let value else { continue }
      guard test == "fleming-harrington" else { throw ValidationError("\(name) goes with --test fleming-harrington") }
      guard value >= 0 && value <= 10 else { throw ValidationError("\(name) must be from 0 to 10, not \(value.shortDescription)") }
    }
    if trialOutput != nil && trials == nil { throw ValidationError("--trial-output goes with --trials") }
  }

  /// Period starts: from 0, strictly increasing, finite.
  private static func checkPeriods(_ times: [Double], name: String) throws {
    guard times.first == 0, zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }), times.allSatisfy({ $0 <= 1e6 }) else {
      throw ValidationError("\(name) must start at 0 and increase (months, at most 1e6), not \(list(times))")
    }
  }

  private static func list(_ v: [Double]) -> String { v.map(\.shortDescription).joined(separator: ",") }

  /// The look test of --test, --rho and --gamma.
  var lookTest: LookTest {
    switch test {
    case "logrank": return .logRank
    case "stratified": return .stratified
    case "fleming-harrington": return .flemingHarrington(rho: rho ?? 0, gamma: gamma ?? 0)
    case "maxcombo": return .maxCombo
    default: return strata.isEmpty ? .logRank : .stratified
    }
  }

  /// One simulated scenario: what a grid varies.
  struct Scenario {
    var patients: Int
    var hazardRatio: Double
    var delay: Double
    /// Index of the scenario's monitoring plan (an --events grid has one per maximum).
    var plan = 0
  }

  /// Whether the survival model is proportional hazards (so that the design's analytic power applies).
  var proportionalHazards: Bool {
    hazardRatios.map { Set($0.values).count <= 1 } ?? true
  }

  /// The simulated trial: its arms, strata, survival, accrual and dropout.
  func trialDesign(
    _ scenario: Scenario, medianControl: Double?, accrual: Double?, dropout: [Double], ratio: [Int],
    cutoff: TrialSimulationDesign.AnalysisCutoff
  ) throws -> TrialSimulationDesign {
    let names = arms?.values ?? ["control", "experimental"]
    guard names.count == 2 else { throw ValidationError("--arms takes two names, control first") }
    var base: SurvivalDistribution
    if let times = piecewiseTimes?.values, let hazards = controlHazards?.values {
      base = .piecewiseExponential(cutPoints: Array(times.dropFirst()), rates: hazards)
    } else if let k = weibullShape, let medianControl {
      base = .weibull(shape: k, median: medianControl)
    } else if let medianControl {
      base = .exponential(median: medianControl)
    } else {
      throw ValidationError("give --median-control or --piecewise-times with --control-hazards")
    }
    // The experimental arm's hazard ratio over time: per period, or 1 until the delay, or constant.
    let cuts: [Double]
    let ratios: [Double]
    if let times = piecewiseTimes?.values, let given = hazardRatios?.values {
      (cuts, ratios) = (Array(times.dropFirst()), given)
    } else if scenario.delay > 0 {
      (cuts, ratios) = ([scenario.delay], [1, scenario.hazardRatio])
    } else {
      (cuts, ratios) = ([], [scenario.hazardRatio])
    }
    let control: TrialSimulationDesign.ArmSurvival
    let experimental: TrialSimulationDesign.ArmSurvival
    if let cure = cureFraction?.values {
      control = .distribution(.cure(fraction: cure[0], uncured: base))
      experimental = .distribution(.cure(fraction: cure.last ?? cure[0], uncured: base.withHazardRatios(cutPoints: cuts, ratios: ratios)))
    } else {
      control = .distribution(base)
      experimental = .hazardRatios(cutPoints: cuts, ratios: ratios)
    }
    let entry: TrialSimulationDesign.Accrual
    if let times = accrualTimes?.values, let intensity = accrualIntensity?.values {
      entry = .piecewise(durations: zip(times.dropFirst(), times).map { $0 - $1 }, relativeRates: intensity)
    } else if let accrual {
      entry = .uniform(duration: accrual)
    } else {
      throw ValidationError("give --accrual or --accrual-times with --accrual-intensity")
    }
    var factors: [TrialSimulationDesign.StratificationFactor] = []
    for spec in strata {
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw ValidationError("--strata takes name=level:prevalence,..., not '\(spec)'") }
      var levels: [String] = []
      var prevalences: [Double] = []
      for item in parts[1].split(separator: ",") {
        let lp = item.split(separator: ":").map(String.init)
        guard lp.count == 2, let p = Double(lp[1]), p.isFinite else {
          throw ValidationError("--strata level '\(item)' needs level:prevalence")
        }
        levels.append(lp[0])
        prevalences.append(p)
      }
      factors.append(.init(name: parts[0], levels: levels, prevalences: prevalences))
    }
    let perArm: [TrialSimulationDesign.Dropout] = [dropout.first ?? 0, dropout.last ?? 0].map { $0 > 0 ? .exponential(rate: $0) : .none }
    do {
      return try TrialSimulationDesign(
        arms: [
          .init(name: names[0], allocation: ratio[0], survival: control),
          .init(name: names[1], allocation: ratio[1], survival: experimental),
        ],
        blockSize: blockSize, factors: factors, stratumSurvival: [], accrual: entry,
        dropout: perArm[0], armDropout: perArm, patients: scenario.patients, cutoff: cutoff)
    } catch {
      throw ValidationError("invalid design: \(error.description)")
    }
  }

  /// Patients given by --accrual-intensity over --accrual-times (when --n is not given).
  var accrualPatients: Int? {
    guard let times = accrualTimes?.values, let intensity = accrualIntensity?.values else { return nil }
    let total = TrialSimulationDesign.Accrual.patients(times: times, intensities: intensity)
    return total >= 1 && total <= 10_000_000 ? Int(total.rounded()) : nil
  }

  /// A description of the simulated model for the report.
  func modelDescription(medianControl: Double?, accrual: Double?, dropout: [Double], ratio: [Int]) -> [(String, JSONValue)] {
    var m: [(String, JSONValue)] = []
    if let times = piecewiseTimes?.values, let hazards = controlHazards?.values {
      m.append(("survival", .string("piecewise exponential from \(Self.list(times)) months, control hazards \(Self.list(hazards)) per month")))
      if let r = hazardRatios?.values { m.append(("hazard_ratios", .string(Self.list(r)))) }
    } else {
      m.append(("control_median", .number(medianControl)))
      m.append(("survival", .string(weibullShape.map { "Weibull, shape \($0.shortDescription)" } ?? "exponential")))
    }
    if let c = cureFraction?.values { m.append(("cure_fraction", .string(Self.list(c) + (c.count == 2 ? " (control,experimental)" : "")))) }
    if let times = accrualTimes?.values, let intensity = accrualIntensity?.values {
      m.append(("accrual", .string("piecewise from \(Self.list(times)) months, intensity \(Self.list(intensity))")))
    } else {
      m.append(("accrual", .string("uniform over \(accrual?.shortDescription ?? "?")")))
    }
    m.append(("dropout_rate_per_month", dropout.count == 2 ? .string(Self.list(dropout) + " (control,experimental)") : .number(dropout.first ?? 0)))
    m.append(("allocation", .string("\(ratio[0]):\(ratio[1]) (control first), permuted blocks of \(blockSize)")))
    return m
  }

  /// The allocation ratio from --allocation, control first: two whole numbers from 1 to 100.
  func commandLineRatio() throws -> [Int]? {
    guard let values = allocation?.values else { return nil }
    // Permuted blocks allocate whole patients: the ratio is two whole numbers (1 to 100 each).
    guard values.count == 2, values.allSatisfy({ $0 >= 1 && $0 <= 100 && $0 == $0.rounded() }) else {
      throw ValidationError(
        "--allocation takes two whole numbers from 1 to 100, control first (e.g. 2,1), not \(values.map(\.shortDescription).joined(separator: ","))")
    }
    return values.map { Int($0) }
  }

  func run() throws {
    try reportingFailures {
      if let design {
        try executePlan(designFile: design)
      } else {
        try execute()
      }
    }
  }

  private var commandLine: String { (["osstats"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }

  func execute() throws {
    guard let patients = n?.values.first.map({ Int($0) }) ?? accrualPatients else { return }
    let scenario = Scenario(patients: patients, hazardRatio: hr?.values.first ?? 1, delay: delay?.values.first ?? 0)
    let design = try trialDesign(
      scenario, medianControl: medianControl, accrual: accrual, dropout: dropout?.values ?? [0],
      ratio: try commandLineRatio() ?? [1, 1], cutoff: events?.values.first.map { .events(Int($0)) } ?? .calendar(cutoff ?? .infinity))
    guard let trials else {
      let trial = simulateTrial(design: design, seed: seed, index: 0)
      try output.write(trial.csv())
      if trial.eventTargetReached == false {
        warn("the event target was not reached; the analysis is at the last follow-up")
      }
      return
    }
    let perTrial = output.resolvedFormat == .csv ? output.output : trialOutput
    let stream = try (output.resolvedFormat == .csv || trialOutput != nil) ? StreamingOutput(path: perTrial) : nil
    stream?.write(SimulationReport.trialHeader)
    let progress = Progress(total: trials, label: nil)
    Interruption.install()
    var emit: (@Sendable (Int, TrialOutcome) -> Void)? = nil
    if let stream { emit = { i, o in stream.write(SimulationReport.trialRow(index: i, o)) } }
    let control = MonteCarloControl(threads: threads, progress: progress.callback, shouldStop: { Interruption.requested })
    let study = SimulationStudy(
      design: design, trials: trials, seed: seed, alpha: alpha, oneSided: oneSided, control: control, emit: emit)
    progress.finish()
    let report = SimulationReport(summary: study.summary, study: study, version: osstatsVersion, command: commandLine)
    try finish(report: report, stream: stream, interrupted: study.done < trials, done: study.done, requested: trials,
      streamsMain: output.resolvedFormat == .csv)
  }

  /// Writes the report, or on an interruption says what was done and exits 130, leaving no output file.
  private func finish(
    report: some RenderedReport, stream: StreamingOutput?, interrupted: Bool, done: Int, requested: Int, streamsMain: Bool
  ) throws {
    if interrupted {
      stream?.abandon()
      if output.output == nil && !streamsMain {
        try? output.write(report)
      } else {
        writeStandardError(report.text())
      }
      writeStandardError("osstats: interrupted after \(done) of \(requested) trials; no output file written\n")
      throw ExitCode(130)
    }
    try stream?.commit()
    if !streamsMain { try output.write(report) }
  }

  /// Simulates the monitoring plan of a design file.
  func executePlan(designFile: String) throws {
    guard let trials else { return }
    let (plan, warnings) = try Monitor.loadDesign(designFile)
    var notes = warnings
    let file = "\(designFile): "
    guard let accrualPlan = plan.accrual else {
      throw Failure(ExitStatus.data, file + "the design has no accrual (write it with --control-median and --accrual-time), or give --median-control and --accrual")
    }
    let patientGrid = try n?.values.map { Int($0) } ?? [plan.patients ?? accrualPatients ?? { throw Failure(ExitStatus.data, file + "the design has no \"patients\"; give --n") }()]
    let median: Double? = controlHazards == nil ? (medianControl ?? accrualPlan.controlMedian) : nil
    let accrualTime: Double? = accrualTimes == nil ? (accrual ?? plan.accrualDuration ?? accrualPlan.accrualTime) : nil
    if accrualTimes == nil, accrualTime == nil {
      throw Failure(ExitStatus.data, file + "the design has no accrual time; give --accrual")
    }
    // The design's dropout is a proportion lost by a time (rpact's convention).
    let dropoutRates = dropout?.values ?? [accrualPlan.dropoutHazard]
    let ratio = try commandLineRatio() ?? Self.ratio(experimentalToControl: plan.allocation, file: designFile)
    let allocation = Double(ratio[1]) / Double(ratio[0])
    if abs(allocation - plan.allocation) > 1e-9 {
      notes.append("the simulated allocation \(ratio[0]):\(ratio[1]) (control first) differs from the design's \(plan.allocation.shortDescription) (experimental : control)")
    }
    let boundaries = plan.boundaries
    var lookEvents = plan.lookEvents
    if let looks = looks?.values {
      guard looks.count == boundaries.fractions.count else {
        throw ValidationError("--looks gives \(looks.count) looks; the design has \(boundaries.fractions.count)")
      }
      if looks.allSatisfy({ $0 > 0 && $0 <= 1 }) {
        lookEvents = MonitoringPlan.lookEvents(fractions: looks, maxEvents: plan.maxEvents)
      } else {
        guard looks.allSatisfy({ $0 >= 1 && $0 <= 1e7 && $0 == $0.rounded() }) else {
          throw ValidationError("--looks takes event counts (whole numbers) or information fractions in (0, 1], not \(looks.map(\.shortDescription).joined(separator: ","))")
        }
        lookEvents = looks.map { Int($0) }
      }
    }
    // The monitoring plan of each maximum number of events: the design's (or --looks'), or with
    // --events the looks at the same information fractions of each maximum, ceiling(t_k · D).
    let fractions = looks?.values ?? boundaries.fractions
    var plans: [(maxEvents: Int, plan: MonitoringPlan)] = []
    for d in events?.values.map({ Int($0) }) ?? [plan.maxEvents] {
      let scaled = events == nil ? lookEvents : MonitoringPlan.lookEvents(fractions: fractions, maxEvents: d)
      guard let last = scaled.last, let fewest = patientGrid.min(), last <= fewest else {
        throw ValidationError("the final look's \(scaled.last ?? 0) events exceed the \(patientGrid.min() ?? 0) patients")
      }
      do {
        plans.append((d, try MonitoringPlan(boundaries: boundaries, lookEvents: scaled, maxEvents: d, allocation: allocation)))
      } catch {
        throw ValidationError("the looks \(scaled.map(String.init).joined(separator: ",")) cannot be monitored: \(error.description)")
      }
    }
    var grid: [Scenario] = []
    for p in patientGrid {
      for e in plans.indices {
        for h in hr?.values ?? [plan.hazardRatio] {
          for d in delay?.values ?? [0] { grid.append(Scenario(patients: p, hazardRatio: h, delay: d, plan: e)) }
        }
      }
    }
    let lookTest = self.lookTest
    let stream = try trialOutput.map { try StreamingOutput(path: $0) }
    Interruption.install()
    var scenarios: [SequentialSimulationReport.Scenario] = []
    // The parameters a grid varies are named in every scenario; hr always.
    let varied: [(String, (Scenario) -> Double)] =
      [("hr", { $0.hazardRatio })] + (delay != nil ? [("delay", { $0.delay })] : [])
      + ((n?.values.count ?? 0) > 1 ? [("patients", { Double($0.patients) })] : [])
      + ((events?.values.count ?? 0) > 1 ? [("max_events", { Double(plans[$0.plan].maxEvents) })] : [])
    stream?.write(SequentialSimulationReport.trialHeader(parameters: varied.dropFirst().map(\.0)))
    for (k, point) in grid.enumerated() {
      let h = point.hazardRatio
      let monitoring = plans[point.plan].plan
      let design = try trialDesign(
        point, medianControl: median, accrual: accrualTime, dropout: dropoutRates, ratio: ratio,
        cutoff: .events(monitoring.lookEvents.last ?? monitoring.maxEvents))
      let parameters = varied.map { ($0.0, $0.1(point)) }
      let label = parameters.map { "\($0.0) \($0.1.shortDescription)" }.joined(separator: ", ")
      let progress = Progress(total: trials, label: grid.count > 1 ? "scenario \(k + 1)/\(grid.count) (\(label))" : nil)
      var emit: (@Sendable (Int, SequentialTrialOutcome) -> Void)? = nil
      let rowPrefix = parameters.dropFirst().map { NumberFormat.full($0.1) }
      if let stream { emit = { i, o in stream.write(SequentialSimulationReport.trialRow(hazardRatio: h, index: i, o, parameters: rowPrefix)) } }
      let control = MonteCarloControl(threads: threads, progress: progress.callback, shouldStop: { Interruption.requested })
      let simulation = SequentialSimulation(
        design: design, plan: monitoring, test: lookTest, trials: trials, seed: seed, control: control, emit: emit)
      progress.finish()
      scenarios.append(
        .init(
          hazardRatio: h, simulation: simulation, parameters: Array(parameters.dropFirst()),
          proportionalHazards: proportionalHazards && point.delay == 0 && cureFraction == nil))
      if simulation.done < trials { break }
    }
    let model = modelDescription(medianControl: median, accrual: accrualTime, dropout: dropoutRates, ratio: ratio)
    let report = SequentialSimulationReport(
      scenarios: scenarios, designSource: designFile, designHazardRatio: plan.hazardRatio, model: model, warnings: notes,
      requested: trials, version: osstatsVersion, command: commandLine)
    for w in notes where output.echoesWarnings { warn(w) }
    let done = scenarios.last?.simulation.done ?? 0
    try finish(report: report, stream: stream, interrupted: report.interrupted, done: done, requested: trials, streamsMain: false)
    if let plot { try OutputOptions.writeFiles([(plot, report.powerCurve())]) }
  }

  /// The design's experimental : control ratio as two whole numbers, control first.
  static func ratio(experimentalToControl r: Double, file: String) throws -> [Int] {
    if let w = TrialSimulationDesign.Arm.wholeNumbers(experimentalToControl: r) { return [w.control, w.experimental] }
    throw Failure(ExitStatus.data, "\(file): allocation \(r.shortDescription) is not a ratio of whole numbers up to 100; give --allocation")
  }
}

/// Values of a scenario parameter: one value, a comma list, or a range lo:hi:step (both ends
/// included), at most 1000 values, every one finite (ranges are checked by the command).
struct ValueGrid: ExpressibleByArgument {
  let values: [Double]

  init?(argument: String) {
    var values: [Double] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard fields.allSatisfy({ $0?.isFinite == true }) else { return nil }
      let f = fields.compactMap { $0 }
      switch f.count {
      case 1: values.append(f[0])
      case 3:
        let (lo, hi, step) = (f[0], f[1], f[2])
        guard step > 0, hi >= lo else { return nil }
        let count = ((hi - lo) / step + 1e-9).rounded(.down)
        guard count < 1000 else { return nil }
        for k in 0...Int(count) { values.append(lo + Double(k) * step) }
      default: return nil
      }
    }
    guard !values.isEmpty, values.count <= 1000 else { return nil }
    self.values = values
  }

  static var defaultCompletionKind: CompletionKind { .default }
}

/// Progress on standard error when it is a terminal: trials done and the time left.
final class Progress: @unchecked Sendable {
  private let total: Int
  private let label: String?
  private let start = Date()
  private let lock = NSLock()
  private var last = Date.distantPast
  let enabled = isatty(2) != 0

  init(total: Int, label: String?) {
    self.total = total
    self.label = label
  }

  var callback: (@Sendable (Int) -> Void)? {
    guard enabled else { return nil }
    return { [self] done in report(done) }
  }

  private func report(_ done: Int) {
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    guard now.timeIntervalSince(last) >= 0.2 || done >= total else { return }
    last = now
    let elapsed = now.timeIntervalSince(start)
    let left = done > 0 ? elapsed * Double(total - done) / Double(done) : .nan
    let eta = left.isFinite ? (left >= 90 ? "\(Int(left / 60)) min" : "\(Int(left.rounded())) s") : "?"
    let percent = 100 * Double(done) / Double(max(1, total))
    writeStandardError("\r\u{1B}[K\(label.map { $0 + ": " } ?? "")\(done) of \(total) trials (\(String(format: "%.0f", percent))%), \(eta) left")
  }

  func finish() { if enabled { writeStandardError("\r\u{1B}[K") } }
}

/// Ctrl-C during a simulation: the first SIGINT asks the run to stop after the trials in
/// progress (the report then covers the trials done); a second one ends the process at once.
enum Interruption {
  static var requested: Bool { interruptRequested.load(ordering: .relaxed) }

  /// Installs the handler, unless SIGINT is ignored (a background job), and unblocks SIGINT in
  /// this thread, which a parent may have left blocked.
  static func install() {
    let previous = signal(SIGINT) { _ in
      if interruptRequested.exchange(true, ordering: .relaxed) { _exit(130) }
    }
    if let previous, unsafeBitCast(previous, to: Int.self) == 1 {  // SIG_IGN
      signal(SIGINT, previous)
      return
    }
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }
}

private let interruptRequested = Atomic<Bool>(false)
