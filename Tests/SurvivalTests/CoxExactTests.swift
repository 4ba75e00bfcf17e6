import Foundation
import LinearAlgebra
import Testing

@testable import Survival

/// The exact partial likelihood (R `coxph(ties = "exact")`) against
/// Datasets/References/cox_exact_reference.json, written by cox_exact_reference.R (R 4.2.2,
/// survival 3.5-3): log-likelihood and information from `coxph(..., init = β, iter.max = 0)`, the
/// score from survival's own C routines at iteration 0 (see the script). Cases: aml, gehan,
/// ovarian, and a hand-written table with 7 events tied at one time, fitted unstratified,
/// stratified and as (start, stop] data. Tolerance 1e-9 relative; a score that is zero up to
/// rounding (at R's estimate) is compared absolutely, to 1e-9 of its standard deviation √I_jj.
@Suite struct CoxExactTests {
  static let tolerance = 1e-9
  static let reference = Result { try Fixture.load("References/cox_exact_reference.json") }
  static var keys: [String] {
    ((try? reference.get())?["cases"].array ?? []).compactMap { $0["key"].string }
  }


  func fixture(_ key: String) throws -> Fixture {
    try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
  }

  /// The case's data: from its CSV through the loader and the design builder, or from the table
  /// written into the fixture.
  func data(_ c: Fixture) throws -> CoxData {
    let covariates = c["covariates"].array.compactMap(\.string)
    let strata = c["strata"].array.compactMap(\.string)
    if let file = c["file"].string {
      let request = CoxDesign.Request(covariates: covariates, start: c["start"].string)
      var spec = ColumnSpec(time: c["time"].string, event: c["event"].string, strata: strata)
      spec.extra = request.columns
      let loaded = try SurvivalDataLoader.load(bytes: datasetBytes(file), spec: spec)
      return try CoxDesign.build(loaded, request).0
    }
    let t = c["data"]
    let time = t["time"].doubles.map { $0 ?? .nan }
    let event = t["status"].doubles.map { $0 == 1 }
    let columns = t["x"].array.map { $0.doubles.map { $0 ?? .nan } }
    let x = try Matrix(rows: time.count, columns: columns.count, columnMajor: columns.flatMap { $0 })
    let start = c["start"].isNull ? nil : t["start"].doubles.map { $0 ?? .nan }
    let stratified = !strata.isEmpty
    return try CoxData(
      start: start, stop: time, event: event, x: x,
      columnNames: t["columns"].array.compactMap(\.string),
      strata: stratified ? t["stratum"].ints : nil,
      strataLabels: stratified ? t["strata"].array.compactMap(\.string) : ["all"])
  }

