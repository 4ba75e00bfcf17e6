/// A table read once from a file, holding the columns a run asked for, typed: numeric columns as
/// doubles (missing = NaN), text columns dictionary-encoded (missing = code -1). Every reader
/// (delimited text, SAS transport, SAS7BDAT) produces one, and every estimator's loader reads it;
/// nothing goes back to the file.
public struct DataTable: Sendable {
  /// The file format the table came from.
  public enum Format: String, Sendable, CaseIterable {
    /// Comma- (or other one-byte-) delimited text.
    case csv
    /// Tab-delimited text.
    case tsv
    /// SAS transport (XPORT, versions 5 and 8).
    case xpt
    /// SAS data set (SAS7BDAT), compressed or not.
    case sas7bdat

    /// SAS formats count rows as records; text formats as physical lines.
    public var isSAS: Bool { self == .xpt || self == .sas7bdat }

    /// The format a file name's extension implies (`nil` when it implies none).
    public static func from(fileName: String) -> Format? {
      let lower = fileName.lowercased()
      if lower.hasSuffix(".xpt") || lower.hasSuffix(".xport") { return .xpt }
      if lower.hasSuffix(".sas7bdat") { return .sas7bdat }
      if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return .tsv }
      if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") { return .csv }
      return nil
    }
  }

  /// The format read.
  public let format: Format
  /// Every column name in the file, in file order (read or not).
  public let names: [String]
  /// Variable labels from the file (SAS), by column name; empty for text files.
  public let labels: [String: String]
  /// The columns read, by name.
  public let columns: [String: DataColumn]
  /// Number of data rows.
  public let rowCount: Int
  /// Where each row starts: its physical line (text files, 1 = the header) or its record number
  /// (SAS files, 1 = the first observation).
  public let rowLines: [Int32]
  /// The SAS member (data set) name, if any.
  public let member: String?
  /// The character column of a cell in its line (text files): computed on demand for messages.
  let cellColumn: @Sendable (_ row: Int, _ column: Int) -> Int

  /// A table (readers build these; the columns must each hold `rowCount` values).
  public init(
    format: Format, names: [String], labels: [String: String] = [:], columns: [String: DataColumn],
    rowCount: Int, rowLines: [Int32], member: String? = nil,
    cellColumn: @escaping @Sendable (Int, Int) -> Int = { _, c in c + 1 }
  ) {
    self.format = format
    self.names = names
    self.labels = labels
    self.columns = columns
    self.rowCount = rowCount
    self.rowLines = rowLines
    self.member = member
    self.cellColumn = cellColumn
  }

  /// Where a cell is, for messages: the line and character column of a text file, or the record
  /// number and the variable's position (from 1) of a SAS file.
  public func location(row: Int, column name: String) -> (line: Int, column: Int) {
    let line = row >= 0 && row < rowLines.count ? Int(rowLines[row]) : 1
    let index = names.firstIndex(of: name) ?? 0
    return (line, format.isSAS ? index + 1 : cellColumn(row, index))
  }

  /// "AVAL: Analysis Value" when the file labels the column, else the name.
  public func describe(_ name: String) -> String {
    guard let label = labels[name], !label.isEmpty else { return name }
    return "\(name): \(label)"
  }
}

/// One column of a ``DataTable``.
public struct DataColumn: Sendable {
  /// The values.
  public enum Storage: Sendable {
    /// Numbers; NaN where the value is missing (an empty cell, `NA`, `.`, or a SAS missing value).
    case numeric([Double])
    /// Text, as codes into the levels (first-appearance order); -1 where missing.
    case text(codes: [Int32], levels: [String])
  }
  /// The column's name.
  public let name: String
  /// The values.
  public let storage: Storage
  /// The SAS display format (`DATE9`, `DATETIME20`, …), if the file gives one.
  public let format: String?

  /// A column.
  public init(name: String, storage: Storage, format: String? = nil) {
    self.name = name
    self.storage = storage
    self.format = format
  }

  /// Number of values.
  public var count: Int {
    switch storage {
    case .numeric(let v): return v.count
    case .text(let c, _): return c.count
    }
  }

  /// True when row `i` is missing.
  public func isMissing(_ i: Int) -> Bool {
    switch storage {
    case .numeric(let v): return v[i].isNaN
    case .text(let c, _): return c[i] < 0
    }
  }

  /// The numbers, when the column is numeric.
  public var numbers: [Double]? {
    if case .numeric(let v) = storage { return v }
    return nil
  }

  /// The value of row `i` as text (numbers in their shortest form, `nil` when missing).
  public func text(_ i: Int) -> String? {
    switch storage {
    case .numeric(let v): return v[i].isNaN ? nil : numberLabel(v[i])
    case .text(let c, let levels): return c[i] < 0 ? nil : levels[Int(c[i])]
    }
  }

  /// Every value as text (`nil` when missing).
  public var texts: [String?] {
    switch storage {
    case .numeric(let v):
      return v.map { $0.isNaN ? nil : numberLabel($0) }
    case .text(let c, let levels):
      return c.map { $0 < 0 ? nil : levels[Int($0)] }
    }
  }

  /// True when the SAS format is a date format (days since 1960-01-01).
  public var isSASDate: Bool {
    guard let f = format?.uppercased() else { return false }
    if f.hasPrefix("DATETIME") || f.hasPrefix("E8601DT") || f.hasPrefix("TIME") { return false }
    return ["DATE", "YYMMDD", "MMDDYY", "DDMMYY", "E8601DA", "IS8601DA", "YYMMDDN", "MONYY", "WEEKDATE", "WORDDATE", "B8601DA", "NLDATE"]
      .contains { f.hasPrefix($0) }
  }

  /// True when the SAS format is a datetime format (seconds since 1960-01-01 00:00).
  public var isSASDatetime: Bool {
    guard let f = format?.uppercased() else { return false }
    return f.hasPrefix("DATETIME") || f.hasPrefix("E8601DT") || f.hasPrefix("IS8601DT") || f.hasPrefix("B8601DT")
  }
}

/// A number as a label: integers without a decimal point, others in Swift's shortest
/// round-tripping form.
func numberLabel(_ x: Double) -> String {
  if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
  return x.description
}

/// How a reader of delimited text should read a column (SAS files carry their own types).
public enum ColumnKind: Sendable, Equatable {
  /// Numbers: a cell that is not a number (and not missing) is an error naming it.
  case number
  /// Text, dictionary-encoded.
  case text
  /// Numbers when every cell that is present is a number; text when none is; a column mixing the
  /// two is an error naming the first cells of each kind (read such a column as `text`).
  case auto
}

/// A column to read, and how.
public struct ColumnRequest: Sendable, Equatable {
  /// The column's name in the header.
  public var name: String
  /// How to read it from text.
  public var kind: ColumnKind

  /// A request.
  public init(_ name: String, _ kind: ColumnKind) {
    self.name = name
    self.kind = kind
  }
}

/// Why a table could not be read: the place and a one-line message. For text files `line` and
/// `column` are the physical line and character column; for SAS files the record number and the
/// variable's position; 0 when the problem has no place (a file that is not a data set).
public struct TableError: Error, Equatable, Sendable {
  /// Physical line or record (0: none).
  public var line: Int
  /// Character column or variable position (0: none).
  public var column: Int
  /// What is wrong.
  public var message: String
  /// The column, when the error is a column that mixes numbers and text (read it as text).
  public var mixedColumn: String?

  /// An error.
  public init(line: Int, column: Int, _ message: String) {
    self.line = line
    self.column = column
    self.message = message
  }
}
