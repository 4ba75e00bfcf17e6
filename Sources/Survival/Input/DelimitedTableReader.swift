import Foundation

/// Reads delimited text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into a ``DataTable`` in one
/// pass, at memory speed: only the requested columns are converted (numbers from bytes to doubles
/// with no String in between, text dictionary-encoded as it is read); other columns are skipped.
/// Files of a megabyte or more are split at record boundaries and parsed on two cores; the result
/// does not depend on the split.
///
/// Cells are trimmed of spaces and tabs; an empty cell, `NA` or `.` is missing. Errors name the
/// physical line and character column: a quote inside an unquoted field, text after a closing
/// quote, an unterminated quoted field, a row with the wrong number of fields, a number column
/// holding text, a column mixing numbers and text (``ColumnKind/auto``), text that is not UTF-8 in
/// a text column.
public enum DelimitedTableReader {
  /// Reads `requests` from `bytes` (kept alive by `owner` for location look-ups in messages).
  /// - Throws: ``TableError`` at the first problem in file order.
  public static func read(
    bytes: UnsafeRawBufferPointer, owner: AnyObject? = nil, delimiter: UInt8 = UInt8(ascii: ","),
    requests: [ColumnRequest], format: DataTable.Format = .csv, releasingPages: Bool = false
  ) throws(TableError) -> DataTable {
    guard let raw = bytes.baseAddress, bytes.count > 0 else {
      throw TableError(line: 1, column: 1, "the input is empty (no header row)")
    }
    let p = raw.assumingMemoryBound(to: UInt8.self)
    let count = bytes.count
    var start = 0
    if count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { start = 3 }
    // The header: the first non-blank record.
    var header = Chunk(p: p, start: start, end: count, delimiter: delimiter, slots: [], width: -1)
    guard let names = try header.header() else {
      throw TableError(line: 1, column: 1, "the input is empty (no header row)")
    }
    var slotOf = [Int](repeating: -1, count: names.count)
    var slots: [Slot] = []
    for r in requests {
      guard let i = names.firstIndex(of: r.name) else {
        throw TableError(line: 1, column: 1, "no column '\(r.name)'")
      }
      if names.lastIndex(of: r.name) != i {
        let j = names.lastIndex(of: r.name) ?? i
        throw TableError(line: header.headerLine, column: header.headerColumns[j], "column '\(r.name)' appears twice in the header")
      }
      if slotOf[i] < 0 {
        slotOf[i] = slots.count
        slots.append(Slot(name: r.name, kind: r.kind))
      }
    }
    let dataStart = header.position
    let firstLine = header.line
    // Split points at record boundaries (a line end outside quotes).
    let parts = count - dataStart >= 1 << 20 ? 2 : 1
    var bounds = [dataStart]
    if parts == 2 {
      let hasQuote = memchr(p + dataStart, 0x22, count - dataStart) != nil
      var cut = dataStart + (count - dataStart) / 2
      var inQuotes = false
      if hasQuote {
        for k in dataStart..<cut where p[k] == 0x22 { inQuotes.toggle() }
      }
      while cut < count {
        let b = p[cut]
        if b == 0x22 { inQuotes.toggle() }
        cut += 1
        if b == 0x0A && !inQuotes { break }
      }
      if cut < count { bounds.append(cut) }
    }
    bounds.append(count)
    let chunkCount = bounds.count - 1
    // Rows expected (from the line ends in the first 64 KB), so that the columns are allocated
    // once: the first chunk reserves room for all of them, the others for their share.
    let sample = min(count - dataStart, 1 << 16)
    var ends = 0
    for k in dataStart..<(dataStart + sample) where p[k] == 0x0A { ends += 1 }
    let expected = sample > 0 ? Int(Double(ends) * Double(count - dataStart) / Double(sample) * 1.02) + 16 : 16
    let results = Slots<ChunkResult>(chunkCount)
    let shared = Unchecked((p, slotOf, slots, names.count, bounds))
    let work: @Sendable (Int) -> Void = { k in
      let (p, slotOf, slots, width, bounds) = shared.value
      let share = k == 0 ? expected : expected * (bounds[k + 1] - bounds[k]) / max(1, count - dataStart) + 16
      var chunk = Chunk(
        p: p, start: bounds[k], end: bounds[k + 1], delimiter: delimiter, slots: slots.map { $0.empty(reserving: share) },
        width: width)
      chunk.rowLines.reserveCapacity(share)
      chunk.releasesPages = releasingPages
      chunk.slotOf = slotOf
      var failure: TableError?
      do throws(TableError) {
        try chunk.records()
      } catch {
        failure = error
      }
      results.set(k, ChunkResult(slots: chunk.slots, rowLines: chunk.rowLines, lines: chunk.line - 1, error: failure))
    }
    if chunkCount == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunkCount, execute: work) }
    var parts_: [ChunkResult] = []
    var lineOffset = firstLine - 1
    for k in 0..<chunkCount {
      guard var r = results.take(k) else { throw TableError(line: 0, column: 0, "internal error: a chunk produced nothing") }
      if var e = r.error {
        e.line += lineOffset
        throw e
      }
      r.offset = lineOffset
      lineOffset += r.lines
      parts_.append(r)
    }
    return try assemble(parts_, names: names, slots: slots, format: format, bytes: Unchecked((p, count, delimiter)), owner: owner)
  }

  /// The header of delimited text: the column names (trimmed), the character column where each
  /// starts, and its line.
  public static func header(bytes: UnsafeRawBufferPointer, delimiter: UInt8) throws(TableError)
    -> (names: [String], columns: [Int], line: Int)
  {
    guard let raw = bytes.baseAddress, bytes.count > 0 else {
      throw TableError(line: 1, column: 1, "the input is empty (no header row)")
    }
    let p = raw.assumingMemoryBound(to: UInt8.self)
    let start = bytes.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
    var header = Chunk(p: p, start: start, end: bytes.count, delimiter: delimiter, slots: [], width: -1)
    guard let names = try header.header() else {
      throw TableError(line: 1, column: 1, "the input is empty (no header row)")
    }
    return (names, header.headerColumns, header.headerLine)
  }

  private static func assemble(
    _ parts: [ChunkResult], names: [String], slots: [Slot], format: DataTable.Format,
    bytes: Unchecked<(UnsafePointer<UInt8>, Int, UInt8)>, owner: AnyObject?
  ) throws(TableError) -> DataTable {
    var parts = parts
    let rows = parts.reduce(0) { $0 + $1.rowLines.count }
    var rowLines = parts[0].rowLines
    parts[0].rowLines = []
    let first = Int32(clamping: parts[0].offset)
    if first != 0 { for k in rowLines.indices { rowLines[k] &+= first } }
    rowLines.reserveCapacity(rows)
    for part in parts.dropFirst() {
      let o = Int32(clamping: part.offset)
      rowLines.append(contentsOf: part.rowLines.lazy.map { $0 &+ o })
    }
    var columns: [String: DataColumn] = [:]
    for (s, slot) in slots.enumerated() {
      var pieces = parts.map { $0.slots[s] }
      for k in parts.indices { parts[k].slots[s] = Slot(name: slot.name, kind: slot.kind) }
      columns[slot.name] = try merge(&pieces, slot: slot, offsets: parts.map(\.offset))
    }
    let keep = Unchecked(owner as AnyObject?)
    let lines = rowLines
    let locate: @Sendable (Int, Int) -> Int = { row, column in
      _ = keep
      let (p, count, delimiter) = bytes.value
      let line = row >= 0 && row < lines.count ? Int(lines[row]) : 1
      return characterColumn(p, count, delimiter: delimiter, line: line, field: column)
    }
    return DataTable(format: format, names: names, columns: columns, rowCount: rows, rowLines: rowLines, cellColumn: locate)
  }

  private static func merge(_ pieces: inout [Slot], slot: Slot, offsets: [Int]) throws(TableError) -> DataColumn {
    let anyText = pieces.contains { $0.hasText }
    let anyNumber = pieces.contains { $0.firstNumber != nil }
    if slot.kind == .auto && anyText && anyNumber {
      let (ni, n) = pieces.enumerated().first { $0.element.firstNumber != nil }.map { ($0.offset, $0.element.firstNumber) } ?? (0, nil)
      let (ti, t) = pieces.enumerated().first { $0.element.firstText != nil }.map { ($0.offset, $0.element.firstText) } ?? (0, nil)
      let num = n.map { "line \($0.line + offsets[ni]) column \($0.column) has \($0.text)" } ?? ""
      let txt = t.map { "line \($0.line + offsets[ti]) column \($0.column) has '\($0.text)'" } ?? ""
      let line = t.map { $0.line + offsets[ti] } ?? 1
      throw TableError(
        line: line, column: t?.column ?? 1,
        "column \(slot.name) mixes numbers and text (\(num); \(txt)): a mistyped number, or a text column to read as a factor",
        mixedColumn: slot.name)
    }
    if slot.kind == .number || (slot.kind == .auto && !anyText) {
      var all = pieces[0].numbers
      pieces[0].numbers = []  // the only reference: appending does not copy
      all.reserveCapacity(pieces.reduce(0) { $0 + $1.numbers.count })
      for piece in pieces.dropFirst() { all.append(contentsOf: piece.numbers) }
      return DataColumn(name: slot.name, storage: .numeric(all))
    }
    // Text: one set of levels in first-appearance order across the pieces.
    var levels: [String] = []
    var index: [String: Int32] = [:]
    var codes: [Int32] = []
    codes.reserveCapacity(pieces.reduce(0) { $0 + $1.rows })
    for k in pieces.indices {
      let piece = pieces[k]
      var map: [Int32] = []
      for level in piece.dictionary.levels {
        if let c = index[level] {
          map.append(c)
        } else {
          let c = Int32(levels.count)
          index[level] = c
          levels.append(level)
          map.append(c)
        }
      }
      if piece.codes.isEmpty {
        codes.append(contentsOf: repeatElement(-1, count: piece.rows))
      } else if pieces.count == 1 && map.enumerated().allSatisfy({ $0.offset == Int($0.element) }) {
        pieces[k].codes = []
        codes = piece.codes
      } else {
        codes.append(contentsOf: piece.codes.lazy.map { $0 < 0 ? -1 : map[Int($0)] })
      }
    }
    return DataColumn(name: slot.name, storage: .text(codes: codes, levels: levels))
  }

  /// The character column (from 1) of field `field` on the record starting at physical `line`.
  static func characterColumn(_ p: UnsafePointer<UInt8>, _ count: Int, delimiter: UInt8, line: Int, field: Int) -> Int {
    var pos = 0
    if count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }
    var l = 1
    while l < line && pos < count {
      if p[pos] == 0x0A { l += 1 } else if p[pos] == 0x0D && !(pos + 1 < count && p[pos + 1] == 0x0A) { l += 1 }
      pos += 1
    }
    let lineStart = pos
    var f = 0
    var inQuotes = false
    while f < field && pos < count {
      let b = p[pos]
      if b == 0x22 { inQuotes.toggle() }
      if !inQuotes && (b == 0x0A || b == 0x0D) { break }
      if !inQuotes && b == delimiter { f += 1 }
      pos += 1
    }
    var c = 1
    var k = lineStart
    while k < pos {
      if p[k] == 0x0A { c = 1 } else if p[k] & 0xC0 != 0x80 { c += 1 }
      k += 1
    }
    return c
  }
}

