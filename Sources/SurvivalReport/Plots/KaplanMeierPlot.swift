/// A Kaplan–Meier plot as a standalone SVG: step curves per arm with optional pointwise confidence
/// bands, censoring marks and median drop lines, a legend, and a numbers-at-risk table aligned
/// under the time-axis ticks (optionally with cumulative events and censored, as the KMunicate
/// study recommends: Morris TP et al. (2019) BMJ Open 9:e030215).
///
/// Inputs are plain numbers, so any estimator can be drawn;
/// ``init(analysis:xLabel:yLabel:title:ticks:riskTable:showConfidenceBands:)`` fills them from a
/// ``KaplanMeierAnalysis``. Each arm's curve starts at (0, 1), steps down at the
/// times where its survival changes, and runs flat to the arm's end of follow-up. The time axis
/// runs from 0 to the later of the last tick and the last end of follow-up; the survival axis from
/// 0 to 100 %.
///
/// Rendering never fails: non-finite values are skipped (a confidence band stops where a limit
/// is undefined), and arrays of unequal length are read up to the shorter one. The output is the
/// same bytes for the same input: coordinates are written with two decimals and all text is
/// escaped (``SVGText/escape(_:)``).
public struct KaplanMeierPlot: Sendable, Equatable {
  /// One arm (group) of the plot.
  public struct Arm: Sendable, Equatable {
    /// The arm's name, shown in the legend and the risk table.
    public var name: String
    /// Step times in increasing order (R `survfit`'s `time`; censoring-only times may be included).
    public var times: [Double]
    /// Survival just after each time (R `surv`), one per time.
    public var survival: [Double]
    /// Pointwise lower confidence limits at each time, or `nil` for no band.
    public var lower: [Double]?
    /// Pointwise upper confidence limits at each time, or `nil` for no band.
    public var upper: [Double]?
    /// Times at which subjects were censored, each marked with a short vertical tick.
    public var censorTimes: [Double]
    /// Survival at each censoring time (where the tick is drawn), one per censoring time.
    public var censorSurvival: [Double]
    /// Where the curve ends; `nil` for the last of `times` and `censorTimes`.
    public var endTime: Double?
    /// Median survival time, drawn as a dashed drop line from 50 % to the time axis; `nil` when
    /// not reached or not wanted.
    public var median: Double?
    /// Number at risk at each of the plot's ``KaplanMeierPlot/ticks``, in the same order.
    public var atRisk: [Int]
    /// Cumulative events before each tick (KMunicate table only), or `nil`.
    public var events: [Int]?
    /// Cumulative censored before each tick (KMunicate table only), or `nil`.
    public var censored: [Int]?

    /// An arm from its curve and table numbers; see the properties for each argument.
    public init(
      name: String, times: [Double], survival: [Double], lower: [Double]? = nil,
      upper: [Double]? = nil, censorTimes: [Double] = [], censorSurvival: [Double] = [],
      endTime: Double? = nil, median: Double? = nil, atRisk: [Int] = [], events: [Int]? = nil,
      censored: [Int]? = nil
    ) {
      self.name = name
      self.times = times
      self.survival = survival
      self.lower = lower
      self.upper = upper
      self.censorTimes = censorTimes
      self.censorSurvival = censorSurvival
      self.endTime = endTime
      self.median = median
      self.atRisk = atRisk
      self.events = events
      self.censored = censored
    }

    /// The end of the curve: `endTime`, else the last finite step or censoring time.
    var lastTime: Double {
      if let endTime, endTime.isFinite { return endTime }
      return (times + censorTimes).filter(\.isFinite).max() ?? 0
    }
  }

  /// Which rows the table under the time axis has.
  public enum RiskTable: Sendable, Equatable {
    /// No table.
    case none
    /// One row per arm: the number at risk at each tick.
    case numberAtRisk
    /// Three rows per arm: at risk, cumulative events and cumulative censored (KMunicate).
    case kmunicate
  }

