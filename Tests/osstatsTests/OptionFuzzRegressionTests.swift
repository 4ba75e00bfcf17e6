import Foundation
import Testing

/// Command lines found by the option fuzzer (Tests/Fuzz, target fuzz-options) that trapped:
/// each must now end with an exit status, never a signal, and a usage error gets status 64 with
/// its one-line message.
@Suite struct OptionFuzzRegressionTests {
  /// Runs the built binary as a user would; the termination reason tells an exit from a signal.
  private func run(_ arguments: [String]) throws -> (reason: Process.TerminationReason, status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = repository
    let err = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationReason, process.terminationStatus, String(decoding: e, as: UTF8.self))
  }

  @Test(
    "cox --reference or --predict with an empty column name is a usage error, not an index out of range",
    arguments: [
      // Cox.pairs split "=" into no pieces and read the first (crash found by fuzz-options).
      ["cox", "Datasets/aml.csv", "--covariates", "x", "--reference", "="],
      ["cox", "no-such-file.csv", "--covariates", "x", "--reference", "="],
      ["cox", "Datasets/aml.csv", "--covariates", "x", "--predict", "="],
      ["cox", "Datasets/aml.csv", "--covariates", "x", "--reference", "=Maintained"],
    ])
  func emptyPairNames(arguments: [String]) throws {
    let r = try run(arguments)
    #expect(r.reason == .exit, "\(arguments): killed by signal \(r.status)")
    #expect(r.status == 64, "\(arguments): \(r.status) \(r.stderr)")
    #expect(r.stderr.hasPrefix("osstats: ") && r.stderr.contains("takes column="), "\(r.stderr)")
    #expect(!r.stderr.contains("Fatal error"), "\(r.stderr)")
  }

  @Test(
    "Design files with looks 0.01 apart (fuzz-design timeouts) are read in well under the fuzzer's 10 s",
    arguments: ["design-close-looks-1.json", "design-close-looks-2.json"])
  func closeLooksInDesignFiles(file: String) throws {
    let path = "Tests/Fuzz/regressions/\(file)"
    let started = Date()
    let r = try run(["monitor", "Datasets/simulated_trial_73.csv", "--group", "arm", "--design", path])
    let seconds = Date().timeIntervalSince(started)
    #expect(r.reason == .exit, "killed by signal \(r.status)")
    #expect(r.status == 0, "\(r.stderr)")
    // A debug build on a loaded machine: the release build takes about a tenth of this.
    #expect(seconds < 5, "\(seconds) s")
  }
}
