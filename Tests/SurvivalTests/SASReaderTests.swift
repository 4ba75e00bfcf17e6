import Foundation
import Testing

@testable import Survival

/// The SAS reader over the committed ADaM fixtures (Datasets/adam/, SIMULATED data) and the
/// reference metadata haven recorded for them (Datasets/References/adam_reference.json), plus
/// damaged and hand-altered copies of the fixtures.
@Suite struct SASReaderTests {
  static let files = ["adtte.xpt", "adtte_v8.xpt", "adtte.sas7bdat", "adtte_compressed.sas7bdat"]
  static let names = [
    "STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "AVALU", "CNSR", "TRT01P", "STRATUM", "SAFFL", "ADT", "SIMULATD",
  ]

  static func fixture(_ file: String) throws -> [UInt8] { try datasetBytes("adam/\(file)") }

  static func format(_ file: String) -> DataTable.Format { file.hasSuffix(".xpt") ? .xpt : .sas7bdat }

  static func read(
    _ bytes: [UInt8], _ format: DataTable.Format, columns: Set<String>? = nil, member: String? = nil,
    readStatRows: Bool = false
  ) throws(TableError) -> DataTable {
    let result = bytes.withUnsafeBytes { b in
      Result { () throws(TableError) in
        try SASReader.read(bytes: b, format: format, columns: columns, member: member, readStatRows: readStatRows)
      }
    }
    return try result.get()
  }

  /// The error reading `bytes` throws, or nil when it reads.
  static func error(
    _ bytes: [UInt8], _ format: DataTable.Format, columns: Set<String>? = nil, member: String? = nil
  ) -> TableError? {
    do {
      _ = try read(bytes, format, columns: columns, member: member)
      return nil
    } catch {
      return error
    }
  }

  /// Equal numbers, NaN equal to NaN.
  static func same(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
  }

  /// True when the tables are equal: numbers bit for bit (so that the decoder here and
  /// ReadStat's agree exactly), except that any NaN equals any NaN (ReadStat keeps the payload of
  /// a damaged missing value; all are missing).
  static func sameTable(_ a: DataTable, _ b: DataTable) -> Bool { difference(a, b) == nil }

  /// The first difference between the tables, in words (short: the tables are not printed).
  /// The first difference between two tables; numbers agree within `ulps` units in the last
  /// place (NaN equals NaN), or only in which are missing when `ulps` is nil.
  static func difference(_ a: DataTable, _ b: DataTable, ulps: Double? = 0) -> String? {
    if a.names != b.names { return "names \(a.names) vs \(b.names)" }
    if a.rowCount != b.rowCount { return "rows \(a.rowCount) vs \(b.rowCount)" }
    if a.labels != b.labels { return "labels" }
    if a.member != b.member { return "member \(a.member ?? "nil") vs \(b.member ?? "nil")" }
    if a.rowLines != b.rowLines { return "rowLines" }
    if Set(a.columns.keys) != Set(b.columns.keys) { return "columns" }
    for name in a.names {
      guard let x = a.columns[name] else { continue }
      guard let y = b.columns[name] else { return "\(name) missing" }
      if x.format != y.format { return "format of \(name)" }
      switch (x.storage, y.storage) {
      case (.numeric(let u), .numeric(let v)):
        for (i, (p, q)) in zip(u, v).enumerated() where p.bitPattern != q.bitPattern && !(p.isNaN && q.isNaN) {
          if p.isNaN != q.isNaN { return "\(name)[\(i)]: \(p) vs \(q)" }
          guard let ulps else { continue }
          if abs(p - q) > ulps * max(p.ulp, q.ulp) { return "\(name)[\(i)]: \(p) vs \(q)" }
        }
      case (.text(let c, let l), .text(let d, let m)):
        if l != m { return "levels of \(name): \(l.prefix(5)) vs \(m.prefix(5))" }
        if let i = c.indices.first(where: { c[$0] != d[$0] }) { return "\(name)[\(i)] code" }
      default: return "type of \(name)"
      }
    }
    return nil
  }

