import CReadStat
import Foundation

/// Reads SAS transport (XPT v5 and v8) and SAS7BDAT (plain or compressed) data sets with ReadStat.
///
/// The file is parsed from memory: ReadStat's I/O handlers are pointed at the caller's buffer, so
/// nothing is written to disk. Numeric variables become doubles (SAS system missing `.` and the
/// special missing values `.A`–`.Z`, `._` become NaN); character variables are trimmed of leading
/// and trailing spaces, an empty value is missing, and the rest are dictionary-encoded.
///
/// Text must be UTF-8 after ReadStat's conversion: SAS7BDAT files declare their encoding and
/// ReadStat converts it; transport files declare none and their bytes are taken as they are. A
/// character value that is not valid UTF-8 is an error naming its first record and the variable
/// (it is never decoded with replacement characters, which could silently merge distinct values,
/// such as two treatment arms, into one level).
///
/// Transport files can hold several members (data sets). ReadStat reads only the first, and reads
/// the headers and rows of any later member as if they were more rows of the first, so this reader
/// finds the members itself (the 80-byte `MEMBER` header records) and gives ReadStat the library
/// header followed by the selected member alone.
public enum SASReader {
  /// Reads the member `member` (nil: the only member; error listing members when there are several) of the SAS file held in `bytes`
  /// (format .xpt or .sas7bdat), keeping only the columns named in `columns` (nil = all columns) — unread columns cost no conversion.
  /// - Throws: ``TableError`` (one line; `line` = record number where known else 0, `column` = the
  ///   variable's position from 1 where known else 0). No partial table is ever returned.
  public static func read(
    bytes: UnsafeRawBufferPointer, format: DataTable.Format, columns: Set<String>?, member: String? = nil
  ) throws(TableError) -> DataTable {
    try read(bytes: bytes, format: format, columns: columns, member: member, readStatRows: false)
  }

  /// `readStatRows`: let ReadStat decode the observations of a transport file too (slower; the
  /// tests use it to check the decoder here against ReadStat's).
  static func read(
    bytes: UnsafeRawBufferPointer, format: DataTable.Format, columns: Set<String>?, member: String?,
    readStatRows: Bool
  ) throws(TableError) -> DataTable {
    let kind: String
    switch format {
    case .xpt: kind = "SAS transport file"
    case .sas7bdat: kind = "SAS7BDAT file"
    default:
      throw TableError(line: 0, column: 0, "the SAS reader reads .xpt and .sas7bdat files, not \(format.rawValue)")
    }
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      throw TableError(line: 0, column: 0, "not a valid \(kind): the file is empty")
    }

