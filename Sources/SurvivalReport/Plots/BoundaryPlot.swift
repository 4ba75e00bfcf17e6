/// A group-sequential boundary plot as a standalone SVG: z statistic against information
/// fraction, with the efficacy boundary (and the futility boundary, if any) as lines through the
/// looks, the continuation region between them lightly shaded, the observed z statistics, and an
/// optional vertical line at the observed information fraction.
///
/// The boundaries are drawn as given (one-sided, upper efficacy and lower futility on the z scale
/// the caller uses, e.g. Jennison C, Turnbull BW (2000) Group Sequential Methods, ch. 2). The
/// information axis runs from 0 to 1; the z axis covers every boundary, observed value and 0.
/// Rendering never fails (non-finite values are skipped) and the same input gives the same bytes.
public struct BoundaryPlot: Sendable, Equatable {
  /// One planned analysis.
  public struct Look: Sendable, Equatable {
    /// Information fraction at the look, in (0, 1].
    public var informationFraction: Double
    /// The efficacy boundary on the z scale (stop for efficacy at or above it).
    public var efficacy: Double
    /// The futility boundary on the z scale (stop for futility at or below it), or `nil` if none.
    public var futility: Double?

    /// A look; see the properties for each argument.
    public init(informationFraction: Double, efficacy: Double, futility: Double? = nil) {
      self.informationFraction = informationFraction
      self.efficacy = efficacy
      self.futility = futility
    }
  }

  /// An observed z statistic.
  public struct Observation: Sendable, Equatable {
    /// Information fraction at which it was observed.
    public var informationFraction: Double
    /// The z statistic.
    public var z: Double
    /// A label beside the point (e.g. "IA1"), or `nil`.
    public var label: String?

    /// An observation; see the properties for each argument.
    public init(informationFraction: Double, z: Double, label: String? = nil) {
      self.informationFraction = informationFraction
      self.z = z
      self.label = label
    }
  }

  /// Heading above the plot, or `nil`.
  public var title: String?
  /// Single boundaries drawn as open diamonds (none by default), e.g. the final-analysis
  /// boundary that applies when a look is read as the final one (all remaining α spent).
  public var markers: [Observation] = []
  /// The legend's words for the markers.
  public var markerLegend = "Final-analysis boundary"
  /// The looks, in any order (drawn in order of information fraction).
  public var looks: [Look]
  /// Observed z statistics, joined in the given order.
  public var observations: [Observation]
  /// Where to draw a dotted vertical line for the information reached so far, or `nil`.
  public var observedInformationFraction: Double?
  /// Horizontal-axis label.
  public var xLabel: String
  /// Vertical-axis label.
  public var yLabel: String

  /// A boundary plot; see the properties for each argument.
  public init(
    title: String? = nil, looks: [Look], observations: [Observation] = [],
    observedInformationFraction: Double? = nil, xLabel: String = "Information fraction",
    yLabel: String = "z statistic"
  ) {
    self.title = title
    self.looks = looks
    self.observations = observations
    self.observedInformationFraction = observedInformationFraction
    self.xLabel = xLabel
    self.yLabel = yLabel
  }

  private static let efficacyColour = PlotPalette.colour(1)
  private static let futilityColour = PlotPalette.colour(0)
  private static let observedColour = "#000000"

  /// The plot as a complete `<svg>` element, 720 px wide.
  public func svg() -> String {
    let layout = Layout(self)
    var canvas = SVGCanvas(width: Layout.width, height: layout.height)
    if let title {
      canvas.text(title, x: Layout.plotLeft, y: layout.titleBaseline, "class=\"osst-title\"")
    }
    drawLegend(&canvas, layout)
    drawAxes(&canvas, layout)
    let looks = layout.looks
    drawRegion(looks, &canvas, layout)
    drawEfficacy(looks, &canvas, layout)
    drawFutility(looks, &canvas, layout)
    if let f = observedInformationFraction, f.isFinite, f >= 0, f <= 1 {
      let x = layout.x(f)
      canvas.line(
        x, layout.plotTop, x, layout.plotBottom, "stroke=\"#555\" stroke-width=\"1.2\" stroke-dasharray=\"2 3\"")
      let text = "observed " + SVGNumber.string(f, decimals: 3)
      let left = f > 0.6
      canvas.text(
        text, x: left ? x - 5 : x + 5, y: layout.plotTop + 13, anchor: left ? .end : .start, "class=\"osst-muted\"")
    }
    drawMarkers(&canvas, layout)
    drawObservations(&canvas, layout)
    return canvas.document(title: title ?? "Group-sequential boundaries", description: description)
  }

