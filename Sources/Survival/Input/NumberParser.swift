/// Decimal numbers from UTF-8 bytes, correctly rounded (the same double as `strtod` gives), with
/// no String in between.
///
/// Accepted: an optional sign, digits with an optional decimal point (`12`, `1.5`, `.5`, `5.`),
/// an optional exponent (`e-3`, `E+07`), and `inf`/`infinity` in any case. Refused (`nil`):
/// everything else, including hexadecimal (`0x10`), `nan`, spaces and NUL bytes inside the number.
///
/// Fast path (Clinger 1990, "How to read floating point numbers accurately"): when the decimal
/// significand has at most 19 digits and fits in 53 bits, and the power of ten is at most 22 in
/// magnitude, both are exact doubles and one IEEE multiplication or division rounds correctly.
/// Other numbers (long significands, large exponents, subnormals) go through the standard
/// library's correctly rounded conversion.
enum NumberParser {
  /// Exact powers of ten as doubles: 10^0 … 10^22.
  private static let powers: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// The number in `bytes[start..<end]`, or nil when it is not one.
  @inline(__always)
  static func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
    var i = start
    guard i < end else { return nil }
    var negative = false
    if p[i] == 0x2D || p[i] == 0x2B {
      negative = p[i] == 0x2D
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0  // significant digits taken into the mantissa
    var dropped = 0  // integer digits beyond 19 (each scales by 10)
    var fraction = 0  // fractional digits taken
    var any = false
    var overflow = false
    while i < end {
      let d = p[i] &- 0x30
      guard d < 10 else { break }
      any = true
      if digits < 19 {
        if mantissa != 0 || d != 0 { digits += 1 }
        mantissa = mantissa &* 10 &+ UInt64(d)
      } else {
        overflow = true
        dropped += 1
      }
      i += 1
    }
    if i < end && p[i] == 0x2E {
      i += 1
      while i < end {
        let d = p[i] &- 0x30
        guard d < 10 else { break }
        any = true
        if digits < 19 {
          if mantissa != 0 || d != 0 { digits += 1 }
          mantissa = mantissa &* 10 &+ UInt64(d)
          fraction += 1
        } else {
          overflow = true
        }
        i += 1
      }
    }
    guard any else { return special(p, i, end, negative) }
    var exponent = 0
    if i < end && (p[i] | 0x20) == 0x65 {
      i += 1
      var expNegative = false
      if i < end && (p[i] == 0x2D || p[i] == 0x2B) {
        expNegative = p[i] == 0x2D
        i += 1
      }
      var expDigits = false
      while i < end {
        let d = p[i] &- 0x30
        guard d < 10 else { break }
        expDigits = true
        if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
        i += 1
      }
      guard expDigits else { return nil }
      if expNegative { exponent = -exponent }
    }
    guard i == end else { return nil }
    let power = exponent + dropped - fraction
    if !overflow && mantissa <= 1 << 53 && power >= -22 && power <= 22 {
      var value = Double(mantissa)
      value = power < 0 ? value / powers[-power] : value * powers[power]
      return negative ? -value : value
    }
    if mantissa == 0 && !overflow { return negative ? -0.0 : 0 }
    return slow(p, start, end)
  }

  /// `inf` or `infinity` (any case), else nil.
  private static func special(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ negative: Bool) -> Double? {
    let n = end - i
    guard n == 3 || n == 8 else { return nil }
    let word: [UInt8] = Array("infinity".utf8)
    for k in 0..<n where p[i + k] | 0x20 != word[k] { return nil }
    return negative ? -.infinity : .infinity
  }

  /// The standard library's correctly rounded conversion (the syntax is already checked).
  private static func slow(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
    let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    return Double(text)
  }

  /// The number in `text` (convenience for callers holding a String).
  static func parse(_ text: some StringProtocol) -> Double? {
    var s = String(text)
    return s.withUTF8 { b in
      guard let base = b.baseAddress else { return nil }
      return parse(base, 0, b.count)
    }
  }
}
