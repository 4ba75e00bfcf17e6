/// Which columns of a table hold the time, the event and the group. `nil` means "use the default":
/// `time`; `status`, else `event`; no group. A CDISC ADaM ADTTE data set (columns `AVAL` and
/// `CNSR`) is recognised when neither time nor event is given.
public struct ColumnSpec: Sendable, Equatable {
  /// The time column (`--time`).
  public var time: String?
  /// The event column (`--event`).
  public var event: String?
  /// The group column (`--group`).
  public var group: String?
  /// Pool all rows even where an ADaM treatment column exists.
  public var noGroup: Bool
  /// The ADaM parameter to analyse (`PARAMCD`; default `OS`).
  public var param: String?
  /// Stratification columns (`--strata`); the strata are their combinations.
  public var strata: [String]
  /// Further columns to read (covariates, entry times, weights, clusters, subgroups): a row missing
  /// any of them is excluded like a row missing its time. Read as numbers when every present value
  /// is one, else as text (see ``ColumnKind/auto``); ``textColumns`` are always text.
  public var extra: [String] = []
  /// Extra columns that are read as text even where the values look like numbers (factors).
  public var textColumns: Set<String> = []
  /// Columns read along, whose missing values exclude nothing (subgroups, the `simulated` flag).
  public var optional: [String] = []
  /// Row filters (`SAFFL = Y`), applied after the ADaM parameter filter.
  public var filters: [RowFilter] = []
  /// The value of the event column that is the event, every other value censored (a status with
  /// several causes, 0/1/2); nil for the usual codings (1/0, true/false, R's 2/1).
  public var eventValue: String?
  /// Competing risks: the value of the event column that is a censored follow-up, every other
  /// value a cause (R's `factor(status)` with this level first); the data's event is then an end
  /// by any cause, and ``LoadedSurvivalData/competingRisks()`` gives the causes. nil for one
  /// event.
  public var censorValue: String?
  /// The entry-time column of (start, stop] data, read like an extra column and named in the
  /// mapping (``LoadedSurvivalData/entryTimes(_:)`` reads it).
  public var entry: String? {
    didSet { if let e = entry, !extra.contains(e) { extra.append(e) } }
  }

  /// A specification; every argument is optional.
  public init(
    time: String? = nil, event: String? = nil, group: String? = nil, noGroup: Bool = false,
    param: String? = nil, strata: [String] = []
  ) {
    self.time = time
    self.event = event
    self.group = group
    self.noGroup = noGroup
    self.param = param
    self.strata = strata
  }
}

/// How the columns were mapped to time, event and group: reported in every output so that a reader
/// knows what was analysed.
public struct ColumnMapping: Sendable, Equatable {
  /// `columns` for ordinary named columns, `adam-adtte` for CDISC ADaM ADTTE.
  public var kind: String
  /// The time column.
  public var time: String
  /// The event column (for ADaM, `CNSR`, with event = 1 − CNSR).
  public var event: String
  /// The group column, if any.
  public var group: String?
  /// The ADaM parameter analysed (`PARAMCD` value), if the data have `PARAMCD`.
  public var param: String?
  /// Stratification columns.
  public var strata: [String] = []
  /// Variable labels of the mapped columns, from the file (SAS).
  public var labels: [String: String] = [:]
  /// The time unit, from the ADaM `AVALU` column.
  public var timeUnit: String?
  /// How the event column codes events, as found in the data.
  public var eventCoding: EventCoding = .zeroOne
  /// The entry-time column of (start, stop] data, if any.
  public var entry: String?

  func named(_ column: String) -> String {
    labels[column].map { "\(column) (\($0))" } ?? column
  }

  /// One sentence saying what was used.
  public var description: String {
    var s: String
    let unit = timeUnit.map { " in \($0)" } ?? ""
    if kind == "adam-adtte" {
      s = "CDISC ADaM ADTTE: time = \(named(time))\(unit), event = 1 - \(named(event)) (\(event) = 0 is an event)"
      if let p = param { s += ", PARAMCD = \(p)" }
    } else {
      s = "time = \(entry.map { "(\(named($0)), \(named(time))]" } ?? named(time))\(unit), event = \(named(event)) (\(eventCoding.description))"
    }
    s += ", group = " + (group.map(named) ?? "none")
    if !strata.isEmpty { s += ", strata = " + strata.joined(separator: " x ") }
    return s
  }
}

/// How an event column codes events.
public enum EventCoding: Sendable, Equatable, CustomStringConvertible {
  /// 1 = event, 0 = censored (or true/false).
  case zeroOne
  /// R's `Surv` coding when every value is 1 or 2: 2 = event, 1 = censored.
  case oneTwo
  /// This value is the event; every other value is censored.
  case value(String)
  /// ADaM ADTTE: event = 1 − CNSR.
  case adam
  /// Competing risks: this value is censored, every other value a cause.
  case causes(censored: String)

  public var description: String {
    switch self {
    case .zeroOne: "1 = event, 0 = censored"
    case .oneTwo: "2 = event, 1 = censored, as R's Surv"
    case .value(let v): "\(v) = event, every other value censored"
    case .adam: "event = 1 - CNSR"
    case .causes(let c): "\(c) = censored, every other value a cause"
    }
  }
}

