import Foundation
import LinearAlgebra
import Testing

@testable import Survival

/// Aliased Cox terms and R's 1/2 status coding against Datasets/References/aliased_reference.json
/// (aliased_reference.R: R 4.2.2, survival 3.5-3): a covariate constant within strata and an exact
/// multiple of another are left out as R reports NA, and the other coefficients equal R's.
@Suite struct AliasedTermsTests {
  static let reference = Result { try Fixture.load("References/aliased_reference.json") }

  func fit(covariates: [String], strata: [String]) throws -> CoxModel {
    let request = CoxDesign.Request(covariates: covariates)
    var spec = ColumnSpec(noGroup: true, strata: strata)
    spec.extra = request.columns
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes("colon.csv"), spec: spec)
    return try CoxModel(data: try CoxDesign.build(loaded, request).0.fixingTimes())
  }

  @Test(
    "Aliased terms: R's NA, and the other coefficients, standard errors and log-likelihoods",
    arguments: [
      ("colon_strata_sex", ["rx", "sex", "age", "nodes"], ["sex"], AliasedColumn.Reason.constantWithinStrata),
      ("colon_linear_combination", ["rx", "age", "age10", "nodes"], [], .linearCombination),
    ])
  func aliasedAsR(key: String, covariates: [String], strata: [String], reason: AliasedColumn.Reason) throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
    let model = try fit(covariates: covariates, strata: strata)
    let terms = c["terms"].array.compactMap(\.string)
    let aliased = c["aliased"].array.compactMap(\.string)
    #expect(model.aliased.map(\.name) == aliased)
    #expect(model.aliased.map(\.reason) == [reason])
    #expect(model.aliased.map(\.index) == aliased.compactMap { terms.firstIndex(of: $0) })
    #expect(model.columnNames == terms.filter { !aliased.contains($0) })
    let fitted = zip(terms, c["coef"].doubles).filter { !aliased.contains($0.0) }.map(\.1)
    let se = zip(terms, c["se"].doubles).filter { !aliased.contains($0.0) }.map(\.1)
    expectAgree(model.coefficients, fitted, relative: 1e-6, "\(key) coef")
    expectAgree(model.standardErrors, se, relative: 1e-6, "\(key) se")
    expectAgree([model.loglikNull, model.loglik], [c["loglik_null"].double, c["loglik"].double], relative: 1e-9, "\(key) loglik")
    #expect(model.n == Int(c["n"].double ?? -1) && model.events == Int(c["events"].double ?? -1))
    #expect(model.iterations == Int(c["iterations"].double ?? -1))
  }

  @Test("R's 1/2 status (1 = censored, 2 = dead) is read as Surv reads it: lung's KM, log-rank and Cox")
  func oneTwoCoding() throws {
    let r = try Self.reference.get()
    let coding = r["coding"]
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes("edge/lung_status12.csv"), spec: ColumnSpec(group: "sex"))
    #expect(loaded.mapping.eventCoding == .oneTwo)
    #expect(loaded.mapping.description.contains("2 = event, 1 = censored"))
    #expect(loaded.data.event.filter { $0 }.count == Int(coding["total_events"].double ?? -1))
    let km = try KaplanMeierAnalysis(data: loaded.data, options: KaplanMeierOptions(times: [180, 365]))
    let surv = km.groups.flatMap { $0.atTimes.map(\.survival) }
    expectAgree(surv, coding["surv"].doubles, relative: 1e-9, "surv")
    expectAgree(km.groups.map(\.median.time), coding["median"].doubles, relative: 1e-12, "median")
    expectAgree(km.groups.map(\.median.lower), coding["median_lower"].doubles, relative: 1e-12, "median lower")
    expectAgree(km.groups.map(\.median.upper), coding["median_upper"].doubles, relative: 1e-12, "median upper")
    let test = try LogRankTest(data: loaded.data)
    expectAgree([test.chiSquare], [coding["logrank_chisq"].double], relative: 1e-9, "chisq")
    let cox = try #require(r["cases"].array.first { $0["key"].string == "lung_status12_cox" })
    let x = try Matrix(rows: loaded.data.count, columns: 1, columnMajor: loaded.data.group.map { Double($0 + 1) })
    let model = try CoxModel(data: try CoxData(stop: loaded.data.time, event: loaded.data.event, x: x, columnNames: ["sex"]))
    expectAgree(model.coefficients, cox["coef"].doubles, relative: 1e-6, "cox coef")
  }

  @Test("A status with more than two values is refused, naming the values; one named event value codes the rest censored")
  func multiValuedStatus() throws {
    let csv = Array("time,status\n1,0\n2,1\n3,2\n4,1\n5,0\n".utf8)
    do {
      _ = try SurvivalDataLoader.load(bytes: csv, spec: ColumnSpec())
      Issue.record("a 0/1/2 status was read")
    } catch {
      #expect(error.message == "status '2': the status has the values 0, 1, 2, more than one event and one censoring code")
      #expect(error.line == 4 && error.column == 3)
      #expect(error.subject == .eventCoding(values: ["0", "1", "2"]))
    }
    var spec = ColumnSpec()
    spec.eventValue = "2"
    let loaded = try SurvivalDataLoader.load(bytes: csv, spec: spec)
    #expect(loaded.data.event == [false, false, true, false, false])
    #expect(loaded.mapping.eventCoding == .value("2"))
    spec.eventValue = "7"
    #expect(throws: InputError.self) { try SurvivalDataLoader.load(bytes: csv, spec: spec) }
    // An ADaM ADTTE's event is CNSR = 0: an event value is refused, not ignored.
    var adam = ColumnSpec()
    adam.eventValue = "1"
    let adtte = Array("USUBJID,PARAMCD,AVAL,CNSR\n1,OS,5,0\n2,OS,7,1\n".utf8)
    #expect(throws: InputError(.usage, line: 1, column: 1, "CNSR: the event of an ADaM ADTTE data set is CNSR = 0; an event value '1' does not apply")) {
      try SurvivalDataLoader.load(bytes: adtte, spec: adam)
    }
  }
}

