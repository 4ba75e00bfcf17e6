import Foundation
import LinearAlgebra
import Testing

@testable import Survival

/// Cox models against Datasets/References/cox_reference.json, written by cox_reference.R
/// (R 4.2.2, survival 3.5-3): coefficients, standard errors (model-based and robust), both
/// log-likelihoods, the three global tests, residuals, predicted survival, baseline hazard and
/// profile-likelihood limits. Tolerance 1e-6 relative (R's own convergence is 1e-9 in
/// log-likelihood); residuals and curves 1e-6 relative on the scale of their largest value.
@Suite struct CoxReferenceTests {
  static let tolerance = 1e-6
  static let reference = Result { try Fixture.load("References/cox_reference.json") }
  /// Every fitted case (Efron, Breslow and exact ties).
  static var keys: [String] {
    ((try? reference.get())?["cases"].array ?? []).filter { $0["key"].string != "collinear" }
      .compactMap { $0["key"].string }
  }

  func fixture(_ key: String) throws -> Fixture {
    try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
  }

  func fit(_ c: Fixture) throws -> (CoxData, CoxModel) {
    let request = CoxDesign.Request(
      covariates: c["covariates"].array.compactMap(\.string), start: c["start"].string,
      weights: c["weights"].string, cluster: c["cluster"].string)
    var spec = ColumnSpec(
      time: c["time"].string, event: c["event"].string, strata: c["strata"].array.compactMap(\.string))
    spec.extra = request.columns
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes(try #require(c["file"].string)), spec: spec)
    let (data, _) = try CoxDesign.build(loaded, request)
    let ties = try #require(CoxTies(rawValue: c["ties"].string ?? ""))
    return (data, try CoxModel(data: data, options: CoxOptions(ties: ties)))
  }

  /// Elementwise agreement on the scale of the largest reference value (residuals cross zero).
  func expectClose(_ a: [Double], _ e: [Double?], _ what: String) {
    #expect(a.count == e.count, "\(what): \(a.count) vs \(e.count)")
    let scale = e.compactMap { $0.map(abs) }.max() ?? 1
    for (i, (x, y)) in zip(a, e).enumerated() {
      guard let y else {
        Issue.record("\(what)[\(i)]: R has null")
        continue
      }
      if abs(x - y) > Self.tolerance * max(abs(y), scale * 1e-3) {
        Issue.record("\(what)[\(i)]: osstats \(x), R \(y)")
      }
    }
  }

  @Test("Coefficients, standard errors, log-likelihoods and the three tests match R coxph", arguments: keys)
  func fitMatchesCoxph(key: String) throws {
    let c = try fixture(key)
    let (data, model) = try fit(c)
    #expect(model.columnNames == c["terms"].array.compactMap(\.string), "\(key) terms")
    #expect(model.n == c["n"].ints.first ?? Int(c["n"].double ?? -1), "\(key) n")
    #expect(model.events == Int(c["events"].double ?? -1), "\(key) events")
    let infinite = c["infinite"].array.compactMap { $0.double.map { Int($0) - 1 } }
    #expect(model.infiniteCoefficients == infinite.map { model.columnNames[$0] }, "\(key) infinite")
    expectAgree([model.loglikNull], [c["loglik_null"].double], relative: 1e-9, "\(key) loglik(0)")
    expectAgree([model.scoreTest.statistic], [c["score"]["statistic"].double], relative: 1e-9, "\(key) score")
    guard infinite.isEmpty else { return }  // R's estimate is an arbitrary point on the ridge
    expectAgree(model.coefficients, c["coef"].doubles, relative: Self.tolerance, "\(key) coef")
    expectAgree(model.standardErrors, c["se"].doubles, relative: Self.tolerance, "\(key) se")
    expectAgree([model.loglik], [c["loglik"].double], relative: 1e-9, "\(key) loglik")
    expectAgree([model.likelihoodRatioTest.statistic], [c["lr"]["statistic"].double], relative: Self.tolerance, "\(key) LR")
    #expect(model.iterations == Int(c["iterations"].double ?? -1), "\(key) iterations")
    if c["robust"].value as? Bool == true {
      // R's Wald test uses the robust variance when there is one; and it adds a robust score test.
      let robust = model.robustVariance()
      let se = (0..<model.coefficients.count).map { robust[$0, $0].squareRoot() }
      expectAgree(se, c["robust_se"].doubles, relative: Self.tolerance, "\(key) robust se")
      expectAgree([model.robustWaldTest(robust)?.statistic], [c["wald"]["statistic"].double], relative: Self.tolerance, "\(key) robust Wald")
      expectAgree([model.robustScoreTest()?.statistic], [c["robust_score"].double], relative: Self.tolerance, "\(key) robust score")
    } else {
      expectAgree([model.waldTest.statistic], [c["wald"]["statistic"].double], relative: Self.tolerance, "\(key) Wald")
    }
  }

  @Test("Concordance and its standard error, and the cox.zph tests, match R", arguments: keys)
  func concordanceAndPHTestMatchR(key: String) throws {
    let c = try fixture(key)
    let (data, model) = try fit(c)
    guard model.infiniteCoefficients.isEmpty else { return }
    let conc = model.concordance()
    expectAgree(
      [conc.concordance, conc.stdErr], [c["concordance"].double, c["concordance_se"].double],
      relative: Self.tolerance, "\(key) concordance")
    let zph = c["zph"]
    guard !zph.isNull else { return }
    for transform in ProportionalHazardsTest.Transform.allCases {
      let r = zph[transform.rawValue]
      let test = try ProportionalHazardsTest(model: model, transform: transform)
      let chisq = test.terms.map(\.chiSquare) + [test.global.statistic]
      expectAgree(chisq, r["chisq"].doubles, relative: Self.tolerance, "\(key) zph \(transform.rawValue)")
    }
  }

  @Test("Residuals match R residuals.coxph", arguments: keys)
  func residualsMatchR(key: String) throws {
    let c = try fixture(key)
    let r = c["residuals"]
    guard !r.isNull else { return }
    let (data, model) = try fit(c)
    let res = model.residuals()
    expectClose(res.martingale, r["martingale"].doubles, "\(key) martingale")
    expectClose(res.deviance, r["deviance"].doubles, "\(key) deviance")
    expectClose(res.score.rowArrays.flatMap { $0 }, r["score"].array.flatMap(\.doubles), "\(key) score")
    expectClose(res.schoenfeld.rowArrays.flatMap { $0 }, r["schoenfeld"].array.flatMap(\.doubles), "\(key) schoenfeld")
    expectAgree(res.schoenfeldTime.map { $0 }, r["schoenfeld_time"].doubles, relative: 0, "\(key) schoenfeld time")
    // R's default dfbeta residuals are multiplied by the case weights.
    let w = data.weights ?? [Double](repeating: 1, count: data.count)
    let weighted = (0..<data.count).flatMap { i in (0..<data.columns).map { w[i] * res.dfbeta[i, $0] } }
    expectClose(weighted, r["dfbeta"].array.flatMap(\.doubles), "\(key) dfbeta")
  }

  @Test("Predicted survival and the baseline hazard match R survfit.coxph and basehaz", arguments: keys)
  func predictionMatchesR(key: String) throws {
    let c = try fixture(key)
    let b = c["baseline"]
    guard !b.isNull else { return }
    let (data, model) = try fit(c)
    // The profile as R's newdata gives it, by covariate (aml's x by its level), coded by the fit.
    let given = try #require(b["profile"].value as? [String: Any])
    let values = given.mapValues { ($0 as? String) ?? (($0 as? NSNumber).map { "\($0.doubleValue)" } ?? "") }
    let curves = try model.predictSurvival(at: values)
    let blocks = b["strata"].isNull ? [b] : b["strata"].array
    #expect(curves.count == blocks.count, "\(key) strata")
    for (curve, block) in zip(curves, blocks) {
      let label = "\(key) \(curve.stratum)"
      expectAgree(curve.time.map { $0 }, block["time"].doubles, relative: 0, "\(label) time")
      #expect(curve.nRisk == block["n_risk"].ints, "\(label) n_risk")
      #expect(curve.nEvent == block["n_event"].ints, "\(label) n_event")
      expectAgree(curve.survival, block["surv"].doubles, relative: Self.tolerance, "\(label) surv")
      expectAgree(curve.stdErr, block["std_err"].doubles, relative: Self.tolerance, "\(label) std_err")
      expectAgree(curve.lower, block["lower"].doubles, relative: Self.tolerance, "\(label) lower")
      expectAgree(curve.upper, block["upper"].doubles, relative: Self.tolerance, "\(label) upper")
    }
    let base = b["basehaz"]
    let mine = model.baselineHazard()
    let hazards = mine.flatMap(\.hazard)
    expectAgree(hazards, base["hazard"].doubles, relative: Self.tolerance, "\(key) basehaz")
  }

  @Test("The coefficient table (z, p and hazard-ratio limits, robust when R's fit is) matches summary(coxph)", arguments: keys)
  func coefficientTableMatchesR(key: String) throws {
    let c = try fixture(key)
    guard c["infinite"].array.isEmpty else { return }
    let (data, model) = try fit(c)
    let robust = c["robust"].value as? Bool == true
    // R's rule: robust variance with clusters or non-integer weights, or when asked (lung_robust).
    #expect(model.robustVarianceIsDefault == (data.cluster != nil || data.hasNonIntegerWeights), "\(key) rule")
    // As the reference fits were asked for: robust = TRUE, or FALSE beside the case weights.
    let inference = model.inference(variance: robust ? .robust : .modelBased)
    let table = inference.coefficients
    #expect(table.map(\.term) == c["terms"].array.compactMap(\.string), "\(key) terms")
    #expect(inference.waldUsesRobustVariance == robust, "\(key) robust Wald")
    expectAgree(table.map(\.hazardRatio), c["coef"].doubles.map { $0.map(Foundation.exp) }, relative: Self.tolerance, "\(key) HR")
    expectAgree(table.map(\.z), c["z"].doubles, relative: Self.tolerance, "\(key) z")
    expectAgree(table.map(\.p), c["p"].doubles, relative: 1e-5, "\(key) p")
    expectAgree(table.map(\.lower), c["hr_lower"].doubles, relative: Self.tolerance, "\(key) HR lower")
    expectAgree(table.map(\.upper), c["hr_upper"].doubles, relative: Self.tolerance, "\(key) HR upper")
    expectAgree([inference.waldTest.statistic], [c["wald"]["statistic"].double], relative: Self.tolerance, "\(key) Wald")
    if robust { expectAgree(table.map(\.robustStandardError), c["robust_se"].doubles, relative: Self.tolerance, "\(key) robust se") }
    let pci = c["profile_ci"]
    if !pci.isNull {
      let profiled = model.inference(intervals: .profileLikelihood).coefficients
      expectAgree(profiled.map(\.lower), pci["lower"].doubles.map { $0.map(Foundation.exp) }, relative: Self.tolerance, "\(key) profile lower")
      expectAgree(profiled.map(\.upper), pci["upper"].doubles.map { $0.map(Foundation.exp) }, relative: Self.tolerance, "\(key) profile upper")
    }
  }

  @Test("Profile-likelihood limits match the reference root-finding", arguments: keys)
  func profileLimitsMatchR(key: String) throws {
    let c = try fixture(key)
    let pci = c["profile_ci"]
    guard !pci.isNull else { return }
    let (data, model) = try fit(c)
    for j in model.coefficients.indices {
      let limits = model.profileLikelihoodInterval(column: j)
      expectAgree(
        [limits.lower, limits.upper], [pci["lower"].doubles[j], pci["upper"].doubles[j]],
        relative: Self.tolerance, "\(key) \(model.columnNames[j]) profile limits")
    }
  }

  @Test("A collinear column is aliased as R sets it to NA; the others are R's coefficients")
  func collinearIsAliased() throws {
    let c = try fixture("collinear")
    let (_, model) = try fit(c)
    #expect(model.aliased.map(\.name) == c["na_terms"].array.compactMap(\.string))
    #expect(model.aliased.first?.reason == .linearCombination)
    expectAgree(model.coefficients, Array(c["coef"].doubles.prefix(2)), relative: Self.tolerance, "collinear coef")
  }
}

/// Firth's penalized Cox model against the independent R computation in cox_reference.json
/// ("firth": ℓ + ½ log det I from coxph at fixed β, maximized by optim and polished by Newton;
/// profile limits by uniroot). Breslow ties, as coxphf.
@Suite struct FirthReferenceTests {
  static var keys: [String] {
    ((try? CoxReferenceTests.reference.get())?["firth"]["cases"].array ?? []).compactMap { $0["key"].string }
  }