extension TableError {
  /// An error about a column that mixes numbers and text.
  init(line: Int, column: Int, _ message: String, mixedColumn: String) {
    self.init(line: line, column: column, message)
    self.mixedColumn = mixedColumn
  }
}

/// A cell remembered for messages: chunk-local line, character column and text.
struct CellNote: Sendable {
  var line: Int
  var column: Int
  var text: String
}

/// One requested column being read in one chunk.
struct Slot: Sendable {
  let name: String
  let kind: ColumnKind
  var numbers: [Double] = []
  var codes: [Int32] = []
  var dictionary = ByteDictionary()
  var rows = 0
  var hasText = false
  var firstNumber: CellNote?
  var firstText: CellNote?

  init(name: String, kind: ColumnKind) {
    self.name = name
    self.kind = kind
  }

  /// A fresh slot for the same column, with room for `rows` values.
  func empty(reserving rows: Int) -> Slot {
    var s = Slot(name: name, kind: kind)
    if kind != .text { s.numbers.reserveCapacity(rows) } else { s.codes.reserveCapacity(rows) }
    return s
  }
}

struct ChunkResult: Sendable {
  var slots: [Slot]
  var rowLines: [Int32]
  var lines: Int
  var error: TableError?
  var offset = 0
}

/// Dictionary encoding of byte strings: open addressing on a 64-bit FNV-1a hash, with the last
/// level hit tried first (columns of a few levels repeat).
struct ByteDictionary: Sendable {
  private(set) var levels: [String] = []
  private var bytes: [[UInt8]] = []
  private var table = [Int32](repeating: -1, count: 64)
  private var hashes: [UInt64] = []
  private var last: Int32 = -1