    // The bytes ReadStat sees: the whole file, or for a transport file with several members the
    // library header followed by the selected member.
    var segments: [MemoryFile.Segment] = [.init(start: base, count: bytes.count)]
    var xport: XportMember? = nil
    if format == .xpt {
      let library = XportLayout.scan(bytes)
      if let first = library.members.first, first.start != XportLayout.libraryHeaderLength {
        throw TableError(
          line: 0, column: 0,
          "not a valid SAS transport file: the library header is not followed by a member header (corrupted)")
      }
      if !library.members.isEmpty {
        let chosen: XportMember
        if let member {
          guard let m = library.members.first(where: { $0.name == member })
            ?? library.members.first(where: { $0.name.uppercased() == member.uppercased() })
          else {
            throw TableError(
              line: 0, column: 0,
              "no member '\(member)' in the SAS transport file (members: \(library.members.map(\.name).joined(separator: ", ")))")
          }
          chosen = m
        } else {
          guard library.members.count == 1 else {
            throw TableError(
              line: 0, column: 0,
              "the SAS transport file has \(library.members.count) members (\(library.members.map(\.name).joined(separator: ", "))); choose one")
          }
          chosen = library.members[0]
        }
        xport = chosen
        // ReadStat cannot allocate room for zero variables and would say "Unable to allocate
        // memory": the count is the second number of the NAMESTR header record.
        let namestr = chosen.start + 320
        if XportLayout.isHeader(bytes, at: namestr, library.version == 5 ? "NAMESTR" : "NAMSTV8"),
          namestr + 58 <= chosen.end,
          String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(namestr + 53)..<(namestr + 58)]), as: UTF8.self)
            .allSatisfy({ $0 == "0" })
        {
          throw TableError(line: 0, column: 0, "the SAS transport file has no variables")
        }
        if chosen.start == XportLayout.libraryHeaderLength {
          segments = [.init(start: base, count: chosen.end)]
        } else {
          segments = [
            .init(start: base, count: XportLayout.libraryHeaderLength),
            .init(start: base + chosen.start, count: chosen.end - chosen.start),
          ]
        }
      }
      // With no member header found, ReadStat says what is wrong with the file.
    }

    let file = MemoryFile(segments)
    let state = ParseState(
      wanted: columns, fileBytes: bytes.count, member: format == .sas7bdat ? member : nil, kind: kind)
    guard let parser = readstat_parser_init() else {
      throw TableError(line: 0, column: 0, "cannot read the \(kind): ReadStat could not start (out of memory)")
    }
    defer { readstat_parser_free(parser) }
    readstat_set_open_handler(parser, { _, io in
      guard let io else { return -1 }
      Unmanaged<MemoryFile>.fromOpaque(io).takeUnretainedValue().position = 0
      return 0
    })
    readstat_set_close_handler(parser, { io in
      guard let io else { return -1 }
      let file = Unmanaged<MemoryFile>.fromOpaque(io).takeUnretainedValue()
      file.closedAt = file.position
      return 0
    })
    readstat_set_seek_handler(parser, { offset, whence, io in
      guard let io else { return -1 }
      return readstat_off_t(Unmanaged<MemoryFile>.fromOpaque(io).takeUnretainedValue().seek(Int64(offset), whence))
    })
    readstat_set_read_handler(parser, { buffer, count, io in
      guard let io, let buffer else { return -1 }
      return Unmanaged<MemoryFile>.fromOpaque(io).takeUnretainedValue().read(into: buffer, count: count)
    })
    readstat_set_update_handler(parser, { _, _, _, _ in READSTAT_OK })
    readstat_set_metadata_handler(parser, { metadata, ctx in
      guard let ctx, let metadata else { return Int32(READSTAT_HANDLER_ABORT) }
      return Unmanaged<ParseState>.fromOpaque(ctx).takeUnretainedValue().metadata(metadata)
    })
    readstat_set_variable_handler(parser, { index, variable, _, ctx in
      guard let ctx, let variable else { return Int32(READSTAT_HANDLER_ABORT) }
      return Unmanaged<ParseState>.fromOpaque(ctx).takeUnretainedValue().variable(Int(index), variable)
    })
    // ReadStat decodes transport observations slowly (about 1 s for 10^6 rows of 12 numbers), so
    // by default it reads only the headers of a transport file (without a value handler it stops
    // at the first observation) and the observations are decoded below, the way ReadStat does.
    let decodeHere = format == .xpt && !readStatRows
    if !decodeHere {
      readstat_set_value_handler(parser, { row, variable, value, ctx in
        guard let ctx, let variable else { return Int32(READSTAT_HANDLER_ABORT) }
        return Unmanaged<ParseState>.fromOpaque(ctx).takeUnretainedValue().value(row: Int(row), variable, value)
      })
    }
    readstat_set_error_handler(parser, { message, ctx in
      guard let ctx, let message else { return }
      Unmanaged<ParseState>.fromOpaque(ctx).takeUnretainedValue().readstatMessage = String(cString: message)
    })
    readstat_set_io_ctx(parser, Unmanaged.passUnretained(file).toOpaque())

    let code: readstat_error_t = withExtendedLifetime(file) {
      withExtendedLifetime(state) {
        let ctx = Unmanaged.passUnretained(state).toOpaque()
        return format == .xpt
          ? readstat_parse_xport(parser, "memory.xpt", ctx)
          : readstat_parse_sas7bdat(parser, "memory.sas7bdat", ctx)
      }
    }

    if let failure = state.failure { throw failure }
    if code != READSTAT_OK {
      throw TableError(line: 0, column: 0, describe(code, kind: kind, detail: state.readstatMessage))
    }
    guard !state.names.isEmpty else {
      throw TableError(line: 0, column: 0, "the \(kind) has no variables")
    }
    if let error = state.missingRequest() { throw error }

    if format == .xpt {
      // The observations: from where ReadStat stopped reading headers to the end of the member.
      guard let start = file.closedAt, let data = file.tail(from: start) else {
        throw TableError(line: 0, column: 0, "not a valid SAS transport file: no observations header (corrupted)")
      }
      if decodeHere {
        try XportDecoder.decode(data, into: state)
      }
      // ReadStat stops at the first short read, so a file cut inside a record would lose the
      // record silently: what follows the last whole record must be the blank padding.
      if state.rowLength > 0 {
        let rest = data.count % state.rowLength
        if UnsafeRawBufferPointer(rebasing: data[(data.count - rest)...]).contains(where: { $0 != 0x20 }) {
          let record = data.count / state.rowLength + 1
          throw TableError(
            line: record, column: 0,
            "not a valid SAS transport file: the file ends inside record \(record) (\(rest) of its \(state.rowLength) bytes are present); it is truncated or corrupted")
        }
      }
    }
    return try state.table(format: format, kind: kind, memberFallback: xport?.name)
  }

  /// The one-line message for a ReadStat error code.
  static func describe(_ code: readstat_error_t, kind: String, detail: String?) -> String {
    let text = readstat_error_message(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
    var message: String
    switch code {
    case READSTAT_ERROR_UNSUPPORTED_CHARSET:
      message = "cannot read the \(kind): its character encoding is not supported (ReadStat: \(text))"
    case READSTAT_ERROR_CONVERT, READSTAT_ERROR_CONVERT_BAD_STRING, READSTAT_ERROR_CONVERT_SHORT_STRING,
      READSTAT_ERROR_CONVERT_LONG_STRING:
      message = "cannot read the \(kind): text could not be converted from the file's character encoding to UTF-8 (ReadStat: \(text))"
    case READSTAT_ERROR_READ, READSTAT_ERROR_SEEK, READSTAT_ERROR_ROW_COUNT_MISMATCH:
      message = "not a valid \(kind): it is truncated or corrupted (ReadStat: \(text))"
    case READSTAT_ERROR_UNSUPPORTED_COMPRESSION:
      message = "cannot read the \(kind): it uses a compression ReadStat does not support (ReadStat: \(text))"
    case READSTAT_ERROR_UNSUPPORTED_FILE_FORMAT_VERSION:
      message = "not a valid \(kind), or an unsupported version of the format (ReadStat: \(text))"
    case READSTAT_ERROR_MALLOC:
      message = "not a valid \(kind): it is corrupted or too large (ReadStat: \(text))"
    default:
      message = "not a valid \(kind): it is truncated or corrupted (ReadStat: \(text))"
    }
    if let detail = detail.map(oneLine), !detail.isEmpty {
      message += "; \(detail)"
    }
    return message
  }

  /// `text` on one line, printable, and at most 200 characters.
  static func oneLine(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars.prefix(200) {
      out.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
    }
    if text.unicodeScalars.count > 200 { out += "…" }
    return out
  }
}

