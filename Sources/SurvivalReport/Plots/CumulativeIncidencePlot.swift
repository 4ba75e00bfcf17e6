import Survival

extension KaplanMeierPlot {
  /// Cumulative incidence curves drawn as rising step curves on the survival plot's frame: one
  /// line per group and cause (named "group: cause"), the table under the axis the number at risk
  /// of each group. `causes` (1-based) chooses the causes shown, every cause by default.
  public init(
    incidence analysis: CumulativeIncidenceAnalysis, groups order: [Int]? = nil, causes: [Int]? = nil, xLabel: String,
    ticks: [Double], showConfidenceBands: Bool = false
  ) {
    let shown = causes ?? Array(1...Swift.max(analysis.data.causeCount, 1)).filter { $0 <= analysis.data.causeCount }
    var arms: [Arm] = []
    for g in order ?? Array(analysis.groups.indices) where g < analysis.groups.count {
      let group = analysis.groups[g]
      for k in shown where k >= 1 && k <= group.curves.incidence.count {
        arms.append(Arm(incidence: group, cause: k, ticks: ticks))
      }
    }
    self.init(
      title: nil, xLabel: xLabel, yLabel: "Cumulative incidence", arms: arms, ticks: ticks, riskTable: .numberAtRisk,
      showConfidenceBands: showConfidenceBands)
    isIncidence = true
  }
}

extension KaplanMeierPlot.Arm {
  /// The curve of cause `cause` (1-based) of one group: its steps and pointwise limits, no
  /// censoring marks or median, and the group's number at risk at `ticks`.
  public init(incidence group: CumulativeIncidenceGroup, cause: Int, ticks: [Double]) {
    let c = group.curves
    let atRisk = ticks.map { t in
      let next = c.time.firstIndex { $0 >= t } ?? c.time.count
      return next < c.time.count ? c.nRisk[next] : 0
    }
    // A cause coded by a number is named "cause 1" in the legend; a named cause by its name.
    let code = cause <= c.causeLabels.count ? c.causeLabels[cause - 1] : String(cause)
    let label = Double(code) != nil ? "cause \(code)" : code
    self.init(
      name: "\(c.label): \(label)", times: c.time, survival: c.incidence[cause - 1], lower: group.lower[cause - 1],
      upper: group.upper[cause - 1], endTime: c.time.last, median: nil, atRisk: atRisk)
  }
}
