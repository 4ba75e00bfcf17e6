import ArgumentParser
import Foundation
import Survival
import SurvivalReport

/// The input file and its columns: the same options for every command.
struct InputOptions: ParsableArguments {
  @Argument(help: "CSV or TSV file, one row per subject; - reads standard input. Example: Datasets/aml.csv")
  var file: String

  @Option(help: "Time column (default: time; AVAL for ADaM ADTTE). Example: --time futime")
  var time: String?

  @Option(
    help: "Event column, 1 = event, 0 = censored, or true/false (default: status, else event). Example: --event fustat"
  )
  var event: String?

  @Option(help: "Group column; omit to pool all rows (ADaM: TRT01P, else TRTP, else ARM). Example: --group x")
  var group: String?

  @Flag(name: .customLong("no-group"), help: "Pool all rows even when an ADaM treatment column exists. Example: --no-group")
  var noGroup = false

  @Option(help: "ADaM ADTTE parameter to analyse, the PARAMCD value (default: OS). Example: --param PFS")
  var param: String?

  @Option(
    help: "Field delimiter: one character, or 'tab' (default: tab for .tsv and .tab files, else comma). Example: --delimiter ';'"
  )
  var delimiter: String?

  func validate() throws {
    if let d = delimiter, d != "tab", d != "\\t",
      d.utf8.count != 1 || d == "\"" || d == "\n" || d == "\r"
    {
      throw ValidationError("--delimiter must be one ASCII character other than a quote or line end, or 'tab'; not '\(d)'")
    }
    if noGroup && group != nil {
      throw ValidationError("--no-group and --group cannot be used together")
    }
  }

  /// The name used in messages and outputs.
  var displayName: String { file == "-" ? "<stdin>" : file }

  var delimiterByte: UInt8 {
    switch delimiter {
    case "tab", "\\t": return 9
    case let d?: return d.utf8.first ?? UInt8(ascii: ",")
    case nil:
      let lower = file.lowercased()
      return lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? 9 : UInt8(ascii: ",")
    }
  }

  /// Reads and parses the input, with optional stratification columns.
  /// - Throws: ``Failure`` with status 66 (cannot open) or 64/65 (bad columns or data).
  func load(strata: [String] = [], extra: [String] = [], extraOptions: [String: String] = [:]) throws
    -> (LoadedSurvivalData, InputSummary)
  {
    let bytes: [UInt8]
    if file == "-" {
      bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    } else {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
        throw Failure(ExitStatus.noInput, "\(file): cannot open: no such file")
      }
      guard !isDirectory.boolValue else {
        throw Failure(ExitStatus.noInput, "\(file): cannot open: is a directory")
      }
      do {
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
      } catch {
        throw Failure(ExitStatus.noInput, "\(file): cannot open: \(error.localizedDescription)")
      }
    }
    var spec = ColumnSpec(
      time: time, event: event, group: group, noGroup: noGroup, param: param, strata: strata)
    spec.extra = extra
    spec.extraOptions = extraOptions
    do {
      let loaded = try SurvivalDataLoader.load(bytes: bytes, delimiter: delimiterByte, spec: spec)
      return (loaded, InputSummary(file: displayName, sha256: SHA256.hex(bytes), loaded: loaded))
    } catch {
      throw Failure(error, file: displayName)
    }
  }
}
