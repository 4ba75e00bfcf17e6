/// A minimal SVG writer shared by the plots: elements are appended in drawing order and
/// ``document(title:description:)`` wraps them with the accessibility elements and the inline style.
///
/// Coordinates are written through ``SVGNumber`` (two decimals) and all text through
/// ``SVGText/escape(_:)``, so that callers cannot forget either.
struct SVGCanvas {
  /// How a text element is anchored at its x coordinate.
  enum Anchor: String {
    case start, middle, end
  }

  let width: Double
  let height: Double
  private(set) var body = ""
  /// The data region (x, y, width, height), written as `data-plot-area` so that a check of the
  /// rendered page can look inside it (Reports/check-in-browser.sh).
  var plotArea: (x: Double, y: Double, width: Double, height: Double)?

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// Opens a group with the given raw attributes (trusted, built here).
  mutating func openGroup(_ attributes: String) {
    body += "<g \(attributes)>\n"
  }

  mutating func closeGroup() {
    body += "</g>\n"
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: String) {
    body += "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" \(attributes)/>\n"
  }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, _ attributes: String) {
    body +=
      "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" \(attributes)/>\n"
  }

  mutating func circle(cx: Double, cy: Double, r: Double, _ attributes: String) {
    body += "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" \(attributes)/>\n"
  }

  mutating func path(_ path: SVGPath, _ attributes: String) {
    guard !path.isEmpty else { return }
    body += "<path d=\"\(path.data)\" \(attributes)/>\n"
  }

  /// A text element; `content` is escaped here. `rotate` turns it about its anchor point.
  mutating func text(
    _ content: String, x: Double, y: Double, anchor: Anchor = .start, _ attributes: String = "",
    rotate: Double? = nil
  ) {
    var element = "<text x=\"\(n(x))\" y=\"\(n(y))\""
    if anchor != .start { element += " text-anchor=\"\(anchor.rawValue)\"" }
    if let rotate { element += " transform=\"rotate(\(n(rotate)) \(n(x)) \(n(y)))\"" }
    if !attributes.isEmpty { element += " " + attributes }
    body += element + ">" + SVGText.escape(content) + "</text>\n"
  }

  /// The complete `<svg>` element: `role="img"`, a `<title>` and `<desc>` for assistive technology,
  /// the shared inline style, then the body. No scripts and no external references.
  func document(title: String, description: String) -> String {
    let w = n(width)
    let h = n(height)
    let area = plotArea.map { " data-plot-area=\"\(n($0.x)) \(n($0.y)) \(n($0.width)) \(n($0.height))\"" } ?? ""
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"osst-plot\" viewBox=\"0 0 \(w) \(h)\" "
      + "width=\"\(w)\" height=\"\(h)\" role=\"img\"\(area)>\n"
      + "<title>\(SVGText.escape(title))</title>\n"
      + "<desc>\(SVGText.escape(description))</desc>\n"
      + PlotStyle.css
      + "<rect width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
      + body
      + "</svg>\n"
  }

  private func n(_ v: Double) -> String { SVGNumber.string(v) }
}

/// Path data built from absolute commands, each coordinate written with two decimals.
struct SVGPath {
  private(set) var data = ""

  var isEmpty: Bool { data.isEmpty }

  mutating func move(_ x: Double, _ y: Double) {
    data += "M" + SVGNumber.string(x) + " " + SVGNumber.string(y)
  }

  mutating func line(_ x: Double, _ y: Double) {
    data += "L" + SVGNumber.string(x) + " " + SVGNumber.string(y)
  }

  mutating func horizontal(_ x: Double) {
    data += "H" + SVGNumber.string(x)
  }

  mutating func vertical(_ y: Double) {
    data += "V" + SVGNumber.string(y)
  }

  mutating func close() {
    data += "Z"
  }
}

/// The plots' shared look: a colour-blind-safe palette with a dash pattern per series (so that
/// a grey print still tells the series apart), the system font stack and the inline style sheet.
public enum PlotPalette {
  /// Okabe–Ito colours in the order series use them (Okabe M, Ito K (2008) Color Universal Design),
  /// yellow left out as too faint on white. Series beyond the seventh reuse them in turn.
  public static let colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

  /// SVG `stroke-dasharray` values, one per series in the same order (empty for solid).
  public static let dashes = ["", "8 4", "2 3", "10 3 2 3", "5 5", "1 2", "12 4 4 4"]

  /// The colour of series `index`.
  public static func colour(_ index: Int) -> String { colours[index % colours.count] }

  /// The dash pattern of series `index`.
  public static func dash(_ index: Int) -> String { dashes[index % dashes.count] }

  /// ` stroke-dasharray="…"` for series `index`, or nothing for a solid line.
  static func dashAttribute(_ index: Int) -> String {
    let d = dash(index)
    return d.isEmpty ? "" : " stroke-dasharray=\"\(d)\""
  }
}

/// The inline style sheet. Every class is prefixed `osst-`: a `<style>` inside an SVG that is
/// inlined in an HTML page applies to the whole page, so the names must not collide with the page's.
enum PlotStyle {
  static let fontStack =
    "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Liberation Sans','DejaVu Sans',sans-serif"

  static let css = """
    <style>
    .osst-plot{font-family:\(fontStack);font-size:12px;max-width:100%;height:auto}
    .osst-plot text{font-variant-numeric:tabular-nums}
    .osst-title{font-size:15px;font-weight:600;fill:#111}
    .osst-label{font-size:12.5px;fill:#222}
    .osst-tick{font-size:11px;fill:#333}
    .osst-small{font-size:11px;fill:#222}
    .osst-muted{font-size:11px;fill:#666}
    .osst-strong{font-weight:600}
    .osst-grid{stroke:#e4e4e4;stroke-width:1}
    .osst-axis{stroke:#444;stroke-width:1;fill:none}
    .osst-ref{stroke:#777;stroke-width:1;fill:none}
    </style>

    """
}
