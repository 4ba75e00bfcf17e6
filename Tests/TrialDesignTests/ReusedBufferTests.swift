import Foundation
import Survival
import Testing

@testable import TrialDesign

/// The simulators reuse one set of buffers per thread (``TrialScratch``, ``LookScratch``): a trial
/// analysed in buffers left by hundreds of other trials, of other designs, has exactly the outcome
/// of the same trial built and analysed on its own, and that analysis is the Survival library's
/// two-arm comparison of the trial's data set (itself tested against R).
@Suite struct ReusedBufferTests {
  static func designs() throws -> [TrialSimulationDesign] {
    let salvage = TrialSimulationDesign.StratificationFactor(name: "salvage", levels: ["intensive", "azacitidine"], prevalences: [0.6, 0.4])
    let arms: [TrialSimulationDesign.Arm] = [
      .init(name: "control", survival: .distribution(.exponential(median: 6))),
      .init(name: "dex", survival: .hazardRatio(0.7)),
    ]
    let cured: [TrialSimulationDesign.Arm] = [
      .init(name: "control", survival: .distribution(.cure(fraction: 0.25, uncured: .weibull(shape: 1.3, scale: 8)))),
      .init(name: "dex", survival: .hazardRatios(cutPoints: [3], ratios: [1, 0.6])),
    ]
    return [
      try TrialSimulationDesign(arms: arms, blockSize: 4, accrual: .uniform(duration: 42), patients: 73, cutoff: .events(60)),
      try TrialSimulationDesign(
        arms: arms, blockSize: 2, factors: [salvage], accrual: .uniform(duration: 24),
        dropout: .exponential(rate: 0.03), patients: 160, cutoff: .calendar(30)),
      try TrialSimulationDesign(
        arms: cured, blockSize: 4, factors: [salvage], accrual: .piecewise(durations: [6, 30], relativeRates: [1, 3]),
        armDropout: [.exponential(rate: 0.01), .none], patients: 40, cutoff: .events(200)),
    ]
  }

  @Test("A fixed-design trial analysed in reused buffers = the trial built and analysed alone")
  func fixedDesignTrials() throws {
    let designs = try Self.designs()
    var scratch = TrialScratch()
    var compared = 0
    for index in 0..<300 as Range<UInt64> {
      let design = designs[Int(index % 3)]
      let fast = SimulationStudy.simulate(design: design, seed: 11, index: index, scratch: &scratch)
      let trial = simulateTrial(design: design, seed: 11, index: index)
      #expect(fast == SimulationStudy.analyse(trial), "trial \(index)")
      let rows = trial.analysed
      guard
        let data = try? SurvivalData(
          time: rows.map { $0.observation?.time ?? 0 }, event: rows.map { $0.observation?.event ?? false },
          group: rows.map(\.arm), groupLabels: design.arms.map(\.name), stratum: rows.map(\.stratum),
          strataLabels: design.strata.map(\.label)),
        let c = try? TwoArmComparison(data: data)
      else {
        #expect(!fast.analysable, "trial \(index)")
        continue
      }
      compared += 1
      #expect(fast.z == c.logRankZ && fast.stratifiedZ == c.stratifiedLogRankZ, "trial \(index)")
      #expect(fast.hazardRatio == c.hazardRatio && fast.medians == c.medians, "trial \(index)")
      #expect(fast.events == rows.filter { $0.observation?.event == true }.count)
    }
    #expect(compared >= 290)
  }

  @Test("A monitoring-plan trial analysed in reused buffers = the trial analysed alone")
  func planTrials() throws {
    let designs = try Self.designs()
    let b = try GroupSequentialBoundaries(
      fractions: [0.5, 1], alpha: 0.025, sided: 1, beta: 0.2, efficacy: .spending(.lanDeMetsOBrienFleming),
      futility: .none)
    let plan = try MonitoringPlan(boundaries: b, lookEvents: [20, 40], maxEvents: 40, allocation: 1)
    for test in [LookTest.logRank, .stratified, .maxCombo] {
      var scratch = LookScratch(test: test)
      for index in 0..<120 as Range<UInt64> {
        let design = designs[Int(index % 3)]
        let reused = SequentialSimulation.trial(
          design: design, plan: plan, test: test, seed: 12, index: index, scratch: &scratch)
        let alone = SequentialSimulation.trial(design: design, plan: plan, test: test, seed: 12, index: index)
        #expect(reused == alone, "\(test.name) trial \(index)")
      }
    }
  }
}
