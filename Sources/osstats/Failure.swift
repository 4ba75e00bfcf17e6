import ArgumentParser
import Foundation
import Survival

/// sysexits(3) codes used by osstats.
enum ExitStatus {
  static let usage: Int32 = 64
  static let data: Int32 = 65
  static let noInput: Int32 = 66
  static let software: Int32 = 70
  static let cannotCreate: Int32 = 73
}

/// An error reported as one line on standard error, `osstats: WHERE: what is wrong`, with a
/// sysexits status.
struct Failure: Error {
  let status: Int32
  let message: String

  init(_ status: Int32, _ message: String) {
    self.status = status
    self.message = message
  }

  /// An input error located in `file`.
  init(_ error: InputError, file: String) {
    status = error.kind == .usage ? ExitStatus.usage : ExitStatus.data
    if error.record {
      message = error.line > 0 ? "\(file): record \(error.line): \(error.message)" : "\(file): \(error.message)"
    } else {
      message = "\(file):\(error.line):\(error.column): \(error.message)"
    }
  }
}

/// Runs `body`, turning a ``Failure`` into its line on standard error and its exit status.
func reportingFailures(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let failure as Failure {
    writeStandardError("osstats: " + failure.message + "\n")
    throw ExitCode(failure.status)
  }
}

/// Writes a warning line to standard error.
func warn(_ message: String) {
  writeStandardError("osstats: warning: " + message + "\n")
}

/// Writes to standard error with write(2). A failure (a full or closed stderr) is ignored: it
/// never changes the run's exit status and never traps.
func writeStandardError(_ text: String) {
  _ = writeAll(2, Array(text.utf8))
}

/// Writes `bytes` to file descriptor `fd`, retrying short writes and EINTR; the errno of a
/// failure, or nil.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
  var offset = 0
  while offset < bytes.count {
    let n = bytes.withUnsafeBytes { b in write(fd, b.baseAddress.map { $0 + offset }, b.count - offset) }
    if n < 0 {
      if errno == EINTR { continue }
      return errno
    }
    offset += n
  }
  return nil
}

/// Writes `text` to standard output.
/// - Throws: ``Failure`` with status 73 (`osstats: standard output: No space left on device`).
func writeStandardOutput(_ text: String) throws {
  if let code = writeAll(1, Array(text.utf8)) {
    throw Failure(ExitStatus.cannotCreate, "standard output: \(String(cString: strerror(code)))")
  }
}