/// A row filter: keep the rows whose `column` equals (or, negated, differs from) `value`. Numbers
/// compare as numbers (`1` equals `1.0`), text as trimmed text.
public struct RowFilter: Sendable, Equatable, CustomStringConvertible {
  /// The column.
  public var column: String
  /// The value compared with.
  public var value: String
  /// True for `!=`.
  public var negated: Bool

  /// A filter.
  public init(column: String, value: String, negated: Bool = false) {
    self.column = column
    self.value = value
    self.negated = negated
  }

  /// Parses `COL=VALUE` or `COL!=VALUE` (nil when neither).
  public init?(parsing text: String) {
    if let r = text.range(of: "!=") {
      self.init(column: String(String(text[..<r.lowerBound]).trimmingSpaces), value: String(String(text[r.upperBound...]).trimmingSpaces), negated: true)
    } else if let r = text.range(of: "=") {
      self.init(column: String(String(text[..<r.lowerBound]).trimmingSpaces), value: String(String(text[r.upperBound...]).trimmingSpaces))
    } else {
      return nil
    }
    if column.isEmpty { return nil }
  }

  /// `SAFFL = Y` or `SAFFL != Y`.
  public var description: String { "\(column) \(negated ? "!=" : "=") \(value)" }
}

/// A row left out of the analysis because a value it needs is missing (empty, `NA` or `.`).
public struct Exclusion: Sendable, Equatable {
  /// Physical line in the input.
  public var line: Int
  /// The column whose value is missing.
  public var column: String
  /// Why, in words: "missing time", "missing event", "missing group", "missing stratum".
  public var reason: String
}

/// Survival data read from a table, with a record of what was read and left out.
public struct LoadedSurvivalData: Sendable {
  /// The analysable rows.
  public var data: SurvivalData
  /// How columns were mapped.
  public var mapping: ColumnMapping
  /// Data rows read (the header not counted).
  public var rowsRead: Int
  /// Rows of other ADaM parameters, skipped by the `PARAMCD` filter.
  public var rowsOtherParameter: Int
  /// Rows excluded for missing values, each with its line and reason.
  public var exclusions: [Exclusion]
  /// Groups that occur only in excluded rows, and so have no subjects left.
  public var emptiedGroups: [String] = []
  /// The table read (every requested column, every row).
  public var table: DataTable
  /// The table row of each analysed row.
  public var rows: [Int]
  /// Rows removed by each filter, in the order given.
  public var filtered: [(filter: RowFilter, rows: Int)] = []
  /// The time unit from the ADaM `AVALU` column, when it holds one value.
  public var timeUnit: String?

  /// Frees the table's columns but `keep` (the covariates once a model's design matrix holds
  /// them): rows, lines and locations stay.
  public mutating func releaseColumns(keeping keep: Set<String> = []) {
    let t = table
    table = DataTable(
      format: t.format, names: t.names, labels: t.labels, columns: t.columns.filter { keep.contains($0.key) },
      rowCount: t.rowCount, rowLines: t.rowLines, member: t.member, cellColumn: t.cellColumn)
  }

  /// The physical line (text files) or record number (SAS files) of each analysed row.
  public var lines: [Int] { rows.map { Int(table.rowLines[$0]) } }

  /// The values of column `name` for the analysed rows, as numbers (nil when it is not numeric
  /// or was not read).
  public func numbers(_ name: String) -> [Double]? {
    guard let v = table.columns[name]?.numbers else { return nil }
    // Every row analysed (the usual case): the column itself, shared, not copied.
    if rows.count == v.count { return v }
    return rows.map { v[$0] }
  }

  /// The values of column `name` for the analysed rows, as text (`nil` where missing).
  public func texts(_ name: String) -> [String?]? {
    guard let c = table.columns[name] else { return nil }
    return rows.map { c.text($0) }
  }

  /// The column as read, for the analysed rows: codes and levels of a text column.
  public func codes(_ name: String) -> (codes: [Int32], levels: [String])? {
    guard case .text(let codes, let levels)? = table.columns[name]?.storage else { return nil }
    return (rows.map { codes[$0] }, levels)
  }

  /// Where analysed row `i`'s value of `column` is in the file (line or record, and column).
  public func location(_ i: Int, _ column: String) -> (line: Int, column: Int) {
    table.location(row: i < rows.count ? rows[i] : -1, column: column)
  }
}

/// Bad input: a location and a one-line message. `line` and `column` count from 1.
public struct InputError: Error, Equatable, Sendable {
  /// The class of error, which sets the exit status (sysexits: usage 64, data 65).
  public enum Kind: Sendable, Equatable {
    /// The options do not fit the data (a column that does not exist): EX_USAGE, 64.
    case usage
    /// The data are malformed or invalid: EX_DATAERR, 65.
    case data
  }
  /// Usage or data.
  public var kind: Kind
  /// Physical line.
  public var line: Int
  /// Character column.
  public var column: Int
  /// What is wrong, naming the column and value.
  public var message: String

  /// True when `line` is a record number and `column` a variable position (SAS files).
  public var record = false
  /// The column, when the error is a column that mixes numbers and text.
  public var mixedColumn: String?
  /// What the problem concerns, so that a front end can say which of its settings to change (a
  /// command line names its option): the role of a missing column, the parameter, a reference.
  public var subject: Subject?

