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
    let one = SimulationStudy(design: d, trials: 300, seed: 42, threads: 1)
    let two = SimulationStudy(design: d, trials: 300, seed: 42, threads: 2)
    #expect(one.outcomes == two.outcomes)
    #expect(SimulationStudy(design: d, trials: 300, seed: 43, threads: 2).outcomes != one.outcomes)
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