  /// A sentence for screen readers: the boundaries and observed values.
  var description: String {
    func list(_ pairs: [(Double, Double)]) -> String {
      pairs.map { "z \(SVGNumber.fixed($1, decimals: 2)) at \(SVGNumber.string($0, decimals: 3))" }
        .joined(separator: ", ")
    }
    let sorted = looks.sorted { $0.informationFraction < $1.informationFraction }
    var text = "Group-sequential boundaries at \(looks.count) "
      + (looks.count == 1 ? "look" : "looks") + " by information fraction. Efficacy: "
      + list(sorted.map { ($0.informationFraction, $0.efficacy) }) + "."
    let futility = sorted.compactMap { look in look.futility.map { (look.informationFraction, $0) } }
    if !futility.isEmpty { text += " Futility: " + list(futility) + "." }
    if !observations.isEmpty {
      text += " Observed: " + list(observations.map { ($0.informationFraction, $0.z) }) + "."
    }
    return text
  }

  // MARK: Layout

  /// Information fraction f maps to x linearly over [0, 1]; z maps to y linearly over the
  /// z ticks' range.
  struct Layout {
    static let width = 720.0
    static let plotLeft = 70.0
    static let plotRight = 690.0
    static let plotHeight = 320.0

    let looks: [Look]
    let zTicks: [Double]
    let titleBaseline: Double
    let legend: [(entry: Int, x: Double, y: Double)]
    let plotTop: Double
    let height: Double

    var plotBottom: Double { plotTop + Layout.plotHeight }
    var zLow: Double { zTicks.first ?? -1 }
    var zHigh: Double { zTicks.last ?? 1 }

    func x(_ f: Double) -> Double { Layout.plotLeft + min(max(f, 0), 1) * (Layout.plotRight - Layout.plotLeft) }
    func y(_ z: Double) -> Double {
      plotBottom - (min(max(z, zLow), zHigh) - zLow) / (zHigh - zLow) * Layout.plotHeight
    }

    init(_ plot: BoundaryPlot) {
      looks = plot.looks.filter { $0.informationFraction.isFinite && $0.efficacy.isFinite }
        .sorted { $0.informationFraction < $1.informationFraction }
      let zs = looks.map(\.efficacy) + looks.compactMap(\.futility).filter(\.isFinite)
        + plot.observations.map(\.z).filter(\.isFinite) + plot.markers.map(\.z).filter(\.isFinite)
      // Room above the highest value for its label.
      zTicks = AxisTicks.nice(lower: min(zs.min() ?? 0, 0), upper: (zs.max() ?? 1) + 0.3, maxTicks: 8)
      var top = 10.0
      titleBaseline = top + 16
      if plot.title != nil { top += 26 }
      var entries: [(entry: Int, x: Double, y: Double)] = []
      var x = Layout.plotLeft
      for entry in plot.legendEntries {
        let w = 34 + SVGText.estimatedWidth(plot.legendText(entry), fontSize: 12) + 22
        if x > Layout.plotLeft && x + w - 22 > Layout.plotRight {
          x = Layout.plotLeft
          top += 20
        }
        entries.append((entry: entry, x: x, y: top + 14))
        x += w
      }
      legend = entries
      plotTop = top + 30
      height = plotTop + Layout.plotHeight + 48
    }
  }

  private static let legendText = [
    "Efficacy boundary", "Futility boundary", "Continue", "Observed z",
  ]

  /// The words of legend entry `entry` (4 is the markers').
  private func legendText(_ entry: Int) -> String { entry < Self.legendText.count ? Self.legendText[entry] : markerLegend }

  /// Which legend entries apply (indices into `legendText`).
  private var legendEntries: [Int] {
    var entries = [0]
    if looks.contains(where: { $0.futility?.isFinite ?? false }) { entries.append(1) }
    entries.append(2)
    if !observations.isEmpty { entries.append(3) }
    if !markers.isEmpty { entries.append(4) }
    return entries
  }

  private static func diamond(_ x: Double, _ y: Double, _ r: Double) -> SVGPath {
    var d = SVGPath()
    d.move(x, y - r)
    d.line(x + r, y)
    d.line(x, y + r)
    d.line(x - r, y)
    d.line(x, y - r)
    return d
  }