  /// The code of `p[start..<end]`, adding it as a new level when unseen; nil when the bytes are
  /// not UTF-8.
  @inline(__always)
  mutating func code(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int32? {
    let n = end - start
    if last >= 0 && equal(Int(last), p, start, n) { return last }
    // A column of a few levels (an arm, an event code): try each before hashing.
    if levels.count <= 8 {
      for c in 0..<levels.count where equal(c, p, start, n) {
        last = Int32(c)
        return last
      }
    }
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for k in start..<end { h = (h ^ UInt64(p[k])) &* 0x100_0000_01b3 }
    let mask = table.count - 1
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let c = table[slot]
      if c < 0 { break }
      if hashes[Int(c)] == h && equal(Int(c), p, start, n) {
        last = c
        return c
      }
      slot = (slot + 1) & mask
    }
    let buffer = UnsafeBufferPointer<UInt8>(start: p + start, count: n)
    guard let text = String(validating: buffer, as: UTF8.self) else { return nil }
    let c = Int32(levels.count)
    levels.append(text)
    bytes.append(Array(buffer))
    hashes.append(h)
    table[slot] = c
    last = c
    if levels.count * 2 > table.count { grow() }
    return c
  }

  @inline(__always)
  private func equal(_ c: Int, _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Bool {
    bytes[c].withUnsafeBufferPointer { b in
      guard b.count == n, let q = b.baseAddress else { return b.count == n }
      if n <= 16 {
        for k in 0..<n where q[k] != p[start + k] { return false }
        return true
      }
      return memcmp(q, p + start, n) == 0
    }
  }

  private mutating func grow() {
    table = [Int32](repeating: -1, count: table.count * 2)
    let mask = table.count - 1
    for (c, h) in hashes.enumerated() {
      var slot = Int(truncatingIfNeeded: h) & mask
      while table[slot] >= 0 { slot = (slot + 1) & mask }
      table[slot] = Int32(c)
    }
  }
}

/// The parser of one byte range of records.
struct Chunk {
  let p: UnsafePointer<UInt8>
  var position: Int
  let end: Int
  let delimiter: UInt8
  var slots: [Slot]
  /// Fields per record (from the header); -1 while reading the header.
  let width: Int
  var slotOf: [Int] = []
  var line = 1
  var lineStart: Int
  var rowLines: [Int32] = []
  var headerColumns: [Int] = []
  var headerLine = 1
  /// True for a memory-mapped file: pages already parsed are handed back to the kernel as the
  /// chunk goes (they are read again from the page cache if a message needs them), so that the
  /// file and its columns are not both in memory.
  var releasesPages = false
  private var released = 0
  private var scratch: [UInt8] = []

