import Foundation
import Testing

/// Runs the built `osstats` binary, as a user would.
struct Run {
  let status: Int32
  let stdout: String
  let stderr: String
}

/// A JSON document (an object) from a command's output.
func jsonObject(_ text: String) throws -> [String: Any] {
  try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

let repository = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `osstats` executable beside the test bundle (SwiftPM builds it first: the test target
/// depends on it).
var binary: URL {
  var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  // Inside an .xctest bundle on some platforms the binary sits one level up.
  while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("osstats").path)
    && dir.path != "/"
  {
    dir.deleteLastPathComponent()
  }
  return dir.appendingPathComponent("osstats")
}

func osstats(_ arguments: [String], stdin: String? = nil, stdinBytes: Data? = nil) throws -> Run {
  let process = Process()
  process.executableURL = binary
  process.arguments = arguments
  process.currentDirectoryURL = repository
  var environment = ProcessInfo.processInfo.environment
  environment["COLUMNS"] = "100"
  process.environment = environment
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  let input = Pipe()
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
  if let stdinBytes { input.fileHandleForWriting.write(stdinBytes) }
  try input.fileHandleForWriting.close()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return Run(
    status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
    stderr: String(decoding: e, as: UTF8.self))
}

/// A file in a fresh temporary folder.
func temporaryFile(_ name: String, _ contents: String) throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let url = dir.appendingPathComponent(name)
  try Data(contents.utf8).write(to: url)
  return url.path
}

@Suite struct KMCommandTests {
  @Test("aml medians as R: 31 (18, NA) and 23 (8, NA)")
  func amlMediansMatchR() throws {
    // R survival 3.5-3: print(survfit(Surv(time, status) ~ x, data = aml)):
    //   x=Maintained    11 7 31 18 NA;  x=Nonmaintained 12 11 23 8 NA
    let r = try osstats(["km", "Datasets/aml.csv", "--group", "x"])
    #expect(r.status == 0)
    #expect(r.stderr.isEmpty)
    let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(rows.contains(["Maintained", "11", "7", "31", "18", "NR"]))
    #expect(rows.contains(["Nonmaintained", "12", "11", "23", "8", "NR"]))
  }

  @Test("JSON keeps the contract's names and R's numbers")
  func jsonContract() throws {
    let r = try osstats(["km", "Datasets/aml.csv", "--group", "x", "--format", "json", "--times", "12"])
    #expect(r.status == 0)
    let doc = try jsonObject(r.stdout)
    #expect(doc["analysis"] as? String == "kaplan-meier")
    #expect(doc["conf_level"] as? Double == 0.95)
    #expect(doc["conf_type"] as? String == "log")
    let groups = try #require(doc["groups"] as? [[String: Any]])
    #expect(groups.map { $0["group"] as? String } == ["Maintained", "Nonmaintained"])
    #expect(groups[0]["n"] as? Int == 11 && groups[0]["events"] as? Int == 7)
    #expect(groups[0]["median"] as? Double == 31 && groups[0]["median_lower"] as? Double == 18)
    #expect(groups[0]["median_upper"] is NSNull)
    let steps = try #require(groups[0]["steps"] as? [[String: Any]])
    // R: summary(survfit(...), censored = TRUE) first row: time 9, n.risk 11, surv 0.909090909090909,
    // std.err 0.0866784172041448, lower 0.754133845081525, upper 1.
    #expect(steps.count == 10)
    let first = steps[0]
    for key in ["time", "n_risk", "n_event", "n_censor", "survival", "std_err", "lower", "upper"] {
      #expect(first[key] != nil, "step key \(key)")
    }
    #expect(abs((first["std_err"] as? Double ?? 0) - 0.0866784172041448) < 1e-13)
    #expect(abs((first["lower"] as? Double ?? 0) - 0.754133845081525) < 1e-13)
    let input = try #require(doc["input"] as? [String: Any])
    #expect(input["rows_read"] as? Int == 23 && input["rows_excluded"] as? Int == 0)
    #expect((input["sha256"] as? String)?.count == 64)
    #expect(doc["warnings"] as? [Any] != nil)
  }

