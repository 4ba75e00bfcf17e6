import Foundation

/// Number formatting for human-readable output (text and Markdown). JSON and CSV keep full precision.
public enum NumberFormat {
  /// `value` to `digits` significant digits without trailing zeros (R's `format(signif(x, 4))`
  /// style: 30.74, 0.9091, 4.169e-05); `missing` for nil or non-finite values.
  public static func significant(_ value: Double?, digits: Int = 4, missing: String = "NA") -> String {
    guard let v = value, v.isFinite else { return missing }
    if v == 0 { return "0" }
    if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
    let magnitude = Int(Foundation.floor(Foundation.log10(abs(v))))
    if magnitude < -4 || magnitude >= 15 {
      return String(format: "%.\(max(0, digits - 1))e", v).replacingOccurrences(
        of: #"\.?0+e"#, with: "e", options: .regularExpression)
    }
    let decimals = max(0, digits - 1 - magnitude)
    var s = String(format: "%.\(decimals)f", v)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s
  }

  /// A p-value: four significant digits, or "< 1e-16" below double precision's reach.
  public static func pValue(_ p: Double) -> String {
    guard p.isFinite else { return "NA" }
    if p < 1e-16 { return "< 1e-16" }
    return significant(p, digits: 4)
  }

  /// Full precision for CSV: the shortest round-trip text, empty for nil or non-finite values.
  public static func full(_ value: Double?) -> String {
    guard let v = value, v.isFinite else { return "" }
    return JSONValue.format(v)
  }
}

/// A plain-text table with right-aligned columns (the first left-aligned), like R's printed matrices.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []

  init(_ header: [String]) { self.header = header }

  mutating func add(_ row: [String]) { rows.append(row) }

  func render(indent: String = "") -> String {
    let all = ([header] + rows).map { $0.map(TextTable.printable) }
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    return all.map { row in
      indent
        + row.enumerated().map { c, cell in
          let pad = String(repeating: " ", count: widths[c] - cell.count)
          return c == 0 ? cell + pad : pad + cell
        }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }

  /// A cell with its control characters written as escapes (`\n`, `\t`, `\u{1B}`), so that a
  /// name holding a line break or a terminal escape cannot break the table or the terminal.
  static func printable(_ cell: String) -> String {
    guard cell.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) else {
      return cell
    }
    var out = ""
    for u in cell.unicodeScalars {
      switch u.value {
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0..<0x20, 0x7F, 0x80..<0xA0: out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
      default: out.unicodeScalars.append(u)
      }
    }
    return out
  }

  func markdown() -> String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map(Markdown.escape).joined(separator: " | ") + " |"
    }
    let rule = "|" + header.indices.map { $0 == 0 ? ":---|" : "---:|" }.joined()
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}

/// Markdown text safety.
enum Markdown {
  /// Escapes characters that Markdown or HTML would interpret, so that untrusted names print as
  /// text.
  static func escape(_ s: String) -> String {
    var out = ""
    for ch in s {
      switch ch {
      case "|", "\\", "`", "*", "_", "[", "]", "#": out += "\\" + String(ch)
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "&": out += "&amp;"
      case "\n", "\r": out += " "
      default: out.append(ch)
      }
    }
    return out
  }
}