  /// Heading above the plot, or `nil` for none.
  public var title: String?
  /// Time-axis label, e.g. "Months since randomisation".
  public var xLabel: String
  /// Survival-axis label, e.g. "Overall survival".
  public var yLabel: String
  /// The arms, drawn in order with ``PlotPalette`` colours and dash patterns.
  public var arms: [Arm]
  /// Time-axis ticks, which are also the risk table's columns (e.g. ``AxisTicks/months(maximum:maxTicks:)``).
  public var ticks: [Double]
  /// The table under the axis.
  public var riskTable: RiskTable
  /// Whether to draw each arm's `lower`/`upper` as a translucent stepped band.
  public var showConfidenceBands: Bool
  /// The curves are cumulative incidences (rising from 0), not survival: the description for
  /// screen readers gives each curve's last value instead of a median.
  public var isIncidence = false

  /// A plot of `arms` with the given labels and ticks; see the properties for each argument.
  public init(
    title: String? = nil, xLabel: String, yLabel: String = "Overall survival", arms: [Arm],
    ticks: [Double], riskTable: RiskTable = .numberAtRisk, showConfidenceBands: Bool = false
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.arms = arms
    self.ticks = ticks
    self.riskTable = riskTable
    self.showConfidenceBands = showConfidenceBands
  }

  /// The plot as a complete `<svg>` element (720 px wide; the height grows with the risk table).
  public func svg() -> String {
    let layout = Layout(self)
    var canvas = SVGCanvas(width: Layout.width, height: layout.height)
    canvas.plotArea = (layout.plotLeft, layout.plotTop, layout.plotWidth, Layout.plotHeight)
    drawHeader(&canvas, layout)
    drawGridAndAxes(&canvas, layout)
    for (i, arm) in arms.enumerated() where showConfidenceBands {
      canvas.path(bandPath(arm, layout), "fill=\"\(PlotPalette.colour(i))\" fill-opacity=\"0.15\" stroke=\"none\"")
    }
    drawMedians(&canvas, layout)
    for (i, arm) in arms.enumerated() {
      canvas.path(
        curvePath(arm, layout),
        "fill=\"none\" stroke=\"\(PlotPalette.colour(i))\" stroke-width=\"2.2\""
          + "\(PlotPalette.dashAttribute(i)) stroke-linejoin=\"miter\"")
      canvas.path(
        censorPath(arm, layout), "fill=\"none\" stroke=\"\(PlotPalette.colour(i))\" stroke-width=\"1.5\"")
    }
    drawRiskTable(&canvas, layout)
    return canvas.document(title: title ?? (isIncidence ? "Plot of \(yLabel)" : "Kaplan–Meier plot of \(yLabel)"), description: description)
  }

  /// A sentence for screen readers: what is plotted and each arm's median.
  var description: String {
    if isIncidence {
      let ends = arms.map { arm in
        "\(arm.name) reaching " + NumberFormat.significant(arm.survival.last ?? 0, digits: 3)
          + " at " + NumberFormat.significant(arm.times.last ?? 0, digits: 3)
      }
      var text = "Aalen–Johansen curves of \(yLabel) against \(xLabel) for \(arms.count) " + (arms.count == 1 ? "curve" : "curves")
        + (ends.isEmpty ? "." : ": " + ends.joined(separator: "; ") + ".")
      if riskTable != .none { text += " The numbers at risk are tabulated under the time axis." }
      return text
    }
    let medians = arms.map { arm in
      "\(arm.name), median " + (arm.median.map { NumberFormat.significant($0, digits: 3) } ?? "not reached")
    }
    var text = "Kaplan–Meier curves of \(yLabel) against \(xLabel) for \(arms.count) "
      + (arms.count == 1 ? "arm" : "arms") + (medians.isEmpty ? "." : ": " + medians.joined(separator: "; ") + ".")
    if riskTable != .none { text += " The numbers at risk are tabulated under the time axis." }
    return text
  }

  // MARK: Layout

  /// Positions shared by the drawing steps. The plot area is `plotLeft`–`plotRight` by
  /// `plotTop`–`plotBottom`; time t maps to x linearly from 0 to `timeMaximum`, survival s to y
  /// linearly from 0 (bottom) to 1 (top).
  struct Layout {
    static let width = 720.0
    static let rightMargin = 40.0
    static let plotHeight = 300.0
    static let legendRowHeight = 20.0
    static let tableRowHeight = 18.0
    static let detailRowHeight = 16.0
    static let maxNameWidth = 180.0

