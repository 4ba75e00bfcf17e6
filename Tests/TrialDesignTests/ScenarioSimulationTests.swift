import Foundation
import LinearAlgebra
import Survival
import Testing

@testable import TrialDesign

/// Scenarios beyond proportional hazards (issue 12, point 2): the Fleming–Harrington and
/// MaxCombo look tests against the Survival library's tests on the same data, and the power of a
/// delayed-effect trial against the independent simulation of
/// Datasets/References/sequential_simulation_reference.R (its own R simulator; rpact for the
/// log-rank cross-check).
@Suite struct ScenarioSimulationTests {
  /// 142 patients over 42 months, control median 6, HR 1 for `delay` months then `hr`.
  static func delayed(hr: Double, delay: Double, cure: Double? = nil, dropout: Double = 0) throws -> TrialSimulationDesign {
    let control = SurvivalDistribution.exponential(median: 6)
    let experimental: TrialSimulationDesign.ArmSurvival =
      delay > 0 ? .hazardRatios(cutPoints: [delay], ratios: [1, hr]) : .hazardRatio(hr)
    let arms: [TrialSimulationDesign.Arm]
    if let cure {
      arms = [
        .init(name: "control", survival: .distribution(.cure(fraction: cure, uncured: control))),
        .init(
          name: "experimental",
          survival: .distribution(.cure(fraction: cure, uncured: control.withHazardRatios(cutPoints: [delay], ratios: [1, hr])))),
      ]
    } else {
      arms = [.init(name: "control", survival: .distribution(control)), .init(name: "experimental", survival: experimental)]
    }
    return try TrialSimulationDesign(
      arms: arms, blockSize: 4, accrual: .uniform(duration: 42),
      dropout: dropout > 0 ? .exponential(rate: dropout) : .none, patients: 142, cutoff: .events(100))
  }

  /// A single analysis at 100 events, one-sided alpha 0.025 (critical z 1.959964).
  static func fixedPlan() throws -> MonitoringPlan {
    let b = try GroupSequentialBoundaries(
      fractions: [1], alpha: 0.025, sided: 1, beta: 0.2, efficacy: .spending(.lanDeMetsOBrienFleming), futility: .none)
    return try MonitoringPlan(boundaries: b, lookEvents: [100], maxEvents: 100, allocation: 1)
  }

  /// The cut data of a trial as SurvivalData.
  static func data(_ patients: [SimulatedPatient], cutoff: Double) throws -> SurvivalData {
    let kept = patients.filter { $0.entry <= cutoff }
    let event = kept.map { $0.eventObserved && $0.entry + $0.eventTime <= cutoff }
    let time = zip(kept, event).map { p, e in e ? p.eventTime : min(p.eventTime, p.dropoutTime, cutoff - p.entry) }
    return try SurvivalData(time: time, event: event, group: kept.map(\.arm), groupLabels: ["control", "experimental"])
  }

