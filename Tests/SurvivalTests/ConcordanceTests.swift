import Foundation
import Testing

@testable import Survival

/// Harrell's concordance against Datasets/References/concordance_reference.json, written by
/// concordance_reference.R (R 4.2.2, survival 3.5-3): `coxph(...)$concordance` for each case, with
/// the response, linear predictor, strata and weights that coxph hands to `concordancefit`, so the
/// test needs no Cox fit. Counts, concordance and the infinitesimal-jackknife standard error agree
/// to 1e-9 relative. Further tests: a hand-counted example, a brute-force pair count with the IJ
/// variance written straight from its definition, invariances, and inputs that cannot be used.
@Suite struct ConcordanceTests {
  static let tolerance = 1e-9
  static let reference = Result { try Fixture.load("References/concordance_reference.json") }
  static var names: [String] {
    ((try? reference.get())?["cases"].array ?? []).compactMap { $0["name"].string }
  }

  func fixture(_ name: String) throws -> Fixture {
    try #require(try Self.reference.get()["cases"].array.first { $0["name"].string == name })
  }

  /// The values of an R fit, in the order osstats reports them.
  static func values(_ c: Concordance) -> [Double?] {
    [c.concordant, c.discordant, c.tiedRisk, c.tiedTime, c.tiedBoth, c.concordance, c.stdErr]
  }