    let plotLeft: Double
    let plotTop: Double
    let timeMaximum: Double
    /// The ticks inside [0, timeMaximum], with their index in the plot's `ticks`.
    let ticks: [(index: Int, time: Double)]
    /// Legend entries: arm index, x of the sample line's start, baseline y.
    let legend: [(arm: Int, x: Double, y: Double)]
    let titleBaseline: Double
    let height: Double

    var plotRight: Double { Layout.width - Layout.rightMargin }
    var plotBottom: Double { plotTop + Layout.plotHeight }
    var plotWidth: Double { plotRight - plotLeft }

    func x(_ t: Double) -> Double { plotLeft + t / timeMaximum * plotWidth }
    func y(_ s: Double) -> Double { plotBottom - min(max(s, 0), 1) * Layout.plotHeight }

    init(_ plot: KaplanMeierPlot) {
      // The left margin holds the survival tick labels and axis title, and in the one-row table
      // the arm names (right-aligned 20 px left of the axis).
      // In the KMunicate table the row labels ("Censored") start at x = 24.
      var left = 80.0
      switch plot.riskTable {
      case .none: break
      case .numberAtRisk:
        // The names are bold: about 12% wider than the estimate for regular text.
        let widest = plot.arms.map { 1.12 * SVGText.estimatedWidth($0.name, fontSize: 11) }.max() ?? 0
        left = max(left, min(widest, Layout.maxNameWidth) + 44)
      case .kmunicate:
        left = max(left, 24 + SVGText.estimatedWidth("Censored", fontSize: 11) + 30)
      }
      plotLeft = left
      let last = max(plot.ticks.filter(\.isFinite).max() ?? 0, plot.arms.map(\.lastTime).max() ?? 0)
      timeMaximum = last > 0 ? last : 1
      ticks = plot.ticks.enumerated().filter { $1.isFinite && $1 >= 0 && $1 <= last * (1 + 1e-12) }
        .map { (index: $0, time: $1) }

      var top = 10.0
      titleBaseline = top + 16
      if plot.title != nil { top += 26 }
      // Legend entries flow left to right from the plot's left edge and wrap at its right edge.
      var entries: [(arm: Int, x: Double, y: Double)] = []
      var x = left
      var row = 0.0
      let right = Layout.width - Layout.rightMargin
      for (i, arm) in plot.arms.enumerated() {
        let w = 34 + min(SVGText.estimatedWidth(arm.name, fontSize: 12), right - left - 34) + 22
        if x > left && x + w - 22 > right {
          x = left
          row += 1
        }
        entries.append((arm: i, x: x, y: top + row * Layout.legendRowHeight + 14))
        x += w
      }
      legend = entries
      if !plot.arms.isEmpty { top += (row + 1) * Layout.legendRowHeight }
      plotTop = top + 10

      var bottom = plotTop + Layout.plotHeight + 38  // tick labels, then the axis title
      switch plot.riskTable {
      case .none: break
      case .numberAtRisk: bottom += 26 + Double(plot.arms.count) * Layout.tableRowHeight
      case .kmunicate:
        bottom += 8 + Double(plot.arms.count) * (Layout.tableRowHeight + 3 * Layout.detailRowHeight + 6)
      }
      height = bottom + 14
    }
  }

  // MARK: Drawing

  private func drawHeader(_ canvas: inout SVGCanvas, _ layout: Layout) {
    if let title {
      canvas.text(title, x: layout.plotLeft, y: layout.titleBaseline, "class=\"osst-title\"")
    }
    let nameWidth = layout.plotWidth - 34
    for entry in layout.legend {
      let i = entry.arm
      canvas.line(
        entry.x, entry.y - 4, entry.x + 28, entry.y - 4,
        "stroke=\"\(PlotPalette.colour(i))\" stroke-width=\"2.2\"\(PlotPalette.dashAttribute(i))")
      canvas.text(
        SVGText.truncated(arms[i].name, toWidth: nameWidth, fontSize: 12), x: entry.x + 34, y: entry.y,
        "class=\"osst-label\"")
    }
  }

