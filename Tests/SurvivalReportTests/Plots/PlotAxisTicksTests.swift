import Testing

@testable import SurvivalReport

@Suite struct PlotAxisTicksTests {
  @Test func niceTicksWorkedByHand() {
    // [0, 1], at most 6: steps 0.1 (11 ticks) is too many; 0.2 gives 0…5 × 0.2 = 6 ticks.
    #expect(AxisTicks.nice(lower: 0, upper: 1, maxTicks: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    // [−2.1, 4.33], at most 8: step 1 needs −3…5 = 9 ticks; step 2 needs ⌊−1.05⌋ = −2 …
    // ⌈2.165⌉ = 3, 6 ticks, and neither end is more than one step outside the data.
    #expect(AxisTicks.nice(lower: -2.1, upper: 4.33, maxTicks: 8) == [-4, -2, 0, 2, 4, 6])
    // [0, 52], at most 6: step 10 needs 7 ticks; step 20 needs 0…3, 4 ticks.
    #expect(AxisTicks.nice(lower: 0, upper: 52, maxTicks: 6) == [0, 20, 40, 60])
    // [0.37, 0.43], at most 5: step 0.01 needs 37…43 = 7; 0.02 needs ⌊18.5⌋ = 18 … ⌈21.5⌉ = 22, 5 ticks.
    #expect(AxisTicks.nice(lower: 0.37, upper: 0.43, maxTicks: 5) == [0.36, 0.38, 0.4, 0.42, 0.44])
    // A single value is widened to [4.5, 5.5]; step 0.2 needs 22…28 = 7 > 6; 0.25 needs 18…22 = 5.
    #expect(AxisTicks.nice(lower: 5, upper: 5, maxTicks: 6) == [4.5, 4.75, 5, 5.25, 5.5])
    // Reversed bounds are swapped; non-finite bounds give no ticks.
    #expect(AxisTicks.nice(lower: 1, upper: 0, maxTicks: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(AxisTicks.nice(lower: 0, upper: .infinity).isEmpty)
  }

  @Test func niceTicksCoverTheDataWithinOneStep() {
    var lower = -3.7
    var upper = 0.011
    for _ in 0..<200 {
      let ticks = AxisTicks.nice(lower: lower, upper: upper, maxTicks: 7)
      let step = ticks[1] - ticks[0]
      #expect(ticks.count <= 7 && ticks.count >= 2)
      #expect(ticks.first! <= lower && ticks.first! > lower - step * (1 + 1e-9))
      #expect(ticks.last! >= upper && ticks.last! < upper + step * (1 + 1e-9))
      lower = lower * 1.13 - 0.07
      upper = upper * 1.71 + 0.3
    }
  }

  @Test func monthTicksPreferQuartersAndYears() {
    // 52 months: steps 1, 2, 3 give 53, 27, 18 ticks; 6 gives 0…⌊52/6⌋ = 8, 9 ticks ≤ 10.
    #expect(AxisTicks.months(maximum: 52) == [0, 6, 12, 18, 24, 30, 36, 42, 48])
    // 24 months: step 3 gives 9 ticks (2 would give 13).
    #expect(AxisTicks.months(maximum: 24) == [0, 3, 6, 9, 12, 15, 18, 21, 24])
    // 120 months: step 12 gives 11 ticks, one too many; 24 gives 6.
    #expect(AxisTicks.months(maximum: 120) == [0, 24, 48, 72, 96, 120])
    // 9 months: monthly, 10 ticks.
    #expect(AxisTicks.months(maximum: 9) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // Half a month: nice ticks by 0.1 within [0, 0.5].
    #expect(AxisTicks.months(maximum: 0.5) == [0, 0.1, 0.2, 0.3, 0.4, 0.5])
    #expect(AxisTicks.months(maximum: 0) == [0])
    // 1022 (days, say): 60 gives 18 ticks; the next step is 2 × 60 = 120, 0…960, 9 ticks.
    #expect(AxisTicks.months(maximum: 1022) == [0, 120, 240, 360, 480, 600, 720, 840, 960])
  }

  @Test func hazardRatioTicks() {
    // [0.4, 1.8]: the largest candidate ≤ 0.4 is 0.25, the smallest ≥ 1.8 is 2.
    #expect(AxisTicks.ratios(lower: 0.4, upper: 1.8) == [0.25, 0.5, 1, 2])
    // [0.05, 30] spans ten candidates; thinned to the first, last, decades, 0.5 and 2.
    #expect(AxisTicks.ratios(lower: 0.05, upper: 30) == [0.05, 0.1, 0.5, 1, 2, 10, 40])
    // 1 is always on the axis.
    #expect(AxisTicks.ratios(lower: 1.2, upper: 1.5) == [1, 2])
    // Nothing but 1 (or nothing usable) still gives an axis.
    #expect(AxisTicks.ratios(lower: 1, upper: 1) == [0.5, 1, 2])
    #expect(AxisTicks.ratios(lower: .nan, upper: -3) == [0.5, 1, 2])
  }
}
