import Testing

@testable import TrialDesign

@Suite struct DesignValidationTests {
  typealias Design = TrialSimulationDesign
  let exp = Design.ArmSurvival.distribution(.exponential(rate: 0.1))

  func design(
    arms: [Design.Arm]? = nil, blockSize: Int = 2, factors: [Design.StratificationFactor] = [],
    stratumSurvival: [Design.StratumSurvival] = [], accrual: Design.Accrual = .uniform(duration: 12),
    dropout: Design.Dropout = .none, patients: Int = 10, cutoff: Design.AnalysisCutoff = .events(5)
  ) throws(TrialSimulationError) -> Design {
    try Design(
      arms: arms ?? [.init(name: "c", survival: exp), .init(name: "e", survival: .hazardRatio(0.7))],
      blockSize: blockSize, factors: factors, stratumSurvival: stratumSurvival, accrual: accrual,
      dropout: dropout, patients: patients, cutoff: cutoff)
  }

  @Test func typedErrors() {
    #expect(throws: TrialSimulationError.noArms) { try design(arms: []) }
    #expect(throws: TrialSimulationError.duplicateArmName("c")) {
      try design(arms: [.init(name: "c", survival: exp), .init(name: "c", survival: exp)])
    }
    #expect(throws: TrialSimulationError.invalidAllocation(arm: "c", ratio: 0)) {
      try design(arms: [.init(name: "c", allocation: 0, survival: exp)])
    }
    #expect(throws: TrialSimulationError.invalidBlockSize(blockSize: 3, ratioSum: 2)) { try design(blockSize: 3) }
    #expect(throws: TrialSimulationError.invalidPrevalences(factor: "f", prevalences: [0.5, 0.6])) {
      try design(factors: [.init(name: "f", levels: ["a", "b"], prevalences: [0.5, 0.6])])
    }
    #expect(throws: TrialSimulationError.invalidFactorLevels(factor: "f", levels: ["a", "a"])) {
      try design(factors: [.init(name: "f", levels: ["a", "a"], prevalences: [0.5, 0.5])])
    }
    #expect(throws: TrialSimulationError.controlArmByHazardRatio(stratum: "all")) {
      try design(arms: [.init(name: "c", survival: .hazardRatio(1))])
    }
    #expect(throws: TrialSimulationError.invalidHazardRatio(arm: "e", stratum: "all", hazardRatio: -1)) {
      try design(arms: [.init(name: "c", survival: exp), .init(name: "e", survival: .hazardRatio(-1))])
    }
    let bad = SurvivalDistribution.piecewiseExponential(cutPoints: [5, 3], rates: [0.1, 0.1, 0.1])
    #expect(throws: TrialSimulationError.invalidDistribution(arm: "c", stratum: "all", distribution: bad)) {
      try design(arms: [.init(name: "c", survival: .distribution(bad))])
    }
    #expect(throws: TrialSimulationError.unknownStratum(levels: ["zz"])) {
      try design(stratumSurvival: [.init(levels: ["zz"], arms: [exp, exp])])
    }
    #expect(throws: TrialSimulationError.stratumArmCount(levels: [], expected: 2, found: 1)) {
      try design(stratumSurvival: [.init(levels: [], arms: [exp])])
    }
    #expect(throws: TrialSimulationError.invalidAccrual(.piecewise(durations: [1], relativeRates: [0]))) {
      try design(accrual: .piecewise(durations: [1], relativeRates: [0]))
    }
    #expect(throws: TrialSimulationError.invalidDropoutRate(0)) { try design(dropout: .exponential(rate: 0)) }
    #expect(throws: TrialSimulationError.invalidSampleSize(0)) { try design(patients: 0) }
    #expect(throws: TrialSimulationError.invalidCutoff(.events(0))) { try design(cutoff: .events(0)) }
    #expect(throws: TrialSimulationError.invalidCutoff(.calendar(-1))) { try design(cutoff: .calendar(-1)) }
  }

  @Test func distributionValidity() {
    #expect(SurvivalDistribution.exponential(median: 0).isValid == false)
    #expect(SurvivalDistribution.weibull(shape: 1, scale: .nan).isValid == false)
    #expect(SurvivalDistribution.piecewiseExponential(cutPoints: [1], rates: [0, 0]).isValid == false)
    #expect(SurvivalDistribution.piecewiseExponential(cutPoints: [1], rates: [0, 0.2]).isValid)
    #expect(SurvivalDistribution.piecewiseExponential(cutPoints: [1], rates: [0.2]).isValid == false)
  }
}
