import Foundation
import Testing

/// I/O faults through the binary, as a shell user makes them: a full standard output or error, a
/// closed or directory standard input. Each ends with its documented status, never a signal.
@Suite struct IOFaultTests {
  /// Runs `osstats ARGS` under /bin/sh with `redirections` appended (e.g. `> /dev/full`).
  func shell(_ arguments: String, _ redirections: String) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "'\(binary.path)' \(arguments) \(redirections)"]
    process.currentDirectoryURL = repository
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit, "\(arguments) \(redirections): ended by a signal")
    return (process.terminationStatus, String(decoding: e, as: UTF8.self))
  }

  @Test func fullStandardOutputIs73() throws {
    let r = try shell("km Datasets/aml.csv --group x", "> /dev/full")
    #expect(r.status == 73)
    #expect(r.stderr == "osstats: standard output: No space left on device\n")
    #expect(try shell("design --hr 0.6 --information-fractions 0.5,1", "> /dev/full").status == 73)
  }

  @Test func fullOrClosedStandardErrorNeverChangesTheStatus() throws {
    #expect(try shell("km missing.csv", "2>/dev/full").status == 66)
    #expect(try shell("km missing.csv", "2>&-").status == 66)
    // A warning (tau beyond follow-up) sent to a full standard error: the run still succeeds.
    #expect(try shell("km Datasets/aml.csv --group x --tau 1000 --format json", "2>/dev/full").status == 0)
  }

  @Test func unreadableStandardInputIs66() throws {
    let dir = try shell("km -", "< /tmp")
    #expect(dir.status == 66 && dir.stderr == "osstats: <stdin>: cannot open: standard input is a directory\n")
    let closed = try shell("km -", "<&-")
    #expect(closed.status == 66 && closed.stderr == "osstats: <stdin>: cannot open: standard input is closed\n")
  }
}

@Suite struct ControlCharacterTests {
  @Test("A group name with a line break or an escape is printed escaped: no text table is broken", arguments: ["km", "logrank", "cox"])
  func namesAreEscaped(command: String) throws {
    let file = try temporaryFile(
      "nl.csv", "time,status,group\n1,1,\"a\nb\"\n2,0,\"a\nb\"\n3,1,\"c\u{1B}[31m\"\n4,1,\"c\u{1B}[31m\"\n5,0,\"a\nb\"\n6,1,\"c\u{1B}[31m\"\n")
    let args = command == "cox" ? [command, file, "--covariates", "group"] : [command, file, "--group", "group"]
    let r = try osstats(args)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains(command == "cox" ? "c\\u{1B}[31m" : "a\\nb"))
    #expect(!r.stdout.contains("\u{1B}"))
    #expect(!r.stdout.split(separator: "\n").contains { $0.hasPrefix("b") })
  }
}