  private func drawMarkers(_ canvas: inout SVGCanvas, _ layout: Layout) {
    for m in markers where m.informationFraction.isFinite && m.z.isFinite {
      let (x, y) = (layout.x(m.informationFraction), layout.y(m.z))
      canvas.path(Self.diamond(x, y, 6.5), "fill=\"#ffffff\" stroke=\"\(Self.efficacyColour)\" stroke-width=\"2\"")
      if let label = m.label {
        canvas.text(label, x: x + 10, y: y + 4, "class=\"osst-small\" style=\"fill:\(Self.efficacyColour)\"")
      }
    }
  }

  // MARK: Drawing

  private func drawLegend(_ canvas: inout SVGCanvas, _ layout: Layout) {
    for item in layout.legend {
      let mid = item.y - 4
      switch item.entry {
      case 0:
        canvas.line(item.x, mid, item.x + 28, mid, "stroke=\"\(Self.efficacyColour)\" stroke-width=\"2.2\"")
        canvas.circle(cx: item.x + 14, cy: mid, r: 3.5, "fill=\"\(Self.efficacyColour)\"")
      case 1:
        canvas.line(
          item.x, mid, item.x + 28, mid,
          "stroke=\"\(Self.futilityColour)\" stroke-width=\"2.2\" stroke-dasharray=\"8 4\"")
        canvas.rect(x: item.x + 10.5, y: mid - 3.5, width: 7, height: 7, "fill=\"\(Self.futilityColour)\"")
      case 2:
        canvas.rect(
          x: item.x, y: mid - 7, width: 28, height: 14,
          "fill=\"\(PlotPalette.colour(0))\" fill-opacity=\"0.1\" stroke=\"#bbb\" stroke-width=\"1\"")
      case 3:
        canvas.circle(cx: item.x + 14, cy: mid, r: 4.5, "fill=\"\(Self.observedColour)\"")
      default:
        canvas.path(Self.diamond(item.x + 14, mid, 6), "fill=\"#ffffff\" stroke=\"\(Self.efficacyColour)\" stroke-width=\"2\"")
      }
      canvas.text(legendText(item.entry), x: item.x + 34, y: item.y, "class=\"osst-label\"")
    }
  }

  private func drawAxes(_ canvas: inout SVGCanvas, _ layout: Layout) {
    let fractions = AxisTicks.nice(lower: 0, upper: 1, maxTicks: 6)
    canvas.openGroup("class=\"osst-grid\"")
    for z in layout.zTicks where z != layout.zLow {
      canvas.line(Layout.plotLeft, layout.y(z), Layout.plotRight, layout.y(z), "")
    }
    for f in fractions where f > 0 {
      canvas.line(layout.x(f), layout.plotTop, layout.x(f), layout.plotBottom, "")
    }
    canvas.closeGroup()
    if layout.zLow < 0 && layout.zHigh > 0 {
      canvas.line(Layout.plotLeft, layout.y(0), Layout.plotRight, layout.y(0), "class=\"osst-ref\"")
    }
    var axes = SVGPath()
    axes.move(Layout.plotLeft, layout.plotTop)
    axes.vertical(layout.plotBottom)
    axes.horizontal(Layout.plotRight)
    for z in layout.zTicks {
      axes.move(Layout.plotLeft - 5, layout.y(z))
      axes.horizontal(Layout.plotLeft)
    }
    for f in fractions {
      axes.move(layout.x(f), layout.plotBottom)
      axes.vertical(layout.plotBottom + 5)
    }
    canvas.path(axes, "class=\"osst-axis\"")
    for z in layout.zTicks {
      canvas.text(
        SVGNumber.string(z, decimals: 3), x: Layout.plotLeft - 8, y: layout.y(z) + 4, anchor: .end,
        "class=\"osst-tick\"")
    }
    for f in fractions {
      canvas.text(
        SVGNumber.string(f, decimals: 3), x: layout.x(f), y: layout.plotBottom + 17, anchor: .middle,
        "class=\"osst-tick\"")
    }
    canvas.text(
      xLabel, x: (Layout.plotLeft + Layout.plotRight) / 2, y: layout.plotBottom + 38, anchor: .middle,
      "class=\"osst-label\"")
    canvas.text(
      yLabel, x: Layout.plotLeft - 40, y: (layout.plotTop + layout.plotBottom) / 2, anchor: .middle,
      "class=\"osst-label\"", rotate: -90)
  }

