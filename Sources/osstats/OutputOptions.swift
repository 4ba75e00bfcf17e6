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

  @Option(help: "Write to this file instead of standard output (written atomically). Example: --output km.json")
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
  /// leaves half a file) or to standard output.
  /// - Throws: ``Failure`` with status 73 when the file cannot be written.
  func write(_ text: String) throws {
    let data = Data(text.utf8)
    guard let output, output != "-" else {
      try writeStandardOutput(text)
      return
    }
    let url = URL(fileURLWithPath: output)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
      try data.write(to: temporary)
      // rename(2) replaces an existing file atomically.
      guard rename(temporary.path, url.path) == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw Failure(ExitStatus.cannotCreate, "\(output): cannot write: \(error.localizedDescription)")
    }
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
