import Foundation
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