  @Test("Without --group one group named all")
  func ungroupedIsAll() throws {
    let r = try osstats(["km", "Datasets/aml.csv", "--format", "json"])
    let doc = try jsonObject(r.stdout)
    let groups = try #require(doc["groups"] as? [[String: Any]])
    // R: survfit(Surv(time, status) ~ 1, data = aml): n 23, events 18, median 27 (18, 48).
    #expect(groups.count == 1 && groups[0]["group"] as? String == "all")
    #expect(groups[0]["median"] as? Double == 27 && groups[0]["median_upper"] as? Double == 48)
  }

  @Test("Standard input, TSV by extension, and the ADaM mapping")
  func inputForms() throws {
    let aml = try String(contentsOf: repository.appendingPathComponent("Datasets/aml.csv"), encoding: .utf8)
    let piped = try osstats(["km", "-", "--group", "x"], stdin: aml)
    #expect(piped.status == 0)
    #expect(piped.stdout.contains("Input: <stdin>, 23 rows read"))
    let tsv = try temporaryFile("aml.tsv", aml.replacingOccurrences(of: ",", with: "\t"))
    let t = try osstats(["km", tsv, "--group", "x"])
    #expect(t.status == 0)
    #expect(t.stdout.split(separator: "\n").contains { $0.split(separator: " ") == ["Maintained", "11", "7", "31", "18", "NR"] })
    let adam = try temporaryFile(
      "adtte.csv", "USUBJID,PARAMCD,AVAL,CNSR,TRT01P\n1,OS,5,0,A\n2,OS,8,1,A\n3,PFS,2,0,A\n4,OS,3,0,B\n")
    let a = try osstats(["km", adam])
    #expect(a.status == 0)
    #expect(a.stdout.contains("Columns: CDISC ADaM ADTTE: time = AVAL, event = 1 - CNSR (CNSR = 0 is an event), PARAMCD = OS, group = TRT01P"))
    #expect(a.stdout.contains("1 of other parameters skipped"))
  }

  @Test("Excluded rows are counted and listed in text and JSON")
  func exclusionsAreReported() throws {
    let file = try temporaryFile("gaps.csv", "time,status\n1,1\n,1\n3,NA\n4,0\n")
    let text = try osstats(["km", file])
    #expect(text.status == 0)
    #expect(text.stdout.contains("4 rows read, 2 used, 2 excluded (1 missing time, 1 missing event; lines 3, 4)"))
    let json = try osstats(["km", file, "--format", "json"])
    let doc = try jsonObject(json.stdout)
    let input = try #require(doc["input"] as? [String: Any])
    #expect(input["rows_excluded"] as? Int == 2)
    let exclusions = try #require(input["exclusions"] as? [[String: Any]])
    #expect(exclusions.map { $0["line"] as? Int } == [3, 4])
    #expect(exclusions.map { $0["reason"] as? String } == ["missing time", "missing event"])
  }

