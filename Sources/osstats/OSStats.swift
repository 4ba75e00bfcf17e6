import ArgumentParser
import Foundation

/// The osstats version, reported by `--version` and recorded in every JSON output.
let osstatsVersion = "0.1.0"

@main
struct OSStats: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "osstats",
    abstract: "Overall-survival analysis: Kaplan-Meier, the log-rank family and Cox regression with R survival's numbers, group-sequential design and monitoring, OS reports, and trial simulation.",
    discussion: """
      Every analysis command reads a CSV or TSV file (or - for standard input) with one row per subject, \
      and writes text, JSON, CSV or Markdown.

      Exit status: 0 success; 64 usage error (a bad option, a column that does not exist); \
      65 bad data (a malformed file, an invalid time or event); 66 cannot open the input; \
      73 cannot write the output; 70 internal error; 130 a simulation stopped by Ctrl-C.

      Examples:
        osstats km Datasets/aml.csv --group x
        osstats logrank Datasets/aml.csv --group x
        osstats cox Datasets/aml.csv --covariates x
        osstats design --hr 0.6 --information-fractions 0.5,1 --output design.json
        osstats monitor Datasets/simulated_trial_73.csv --design design.json --group arm --terminated
        osstats report Datasets/simulated_trial_73.csv --group arm --strata stratum --output report.html
        osstats simulate --trials 10000 --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60 --seed 1
      """,
    version: osstatsVersion,
    subcommands: [KM.self, LogRank.self, Cox.self, Cif.self, Simulate.self, Design.self, Monitor.self, Report.self]
  )

  /// Parses and runs the command. A usage error is one line, `osstats: what is wrong (see osstats
  /// COMMAND --help)`, with status 64; help and version go to standard output as usual; a
  /// failure the command reported itself keeps its status.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
    } catch let code as ExitCode {
      Foundation.exit(code.rawValue)
    } catch {
      let status = exitCode(for: error)
      if status == .success { exit(withError: error) }
      let text = message(for: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }.joined(separator: "; ")
      let command = arguments.first.flatMap { name in configuration.subcommands.first { $0._commandName == name } }
      let help = command.map { "osstats \($0._commandName) --help" } ?? "osstats --help"
      writeStandardError("osstats: \(text) (see \(help))\n")
      Foundation.exit(status.rawValue)
    }
  }
}
