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
  /// Further columns to read as text (covariates, entry times, weights, clusters): a row missing
  /// any of them is excluded like a row missing its time.
  public var extra: [String] = []
  /// The option that named each extra column, for messages (default `--covariates`).
  public var extraOptions: [String: String] = [:]

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

  /// One sentence saying what was used.
  public var description: String {
    var s: String
    if kind == "adam-adtte" {
      s = "CDISC ADaM ADTTE: time = \(time), event = 1 - \(event) (\(event) = 0 is an event)"
      if let p = param { s += ", PARAMCD = \(p)" }
    } else {
      s = "time = \(time), event = \(event) (1 = event, 0 = censored)"
    }
    s += ", group = " + (group ?? "none")
    if !strata.isEmpty { s += ", strata = " + strata.joined(separator: " x ") }
    return s
  }
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
  /// The values of ``ColumnSpec/extra`` columns for the analysed rows, by column name.
  public var columns: [String: [String]] = [:]
  /// The physical line of each analysed row.
  public var lines: [Int] = []
  /// The character column of each ``columns`` value in its line, by column name.
  public var positions: [String: [Int]] = [:]
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

  /// An error at a place.
  public init(_ kind: Kind, line: Int, column: Int, _ message: String) {
    self.kind = kind
    self.line = line
    self.column = column
    self.message = message
  }
}

