/// A streaming reader of delimited text as RFC 4180 defines it: a header row, fields separated by a
/// delimiter (comma, tab, …), fields optionally enclosed in double quotes, a doubled quote `""`
/// standing for one quote inside a quoted field, and delimiters, CR and LF allowed inside quotes.
///
/// Also accepted: CRLF or LF line ends, a UTF-8 byte-order mark, and blank lines (skipped; the
/// trailing blank lines many editors leave are the usual case). Rejected with a ``CSVError``
/// naming the line and column: a quote inside an unquoted field, text after a closing quote, an
/// unterminated quoted field, and bytes that are not UTF-8.
///
/// Line numbers are physical lines (1 = the header), so a quoted field with newlines in it moves
/// the count on; columns count characters from 1, as an editor does.
public struct CSVReader: Sendable {
  private let bytes: [UInt8]
  private let delimiter: UInt8
  private var position: Int
  private var line = 1
  private var lineStart: Int
  // The last column computed on the current line, so that columns are counted incrementally.
  private var columnCache = (index: 0, column: 1)

  /// A reader over `bytes` with the given one-byte `delimiter`.
  public init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
    self.bytes = bytes
    self.delimiter = delimiter
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let start = bytes.starts(with: bom) ? 3 : 0
    self.position = start
    self.lineStart = start
  }

  /// The next non-blank record, or `nil` at the end of the input.
  public mutating func next() throws(CSVError) -> CSVRecord? {
    var record = CSVRecord(line: 0, fields: [], columns: [])
    return try next(into: &record) ? record : nil
  }

  /// Reads the next non-blank record into `record`, reusing its storage (no allocation per row
  /// for the field and column arrays); false at the end of the input.
  public mutating func next(into record: inout CSVRecord) throws(CSVError) -> Bool {
    while position < bytes.count {
      // Skip a blank line (LF, CRLF or a lone CR at the end).
      let b = bytes[position]
      if b == lf {
        position += 1
        newLine()
        continue
      }
      if b == cr {
        position += position + 1 < bytes.count && bytes[position + 1] == lf ? 2 : 1
        newLine()
        continue
      }
      try readRecord(into: &record)
      return true
    }
    return false
  }

  private mutating func newLine() {
    line += 1
    lineStart = position
  }

  /// Characters from the line start to `index` (from 1): the bytes that begin a UTF-8 scalar.
  /// Fields are visited left to right, so counting resumes from the last call on the same line.
  private mutating func column(at index: Int) -> Int {
    var (i, c) = columnCache
    if i < lineStart || i > index { (i, c) = (lineStart, 1) }
    while i < index {
      if bytes[i] & 0xC0 != 0x80 { c += 1 }
      i += 1
    }
    columnCache = (index, c)
    return c
  }

  /// The UTF-8 text of `field`, nil when it is not valid UTF-8. ASCII (the usual field) is taken
  /// as it is; anything else is validated.
  private static func decode(_ field: UnsafeBufferPointer<UInt8>) -> String? {
    var ascii = true
    for b in field where b >= 0x80 {
      ascii = false
      break
    }
    return ascii ? String(decoding: field, as: UTF8.self) : String(validating: field, as: UTF8.self)
  }

  private mutating func readRecord(into record: inout CSVRecord) throws(CSVError) {
    record.fields.removeAll(keepingCapacity: true)
    record.columns.removeAll(keepingCapacity: true)
    record.line = line
    let recordLine = line
    while true {
      let fieldStart = position
      record.columns.append(column(at: fieldStart))
      var value: [UInt8] = []
      var quoted = false
      if position < bytes.count && bytes[position] == quote {
        quoted = true
        let openLine = line
        let openColumn = column(at: position)
        position += 1
        var closed = false
        while position < bytes.count {
          let b = bytes[position]
          if b == quote {
            if position + 1 < bytes.count && bytes[position + 1] == quote {
              value.append(quote)
              position += 2
              continue
            }
            position += 1
            closed = true
            break
          }
          value.append(b)
          position += 1
          if b == lf { newLine() }
        }
        if !closed {
          throw CSVError(
            line: openLine, column: openColumn,
            message: "quoted field is not closed before the end of the input")
        }
      }
      // After a quoted field, or in an unquoted one: read up to the delimiter or line end. An
      // unquoted field is taken from the input in place (no copy; short strings need no
      // allocation at all).
      let unquotedStart = position
      while position < bytes.count {
        let b = bytes[position]
        if b == delimiter || b == lf || b == cr { break }
        if quoted {
          throw CSVError(
            line: line, column: column(at: position),
            message: "unexpected text after a closing quote (a quote inside a field is written \"\")")
        }
        if b == quote {
          throw CSVError(
            line: line, column: column(at: position),
            message: "quote inside an unquoted field (enclose the field in quotes and double the quote)")
        }
        position += 1
      }
      let end = position
      let decoded =
        quoted
        ? value.withUnsafeBufferPointer(Self.decode)
        : bytes.withUnsafeBufferPointer { Self.decode(UnsafeBufferPointer(rebasing: $0[unquotedStart..<end])) }
      guard let text = decoded else {
        throw CSVError(
          line: recordLine, column: record.columns[record.columns.count - 1], message: "field is not valid UTF-8")
      }
      record.fields.append(text)
      if position >= bytes.count { break }
      let b = bytes[position]
      if b == delimiter {
        position += 1
        continue
      }
      // End of line: LF, CRLF or a lone CR.
      if b == cr && position + 1 < bytes.count && bytes[position + 1] == lf { position += 1 }
      position += 1
      newLine()
      break
    }
  }
}

/// One record of a delimited file: its fields and where each begins.
public struct CSVRecord: Sendable, Equatable {
  /// The physical line on which the record starts (1 = the first line of the file).
  public internal(set) var line: Int
  /// The field values, quotes removed.
  public internal(set) var fields: [String]
  /// The character column (from 1) at which each field starts.
  public internal(set) var columns: [Int]

  /// A record (for building one to read into).
  public init(line: Int, fields: [String], columns: [Int]) {
    self.line = line
    self.fields = fields
    self.columns = columns
  }
}

/// A syntax error in delimited text, at a line and column.
public struct CSVError: Error, Equatable, Sendable {
  /// Physical line (from 1).
  public let line: Int
  /// Character column (from 1).
  public let column: Int
  /// What is wrong.
  public let message: String
}

private let quote = UInt8(ascii: "\"")
private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")