  @Test("The reference file has every case")
  func referenceComplete() throws {
    #expect(
      Set(Self.names).isSuperset(of: [
        "aml", "lung", "veteran", "gehan", "ovarian", "lung_strata", "lung_inst_strata", "weighted",
        "ties", "heart", "ties_split_strata_weighted", "no_events",
      ]))
  }

  @Test("Counts, concordance and standard error match coxph's", arguments: names)
  func matchesR(name: String) throws {
    let c = try fixture(name)
    let time = try c["time"].doubles.map { try #require($0) }
    let event = c["status"].ints.map { $0 == 1 }
    let lp = try c["lp"].doubles.map { try #require($0) }
    let start = c["start"].isNull ? nil : try c["start"].doubles.map { try #require($0) }
    let strata = c["strata"].isNull ? nil : c["strata"].ints
    let weights = c["weights"].isNull ? nil : try c["weights"].doubles.map { try #require($0) }
    let n = try #require(c["n"].double)
    #expect(
      Double(time.count) == n && event.count == time.count && lp.count == time.count,
      "\(name) sizes")

    let mine = Concordance(
      time: time, event: event, riskScore: lp, strata: strata, weights: weights, start: start)
    let r = c["concordance"]
    let expected = [
      "concordant", "discordant", "tied_x", "tied_y", "tied_xy", "concordance", "std",
    ]
    .map { r[$0].double }
    expectAgree(Self.values(mine), expected, relative: Self.tolerance, "\(name) concordance")

    // Doubling the linear predictor (exact in floating point) keeps every rank and every result.
    let shifted = Concordance(
      time: time, event: event, riskScore: lp.map { 2 * $0 }, strata: strata, weights: weights,
      start: start)
    expectAgree(Self.values(shifted), expected, relative: Self.tolerance, "\(name) rescaled lp")
  }

  /// Hand count. Rows (time, event, risk): A (1, event, 2), B (2, event, 1), C (2, event, 1),
  /// D (2, censored, 3), E (3, event, 0), F (4, censored, 2), G (2, event, 4).
  /// An event pairs with everyone whose time is later, or equal and censored:
  /// - A (t 1, risk 2) with B, C, D, E, F, G: higher than B, C, E (3 concordant), lower than D, G
  ///   (2 discordant), equal to F (1 tied).
  /// - B (t 2, risk 1) with D, E, F: higher than E (1), lower than D, F (2). C the same.
  /// - G (t 2, risk 4) with D, E, F: higher than all three (3).
  /// - E (t 3, risk 0) with F: lower (1).
  /// Totals: concordant 3+1+1+3 = 8, discordant 2+2+2+1 = 7, tied on risk 1; C = (8 + ½)/16.
  /// Events tied at t = 2: B–C equal risk (tied.xy 1); B–G, C–G different risk (tied.y 2).
  /// Variance: each row's concordant/discordant/tied partners (c, d, t), counted from both sides:
  /// A (3,2,1), B (2,2,0), C (2,2,0), D (1,3,0), E (4,1,0), F (1,3,1), G (3,1,0). With m = 16 pairs
  /// and Somers' d = 1/16, 256·Uᵢ = 16(c − d) − (c + d + t): 10, −4, −4, −36, 43, −37, 28; the sum
  /// of squares is 5430/256², so var(C) = 5430/(4·256²) and the standard error is √5430 / 512.
  @Test("A hand-counted example")
  func handCounted() {
    let c = Concordance(
      time: [1, 2, 2, 2, 3, 4, 2], event: [true, true, true, false, true, false, true],
      riskScore: [2, 1, 1, 3, 0, 2, 4])
    #expect(c.concordant == 8)
    #expect(c.discordant == 7)
    #expect(c.tiedRisk == 1)
    #expect(c.tiedTime == 2)
    #expect(c.tiedBoth == 1)
    #expect(c.concordance == 8.5 / 16)
    expectAgree([c.stdErr], [Double(5430).squareRoot() / 512], relative: 1e-14, "hand std")
  }

  /// The package's SplitMix64, with the two draws these tests use.
  struct Generator {
    var source: SplitMix64
    init(state: UInt64) { source = SplitMix64(seed: state) }
    mutating func int(_ n: Int) -> Int { source.integer(below: n) }
    mutating func unit() -> Double { Double(source.next() >> 11) / Double(1 << 53) }
  }

  /// Every pair checked directly, O(n²): the counts and the IJ variance from their definitions.
  static func bruteForce(
    time: [Double], event: [Bool], risk: [Double], strata: [Int], weights: [Double],
    start: [Double]?
  ) -> [Double] {
    let n = time.count
    var c = [Double](repeating: 0, count: n)
    var d = c
    var t = c
    var counts = [Double](repeating: 0, count: 5)
    for i in 0..<n where event[i] {
      for j in 0..<n where j != i && strata[j] == strata[i] {
        let w = weights[i] * weights[j]
        if event[j] && time[j] == time[i] {
          // Each tied pair once.
          if j > i { counts[risk[i] == risk[j] ? 4 : 3] += w }
          continue
        }
        let atRisk =
          (time[j] > time[i] || (time[j] == time[i] && !event[j]))
          && (start.map { $0[j] < time[i] } ?? true)
        guard atRisk else { continue }
        if risk[i] > risk[j] {
          counts[0] += w
          c[i] += weights[j]
          c[j] += weights[i]
        } else if risk[i] < risk[j] {
          counts[1] += w
          d[i] += weights[j]
          d[j] += weights[i]
        } else {
          counts[2] += w
          t[i] += weights[j]
          t[j] += weights[i]
        }
      }
    }
    let m = counts[0] + counts[1] + counts[2]
    let somers = (counts[0] - counts[1]) / m
    var v = 0.0
    for i in 0..<n {
      let u = weights[i] * ((c[i] - d[i]) / m - somers * (c[i] + d[i] + t[i]) / m)
      v += u * u
    }
    return counts + [(somers + 1) / 2, (v / 4).squareRoot()]
  }

  @Test(
    "Random data with ties, strata, weights and (start, stop] rows agree with a pair-by-pair count")
  func bruteForceAgreement() {
    var g = Generator(state: 20_240_612)
    for trial in 0..<60 {
      let n = 1 + g.int(70)
      let counting = trial % 2 == 1
      let time = (0..<n).map { _ in Double(2 + g.int(9)) }
      let start: [Double]? = counting ? time.map { $0 - Double(1 + g.int(Int($0))) } : nil
      let event = (0..<n).map { _ in g.int(3) != 0 }
      let risk = (0..<n).map { _ in Double(g.int(6)) * 0.25 - 0.5 }
      let strata = (0..<n).map { _ in trial % 3 == 0 ? 5 : g.int(3) - 1 }
      let weights = (0..<n).map { _ in trial % 4 == 0 ? 1 : 0.1 + 2 * g.unit() }
      let mine = Concordance(
        time: time, event: event, riskScore: risk, strata: strata, weights: weights, start: start)
      let brute = Self.bruteForce(
        time: time, event: event, risk: risk, strata: strata, weights: weights, start: start)
      expectAgree(Self.values(mine), brute, relative: 1e-10, "trial \(trial) (n \(n))")
    }
  }

  @Test("A weight of 2 counts like a duplicated row; (start, stop] pieces count like the whole")
  func invariances() {
    let time: [Double] = [5, 8, 8, 3, 10, 12, 6, 8]
    let event = [true, false, true, true, true, false, true, true]
    let risk: [Double] = [0.3, -1, 0.3, 2, 0, 0.5, -1, 1]
    let w: [Double] = [1, 2, 1, 1, 2, 1, 1, 2]
    let weighted = Concordance(time: time, event: event, riskScore: risk, weights: w)
    var t2: [Double] = []
    var e2: [Bool] = []
    var r2: [Double] = []
    for i in time.indices {
      for _ in 0..<Int(w[i]) {
        t2.append(time[i])
        e2.append(event[i])
        r2.append(risk[i])
      }
    }
    let duplicated = Concordance(time: t2, event: e2, riskScore: r2)
    // Everything but tied.xy: the two copies of an event are a time-and-risk-tied pair, a row of
    // weight 2 is not paired with itself.
    let compared = [0, 1, 2, 3, 5]
    expectAgree(
      compared.map { Self.values(weighted)[$0] }, compared.map { Self.values(duplicated)[$0] },
      relative: 1e-14, "weights vs duplicates")
    #expect(duplicated.tiedBoth - weighted.tiedBoth == 2, "two events have weight 2")

    // Each subject cut at time 4 into (0, 4] censored and (4, t] with its own status.
    var start: [Double] = []
    var stop: [Double] = []
    var status: [Bool] = []
    var score: [Double] = []
    for i in time.indices {
      if time[i] > 4 {
        start += [0, 4]
        stop += [4, time[i]]
        status += [false, event[i]]
        score += [risk[i], risk[i]]
      } else {
        start.append(0)
        stop.append(time[i])
        status.append(event[i])
        score.append(risk[i])
      }
    }
    let whole = Concordance(time: time, event: event, riskScore: risk)
    let pieces = Concordance(time: stop, event: status, riskScore: score, start: start)
    expectAgree(
      Array(Self.values(pieces)[0..<6]), Array(Self.values(whole)[0..<6]), relative: 1e-14,
      "split vs whole")
  }

  @Test("Inputs that cannot be used give NaN, without trapping")
  func unusableInputs() {
    func allNaN(_ c: Concordance) -> Bool { Self.values(c).allSatisfy { $0?.isNaN ?? false } }
    #expect(allNaN(Concordance(time: [1, 2], event: [true], riskScore: [0, 1])))
    #expect(allNaN(Concordance(time: [1, 2], event: [true, true], riskScore: [0, .nan])))
    #expect(allNaN(Concordance(time: [1, .nan], event: [true, true], riskScore: [0, 1])))
    #expect(allNaN(Concordance(time: [1, .infinity], event: [true, true], riskScore: [0, 1])))
    #expect(
      allNaN(Concordance(time: [1, 2], event: [true, true], riskScore: [0, 1], strata: [1])))
    #expect(
      allNaN(
        Concordance(time: [1, 2], event: [true, true], riskScore: [0, 1], weights: [1, -1])))
    #expect(
      allNaN(
        Concordance(time: [1, 2], event: [true, true], riskScore: [0, 1], weights: [1, .nan])))
    #expect(
      allNaN(Concordance(time: [1, 2], event: [true, true], riskScore: [0, 1], start: [1, 0])))
    #expect(
      allNaN(Concordance(time: [1, 2], event: [true, true], riskScore: [0, 1], start: [0])))

    // Usable but without a comparable pair: counts as they are, C and its error undefined.
    for c in [
      Concordance(time: [], event: [], riskScore: []),
      Concordance(time: [3], event: [true], riskScore: [1]),
      Concordance(time: [1, 2, 3], event: [false, false, false], riskScore: [0, 1, 2]),
      Concordance(time: [2, 2], event: [true, true], riskScore: [0, 1]),
      Concordance(time: [1, 2], event: [true, true], riskScore: [0, 1], strata: [1, 2]),
    ] {
      #expect(c.concordant == 0 && c.discordant == 0 && c.tiedRisk == 0)
      #expect(c.concordance.isNaN && c.stdErr.isNaN)
    }
    let tiedOnly = Concordance(time: [2, 2], event: [true, true], riskScore: [0, 1])
    #expect(tiedOnly.tiedTime == 1 && tiedOnly.tiedBoth == 0)

    // Infinite scores and zero weights are usable.
    let inf = Concordance(
      time: [1, 2, 3], event: [true, true, false], riskScore: [.infinity, -.infinity, 0],
      weights: [1, 0, 1])
    #expect(inf.concordant == 1 && inf.discordant == 0 && inf.concordance == 1)
  }
}