  @Test("Log-likelihood, score and information match R's exact method at fixed β", arguments: keys)
  func matchesR(key: String) throws {
    let c = try fixture(key)
    let d = try data(c)
    #expect(d.columnNames == c["columns"].array.compactMap(\.string), "\(key) columns")
    #expect(Double(d.count) == c["n"].double, "\(key) n")
    let kernel = try CoxExactLikelihood(data: d)
    let p = d.columns
    let evaluations = c["evaluations"].array
    #expect(evaluations.count >= 3)
    for e in evaluations {
      let label = "\(key) β=\(e["label"].string ?? "?")"
      let beta = e["beta"].doubles.map { $0 ?? .nan }
      let v = kernel.evaluate(beta)
      expectAgree([v.loglik], [e["loglik"].double], relative: Self.tolerance, "\(label) loglik")
      let info = e["information"].doubles
      expectAgree(v.information, info, relative: Self.tolerance, "\(label) information")
      let score = e["score"].doubles
      if e["label"].string == "estimate" {
        #expect(score.count == p)
        for j in 0..<min(p, score.count) {
          let sd = (info[j * p + j] ?? 0).squareRoot()
          let r = score[j] ?? .nan
          #expect(
            abs(v.score[j] - r) <= Self.tolerance * max(sd, abs(r)),
            "\(label) score[\(j)]: osstats \(v.score[j]), R \(r)")
        }
      } else {
        expectAgree(v.score, score, relative: Self.tolerance, "\(label) score")
      }
      // The loglik without derivatives is the same number.
      #expect(kernel.evaluate(beta, derivatives: false).loglik == v.loglik, "\(label) no derivatives")
    }
  }

  @Test("Case weights other than 1 are refused, as R refuses them; weights of 1 change nothing")
  func weights() throws {
    let c = try fixture("aml")
    let d = try data(c)
    let message = try #require(try Self.reference.get()["weights_error"].string)
    #expect(message.contains("not supported for the exact method"))
    var w = [Double](repeating: 1, count: d.count)
    let unit = try CoxData(
      stop: d.stop, event: d.event, x: d.x, columnNames: d.columnNames, weights: w)
    let a = try CoxExactLikelihood(data: d).evaluate([0.4])
    let b = try CoxExactLikelihood(data: unit).evaluate([0.4])
    #expect(a.loglik == b.loglik && a.score == b.score && a.information == b.information)
    w[3] = 2
    let weighted = try CoxData(
      stop: d.stop, event: d.event, x: d.x, columnNames: d.columnNames, weights: w)
    #expect(throws: CoxError.self) { try CoxExactLikelihood(data: weighted) }
    do {
      _ = try CoxExactLikelihood(data: weighted)
    } catch {
      #expect(error.message.contains("case weights are not supported with exact ties"))
    }
  }

  @Test("Without tied events the exact likelihood is Breslow's and Efron's")
  func untiedEqualsBreslow() throws {
    let c = try fixture("ovarian")
    #expect(c["max_tied_events"].double == 1)
    let d = try data(c)
    let exact = try CoxExactLikelihood(data: d)
    for beta in [[0.0, 0.0], [-0.8, 0.15], [1.5, -0.1]] {
      let x = exact.evaluate(beta)
      for ties in CoxTies.allCases {
        let y = CoxLikelihood(data: d, ties: ties).evaluate(beta)
        expectAgree([x.loglik], [y.loglik], relative: 1e-12, "loglik \(ties)")
        expectAgree(x.score, y.score, relative: 1e-11, "score \(ties)")
        expectAgree(x.information, y.information, relative: 1e-11, "information \(ties)")
      }
    }
  }

  /// One time, m at risk, d events, one binary covariate with m1 ones: the subsets' Σx is
  /// Fisher's noncentral hypergeometric, so D = Σ_k C(m1, k) C(m − m1, d − k) e^{βk}, the score
  /// is Σ_{events} x − E[K] and the information Var[K], computed here on the log scale.
  @Test("A 1000-way tie among 2000 at risk: closed form, no overflow (R gives −∞)")
  func largeTie() throws {
    let m = 2000
    let d = 1000
    let m1 = 700
    let eventOnes = 400
    // Rows 0..<m1 have x = 1; events: the first `eventOnes` of them and d − eventOnes others.
    let x = (0..<m).map { $0 < m1 ? 1.0 : 0.0 }
    let event = (0..<m).map { $0 < eventOnes || ($0 >= m1 && $0 < m1 + d - eventOnes) }
    let data = try CoxData(
      stop: [Double](repeating: 3, count: m), event: event,
      x: try Matrix(rows: m, columns: 1, columnMajor: x), columnNames: ["x"])
    let kernel = try CoxExactLikelihood(data: data)
    func lchoose(_ a: Int, _ b: Int) -> Double {
      lgamma(Double(a + 1)) - lgamma(Double(b + 1)) - lgamma(Double(a - b + 1))
    }
    for beta in [0.0, 0.7, -2.5] {
      let ks = max(0, d - (m - m1))...min(d, m1)
      let logTerms = ks.map { lchoose(m1, $0) + lchoose(m - m1, d - $0) + beta * Double($0) }
      let top = logTerms.max() ?? 0
      let weights = logTerms.map { exp($0 - top) }
      let total = weights.reduce(0, +)
      let logD = top + log(total)
      let mean = zip(ks, weights).map { Double($0) * $1 }.reduce(0, +) / total
      let second = zip(ks, weights).map { Double($0) * Double($0) * $1 }.reduce(0, +) / total
      let v = kernel.evaluate([beta])
      #expect(v.loglik.isFinite)
      expectAgree([v.loglik], [beta * Double(eventOnes) - logD], relative: 1e-10, "loglik β=\(beta)")
      expectAgree(v.score, [Double(eventOnes) - mean], relative: 1e-9, "score β=\(beta)")
      expectAgree(v.information, [second - mean * mean], relative: 1e-8, "information β=\(beta)")
    }
  }

  /// Three subjects at one time with η = 800, 0, −800 (centred) and two events (the first and the
  /// last): D = e^800 + 1 + e^−800, beyond the range of a Double, so ℓ = −800 − log(1 + e^−800 + …)
  /// = −800, the score 0 − 800 and the information (the variance of Σx) about 800² e^−800 = 0.
  @Test("exp(η) beyond the range of a Double does not overflow")
  func extremeLinearPredictor() throws {
    let data = try CoxData(
      stop: [1, 1, 1], event: [true, false, true],
      x: try Matrix(rows: 3, columns: 1, columnMajor: [800, 0, -800]), columnNames: ["x"])
    let v = try CoxExactLikelihood(data: data).evaluate([1])
    expectAgree([v.loglik], [-800], relative: 1e-15, "loglik")
    expectAgree(v.score, [-800], relative: 1e-15, "score")
    #expect(v.information.count == 1 && v.information[0] >= 0 && v.information[0] < 1e-300)
  }

  @Test("The row order does not matter", arguments: ["tied", "tied_strata", "tied_counting"])
  func rowOrder(key: String) throws {
    let d = try data(try fixture(key))
    let order = (0..<d.count).map { ($0 * 13 + 5) % d.count }
    #expect(Set(order).count == d.count)
    var columns: [Double] = []
    for j in 0..<d.columns { columns += order.map { d.x[$0, j] } }
    let shuffled = try CoxData(
      start: d.start.map { s in order.map { s[$0] } }, stop: order.map { d.stop[$0] },
      event: order.map { d.event[$0] },
      x: try Matrix(rows: d.count, columns: d.columns, columnMajor: columns),
      columnNames: d.columnNames, strata: order.map { d.strata[$0] }, strataLabels: d.strataLabels)
    let beta = [0.6, -0.9]
    let a = try CoxExactLikelihood(data: d).evaluate(beta)
    let b = try CoxExactLikelihood(data: shuffled).evaluate(beta)
    expectAgree([a.loglik], [b.loglik], relative: 1e-13, "\(key) loglik")
    expectAgree(a.score, b.score, relative: 1e-12, "\(key) score")
    expectAgree(a.information, b.information, relative: 1e-12, "\(key) information")
  }
}