  @Test("Firth estimate, penalized log-likelihood, se and profile limits match the reference", arguments: keys)
  func firthMatchesReference(key: String) throws {
    let f = try #require(try CoxReferenceTests.reference.get()["firth"]["cases"].array.first { $0["key"].string == key })
    let request = CoxDesign.Request(covariates: f["covariates"].array.compactMap(\.string))
    var spec = ColumnSpec(time: f["time"].string, event: f["event"].string)
    spec.extra = request.columns
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes(try #require(f["file"].string)), spec: spec)
    let (data, _) = try CoxDesign.build(loaded, request)
    let model = try FirthCoxModel(data: data)
    #expect(model.converged)
    expectAgree(model.coefficients, f["coef"].doubles, relative: 1e-6, "\(key) Firth coef")
    expectAgree([model.penalizedLoglik], [f["loglik_penalized"].double], relative: 1e-9, "\(key) penalized loglik")
    expectAgree([model.loglik], [f["loglik"].double], relative: 1e-9, "\(key) loglik at the Firth estimate")
    expectAgree(model.standardErrors, f["se_information"].doubles, relative: 1e-6, "\(key) Firth se")
    for j in model.coefficients.indices {
      let limits = model.profileInterval(column: j)
      expectAgree(
        [limits.lower, limits.upper], [f["profile_lower"].doubles[j], f["profile_upper"].doubles[j]],
        relative: 1e-6, "\(key) \(model.columnNames[j]) profile limits")
    }
  }
}

/// A large formula-generated data set (60,000 rows, 322 distinct times, heavy ties) that takes the
/// parallel path of the likelihood (two halves of the stratum at once), against R coxph
/// (Datasets/References/cox_large_reference.R, which documents the formula).
@Suite struct CoxLargeReferenceTests {
  @Test("Efron and Breslow fits on 60,000 rows match R coxph")
  func largeFitMatchesR() throws {
    let reference = try Fixture.load("References/cox_large_reference.json")
    let n = 60_000
    var x = [Double](repeating: 0, count: 2 * n)
    var time = [Double](repeating: 0, count: n)
    var status = [Bool](repeating: false, count: n)
    for r in 0..<n {
      let i = Double(r + 1)
      let x1 = (37 * i).truncatingRemainder(dividingBy: 101) / 101 - 0.5
      let x2 = (53 * i).truncatingRemainder(dividingBy: 97) / 97
      let u = 1 + (7919 * i).truncatingRemainder(dividingBy: 5003) / 5003
      x[r] = x1
      x[n + r] = x2
      time[r] = (100 * u * exp(-0.8 * x1 + 0.3 * x2)).rounded(.down) / 100
      status[r] = (r + 1) % 4 != 0
    }
    #expect(Set(time).count == Int(reference["distinct_times"].double ?? 0))
    let data = try CoxData(
      stop: time, event: status, x: try Matrix(rows: n, columns: 2, columnMajor: x), columnNames: ["x1", "x2"])
    for fit in reference["fits"].array {
      let ties = try #require(CoxTies(rawValue: fit["ties"].string ?? ""))
      let model = try CoxModel(data: data, options: CoxOptions(ties: ties))
      expectAgree(model.coefficients, fit["coef"].doubles, relative: 1e-6, "\(ties) coef")
      expectAgree(model.standardErrors, fit["se"].doubles, relative: 1e-6, "\(ties) se")
      expectAgree([model.loglikNull, model.loglik], [fit["loglik_null"].double, fit["loglik"].double], relative: 1e-9, "\(ties) loglik")
      #expect(model.iterations == Int(fit["iterations"].double ?? -1))
    }
  }
}