  @Test("Output file by extension, written whole")
  func outputFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-out-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, starts) in [("km.json", "{"), ("km.csv", "group,time,n_risk"), ("km.md", "# Kaplan-Meier")] {
      let path = dir.appendingPathComponent(name).path
      let r = try osstats(["km", "Datasets/aml.csv", "--group", "x", "--output", path])
      #expect(r.status == 0)
      #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(starts), "\(name)")
    }
    // Writing again replaces the file (atomically, by rename).
    let again = dir.appendingPathComponent("km.json").path
    let second = try osstats(["km", "Datasets/aml.csv", "--output", again, "--format", "csv"])
    #expect(second.status == 0)
    #expect(try String(contentsOfFile: again, encoding: .utf8).hasPrefix("group,time,n_risk"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty)
    let bad = try osstats(["km", "Datasets/aml.csv", "--output", "/nonexistent-dir/km.json"])
    #expect(bad.status == 73)
    #expect(bad.stderr.hasPrefix("osstats: /nonexistent-dir/km.json: cannot write"))
  }

  /// Each bad input gives one line on standard error, `osstats: FILE:LINE:COLUMN: …`, and its code.
  @Test(
    "Bad input: one line naming file, line and column, and a sysexits code",
    arguments: [
      ("missing column", "time,status\n1,1\n", ["--time", "days"], 64, ":1:1: no column 'days' (columns: time, status); name it with --time"),
      ("missing default event column", "time,dead\n1,1\n", [], 64, ":1:1: no column 'status' or 'event' (columns: time, dead); name it with --event"),
      ("non-numeric time", "time,status\n1,1\n2 weeks,0\n", [], 65, ":3:1: time '2 weeks' is not a number"),
      ("negative time", "time,status\n1,1\n-3,0\n", [], 65, ":3:1: time -3 is negative"),
      ("NaN time", "time,status\nNaN,1\n", [], 65, ":2:1: time 'NaN' is not a number"),
      ("infinite time", "time,status\n1,0\nInf,1\n", [], 65, ":3:1: time 'inf' is infinite"),
      ("bad event code", "time,status\n1,1\n2,yes\n", [], 65, ":3:3: status 'yes' is not an event code (1 = event, 0 = censored, or true/false)"),
      ("empty file", "", [], 65, ":1:1: the input is empty (no header row)"),
      ("header only", "time,status\n", [], 65, ":1:1: the input has a header but no data rows"),
      ("no rows left", "time,status\n,1\n3,\n", [], 65, ":1:1: no rows left to analyse (2 excluded for missing values)"),
      ("too many fields", "time,status\n1,1\n2,0,7\n", [], 65, ":3:5: row has 3 fields, the header has 2"),
      ("too few fields", "time,status,arm\n1,1,A\n2,0\n", ["--group", "arm"], 65, ":3:3: row has 2 fields, the header has 3"),
      ("unclosed quote", "time,status\n1,\"1\n", [], 65, ":2:3: quoted field is not closed before the end of the input"),
      ("hexadecimal time", "time,status\n0x10,1\n", [], 65, ":2:1: time '0x10' is not a number"),
      ("NUL inside a number", "time,status\n2\u{0},1\n", [], 65, ":2:1: time '2\\u{0}' is not a number"),
      ("semicolons", "time;status\n1;1\n", [], 64, ":1:1: no column 'time': the header is one column 'time;status'; the fields look separated by ';' (set it with --delimiter)"),
      ("over-long cell", "time,status\n\(String(repeating: "9x", count: 500_000)),1\n", [], 65, ":2:1: time '\(String(repeating: "9x", count: 20))...' is not a number"),
    ] as [(String, String, [String], Int32, String)])
  func badInput(name: String, contents: String, options: [String], status: Int32, message: String) throws {
    let file = try temporaryFile("bad.csv", contents)
    let r = try osstats(["km", file] + options)
    #expect(r.status == status, "\(name)")
    #expect(r.stderr == "osstats: \(file)\(message)\n", "\(name)")
    #expect(r.stdout.isEmpty, "\(name)")
  }

  @Test("A file that cannot be opened: 66")
  func cannotOpen() throws {
    let r = try osstats(["km", "/nonexistent/data.csv"])
    #expect(r.status == 66)
    #expect(r.stderr == "osstats: /nonexistent/data.csv: cannot open: no such file\n")
    let d = try osstats(["km", "Datasets"])
    #expect(d.status == 66)
    #expect(d.stderr == "osstats: Datasets: cannot open: is a directory\n")
  }

  @Test("Bad option values: usage error 64")
  func badOptions() throws {
    for args in [["--conf-level", "1.5"], ["--quantiles", "0.5,abc"], ["--tau", "-1"], ["--conf-type", "probit"], ["--times", "-2"]] {
      let r = try osstats(["km", "Datasets/aml.csv"] + args)
      #expect(r.status == 64, "\(args)")
      // One line, in the house format.
      #expect(r.stderr.hasPrefix("osstats: ") && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
    }
  }
}
