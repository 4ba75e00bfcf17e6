import Testing

@testable import TrialDesign

@Suite struct RandomizationTests {
  /// Three arms 2:1:1 in blocks of 8, two factors (four strata): within each stratum, every
  /// complete block (consecutive patients 8j+1…8j+8 of that stratum) holds exactly 4, 2, 2.
  @Test func exactBlockBalancePerStratum() throws {
    let age = TrialSimulationDesign.StratificationFactor(name: "age", levels: ["<60", ">=60"], prevalences: [0.3, 0.7])
    let design = try TrialSimulationDesign(
      arms: [
        .init(name: "A", allocation: 2, survival: .distribution(.exponential(rate: 0.1))),
        .init(name: "B", allocation: 1, survival: .hazardRatio(0.8)),
        .init(name: "C", allocation: 1, survival: .hazardRatio(0.6)),
      ],
      blockSize: 8, factors: [salvage, age], accrual: .uniform(duration: 36), patients: 20_000,
      cutoff: .calendar(48))
    #expect(design.strata.map(\.label) == ["intensive chemotherapy/<60", "intensive chemotherapy/>=60", "azacitidine/<60", "azacitidine/>=60"])
    let trial = simulateTrial(design: design, seed: 401, index: 0)
    var orders = 0
    for s in design.strata.indices {
      let arms = trial.patients.filter { $0.stratum == s }.map(\.arm)
      var start = 0
      while start < arms.count {
        let block = arms[start..<min(start + 8, arms.count)]
        let counts = (0..<3).map { k in block.filter { $0 == k }.count }
        if block.count == 8 {
          #expect(counts == [4, 2, 2])
        } else {
          #expect(counts[0] <= 4 && counts[1] <= 2 && counts[2] <= 2)
        }
        start += 8
      }
      orders += Set(stride(from: 0, to: arms.count - 7, by: 8).map { Array(arms[$0..<$0 + 8]) }).count
    }
    // The shuffles really vary: 8!/(4!2!2!) = 420 possible orders, most of them seen.
    #expect(orders > 400)
  }

  /// Stratum frequencies within 4 binomial SE of the products of the prevalences over 20,000
  /// patients (0.18, 0.42, 0.12, 0.28).
  @Test func stratumPrevalences() throws {
    let age = TrialSimulationDesign.StratificationFactor(name: "age", levels: ["<60", ">=60"], prevalences: [0.3, 0.7])
    let design = try twoArmDesign(patients: 20_000, factors: [salvage, age], cutoff: .calendar(30))
    #expect(design.strata.map(\.probability).enumerated().allSatisfy { abs($1 - [0.18, 0.42, 0.12, 0.28][$0]) < 1e-15 })
    let trial = simulateTrial(design: design, seed: 402, index: 0)
    for (s, stratum) in design.strata.enumerated() {
      let p = stratum.probability
      let observed = Double(trial.patients.filter { $0.stratum == s }.count) / 20_000
      #expect(abs(observed - p) < 4 * (p * (1 - p) / 20_000).squareRoot(), "\(stratum.label)")
    }
  }

  /// A level with prevalence 0 is never drawn.
  @Test func zeroPrevalenceLevel() throws {
    let factor = TrialSimulationDesign.StratificationFactor(name: "f", levels: ["x", "y", "z"], prevalences: [0.5, 0, 0.5])
    let trial = simulateTrial(design: try twoArmDesign(patients: 2000, factors: [factor]), seed: 403, index: 0)
    #expect(!trial.patients.contains { $0.stratum == 1 })
  }
}
