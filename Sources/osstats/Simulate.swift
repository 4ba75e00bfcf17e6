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
      simulated. The same --seed gives the same bytes on every run and thread count: trial i uses \
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
      grid of scenarios on common random numbers.

      Memory does not grow with --trials. Ctrl-C stops a run after the trials in progress: the \
      trials done are reported (on standard error when --output is given), no output file is \
      written, and the exit status is 130.

      Examples:
        osstats simulate --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60 --seed 1 --output cohort.csv
        osstats simulate --trials 10000 --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60 --seed 1
        osstats simulate --trials 1000 --n 142 --median-control 6 --hr 0.7 --accrual 42 --cutoff 54 --strata salvage=intensive:0.5,azacitidine:0.5 --seed 7 --format json
        osstats simulate --design Datasets/design_simulated_trial.json --trials 100000 --hr 0.6 --seed 1
        osstats simulate --design Datasets/design_simulated_trial.json --trials 10000 --hr 0.5:1:0.05 --seed 1 --format json
      """
  )

  @Option(parsing: .unconditional, help: "Patients per trial (with --design: default the design's patients). Example: --n 73")
  var n: Int?

  @Option(name: .customLong("median-control"), parsing: .unconditional, help: "Median survival of the control arm (months; with --design: default the design's). Example: --median-control 6")
  var medianControl: Double?

  @Option(parsing: .unconditional, help: "Hazard ratio of the experimental arm against control; with --design a list or a range lo:hi:step runs a grid (default: the design's). Example: --hr 0.7, --hr 0.5:1:0.05")
  var hr: HazardRatioList?

  @Option(name: .customLong("weibull-shape"), parsing: .unconditional, help: "Weibull shape for both arms (default: 1, exponential). Example: --weibull-shape 1.3")
  var weibullShape: Double?

  @Option(parsing: .unconditional, help: "Accrual duration (months, uniform; with --design: default the design's). Example: --accrual 42")
  var accrual: Double?

  @Option(parsing: .unconditional, help: "Exponential dropout rate per month (default: 0, or the design's). Example: --dropout 0.01")
  var dropout: Double?

  @Option(parsing: .unconditional, help: "Analyse when this many events have occurred. Example: --events 60")
  var events: Int?

  @Option(parsing: .unconditional, help: "Analyse at this calendar time (months from the first entry). Example: --cutoff 54")
  var cutoff: Double?

  @Option(help: "A design file written by osstats design: simulate its monitoring plan (looks, boundaries, stopping). Example: --design design.json")
  var design: String?

  @Option(parsing: .unconditional, help: "With --design: the looks as cumulative event counts or information fractions, as many as the design's (default: the design's events). Example: --looks 40,80,121")
  var looks: NumberList?

  @Option(help: "With --design: the test at each look, logrank or stratified (default: stratified when --strata is given). Example: --test logrank")
  var test: String?

  @Option(name: .customLong("trial-output"), help: "Write one row per simulated trial to this CSV file, streamed (with --trials). Example: --trial-output trials.csv")
  var trialOutput: String?

  @Option(help: "With --design: write the power and expected-events curves over the scenarios (an --hr grid) to this SVG file. Example: --plot power.svg")
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
    if design == nil {
      guard (events == nil) != (cutoff == nil) else {
        throw ValidationError("give exactly one analysis time: --events or --cutoff (or --design for a monitoring plan)")
      }
      guard n != nil, medianControl != nil, hr != nil, accrual != nil else {
        throw ValidationError("give --n, --median-control, --hr and --accrual (or --design FILE, which has them)")
      }
      if let hr, hr.values.count > 1 {
        throw ValidationError("--hr takes one value here; a list or range of hazard ratios (a grid) needs --design")
      }
      if looks != nil || test != nil || plot != nil { throw ValidationError("--looks, --test and --plot go with --design") }
    } else {
      if events != nil || cutoff != nil {
        throw ValidationError("--events and --cutoff do not go with --design: the looks are the design's (change them with --looks)")
      }
      guard trials != nil else { throw ValidationError("--design simulates many trials: give --trials N") }
    }
    if let n, !(1...10_000_000).contains(n) { throw ValidationError("--n must be a whole number from 1 to 10000000, not \(n)") }
    for (name, value) in [("--median-control", medianControl), ("--accrual", accrual)] {
      if let value, !(value > 0 && value <= 1e6) { throw ValidationError("\(name) must be positive and at most 1e6, not \(value.shortDescription)") }
    }
    if let dropout, !(dropout >= 0 && dropout <= 1e3) {
      throw ValidationError("--dropout must lie between 0 and 1000 per month, not \(dropout.shortDescription)")
    }
    if let k = weibullShape, !(k > 0 && k <= 100) { throw ValidationError("--weibull-shape must be positive and at most 100, not \(k.shortDescription)") }
    if let e = events, !(1...10_000_000).contains(e) { throw ValidationError("--events must be a whole number from 1 to 10000000, not \(e)") }
    if let e = events, let n, e > n { throw ValidationError("--events \(e) exceeds the \(n) patients (--n)") }
    if let c = cutoff, !(c > 0 && c.isFinite) { throw ValidationError("--cutoff must be a positive number of months, not \(c.shortDescription)") }
    if let t = trials, !(1...1_000_000_000_000).contains(t) { throw ValidationError("--trials must be a whole number from 1 to 10^12, not \(t)") }
    if let t = threads, !(1...1024).contains(t) { throw ValidationError("--threads must be from 1 to 1024, not \(t)") }
    guard blockSize >= 1 && blockSize <= 10_000 else { throw ValidationError("--block-size must be from 1 to 10000, not \(blockSize)") }
    guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must lie between 0 and 1, not \(alpha.shortDescription)") }
    if let test, LookTest(rawValue: test) == nil {
      throw ValidationError("--test must be logrank or stratified, not '\(test)'")
    }
    if trialOutput != nil && trials == nil { throw ValidationError("--trial-output goes with --trials") }
  }

  /// The simulated trial: its arms, strata, survival, accrual and dropout.
  func trialDesign(
    patients: Int, medianControl: Double, hazardRatio: Double, accrual: Double, dropout: Double, ratio: [Int],
    cutoff: TrialSimulationDesign.AnalysisCutoff
  ) throws -> TrialSimulationDesign {
    let names = arms?.values ?? ["control", "experimental"]
    guard names.count == 2 else { throw ValidationError("--arms takes two names, control first") }
    let control: SurvivalDistribution
    if let k = weibullShape {
      // Scale so that the control median is the given one: median = scale·(ln 2)^(1/k).
      control = .weibull(shape: k, scale: medianControl / Foundation.pow(Foundation.log(2), 1 / k))
    } else {
      control = .exponential(rate: Foundation.log(2) / medianControl)
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
    do {
      return try TrialSimulationDesign(
        arms: [
          .init(name: names[0], allocation: ratio[0], survival: .distribution(control)),
          .init(name: names[1], allocation: ratio[1], survival: .hazardRatio(hazardRatio)),
        ],
        blockSize: blockSize, factors: factors, stratumSurvival: [], accrual: .uniform(duration: accrual),
        dropout: dropout > 0 ? .exponential(rate: dropout) : .none, patients: patients, cutoff: cutoff)
    } catch {
      throw ValidationError("invalid design: \(error.description)")
    }
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
    guard let n, let medianControl, let hr = hr?.values.first, let accrual else { return }
    let design = try trialDesign(
      patients: n, medianControl: medianControl, hazardRatio: hr, accrual: accrual, dropout: dropout ?? 0,
      ratio: try commandLineRatio() ?? [1, 1], cutoff: events.map { .events($0) } ?? .calendar(cutoff ?? .infinity))
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
    let patients = try n ?? plan.patients ?? { throw Failure(ExitStatus.data, file + "the design has no \"patients\"; give --n") }()
    let median = medianControl ?? accrualPlan.controlMedian
    guard let accrualTime = accrual ?? plan.accrualDuration ?? accrualPlan.accrualTime else {
      throw Failure(ExitStatus.data, file + "the design has no accrual time; give --accrual")
    }
    // The design's dropout is a proportion lost by a time (rpact's convention): rate −ln(1 − p)/t.
    let dropoutRate =
      dropout ?? (accrualPlan.dropoutRate > 0 ? -Foundation.log1p(-accrualPlan.dropoutRate) / accrualPlan.dropoutTime : 0)
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
        lookEvents = looks.map { Int(($0 * Double(plan.maxEvents)).rounded(.up)) }
      } else {
        guard looks.allSatisfy({ $0 >= 1 && $0 <= 1e7 && $0 == $0.rounded() }) else {
          throw ValidationError("--looks takes event counts (whole numbers) or information fractions in (0, 1], not \(looks.map(\.shortDescription).joined(separator: ","))")
        }
        lookEvents = looks.map { Int($0) }
      }
    }
    guard let last = lookEvents.last, last <= patients else {
      throw ValidationError("the final look's \(lookEvents.last ?? 0) events exceed the \(patients) patients")
    }
    let monitoring: MonitoringPlan
    do {
      monitoring = try MonitoringPlan(
        boundaries: boundaries, lookEvents: lookEvents, maxEvents: plan.maxEvents, allocation: allocation)
    } catch {
      throw ValidationError("the looks \(lookEvents.map(String.init).joined(separator: ",")) cannot be monitored: \(error.description)")
    }
    let hazardRatios = hr?.values ?? [plan.hazardRatio]
    let lookTest = test.flatMap(LookTest.init(rawValue:)) ?? (strata.isEmpty ? .logRank : .stratified)
    let stream = try trialOutput.map { try StreamingOutput(path: $0) }
    stream?.write(SequentialSimulationReport.trialHeader)
    Interruption.install()
    var scenarios: [SequentialSimulationReport.Scenario] = []
    for (k, h) in hazardRatios.enumerated() {
      let design = try trialDesign(
        patients: patients, medianControl: median, hazardRatio: h, accrual: accrualTime, dropout: dropoutRate,
        ratio: ratio, cutoff: .events(last))
      let progress = Progress(
        total: trials, label: hazardRatios.count > 1 ? "scenario \(k + 1)/\(hazardRatios.count) (HR \(h.shortDescription))" : nil)
      var emit: (@Sendable (Int, SequentialTrialOutcome) -> Void)? = nil
      if let stream { emit = { i, o in stream.write(SequentialSimulationReport.trialRow(hazardRatio: h, index: i, o)) } }
      let control = MonteCarloControl(threads: threads, progress: progress.callback, shouldStop: { Interruption.requested })
      let simulation = SequentialSimulation(
        design: design, plan: monitoring, test: lookTest, trials: trials, seed: seed, control: control, emit: emit)
      progress.finish()
      scenarios.append(.init(hazardRatio: h, simulation: simulation))
      if simulation.done < trials { break }
    }
    let model: [(String, JSONValue)] = [
      ("control_median", .number(median)), ("survival", .string(weibullShape.map { "Weibull, shape \($0.shortDescription)" } ?? "exponential")),
      ("accrual", .string("uniform over \(accrualTime.shortDescription)")), ("dropout_rate_per_month", .number(dropoutRate)),
      ("allocation", .string("\(ratio[0]):\(ratio[1]) (control first), permuted blocks of \(blockSize)")),
    ]
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
    for control in 1...100 {
      let experimental = r * Double(control)
      if abs(experimental - experimental.rounded()) < 1e-9, experimental >= 1, experimental <= 100 {
        return [control, Int(experimental.rounded())]
      }
    }
    throw Failure(ExitStatus.data, "\(file): allocation \(r.shortDescription) is not a ratio of whole numbers up to 100; give --allocation")
  }
}

/// Hazard ratios: one value, a comma list, or a range lo:hi:step (both ends included).
struct HazardRatioList: ExpressibleByArgument {
  let values: [Double]

  init?(argument: String) {
    var values: [Double] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard fields.allSatisfy({ $0 != nil && $0!.isFinite }) else { return nil }
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
    guard !values.isEmpty, values.count <= 1000, values.allSatisfy({ $0 > 0 && $0 <= 100 }) else { return nil }
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
