import Foundation
import Testing

@testable import TrialDesign

/// Kolmogorov–Smirnov checks of every sampler against its exact CDF, n = 20,000 draws with fixed
/// seeds, D below the 0.1% critical value 1.95/√n = 0.01379.
@Suite struct SamplerTests {
  let n = 20_000

  func check(_ distribution: SurvivalDistribution, seed: UInt64) {
    var g = Xoshiro256StarStar(seed: seed)
    let sample = (0..<n).map { _ in distribution.sample(using: &g) }
    let d = kolmogorovSmirnov(sample) { distribution.cdf(at: $0) }
    #expect(d < ksCritical(n), "\(distribution): D = \(d)")
  }

  @Test func exponential() { check(.exponential(rate: 0.05), seed: 101) }
  @Test func exponentialFromMedian() { check(.exponential(median: 12), seed: 102) }
  @Test func weibullIncreasingHazard() { check(.weibull(shape: 1.7, scale: 20), seed: 103) }
  @Test func weibullDecreasingHazard() { check(.weibull(shape: 0.6, scale: 8), seed: 104) }
  @Test func piecewiseExponential() {
    check(.piecewiseExponential(cutPoints: [3, 12, 24], rates: [0.2, 0.05, 0, 0.1]), seed: 105)
  }
  @Test func proportionalHazardsScaling() {
    check(SurvivalDistribution.weibull(shape: 1.5, scale: 10).scaled(byHazardRatio: 0.6), seed: 106)
  }

  /// Entry times of a simulated trial against the accrual CDF.
  @Test func uniformAccrual() throws {
    let trial = simulateTrial(design: try twoArmDesign(patients: n), seed: 201, index: 0)
    let d = kolmogorovSmirnov(trial.patients.map(\.entry)) { min(max($0 / 24, 0), 1) }
    #expect(d < ksCritical(n), "D = \(d)")
  }

  @Test func piecewiseAccrual() throws {
    let accrual = TrialSimulationDesign.Accrual.piecewise(durations: [6, 4, 14], relativeRates: [1, 0, 3])
    let design = try TrialSimulationDesign(
      arms: [.init(name: "a", survival: .distribution(.exponential(rate: 0.1)))], blockSize: 1,
      accrual: accrual, patients: n, cutoff: .calendar(100))
    let entries = simulateTrial(design: design, seed: 202, index: 3).patients.map(\.entry)
    // Closed form: total mass 6 + 0 + 42 = 48, so F(6) = 1/8 and nobody enters during the pause.
    #expect(abs(accrual.cdf(at: 6) - 0.125) < 1e-15 && accrual.cdf(at: 10) == accrual.cdf(at: 6))
    #expect(!entries.contains { $0 > 6 && $0 < 10 })
    let d = kolmogorovSmirnov(entries) { accrual.cdf(at: $0) }
    #expect(d < ksCritical(n), "D = \(d)")
  }

  @Test func exponentialDropout() throws {
    let trial = simulateTrial(
      design: try twoArmDesign(patients: n, dropout: .exponential(rate: 0.03)), seed: 203, index: 1)
    let d = kolmogorovSmirnov(trial.patients.map(\.dropoutTime)) { -expm1(-0.03 * $0) }
    #expect(d < ksCritical(n), "D = \(d)")
  }

  /// Event times in each stratum × arm follow that cell's distribution (stratum-specific survival
  /// and hazard ratios resolved); each cell holds about n/4 patients.
  @Test func eventTimesPerStratumAndArm() throws {
    let design = try TrialSimulationDesign(
      arms: [
        .init(name: "control", survival: .distribution(.exponential(median: 9))),
        .init(name: "experimental", survival: .hazardRatio(0.75)),
      ],
      blockSize: 4, factors: [salvage],
      stratumSurvival: [
        .init(levels: ["azacitidine"], arms: [.distribution(.weibull(shape: 1.3, scale: 7)), .hazardRatio(0.8)])
      ],
      accrual: .uniform(duration: 24), patients: n, cutoff: .calendar(60))
    #expect(design.survival[0][1] == .exponential(rate: log(2) / 9 * 0.75))
    #expect(design.survival[1][1] == SurvivalDistribution.weibull(shape: 1.3, scale: 7).scaled(byHazardRatio: 0.8))
    let trial = simulateTrial(design: design, seed: 204, index: 0)
    for s in 0..<2 {
      for k in 0..<2 {
        let times = trial.patients.filter { $0.stratum == s && $0.arm == k }.map(\.eventTime)
        let d = kolmogorovSmirnov(times) { design.survival[s][k].cdf(at: $0) }
        #expect(d < ksCritical(times.count), "stratum \(s) arm \(k): D = \(d), m = \(times.count)")
      }
    }
  }
}