  // MARK: The four fixtures

  @Test func fourFilesReadTheSameValues() throws {
    var tables: [DataTable] = []
    for file in Self.files {
      let t = try Self.read(try Self.fixture(file), Self.format(file))
      #expect(t.rowCount == 146, "\(file)")
      #expect(t.names == Self.names, "\(file)")
      #expect(t.rowLines == (1...146).map(Int32.init), "\(file)")
      #expect(Set(t.columns.keys) == Set(Self.names), "\(file)")
      tables.append(t)
    }
    #expect(tables[0].member == "ADTTE")
    #expect(tables[1].member == "ADTTE")
    let first = tables[0]
    for (file, t) in zip(Self.files, tables).dropFirst() {
      for name in ["AVAL", "CNSR"] {
        let a = try #require(first.columns[name]?.numbers)
        let b = try #require(t.columns[name]?.numbers)
        #expect(Self.same(a, b), "\(name) in \(file)")
      }
      for name in ["PARAMCD", "TRT01P", "USUBJID", "SAFFL"] {
        #expect(first.columns[name]?.texts == t.columns[name]?.texts, "\(name) in \(file)")
      }
    }
    let paramcd = try #require(first.columns["PARAMCD"])
    #expect(Set(paramcd.texts.compactMap { $0 }) == ["OS", "PFS"])
    guard case .text(_, let levels) = paramcd.storage else {
      Issue.record("PARAMCD is not text")
      return
    }
    #expect(levels == ["OS", "PFS"])
    #expect(first.columns["CNSR"]?.numbers?.allSatisfy { $0 == 0 || $0 == 1 } == true)
    #expect(first.columns["ADT"]?.isSASDate == true)
  }

  @Test func labelsAndFormatsMatchHaven() throws {
    let reference = try Fixture.load("References/adam_reference.json")
    let files = reference["files"].array
    #expect(files.count == 4)
    for entry in files {
      let file = try #require(entry["file"].string)
      let t = try Self.read(try Self.fixture(file), Self.format(file))
      #expect(t.rowCount == Int(entry["rows"].double ?? -1), "\(file)")
      let variables = entry["variables"].array
      #expect(t.names == variables.compactMap { $0["name"].string }, "\(file)")
      for v in variables {
        let name = try #require(v["name"].string)
        #expect(t.labels[name] == v["label"].string, "label of \(name) in \(file)")
        #expect(t.columns[name]?.format == v["format_sas"].string, "format of \(name) in \(file)")
        let numeric = t.columns[name]?.numbers != nil
        #expect(numeric == (v["type"].string == "numeric"), "type of \(name) in \(file)")
      }
      // System missing '.' and special missing '.A' are both NaN.
      let aval = try #require(t.columns["AVAL"]?.numbers)
      let adt = try #require(t.columns["ADT"]?.numbers)
      let missing = entry["missing_aval"].array
      #expect(missing.count == 2)
      for m in missing {
        let row = try #require(m["row"].double.map { Int($0) - 1 })
        #expect(aval[row].isNaN, "AVAL row \(row + 1) of \(file)")
        #expect(adt[row].isNaN, "ADT row \(row + 1) of \(file)")
        #expect(t.columns["USUBJID"]?.text(row) == m["USUBJID"].string)
      }
      #expect(aval.filter(\.isNaN).count == 2, "\(file)")
    }
  }