  private func drawGridAndAxes(_ canvas: inout SVGCanvas, _ layout: Layout) {
    let survivalTicks = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    canvas.openGroup("class=\"osst-grid\"")
    for s in survivalTicks.dropFirst() {
      canvas.line(layout.plotLeft, layout.y(s), layout.plotRight, layout.y(s), "")
    }
    for tick in layout.ticks where tick.time > 0 {
      canvas.line(layout.x(tick.time), layout.plotTop, layout.x(tick.time), layout.plotBottom, "")
    }
    canvas.closeGroup()

    var axes = SVGPath()
    axes.move(layout.plotLeft, layout.plotTop)
    axes.vertical(layout.plotBottom)
    axes.horizontal(layout.plotRight)
    for s in survivalTicks {
      axes.move(layout.plotLeft - 5, layout.y(s))
      axes.horizontal(layout.plotLeft)
    }
    for tick in layout.ticks {
      axes.move(layout.x(tick.time), layout.plotBottom)
      axes.vertical(layout.plotBottom + 5)
    }
    canvas.path(axes, "class=\"osst-axis\"")

    for s in survivalTicks {
      canvas.text(
        SVGNumber.string(s * 100, decimals: 0) + "%", x: layout.plotLeft - 8, y: layout.y(s) + 4,
        anchor: .end, "class=\"osst-tick\"")
    }
    for tick in layout.ticks {
      canvas.text(
        SVGNumber.string(tick.time, decimals: 4), x: layout.x(tick.time), y: layout.plotBottom + 17,
        anchor: .middle, "class=\"osst-tick\"")
    }
    canvas.text(
      xLabel, x: (layout.plotLeft + layout.plotRight) / 2, y: layout.plotBottom + 36, anchor: .middle,
      "class=\"osst-label\"")
    canvas.text(
      yLabel, x: layout.plotLeft - 46, y: (layout.plotTop + layout.plotBottom) / 2, anchor: .middle,
      "class=\"osst-label\"", rotate: -90)
  }

