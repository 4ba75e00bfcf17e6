import Testing

@testable import Survival

@Suite struct CSVReaderTests {
  func records(_ text: String, delimiter: Character = ",") throws -> [CSVRecord] {
    var reader = CSVReader(bytes: Array(text.utf8), delimiter: delimiter.asciiValue ?? 44)
    var out: [CSVRecord] = []
    while let r = try reader.next() { out.append(r) }
    return out
  }

  @Test func quotedFieldsWithDelimitersQuotesAndNewlines() throws {
    let r = try records("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n3,4,5\n")
    #expect(r.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["3", "4", "5"]])
    // The quoted newline moves the line count on: the third record starts on physical line 4.
    #expect(r.map(\.line) == [1, 2, 4])
    #expect(r[1].columns == [1, 8, 21])
  }

  @Test func crlfBomAndTrailingBlankLines() throws {
    let r = try records("\u{FEFF}time,status\r\n1,0\r\n2,1\r\n\r\n\n")
    #expect(r.map(\.fields) == [["time", "status"], ["1", "0"], ["2", "1"]])
    #expect(r[0].columns == [1, 6])
  }

  @Test func lastLineWithoutNewlineAndEmptyFields() throws {
    let r = try records("a,b\n,\n1,")
    #expect(r.map(\.fields) == [["a", "b"], ["", ""], ["1", ""]])
  }

  @Test func tabDelimited() throws {
    let r = try records("a\tb\n1,5\t2\n", delimiter: "\t")
    #expect(r.map(\.fields) == [["a", "b"], ["1,5", "2"]])
  }

  @Test func columnsCountCharactersNotBytes() throws {
    let r = try records("é,x\n")
    #expect(r[0].columns == [1, 3])
  }

  @Test func malformedQuotingIsLocated() throws {
    #expect(throws: CSVError(line: 2, column: 3, message: "quoted field is not closed before the end of the input")) {
      try records("a,b\n1,\"open\n")
    }
    #expect(throws: CSVError(line: 1, column: 4, message: "unexpected text after a closing quote (a quote inside a field is written \"\")")) {
      try records("\"a\"b,c\n")
    }
    #expect(throws: CSVError(line: 1, column: 5, message: "quote inside an unquoted field (enclose the field in quotes and double the quote)")) {
      try records("a,bc\"d\n")
    }
    #expect(throws: CSVError(line: 1, column: 1, message: "field is not valid UTF-8")) {
      var reader = CSVReader(bytes: [0xFF, 0x2C, 0x61])
      _ = try reader.next()
    }
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
    #expect(throws: InputError(.data, line: 1, column: 1, "no rows left to analyse (no row has PARAMCD = DFS; use --param)")) {
      try load(csv, ColumnSpec(param: "DFS"))
    }
  }

  @Test func badValuesNameLineAndColumn() throws {
    #expect(throws: InputError(.data, line: 3, column: 1, "time 'abc' is not a number")) {
      try load("time,status\n1,1\nabc,1\n")
    }
    #expect(throws: InputError(.data, line: 2, column: 1, "time is NaN")) { try load("time,status\nNaN,1\n") }
    #expect(throws: InputError(.data, line: 2, column: 1, "time 'inf' is infinite")) { try load("time,status\ninf,1\n") }
    #expect(throws: InputError(.data, line: 2, column: 1, "time -1 is negative")) { try load("time,status\n-1,1\n") }
    #expect(throws: InputError(.data, line: 2, column: 3, "status '2' is not an event code (1 = event, 0 = censored, or true/false); R's 1 = censored, 2 = dead coding must be recoded to 0/1")) {
      try load("time,status\n1,2\n")
    }
    #expect(throws: InputError(.data, line: 2, column: 5, "row has 3 fields, the header has 2")) {
      try load("time,status\n1,1,9\n")
    }
    #expect(throws: InputError(.usage, line: 1, column: 1, "no column 'days' (columns: time, status); name it with --time")) {
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