  /// What an input error concerns.
  public enum Subject: Sendable, Equatable {
    /// A column named for this role does not exist.
    case column(ColumnRole, name: String)
    /// No row has the ADaM parameter asked for.
    case parameter
    /// A reference level of a text covariate.
    case reference
    /// The header is one field that looks delimited by another character.
    case delimiter
    /// The event column has other values than one event and one censoring code (these).
    case eventCoding(values: [String])
  }

  /// The roles a column plays.
  public enum ColumnRole: String, Sendable, Equatable {
    case time, event, group, strata, extra, filter, param
  }

  /// An error at a place.
  public init(
    _ kind: Kind, line: Int, column: Int, _ message: String, record: Bool = false, mixedColumn: String? = nil,
    subject: Subject? = nil
  ) {
    self.subject = subject
    self.record = record
    self.mixedColumn = mixedColumn
    self.kind = kind
    self.line = line
    self.column = column
    self.message = message
  }
}

/// Reads survival data from delimited text (RFC 4180) or SAS files by column name.
///
/// Conventions: event codes 1/0 and true/false (any case); an empty cell, `NA` or `.` is missing,
/// and a row missing its time, event or group is excluded and listed in
/// ``LoadedSurvivalData/exclusions`` (never dropped silently). Times must be finite and not
/// negative. ADaM ADTTE (`AVAL`, `CNSR` present and neither `time` nor `event` named): time = AVAL,
/// event when CNSR = 0 (positive CNSR values are censoring reasons), rows with `PARAMCD` equal to
/// the parameter (default `OS`) when that column exists, group `TRT01P`, else `TRTP`, else `ARM`.
public enum SurvivalDataLoader {
  /// Reads `bytes` (delimited text) with the given delimiter.
  /// - Throws: ``InputError`` with the line and column of the first problem.
  public static func load(
    bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), spec: ColumnSpec = ColumnSpec()
  ) throws(InputError) -> LoadedSurvivalData {
    let source = ByteSource(bytes: bytes)
    return try load(source, format: delimiter == 9 ? .tsv : .csv, delimiter: delimiter, spec: spec)
  }

  /// Reads `source` in `format` (delimited text with `delimiter`, or a SAS file, member `member`).
  /// - Throws: ``InputError`` with the line (record) and column of the first problem.
  public static func load(
    _ source: ByteSource, format: DataTable.Format, delimiter: UInt8 = UInt8(ascii: ","), member: String? = nil,
    spec: ColumnSpec
  ) throws(InputError) -> LoadedSurvivalData {
    let table: DataTable
    let mapping: ColumnMapping
    if format.isSAS {
      do {
        table = try source.withBytes { b throws(TableError) in
          try SASReader.read(bytes: b, format: format, columns: nil, member: member)
        }
      } catch {
        throw InputError(.data, line: error.line, column: error.column, error.message, record: true)
      }
      do {
        mapping = try resolve(names: table.names, headerColumns: table.names.indices.map { $0 + 1 }, spec: spec)
      } catch var error {
        // A SAS file has no header line: the message names the file alone.
        error.record = true
        error.line = 0
        throw error
      }
    } else {
      let header: (names: [String], columns: [Int], line: Int)
      do {
        header = try source.withBytes { b throws(TableError) in try DelimitedTableReader.header(bytes: b, delimiter: delimiter) }
      } catch {
        throw InputError(.data, line: error.line, column: error.column, error.message)
      }
      mapping = try resolve(names: header.names, headerColumns: header.columns, spec: spec, headerLine: header.line)
      let requests = self.requests(mapping, spec: spec, names: header.names)
      do {
        table = try source.withBytes { b throws(TableError) in
          try DelimitedTableReader.read(
            bytes: b, owner: source, delimiter: delimiter, requests: requests, format: format,
            releasingPages: source.isMapped)
        }
        source.releaseResidentPages()
      } catch {
        if let column = error.mixedColumn {
          throw InputError(.data, line: error.line, column: error.column, error.message, mixedColumn: column)
        }
        throw InputError(.data, line: error.line, column: error.column, error.message)
      }
    }
    return try load(table: table, mapping: mapping, spec: spec)
  }

  /// The columns to read for `mapping` and `spec`.
  static func requests(_ mapping: ColumnMapping, spec: ColumnSpec, names: [String]) -> [ColumnRequest] {
    var out: [ColumnRequest] = [ColumnRequest(mapping.time, .number), ColumnRequest(mapping.event, .text)]
    func add(_ name: String, _ kind: ColumnKind) {
      if !out.contains(where: { $0.name == name }) { out.append(ColumnRequest(name, kind)) }
    }
    if let g = mapping.group { add(g, .text) }
    if mapping.param != nil { add("PARAMCD", .text) }
    if mapping.param != nil && names.contains("PARAM") { add("PARAM", .text) }
    if mapping.kind == "adam-adtte" && names.contains("AVALU") { add("AVALU", .text) }
    // A stratum column that is also a covariate is read by its values (numbers stay numbers), as R
    // reads `x + strata(x)`; strata group numbers as well as text.
    for s in mapping.strata { add(s, spec.extra.contains(s) && !spec.textColumns.contains(s) ? .auto : .text) }
    for e in spec.extra { add(e, spec.textColumns.contains(e) ? .text : .auto) }
    for e in spec.optional where names.contains(e) { add(e, spec.textColumns.contains(e) ? .text : .auto) }
    for f in spec.filters { add(f.column, .text) }
    return out
  }

  /// Survival data from a table read with the columns the loader requests (SAS tables hold
  /// every column).
  public static func load(table: DataTable, mapping: ColumnMapping, spec: ColumnSpec) throws(InputError)
    -> LoadedSurvivalData
  {
    let sas = table.format.isSAS
    func column(_ name: String) throws(InputError) -> DataColumn {
      guard let c = table.columns[name] else {
        throw InputError(.usage, line: 1, column: 1, "no column '\(name)'")
      }
      return c
    }
    func fail(_ row: Int, _ name: String, _ message: String) -> InputError {
      let at = table.location(row: row, column: name)
      return InputError(.data, line: at.line, column: at.column, message, record: sas)
    }
    let timeColumn = try column(mapping.time)
    let eventColumn = try column(mapping.event)
    guard let times = timeColumn.numbers else {
      throw InputError(.data, line: 1, column: 1, "\(mapping.time) is a text column; the time must be numeric", record: sas)
    }
    let adam = mapping.kind == "adam-adtte"
    let coding: EventCoding
    if let censored = spec.censorValue {
      guard !adam else {
        throw InputError(.usage, line: 1, column: 1, "\(mapping.event): an ADaM ADTTE data set codes one event (CNSR); competing causes need a status column with a code per cause")
      }
      coding = .causes(censored: censored)
    } else {
      coding = try Self.eventCoding(eventColumn, adam: adam, value: spec.eventValue, fail: fail, name: mapping.event, rows: table.rowCount)
    }
    let target = { () -> Double? in
      switch coding {
      case .value(let v), .causes(let v): NumberParser.parse(v)
      default: nil
      }
    }()
    // Event codes per row: -1 missing, 0 censored, 1 event; a bad code fails at its row.
    var eventOf: (Int) throws(InputError) -> Int8
    switch eventColumn.storage {
    case .numeric(let v):
      eventOf = { i throws(InputError) in
        let x = v[i]
        if x.isNaN { return -1 }
        return try code(x, text: numberLabel(x), adam: adam, row: i)
      }
    case .text(let codes, let levels):
      var levelCodes: [Int8?] = []
      var levelErrors: [String?] = []
      for level in levels {
        do {
          levelCodes.append(try parseEventLevel(level, adam: adam))
          levelErrors.append(nil)
        } catch {
          levelCodes.append(nil)
          levelErrors.append(error.message)
        }
      }
      eventOf = { i throws(InputError) in
        let c = codes[i]
        if c < 0 { return -1 }
        if let e = levelCodes[Int(c)] { return e }
        throw fail(i, mapping.event, "\(mapping.event) " + (levelErrors[Int(c)] ?? "is not an event code"))
      }
    }
    func code(_ x: Double, text: String, adam: Bool, row: Int) throws(InputError) -> Int8 {
      switch coding {
      case .value: return x == target ? 1 : 0
      case .causes: return x == target ? 0 : 1
      case .oneTwo:
        guard x == 1 || x == 2 else { throw fail(row, mapping.event, eventMessage(mapping.event, text)) }
        return x == 2 ? 1 : 0
      case .zeroOne, .adam: break
      }
      if adam {
        guard x >= 0, x == x.rounded() else {
          throw fail(row, mapping.event, "\(mapping.event) '\(text)' is not a censoring code (0 = event, 1, 2, ... = censored)")
        }
        return x == 0 ? 1 : 0
      }
      guard x == 0 || x == 1 else {
        throw fail(row, mapping.event, eventMessage(mapping.event, text))
      }
      return x == 1 ? 1 : 0
    }
    func parseEventLevel(_ level: String, adam: Bool) throws(InputError) -> Int8 {
      if case .value(let v) = coding {
        return level == v || (target != nil && NumberParser.parse(level) == target) ? 1 : 0
      }
      if case .causes(let v) = coding {
        return level == v || (target != nil && NumberParser.parse(level) == target) ? 0 : 1
      }
      if coding == .oneTwo, let x = NumberParser.parse(level), x == 1 || x == 2 { return x == 2 ? 1 : 0 }
      if !adam {
        switch level.lowercased() {
        case "true": return 1
        case "false": return 0
        default: break
        }
      }
      guard let x = NumberParser.parse(level) else {
        throw InputError(
          .data, line: 1, column: 1,
          adam
            ? "'\(level)' is not a censoring code (0 = event, 1, 2, ... = censored)"
            : "'\(level)' is not an event code (1 = event, 0 = censored, or true/false)")
      }
      if adam {
        guard x >= 0, x == x.rounded() else {
          throw InputError(.data, line: 1, column: 1, "'\(level)' is not a censoring code (0 = event, 1, 2, ... = censored)")
        }
        return x == 0 ? 1 : 0
      }
      guard x == 0 || x == 1 else {
        throw InputError(.data, line: 1, column: 1, "'\(level)' is not an event code (1 = event, 0 = censored, or true/false)")
      }
      return x == 1 ? 1 : 0
    }

    let group = try mapping.group.map { g throws(InputError) in try column(g) }
    let strata = try mapping.strata.map { s throws(InputError) in try column(s) }
    let extras = try spec.extra.map { e throws(InputError) in (e, try column(e)) }
    let param: DataColumn? = mapping.param != nil ? table.columns["PARAMCD"] : nil
    let paramCode: Int32? = {
      guard let wanted = mapping.param, case .text(_, let levels)? = param?.storage else { return nil }
      return levels.firstIndex(of: wanted).map { Int32($0) } ?? -2
    }()
    // Filters as per-row predicates.
    var filters: [(RowFilter, (Int) -> Bool)] = []
    for f in spec.filters {
      let c = try column(f.column)
      switch c.storage {
      case .numeric(let v):
        let target = NumberParser.parse(f.value)
        filters.append((f, { i in (target.map { v[i] == $0 } ?? false) != f.negated }))
      case .text(let codes, let levels):
        let target = levels.firstIndex(of: f.value).map { Int32($0) } ?? -2
        filters.append((f, { i in (codes[i] == target) != f.negated }))
      }
    }
    var filteredCounts = [Int](repeating: 0, count: filters.count)

    let n = table.rowCount
    var rows: [Int] = []
    var outTimes: [Double] = []
    var outEvents: [Bool] = []
    var groupCodes: [Int32] = []
    var strataKeys: [[Int32]] = []
    rows.reserveCapacity(n)
    outTimes.reserveCapacity(n)
    outEvents.reserveCapacity(n)
    var exclusions: [Exclusion] = []
    var otherParameter = 0
    var excludedGroups = Set<Int32>()
    let groupCodesIn: [Int32]? = group.map(Self.textCodes)
    let strataCodesIn: [[Int32]] = strata.map(Self.textCodes)
    let extraMissing: [(String, DataColumn)] = extras
    rowLoop: for i in 0..<n {
      if let pc = paramCode, let pcol = param, case .text(let codes, _) = pcol.storage, codes[i] != pc {
        otherParameter += 1
        continue
      }
      for (k, f) in filters.enumerated() where !f.1(i) {
        filteredCounts[k] += 1
        continue rowLoop
      }
      let line = Int(table.rowLines[i])
      let g = groupCodesIn?[i] ?? 0
      let t = times[i]
      if t.isNaN {
        exclusions.append(Exclusion(line: line, column: mapping.time, reason: "missing time"))
        if g >= 0 { excludedGroups.insert(g) }
        continue
      }
      if eventColumn.isMissing(i) {
        exclusions.append(Exclusion(line: line, column: mapping.event, reason: "missing event"))
        if g >= 0 { excludedGroups.insert(g) }
        continue
      }
      if let gname = mapping.group, g < 0 {
        exclusions.append(Exclusion(line: line, column: gname, reason: "missing group"))
        continue
      }
      if let m = strataCodesIn.firstIndex(where: { $0[i] < 0 }) {
        exclusions.append(Exclusion(line: line, column: mapping.strata[m], reason: "missing stratum"))
        excludedGroups.insert(g)
        continue
      }
      if let m = extraMissing.firstIndex(where: { $0.1.isMissing(i) }) {
        exclusions.append(Exclusion(line: line, column: extraMissing[m].0, reason: "missing \(extraMissing[m].0)"))
        excludedGroups.insert(g)
        continue
      }
      let e = try eventOf(i)
      if t.isInfinite {
        throw fail(i, mapping.time, "\(mapping.time) '\(numberLabel(t))' is infinite")
      }
      if t < 0 {
        throw fail(i, mapping.time, "\(mapping.time) \(numberLabel(t)) is negative")
      }
      // Squares and differences of larger times overflow (the near-tie tolerance among them).
      if t > 1e150 {
        throw fail(i, mapping.time, "\(mapping.time) \(numberLabel(t)) is too large (at most 1e150; rescale the time unit)")
      }
      rows.append(i)
      outTimes.append(t)
      outEvents.append(e == 1)
      if group != nil { groupCodes.append(g) }
      if !strata.isEmpty { strataKeys.append(strataCodesIn.map { $0[i] }) }
    }
    if n == 0 {
      throw InputError(.data, line: 1, column: 1, sas ? "the data set has no observations" : "the input has a header but no data rows", record: sas)
    }
    if outTimes.isEmpty {
      var why = "no rows left to analyse"
      if let p = mapping.param, otherParameter > 0 && exclusions.isEmpty && filteredCounts.allSatisfy({ $0 == 0 }) {
        why += " (no row has PARAMCD = \(p); parameters present: \(parameters(table)))"
      } else if !exclusions.isEmpty {
        why += " (\(exclusions.count) excluded for missing values)"
      } else if filteredCounts.contains(where: { $0 > 0 }) {
        why += " (the filters removed every row: " + zip(spec.filters, filteredCounts).map { "\($0) removed \($1)" }.joined(separator: ", ") + ")"
      }
      let subject: InputError.Subject? = why.contains("PARAMCD") ? .parameter : nil
      throw InputError(.data, line: 1, column: 1, why, record: sas, subject: subject)
    }
    // Group and stratum labels in reporting order.
    var groupOut: [Int]
    var groupLabels: [String]
    if let group {
      let levels = Self.levels(group)
      let present = Set(groupCodes)
      let used = present.sorted().map { levels[Int($0)] }
      groupLabels = sortedGroupLabels(used)
      var map = [Int](repeating: 0, count: levels.count)
      for (k, label) in groupLabels.enumerated() {
        if let c = levels.firstIndex(of: label) { map[c] = k }
      }
      groupOut = groupCodes.map { map[Int($0)] }
    } else {
      groupOut = [Int](repeating: 0, count: outTimes.count)
      groupLabels = ["all"]
    }
    var strataOut = [Int](repeating: 0, count: outTimes.count)
    var strataLabels = ["all"]
    if !strata.isEmpty {
      let levels = strata.map(Self.levels)
      var keyIndex: [[Int32]: Int] = [:]
      var keyCodes: [Int] = []
      var keyTexts: [String] = []
      for key in strataKeys {
        if let k = keyIndex[key] {
          keyCodes.append(k)
        } else {
          let k = keyTexts.count
          keyIndex[key] = k
          keyCodes.append(k)
          keyTexts.append(zip(mapping.strata, zip(levels, key)).map { "\($0)=\($1.0[Int($1.1)])" }.joined(separator: ", "))
        }
      }
      strataLabels = sortedGroupLabels(keyTexts)
      var map = [Int](repeating: 0, count: keyTexts.count)
      for (k, label) in strataLabels.enumerated() {
        if let c = keyTexts.firstIndex(of: label) { map[c] = k }
      }
      strataOut = keyCodes.map { map[$0] }
    }
    let data = SurvivalData(unchecked: outTimes, outEvents, groupOut, groupLabels, strataOut, strataLabels)
    var finalMapping = mapping
    finalMapping.labels = [mapping.time, mapping.event].compactMap { name in table.labels[name].map { (name, $0) } }
      .reduce(into: [:]) { $0[$1.0] = $1.1 }
    if let g = mapping.group, let l = table.labels[g] { finalMapping.labels[g] = l }
    var timeUnit: String?
    if adam, let unit = table.columns["AVALU"] {
      let values = Set(rows.compactMap { unit.text($0) })
      if values.count == 1 { timeUnit = values.first }
    }
    finalMapping.timeUnit = timeUnit
    finalMapping.eventCoding = coding
    finalMapping.entry = spec.entry
    var loaded = LoadedSurvivalData(
      data: data, mapping: finalMapping, rowsRead: n, rowsOtherParameter: otherParameter,
      exclusions: exclusions, table: table, rows: rows)
    loaded.filtered = zip(spec.filters, filteredCounts).map { ($0, $1) }
    loaded.timeUnit = timeUnit
    if let group {
      let levels = Self.levels(group)
      let kept = Set(groupLabels)
      loaded.emptiedGroups = sortedGroupLabels(
        Set(excludedGroups.filter { $0 >= 0 && Int($0) < levels.count }.map { levels[Int($0)] }).subtracting(kept))
    }
    return loaded
  }

  /// The PARAMCD values of a table with their PARAM labels and row counts, for messages.
  static func parameters(_ table: DataTable) -> String {
    guard case .text(let codes, let levels)? = table.columns["PARAMCD"]?.storage else { return "none" }
    var counts = [Int](repeating: 0, count: levels.count)
    var label = [String?](repeating: nil, count: levels.count)
    let param = table.columns["PARAM"]
    for (i, c) in codes.enumerated() where c >= 0 {
      counts[Int(c)] += 1
      if label[Int(c)] == nil { label[Int(c)] = param?.text(i) }
    }
    return levels.indices.sorted { levels[$0] < levels[$1] }.map { k in
      "\(levels[k])" + (label[k].map { " (\($0))" } ?? "") + " \(counts[k]) row\(counts[k] == 1 ? "" : "s")"
    }.joined(separator: ", ")
  }

  /// Codes of a column read as text; a numeric column's distinct values become levels.
  static func textCodes(_ c: DataColumn) -> [Int32] {
    switch c.storage {
    case .text(let codes, _): return codes
    case .numeric(let v):
      var index: [Double: Int32] = [:]
      return v.map { x in
        if x.isNaN { return -1 }
        if let k = index[x] { return k }
        let k = Int32(index.count)
        index[x] = k
        return k
      }
    }
  }

  /// The levels matching ``textCodes(_:)``.
  static func levels(_ c: DataColumn) -> [String] {
    switch c.storage {
    case .text(_, let levels): return levels
    case .numeric(let v):
      var seen = Set<Double>()
      var out: [String] = []
      for x in v where !x.isNaN && seen.insert(x).inserted { out.append(numberLabel(x)) }
      return out
    }
  }

  /// The coding of `column`: ADaM's, the value named, R's 2/1 when every value is 1 or 2, else
  /// 1/0. A status of whole numbers that is neither 0/1 nor 1/2 (causes 0/1/2) is refused at
  /// its first value other than 0 and 1, naming the values found; so is a named value that
  /// does not occur.
  static func eventCoding(
    _ column: DataColumn, adam: Bool, value: String?, fail: (Int, String, String) -> InputError, name: String, rows: Int
  ) throws(InputError) -> EventCoding {
    if adam {
      if let value {
        throw InputError(.usage, line: 1, column: 1, "\(name): the event of an ADaM ADTTE data set is CNSR = 0; an event value '\(value)' does not apply")
      }
      return .adam
    }
    // The distinct numeric values (nil when a value is not a number, as true/false).
    var found = Set<Double>()
    var numeric = true
    switch column.storage {
    case .numeric(let v):
      // The usual 0/1 column is decided without a set (a pass over the doubles).
      if value == nil && v.allSatisfy({ $0 == 0 || $0 == 1 || $0.isNaN }) { return .zeroOne }
      for x in v where !x.isNaN { found.insert(x) }
    case .text(_, let levels):
      for level in levels {
        guard let x = NumberParser.parse(level) else {
          numeric = false
          continue
        }
        found.insert(x)
      }
    }
    let labels = found.sorted().map(numberLabel)
    if let value {
      let target = NumberParser.parse(value)
      let present: Bool
      if case .text(_, let levels) = column.storage {
        present = levels.contains(value) || (target.map { found.contains($0) } ?? false)
      } else {
        present = target.map { found.contains($0) } ?? false
      }
      guard present else {
        throw InputError(.usage, line: 1, column: 1, "\(name) has no value '\(value)' (values: \(labels.joined(separator: ", ")))")
      }
      return .value(value)
    }
    guard numeric, !found.isEmpty else { return .zeroOne }
    if found.isSubset(of: [0, 1]) { return .zeroOne }
    if found.isSubset(of: [1, 2]) { return .oneTwo }
    guard found.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e6 }) else { return .zeroOne }
    // Where the first value other than 0 and 1 is.
    var first = 0
    for i in 0..<rows {
      let x: Double? =
        switch column.storage {
        case .numeric(let v): v[i]
        case .text(let codes, let levels): codes[i] >= 0 ? NumberParser.parse(levels[Int(codes[i])]) : nil
        }
      if let x, !x.isNaN, x != 0, x != 1 {
        first = i
        break
      }
    }
    let text = column.text(first) ?? ""
    let what = found.count > 2 ? "more than one event and one censoring code" : "neither 1/0 nor R's 2/1"
    var error = fail(first, name, "\(name) '\(text)': the status has the values \(labels.joined(separator: ", ")), \(what)")
    error.subject = .eventCoding(values: labels)
    throw error
  }

  static func eventMessage(_ column: String, _ text: String) -> String {
    "\(column) '\(text)' is not an event code (1 = event, 0 = censored, or true/false)"
  }

  /// Codes for values, in ``sortedGroupLabels`` order.
  static func encode(_ values: [String]) -> ([Int], [String]) {
    var encoder = Encoder()
    for v in values { encoder.add(v) }
    return encoder.finish()
  }

  /// Codes for values as they are read: each value is looked up once, and the codes are
  /// renumbered in ``sortedGroupLabels`` order at the end.
  struct Encoder {
    private var lookup: [String: Int] = [:]
    private var seen: [String] = []
    private var codes: [Int] = []

    mutating func add(_ value: String) {
      if let code = lookup[value] {
        codes.append(code)
      } else {
        lookup[value] = seen.count
        codes.append(seen.count)
        seen.append(value)
      }
    }

    /// The codes in sorted-label order, and the labels.
    func finish() -> ([Int], [String]) {
      let labels = sortedGroupLabels(seen)
      var final = [Int](repeating: 0, count: seen.count)
      for (i, label) in labels.enumerated() { final[lookup[label] ?? 0] = i }
      return (codes.map { final[$0] }, labels)
    }
  }

  static func resolve(names: [String], headerColumns: [Int], spec: ColumnSpec, headerLine: Int = 1) throws(InputError)
    -> ColumnMapping
  {
    let header = (line: headerLine, columns: headerColumns)
    func has(_ n: String) -> Bool { names.contains(n) }
    func require(_ n: String, role: InputError.ColumnRole) throws(InputError) {
      guard has(n) else {
        if names.count == 1, let d = [";", "\t", "|"].first(where: { names[0].contains($0) }) {
          throw InputError(
            .usage, line: header.line, column: 1,
            "no column '\(n)': the header is one column '\(names[0].prefix(60))'; the fields look separated by '\(d == "\t" ? "tab" : d)'",
            subject: .delimiter)
        }
        throw InputError(
          .usage, line: header.line, column: 1,
          "no column '\(n)' (columns: \(names.prefix(30).joined(separator: ", "))\(names.count > 30 ? ", ..." : ""))",
          subject: .column(role, name: n))
      }
      if names.filter({ $0 == n }).count > 1 {
        let i = names.lastIndex(of: n) ?? 0
        throw InputError(
          .data, line: header.line, column: header.columns[i], "column '\(n)' appears twice in the header")
      }
    }
    let adam = spec.time == nil && spec.event == nil && has("AVAL") && has("CNSR")
    var mapping: ColumnMapping
    if adam {
      mapping = ColumnMapping(kind: "adam-adtte", time: "AVAL", event: "CNSR", group: nil, param: nil)
      try require("AVAL", role: .time)
      try require("CNSR", role: .event)
      if has("PARAMCD") {
        mapping.param = spec.param ?? "OS"
      }
    } else {
      let time = spec.time ?? "time"
      try require(time, role: .time)
      let event: String
      if let e = spec.event {
        event = e
      } else if has("status") {
        event = "status"
      } else if has("event") {
        event = "event"
      } else {
        throw InputError(
          .usage, line: header.line, column: 1,
          "no column 'status' or 'event' (columns: \(names.joined(separator: ", ")))",
          subject: .column(.event, name: "status"))
      }
      try require(event, role: .event)
      mapping = ColumnMapping(kind: "columns", time: time, event: event, group: nil, param: nil)
    }
    if spec.param != nil && mapping.param == nil {
      throw InputError(
        .usage, line: header.line, column: 1,
        "a parameter (PARAMCD = \(spec.param ?? "")) needs an ADaM ADTTE data set with columns AVAL, CNSR and PARAMCD",
        subject: .column(.param, name: "PARAMCD"))
    }
    if let g = spec.group {
      try require(g, role: .group)
      mapping.group = g
    } else if adam && !spec.noGroup {
      mapping.group = ["TRT01P", "TRTP", "ARM"].first(where: has)
    }
    for s in spec.strata {
      try require(s, role: .strata)
    }
    for c in spec.extra {
      try require(c, role: .extra)
    }
    for f in spec.filters {
      try require(f.column, role: .filter)
    }
    mapping.strata = spec.strata
    return mapping
  }

  static func isMissing(_ text: Substring) -> Bool {
    // Byte comparisons: "NA" and "." are ASCII, so no Unicode normalization is needed.
    let bytes = text.utf8
    switch bytes.count {
    case 0: return true
    case 1: return bytes.first == UInt8(ascii: ".")
    case 2: return bytes.first == UInt8(ascii: "N") && bytes.last == UInt8(ascii: "A")
    default: return false
    }
  }

  static func parseTime(_ text: Substring, column: String, line: Int, at col: Int)
    throws(InputError) -> Double
  {
    guard let t = Double(text) else {
      throw InputError(.data, line: line, column: col, "\(column) '\(text)' is not a number")
    }
    if t.isNaN { throw InputError(.data, line: line, column: col, "\(column) is NaN") }
    if t.isInfinite {
      throw InputError(.data, line: line, column: col, "\(column) '\(text)' is infinite")
    }
    if t < 0 {
      throw InputError(.data, line: line, column: col, "\(column) \(text) is negative")
    }
    return t
  }

  static func parseEvent(_ text: Substring, column: String, line: Int, at col: Int)
    throws(InputError) -> Bool
  {
    switch text.lowercased() {
    case "true": return true
    case "false": return false
    default: break
    }
    if let v = Double(text), v == 0 || v == 1 { return v == 1 }
    var message = "\(column) '\(text)' is not an event code (1 = event, 0 = censored, or true/false)"
    if text == "2" {
      message += "; R's 1 = censored, 2 = dead coding must be recoded to 0/1"
    }
    throw InputError(.data, line: line, column: col, message)
  }

  static func parseCensor(_ text: Substring, column: String, line: Int, at col: Int)
    throws(InputError) -> Bool
  {
    guard let v = Double(text), v >= 0, v == v.rounded() else {
      throw InputError(
        .data, line: line, column: col,
        "\(column) '\(text)' is not a censoring code (0 = event, 1, 2, ... = censored)")
    }
    return v == 0
  }
}

