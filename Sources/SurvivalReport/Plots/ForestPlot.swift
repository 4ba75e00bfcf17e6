import Foundation

/// A forest plot of hazard ratios as a standalone SVG: one row per overall estimate, subgroup
/// header and subgroup level, with a label column, a log-scale hazard-ratio axis with a reference
/// line at 1, squares (sized by weight) and confidence-interval lines, an overall diamond, and a
/// right-hand column of estimates to two decimals.
///
/// The axis (``AxisTicks/ratios(lower:upper:)``) covers every hazard ratio and, by default, every
/// confidence limit within [0.1, 10]; a limit beyond the axis is drawn as an arrow at its edge.
/// A row whose hazard ratio is missing, not finite or not positive shows "not estimable"; a missing
/// or undefined limit is written "NE" (and an infinite upper limit "∞", drawn as an arrow).
///
/// Rendering never fails, and the same input gives the same bytes; all text is escaped
/// (``SVGText/escape(_:)``).
public struct ForestPlot: Sendable, Equatable {
  /// What a row is, which sets its typography and marker.
  public enum RowKind: Sendable, Equatable {
    /// The overall (all patients) estimate: bold label, diamond marker.
    case overall
    /// A subgrouping variable ("Age"): bold label; may carry an interaction p-value.
    case groupHeader
    /// One level of a subgrouping variable ("< 65 years"): indented label, square marker.
    case subgroupLevel
  }

  /// One row of the plot.
  public struct Row: Sendable, Equatable {
    /// What the row is.
    public var kind: RowKind
    /// The row's label.
    public var label: String
    /// A second, smaller line under the label, e.g. "n = 73, 64 events".
    public var sublabel: String?
    /// The hazard ratio, or `nil` if not estimable.
    public var hazardRatio: Double?
    /// Lower confidence limit, or `nil`.
    public var lower: Double?
    /// Upper confidence limit, or `nil`.
    public var upper: Double?
    /// Relative weight (e.g. the number of events or the inverse variance); the square's area is
    /// proportional to it. `nil` gives the standard size.
    public var weight: Double?
    /// The interaction test's p-value as text ("0.43", "< 0.001"), shown on a group header as
    /// "interaction p = 0.43".
    public var interactionPValue: String?

    /// A row; see the properties for each argument.
    public init(
      kind: RowKind = .subgroupLevel, label: String, sublabel: String? = nil, hazardRatio: Double?,
      lower: Double?, upper: Double?, weight: Double? = nil, interactionPValue: String? = nil
    ) {
      self.kind = kind
      self.label = label
      self.sublabel = sublabel
      self.hazardRatio = hazardRatio
      self.lower = lower
      self.upper = upper
      self.weight = weight
      self.interactionPValue = interactionPValue
    }

    /// A group header without an estimate of its own.
    public static func header(_ label: String, interactionPValue: String? = nil) -> Row {
      Row(kind: .groupHeader, label: label, hazardRatio: nil, lower: nil, upper: nil,
        interactionPValue: interactionPValue)
    }

    /// The hazard ratio when it can be drawn.
    var estimate: Double? {
      guard let hazardRatio, hazardRatio.isFinite, hazardRatio > 0 else { return nil }
      return hazardRatio
    }

    /// The estimate text: "0.72 (0.51–1.02)", or "not estimable".
    var estimateText: String? {
      guard let hr = estimate else { return kind == .groupHeader ? nil : "not estimable" }
      func limit(_ v: Double?) -> String {
        guard let v, !v.isNaN else { return "NE" }
        return v == .infinity ? "∞" : SVGNumber.fixed(v, decimals: 2)
      }
      return "\(SVGNumber.fixed(hr, decimals: 2)) (\(limit(lower))–\(limit(upper)))"
    }

    /// "interaction p = 0.43" (or "interaction p < 0.001").
    var interactionText: String? {
      guard let p = interactionPValue?.trimmingCharacters(in: .whitespaces), !p.isEmpty else { return nil }
      return "interaction p " + (p.first == "<" || p.first == ">" || p.first == "=" ? p : "= " + p)
    }
  }

  /// Heading above the plot, or `nil`.
  public var title: String?
  /// The rows, top to bottom.
  public var rows: [Row]
  /// The experimental arm's name ("favours <experimental>" left of 1).
  public var experimentalName: String
  /// The control arm's name ("favours <control>" right of 1).
  public var controlName: String
  /// The label column's heading.
  public var labelHeader: String
  /// The estimate column's heading.
  public var estimateHeader: String
  /// The axis title under the favours labels, or `nil` for none.
  public var xLabel: String?
  /// Axis limits to cover instead of the data's (the axis extends to the enclosing ticks).
  public var axisRange: ClosedRange<Double>?

  /// A forest plot; see the properties for each argument.
  public init(
    title: String? = nil, rows: [Row], experimentalName: String, controlName: String,
    labelHeader: String = "Subgroup", estimateHeader: String = "HR (95% CI)",
    xLabel: String? = "Hazard ratio (log scale)", axisRange: ClosedRange<Double>? = nil
  ) {
    self.title = title
    self.rows = rows
    self.experimentalName = experimentalName
    self.controlName = controlName
    self.labelHeader = labelHeader
    self.estimateHeader = estimateHeader
    self.xLabel = xLabel
    self.axisRange = axisRange
  }