  init(p: UnsafePointer<UInt8>, start: Int, end: Int, delimiter: UInt8, slots: [Slot], width: Int) {
    self.p = p
    self.position = start
    self.end = end
    self.delimiter = delimiter
    self.slots = slots
    self.width = width
    self.lineStart = start
  }

  /// The character column (from 1) of byte `index` on the current line.
  func column(at index: Int, from start: Int? = nil) -> Int {
    var c = 1
    var k = start ?? lineStart
    while k < index {
      if p[k] & 0xC0 != 0x80 { c += 1 }
      k += 1
    }
    return c
  }

  /// Skips blank lines; false at the end.
  private mutating func skipBlank() -> Bool {
    while position < end {
      let b = p[position]
      if b == 0x0A {
        position += 1
        newLine()
      } else if b == 0x0D {
        position += position + 1 < end && p[position + 1] == 0x0A ? 2 : 1
        newLine()
      } else {
        return true
      }
    }
    return false
  }

  @inline(__always)
  private mutating func newLine() {
    line += 1
    lineStart = position
  }

  /// The header's names (trimmed), nil when the input holds no record.
  mutating func header() throws(TableError) -> [String]? {
    guard skipBlank() else { return nil }
    headerLine = line
    var names: [String] = []
    try record { chunk, index, base, s, e, at throws(TableError) in
      let at = chunk.resolve(at)
      chunk.headerColumns.append(at)
      let buffer = UnsafeBufferPointer(start: base + s, count: e - s)
      guard let text = String(validating: buffer, as: UTF8.self) else {
        throw TableError(line: chunk.line, column: at, "field is not valid UTF-8")
      }
      names.append(String(text.trimmingSpaces))
    }
    return names
  }