// MARK: - The buffer as a file

/// The bytes ReadStat reads: one or two slices of the caller's buffer, seen as one file.
final class MemoryFile {
  struct Segment {
    let start: UnsafeRawPointer
    let count: Int
  }
  let segments: [Segment]
  let size: Int
  var position = 0
  /// The position when ReadStat closed the file.
  var closedAt: Int?

  /// The bytes from virtual position `start` to the end, when they lie in one segment.
  func tail(from start: Int) -> UnsafeRawBufferPointer? {
    var segmentStart = 0
    for (k, segment) in segments.enumerated() {
      let segmentEnd = segmentStart + segment.count
      if start < segmentEnd || (start == segmentEnd && k == segments.count - 1) {
        guard k == segments.count - 1, start >= segmentStart else { return nil }
        return UnsafeRawBufferPointer(start: segment.start + (start - segmentStart), count: segmentEnd - start)
      }
      segmentStart = segmentEnd
    }
    return nil
  }

  init(_ segments: [Segment]) {
    self.segments = segments
    size = segments.reduce(0) { $0 + $1.count }
  }

  /// The new position, or -1 when it would fall outside the file.
  func seek(_ offset: Int64, _ whence: readstat_io_flags_t) -> Int64 {
    let origin: Int64
    switch whence {
    case READSTAT_SEEK_SET: origin = 0
    case READSTAT_SEEK_CUR: origin = Int64(position)
    case READSTAT_SEEK_END: origin = Int64(size)
    default: return -1
    }
    let (target, overflow) = origin.addingReportingOverflow(offset)
    guard !overflow, target >= 0, target <= Int64(size) else { return -1 }
    position = Int(target)
    return target
  }

