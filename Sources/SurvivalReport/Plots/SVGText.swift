/// Text safety and text measurement for the SVG plots.
///
/// Every string that reaches a plot from outside (titles, arm and subgroup names, axis labels) goes
/// through ``escape(_:)``, so a hostile name such as `<script>alert(1)</script>` renders as the
/// literal text and never as markup.
public enum SVGText {
  /// `s` made safe for SVG (XML) text content and for quoted attribute values: `&`, `<`, `>`, `"`
  /// and `'` become entity references, and characters that XML 1.0 forbids or that would break a
  /// line (control characters, U+FFFE, U+FFFF) become a space.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\u{FFFE}", "\u{FFFF}": out += " "
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += " "
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// A conservative estimate of the width in pixels of `s` set in a proportional sans-serif face
  /// at `fontSize` pixels (per-character widths of Helvetica/Arial, rounded up), used to lay out
  /// legends and to shorten labels that would not fit. Not exact: layouts keep a margin.
  static func estimatedWidth(_ s: String, fontSize: Double) -> Double {
    var em = 0.0
    for ch in s {
      switch ch {
      case "i", "j", "l", "I", "'", "|", "!", ".", ",", ":", ";", " ": em += 0.30
      case "f", "r", "t", "(", ")", "[", "]", "-", "1": em += 0.40
      case "m", "w", "M", "W", "@", "%", "—": em += 0.90
      case "0"..."9": em += 0.58
      default: em += ch.isUppercase ? 0.70 : 0.58
      }
    }
    return em * fontSize
  }

  /// `s` cut to fit `width` pixels at `fontSize` (by ``estimatedWidth(_:fontSize:)``), ending in
  /// "…" when shortened. Escape the result, not the input, so that no entity is cut in half.
  static func truncated(_ s: String, toWidth width: Double, fontSize: Double) -> String {
    guard estimatedWidth(s, fontSize: fontSize) > width else { return s }
    var kept = ""
    let ellipsis = estimatedWidth("…", fontSize: fontSize)
    for ch in s {
      if estimatedWidth(kept + String(ch), fontSize: fontSize) + ellipsis > width { break }
      kept.append(ch)
    }
    while kept.last == " " { kept.removeLast() }
    return kept + "…"
  }
}

/// Fixed-decimal number text for SVG coordinates and labels, without Foundation: the same value
/// always gives the same bytes, and a value that rounds to zero is written `0`, never `-0.00`.
enum SVGNumber {
  /// `value` rounded half away from zero to `decimals` places (at most 9), trailing zeros dropped:
  /// 12.345 → "12.35", 100.0 → "100", −0.001 → "0". Non-finite values are written "0" (a plot never
  /// places anything at a non-finite coordinate; callers filter them first).
  static func string(_ value: Double, decimals: Int = 2) -> String {
    fixed(value, decimals: decimals, trimZeros: true)
  }

  /// `value` with exactly `decimals` places ("1.00", "0.50"), for table-like labels; otherwise as
  /// ``string(_:decimals:)``.
  static func fixed(_ value: Double, decimals: Int, trimZeros: Bool = false) -> String {
    guard value.isFinite else { return "0" }
    let places = min(max(decimals, 0), 9)
    var scale: Int64 = 1
    for _ in 0..<places { scale *= 10 }
    let scaled = (value * Double(scale)).rounded(.toNearestOrAwayFromZero)
    guard abs(scaled) < 9e15 else { return String(value) }
    var magnitude = Int64(scaled)
    let negative = magnitude < 0
    magnitude = abs(magnitude)
    var fraction = magnitude % scale
    var digits = places
    if trimZeros {
      while digits > 0 && fraction % 10 == 0 {
        fraction /= 10
        digits -= 1
      }
    }
    var out = negative && magnitude != 0 ? "-" : ""
    out += String(magnitude / scale)
    if digits > 0 {
      let text = String(fraction)
      out += "." + String(repeating: "0", count: digits - text.count) + text
    }
    return out
  }
}