  /// Reads every record of the chunk into the slots.
  mutating func records() throws(TableError) {
    var local = slots
    slots = []
    defer { slots = local }
    try local.withUnsafeMutableBufferPointer { sp throws(TableError) in
      guard let sp = sp.baseAddress else { return try records(nil) }
      try records(sp)
    }
  }

  private mutating func records(_ sp: UnsafeMutablePointer<Slot>?) throws(TableError) {
    let width = self.width
    released = position
    while skipBlank() {
      if releasesPages && position - released >= 1 << 22 { releaseParsed() }
      let recordLine = line
      rowLines.append(Int32(truncatingIfNeeded: recordLine))
      var fields = 0
      var lastAt = 1
      var lastLineStart = lineStart
      try record { chunk, index, base, s, e, at throws(TableError) in
        fields = index + 1
        if index < width {
          lastAt = at
          lastLineStart = chunk.lineStart
          let slot = chunk.slotOf[index]
          if slot >= 0, let sp { try chunk.store(sp + slot, base, s, e, at: at, line: recordLine) }
        } else if index == width {
          lastAt = at
          lastLineStart = chunk.lineStart
        }
      }
      if fields != width {
        throw TableError(
          line: recordLine, column: lastAt > 0 ? lastAt : column(at: -lastAt - 1, from: lastLineStart),
          "row has \(fields) field\(fields == 1 ? "" : "s"), the header has \(width)")
      }
    }
  }

  /// Hands the whole pages between the last release and the current position back to the kernel.
  private mutating func releaseParsed() {
    let page = 4096
    let base = Int(bitPattern: UnsafeRawPointer(p))
    let from = (base + released + page - 1) / page * page
    let to = (base + position) / page * page
    if to > from, let start = UnsafeMutableRawPointer(bitPattern: from) { _ = madvise(start, to - from, MADV_DONTNEED) }
    released = position
  }

  /// The character column of a field position handed to a field callback: a positive column
  /// as it is, or a byte offset encoded as -(offset + 1), counted on demand.
  func resolve(_ at: Int) -> Int { at > 0 ? at : column(at: -at - 1) }

