import Foundation
import Testing

/// SAS data sets through the binary: the simulated ADaM ADTTE of Datasets/adam/ read by extension
/// with no conversion step (R survival 3.5-3 on the haven-read files gives the numbers:
/// Datasets/References/adam_reference.json).
@Suite struct SASCommandTests {
  static let files = ["adtte.xpt", "adtte_v8.xpt", "adtte.sas7bdat", "adtte_compressed.sas7bdat"]

  @Test("osstats km on each SAS file: R's medians, the labels and the unit from the file", arguments: files)
  func kmReadsSASFiles(file: String) throws {
    let r = try osstats(["km", "Datasets/adam/" + file, "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try jsonObject(r.stdout)
    let input = try #require(json["input"] as? [String: Any])
    let mapping = try #require(input["mapping"] as? [String: Any])
    #expect(mapping["kind"] as? String == "adam-adtte")
    #expect(mapping["time_unit"] as? String == "MONTHS")
    #expect((mapping["labels"] as? [String: String])?["AVAL"] == "Analysis Value")
    #expect(input["rows_read"] as? Int == 146 && input["rows_used"] as? Int == 72)
    // R: quantile(survfit(Surv(AVAL, 1 - CNSR) ~ TRT01P), 0.5) on the OS rows (73, one AVAL .A).
    let groups = try #require(json["groups"] as? [[String: Any]])
    let medians = groups.compactMap { ($0["median"] as? [String: Any])?["time"] as? Double ?? $0["median"] as? Double }
    #expect(medians.count == 2)
    let expected = [7.2958850761384335, 12.159284827120763]
    for (m, e) in zip(medians, expected) { #expect(abs(m - e) <= 1e-9 * e, "\(m) vs \(e)") }
    let text = try osstats(["km", "Datasets/adam/" + file, "--where", "SAFFL=Y"])
    #expect(text.stdout.contains("Columns: CDISC ADaM ADTTE: time = AVAL (Analysis Value) in MONTHS"))
    #expect(text.stdout.contains("Filters: SAFFL = Y (removed 3 rows)"), "\(text.stdout)")
  }

  @Test("cox and report work on the transport file; standard input reads it with --format-in")
  func coxAndReportOnXPT() throws {
    let cox = try osstats(["cox", "Datasets/adam/adtte.xpt", "--covariates", "TRT01P", "--format", "json"])
    #expect(cox.status == 0, "\(cox.stderr)")
    // R coxph(Surv(AVAL, 1 - CNSR) ~ TRT01P, ties = "efron"): coef -0.3173195042745, se 0.2549258337762.
    #expect(cox.stdout.contains("\"TRT01Psalvage+dexamethasone\""))
    #expect(cox.stdout.contains("-0.31731950"))
    let page = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-\(UUID().uuidString).html").path
    defer { try? FileManager.default.removeItem(atPath: page) }
    let report = try osstats(["report", "Datasets/adam/adtte.xpt", "--output", page])
    #expect(report.status == 0, "\(report.stderr)")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.contains("SIMULATED DATA"))
    #expect(html.contains("AVAL (Analysis Value) in MONTHS"))
    let bytes = try Data(contentsOf: repository.appendingPathComponent("Datasets/adam/adtte.xpt"))
    let piped = try osstats(["km", "-", "--format-in", "xpt"], stdinBytes: bytes)
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(piped.stdout.contains("Input: <stdin>, 146 rows read, 72 used"))
  }

  @Test("Damaged SAS files: one line naming the file, exit 65, nothing on standard output")
  func damagedFiles() throws {
    let bytes = try Data(contentsOf: repository.appendingPathComponent("Datasets/adam/adtte.xpt"))
    for cut in [0, 79, 400, bytes.count / 2] {
      let path = try temporaryFile("cut.xpt", "")
      try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
      let r = try osstats(["km", path])
      #expect(r.status == 65 || r.status == 66, "cut \(cut): \(r.status) \(r.stderr)")
      #expect(r.stdout.isEmpty)
      #expect(r.stderr.hasPrefix("osstats: \(path): ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }
    let csvAsXPT = try osstats(["km", "Datasets/aml.csv", "--format-in", "xpt"])
    #expect(csvAsXPT.status == 65 && csvAsXPT.stderr.hasPrefix("osstats: Datasets/aml.csv: "), "\(csvAsXPT.stderr)")
    let noParam = try osstats(["km", "Datasets/adam/adtte.xpt", "--param", "DFS"])
    #expect(noParam.status == 65)
    #expect(noParam.stderr.contains("OS (Overall Survival) 73 rows, PFS (Progression-Free Survival) 73 rows"), "\(noParam.stderr)")
  }

  /// A SAS date variable (format DATE9.) is a date for a calendar cut-off: ADT of the 72 analysed
  /// OS rows falls on or after 2022-01-01 for 48 of them (counted with pyreadstat 1.3.8:
  /// `(df.ADT >= date(2022, 1, 1)).sum()` on the OS rows with AVAL present).
  @Test func sasDatesWorkAsCutoffEntries() throws {
    let r = try osstats([
      "monitor", "Datasets/adam/adtte.xpt", "--design", "Datasets/design_simulated_trial.json", "--strata", "STRATUM",
      "--cutoff", "2022-01-01", "--entry", "ADT", "--time-unit", "months",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("cut-off 2022-01-01: 48 patients entered at or after it"), "\(r.stdout)")
    let missing = try osstats(["logrank", "Datasets/adam/adtte.xpt", "--strata", "stratum"])
    #expect(missing.status == 64)
    #expect(missing.stderr.hasPrefix("osstats: Datasets/adam/adtte.xpt: no column 'stratum' (columns: STUDYID"), "\(missing.stderr)")
  }
}
