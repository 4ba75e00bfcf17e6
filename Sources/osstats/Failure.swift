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
    FileHandle.standardError.write(Data(("osstats: " + failure.message + "\n").utf8))
    throw ExitCode(failure.status)
  }
}

/// Writes a warning line to standard error.
func warn(_ message: String) {
  FileHandle.standardError.write(Data(("osstats: warning: " + message + "\n").utf8))
}
