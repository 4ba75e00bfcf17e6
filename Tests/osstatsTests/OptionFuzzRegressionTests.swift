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

  /// An input of the option fuzzer as the command line it stands for (Tests/Fuzz/Sources/
  /// fuzz-options: the first byte picks the subcommand, the rest splits on NUL or newline).
  private func commandLine(ofFuzzInput path: String) throws -> [String] {
    let bytes = [UInt8](try Data(contentsOf: repository.appendingPathComponent(path)))
    guard let first = bytes.first else { return [] }
    var rest = bytes.dropFirst()
    if rest.first == UInt8(ascii: "\n") { rest = rest.dropFirst() }
    var arguments = rest.split(omittingEmptySubsequences: false) { $0 == 0 || $0 == UInt8(ascii: "\n") }
      .map { String(decoding: $0, as: UTF8.self) }
    if arguments.last == "" { arguments.removeLast() }
    let subcommands: [String?] = ["km", "logrank", "cox", "design", "monitor", "simulate", "report", nil]
    if let name = subcommands[Int(first & 7)] { arguments.insert(name, at: 0) }
    return arguments
  }

  @Test("Covariates crossing many variables with * (a fuzz-options timeout: 2^k terms) are refused at once")
  func manyCrossedTerms() throws {
    let started = Date()
    let fuzzed = try run(try commandLine(ofFuzzInput: "Tests/Fuzz/regressions/cox-many-crossed-terms.txt"))
    #expect(fuzzed.reason == .exit, "killed by signal \(fuzzed.status)")
    #expect(fuzzed.status == 64 || fuzzed.status == 66, "\(fuzzed.status) \(fuzzed.stderr)")
    let typed = try run(["cox", "Datasets/veteran.csv", "--covariates", "trt*celltype*karno*age*prior*diagtime*trt"])
    #expect(typed.reason == .exit && typed.status == 64, "\(typed.status) \(typed.stderr)")
    #expect(typed.stderr.contains("a term crosses at most 6 variables"), "\(typed.stderr)")
    #expect(Date().timeIntervalSince(started) < 5)
  }
}