  @Test func columnsFilter() throws {
    for file in Self.files {
      let bytes = try Self.fixture(file)
      let all = try Self.read(bytes, Self.format(file))
      let t = try Self.read(bytes, Self.format(file), columns: ["AVAL", "TRT01P"])
      #expect(Set(t.columns.keys) == ["AVAL", "TRT01P"], "\(file)")
      #expect(t.names == Self.names, "\(file)")
      #expect(t.rowCount == 146)
      #expect(t.labels == all.labels)
      #expect(Self.same(try #require(t.columns["AVAL"]?.numbers), try #require(all.columns["AVAL"]?.numbers)))
      #expect(t.columns["TRT01P"]?.texts == all.columns["TRT01P"]?.texts)
      let none = try Self.read(bytes, Self.format(file), columns: [])
      #expect(none.columns.isEmpty && none.rowCount == 146, "\(file)")
      let e = Self.error(bytes, Self.format(file), columns: ["AVAL", "NOPE"])
      #expect(e?.message.contains("no variable 'NOPE'") == true, "\(file): \(String(describing: e))")
    }
  }

  /// The observations decoded here are those ReadStat decodes: the same text and missing values,
  /// and numbers within one unit in the last place (ReadStat 1.1.8 truncates the 56-bit IBM
  /// fraction to 53 bits; the decoder here rounds to nearest, which gives haven's doubles exactly,
  /// as the ADaM reference tests check). Damaged numbers (unnormalised IBM fractions, which
  /// ReadStat's conversion assumes away) are compared for missingness only.
  @Test func transportDecoderAgreesWithReadStat() throws {
    for file in ["adtte.xpt", "adtte_v8.xpt"] {
      let bytes = try Self.fixture(file)
      let ours = try Self.read(bytes, .xpt)
      let theirs = try Self.read(bytes, .xpt, readStatRows: true)
      #expect(Self.difference(ours, theirs, ulps: 1) == nil, "\(file)")
      // With the headers intact, damaged observations decode the same way too.
      let start = try #require(Self.dataStart(bytes))
      var random = SplitMix64(seed: 7)
      for _ in 0..<200 {
        var copy = bytes
        for _ in 0..<(1 + random.integer(below: 8)) {
          let at = start + random.integer(below: bytes.count - start)
          copy[at] = random.integer(below: 4) == 0 ? 0x20 : UInt8(truncatingIfNeeded: random.next())
        }
        switch (Result { () throws(TableError) in try Self.read(copy, .xpt) },
          Result { () throws(TableError) in try Self.read(copy, .xpt, readStatRows: true) }) {
        case (.success(let a), .success(let b)):
          let d = Self.difference(a, b, ulps: nil)
          #expect(d == nil, "\(file), mutated: \(d ?? "")")
        case (.failure, .failure): break
        case (.failure(let e), .success):
          // The decoder here also rejects a partial last record ReadStat drops, and invalid UTF-8.
          #expect(e.message.contains("UTF-8") || e.message.contains("ends inside record"), "\(e.message)")
        case (.success, .failure(let e)):
          #expect(e.message.contains("UTF-8"), "\(e.message)")
        }
      }
    }
  }

  /// Where the observations of a transport fixture start (after the OBS header record).
  static func dataStart(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBytes { b in
      XportLayout.scan(b).members.first?.dataStart
    }
  }

  // MARK: Members

  /// `bytes` followed by a copy of the member of `original` (a one-member transport file),
  /// renamed `name`.
  static func twoMembers(_ bytes: [UInt8], second name: String, v8: Bool, from original: [UInt8]? = nil) -> [UInt8] {
    var member = Array((original ?? bytes)[240...])
    let field = v8 ? 32 : 8
    let padded = Array(name.utf8) + [UInt8](repeating: 0x20, count: field - name.utf8.count)
    member.replaceSubrange((160 + 8)..<(160 + 8 + field), with: padded)
    return bytes + member
  }