  /// Copies up to `count` bytes from the position; the number copied (0 at the end).
  func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
    guard count > 0 else { return 0 }
    var copied = 0
    var segmentStart = 0
    for segment in segments {
      let segmentEnd = segmentStart + segment.count
      if position < segmentEnd && copied < count {
        let from = position - segmentStart
        let n = min(count - copied, segment.count - from)
        (buffer + copied).copyMemory(from: segment.start + from, byteCount: n)
        copied += n
        position += n
      }
      segmentStart = segmentEnd
    }
    return copied
  }
}

// MARK: - Transport members

/// One member of a transport file: where its `MEMBER` header record starts, where the member
/// ends (the next member's header, or the end of the file), and where its observations start.
struct XportMember {
  let name: String
  let start: Int
  let end: Int
  let dataStart: Int?
}

/// The members of a transport file, found by their 80-byte header records.
enum XportLayout {
  /// The library header: three 80-byte records.
  static let libraryHeaderLength = 240

  static let prefix = Array("HEADER RECORD*******".utf8)
  static let suffix = Array(" HEADER RECORD!!!!!!!".utf8)

  /// True when the 80-byte record at `offset` is the header record named `name` (8 characters,
  /// space padded).
  static func isHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ name: String) -> Bool {
    guard offset >= 0, offset + 80 <= bytes.count, bytes[offset] == 0x48 else { return false }
    var expected = prefix
    var padded = Array(name.utf8)
    while padded.count < 8 { padded.append(0x20) }
    expected += padded
    expected += suffix.dropFirst()
    for (i, b) in expected.enumerated() where bytes[offset + i] != b { return false }
    return true
  }

  /// The members, in file order (empty when the file does not start with a library header).
  static func scan(_ bytes: UnsafeRawBufferPointer) -> (version: Int, members: [XportMember]) {
    let version: Int
    if isHeader(bytes, at: 0, "LIBRARY") {
      version = 5
    } else if isHeader(bytes, at: 0, "LIBV8") {
      version = 8
    } else {
      return (0, [])
    }
    let memberName = version == 5 ? "MEMBER" : "MEMBV8"
    let descriptorName = version == 5 ? "DSCRPTR" : "DSCPTV8"
    let obsName = version == 5 ? "OBS" : "OBSV8"
    // Each member starts with a MEMBER header followed by a descriptor header, on a record
    // boundary (every member's observations are padded to a whole number of records).
    var starts: [Int] = []
    var offset = libraryHeaderLength
    let first = UInt8(ascii: "H")
    while offset + 160 <= bytes.count {
      if bytes[offset] == first, isHeader(bytes, at: offset, memberName), isHeader(bytes, at: offset + 80, descriptorName)
      {
        starts.append(offset)
        offset += 160
      } else {
        offset += 80
      }
    }
    var members: [XportMember] = []
    for (k, start) in starts.enumerated() {
      let end = k + 1 < starts.count ? starts[k + 1] : bytes.count
      // The member's name: bytes 8..<16 (v5) or 8..<40 (v8) of the record after the descriptor header.
      let nameStart = start + 160 + 8
      let nameLength = version == 5 ? 8 : 32
      var name = ""
      if nameStart + nameLength <= end {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<(nameStart + nameLength)])
        name = String(String(decoding: raw, as: UTF8.self).trimmingSpaces)
      }
      // The observations start after the OBS header record.
      var dataStart: Int? = nil
      var record = start + 160
      while record + 80 <= end {
        if isHeader(bytes, at: record, obsName) {
          dataStart = record + 80
          break
        }
        record += 80
      }
      members.append(XportMember(name: name, start: start, end: end, dataStart: dataStart))
    }
    return (version, members)
  }
}

// MARK: - Parse state

/// A dictionary of byte strings: a level number for each distinct value, by an open-addressing
/// hash table over a byte arena.
struct TextDictionary {
  /// The levels' bytes, one after another.
  var arena: [UInt8] = []
  /// Level k is `arena[starts[k]..<starts[k + 1]]`.
  var starts: [Int] = [0]
  /// Each level's hash.
  var hashes: [UInt64] = []
  /// The row at which each level first appears.
  var firstRows: [Int] = []
  /// Slots: a level number, or -1.
  var table: [Int32] = Array(repeating: -1, count: 64)

