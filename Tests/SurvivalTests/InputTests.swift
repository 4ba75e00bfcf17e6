import Testing

@testable import Survival

/// A table read from `bytes` (typed errors through `withUnsafeBytes`).
func readTable(_ bytes: [UInt8], _ requests: [ColumnRequest], delimiter: UInt8 = 44) throws(TableError) -> DataTable {
  let r: Result<DataTable, TableError> = bytes.withUnsafeBytes { b in
    do throws(TableError) {
      return .success(try DelimitedTableReader.read(bytes: b, delimiter: delimiter, requests: requests))
    } catch {
      return .failure(error)
    }
  }
  return try r.get()
}

@Suite struct DelimitedTableReaderTests {
  /// Every column read as text; each record's values (nil where missing).
  func records(_ text: String, delimiter: Character = ",") throws(TableError) -> (names: [String], rows: [[String?]], lines: [Int32]) {
    let bytes = Array(text.utf8)
    let d = delimiter.asciiValue ?? 44
    let result: Result<(names: [String], rows: [[String?]], lines: [Int32]), TableError> = bytes.withUnsafeBytes { b in
      do throws(TableError) {
        let names = try DelimitedTableReader.header(bytes: b, delimiter: d).names
        let t = try DelimitedTableReader.read(bytes: b, delimiter: d, requests: names.map { ColumnRequest($0, .text) })
        let rows = (0..<t.rowCount).map { i in names.map { t.columns[$0]?.text(i) } }
        return .success((names, rows, t.rowLines))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  @Test func quotedFieldsWithDelimitersQuotesAndNewlines() throws {
    let r = try records("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n3,4,5\n")
    #expect(r.names == ["a", "b", "c"])
    #expect(r.rows == [["x, y", "say \"hi\"", "two\nlines"], ["3", "4", "5"]])
    // The quoted newline moves the line count on: the second record starts on physical line 4.
    #expect(r.lines == [2, 4])
  }

  @Test func crlfBomAndTrailingBlankLines() throws {
    let r = try records("\u{FEFF}time,status\r\n1,0\r\n2,1\r\n\r\n\n")
    #expect(r.names == ["time", "status"])
    #expect(r.rows == [["1", "0"], ["2", "1"]])
  }

  @Test func lastLineWithoutNewlineAndEmptyFields() throws {
    let r = try records("a,b\n,\n1,")
    #expect(r.rows == [[nil, nil], ["1", nil]])
  }

  @Test func tabDelimited() throws {
    let r = try records("a\tb\n1,5\t2\n", delimiter: "\t")
    #expect(r.rows == [["1,5", "2"]])
  }

  @Test func columnsCountCharactersNotBytes() throws {
    // The third field starts at character 5 (byte 6: é is two bytes).
    #expect(throws: TableError(line: 2, column: 5, "row has 3 fields, the header has 2")) {
      try records("a,b\né,x,y\n")
    }
  }

  @Test func malformedQuotingIsLocated() throws {
    #expect(throws: TableError(line: 2, column: 3, "quoted field is not closed before the end of the input")) {
      try records("a,b\n1,\"open\n")
    }
    #expect(throws: TableError(line: 1, column: 4, "unexpected text after a closing quote (a quote inside a field is written \"\")")) {
      try records("\"a\"b,c\n")
    }
    #expect(throws: TableError(line: 1, column: 5, "quote inside an unquoted field (enclose the field in quotes and double the quote)")) {
      try records("a,bc\"d\n")
    }
    #expect(throws: TableError(line: 1, column: 1, "field is not valid UTF-8")) {
      _ = try readTable([0xFF, 0x2C, 0x61, 0x0A, 0x31, 0x2C, 0x32], [])
    }
  }

  /// A file split across two cores reads the same table as in one piece, with the same lines and
  /// the same first error.
  @Test func splitAtRecordBoundariesGivesTheSameTable() throws {
    var text = "time,status,arm,note\n"
    var g = SplitMix64(seed: 7)
    for i in 0..<80_000 {
      let t = Double(g.next() % 100_000) / 1000
      let note = i % 997 == 0 ? "\"quoted, with\nnewline\"" : "n\(i % 5)"
      text += "\(t),\(g.next() % 2),\(i % 3 == 0 ? "A" : "B"),\(note)\n"
    }
    let bytes = Array(text.utf8)
    #expect(bytes.count > 1 << 20)
    let requests = [ColumnRequest("time", .number), ColumnRequest("status", .auto), ColumnRequest("arm", .text), ColumnRequest("note", .text)]
    let whole = try readTable(bytes, requests)
    // The same records through the old record-at-a-time definition: split on lines outside quotes.
    #expect(whole.rowCount == 80_000)
    let times = try #require(whole.columns["time"]?.numbers)
    var g2 = SplitMix64(seed: 7)
    for i in 0..<80_000 {
      let t = Double(g2.next() % 100_000) / 1000
      _ = g2.next()
      if times[i] != t { Issue.record("row \(i): \(times[i]) != \(t)"); break }
    }
    #expect(whole.columns["note"]?.text(997) == "quoted, with\nnewline")
    // Row i starts on line i + 2, moved on by each quoted newline before it (rows 0, 997, ...):
    // row 998 on line 1002; the last, 79,999, after 81 of them, on line 80,082.
    #expect(whole.rowLines[998] == 1002)
    #expect(whole.rowLines.last == 80_082)
    // An error in the second half is reported at its line in the file.
    var bad = bytes
    let at = bad.count - 10
    bad[at] = UInt8(ascii: "\"")
    #expect(throws: TableError.self) { _ = try readTable(bad, requests) }
  }

  @Test func autoColumnsAreNumbersOrTextButNeverBoth() throws {
    let text = "time,status,x,f\n1,1,0.5,a\n2,0,NA,b\n3,1,e5,a\n"
    let bytes = Array(text.utf8)
    do throws(TableError) {
      _ = try readTable(bytes, [ColumnRequest("x", .auto)])
      Issue.record("a column mixing numbers and text was read")
    } catch {
      #expect(error.line == 4 && error.column == 5 && error.mixedColumn == "x")
      #expect(error.message.contains("line 2 column 5 has 0.5") && error.message.contains("line 4 column 5 has 'e5'"))
    }
    let t = try readTable(bytes, [ColumnRequest("f", .auto), ColumnRequest("x", .text)])
    guard case .text(let codes, let levels)? = t.columns["f"]?.storage else {
      Issue.record("f is not text")
      return
    }
    #expect(codes == [0, 1, 0] && levels == ["a", "b"])
    #expect(t.columns["x"]?.texts == ["0.5", nil, "e5"])
  }
}

