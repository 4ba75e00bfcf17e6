import ArgumentParser
import TrialDesign

// Options that several subcommands take, declared once so that their names, help and parsing
// cannot drift apart.

/// `--experimental`: the experimental arm of a two-arm comparison (monitor, report).
struct ExperimentalArmOption: ParsableArguments {
  @Option(help: "The experimental arm's value in the group column (default: the second in sorted order). Example: --experimental salvage+dexamethasone")
  var experimental: String?
}

/// `--previous-looks`: the earlier looks of a monitored trial (monitor, report).
struct PreviousLooksOption: ParsableArguments {
  @Option(name: .customLong("previous-looks"), help: "Earlier looks as EVENTS:Z (z in the favourable direction), in order. Example: --previous-looks 61:1.1")
  var previousLooks: LookList?

  /// The looks given, none by default.
  var looks: [ObservedLook] { previousLooks?.looks ?? [] }
}

/// `--no-timefix`: R's merging of times equal up to round-off, on by default (km, logrank, cox).
struct TimeFixOption: ParsableArguments {
  @Flag(
    name: .customLong("no-timefix"),
    help: "Keep times that differ only by round-off apart (R survival merges them by default). Example: --no-timefix")
  var noTimefix = false

  /// Whether to merge times as R does.
  var timeFix: Bool { !noTimefix }
}