  @Test("Fleming–Harrington z at a look equals the Survival library's weighted log-rank test", arguments: [(0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (0.5, 2.0)])
  func flemingHarringtonAgrees(rho: Double, gamma: Double) throws {
    let design = try Self.delayed(hr: 0.6, delay: 3, cure: 0.1, dropout: 0.01)
    var kernel = WeightedLookKernel(test: .flemingHarrington(rho: rho, gamma: gamma), capacity: 142)
    for index in 0..<30 as Range<UInt64> {
      var generator = Xoshiro256StarStar.stream(seed: 77, index: index)
      let patients = drawPatients(design: design, generator: &generator)
      for cutoff in [20.0, 40.0] {
        let r = kernel.evaluate(patients: patients, cutoff: cutoff, twoSided: false)
        let data = try Self.data(patients, cutoff: cutoff)
        let fh = try #require(try LogRankTest(data: data, weights: .flemingHarrington(rho: rho, gamma: gamma), timeFix: false).z)
        let lr = try #require(try LogRankTest(data: data, timeFix: false).z)
        #expect(abs(r.z + fh) <= 1e-12 * max(1, abs(fh)), "trial \(index) cut \(cutoff): \(r.z) vs \(-fh)")
        #expect(abs(r.logRankZ + lr) <= 1e-12 * max(1, abs(lr)))
      }
    }
  }

  @Test("MaxCombo's p at a look brackets and, where a boundary needs it, equals the Survival library's MaxCombo p")
  func maxComboAgrees() throws {
    let design = try Self.delayed(hr: 0.6, delay: 3)
    var kernel = WeightedLookKernel(test: .maxCombo, capacity: 142)
    var exactChecks = 0
    for index in 0..<40 as Range<UInt64> {
      var generator = Xoshiro256StarStar.stream(seed: 78, index: index)
      let patients = drawPatients(design: design, generator: &generator)
      let cutoff = 36.0
      let data = try Self.data(patients, cutoff: cutoff)
      let reference = try MaxComboTest(data: data, alternative: .less, timeFix: false)
      let r = kernel.evaluate(patients: patients, cutoff: cutoff, twoSided: false, thresholds: [0.025])
      // The reported statistic is max_j of the favourable z (the library's min z of group 2).
      #expect(abs(r.statistic + reference.statistic) <= 1e-12 * max(1, abs(reference.statistic)))
      // The decision at alpha 0.025 is the exact p's.
      let p = Normal.upperTail(r.z)
      #expect((p <= 0.025) == (reference.p <= 0.025), "trial \(index): p \(p) vs \(reference.p)")
      // Forcing the exact path with the reference p as a threshold gives the reference p.
      let forced = kernel.evaluate(patients: patients, cutoff: cutoff, twoSided: false, thresholds: [reference.p])
      let exact = Normal.upperTail(forced.z)
      #expect(abs(exact - reference.p) <= 1e-8, "trial \(index): \(exact) vs \(reference.p)")
      exactChecks += 1
    }
    #expect(exactChecks == 40)
  }

  /// Monte Carlo agreement: |ours − reference| within 4 combined standard errors.
  func within(_ ours: Double, _ oursSE: Double, _ reference: Double, _ referenceSE: Double) -> Bool {
    abs(ours - reference) <= 4 * (oursSE * oursSE + referenceSE * referenceSE).squareRoot()
  }

  @Test("A delayed effect (HR 1 for 3 months, then 0.6): log-rank and MaxCombo power as the independent reference")
  func delayedEffectPower() throws {
    let root = try #require(referenceObject("sequential_simulation_reference.json"))
    let delayed = try #require(root["delayed_effect"] as? [String: Any])
    let scenarios = try #require(delayed["scenarios"] as? [[String: Any]])
    let reference = try #require(scenarios.first { $0["key"] as? String == "delayed_effect" })
    func number(_ key: String) throws -> Double { try #require(reference[key] as? Double) }
    #expect(try number("delay") == 3 && number("hr_after_delay") == 0.6)

    let design = try Self.delayed(hr: 0.6, delay: 3)
    let plan = try Self.fixedPlan()
    let trials = 6000
    let logRankLog = TrialLog()
    let maxComboLog = TrialLog()
    let logRank = SequentialSimulation(
      design: design, plan: plan, test: .logRank, trials: trials, seed: 12, emit: { logRankLog.add($0, $1) })
    let maxCombo = SequentialSimulation(
      design: design, plan: plan, test: .maxCombo, trials: trials, seed: 12, emit: { maxComboLog.add($0, $1) })
    let a = SequentialSummary(logRank, hazardRatio: 0.6)
    let b = SequentialSummary(maxCombo, hazardRatio: 0.6)
    #expect(within(a.overallRejection, a.overallRejectionSE, try number("logrank_power"), try number("logrank_power_se")),
      "log-rank power \(a.overallRejection) ± \(a.overallRejectionSE)")
    #expect(within(b.overallRejection, b.overallRejectionSE, try number("maxcombo_power"), try number("maxcombo_power_se")),
      "MaxCombo power \(b.overallRejection) ± \(b.overallRejectionSE)")
    // The paired gain of MaxCombo over log-rank (the same trials): its binomial-difference se.
    let gain = b.overallRejection - a.overallRejection
    let x = Dictionary(uniqueKeysWithValues: logRankLog.items.map { ($0.0, $0.1.reason == .efficacy) })
    let discordant = Double(maxComboLog.items.filter { x[$0.0] != ($0.1.reason == .efficacy) }.count)
    #expect(logRankLog.count == trials && maxComboLog.count == trials)
    let gainSE = ((discordant / Double(trials) - gain * gain) / Double(trials)).squareRoot()
    #expect(within(gain, gainSE, try number("maxcombo_minus_logrank"), try number("maxcombo_minus_logrank_se")),
      "gain \(gain) ± \(gainSE)")
  }
}
