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

  /// The scenario models of issue 12, each against its CDF written out by hand here.
  func check(_ distribution: SurvivalDistribution, seed: UInt64, cdf: (Double) -> Double) {
    var g = Xoshiro256StarStar(seed: seed)
    let sample = (0..<n).map { _ in distribution.sample(using: &g) }
    // Over the finite draws only: a cure model's +∞ draws are an atom beyond every t, which
    // the sup over finite t must not count as a jump.
    let sorted = sample.sorted()
    var d = 0.0
    for (i, x) in sorted.enumerated() where x.isFinite {
      let f = cdf(x)
      d = max(d, Double(i + 1) / Double(n) - f, f - Double(i) / Double(n))
    }
    #expect(d < ksCritical(n), "\(distribution): D = \(d)")
    for t in [0.5, 2, 5, 11, 30] {
      #expect(abs(distribution.cdf(at: t) - cdf(t)) <= 1e-13 * max(cdf(t), 1e-300), "F(\(t))")
    }
  }

  @Test func cureFraction() {
    // S(t) = 0.3 + 0.7·exp(−0.2 t); 30% of the draws are +∞.
    let model = SurvivalDistribution.cure(fraction: 0.3, uncured: .exponential(rate: 0.2))
    check(model, seed: 107) { 0.7 * -expm1(-0.2 * $0) }
    var g = Xoshiro256StarStar(seed: 108)
    let cured = (0..<n).filter { _ in model.sample(using: &g) == .infinity }.count
    // Binomial(20000, 0.3): sd 64.8; 4 sd.
    #expect(abs(Double(cured) - 0.3 * Double(n)) < 4 * (Double(n) * 0.21).squareRoot())
  }

  @Test func delayedEffectOnExponential() {
    // HR 1 before 3 months, 0.6 after: H(t) = 0.1 t, then 0.3 + 0.06 (t − 3).
    let model = SurvivalDistribution.exponential(rate: 0.1).withHazardRatios(cutPoints: [3], ratios: [1, 0.6])
    #expect(model == .piecewiseExponential(cutPoints: [3], rates: [0.1, 0.06]))
    check(model, seed: 109) { t in -expm1(-(t < 3 ? 0.1 * t : 0.3 + 0.06 * (t - 3))) }
  }

  @Test func delayedEffectOnWeibull() {
    // H_b(t) = (t/8)^1.4; ratio 1 before 4, 0.5 after.
    let hb = { (t: Double) in pow(t / 8, 1.4) }
    let model = SurvivalDistribution.weibull(shape: 1.4, scale: 8).withHazardRatios(cutPoints: [4], ratios: [1, 0.5])
    check(model, seed: 110) { t in -expm1(-(t < 4 ? hb(t) : hb(4) + 0.5 * (hb(t) - hb(4)))) }
  }

  @Test func piecewiseRatiosMergeWithPiecewiseHazards() {
    let control = SurvivalDistribution.piecewiseExponential(cutPoints: [2, 6], rates: [0.3, 0.1, 0.05])
    let model = control.withHazardRatios(cutPoints: [4], ratios: [1, 0.5])
    #expect(model == .piecewiseExponential(cutPoints: [2, 4, 6], rates: [0.3, 0.1, 0.05, 0.025]))
    check(model, seed: 111) { t in
      let h = t < 2 ? 0.3 * t : t < 4 ? 0.6 + 0.1 * (t - 2) : t < 6 ? 0.8 + 0.05 * (t - 4) : 0.9 + 0.025 * (t - 6)
      return -expm1(-h)
    }
  }

  @Test func hazardRatioOverCureModel() {
    // Proportional hazards on the population scale: S_e = S_c^0.5, S_c = 0.2 + 0.8·exp(−0.15 t).
    let model = SurvivalDistribution.cure(fraction: 0.2, uncured: .exponential(rate: 0.15)).scaled(byHazardRatio: 0.5)
    check(model, seed: 112) { 1 - (0.2 + 0.8 * exp(-0.15 * $0)).squareRoot() }
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

  @Test func dropoutPerArm() throws {
    let design = try TrialSimulationDesign(
      arms: [
        .init(name: "control", survival: .distribution(.exponential(median: 9))),
        .init(name: "experimental", survival: .hazardRatio(0.75)),
      ],
      blockSize: 2, accrual: .uniform(duration: 24), armDropout: [.exponential(rate: 0.02), .none], patients: n,
      cutoff: .calendar(60))
    let patients = simulateTrial(design: design, seed: 205, index: 0).patients
    #expect(patients.filter { $0.arm == 1 }.allSatisfy { $0.dropoutTime == .infinity })
    let control = patients.filter { $0.arm == 0 }.map(\.dropoutTime)
    let d = kolmogorovSmirnov(control) { -expm1(-0.02 * $0) }
    #expect(d < ksCritical(control.count), "D = \(d)")
  }

  @Test func curedPatientsAreCensoredAtTheCutoff() throws {
    let design = try TrialSimulationDesign(
      arms: [.init(name: "a", survival: .distribution(.cure(fraction: 0.5, uncured: .exponential(rate: 0.5))))],
      blockSize: 1, accrual: .uniform(duration: 10), patients: 200, cutoff: .events(150))
    let trial = simulateTrial(design: design, seed: 206, index: 0)
    // About 100 uncured patients: the target of 150 cannot be reached; the analysis is at the
    // last finite follow-up, every cured patient censored there.
    #expect(trial.eventTargetReached == false)
    #expect(trial.cutoffTime.isFinite)
    for p in trial.patients where p.eventTime == .infinity {
      #expect(p.observation == .init(time: trial.cutoffTime - p.entry, event: false))
    }
    #expect(throws: TrialSimulationError.self) {
      try TrialSimulationDesign(
        arms: [.init(name: "a", survival: .distribution(.cure(fraction: 0.5, uncured: .exponential(rate: 0.5))))],
        blockSize: 1, accrual: .uniform(duration: 10), patients: 20, cutoff: .calendar(.infinity))
    }
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
