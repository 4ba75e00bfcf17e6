import ArgumentParser
import Foundation
import FuzzDriver
@testable import OSStatsCommands
import Survival
import TrialDesign

/// The subcommand picked by an input's first byte (its low four bits); entry 7 puts no subcommand
/// name before the arguments, so the root command (`--help`, `--version`, `help km`, unknown
/// names) is fuzzed too. Entry 8 is `cif`; entries 9 to 15 repeat 1 to 7, so that a byte keeps the
/// subcommand it had when the list had eight entries (`'0'`...`'7'` as before, `'8'` for cif).
let subcommands: [String?] = [
  "km", "logrank", "cox", "design", "monitor", "simulate", "report", nil,
  "cif", "logrank", "cox", "design", "monitor", "simulate", "report", nil,
]

/// An input as a command line: the first byte picks the subcommand, the rest is split on NUL or
/// newline into arguments (empty arguments kept, as a shell passes `""`). A newline right after
/// the first byte is skipped, so that a seed can read `3\n--hr\n0.6`.
func argumentsOf(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
  guard let first = bytes.first else { return [] }
  var rest = bytes.dropFirst()
  if rest.first == UInt8(ascii: "\n") { rest = rest.dropFirst() }
  var arguments = rest.split(omittingEmptySubsequences: false) { $0 == 0 || $0 == UInt8(ascii: "\n") }
    .map { String(decoding: $0, as: UTF8.self) }
  if arguments.last == "" { arguments.removeLast() }
  if let name = subcommands[Int(first & 15)] { arguments.insert(name, at: 0) }
  return arguments
}

/// One command line through the root command's parsing and validation, as the binary does it
/// (OSStats.main), then through the pure option-to-model code of the parsed command, which
/// touches no file and, with the sizes bounded here, runs in microseconds. run() is never called:
/// it reads files or runs long computations. Errors are expected; a trap is a bug.
func fuzzOptions(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data, size > 0 else { return 0 }
  let arguments = argumentsOf(UnsafeBufferPointer(start: data, count: size))
  do {
    var command = try OSStats.parseAsRoot(arguments)
    try command.validate()
    try exercise(command)
  } catch {
    // What OSStats.main does with an error, without printing or exiting: the one-line message
    // (help, version and usage text rendered). OSStats.exitCode(for:) builds the same MessageInfo
    // as message(for:), so it is left out: it would double the cost of every input for no code.
    let text = OSStats.message(for: error).split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    let name = arguments.first.flatMap { name in OSStats.configuration.subcommands.first { $0._commandName == name } }
    _ = (text, name?._commandName)
  }
  return 0
}

/// The code each command runs on its options before it opens a file or computes for long.
func exercise(_ command: ParsableCommand) throws {
  switch command {
  case let km as KM:
    _ = km.options
    exercise(km.input)
    exercise(km.output)
  case let logRank as LogRank:
    _ = logRank.weightFunction
    exercise(logRank.input)
    exercise(logRank.output)
  case let cox as Cox:
    exercise(cox.input)
    exercise(cox.output)
    // As Cox.run before it loads the data.
    let request = CoxDesign.Request(
      covariates: cox.covariates.values,
      reference: Dictionary(Cox.pairs(cox.reference), uniquingKeysWith: { $1 }),
      start: cox.start, weights: cox.weights, cluster: cox.cluster)
    _ = request.columns
    if let predict = cox.predict {
      // Every covariate numeric, or a factor with the reference levels named on the line.
      var levels: CoxDesign.Levels = [:]
      for (column, level) in Cox.pairs(cox.reference) { levels[column] = [level, level + "1"] }
      let terms = request.covariates.enumerated().map { CoxTerm(name: $1, columns: $0..<($0 + 1)) }
      _ = try? CoxDesign.profile(Dictionary(Cox.pairs(predict), uniquingKeysWith: { $1 }), terms: terms, levels: levels)
    }
  case let design as Design:
    exercise(design.output)
    _ = design.strata?.values
  case let monitor as Monitor:
    exercise(monitor.input)
    exercise(monitor.output)
    if let cutoff = monitor.cutoff {
      _ = Double(cutoff)
      _ = CalendarDate.days(cutoff)
    }
    _ = monitor.timeUnit?.days
    if let twoArms { _ = try? Monitor.experimentalArm(monitor.arm.experimental, data: twoArms, where: "fuzz") }
    _ = monitor.previousLooks.looks.count
  case let simulate as Simulate:
    exercise(simulate.output)
    try exercise(simulate)
  case let cif as Cif:
    _ = cif.options
    exercise(cif.input)
    exercise(cif.output)
  case let report as Report:
    exercise(report.input)
    _ = report.resolvedFormat
    if let twoArms { _ = try? Monitor.experimentalArm(report.arm.experimental, data: twoArms, where: "fuzz") }
  default:
    break
  }
}

/// Two arms, a and b, for the choice of the experimental arm.
let twoArms: SurvivalData? = try? SurvivalData(time: [1, 2], event: [true, true], group: [0, 1], groupLabels: ["a", "b"])

func exercise(_ input: InputOptions) {
  _ = input.displayName
  _ = input.delimiterByte
  _ = input.tableFormat
  _ = input.filters.compactMap(RowFilter.init(parsing:))
}

func exercise(_ output: OutputOptions) {
  _ = output.resolvedFormat
  _ = output.echoesWarnings
}

/// As Simulate.execute and executePlan before they simulate: the allocation ratio and the trial
/// design of every scenario of the grid (strata parsed), and for at most 64 patients one
/// simulated trial.
func exercise(_ simulate: Simulate) throws {
  let ratio = try simulate.commandLineRatio() ?? [1, 1]
  let patientGrid = (simulate.n?.values ?? [64]).compactMap { Int(exactly: $0) }
  let hazardRatios = simulate.hr?.values ?? [0.7]
  let delays = simulate.delay?.values ?? [0]
  let cutoff: TrialSimulationDesign.AnalysisCutoff =
    simulate.events?.values.first.flatMap { Int(exactly: $0) }.map { .events($0) }
    ?? .calendar(simulate.cutoff ?? .infinity)
  for patients in patientGrid.prefix(4) {
    for h in hazardRatios.prefix(4) {
      for d in delays.prefix(4) {
        let design = try simulate.trialDesign(
          .init(patients: patients, hazardRatio: h, delay: d), medianControl: simulate.medianControl ?? 6,
          accrual: simulate.accrual ?? 12, dropout: simulate.dropout?.values ?? [0], ratio: ratio, cutoff: cutoff)
        if patients <= 64 {
          _ = simulateTrial(design: design, seed: simulate.seed, index: 0).csv()
        }
      }
    }
  }
}

var arguments = CommandLine.arguments.map { strdup($0) } + [nil]
var count = Int32(CommandLine.arguments.count)
let status = arguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
  var argv = buffer.baseAddress
  return LLVMFuzzerRunDriver(&count, &argv) { data, size in fuzzOptions(data, size) }
}
exit(status)