/// The review's cases: prediction after a factor loses a level to aliasing, and the subgroup
/// interaction's degrees of freedom.
@Suite struct AliasedPredictionTests {
  @Test("A factor level aliased within strata: the profile is coded by the fitted columns' names")
  func predictionAfterAliasedLevel() throws {
    // stage B occurs only in center 2, and center 2 has only stage B: stageB is constant within
    // strata (center) and aliased; the fitted columns are stageC and age.
    var csv = "time,status,stage,age,center\n"
    let rows: [(Double, Int, String, Double, String)] = [
      (5, 1, "A", 50, "c1"), (8, 1, "C", 61, "c1"), (3, 0, "A", 47, "c1"), (9, 1, "C", 70, "c1"), (4, 1, "A", 58, "c1"),
      (6, 1, "C", 52, "c1"), (7, 0, "A", 66, "c1"), (2, 1, "C", 49, "c1"), (6, 1, "B", 55, "c2"), (9, 0, "B", 63, "c2"),
      (3, 1, "B", 59, "c2"), (5, 1, "B", 48, "c2"),
    ]
    for r in rows { csv += "\(r.0),\(r.1),\(r.2),\(r.3),\(r.4)\n" }
    let request = CoxDesign.Request(covariates: ["stage", "age"])
    var spec = ColumnSpec(strata: ["center"])
    spec.extra = request.columns
    let loaded = try SurvivalDataLoader.load(bytes: Array(csv.utf8), spec: spec)
    let model = try CoxModel(data: try CoxDesign.build(loaded, request).0)
    #expect(model.aliased.map(\.name) == ["stageB"])
    #expect(model.columnNames == ["stageC", "age"])
    // The profile (stage C, age 60) is [1, 60] on the fitted columns, never shifted.
    let byName = try model.predictSurvival(at: ["stage": "C", "age": "60"])
    let byColumns = model.predictSurvival(profile: [1, 60])
    #expect(byName.map(\.survival) == byColumns.map(\.survival))
    #expect(!byName.isEmpty)
    // A profile of the wrong length has no prediction (not a trap).
    #expect(model.predictSurvival(profile: [1, 60, 0]).isEmpty)
  }
}

@Suite struct SubgroupInteractionTests {
  @Test("A subgroup level with one arm only: the interaction test's df counts the fitted products only")
  func aliasedProductDF() throws {
    var time: [Double] = []
    var event: [Bool] = []
    var group: [Int] = []
    var region: [String?] = []
    for i in 0..<60 {
      let r = ["EU", "US", "ASIA"][i % 3]
      let arm = r == "ASIA" ? 0 : (i / 3) % 2
      time.append(Double(1 + (i * 7) % 23) + (arm == 1 ? 3 : 0))
      event.append(i % 4 != 0)
      group.append(arm)
      region.append(r)
    }
    let data = try SurvivalData(time: time, event: event, group: group, groupLabels: ["control", "experimental"])
    let c = try OverallSurvivalComparison(data: data, experimental: 1, subgroups: [("region", region)])
    let test = try #require(c.subgroups.first?.interaction)
    // Three levels, but ASIA has no experimental patient: one arm × level product is left.
    #expect(test.df == 1)
  }
}
