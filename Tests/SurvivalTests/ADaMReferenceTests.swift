import Foundation
import Testing

@testable import Survival

/// SAS data sets in: the simulated ADaM ADTTE of Datasets/adam/ (XPT v5 and v8, SAS7BDAT plain and
/// RLE-compressed), read by osstats through ReadStat, against R survival 3.5-3 on the same files
/// read by haven 2.5.1 (Datasets/References/adam_reference.R wrote adam_reference.json).
/// Nonparametric estimates 1e-9 relative, the Cox fit 1e-6.
@Suite struct ADaMReferenceTests {
  static let reference = Result { try Fixture.load("References/adam_reference.json") }
  static let files = ["adtte.xpt", "adtte_v8.xpt", "adtte.sas7bdat", "adtte_compressed.sas7bdat"]

  func load(_ file: String, param: String, filters: [RowFilter] = []) throws -> LoadedSurvivalData {
    let source = try ByteSource(path: datasets.appendingPathComponent("adam/" + file).path)
    var spec = ColumnSpec(param: param)
    spec.filters = filters
    return try SurvivalDataLoader.load(source, format: try #require(DataTable.Format.from(fileName: file)), spec: spec)
  }

  func fixtureCase(_ name: String) throws -> Fixture {
    try #require(try Self.reference.get()["cases"].array.first { $0["name"].string == name })
  }

  @Test(
    "Kaplan–Meier from each SAS file matches R survfit on the haven-read data",
    arguments: ["os_all", "os_saffl", "pfs"], files)
  func kaplanMeierMatchesR(name: String, file: String) throws {
    let param = name == "pfs" ? "PFS" : "OS"
    let filters = name == "os_saffl" ? [RowFilter(column: "SAFFL", value: "Y")] : []
    let c = try fixtureCase(name)
    #expect(c["files"].array.compactMap(\.string).contains(file))
    let loaded = try load(file, param: param, filters: filters)
    #expect(loaded.mapping.kind == "adam-adtte" && loaded.mapping.group == "TRT01P")
    #expect(loaded.data.count == c["n_used"].ints.first ?? (c["n_used"].double.map { Int($0) } ?? -1))
    // The one missing AVAL (SAS '.' or '.A') is excluded and listed, never dropped silently.
    #expect(loaded.exclusions.count == Int(c["n_missing_aval"].double ?? -1))
    let curves = KaplanMeier.curves(loaded.data)
    let groups = c["groups"].array
    #expect(curves.map(\.label) == groups.map { $0["group"].string ?? "" })
    for (curve, g) in zip(curves, groups) {
      let label = "\(file) \(name) \(curve.label)"
      // The times are the fixture's doubles; the JSON holds R's shortest decimal that R's own
      // (not correctly rounded) reader maps back to them, so a correctly rounded reader can land
      // one unit in the last place away: 1e-15 relative, not 0.
      expectAgree(curve.time, g["time"].doubles, relative: 1e-15, "\(label) time")
      #expect(curve.nRisk == g["n_risk"].ints, "\(label) n_risk")
      #expect(curve.nEvent == g["n_event"].ints, "\(label) n_event")
      #expect(curve.nCensor == g["n_censor"].ints, "\(label) n_censor")
      expectAgree(curve.survival, g["surv"].doubles, relative: 1e-9, "\(label) surv")
      expectAgree(curve.stdErr, g["std_err"].doubles, relative: 1e-9, "\(label) std_err")
      let log = curve.confidenceLimits(type: .log, level: 0.95)
      expectAgree(log.lower, g["lower"].doubles, relative: 1e-9, "\(label) lower")
      expectAgree(log.upper, g["upper"].doubles, relative: 1e-9, "\(label) upper")
      let loglog = curve.confidenceLimits(type: .logLog, level: 0.95)
      expectAgree(loglog.lower, g["lower_loglog"].doubles, relative: 1e-9, "\(label) log-log lower")
      expectAgree(loglog.upper, g["upper_loglog"].doubles, relative: 1e-9, "\(label) log-log upper")
      for (type, key) in [(ConfidenceType.log, "median"), (.logLog, "median_loglog")] {
        let q = try #require(curve.quantiles([0.5], type: type, level: 0.95).first)
        let r = g[key]
        expectAgree([q.time, q.lower, q.upper], [r["median"].double, r["lower"].double, r["upper"].double], relative: 1e-9, "\(label) \(key)")
      }
    }
  }

  @Test("The Cox model and log-rank test from each SAS file match R coxph and survdiff", arguments: files)
  func coxMatchesR(file: String) throws {
    let c = try fixtureCase("cox_os")
    let loaded = try load(file, param: "OS")
    let (data, levels) = try CoxDesign.build(loaded, CoxDesign.Request(covariates: ["TRT01P"]))
    #expect(levels["TRT01P"] == c["levels"].array.compactMap(\.string))
    let model = try CoxModel(data: data, options: CoxOptions())
    #expect(model.columnNames == c["coef_names"].array.compactMap(\.string))
    expectAgree(model.coefficients, c["coef"].doubles, relative: 1e-6, "\(file) coef")
    expectAgree(model.standardErrors, c["se"].doubles, relative: 1e-6, "\(file) se")
    expectAgree([model.loglikNull, model.loglik], c["loglik"].doubles, relative: 1e-6, "\(file) loglik")
    let test = try LogRankTest(data: loaded.data)
    expectAgree([test.chiSquare], [c["survdiff"]["chisq"].double], relative: 1e-9, "\(file) survdiff chisq")
  }

  @Test("Labels, formats, units and the row filter come from the file", arguments: files)
  func metadataAsHavenReadsIt(file: String) throws {
    let r = try Self.reference.get()
    let f = try #require(r["files"].array.first { $0["file"].string == file })
    let source = try ByteSource(path: datasets.appendingPathComponent("adam/" + file).path)
    let table = try source.withBytes { b in
      try SASReader.read(bytes: b, format: try #require(DataTable.Format.from(fileName: file)), columns: nil)
    }
    #expect(table.rowCount == Int(f["rows"].double ?? -1))
    for v in f["variables"].array {
      let name = try #require(v["name"].string)
      #expect(table.labels[name] == v["label"].string, "\(file) \(name) label")
      if let format = v["format_sas"].string {
        #expect(table.columns[name]?.format?.hasPrefix(format) == true, "\(file) \(name) format")
        #expect(table.columns[name]?.isSASDate == true)
      }
    }
    let loaded = try load(file, param: "OS", filters: [RowFilter(column: "SAFFL", value: "Y")])
    #expect(loaded.timeUnit == "MONTHS")
    #expect(loaded.mapping.description.contains("AVAL (Analysis Value) in MONTHS"))
    #expect(loaded.filtered.count == 1 && loaded.filtered[0].rows > 0)
    // A parameter that is not there: the message lists those present with their labels and counts.
    #expect(throws: InputError.self) { try load(file, param: "DFS") }
    do {
      _ = try load(file, param: "DFS")
    } catch let e as InputError {
      #expect(e.message.contains("OS (Overall Survival) 73 rows") && e.message.contains("PFS (Progression-Free Survival) 73 rows"), "\(e.message)")
    }
  }
}