  private func drawMedians(_ canvas: inout SVGCanvas, _ layout: Layout) {
    let medians = arms.enumerated().compactMap { i, arm -> (Int, Double)? in
      guard let m = arm.median, m.isFinite, m >= 0, m <= layout.timeMaximum else { return nil }
      return (i, m)
    }
    guard let longest = medians.map(\.1).max() else { return }
    canvas.line(
      layout.x(0), layout.y(0.5), layout.x(longest), layout.y(0.5),
      "stroke=\"#666\" stroke-width=\"1\" stroke-dasharray=\"4 3\"")
    for (i, m) in medians {
      canvas.line(
        layout.x(m), layout.y(0.5), layout.x(m), layout.y(0),
        "stroke=\"\(PlotPalette.colour(i))\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"")
    }
  }

  private func drawRiskTable(_ canvas: inout SVGCanvas, _ layout: Layout) {
    func cell(_ counts: [Int]?, _ index: Int) -> String {
      guard let counts, index < counts.count else { return "" }
      return String(counts[index])
    }
    func row(_ counts: [Int]?, baseline: Double) {
      for tick in layout.ticks {
        let text = cell(counts, tick.index)
        if text.isEmpty { continue }
        canvas.text(text, x: layout.x(tick.time), y: baseline, anchor: .middle, "class=\"osst-small\"")
      }
    }
    var y = layout.plotBottom + 38
    switch riskTable {
    case .none: return
    case .numberAtRisk:
      y += 26
      canvas.text("Number at risk", x: 14, y: y - 4, "class=\"osst-small osst-strong\"")
      for (i, arm) in arms.enumerated() {
        y += Layout.tableRowHeight
        canvas.text(
          SVGText.truncated(arm.name, toWidth: Layout.maxNameWidth, fontSize: 11), x: layout.plotLeft - 20,
          y: y, anchor: .end, "class=\"osst-small osst-strong\" style=\"fill:\(PlotPalette.colour(i))\"")
        row(arm.atRisk, baseline: y)
      }
    case .kmunicate:
      y += 8
      for (i, arm) in arms.enumerated() {
        y += Layout.tableRowHeight
        canvas.text(
          SVGText.truncated(arm.name, toWidth: Layout.width - 28, fontSize: 11), x: 14, y: y,
          "class=\"osst-small osst-strong\" style=\"fill:\(PlotPalette.colour(i))\"")
        for (label, counts) in [("At risk", arm.atRisk), ("Events", arm.events), ("Censored", arm.censored)] {
          y += Layout.detailRowHeight
          canvas.text(label, x: 24, y: y, "class=\"osst-muted\"")
          row(counts, baseline: y)
        }
        y += 6
      }
    }
  }

  // MARK: Paths

  /// The step function: from (0, 1) flat to each time where survival changes, down to the new
  /// value, and flat to the end of follow-up (a cumulative incidence starts at (0, 0) and rises).
  func curvePath(_ arm: Arm, _ layout: Layout) -> SVGPath {
    let end = arm.lastTime
    var path = SVGPath()
    let origin = isIncidence ? 0.0 : 1.0
    path.move(layout.x(0), layout.y(origin))
    var current = origin
    for (t, s) in zip(arm.times, arm.survival) where t.isFinite && s.isFinite && t <= end && s != current {
      path.horizontal(layout.x(max(t, 0)))
      path.vertical(layout.y(s))
      current = s
    }
    path.horizontal(layout.x(max(end, 0)))
    return path
  }

  /// The pointwise band as stepped polygons: one polygon per run of steps whose limits are both
  /// finite (the band stops where a limit is undefined, e.g. once the curve reaches 0).
  func bandPath(_ arm: Arm, _ layout: Layout) -> SVGPath {
    guard let lower = arm.lower, let upper = arm.upper else { return SVGPath() }
    let end = arm.lastTime
    // Pieces of constant limits: [0, t₀) at (1, 1) (at (0, 0) for an incidence), then
    // [tᵢ, tᵢ₊₁) at (lowerᵢ, upperᵢ).
    let steps = min(arm.times.count, lower.count, upper.count)
    var pieces: [(from: Double, to: Double, lo: Double, hi: Double)] = []
    var start = 0.0
    let origin = isIncidence ? 0.0 : 1.0
    var limits = (lo: origin, hi: origin)
    for i in 0..<steps where arm.times[i].isFinite && arm.times[i] <= end {
      pieces.append((start, max(arm.times[i], start), limits.lo, limits.hi))
      start = max(arm.times[i], start)
      limits = (lower[i], upper[i])
    }
    pieces.append((start, max(end, start), limits.lo, limits.hi))

    var path = SVGPath()
    var run: [(from: Double, to: Double, lo: Double, hi: Double)] = []
    func flush() {
      guard let first = run.first, let last = run.last else { return }
      path.move(layout.x(first.from), layout.y(first.hi))
      for (k, piece) in run.enumerated() {
        if k > 0 { path.vertical(layout.y(piece.hi)) }
        path.horizontal(layout.x(piece.to))
      }
      path.vertical(layout.y(last.lo))
      for k in run.indices.reversed() {
        path.horizontal(layout.x(run[k].from))
        if k > 0 { path.vertical(layout.y(run[k - 1].lo)) }
      }
      path.close()
      run.removeAll()
    }
    for piece in pieces {
      if piece.lo.isFinite && piece.hi.isFinite {
        run.append(piece)
      } else {
        flush()
      }
    }
    flush()
    return path
  }

  /// A short vertical tick (7 px) at each censoring time, on the curve.
  func censorPath(_ arm: Arm, _ layout: Layout) -> SVGPath {
    var path = SVGPath()
    let end = arm.lastTime
    for (t, s) in zip(arm.censorTimes, arm.censorSurvival) where t.isFinite && s.isFinite && t >= 0 && t <= end {
      path.move(layout.x(t), layout.y(s) - 3.5)
      path.vertical(layout.y(s) + 3.5)
    }
    return path
  }
}