/// The number parser against the standard library's correctly rounded conversion (strtod's
/// results): hard cases and random decimal strings of every shape the reader meets.
@Suite struct NumberParserTests {
  func parse(_ s: String) -> Double? { NumberParser.parse(s) }

  @Test func hardCasesAgreeWithTheStandardLibrary() {
    let cases = [
      "0", "-0", "1", "+1", ".5", "5.", "1e5", "1E-5", "1.7976931348623157e308", "2.2250738585072014e-308",
      "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "1e400",
      "9007199254740993", "9007199254740992.5", "0.1", "0.30000000000000004", "123456789012345678901234567890",
      "1.00000000000000011102230246251565404236316680908203125", "7.2057594037927933e16", "0.000001234",
      "1e22", "1e23", "8.98846567431158e307", "3.14159265358979323846264338327950288", "00012.5000", "-1e-310",
    ]
    for c in cases {
      let expected = Double(c)
      let got = parse(c)
      #expect(got?.bitPattern == expected?.bitPattern, "\(c): \(String(describing: got)) vs \(String(describing: expected))")
    }
    #expect(parse("inf") == .infinity && parse("-Infinity") == -.infinity)
    for bad in ["", "-", ".", "e5", "1e", "1e+", "0x10", "nan", "NaN", "1 ", " 1", "1,5", "2\u{0}", "--1", "1.2.3", "1e5.5", "infinite"] {
      #expect(parse(bad) == nil, "\(bad) parsed")
    }
  }

  @Test func aMillionRandomStringsAgreeWithTheStandardLibrary() {
    var g = SplitMix64(seed: 20261207)
    var mismatches = 0
    for _ in 0..<1_000_000 {
      let shape = g.next() % 6
      var s = g.next() % 2 == 0 ? "" : "-"
      let digits = Int(g.next() % 20) + 1
      for k in 0..<digits {
        s += String(g.next() % 10)
        if shape >= 2 && k == Int(g.next() % UInt64(digits)) && !s.contains(".") { s += "." }
      }
      if shape >= 4 { s += "e" + (g.next() % 2 == 0 ? "-" : "") + String(g.next() % 330) }
      if shape == 1 { s += "e" + String(g.next() % 25) }
      if NumberParser.parse(s)?.bitPattern != Double(s)?.bitPattern { mismatches += 1 }
    }
    #expect(mismatches == 0)
  }
}

@Suite struct SurvivalDataLoaderTests {
  func load(_ text: String, _ spec: ColumnSpec = ColumnSpec()) throws(InputError) -> LoadedSurvivalData {
    try SurvivalDataLoader.load(bytes: Array(text.utf8), spec: spec)
  }