  /// The plot as a complete `<svg>` element, 720 px wide.
  public func svg() -> String {
    let layout = Layout(self)
    var canvas = SVGCanvas(width: Layout.width, height: layout.height)
    if let title {
      canvas.text(title, x: Layout.labelLeft, y: layout.titleBaseline, "class=\"osst-title\"")
    }
    canvas.text(
      labelHeader, x: Layout.labelLeft, y: layout.headerBaseline, "class=\"osst-label osst-strong\"")
    canvas.text(
      estimateHeader, x: Layout.estimateLeft, y: layout.headerBaseline, "class=\"osst-label osst-strong\"")
    canvas.line(
      Layout.labelLeft, layout.rowsTop - 4, Layout.width - Layout.labelLeft, layout.rowsTop - 4,
      "stroke=\"#bbb\" stroke-width=\"1\"")
    drawAxis(&canvas, layout)
    for (row, top) in zip(rows, layout.rowTops) {
      drawRow(row, top: top, &canvas, layout)
    }
    return canvas.document(title: title ?? "Forest plot of hazard ratios", description: description)
  }

  /// A sentence for screen readers, with every row's estimate.
  var description: String {
    let entries = rows.compactMap { row -> String? in
      guard let text = row.estimateText ?? row.interactionText else { return nil }
      return "\(row.label): \(text)"
    }
    return "Forest plot of hazard ratios on a log scale; below 1 favours \(experimentalName), above 1 favours "
      + "\(controlName). " + entries.joined(separator: "; ") + (entries.isEmpty ? "" : ".")
  }

  // MARK: Layout

  /// Columns: labels from `labelLeft`, the plot from `plotLeft` to `plotRight`, estimates from
  /// `estimateLeft`. A hazard ratio h maps to x linearly in log h between the first and last tick.
  struct Layout {
    static let width = 720.0
    static let labelLeft = 14.0
    static let labelWidth = 236.0
    static let plotLeft = 265.0
    static let plotRight = 515.0
    static let estimateLeft = 530.0
    static let rowHeight = 22.0
    static let tallRowHeight = 34.0

    let ticks: [Double]
    let titleBaseline: Double
    let headerBaseline: Double
    let rowsTop: Double
    let rowTops: [Double]
    let plotBottom: Double
    let height: Double
    /// The largest finite positive weight, if any row has one.
    let maxWeight: Double?

    var lowest: Double { ticks.first ?? 0.5 }
    var highest: Double { ticks.last ?? 2 }

    func x(_ hr: Double) -> Double {
      Layout.plotLeft + (log(hr) - log(lowest)) / (log(highest) - log(lowest))
        * (Layout.plotRight - Layout.plotLeft)
    }

    init(_ plot: ForestPlot) {
      if let range = plot.axisRange {
        ticks = AxisTicks.ratios(lower: range.lowerBound, upper: range.upperBound)
      } else {
        let estimates = plot.rows.compactMap(\.estimate)
        let limits = plot.rows.flatMap { [$0.lower, $0.upper] }.compactMap { $0 }
          .filter { $0.isFinite && $0 > 0 }
        let floor = min(0.1, estimates.min() ?? 1)
        let ceiling = max(10, estimates.max() ?? 1)
        let all = estimates + limits.map { min(max($0, floor), ceiling) }
        ticks = AxisTicks.ratios(lower: all.min() ?? 1, upper: all.max() ?? 1)
      }
      var y = 10.0
      titleBaseline = y + 16
      if plot.title != nil { y += 28 }
      headerBaseline = y + 14
      y += 26
      rowsTop = y
      var tops: [Double] = []
      for (i, row) in plot.rows.enumerated() {
        if row.kind != .subgroupLevel && i > 0 { y += 8 }
        tops.append(y)
        let twoLines = row.sublabel != nil || (row.interactionText != nil && row.estimateText != nil)
        y += twoLines ? Layout.tallRowHeight : Layout.rowHeight
      }
      rowTops = tops
      plotBottom = y + 6
      height = plotBottom + (plot.xLabel == nil ? 48 : 66)
      maxWeight = plot.rows.compactMap(\.weight).filter { $0.isFinite && $0 > 0 }.max()
    }
  }

  // MARK: Drawing

