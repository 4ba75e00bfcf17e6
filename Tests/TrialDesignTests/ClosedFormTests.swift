import Foundation
import Testing

@testable import TrialDesign

@Suite struct ClosedFormTests {
  /// exponential(median:) has rate ln 2 / median, so its median is ln 2 / rate = the median.
  @Test func exponentialMedian() {
    let d = SurvivalDistribution.exponential(median: 12)
    #expect(d == .exponential(rate: log(2) / 12))
    #expect(abs(d.median - 12) < 1e-12)
    #expect(abs(d.survival(at: 12) - 0.5) < 1e-15)
  }

  /// Weibull: median = scale · (ln 2)^(1/shape) = 10√(ln 2); H(5) = (5/10)² = 0.25; scaling by a
  /// hazard ratio multiplies H(t) by it at every t.
  @Test func weibull() {
    let d = SurvivalDistribution.weibull(shape: 2, scale: 10)
    #expect(abs(d.median - 10 * log(2).squareRoot()) < 1e-12)
    #expect(abs(d.cumulativeHazard(at: 5) - 0.25) < 1e-15)
    let scaled = d.scaled(byHazardRatio: 0.5)
    for t in [0.5, 3.0, 17.0] {
      #expect(abs(scaled.cumulativeHazard(at: t) - 0.5 * d.cumulativeHazard(at: t)) < 1e-14)
    }
  }

  /// Cut points 6, 12 and rates 0.1, 0.05, 0.02: H(10) = 0.6 + 0.05·4 = 0.8,
  /// H(20) = 0.6 + 0.3 + 0.02·8 = 1.06; inversion returns the time.
  @Test func piecewiseExponential() {
    let d = SurvivalDistribution.piecewiseExponential(cutPoints: [6, 12], rates: [0.1, 0.05, 0.02])
    #expect(abs(d.cumulativeHazard(at: 10) - 0.8) < 1e-15)
    #expect(abs(d.cumulativeHazard(at: 20) - 1.06) < 1e-14)
    for t in [0.1, 6.0, 10.0, 12.0, 40.0] {
      #expect(abs(d.time(atCumulativeHazard: d.cumulativeHazard(at: t)) - t) < 1e-12)
    }
    #expect(abs(d.quantile(0.5) - d.median) < 1e-15)
  }

  /// Competing exponentials: with event rate λ and dropout rate μ followed to the end
  /// (calendar cut-off +∞), P(event before dropout) = λ/(λ+μ) = 0.05/0.08 = 0.625; binomial SE
  /// √(p(1−p)/n) with n = 20,000.
  @Test func proportionOfEventsWithDropout() throws {
    let design = try TrialSimulationDesign(
      arms: [.init(name: "a", survival: .distribution(.exponential(rate: 0.05)))], blockSize: 1,
      accrual: .uniform(duration: 12), dropout: .exponential(rate: 0.03), patients: 20_000,
      cutoff: .calendar(.infinity))
    let trial = simulateTrial(design: design, seed: 301, index: 0)
    let p = 0.625
    let se = (p * (1 - p) / 20_000).squareRoot()
    #expect(abs(Double(trial.eventsAtCutoff) / 20_000 - p) < 4 * se)
    #expect(trial.enrolledAfterCutoff == 0)
  }
}