  var count: Int { hashes.count }

  static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    // FNV-1a, then a final mix so that the low bits are usable as a table index.
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
    h ^= h >> 33
    h &*= 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    return h
  }

  /// The level of the `n` bytes at `p`, added when new; nil when there are too many levels.
  mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int, row: Int) -> Int32? {
    let h = Self.hash(p, n)
    let mask = table.count - 1
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let level = table[slot]
      if level < 0 { break }
      let k = Int(level)
      if hashes[k] == h {
        let s = starts[k]
        let length = starts[k + 1] - s
        if length == n {
          let same = arena.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return n == 0 }
            return memcmp(base + s, p, n) == 0
          }
          if same { return level }
        }
      }
      slot = (slot + 1) & mask
    }
    guard hashes.count < Int(Int32.max) - 1 else { return nil }
    let level = Int32(hashes.count)
    arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    starts.append(arena.count)
    hashes.append(h)
    firstRows.append(row)
    table[slot] = level
    if hashes.count * 2 > table.count { grow() }
    return level
  }

  private mutating func grow() {
    var bigger = [Int32](repeating: -1, count: table.count * 2)
    let mask = bigger.count - 1
    for (k, h) in hashes.enumerated() {
      var slot = Int(truncatingIfNeeded: h) & mask
      while bigger[slot] >= 0 { slot = (slot + 1) & mask }
      bigger[slot] = Int32(k)
    }
    table = bigger
  }
}

/// Where one variable's values go.
final class ColumnSink {
  let name: String
  let position: Int
  let format: String?
  let isText: Bool
  var numbers: [Double] = []
  var codes: [Int32] = []
  var dictionary = TextDictionary()

  init(name: String, position: Int, format: String?, isText: Bool) {
    self.name = name
    self.position = position
    self.format = format
    self.isText = isText
  }

  var count: Int { isText ? codes.count : numbers.count }
}

/// What the callbacks build, reached through ReadStat's context pointer.
final class ParseState {
  let wanted: Set<String>?
  let fileBytes: Int
  var failure: TableError?
  var readstatMessage: String?
  var tableName: String?
  var rowCountHint = -1
  var variableCount = -1
  var names: [String] = []
  var nameSet: Set<String> = []
  var labels: [String: String] = [:]
  /// By file position: the sink, or nil when the variable is not read.
  var sinks: [ColumnSink?] = []
  /// The variable whose values count the rows when no variable is read (its values are dropped).
  var counterIndex = -1
  var rowLength = 0
  /// Every variable's storage width, in file order.
  var widths: [Int] = []
  /// Rows seen (one more than the highest observation index).
  var rowCount = 0
  var missingChecked = false

  /// The SAS7BDAT member asked for (its table name must match).
  let member: String?
  let kind: String
  var reserved = false

  init(wanted: Set<String>?, fileBytes: Int, member: String?, kind: String) {
    self.wanted = wanted
    self.fileBytes = fileBytes
    self.member = member
    self.kind = kind
  }

  static let ok = Int32(READSTAT_HANDLER_OK)
  static let abort = Int32(READSTAT_HANDLER_ABORT)
  static let skip = Int32(READSTAT_HANDLER_SKIP_VARIABLE)

  func fail(_ error: TableError) -> Int32 {
    if failure == nil { failure = error }
    return Self.abort
  }

  func metadata(_ metadata: UnsafeMutablePointer<readstat_metadata_t>) -> Int32 {
    if let name = readstat_get_table_name(metadata) {
      let s = String(decoding: UnsafeRawBufferPointer(start: name, count: strlen(name)), as: UTF8.self)
      tableName = s.trimmingSpaces.description.isEmpty ? nil : s.trimmingSpaces.description
    }
    rowCountHint = Int(readstat_get_row_count(metadata))
    variableCount = Int(readstat_get_var_count(metadata))
    if variableCount == 0 {
      return fail(TableError(line: 0, column: 0, "the \(kind) has no variables"))
    }
    if let member, member.uppercased() != (tableName ?? "").uppercased() {
      return fail(
        TableError(
          line: 0, column: 0, "no member '\(member)' in the \(kind) (members: \(tableName ?? "one, unnamed"))"))
    }
    return Self.ok
  }

