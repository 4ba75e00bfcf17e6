import Foundation
import Survival
import Testing

@testable import TrialDesign

@Suite struct SimulationStudyTests {
  /// 73 patients, control median 6, HR 0.7, uniform accrual over 42 months, analysis at 60 events.
  func design(strata: Bool = false) throws -> TrialSimulationDesign {
    try TrialSimulationDesign(
      arms: [
        .init(name: "control", survival: .distribution(.exponential(median: 6))),
        .init(name: "dex", survival: .hazardRatio(0.7)),
      ],
      blockSize: 4,
      factors: strata ? [.init(name: "salvage", levels: ["intensive", "azacitidine"], prevalences: [0.5, 0.5])] : [],
      stratumSurvival: [], accrual: .uniform(duration: 42), dropout: .none, patients: 73, cutoff: .events(60))
  }

  @Test("The same seed gives the same outcomes with one thread and with two")
  func threadCountDoesNotMatter() throws {
    let d = try design(strata: true)
    let one = SimulationStudy(design: d, trials: 1300, seed: 42, threads: 1)
    let two = SimulationStudy(design: d, trials: 1300, seed: 42, threads: 2)
    #expect(one.summary == two.summary)
    #expect(SimulationStudy(design: d, trials: 1300, seed: 43, threads: 2).summary != one.summary)
  }

  @Test("Empirical power agrees with Schoenfeld's approximation within Monte Carlo error")
  func powerAgreesWithSchoenfeld() throws {
    // Schoenfeld (1981): power = Φ(√(d·r(1−r))·|log HR| − z₀.₉₇₅) with d = 60 events, r = 1/2:
    // Φ(√15·0.356675 − 1.959964) = Φ(−0.5785679) = 0.2814404 (R: pnorm). With 2,000 trials the Monte Carlo
    // standard error is about 0.010; the approximation itself is good to about 0.01 here.
    let trials = 2000
    let study = SimulationStudy(design: try design(), trials: trials, seed: 20_261_125)
    let summary = SimulationSummary(study)
    let expected = 0.5 * erfc(-((15.0).squareRoot() * abs(log(0.7)) - Normal.quantile(0.975)) / 2.0.squareRoot())
    #expect(abs(expected - 0.2814403960) < 1e-9)
    #expect(abs(summary.power - expected) <= 4 * summary.powerStdErr + 0.01, "power \(summary.power)")
    #expect(summary.eventsMean == 60)
    #expect(summary.analysable == trials)
    // The HR estimate is centred near the design value (median of the estimates within 0.05).
    #expect(abs(summary.hazardRatioQuantiles[2] - 0.7) < 0.05)
  }

  @Test("Under the null hypothesis the two-sided type I error is near alpha")
  func typeOneError() throws {
    let null = try TrialSimulationDesign(
      arms: [
        .init(name: "control", survival: .distribution(.exponential(median: 6))),
        .init(name: "dex", survival: .hazardRatio(1)),
      ],
      blockSize: 4, factors: [], stratumSurvival: [], accrual: .uniform(duration: 42), dropout: .none,
      patients: 73, cutoff: .events(60))
    let summary = SimulationSummary(SimulationStudy(design: null, trials: 2000, seed: 7))
    // 0.05 ± 4·√(0.05·0.95/2000) = 0.05 ± 0.0195.
    #expect(abs(summary.power - 0.05) <= 0.0195, "type I error \(summary.power)")
  }
}

/// Power of simulated designs against rpact 3.3.4's getSimulationSurvival (100,000 iterations,
/// fixed seeds) and the Schoenfeld formula, from Datasets/References/simulation_reference.R.
@Suite struct SimulationReferenceTests {
  struct Scenario: Sendable {
    let key: String
    let n: Int
    let hr: Double
    let dropout: Double
    let events: Int
  }

  static func reference() -> [String: Any]? {
    referenceObject("simulation_reference.json")
  }

  @Test(
    "Empirical two-sided power agrees with rpact's simulation within Monte Carlo error",
    arguments: [
      Scenario(key: "trial73", n: 73, hr: 0.7, dropout: 0, events: 60),
      Scenario(key: "dropout142", n: 142, hr: 0.6, dropout: 0.01, events: 100),
    ])
  func powerAgreesWithRpact(scenario s: Scenario) throws {
    let scenarios = try #require(Self.reference()?["scenarios"] as? [[String: Any]])
    let r = try #require(scenarios.first { $0["key"] as? String == s.key })
    let sim = try #require(r["sim"] as? [String: Any])
    let rpactPower = try #require(sim["power_two_sided"] as? Double)
    let rpactSE = try #require(sim["mc_se_two_sided"] as? Double)
    let design = try TrialSimulationDesign(
      arms: [
        .init(name: "control", survival: .distribution(.exponential(median: 6))),
        .init(name: "experimental", survival: .hazardRatio(s.hr)),
      ],
      blockSize: 4, factors: [], stratumSurvival: [], accrual: .uniform(duration: 42),
      dropout: s.dropout > 0 ? .exponential(rate: s.dropout) : .none, patients: s.n, cutoff: .events(s.events))
    let summary = SimulationSummary(SimulationStudy(design: design, trials: 2000, seed: 20_261_125))
    let se = (summary.powerStdErr * summary.powerStdErr + rpactSE * rpactSE).squareRoot()
    #expect(abs(summary.power - rpactPower) <= 4 * se, "\(s.key): osstats \(summary.power), rpact \(rpactPower) ± \(rpactSE)")
  }
}

@Suite struct QuantileSketchTests {
  @Test("Quantiles are R's type 7 up to a million values and within 1e-4 of it beyond")
  func binnedQuantilesAreClose() {
    var generator = Xoshiro256StarStar.stream(seed: 1, index: 0)
    let values = (0..<(QuantileSketch.exactLimit + 5000)).map { _ in -0.4 + 0.3 * generator.exponential() - 0.3 }
    var small = QuantileSketch()
    for x in values.prefix(1001) { small.add(x) }
    let firstSorted = values.prefix(1001).sorted()
    #expect(small.isExact)
    #expect(small.quantile(0.25) == firstSorted[250])  // h = 1000 × 0.25 = 250 exactly
    // Merged in two parts, past the limit: binned.
    var a = QuantileSketch()
    var b = QuantileSketch()
    for x in values.prefix(600_000) { a.add(x) }
    for x in values.dropFirst(600_000) { b.add(x) }
    a.merge(b)
    #expect(!a.isExact && a.count == values.count)
    let sorted = values.sorted()
    for q in [0.025, 0.25, 0.5, 0.75, 0.975] {
      let h = Double(sorted.count - 1) * q
      let lo = Int(h.rounded(.down))
      let exact = sorted[lo] + (h - Double(lo)) * (sorted[lo + 1] - sorted[lo])
      #expect(abs(a.quantile(q) - exact) <= 1e-4, "q \(q)")
    }
    #expect(abs(a.mean - values.reduce(0, +) / Double(values.count)) < 1e-12)
  }
}
