import ArgumentParser
import Foundation
import Survival
import SurvivalReport
import TrialDesign

/// A boundary or spending-function name on the command line: one of `names`, the library's list
/// (``EfficacyBoundary/names``, ``SpendingFunction/names``), which also gives the help's values.
protocol BoundaryNameArgument: ExpressibleByArgument, RawRepresentable<String>, Equatable {
  static var names: [String] { get }
  init(unchecked name: String)
}

extension BoundaryNameArgument {
  init?(rawValue: String) {
    guard Self.names.contains(rawValue) else { return nil }
    self.init(unchecked: rawValue)
  }

  init?(argument: String) { self.init(rawValue: argument) }

  static var allValueStrings: [String] { names }

  static var defaultCompletionKind: CompletionKind { .list(names) }
}

/// `--spending`: an efficacy boundary's name.
struct SpendingName: BoundaryNameArgument {
  static var names: [String] { EfficacyBoundary.names }
  /// The default, Lan–DeMets O'Brien–Fleming type spending.
  static let lanDemetsObf = SpendingName(unchecked: SpendingFunction.lanDeMetsOBrienFleming.name)
  let rawValue: String
  init(unchecked name: String) { rawValue = name }
}

/// `--futility-spending`: a β-spending function's name.
struct FutilitySpendingName: BoundaryNameArgument {
  static var names: [String] { SpendingFunction.names }
  let rawValue: String
  init(unchecked name: String) { rawValue = name }
}

extension EventsMethod: ExpressibleByArgument {}