extension LoadedSurvivalData {
  /// The names of the column that labels a data set as simulated: `simulated`, and `SIMULATD`, the
  /// 8-character name a SAS transport (version 5) file can hold. Read them along (as optional
  /// columns) for ``isSimulated``.
  public static let simulatedColumns = ["simulated", "SIMULATED", "SIMULATD"]

  /// True when the data have a `simulated` column that says yes (yes, true, 1 or y, in any case)
  /// on every analysed row.
  public var isSimulated: Bool {
    guard let values = Self.simulatedColumns.lazy.compactMap({ self.texts($0) }).first, !values.isEmpty else { return false }
    return values.allSatisfy { $0.map { ["yes", "true", "1", "y"].contains($0.lowercased()) } ?? false }
  }
}

extension LoadedSurvivalData {
  /// The entry (start) time of every analysed row from `column`, for (start, stop] data: finite
  /// numbers, each before the row's time.
  /// - Throws: ``InputError`` at the first cell that is not a finite number or not before the time.
  /// Codes from 0 for the values of column `name` (a subject's id, a family, a centre) for the
  /// analysed rows, equal values sharing a code; nil when the column was not read.
  public func clusterCodes(_ name: String) -> [Int]? {
    if let (codes, _) = codes(name) { return SurvivalDataLoader.encode(codes.map(String.init)).0 }
    guard let values = numbers(name) else { return nil }
    var index: [Double: Int] = [:]
    return values.map { v in
      if let c = index[v] { return c }
      let c = index.count
      index[v] = c
      return c
    }
  }

  public func entryTimes(_ column: String) throws(InputError) -> [Double] {
    let sas = table.format.isSAS
    guard let values = numbers(column) else {
      let texts = self.texts(column) ?? []
      let i = texts.firstIndex { $0 != nil } ?? 0
      let at = location(i, column)
      throw InputError(
        .data, line: at.line, column: at.column, "\(column) '\((i < texts.count ? texts[i] : nil) ?? "")' is not a finite number",
        record: sas)
    }
    for (i, d) in values.enumerated() where !d.isFinite {
      let at = location(i, column)
      throw InputError(.data, line: at.line, column: at.column, "\(column) '\(numberLabel(d))' is not a finite number", record: sas)
    }
    for i in 0..<min(values.count, data.count) where !(values[i] < data.time[i]) {
      let at = location(i, column)
      throw InputError(
        .data, line: at.line, column: at.column,
        "\(column) \(values[i].shortDescription) is not before the time \(data.time[i].shortDescription)", record: sas)
    }
    return values
  }
}