  /// The capacity to reserve per column, once the row length is known: ReadStat's row count when
  /// it gives one, else an upper bound from the file size; never more than the file could hold
  /// (a compressed SAS7BDAT row takes at least a 12-byte pointer).
  func reserve() {
    reserved = true
    let bound = fileBytes / min(max(rowLength, 1), 12) + 16
    let capacity = rowCountHint >= 0 ? min(rowCountHint, bound) : fileBytes / max(rowLength, 1) + 1
    for case let sink? in sinks {
      if sink.isText { sink.codes.reserveCapacity(capacity) } else { sink.numbers.reserveCapacity(capacity) }
    }
  }

  func variable(_ index: Int, _ variable: UnsafeMutablePointer<readstat_variable_t>) -> Int32 {
    guard index == names.count else {
      return fail(TableError(line: 0, column: index + 1, "internal error: SAS variables arrived out of order"))
    }
    let name = readstat_variable_get_name(variable).map { String(cString: $0) } ?? ""
    if !nameSet.insert(name).inserted {
      return fail(TableError(line: 0, column: index + 1, "variable \(name) appears twice"))
    }
    names.append(name)
    if let label = readstat_variable_get_label(variable).map({ String(cString: $0) }), !label.isEmpty {
      labels[name] = label
    }
    let width = Int(truncatingIfNeeded: readstat_variable_get_storage_width(variable))
    let isText = readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING
    guard width >= 0, width <= 1 << 24 else {
      return fail(TableError(line: 0, column: index + 1, "not a valid \(kind): variable \(name) has length \(width)"))
    }
    widths.append(width)
    rowLength += width
    var result = Self.ok
    if wanted?.contains(name) ?? true {
      let format = readstat_variable_get_format(variable).map { String(cString: $0) }.flatMap {
        let f = $0.trimmingSpaces.description
        return f.isEmpty ? nil : f
      }
      sinks.append(ColumnSink(name: name, position: index + 1, format: format, isText: isText))
    } else if index == 0 {
      // The first variable's values count the rows (and are dropped) when it is not read, so
      // that the row count is known whatever is read.
      sinks.append(nil)
      counterIndex = 0
    } else {
      sinks.append(nil)
      result = Self.skip
    }
    // After the last variable, every requested name must exist.
    if variableCount > 0 && index == variableCount - 1, let error = missingRequest() { return fail(error) }
    return result
  }

  /// An error for a requested column the file does not have.
  func missingRequest() -> TableError? {
    guard let wanted else { return nil }
    for name in wanted.sorted() where !nameSet.contains(name) {
      return TableError(line: 0, column: 0, "no variable '\(name)' in the \(kind)")
    }
    return nil
  }

  func value(row: Int, _ variable: UnsafeMutablePointer<readstat_variable_t>, _ value: readstat_value_t) -> Int32 {
    let index = Int(readstat_variable_get_index(variable))
    guard row >= 0, row < Int(Int32.max) - 1 else {
      return fail(TableError(line: 0, column: index + 1, "the \(kind) has more records than can be read"))
    }
    if row >= rowCount { rowCount = row + 1 }
    if !reserved { reserve() }
    guard index >= 0, index < sinks.count, let sink = sinks[index] else {
      if index == counterIndex { return Self.ok }
      return fail(TableError(line: row + 1, column: index + 1, "internal error: a value of an unknown SAS variable"))
    }
    guard sink.count == row else {
      return fail(TableError(line: row + 1, column: index + 1, "not a valid \(kind): record \(row + 1) of \(sink.name) arrived out of order"))
    }
    if sink.isText {
      var code: Int32 = -1
      if value.type == READSTAT_TYPE_STRING || value.type == READSTAT_TYPE_STRING_REF,
        let s = value.v.string_value
      {
        let p = UnsafeRawPointer(s).assumingMemoryBound(to: UInt8.self)
        var end = strlen(s)
        var start = 0
        while end > 0 && p[end - 1] == 0x20 { end -= 1 }
        while start < end && p[start] == 0x20 { start += 1 }
        if end > start {
          guard let c = sink.dictionary.code(p + start, end - start, row: row) else {
            return fail(TableError(line: row + 1, column: index + 1, "variable \(sink.name) has too many distinct values"))
          }
          code = c
        }
      }
      sink.codes.append(code)
    } else {
      let x: Double
      if value.is_system_missing != 0 || value.is_tagged_missing != 0 {
        x = .nan
      } else {
        switch value.type {
        case READSTAT_TYPE_DOUBLE: x = value.v.double_value
        case READSTAT_TYPE_FLOAT: x = Double(value.v.float_value)
        case READSTAT_TYPE_INT32: x = Double(value.v.i32_value)
        case READSTAT_TYPE_INT16: x = Double(value.v.i16_value)
        case READSTAT_TYPE_INT8: x = Double(value.v.i8_value)
        default: x = .nan
        }
      }
      sink.numbers.append(x)
    }
    return Self.ok
  }