/// Reads survival data from delimited text (see ``CSVReader``) by column name.
///
/// Conventions: event codes 1/0 and true/false (any case); an empty cell, `NA` or `.` is missing,
/// and a row missing its time, event or group is excluded and listed in
/// ``LoadedSurvivalData/exclusions`` (never dropped silently). Times must be finite and not
/// negative. ADaM ADTTE (`AVAL`, `CNSR` present and neither `time` nor `event` named): time = AVAL,
/// event when CNSR = 0 (positive CNSR values are censoring reasons), rows with `PARAMCD` equal to
/// the parameter (default `OS`) when that column exists, group `TRT01P`, else `TRTP`, else `ARM`.
public enum SurvivalDataLoader {
  /// Reads `bytes` with the given delimiter.
  /// - Throws: ``InputError`` with the line and column of the first problem.
  public static func load(
    bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), spec: ColumnSpec = ColumnSpec()
  ) throws(InputError) -> LoadedSurvivalData {
    var reader = CSVReader(bytes: bytes, delimiter: delimiter)
    let header: CSVRecord
    do {
      guard let h = try reader.next() else {
        throw InputError(.data, line: 1, column: 1, "the input is empty (no header row)")
      }
      header = h
    } catch let e as CSVError {
      throw InputError(.data, line: e.line, column: e.column, e.message)
    } catch let e as InputError {
      throw e
    } catch {
      throw InputError(.data, line: 1, column: 1, "\(error)")
    }
    let names = header.fields.map { String($0.trimmingSpaces) }
    let mapping = try resolve(names: names, header: header, spec: spec)
    let index = { (name: String) -> Int in names.firstIndex(of: name) ?? 0 }
    let timeIndex = index(mapping.time)
    let eventIndex = index(mapping.event)
    let groupIndex = mapping.group.map(index)
    let paramIndex = mapping.param != nil ? names.firstIndex(of: "PARAMCD") : nil
    let strataIndices = mapping.strata.map(index)
    let extraIndices = spec.extra.map(index)
    var extraValues = Array(repeating: [String](), count: spec.extra.count)
    var extraPositions = Array(repeating: [Int](), count: spec.extra.count)
    var lines: [Int] = []
    var excludedGroupValues = Set<String>()
    var pendingGroup: String?
    let adam = mapping.kind == "adam-adtte"

    var times: [Double] = []
    var events: [Bool] = []
    var groups = Encoder()
    var strata = Encoder()
    var exclusions: [Exclusion] = []
    var rowsRead = 0
    var otherParameter = 0
    var record = CSVRecord(line: 0, fields: [], columns: [])
    while true {
      do {
        guard try reader.next(into: &record) else { break }
      } catch {
        throw InputError(.data, line: error.line, column: error.column, error.message)
      }
      rowsRead += 1
      guard record.fields.count == names.count else {
        let col =
          record.fields.count > names.count
          ? record.columns[names.count] : (record.columns.last ?? 1)
        throw InputError(
          .data, line: record.line, column: col,
          "row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"), the header has \(names.count)"
        )
      }
      if let p = paramIndex, let wanted = mapping.param,
        String(record.fields[p].trimmingSpaces) != wanted
      {
        otherParameter += 1
        continue
      }
      // The group of a row excluded below, to tell when a whole group is emptied.
      if let g = groupIndex, !isMissing(record.fields[g].trimmingSpaces) {
        pendingGroup = record.fields[g]
      } else {
        pendingGroup = nil
      }
      let timeText = record.fields[timeIndex].trimmingSpaces
      let eventText = record.fields[eventIndex].trimmingSpaces
      if isMissing(timeText) {
        exclusions.append(Exclusion(line: record.line, column: mapping.time, reason: "missing time"))
        if let g = pendingGroup { excludedGroupValues.insert(g) }
        continue
      }
      if isMissing(eventText) {
        exclusions.append(
          Exclusion(line: record.line, column: mapping.event, reason: "missing event"))
        if let g = pendingGroup { excludedGroupValues.insert(g) }
        continue
      }
      var label = ""
      if let g = groupIndex, let gname = mapping.group {
        label = record.fields[g]
        if isMissing(label.trimmingSpaces) {
          exclusions.append(Exclusion(line: record.line, column: gname, reason: "missing group"))
          continue
        }
      }
      var stratumKey = ""
      if !strataIndices.isEmpty {
        let values = strataIndices.map { record.fields[$0] }
        if let missing = values.firstIndex(where: { isMissing($0.trimmingSpaces) }) {
          exclusions.append(
            Exclusion(line: record.line, column: mapping.strata[missing], reason: "missing stratum"))
          if let g = pendingGroup { excludedGroupValues.insert(g) }
          continue
        }
        stratumKey = zip(mapping.strata, values).map { "\($0)=\($1)" }.joined(separator: ", ")
      }
      if let missing = extraIndices.firstIndex(where: { isMissing(record.fields[$0].trimmingSpaces) }) {
        exclusions.append(
          Exclusion(line: record.line, column: spec.extra[missing], reason: "missing \(spec.extra[missing])"))
        if let g = pendingGroup { excludedGroupValues.insert(g) }
        continue
      }
      let t = try parseTime(
        timeText, column: mapping.time, line: record.line, at: record.columns[timeIndex])
      let e =
        adam
        ? try parseCensor(
          eventText, column: mapping.event, line: record.line, at: record.columns[eventIndex])
        : try parseEvent(
          eventText, column: mapping.event, line: record.line, at: record.columns[eventIndex])
      times.append(t)
      events.append(e)
      if groupIndex != nil { groups.add(label) }
      if !strataIndices.isEmpty { strata.add(stratumKey) }
      for (k, c) in extraIndices.enumerated() {
        extraValues[k].append(String(record.fields[c].trimmingSpaces))
        extraPositions[k].append(record.columns[c])
      }
      lines.append(record.line)
    }
    if rowsRead == 0 {
      throw InputError(.data, line: header.line, column: 1, "the input has a header but no data rows")
    }
    if times.isEmpty {
      var why = "no rows left to analyse"
      if let p = mapping.param, otherParameter > 0 && exclusions.isEmpty {
        why += " (no row has PARAMCD = \(p); use --param)"
      } else if !exclusions.isEmpty {
        why += " (\(exclusions.count) excluded for missing values)"
      }
      throw InputError(.data, line: header.line, column: 1, why)
    }
    let (groupCodes, groupLabels) =
      mapping.group != nil ? groups.finish() : ([Int](repeating: 0, count: times.count), ["all"])
    let (strataCodes, strataLabels) =
      strataIndices.isEmpty ? ([Int](repeating: 0, count: times.count), ["all"]) : strata.finish()
    let data = SurvivalData(
      unchecked: times, events, groupCodes, groupLabels, strataCodes, strataLabels)
    var loaded = LoadedSurvivalData(
      data: data, mapping: mapping, rowsRead: rowsRead, rowsOtherParameter: otherParameter,
      exclusions: exclusions)
    for (k, name) in spec.extra.enumerated() {
      loaded.columns[name] = extraValues[k]
      loaded.positions[name] = extraPositions[k]
    }
    loaded.lines = lines
    let kept = Set(groupLabels)
    loaded.emptiedGroups = sortedGroupLabels(excludedGroupValues.subtracting(kept))
    return loaded
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

  static func resolve(names: [String], header: CSVRecord, spec: ColumnSpec) throws(InputError)
    -> ColumnMapping
  {
    func has(_ n: String) -> Bool { names.contains(n) }
    func require(_ n: String, option: String) throws(InputError) {
      guard has(n) else {
        throw InputError(
          .usage, line: header.line, column: 1,
          "no column '\(n)' (columns: \(names.joined(separator: ", "))); name it with \(option)")
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
      try require("AVAL", option: "--time")
      try require("CNSR", option: "--event")
      if has("PARAMCD") {
        mapping.param = spec.param ?? "OS"
      }
    } else {
      let time = spec.time ?? "time"
      try require(time, option: "--time")
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
          "no column 'status' or 'event' (columns: \(names.joined(separator: ", "))); name it with --event"
        )
      }
      try require(event, option: "--event")
      mapping = ColumnMapping(kind: "columns", time: time, event: event, group: nil, param: nil)
    }
    if spec.param != nil && mapping.param == nil {
      throw InputError(
        .usage, line: header.line, column: 1,
        "--param needs an ADaM ADTTE data set with columns AVAL, CNSR and PARAMCD")
    }
    if let g = spec.group {
      try require(g, option: "--group")
      mapping.group = g
    } else if adam && !spec.noGroup {
      mapping.group = ["TRT01P", "TRTP", "ARM"].first(where: has)
    }
    for s in spec.strata {
      try require(s, option: "--strata")
    }
    for c in spec.extra {
      try require(c, option: spec.extraOptions[c] ?? "--covariates")
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
