import ArgumentParser
import Foundation
import Survival
import SurvivalReport

/// The group column, for the commands that compare groups (not `cox`, whose covariates say
/// everything about the subjects).
struct GroupOptions: ParsableArguments {
  @Option(help: "Group column; omit to pool all rows (ADaM: TRT01P, else TRTP, else ARM). Example: --group x")
  var group: String?

  @Flag(name: .customLong("no-group"), help: "Pool all rows even when an ADaM treatment column exists. Example: --no-group")
  var noGroup = false

  func validate() throws {
    if noGroup && group != nil {
      throw ValidationError("--no-group and --group cannot be used together")
    }
  }

}

/// The input file and its columns: the same options for every command.
struct InputOptions: ParsableArguments {
  @Argument(
    help: "Data file, one row per subject: CSV, TSV, SAS transport (.xpt) or SAS7BDAT; - reads standard input. Example: Datasets/aml.csv"
  )
  var file: String

  @Option(help: "Time column (default: time; AVAL for ADaM ADTTE). Example: --time futime")
  var time: String?

  @Option(
    help: "Event column, 1 = event, 0 = censored, or true/false (default: status, else event). Example: --event fustat"
  )
  var event: String?

  @Option(
    name: .customLong("event-value"),
    help: "The value of the event column that is the event, every other value censored (for a status with several causes, 0/1/2). Example: --event-value 2"
  )
  var eventValue: String?

  @Option(help: "ADaM ADTTE parameter to analyse, the PARAMCD value (default: OS). Example: --param PFS")
  var param: String?

  @Option(
    help: "Field delimiter: one character, or 'tab' (default: tab for .tsv and .tab files, else comma). Example: --delimiter ';'"
  )
  var delimiter: String?

  @Option(
    name: .customLong("format-in"),
    help: "Input format: csv, tsv, xpt (SAS transport) or sas7bdat (default: from the extension; csv for standard input). Example: --format-in xpt"
  )
  var formatIn: InputFormat?

  @Option(help: "SAS transport member (data set) to read when the file holds several. Example: --member ADTTE")
  var member: String?

  @Option(
    name: .customLong("where"),
    help: "Keep rows where a column equals (COL=VALUE) or differs from (COL!=VALUE) a value; repeat to combine. Example: --where SAFFL=Y"
  )
  var filters: [String] = []

  @Option(
    help: "Read these covariate columns as factors (text levels) even where the values are numbers. Example: --factor ph.ecog"
  )
  var factor: String?

  func validate() throws {
    if let d = delimiter, d != "tab", d != "\\t",
      d.utf8.count != 1 || d == "\"" || d == "\n" || d == "\r"
    {
      throw ValidationError("--delimiter must be one ASCII character other than a quote or line end, or 'tab'; not '\(d)'")
    }
    for f in filters where RowFilter(parsing: f) == nil {
      throw ValidationError("--where takes COLUMN=VALUE or COLUMN!=VALUE, not '\(f)'")
    }
  }

  /// The name used in messages and outputs.
  var displayName: String { file == "-" ? "<stdin>" : file }

  var delimiterByte: UInt8 {
    switch delimiter {
    case "tab", "\\t": return 9
    case let d?: return d.utf8.first ?? UInt8(ascii: ",")
    case nil: return tableFormat == .tsv ? 9 : UInt8(ascii: ",")
    }
  }

  /// The format to read: `--format-in`, else the extension, else CSV.
  var tableFormat: DataTable.Format {
    if let formatIn { return formatIn.table }
    return file == "-" ? .csv : DataTable.Format.from(fileName: file) ?? .csv
  }

  /// Reads and parses the input once, with every column a command needs.
  /// - Parameters:
  ///   - groups: the group column (nil: every row in one pool).
  ///   - entry: the entry-time column of (start, stop] data.
  ///   - strata: stratification columns.
  ///   - extra: further required columns (a row missing one is excluded), named in messages by the
  ///     option of `extraOptions`.
  ///   - optional: columns read along when present (subgroups, `simulated`): missing values
  ///     exclude nothing.
  /// - Throws: ``Failure`` with status 66 (cannot open) or 64/65 (bad columns or data).
  func load(
    groups: GroupOptions?, entry: String? = nil, strata: [String] = [], extra: [String] = [], optional: [String] = [],
    extraOptions: [String: String] = [:], extraExplanations: [String: String] = [:], censorValue: String? = nil
  ) throws -> (LoadedSurvivalData, InputSummary) {
    let source: ByteSource
    do {
      source = file == "-" ? try ByteSource.standardInput() : try ByteSource(path: file)
    } catch {
      throw Failure(ExitStatus.noInput, "\(displayName): cannot open: \(error.reason)")
    }
    var spec = ColumnSpec(
      time: time, event: event, group: groups?.group, noGroup: groups?.noGroup ?? true, param: param, strata: strata)
    spec.extra = extra
    spec.entry = entry
    spec.optional = optional
    spec.filters = filters.compactMap(RowFilter.init(parsing:))
    spec.eventValue = eventValue
    spec.censorValue = censorValue
    spec.textColumns = Set(factor.map { $0.split(separator: ",").map { String(String($0).trimmingCharacters(in: .whitespaces)) } } ?? [])
    // Hashed first: the parse then finds the file's pages in memory, and the loader lets them go.
    let sha256 = source.sha256
    do {
      let loaded = try SurvivalDataLoader.load(
        source, format: tableFormat, delimiter: delimiterByte, member: member, spec: spec)
      return (loaded, InputSummary(file: displayName, sha256: sha256, loaded: loaded))
    } catch var error {
      if let column = error.mixedColumn {
        error.message += " (--factor \(column) reads it as a factor)"
      }
      switch error.subject {
      case .column(let role, let name)?:
        let flag: String
        switch role {
        case .time: flag = "--time"
        case .event: flag = "--event"
        case .group: flag = "--group"
        case .strata: flag = "--strata"
        case .filter: flag = "--where"
        case .param: flag = "--param"
        case .extra: flag = extraOptions[name] ?? "--covariates"
        }
        if role == .extra, let explanation = extraExplanations[name] {
          // Not a column, and not a term either: say why it is not a term.
          error.message = explanation
        } else {
          error.message = role == .param ? "--param: " + error.message : error.message + "; name it with \(flag)"
        }
      case .parameter?: error.message += "; choose one with --param"
      case .delimiter?: error.message += " (set it with --delimiter)"
      case .eventCoding(let values)?:
        let example = values.last ?? "2"
        error.message += "; name the event value with --event-value (--event-value \(example): \(example) is the event, every other value censored), or estimate each cause's cumulative incidence with osstats cif"
      case .reference?, nil: break
      }
      throw Failure(error, file: displayName)
    }
  }
}

/// Input formats for `--format-in`.
enum InputFormat: String, CaseIterable, ExpressibleByArgument {
  case csv, tsv, xpt, sas7bdat

  var table: DataTable.Format {
    switch self {
    case .csv: return .csv
    case .tsv: return .tsv
    case .xpt: return .xpt
    case .sas7bdat: return .sas7bdat
    }
  }
}