  /// One record: calls `field(chunk, index, base, start, end, at)` for each field's bytes
  /// (quotes removed) in `base[start..<end]`; `at` is the field's place for ``resolve(_:)``.
  @inline(__always)
  private mutating func record(
    _ field: (inout Chunk, Int, UnsafePointer<UInt8>, Int, Int, Int) throws(TableError) -> Void
  ) throws(TableError) {
    var index = 0
    while true {
      let fieldStart = position
      if position < end && p[position] == 0x22 {
        let openLine = line
        let openColumn = column(at: position)
        position += 1
        scratch.removeAll(keepingCapacity: true)
        var closed = false
        while position < end {
          let b = p[position]
          if b == 0x22 {
            if position + 1 < end && p[position + 1] == 0x22 {
              scratch.append(0x22)
              position += 2
              continue
            }
            position += 1
            closed = true
            break
          }
          scratch.append(b)
          position += 1
          if b == 0x0A { newLine() }
        }
        if !closed {
          throw TableError(line: openLine, column: openColumn, "quoted field is not closed before the end of the input")
        }
        if position < end {
          let b = p[position]
          if b != delimiter && b != 0x0A && b != 0x0D {
            throw TableError(
              line: line, column: column(at: position),
              "unexpected text after a closing quote (a quote inside a field is written \"\")")
          }
        }
        let copy = scratch
        let n = copy.count
        try copy.withUnsafeBufferPointer { b throws(TableError) in
          var empty: UInt8 = 0
          try withUnsafePointer(to: &empty) { e throws(TableError) in
            try field(&self, index, b.baseAddress ?? e, 0, n, openColumn)
          }
        }
      } else {
        var k = position
        let d = delimiter
        while k < end {
          let b = p[k]
          if b == d || b == 0x0A || b == 0x0D { break }
          if b == 0x22 {
            throw TableError(
              line: line, column: column(at: k),
              "quote inside an unquoted field (enclose the field in quotes and double the quote)")
          }
          k += 1
        }
        position = k
        try field(&self, index, p, fieldStart, k, -fieldStart - 1)
      }
      index += 1
      if position >= end { break }
      let b = p[position]
      if b == delimiter {
        position += 1
        continue
      }
      if b == 0x0D && position + 1 < end && p[position + 1] == 0x0A { position += 1 }
      position += 1
      newLine()
      break
    }
  }

  /// Converts one cell of slot `s` and appends it.
  @inline(__always)
  func store(_ slot: UnsafeMutablePointer<Slot>, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, at: Int, line: Int) throws(TableError) {
    var a = start
    var b = end
    while a < b && (base[a] == 0x20 || base[a] == 0x09) { a += 1 }
    while b > a && (base[b - 1] == 0x20 || base[b - 1] == 0x09) { b -= 1 }
    let n = b - a
    let missing = n == 0 || (n == 1 && base[a] == 0x2E) || (n == 2 && base[a] == 0x4E && base[a + 1] == 0x41)
    let kind = slot.pointee.kind
    slot.pointee.rows += 1
    if missing {
      if kind != .text { slot.pointee.numbers.append(.nan) }
      if kind != .number && slot.pointee.hasText || kind == .text { slot.pointee.codes.append(-1) }
      return
    }
    if kind != .text {
      if let v = NumberParser.parse(base, a, b) {
        if kind == .auto && slot.pointee.hasText { slot.pointee.codes.append(-1) }
        slot.pointee.numbers.append(v)
        if slot.pointee.firstNumber == nil {
          slot.pointee.firstNumber = CellNote(line: line, column: resolve(at), text: Self.clip(base, a, b))
        }
        return
      }
      if kind == .number {
        throw TableError(line: line, column: resolve(at), "\(slot.pointee.name) '\(Self.clip(base, a, b))' is not a number")
      }
      slot.pointee.numbers.append(.nan)
      if !slot.pointee.hasText {
        slot.pointee.hasText = true
        slot.pointee.codes = [Int32](repeating: -1, count: slot.pointee.rows - 1)
        slot.pointee.firstText = CellNote(line: line, column: resolve(at), text: Self.clip(base, a, b))
      }
    }
    guard let code = slot.pointee.dictionary.code(base, a, b) else {
      throw TableError(line: line, column: resolve(at), "field is not valid UTF-8")
    }
    if kind == .text { slot.pointee.hasText = true }
    slot.pointee.codes.append(code)
  }

  /// A cell's text for a message, cut to 40 characters.
  static func clip(_ base: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> String {
    let text = String(decoding: UnsafeBufferPointer(start: base + a, count: min(b - a, 160)), as: UTF8.self)
    let escaped = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    return escaped.count > 40 ? String(escaped.prefix(40)) + "..." : escaped
  }
}
