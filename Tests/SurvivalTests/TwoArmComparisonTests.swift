import Foundation
import LinearAlgebra
import Testing

@testable import Survival

/// The two-arm summary against R's survfit, survdiff and coxph numbers already in the fixtures.
@Suite struct TwoArmComparisonTests {
  func load(_ file: String, group: String, strata: [String] = []) throws -> SurvivalData {
    try SurvivalDataLoader.load(bytes: datasetBytes(file), spec: ColumnSpec(group: group, strata: strata)).data
  }

  @Test func amlMatchesR() throws {
    let c = try TwoArmComparison(data: try load("aml.csv", group: "x"))
    // survfit medians 31 and 23; survdiff z 1.84292937981291 (logrank_reference.json);
    // coxph coef 0.915532575014718, se 0.511934275172005 (cox_reference.json, aml_efron).
    #expect(c.medians == [31, 23])
    #expect(c.patients == [11, 12] && c.events == [7, 11])
    expectAgree([c.logRankZ], [1.84292937981291], relative: 1e-9, "z")
    expectAgree([c.logRankP], [0.0653393220405051], relative: 1e-9, "p")
    expectAgree([c.hazardRatio], [exp(0.915532575014718)], relative: 1e-6, "HR")
    expectAgree(
      [c.hazardRatioLower, c.hazardRatioUpper],
      [exp(0.915532575014718 - 1.959963984540054 * 0.511934275172005),
       exp(0.915532575014718 + 1.959963984540054 * 0.511934275172005)], relative: 1e-6, "HR limits")
    #expect(c.stratifiedLogRankZ == nil)
  }

  @Test func stratifiedLungMatchesR() throws {
    let c = try TwoArmComparison(data: try load("lung.csv", group: "sex", strata: ["ph.ecog"]))
    // survdiff(Surv(time, status) ~ sex + strata(ph.ecog)): chisq 10.795060 (z² of the second
    // group); coxph(Surv(time, status) ~ sex + strata(ph.ecog)): coef −0.554364458142861.
    expectAgree([c.stratifiedLogRankZ.map { $0 * $0 }], [10.7950599], relative: 1e-7, "stratified chisq")
    #expect((c.stratifiedLogRankZ ?? 0) < 0)
    expectAgree([c.hazardRatio], [exp(-0.554364458142861)], relative: 1e-6, "stratified HR")
    #expect(c.coxStratified)
  }
}

/// The dedicated kernel against the general estimators (themselves tested against R) on random
/// two-arm data with ties and strata.
@Suite struct TwoArmKernelConsistencyTests {
  @Test func kernelAgreesWithTheGeneralEstimators() throws {
    var rng = SplitMix64(seed: 99)
    var compared = 0
    var coxCompared = 0
    for trial in 0..<200 {
      let n = 10 + rng.integer(below: 80)
      let strata = 1 + rng.integer(below: 3)
      var t: [Double] = []
      var e: [Bool] = []
      var g: [Int] = []
      var s: [Int] = []
      for i in 0..<n {
        let arm = i % 2
        // Times on a coarse grid so that events and censorings tie, within and across arms.
        let raw = rng.exponential() * (arm == 1 ? 1.4 : 1)
        t.append((raw * 4).rounded(.up) / 4)
        e.append(rng.uniform() < 0.75)
        g.append(arm)
        s.append(rng.integer(below: strata))
      }
      let labels = (0..<strata).map { "s\($0)" }
      let data = try SurvivalData(time: t, event: e, group: g, groupLabels: ["a", "b"], stratum: s, strataLabels: labels)
      guard let c = try? TwoArmComparison(data: data) else { continue }
      compared += 1
      let label = "trial \(trial)"
      let curves = KaplanMeier.curves(data)
      #expect(c.medians == curves.map { $0.median().time }, "\(label) medians")
      let pooled = try SurvivalData(time: t, event: e, group: g, groupLabels: ["a", "b"])
      expectAgree([c.logRankZ], [try LogRankTest(data: pooled).z], relative: 1e-9, "\(label) z")
      if strata > 1, let test = try? LogRankTest(data: data) {
        expectAgree([c.stratifiedLogRankZ], [test.z], relative: 1e-9, "\(label) stratified z")
      }
      let x = try Matrix(rows: n, columns: 1, columnMajor: g.map(Double.init))
      let cox = try CoxData(stop: t, event: e, x: x, columnNames: ["b"], strata: strata > 1 ? s : nil, strataLabels: labels)
      if let model = try? CoxModel(data: cox), model.infiniteCoefficients.isEmpty, model.converged {
        coxCompared += 1
        expectAgree([c.hazardRatio], [exp(model.coefficients[0])], relative: 1e-8, "\(label) HR")
        expectAgree(
          [c.hazardRatioUpper.map { log($0) - log(c.hazardRatio ?? 1) }],
          [1.959963984540054 * model.standardErrors[0]], relative: 1e-8, "\(label) se")
      }
    }
    #expect(compared >= 190 && coxCompared >= 180, "compared \(compared), Cox \(coxCompared)")
  }
}