  /// The table, once the parse has succeeded.
  func table(format: DataTable.Format, kind: String, memberFallback: String?) throws(TableError) -> DataTable {
    var columns: [String: DataColumn] = [:]
    for case let sink? in sinks {
      guard sink.count == rowCount else {
        throw TableError(
          line: sink.count + 1, column: sink.position,
          "not a valid \(kind): variable \(sink.name) has \(sink.count) values in \(rowCount) records")
      }
      if sink.isText {
        let d = sink.dictionary
        var levels: [String] = []
        levels.reserveCapacity(d.count)
        let invalid: Int? = d.arena.withUnsafeBufferPointer { arena -> Int? in
          for k in 0..<d.count {
            let slice = UnsafeBufferPointer(rebasing: arena[d.starts[k]..<d.starts[k + 1]])
            guard let s = String(validating: slice, as: UTF8.self) else { return k }
            levels.append(s)
          }
          return nil
        }
        if let k = invalid {
          throw TableError(
            line: d.firstRows[k] + 1, column: sink.position,
            "record \(d.firstRows[k] + 1), variable \(sink.name): the text is not valid UTF-8 (the file's character encoding is not UTF-8 or is declared wrongly)")
        }
        columns[sink.name] = DataColumn(name: sink.name, storage: .text(codes: sink.codes, levels: levels), format: sink.format)
      } else {
        columns[sink.name] = DataColumn(name: sink.name, storage: .numeric(sink.numbers), format: sink.format)
      }
    }
    var rowLines = [Int32](repeating: 0, count: rowCount)
    for i in 0..<rowCount { rowLines[i] = Int32(i + 1) }
    return DataTable(
      format: format, names: names, labels: labels, columns: columns, rowCount: rowCount,
      rowLines: rowLines, member: tableName ?? memberFallback)
  }
}

// MARK: - Transport observations

/// Decodes transport observations (the record layout of SAS technical note TS-140: fixed-width
/// records of 80-byte lines, numbers as IBM hexadecimal floating point, text padded with blanks)
/// without a callback per value; ReadStat reads the headers.
enum XportDecoder {
  /// The IBM System/360 hexadecimal floating-point number in `width` bytes (2–8; the missing
  /// low-order bytes are zero) at `p`: sign bit, a 7-bit base-16 exponent biased by 64 and a
  /// 56-bit fraction, value = ±fraction · 2^-56 · 16^(exponent − 64). Converted with one rounding
  /// to nearest (the 56-bit fraction to 53 bits; the power of two is exact). A zero fraction with a
  /// nonzero first byte is a missing value (`.`, `.A`–`.Z`, `._`: NaN); all zeros is 0. The largest
  /// IBM magnitude, which IEEE-to-IBM writers use for infinity, reads as infinity.
  @inline(__always)
  static func number(_ p: UnsafeRawPointer, _ width: Int) -> Double {
    guard width >= 2 && width <= 8 else { return .nan }
    var v: UInt64 = 0
    if width == 8 {
      v = UInt64(bigEndian: p.loadUnaligned(as: UInt64.self))
    } else {
      for i in 0..<width { v |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(56 - 8 * i) }
    }
    let first = v >> 56
    let fraction = v & 0x00FF_FFFF_FFFF_FFFF
    if fraction == 0 { return first == 0 ? 0 : .nan }
    let negative = first & 0x80 != 0
    if first & 0x7F == 0x7F && fraction == 0x00FF_FFFF_FFFF_FFFF { return negative ? -.infinity : .infinity }
    let magnitude = Double(sign: .plus, exponent: 4 * (Int(first & 0x7F) - 64) - 56, significand: Double(fraction))
    return negative ? -magnitude : magnitude
  }