  @Test func severalTransportMembers() throws {
    for (file, v8) in [("adtte.xpt", false), ("adtte_v8.xpt", true)] {
      let bytes = try Self.fixture(file)
      var both = Self.twoMembers(bytes, second: "ADTTE2", v8: v8)
      let e = Self.error(both, .xpt)
      #expect(e?.message == "the SAS transport file has 2 members (ADTTE, ADTTE2); choose one", "\(file)")
      let first = try Self.read(both, .xpt, member: "ADTTE")
      let second = try Self.read(both, .xpt, member: "ADTTE2")
      let lower = try Self.read(both, .xpt, member: "adtte2")
      let alone = try Self.read(bytes, .xpt)
      #expect(first.member == "ADTTE" && second.member == "ADTTE2" && lower.member == "ADTTE2")
      #expect(first.rowCount == 146 && second.rowCount == 146, "\(file): ReadStat would read the second member's headers as rows")
      #expect(Self.sameTable(first, alone))
      #expect(Self.same(try #require(second.columns["AVAL"]?.numbers), try #require(alone.columns["AVAL"]?.numbers)))
      let missing = Self.error(both, .xpt, member: "ADSL")
      #expect(missing?.message == "no member 'ADSL' in the SAS transport file (members: ADTTE, ADTTE2)")
      // Three members.
      both = Self.twoMembers(both, second: "THIRD", v8: v8, from: bytes)
      #expect(Self.error(both, .xpt)?.message.contains("3 members (ADTTE, ADTTE2, THIRD)") == true)
      #expect(try Self.read(both, .xpt, member: "ADTTE2").rowCount == 146)
      #expect(try Self.read(both, .xpt, member: "THIRD").rowCount == 146)
      // One member, asked for by the wrong name.
      #expect(Self.error(bytes, .xpt, member: "ADSL")?.message == "no member 'ADSL' in the SAS transport file (members: ADTTE)")
      #expect(try Self.read(bytes, .xpt, member: "ADTTE").rowCount == 146)
    }
    let sas = try Self.fixture("adtte.sas7bdat")
    let t = try Self.read(sas, .sas7bdat)
    #expect(try Self.read(sas, .sas7bdat, member: t.member).rowCount == 146)
    #expect(Self.error(sas, .sas7bdat, member: "ADSL")?.message.hasPrefix("no member 'ADSL' in the SAS7BDAT file") == true)
  }

  // MARK: Errors

  @Test func duplicateNamesAndNoVariables() throws {
    // v5 layout: library header (3 records), MEMBER, DSCRPTR, 2 descriptor records, NAMESTR
    // header at 560, then 140-byte namestr records with the name at bytes 8..<16.
    let bytes = try Self.fixture("adtte.xpt")
    #expect(String(decoding: bytes[560..<(560 + 48)], as: UTF8.self) == "HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!")
    var dup = bytes
    dup.replaceSubrange((640 + 140 + 8)..<(640 + 140 + 16), with: Array("STUDYID ".utf8))
    let e = Self.error(dup, .xpt)
    #expect(e == TableError(line: 0, column: 2, "variable STUDYID appears twice"))
    var none = bytes
    none.replaceSubrange((560 + 53)..<(560 + 58), with: Array("00000".utf8))
    #expect(Self.error(none, .xpt)?.message == "the SAS transport file has no variables")
  }

  @Test func invalidUTF8AndEncodings() throws {
    var bytes = try Self.fixture("adtte.xpt")
    let start = try #require(Self.dataStart(bytes))
    let needle = Array("SIM-020".utf8)
    let at = try #require((start..<(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
    bytes[at + 1] = 0xFF
    let e = try #require(Self.error(bytes, .xpt))
    #expect(e.line == 39 && e.column == 2, "\(e)")
    #expect(e.message.hasPrefix("record 39, variable USUBJID: the text is not valid UTF-8"), "\(e.message)")
    // An encoding code ReadStat does not know (byte 70 of the SAS7BDAT header).
    var sas = try Self.fixture("adtte.sas7bdat")
    sas[70] = 255
    let f = try #require(Self.error(sas, .sas7bdat))
    #expect(f.message.hasPrefix("cannot read the SAS7BDAT file: its character encoding is not supported"), "\(f.message)")
    #expect(!f.message.contains("\n"))
  }