  /// The continuation region: below the efficacy boundary and above the futility boundary (or the
  /// bottom of the axis at looks without one), between the first and last look.
  private func drawRegion(_ looks: [Look], _ canvas: inout SVGCanvas, _ layout: Layout) {
    guard looks.count >= 1 else { return }
    var region = SVGPath()
    for (i, look) in looks.enumerated() {
      let x = layout.x(look.informationFraction)
      if i == 0 { region.move(x, layout.y(look.efficacy)) } else { region.line(x, layout.y(look.efficacy)) }
    }
    for look in looks.reversed() {
      let floor = look.futility.flatMap { $0.isFinite ? $0 : nil } ?? layout.zLow
      region.line(layout.x(look.informationFraction), layout.y(floor))
    }
    region.close()
    canvas.path(region, "fill=\"\(PlotPalette.colour(0))\" fill-opacity=\"0.1\" stroke=\"none\"")
  }

  private func drawEfficacy(_ looks: [Look], _ canvas: inout SVGCanvas, _ layout: Layout) {
    var line = SVGPath()
    for (i, look) in looks.enumerated() {
      let (x, y) = (layout.x(look.informationFraction), layout.y(look.efficacy))
      if i == 0 { line.move(x, y) } else { line.line(x, y) }
    }
    canvas.path(line, "fill=\"none\" stroke=\"\(Self.efficacyColour)\" stroke-width=\"2.2\"")
    for look in looks {
      let (x, y) = (layout.x(look.informationFraction), layout.y(look.efficacy))
      canvas.circle(cx: x, cy: y, r: 3.5, "fill=\"\(Self.efficacyColour)\"")
      canvas.text(
        SVGNumber.fixed(look.efficacy, decimals: 2), x: x, y: y - 8, anchor: .middle,
        "class=\"osst-small\" style=\"fill:\(Self.efficacyColour)\"")
    }
  }

  private func drawFutility(_ looks: [Look], _ canvas: inout SVGCanvas, _ layout: Layout) {
    let points = looks.compactMap { look -> (Double, Double)? in
      guard let f = look.futility, f.isFinite else { return nil }
      return (layout.x(look.informationFraction), f)
    }
    var line = SVGPath()
    for (i, (x, z)) in points.enumerated() {
      if i == 0 { line.move(x, layout.y(z)) } else { line.line(x, layout.y(z)) }
    }
    canvas.path(
      line, "fill=\"none\" stroke=\"\(Self.futilityColour)\" stroke-width=\"2.2\" stroke-dasharray=\"8 4\"")
    for (x, z) in points {
      let y = layout.y(z)
      canvas.rect(x: x - 3.5, y: y - 3.5, width: 7, height: 7, "fill=\"\(Self.futilityColour)\"")
      canvas.text(
        SVGNumber.fixed(z, decimals: 2), x: x, y: y + 17, anchor: .middle,
        "class=\"osst-small\" style=\"fill:\(Self.futilityColour)\"")
    }
  }

  private func drawObservations(_ canvas: inout SVGCanvas, _ layout: Layout) {
    let points = observations.filter { $0.informationFraction.isFinite && $0.z.isFinite }
    var line = SVGPath()
    for (i, o) in points.enumerated() {
      let (x, y) = (layout.x(o.informationFraction), layout.y(o.z))
      if i == 0 { line.move(x, y) } else { line.line(x, y) }
    }
    if points.count > 1 {
      canvas.path(line, "fill=\"none\" stroke=\"\(Self.observedColour)\" stroke-width=\"1.2\"")
    }
    for (i, o) in points.enumerated() {
      let (x, y) = (layout.x(o.informationFraction), layout.y(o.z))
      canvas.circle(cx: x, cy: y, r: 4.5, "fill=\"\(Self.observedColour)\" stroke=\"#fff\" stroke-width=\"1\"")
      let text = (o.label.map { $0 + ": " } ?? "") + "z = " + SVGNumber.fixed(o.z, decimals: 2)
      // The label goes on the side away from the line to the next point.
      let rising = i + 1 < points.count && points[i + 1].z > o.z
      canvas.text(text, x: x + 8, y: rising ? y + 16 : y - 7, "class=\"osst-small osst-strong\"")
    }
  }
}
