import Foundation
import LinearAlgebra
import Testing

@testable import Survival

/// Log-rank family against Datasets/References/logrank_reference.json, written by
/// logrank_reference.R (R 4.2.2, survival 3.5-3, mvtnorm 1.1-3): survdiff's own numbers for
/// log-rank and G(1, 0) (= survdiff rho = 1), an independent R implementation of the Klein &
/// Moeschberger form for the other weights (checked there against survdiff), mvtnorm for MaxCombo,
/// p.adjust for pairwise comparisons. Tolerance 1e-9 relative; MaxCombo p 1e-6 absolute.
@Suite struct LogRankReferenceTests {
  static let tolerance = 1e-9
  static let reference = Result { try Fixture.load("References/logrank_reference.json") }
  static var keys: [String] {
    ((try? reference.get())?["cases"].array ?? []).compactMap { $0["key"].string }
  }

  func fixture(_ key: String) throws -> Fixture {
    try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
  }

  func data(_ c: Fixture) throws -> SurvivalData {
    let spec = ColumnSpec(
      time: c["time"].string, event: c["event"].string, group: c["group"].string,
      strata: c["strata"].array.compactMap(\.string))
    return try SurvivalDataLoader.load(bytes: datasetBytes(try #require(c["file"].string)), spec: spec).data
  }

  func weights(_ t: Fixture) throws -> LogRankWeights {
    switch t["weights"].string {
    case "logrank": return .logRank
    case "fleming-harrington":
      return .flemingHarrington(rho: try #require(t["rho"].double), gamma: try #require(t["gamma"].double))
    case "gehan-breslow": return .gehanBreslow
    case "tarone-ware": return .taroneWare
    case "peto-peto": return .petoPeto
    case "modified-peto-peto": return .modifiedPetoPeto
    default: throw TestFailure("unknown weights \(String(describing: t["weights"].string))")
    }
  }


  @Test("Every weight: observed, expected, variance, chi-square, df, p and z match R", arguments: keys)
  func testsMatchR(key: String) throws {
    let c = try fixture(key)
    let d = try data(c)
    #expect(d.groupLabels == c["groups"].array.compactMap(\.string), "\(key) groups")
    for t in c["tests"].array {
      let w = try weights(t)
      let label = "\(key) \(w.label)"
      if t["chisq"].isNull {
        // R's reference leaves the statistic undefined (U = V = 0): osstats says so.
        #expect(throws: LogRankError.zeroVariance(w.label), "\(label)") { try LogRankTest(data: d, weights: w) }
        continue
      }
      let test = try LogRankTest(data: d, weights: w)
      #expect(test.n == c["n"].ints, "\(label) n")
      #expect(test.events == c["events"].ints, "\(label) events")
      expectAgree(test.observed, t["observed"].doubles, relative: Self.tolerance, "\(label) observed")
      expectAgree(test.expected, t["expected"].doubles, relative: Self.tolerance, "\(label) expected")
      let v = t["variance"].array.flatMap(\.doubles)
      // Off-diagonal terms can cancel to nearly zero: compare them on the scale of the diagonal.
      let scale = test.variance.rowArrays.indices.map { test.variance[$0, $0] }.max() ?? 1
      let mine = test.variance.rowArrays.flatMap { $0 }
      #expect(mine.count == v.count, "\(label) variance size")
      for (a, e) in zip(mine, v) {
        let e = try #require(e)
        #expect(abs(a - e) <= Self.tolerance * max(abs(e), scale * 1e-6), "\(label) variance \(a) vs \(e)")
      }
      expectAgree([test.chiSquare], [t["chisq"].double], relative: Self.tolerance, "\(label) chisq")
      #expect(test.df == t["df"].double.map { Int($0) }, "\(label) df")
      expectAgree([test.p], [t["p"].double], relative: 1e-8, "\(label) p")
      expectAgree([test.z], [t["z"].double], relative: Self.tolerance, "\(label) z")
    }
  }

  @Test("MaxCombo z, correlation and p match R and mvtnorm", arguments: keys)
  func maxComboMatchesMvtnorm(key: String) throws {
    let c = try fixture(key)
    let m = c["maxcombo"]
    guard !m.isNull else { return }
    let d = try data(c)
    let two = try MaxComboTest(data: d, alternative: .twoSided)
    let referenceZ = m["z"].doubles
    if referenceZ.contains(where: { $0 == nil }) {
      // Components with zero variance (R: null) are dropped; the rest must agree, and the p-value
      // is then that of the remaining, perfectly correlated components: the log-rank p.
      let defined: [Double] = referenceZ.compactMap { $0 }
      expectAgree(two.z, defined, relative: Self.tolerance, "\(key) MaxCombo z")
      let logrank = try #require(c["tests"].array.first { $0["weights"].string == "logrank" })
      expectAgree([two.p], [logrank["p"].double], relative: 1e-8, "\(key) MaxCombo p with dropped components")
      return
    }
    expectAgree(two.z, referenceZ, relative: Self.tolerance, "\(key) MaxCombo z")
    expectAgree(
      two.correlation.rowArrays.flatMap { $0 }, m["correlation"].array.flatMap(\.doubles),
      relative: 1e-8, "\(key) MaxCombo correlation")
    expectAgree([two.statistic], [m["max_abs_z"].double], relative: Self.tolerance, "\(key) max |z|")
    let p = try #require(m["p"].double)
    #expect(abs(two.p - p) <= 1e-6, "\(key) MaxCombo p \(two.p) vs mvtnorm \(p)")
    let less = try MaxComboTest(data: d, alternative: .less)
    let pl = try #require(m["p_one_sided_less"].double)
    #expect(abs(less.p - pl) <= 1e-6, "\(key) MaxCombo one-sided p \(less.p) vs mvtnorm \(pl)")
  }

  @Test("Trend tests and pairwise comparisons match R", arguments: keys)
  func trendAndPairwiseMatchR(key: String) throws {
    let c = try fixture(key)
    let d = try data(c)
    if !c["trend"].isNull {
      let test = try LogRankTest(data: d)
      for t in c["trend"].array {
        let trend = try LogRankTrend(test: test, scores: t["scores"].doubles.compactMap { $0 })
        expectAgree(
          [trend.chiSquare, trend.z, trend.p], [t["chisq"].double, t["z"].double, t["p"].double],
          relative: Self.tolerance, "\(key) trend")
      }
    }
    if !c["pairwise"].isNull {
      let pairs = try PairwiseLogRank(data: d).comparisons
      let r = c["pairwise"].array
      #expect(pairs.count == r.count)
      for (mine, ref) in zip(pairs, r) {
        #expect(mine.first == ref["first"].string && mine.second == ref["second"].string)
        expectAgree(
          [mine.test.chiSquare, mine.test.p, mine.pHolm, mine.pBonferroni],
          [ref["chisq"].double, ref["p"].double, ref["p_holm"].double, ref["p_bonferroni"].double],
          relative: Self.tolerance, "\(key) \(mine.first)-\(mine.second)")
      }
    }
  }
}
