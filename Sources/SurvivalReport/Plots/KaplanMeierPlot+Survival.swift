import Survival

extension KaplanMeierPlot {
  /// The plot of a Kaplan–Meier analysis: one arm per group (``Arm/init(group:ticks:)``), ticks
  /// from ``AxisTicks/months(maximum:maxTicks:)`` over the longest follow-up unless given (pass
  /// `ticks` when the time unit is not months).
  public init(
    analysis: KaplanMeierAnalysis, xLabel: String, yLabel: String = "Overall survival",
    title: String? = nil, ticks: [Double]? = nil, riskTable: RiskTable = .numberAtRisk,
    showConfidenceBands: Bool = false
  ) {
    let ticks = ticks ?? AxisTicks.months(maximum: analysis.groups.compactMap(\.curve.time.last).max() ?? 0)
    self.init(
      title: title, xLabel: xLabel, yLabel: yLabel,
      arms: analysis.groups.map { Arm(group: $0, ticks: ticks) }, ticks: ticks, riskTable: riskTable,
      showConfidenceBands: showConfidenceBands)
  }
}

extension KaplanMeierPlot.Arm {
  /// The arm of one group of a Kaplan–Meier analysis: its steps, pointwise limits, censoring
  /// marks (at the steps with censored subjects), median, and the table at `ticks`: the number at
  /// risk at t (subjects whose time is t or later, R `summary(fit, times =)$n.risk`), and the
  /// events and censored strictly before t, so that the three add up to the group's size.
  public init(group: KaplanMeierGroup, ticks: [Double]) {
    let curve = group.curve
    var atRisk: [Int] = []
    var events: [Int] = []
    var censored: [Int] = []
    for t in ticks {
      let next = curve.time.firstIndex { $0 >= t } ?? curve.time.count
      atRisk.append(next < curve.time.count ? curve.nRisk[next] : 0)
      events.append(curve.nEvent[..<next].reduce(0, +))
      censored.append(curve.nCensor[..<next].reduce(0, +))
    }
    let censoredSteps = curve.nCensor.indices.filter { curve.nCensor[$0] > 0 }
    self.init(
      name: curve.label, times: curve.time, survival: curve.survival, lower: group.lower,
      upper: group.upper, censorTimes: censoredSteps.map { curve.time[$0] },
      censorSurvival: censoredSteps.map { curve.survival[$0] }, endTime: curve.time.last,
      median: group.median.time, atRisk: atRisk, events: events, censored: censored)
  }
}