  private func drawAxis(_ canvas: inout SVGCanvas, _ layout: Layout) {
    canvas.openGroup("class=\"osst-grid\"")
    for tick in layout.ticks where tick != 1 {
      canvas.line(layout.x(tick), layout.rowsTop, layout.x(tick), layout.plotBottom, "")
    }
    canvas.closeGroup()
    canvas.line(layout.x(1), layout.rowsTop, layout.x(1), layout.plotBottom, "class=\"osst-ref\"")
    var axis = SVGPath()
    axis.move(Layout.plotLeft, layout.plotBottom)
    axis.horizontal(Layout.plotRight)
    for tick in layout.ticks {
      axis.move(layout.x(tick), layout.plotBottom)
      axis.vertical(layout.plotBottom + 5)
    }
    canvas.path(axis, "class=\"osst-axis\"")
    for tick in layout.ticks {
      canvas.text(
        SVGNumber.string(tick, decimals: 3), x: layout.x(tick), y: layout.plotBottom + 17, anchor: .middle,
        "class=\"osst-tick\"")
    }
    let one = layout.x(1)
    canvas.text(
      SVGText.truncated("← favours " + experimentalName, toWidth: one - 8 - Layout.labelLeft, fontSize: 11),
      x: one - 8, y: layout.plotBottom + 34, anchor: .end, "class=\"osst-small\"")
    canvas.text(
      SVGText.truncated(
        "favours " + controlName + " →", toWidth: Layout.width - Layout.labelLeft - one - 8, fontSize: 11),
      x: one + 8, y: layout.plotBottom + 34, "class=\"osst-small\"")
    if let xLabel {
      canvas.text(
        xLabel, x: (Layout.plotLeft + Layout.plotRight) / 2, y: layout.plotBottom + 54, anchor: .middle,
        "class=\"osst-label\"")
    }
  }

  private func drawRow(_ row: Row, top: Double, _ canvas: inout SVGCanvas, _ layout: Layout) {
    let indent = row.kind == .subgroupLevel ? 12.0 : 0
    let weight = row.kind == .subgroupLevel ? "" : " osst-strong"
    canvas.text(
      SVGText.truncated(row.label, toWidth: Layout.labelWidth - indent, fontSize: 12),
      x: Layout.labelLeft + indent, y: top + 15, "class=\"osst-label\(weight)\"")
    if let sublabel = row.sublabel {
      canvas.text(
        SVGText.truncated(sublabel, toWidth: Layout.labelWidth - indent, fontSize: 11),
        x: Layout.labelLeft + indent, y: top + 29, "class=\"osst-muted\"")
    }
    var secondLine = top + 15
    if let text = row.estimateText {
      let muted = row.estimate == nil ? "osst-muted" : "osst-small"
      canvas.text(text, x: Layout.estimateLeft, y: top + 15, "class=\"\(muted)\(weight)\"")
      secondLine = top + 29
    }
    if let interaction = row.interactionText {
      canvas.text(interaction, x: Layout.estimateLeft, y: secondLine, "class=\"osst-muted\" font-style=\"italic\"")
    }
    guard let hr = row.estimate else { return }
    drawInterval(row, hr: hr, centre: top + 11, &canvas, layout)
  }

  /// The confidence-interval line (with an arrowhead at a clipped end) and the marker.
  private func drawInterval(_ row: Row, hr: Double, centre y: Double, _ canvas: inout SVGCanvas, _ layout: Layout) {
    let ink = "#222"
    let lo = row.lower.flatMap { $0.isNaN ? nil : $0 }
    let hi = row.upper.flatMap { $0.isNaN ? nil : $0 }
    let clippedLow = lo.map { $0 < layout.lowest } ?? false
    let clippedHigh = hi.map { $0 > layout.highest } ?? false
    let x1 = lo.map { clippedLow ? Layout.plotLeft : layout.x($0) }
    let x2 = hi.map { clippedHigh ? Layout.plotRight : layout.x($0) }
    if let x1, let x2 {
      canvas.line(x1, y, x2, y, "stroke=\"\(ink)\" stroke-width=\"1.6\"")
    }
    var arrows = SVGPath()
    if clippedLow {
      arrows.move(Layout.plotLeft, y)
      arrows.line(Layout.plotLeft + 7, y - 4)
      arrows.line(Layout.plotLeft + 7, y + 4)
      arrows.close()
    }
    if clippedHigh {
      arrows.move(Layout.plotRight, y)
      arrows.line(Layout.plotRight - 7, y - 4)
      arrows.line(Layout.plotRight - 7, y + 4)
      arrows.close()
    }
    canvas.path(arrows, "fill=\"\(ink)\"")
    guard hr >= layout.lowest, hr <= layout.highest else { return }
    let x = layout.x(hr)
    if row.kind == .overall {
      // The diamond spans the interval (within the axis) and is 12 px tall.
      let left = x1 ?? x - 6
      let right = x2 ?? x + 6
      var diamond = SVGPath()
      diamond.move(left, y)
      diamond.line(x, y - 6)
      diamond.line(right, y)
      diamond.line(x, y + 6)
      diamond.close()
      canvas.path(diamond, "fill=\"\(ink)\"")
    } else {
      var side = 9.0
      if let maxWeight = layout.maxWeight, let w = row.weight, w.isFinite, w > 0 {
        side = 5 + 11 * (w / maxWeight).squareRoot()
      }
      canvas.rect(
        x: x - side / 2, y: y - side / 2, width: side, height: side, "fill=\"\(PlotPalette.colour(0))\"")
    }
  }
}