  /// Decodes the observations in `data` (from the first observation to the end of the member)
  /// into the state's columns. As ReadStat does, a partial last record is ignored (the caller
  /// checks it is padding) and blank records are kept only when a non-blank record follows.
  static func decode(_ data: UnsafeRawBufferPointer, into state: ParseState) throws(TableError) {
    let rowLength = state.rowLength
    guard rowLength > 0, let base = data.baseAddress else { return }
    let fullRows = data.count / rowLength
    // The last non-blank record ends the data.
    var rows = fullRows
    while rows > 0 {
      let row = UnsafeRawBufferPointer(start: base + (rows - 1) * rowLength, count: rowLength)
      if row.contains(where: { $0 != 0x20 }) { break }
      rows -= 1
    }
    guard rows < Int(Int32.max) - 1 else {
      throw TableError(line: 0, column: 0, "the SAS transport file has more records than can be read")
    }
    var offsets: [Int] = []
    var offset = 0
    for w in state.widths {
      offsets.append(offset)
      offset += w
    }
    // Each column is written in place into its array: the arrays are opened one inside the
    // other (unsafeUninitializedCapacity), and the records are decoded in the innermost scope.
    var numberColumns: [(offset: Int, width: Int, out: UnsafeMutablePointer<Double>?)] = []
    var textColumns: [(offset: Int, width: Int, out: UnsafeMutablePointer<Int32>?)] = []
    var numberSinks: [ColumnSink] = []
    var textSinks: [ColumnSink] = []
    for (k, sink) in state.sinks.enumerated() {
      guard let sink else { continue }
      if sink.isText {
        textColumns.append((offsets[k], state.widths[k], nil))
        textSinks.append(sink)
      } else {
        numberColumns.append((offsets[k], state.widths[k], nil))
        numberSinks.append(sink)
      }
    }
    var dictionaries = [TextDictionary](repeating: TextDictionary(), count: textColumns.count)

    func decodeRows() {
      // Local copies: the captured variables would be checked for exclusive access each time.
      let numberColumns = numberColumns.map { (offset: $0.offset, width: $0.width, out: $0.out.unsafelyUnwrapped) }
      let textColumns = textColumns.map { (offset: $0.offset, width: $0.width, out: $0.out.unsafelyUnwrapped) }
      var local = dictionaries
      defer { dictionaries = local }
      for r in 0..<rows {
        let row = base + r * rowLength
        for c in numberColumns.indices {
          let column = numberColumns[c]
          column.out[r] = number(row + column.offset, column.width)
        }
        for c in textColumns.indices {
          let column = textColumns[c]
          let p = (row + column.offset).assumingMemoryBound(to: UInt8.self)
          // The value ends at its first NUL (ReadStat hands it on as a C string); then trimmed.
          var end = 0
          while end < column.width && p[end] != 0 { end += 1 }
          var start = 0
          while end > 0 && p[end - 1] == 0x20 { end -= 1 }
          while start < end && p[start] == 0x20 { start += 1 }
          // There are fewer levels than rows (< Int32.max), so a code is always found.
          column.out[r] = end > start ? local[c].code(p + start, end - start, row: r) ?? -1 : -1
        }
      }
    }
    func openNumbers(_ k: Int) {
      if k == numberColumns.count { return openTexts(0) }
      numberSinks[k].numbers = [Double](unsafeUninitializedCapacity: rows) { buffer, count in
        numberColumns[k].out = buffer.baseAddress
        openNumbers(k + 1)
        count = rows
      }
    }
    func openTexts(_ k: Int) {
      if k == textColumns.count { return rows > 0 ? decodeRows() : () }
      textSinks[k].codes = [Int32](unsafeUninitializedCapacity: rows) { buffer, count in
        textColumns[k].out = buffer.baseAddress
        openTexts(k + 1)
        count = rows
      }
    }
    openNumbers(0)
    for (k, sink) in textSinks.enumerated() { sink.dictionary = dictionaries[k] }
    state.rowCount = rows
  }
}
