import Foundation

/// The operating characteristics of a simulated grid of scenarios as an SVG: the power curve
/// (simulated rejection probability with ±2 Monte Carlo standard errors, the analytic power
/// dashed, alpha as a reference line) above the expected-events curve (with the maximum events
/// dashed), both against the true hazard ratio. Labelled simulated.
public struct PowerCurvePlot: Sendable {
  /// One scenario.
  public struct Point: Sendable {
    /// The true hazard ratio.
    public var hazardRatio: Double
    /// Simulated rejection probability and its Monte Carlo standard error.
    public var power: Double
    /// Its Monte Carlo standard error.
    public var powerSE: Double
    /// Analytic power, if known.
    public var analytic: Double?
    /// Expected events at stopping.
    public var expectedEvents: Double

    /// A point.
    public init(hazardRatio: Double, power: Double, powerSE: Double, analytic: Double?, expectedEvents: Double) {
      self.hazardRatio = hazardRatio
      self.power = power
      self.powerSE = powerSE
      self.analytic = analytic
      self.expectedEvents = expectedEvents
    }
  }

  /// The scenarios.
  public var points: [Point]
  /// The design's alpha (one-sided, or the two-sided total).
  public var alpha: Double
  /// The maximum events of the plan.
  public var maxEvents: Double
  /// The title.
  public var title: String

  /// A plot.
  /// The label of the x axis: the scenario parameter in ``Point/hazardRatio`` (by default the true hazard ratio).
  public let axis: String

  public init(
    points: [Point], alpha: Double, maxEvents: Double, title: String = "Simulated power and expected events (simulated data)",
    axis: String = "true hazard ratio"
  ) {
    self.axis = axis
    self.points = points.filter { $0.hazardRatio.isFinite && $0.power.isFinite }.sorted { $0.hazardRatio < $1.hazardRatio }
    self.alpha = alpha
    self.maxEvents = maxEvents
    self.title = title
  }

  static let width = 720.0
  static let left = 70.0
  static let right = 690.0
  static let panel = 220.0

  /// The SVG document.
  public func svg() -> String {
    var canvas = SVGCanvas(width: Self.width, height: 2 * Self.panel + 150)
    canvas.text(title, x: Self.left, y: 24, "class=\"osst-title\"")
    let lo = points.first?.hazardRatio ?? 0.5
    let hi = max(points.last?.hazardRatio ?? 1, lo + 1e-9)
    let xTicks = AxisTicks.nice(lower: lo, upper: hi, maxTicks: 8).filter { $0 >= lo - 1e-12 && $0 <= hi + 1e-12 }
    func x(_ h: Double) -> Double { Self.left + (h - lo) / (hi - lo) * (Self.right - Self.left) }
    let top1 = 50.0
    let top2 = top1 + Self.panel + 55
    canvas.plotArea = (Self.left, top1, Self.right - Self.left, top2 + Self.panel - top1)
    let eventsHigh = max(maxEvents, points.map(\.expectedEvents).max() ?? 1)
    let eventTicks = AxisTicks.nice(lower: 0, upper: eventsHigh, maxTicks: 6)
    let eventsTop = max(eventTicks.last ?? eventsHigh, eventsHigh)
    func panel(top: Double, ticks: [Double], high: Double, label: String) -> (Double) -> Double {
      let y = { (v: Double) in top + Self.panel - min(max(v / high, 0), 1) * Self.panel }
      canvas.openGroup("class=\"osst-grid\"")
      for t in ticks where t > 0 { canvas.line(Self.left, y(t), Self.right, y(t), "") }
      for t in xTicks { canvas.line(x(t), top, x(t), top + Self.panel, "") }
      canvas.closeGroup()
      var axes = SVGPath()
      axes.move(Self.left, top)
      axes.vertical(top + Self.panel)
      axes.horizontal(Self.right)
      canvas.path(axes, "class=\"osst-axis\"")
      for t in ticks {
        canvas.text(SVGNumber.string(t, decimals: 3), x: Self.left - 8, y: y(t) + 4, anchor: .end, "class=\"osst-tick\"")
      }
      for t in xTicks {
        canvas.text(SVGNumber.string(t, decimals: 3), x: x(t), y: top + Self.panel + 17, anchor: .middle, "class=\"osst-tick\"")
      }
      canvas.text(label, x: Self.left - 48, y: top + Self.panel / 2, anchor: .middle, "class=\"osst-label\"", rotate: -90)
      canvas.text(axis, x: (Self.left + Self.right) / 2, y: top + Self.panel + 36, anchor: .middle, "class=\"osst-label\"")
      return y
    }
    let yP = panel(top: top1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], high: 1, label: "P(reject H0)")
    canvas.line(Self.left, yP(alpha), Self.right, yP(alpha), "class=\"osst-ref\"")
    canvas.text("alpha \(SVGNumber.string(alpha, decimals: 4))", x: Self.right - 4, y: yP(alpha) - 5, anchor: .end, "class=\"osst-muted\"")
    var analytic = SVGPath()
    for (k, p) in points.enumerated() {
      guard let a = p.analytic, a.isFinite else { continue }
      if k == 0 || analytic.isEmpty { analytic.move(x(p.hazardRatio), yP(a)) } else { analytic.line(x(p.hazardRatio), yP(a)) }
    }
    canvas.path(analytic, "fill=\"none\" stroke=\"#7a7a7a\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"")
    var simulated = SVGPath()
    for (k, p) in points.enumerated() {
      if k == 0 { simulated.move(x(p.hazardRatio), yP(p.power)) } else { simulated.line(x(p.hazardRatio), yP(p.power)) }
      canvas.line(x(p.hazardRatio), yP(p.power - 2 * p.powerSE), x(p.hazardRatio), yP(p.power + 2 * p.powerSE), "stroke=\"#1f4e9a\" stroke-width=\"1.5\"")
      canvas.circle(cx: x(p.hazardRatio), cy: yP(p.power), r: 3, "fill=\"#1f4e9a\"")
    }
    canvas.path(simulated, "fill=\"none\" stroke=\"#1f4e9a\" stroke-width=\"2\"")
    canvas.text("simulated (±2 Monte Carlo se)   - - analytic", x: Self.left + 8, y: top1 + Self.panel - 30, "class=\"osst-muted\"")
    let yE = panel(top: top2, ticks: eventTicks, high: eventsTop, label: "expected events")
    canvas.line(Self.left, yE(maxEvents), Self.right, yE(maxEvents), "class=\"osst-ref\"")
    canvas.text("maximum \(SVGNumber.string(maxEvents, decimals: 0))", x: Self.right - 4, y: yE(maxEvents) - 5, anchor: .end, "class=\"osst-muted\"")
    var events = SVGPath()
    for (k, p) in points.enumerated() {
      if k == 0 { events.move(x(p.hazardRatio), yE(p.expectedEvents)) } else { events.line(x(p.hazardRatio), yE(p.expectedEvents)) }
      canvas.circle(cx: x(p.hazardRatio), cy: yE(p.expectedEvents), r: 3, "fill=\"#a8432a\"")
    }
    canvas.path(events, "fill=\"none\" stroke=\"#a8432a\" stroke-width=\"2\"")
    let short = axis == "true hazard ratio" ? "HR" : axis
    let description = "Simulated power by \(axis): "
      + points.map { "\(short) \(SVGNumber.string($0.hazardRatio, decimals: 3)) power \(SVGNumber.string($0.power, decimals: 3)), expected events \(SVGNumber.string($0.expectedEvents, decimals: 1))" }.joined(separator: "; ")
    return canvas.document(title: title, description: description)
  }
}