  @Test func truncatedEmptyAndRandom() throws {
    for file in Self.files {
      let bytes = try Self.fixture(file)
      let format = Self.format(file)
      for n in [0, 1, 80, 100, 240, 1000, bytes.count / 2, bytes.count - 81] {
        let e = Self.error(Array(bytes[..<n]), format)
        #expect(e != nil, "\(file) cut to \(n) bytes reads")
        #expect(e?.message.contains("\n") == false)
      }
      // Losing one byte loses a transport file's blank padding only: the data are whole.
      let full = try Self.read(bytes, format)
      switch Result(catching: { () throws(TableError) in try Self.read(Array(bytes.dropLast()), format) }) {
      case .success(let t):
        #expect(format == .xpt && Self.difference(t, full) == nil, "\(file)")
      case .failure(let e):
        #expect(format == .sas7bdat, "\(file): \(e.message)")
      }
    }
    #expect(Self.error([], .xpt)?.message == "not a valid SAS transport file: the file is empty")
    #expect(Self.error([], .sas7bdat)?.message == "not a valid SAS7BDAT file: the file is empty")
    var random = SplitMix64(seed: 1)
    for n in [1, 79, 80, 4096, 40_000] {
      let noise = (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      #expect(Self.error(noise, .xpt) != nil)
      #expect(Self.error(noise, .sas7bdat) != nil)
    }
    // The wrong reader for the file.
    #expect(Self.error(try Self.fixture("adtte.sas7bdat"), .xpt) != nil)
    #expect(Self.error(try Self.fixture("adtte.xpt"), .sas7bdat) != nil)
    #expect(Self.error(Array("a,b\n1,2\n".utf8), .csv) != nil)
  }

  /// About 2000 damaged copies of each fixture: each reads (with consistent columns) or throws a
  /// one-line TableError; nothing crashes or hangs.
  @Test(arguments: Self.files) func mutatedCopies(file: String) throws {
    do {
      let k = Self.files.firstIndex(of: file) ?? 0
      let bytes = try Self.fixture(file)
      let format = Self.format(file)
      var random = SplitMix64(seed: 0x5A5 &+ UInt64(k))
      var read = 0
      for trial in 0..<2000 {
        var copy = bytes
        switch trial % 4 {
        case 0:  // a few random bytes anywhere
          for _ in 0..<(1 + random.integer(below: 4)) {
            copy[random.integer(below: copy.count)] = UInt8(truncatingIfNeeded: random.next())
          }
        case 1:  // a bit flip in the first 4 KB (the headers)
          let at = random.integer(below: min(4096, copy.count))
          copy[at] ^= UInt8(1) << UInt8(random.integer(below: 8))
        case 2:  // a run of one byte value (0x00, 0xFF, space or random)
          let at = random.integer(below: copy.count)
          let value: UInt8 = [0x00, 0xFF, 0x20, UInt8(truncatingIfNeeded: random.next())][random.integer(below: 4)]
          for i in at..<min(copy.count, at + 1 + random.integer(below: 64)) { copy[i] = value }
        default:  // damage, then cut
          copy[random.integer(below: copy.count)] = UInt8(truncatingIfNeeded: random.next())
          copy.removeLast(random.integer(below: copy.count))
        }
        do {
          let t = try Self.read(copy, format)
          read += 1
          #expect(t.rowLines.count == t.rowCount)
          for c in t.columns.values where c.count != t.rowCount {
            Issue.record("\(file) trial \(trial): \(c.name) has \(c.count) values in \(t.rowCount) rows")
          }
        } catch {
          if error.message.isEmpty || error.message.contains("\n") {
            Issue.record("\(file) trial \(trial): message \(error.message.debugDescription)")
          }
        }
      }
      // Most damage inside the observations still reads.
      #expect(read > 0, "\(file)")
    }
  }
}