struct Design: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "design",
    abstract: "Plan a group-sequential OS trial: boundaries, events per look, patients and analysis times.",
    discussion: """
      Efficacy boundaries by an alpha-spending function (Lan-DeMets O'Brien-Fleming or Pocock type, \
      Hwang-Shih-DeCani with --gamma, Kim-DeMets power with --rho) or a classical boundary (obf, \
      pocock, haybittle-peto), computed by recursive numerical integration on the canonical joint \
      distribution of the z statistics; optional futility boundaries by beta spending or fixed z, \
      binding or not. Events by Schoenfeld (default), Freedman or Hsieh-Freedman, inflated for the \
      sequential design; with --control-median and two of --accrual-time, --accrual-rate, --follow-up \
      and --patients, the others (patients, follow-up or accrual time) and the expected calendar time of each look under uniform accrual and \
      exponential survival and dropout (rpact's expected-events method).

      z is the log-rank statistic in the favourable direction: positive when the experimental arm \
      has fewer deaths. --output FILE.json writes the design file that osstats monitor reads, and \
      the boundaries table still goes to standard output.

      Examples:
        osstats design --hr 0.6 --information-fractions 0.5,1 --output design.json
        osstats design --hr 0.7 --power 0.9 --looks 3 --spending hsd --gamma -4 --futility-spending lan-demets-obf
        osstats design --hr 0.65 --events 66
        osstats design --hr 0.6 --information-fractions 0.5,1 --control-median 6 --accrual-time 42 --patients 142 --strata stratum --experimental salvage+dexamethasone
      """
  )

  @Option(parsing: .unconditional, help: "Design hazard ratio, experimental : control. Example: --hr 0.6")
  var hr: Double

  @Option(parsing: .unconditional, help: "Overall type I error (two-sided total when --sided 2; default 0.025). Example: --alpha 0.025")
  var alpha: Double = 0.025

  @Option(parsing: .unconditional, help: "1 for a one-sided test (default), 2 for a symmetric two-sided test. Example: --sided 1")
  var sided: Int = 1

  @Option(parsing: .unconditional, help: "Power at the design hazard ratio (default 0.8); the events follow. Example: --power 0.9")
  var power: Double?

  @Option(parsing: .unconditional, help: "Maximum events, given: the power at --hr is computed instead (as rpact's getPowerSurvival). Example: --events 66")
  var events: Double?

  @Option(parsing: .unconditional, help: "Allocation ratio experimental : control (default 1). Example: --allocation 2")
  var allocation: Double = 1

  @Option(name: .customLong("information-fractions"), parsing: .unconditional, help: "Information fractions of the looks, increasing, ending at 1. Example: --information-fractions 0.5,1")
  var informationFractions: NumberList?

  @Option(parsing: .unconditional, help: "Number of equally spaced looks (default 1, a fixed design). Example: --looks 3")
  var looks: Int?

  @Option(help: "Efficacy boundary: lan-demets-obf (default), lan-demets-pocock, hsd, kim-demets, obf, pocock, haybittle-peto. Example: --spending hsd")
  var spending: SpendingName = .lanDemetsObf

  @Option(parsing: .unconditional, help: "Hwang-Shih-DeCani gamma (with --spending hsd). Example: --gamma -4")
  var gamma: Double?

  @Option(parsing: .unconditional, help: "Kim-DeMets power rho (with --spending kim-demets). Example: --rho 3")
  var rho: Double?

  @Option(name: .customLong("haybittle-peto-z"), parsing: .unconditional, help: "Interim z of the Haybittle-Peto boundary (default 3). Example: --haybittle-peto-z 3.29")
  var haybittlePetoZ: Double?

  @Option(name: .customLong("futility-spending"), help: "Futility by beta spending with this function: lan-demets-obf, lan-demets-pocock, hsd, kim-demets. Example: --futility-spending lan-demets-obf")
  var futilitySpending: FutilitySpendingName?

  @Option(name: .customLong("futility-gamma"), parsing: .unconditional, help: "Gamma of an hsd futility spending function. Example: --futility-gamma -2")
  var futilityGamma: Double?

  @Option(name: .customLong("futility-rho"), parsing: .unconditional, help: "Rho of a kim-demets futility spending function. Example: --futility-rho 2")
  var futilityRho: Double?

  @Option(name: .customLong("futility-bounds"), parsing: .unconditional, help: "Fixed futility z at each interim look. Example: --futility-bounds 0,0")
  var futilityBounds: NumberList?

  @Flag(name: .customLong("binding-futility"), help: "Make the futility boundary binding (it then lowers the efficacy boundary). Example: --binding-futility")
  var bindingFutility = false

  @Option(help: "Events formula: schoenfeld (default), freedman, hsieh-freedman. Example: --method freedman")
  var method: EventsMethod = .schoenfeld

  @Option(name: .customLong("max-events"), parsing: .unconditional, help: "Planned maximum events when fixed by the protocol (default: computed). Example: --max-events 121")
  var maxEvents: Int?

  @Option(name: .customLong("control-median"), parsing: .unconditional, help: "Control-arm median survival (months), for patients and analysis times. Example: --control-median 6")
  var controlMedian: Double?

  @Option(name: .customLong("accrual-time"), parsing: .unconditional, help: "Accrual duration (months, uniform accrual). Example: --accrual-time 42")
  var accrualTime: Double?

  @Option(name: .customLong("accrual-rate"), parsing: .unconditional, help: "Patients accrued per month; with --follow-up gives the accrual time, with --accrual-time the patients. Example: --accrual-rate 3.5")
  var accrualRate: Double?

  @Option(name: .customLong("follow-up"), parsing: .unconditional, help: "Follow-up after the end of accrual (months); gives the patients needed. Example: --follow-up 12")
  var followUp: Double?

  @Option(parsing: .unconditional, help: "Planned patients; gives the follow-up needed. Example: --patients 142")
  var patients: Int?

  @Option(name: .customLong("dropout-rate"), parsing: .unconditional, help: "Probability of dropping out by --dropout-time in each arm (default 0). Example: --dropout-rate 0.05")
  var dropoutRate: Double = 0

  @Option(name: .customLong("dropout-time"), parsing: .unconditional, help: "Time to which --dropout-rate refers (months, default 12). Example: --dropout-time 12")
  var dropoutTime: Double = 12

  @Option(help: "Stratification factors of the primary analysis, recorded in the design file. Example: --strata stratum")
  var strata: NameList?

  @Option(help: "The experimental arm's value in the data's group column, recorded in the design file for monitor and report. Example: --experimental salvage+dexamethasone")
  var experimental: String?

  @OptionGroup var output: OutputOptions

  func validate() throws {
    if informationFractions != nil && looks != nil {
      throw ValidationError("give --information-fractions or --looks, not both")
    }
    if let k = looks, k < 1 || k > 20 { throw ValidationError("--looks must be between 1 and 20, not \(k)") }
    if let t = informationFractions?.values, t.count > 20 { throw ValidationError("at most 20 looks; --information-fractions has \(t.count)") }
    if events != nil && power != nil { throw ValidationError("give --power (the events follow) or --events (the power follows), not both") }
    if events != nil && maxEvents != nil { throw ValidationError("--events already fixes the maximum events; drop --max-events") }
    // The parameter each name needs comes from the library (gamma for hsd, rho for kim-demets).
    let parameter = SpendingFunction.parameterName(of: spending.rawValue)
    if gamma != nil && parameter != "gamma" { throw ValidationError("--gamma is for --spending hsd") }
    if rho != nil && parameter != "rho" { throw ValidationError("--rho is for --spending kim-demets") }
    if parameter == "gamma" && gamma == nil { throw ValidationError("--spending hsd needs --gamma") }
    if parameter == "rho" && rho == nil { throw ValidationError("--spending kim-demets needs --rho") }
    if haybittlePetoZ != nil && spending.rawValue != "haybittle-peto" { throw ValidationError("--haybittle-peto-z is for --spending haybittle-peto") }
    if futilitySpending != nil && futilityBounds != nil {
      throw ValidationError("give --futility-spending or --futility-bounds, not both")
    }
    let futilityParameter = futilitySpending.flatMap { SpendingFunction.parameterName(of: $0.rawValue) }
    if futilityParameter == "gamma" && futilityGamma == nil { throw ValidationError("--futility-spending hsd needs --futility-gamma") }
    if futilityParameter == "rho" && futilityRho == nil { throw ValidationError("--futility-spending kim-demets needs --futility-rho") }
    if bindingFutility && futilitySpending == nil && futilityBounds == nil {
      throw ValidationError("--binding-futility needs --futility-spending or --futility-bounds")
    }
    let accrualGiven = controlMedian != nil || accrualTime != nil || accrualRate != nil || followUp != nil
    if accrualGiven && (controlMedian == nil || (accrualTime == nil && accrualRate == nil)) {
      throw ValidationError("patients and analysis times need --control-median and --accrual-time or --accrual-rate")
    }
    let given = [accrualTime != nil, accrualRate != nil, followUp != nil, patients != nil].filter { $0 }.count
    if accrualGiven && given != 2 {
      throw ValidationError(
        "give two of --accrual-time, --accrual-rate, --follow-up and --patients (time + follow-up, time + patients, time + rate, or rate + follow-up); the rest follows")
    }
    if accrualRate != nil && patients != nil {
      throw ValidationError("--accrual-rate and --patients: give the accrual time or the follow-up instead of one of them")
    }
    if let p = patients, p < 1 || p > 1_000_000_000 { throw ValidationError("--patients must lie in 1...1000000000, not \(p)") }
    if let e = maxEvents, e < 1 || e > 1_000_000_000 { throw ValidationError("--max-events must lie in 1...1000000000, not \(e)") }
    if let e = events, !(e >= 1 && e <= 1e9) { throw ValidationError("--events must lie in [1, 1e9], not \(e.shortDescription)") }
    if !(allocation >= 0.001 && allocation <= 1000) {
      throw ValidationError("--allocation (experimental:control) must lie in [0.001, 1000], not \(allocation.shortDescription)")
    }
    if !(hr > 0 && hr.isFinite) { throw ValidationError("--hr must be a positive number, not \(hr.shortDescription)") }
    for (name, value) in [("--control-median", controlMedian), ("--accrual-time", accrualTime), ("--follow-up", followUp), ("--dropout-time", dropoutTime)] {
      if let v = value, !(v > 0 && v <= 1e6) { throw ValidationError("\(name) must lie in (0, 1e6] time units, not \(v.shortDescription)") }
    }
    if let r = accrualRate, !(r > 0 && r <= 1e9) { throw ValidationError("--accrual-rate must lie in (0, 1e9] patients per time unit, not \(r.shortDescription)") }
    if !(dropoutRate >= 0 && dropoutRate < 1) { throw ValidationError("--dropout-rate must lie in [0, 1), not \(dropoutRate.shortDescription)") }
  }

  func run() throws {
    try reportingFailures {
      let fractions: [Double]
      if let given = informationFractions?.values {
        fractions = given
      } else {
        let k = looks ?? 1
        fractions = (1...k).map { Double($0) / Double(k) }
      }
      let efficacy: EfficacyBoundary
      var futility: FutilityBoundary = .none
      do throws(BoundaryNameError) {
        efficacy = try EfficacyBoundary(name: spending.rawValue, parameter: gamma ?? rho ?? haybittlePetoZ)
        if let f = futilitySpending {
          let parameter = SpendingFunction.parameterName(of: f.rawValue) == "rho" ? futilityRho : futilityGamma
          futility = .betaSpending(try SpendingFunction(name: f.rawValue, parameter: parameter))
        }
      } catch {
        throw Failure(ExitStatus.usage, "design: \(error.description)")
      }
      if let bounds = futilityBounds?.values { futility = .fixed(bounds) }
      var design: GroupSequentialDesign
      do {
        let boundaries = try GroupSequentialBoundaries(
          fractions: fractions, alpha: alpha, sided: sided, beta: 1 - (power ?? 0.8), efficacy: efficacy, futility: futility,
          bindingFutility: bindingFutility)
        var accrual: GroupSequentialDesign.Accrual?
        if let m = controlMedian, accrualTime != nil || accrualRate != nil {
          accrual = .init(
            controlMedian: m, accrualTime: accrualTime, accrualRate: accrualRate, followUp: followUp, dropoutRate: dropoutRate,
            dropoutTime: dropoutTime)
        }
        design = try GroupSequentialDesign(
          boundaries: boundaries, hazardRatio: hr, allocation: allocation, method: method, accrual: accrual,
          patients: patients, maxEvents: maxEvents, strata: strata?.values ?? [], powerForEvents: events)
      } catch let e as GroupSequentialError {
        throw Failure(ExitStatus.usage, "design: \(e.description)")
      } catch let e as GroupSequentialDesign.PlanError {
        throw Failure(ExitStatus.usage, "design: \(e.description)")
      }
      design.experimentalArm = experimental
      let report = DesignReport(design: design, version: osstatsVersion, command: commandLine())
      try output.write(report)
      // The design file goes to --output; the table is still shown on the terminal.
      if output.output != nil, output.output != "-", output.resolvedFormat != .text {
        try writeStandardOutput(report.text())
      }
    }
  }
}

/// The command line as typed, for reproduction (arguments with spaces or quotes are quoted).
func commandLine() -> String {
  CommandLine.arguments.enumerated().map { i, a in
    let word = i == 0 ? "osstats" : a
    return word.contains(where: { " \"'$\\".contains($0) }) ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" : word
  }.joined(separator: " ")
}
