import ArgumentParser
import Foundation
import SurvivalReport

/// Output formats.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
  case text, json, csv, markdown
}

/// Where and how to write: the same options for every command.
struct OutputOptions: ParsableArguments {
  init() {}

  /// Options for writing a side file (residuals).
  init(format: OutputFormat?, output: String?) {
    self.format = format
    self.output = output
  }

  @Option(
    help: "Output format: text, json, csv or markdown (default: from the --output extension, else text). Example: --format json"
  )
  var format: OutputFormat?

  @Option(help: "Write to this file instead of standard output (written atomically). Example: --output results.json")
  var output: String?

  /// The format asked for, or implied by the output file's extension.
  var resolvedFormat: OutputFormat {
    if let format { return format }
    guard let output else { return .text }
    switch URL(fileURLWithPath: output).pathExtension.lowercased() {
    case "json": return .json
    case "csv": return .csv
    case "md", "markdown": return .markdown
    default: return .text
    }
  }

  /// Warnings are in the text and JSON; they are said on standard error too when the output goes
  /// to a file or is machine-readable, so that they are never missed.
  var echoesWarnings: Bool { resolvedFormat != .text || output != nil }

  /// Renders `report` in the resolved format and writes it.
  func write(_ report: some RenderedReport) throws {
    switch resolvedFormat {
    case .text: try write(report.text())
    case .json: try write(report.json())
    case .csv: try write(report.csv())
    case .markdown: try write(report.markdown())
    }
  }

  /// Writes `text` to the output file (through a temporary file and a rename, so a failure never
  /// leaves half a file) or to standard output. A symbolic link is written through to its target;
  /// a FIFO or device is written directly.
  /// - Throws: ``Failure`` with status 73 when the file cannot be written.
  func write(_ text: String) throws {
    guard let output, output != "-" else {
      try writeStandardOutput(text)
      return
    }
    try Self.writeFiles([(output, text)])
  }

  /// Writes several files as one: each to a temporary file beside its target, then all renamed
  /// into place; if any cannot be written, none is (a Markdown report and its SVG plots).
  /// - Throws: ``Failure`` with status 73 naming the file that failed.
  static func writeFiles(_ files: [(path: String, contents: String)]) throws {
    var staged: [(temporary: String, target: String)] = []
    func discard() { for s in staged { unlink(s.temporary) } }
    for (path, contents) in files {
      let target = resolvedTarget(path)
      var info = stat()
      if stat(target, &info) == 0 {
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
          discard()
          throw Failure(ExitStatus.cannotCreate, "\(path): cannot write: is a directory")
        }
        if type != S_IFREG {
          // A FIFO, a terminal or a device: no rename; written directly.
          let fd = open(target, O_WRONLY | O_CLOEXEC)
          let failure = fd < 0 ? errno : writeAll(fd, Array(contents.utf8))
          if fd >= 0 { close(fd) }
          if let failure {
            discard()
            throw Failure(ExitStatus.cannotCreate, "\(path): cannot write: \(String(cString: strerror(failure)))")
          }
          continue
        }
      }
      let url = URL(fileURLWithPath: target)
      let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
      let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      var failure = fd < 0 ? errno : writeAll(fd, Array(contents.utf8))
      if fd >= 0 && failure == nil && fsync(fd) != 0 && errno != EINVAL { failure = errno }
      if fd >= 0 && close(fd) != 0 && failure == nil { failure = errno }
      if let failure {
        if fd >= 0 { unlink(temporary) }
        discard()
        throw Failure(ExitStatus.cannotCreate, "\(path): cannot write: \(String(cString: strerror(failure)))")
      }
      staged.append((temporary, target))
    }
    for s in staged where rename(s.temporary, s.target) != 0 {
      let reason = String(cString: strerror(errno))
      discard()
      throw Failure(ExitStatus.cannotCreate, "\(s.target): cannot write: \(reason)")
    }
  }

  /// The file a path names, following symbolic links (a dangling link: the file it points to).
  static func resolvedTarget(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let n = readlink(current, &buffer, buffer.count - 1)
      guard n > 0 else { return current }
      let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      current = link.hasPrefix("/") ? link : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(link).path
    }
    return current
  }
}

/// A comma-separated list of numbers (`6,12,24`).
struct NumberList: ExpressibleByArgument {
  let values: [Double]

  init?(argument: String) {
    var values: [Double] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      let trimmed = part.trimmingCharacters(in: .whitespaces)
      guard let v = Double(trimmed), v.isFinite else { return nil }
      values.append(v)
    }
    guard !values.isEmpty else { return nil }
    self.values = values
  }
}

/// A comma-separated list of column names (`celltype,prior`).
struct NameList: ExpressibleByArgument {
  let values: [String]

  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
    values = parts
  }
}

/// Output written as it is produced (per-trial simulation rows): to standard output, or to a
/// temporary file beside the target that ``commit()`` renames into place, so an interrupted or
/// failed run leaves no partial file. Buffered in 1 MB blocks; the first write failure is kept
/// and reported by ``commit()``.
final class StreamingOutput: @unchecked Sendable {
  private let fd: Int32
  private let path: String?
  private let temporary: String?
  private let target: String?
  private var buffer: [UInt8] = []
  private var failure: Int32?

  /// Opens `path` (nil or "-": standard output).
  /// - Throws: ``Failure`` with status 73 when the file cannot be created.
  init(path: String?) throws {
    guard let path, path != "-" else {
      fd = 1
      self.path = nil
      temporary = nil
      target = nil
      return
    }
    let target = OutputOptions.resolvedTarget(path)
    var info = stat()
    if stat(target, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
      throw Failure(ExitStatus.cannotCreate, "\(path): cannot write: is a directory")
    }
    let special = stat(target, &info) == 0 && info.st_mode & S_IFMT != S_IFREG
    let url = URL(fileURLWithPath: target)
    let temporary =
      special
      ? nil
      : url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
    let fd =
      temporary.map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) } ?? open(target, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw Failure(ExitStatus.cannotCreate, "\(path): cannot write: \(String(cString: strerror(errno)))")
    }
    self.fd = fd
    self.path = path
    self.temporary = temporary
    self.target = target
    buffer.reserveCapacity(1 << 20)
  }

  /// Appends text.
  func write(_ text: String) {
    guard failure == nil else { return }
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 20 { flush() }
  }

  private func flush() {
    guard failure == nil, !buffer.isEmpty else { return }
    failure = writeAll(fd, buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is buffered and puts the file in place.
  /// - Throws: ``Failure`` with status 73 for the first write failure.
  func commit() throws {
    flush()
    if let temporary, let target {
      if failure == nil, fsync(fd) != 0, errno != EINVAL { failure = errno }
      if close(fd) != 0, failure == nil { failure = errno }
      if failure == nil, rename(temporary, target) != 0 { failure = errno }
      if failure != nil { unlink(temporary) }
    } else if path != nil {
      close(fd)
    }
    if let failure {
      throw Failure(ExitStatus.cannotCreate, "\(path ?? "standard output"): cannot write: \(String(cString: strerror(failure)))")
    }
  }

  /// Drops the output: the temporary file is removed (standard output keeps what was written).
  func abandon() {
    if let temporary {
      close(fd)
      unlink(temporary)
    } else {
      flush()
      if path != nil { close(fd) }
    }
  }
}