  @Test func defaultColumnsAndEventCodes() throws {
    let d = try load("time,status\n1,1\n2,0\n3,true\n4,FALSE\n5,1.0\n").data
    #expect(d.time == [1, 2, 3, 4, 5])
    #expect(d.event == [true, false, true, false, true])
    #expect(d.groupLabels == ["all"])
    // `event` is the fallback name.
    #expect(try load("time,event\n1,1\n").mapping.event == "event")
  }

  @Test func missingValuesAreExcludedAndListed() throws {
    let l = try load("time,status,arm\n1,1,A\n,1,A\n2,NA,B\n3,1,\n4,.,B\n5,0,B\n", ColumnSpec(group: "arm"))
    #expect(l.rowsRead == 6)
    #expect(l.data.count == 2)
    #expect(l.exclusions.map(\.line) == [3, 4, 5, 6])
    #expect(l.exclusions.map(\.reason) == ["missing time", "missing event", "missing group", "missing event"])
  }

  @Test func groupsAreSortedNumericallyOrByCodePoint() throws {
    let numeric = try load("time,status,g\n1,1,10\n1,1,9\n1,1,2\n", ColumnSpec(group: "g")).data
    #expect(numeric.groupLabels == ["2", "9", "10"])
    #expect(numeric.group == [2, 1, 0])
    let text = try load("time,status,g\n1,1,control\n1,1,6-MP\n1,1,Control\n", ColumnSpec(group: "g")).data
    #expect(text.groupLabels == ["6-MP", "Control", "control"])
  }

  @Test func adamADTTEIsRecognised() throws {
    let csv = """
      USUBJID,PARAMCD,AVAL,CNSR,TRTP,TRT01P
      1,OS,10,0,B,Dex
      1,PFS,5,0,B,Dex
      2,OS,12,1,A,Placebo
      3,OS,7,2,A,Placebo
      """
    let l = try load(csv)
    #expect(l.mapping.kind == "adam-adtte")
    #expect(l.mapping.param == "OS")
    #expect(l.mapping.group == "TRT01P")
    #expect(l.rowsOtherParameter == 1)
    #expect(l.data.time == [10, 12, 7])
    #expect(l.data.event == [true, false, false])
    #expect(l.data.groupLabels == ["Dex", "Placebo"])
    let pfs = try load(csv, ColumnSpec(param: "PFS"))
    #expect(pfs.data.time == [5])
    #expect(try load(csv, ColumnSpec(noGroup: true)).data.groupLabels == ["all"])
    #expect(throws: InputError(.data, line: 1, column: 1, "no rows left to analyse (no row has PARAMCD = DFS; parameters present: OS 3 rows, PFS 1 row)", subject: .parameter)) {
      try load(csv, ColumnSpec(param: "DFS"))
    }
  }

  @Test func badValuesNameLineAndColumn() throws {
    #expect(throws: InputError(.data, line: 3, column: 1, "time 'abc' is not a number")) {
      try load("time,status\n1,1\nabc,1\n")
    }
    #expect(throws: InputError(.data, line: 2, column: 1, "time 'NaN' is not a number")) { try load("time,status\nNaN,1\n") }
    #expect(throws: InputError(.data, line: 2, column: 1, "time 'inf' is infinite")) { try load("time,status\ninf,1\n") }
    #expect(throws: InputError(.data, line: 2, column: 1, "time -1 is negative")) { try load("time,status\n-1,1\n") }
    // R's Surv: a status whose values are all 1 or 2 is 1 = censored, 2 = event.
    #expect(try load("time,status\n1,2\n2,1\n").data.event == [true, false])
    #expect(throws: InputError(.data, line: 2, column: 3, "status '0.5' is not an event code (1 = event, 0 = censored, or true/false)")) {
      try load("time,status\n1,0.5\n")
    }
    #expect(throws: InputError(.data, line: 2, column: 5, "row has 3 fields, the header has 2")) {
      try load("time,status\n1,1,9\n")
    }
    #expect(throws: InputError(.usage, line: 1, column: 1, "no column 'days' (columns: time, status)", subject: .column(.time, name: "days"))) {
      try load("time,status\n1,1\n", ColumnSpec(time: "days"))
    }
    #expect(throws: InputError(.data, line: 1, column: 1, "the input is empty (no header row)")) { try load("") }
    #expect(throws: InputError(.data, line: 1, column: 1, "the input has a header but no data rows")) {
      try load("time,status\n\n")
    }
    #expect(throws: InputError(.data, line: 1, column: 1, "no rows left to analyse (2 excluded for missing values)")) {
      try load("time,status\n,1\n2,\n")
    }
  }
}
