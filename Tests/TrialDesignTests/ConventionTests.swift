import Foundation
import Testing

@testable import TrialDesign

/// The conventions `osstats simulate` maps its options through, worked in closed form.
@Suite struct ConventionTests {
  @Test("A Weibull of given shape and median has that median: S(median) = 1/2")
  func weibullMedian() throws {
    for (k, m) in [(0.5, 6.0), (1.0, 12.0), (1.7, 9.3), (3.0, 24.0)] {
      guard case .weibull(let shape, let scale) = SurvivalDistribution.weibull(shape: k, median: m) else {
        Issue.record("not a Weibull")
        continue
      }
      #expect(shape == k)
      // S(t) = exp(−(t/scale)^k) = 1/2 at the median.
      #expect(abs(exp(-pow(m / scale, k)) - 0.5) <= 1e-15)
    }
  }

  @Test("The dropout hazard loses the design's proportion by its time: 1 − exp(−h·t) = p")
  func dropoutHazard() throws {
    for (p, t) in [(0.05, 12.0), (0.2, 24.0), (0.001, 1.0)] {
      let a = GroupSequentialDesign.Accrual(controlMedian: 6, accrualTime: 24, followUp: 12, dropoutRate: p, dropoutTime: t)
      #expect(abs(1 - exp(-a.dropoutHazard * t) - p) <= 1e-15)
    }
    #expect(GroupSequentialDesign.Accrual(controlMedian: 6, accrualTime: 24, followUp: 12).dropoutHazard == 0)
  }

  @Test("Looks at information fractions: ceiling(t·D)")
  func lookEvents() {
    #expect(MonitoringPlan.lookEvents(fractions: [1.0 / 3, 2.0 / 3, 1], maxEvents: 100) == [34, 67, 100])
    #expect(MonitoringPlan.lookEvents(fractions: [0.5, 1], maxEvents: 61) == [31, 61])
    // 0.14 × 100 is 14.000000000000002 in doubles: 14 events, as the design plans them.
    #expect(MonitoringPlan.lookEvents(fractions: [0.14, 1], maxEvents: 100) == [14, 100])
  }

  @Test("Allocation ratios as whole numbers, control first", arguments: [
    (1.0, 1, 1), (2.0, 1, 2), (0.5, 2, 1), (1.5, 2, 3), (1.0 / 3, 3, 1), (0.75, 4, 3),
  ])
  func wholeNumbers(ratio: Double, control: Int, experimental: Int) {
    let w = TrialSimulationDesign.Arm.wholeNumbers(experimentalToControl: ratio)
    #expect(w?.control == control && w?.experimental == experimental)
  }

  @Test("Irrational or out-of-range ratios have no whole-number form")
  func noWholeNumbers() {
    #expect(TrialSimulationDesign.Arm.wholeNumbers(experimentalToControl: 2.0.squareRoot()) == nil)
    #expect(TrialSimulationDesign.Arm.wholeNumbers(experimentalToControl: 1000) == nil)
    #expect(TrialSimulationDesign.Arm.wholeNumbers(experimentalToControl: -1) == nil)
    #expect(TrialSimulationDesign.Arm.wholeNumbers(experimentalToControl: .nan) == nil)
  }

  @Test("Piecewise accrual: patients = Σ period length × intensity")
  func accrualPatients() {
    #expect(TrialSimulationDesign.Accrual.patients(times: [0, 6, 24], intensities: [5, 10]) == 210)
    #expect(TrialSimulationDesign.Accrual.patients(times: [0, 12], intensities: [6]) == 72)
  }
}
