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
}
