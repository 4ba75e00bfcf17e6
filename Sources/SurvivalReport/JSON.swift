/// A JSON value with object keys in insertion order, so that output is stable and reads in a
/// sensible order. Non-finite numbers are written as `null`, as the JSON contract requires.
public indirect enum JSONValue: Sendable, Equatable {
  /// `null`.
  case null
  /// `true` / `false`.
  case bool(Bool)
  /// An integer.
  case int(Int)
  /// A number, written in the shortest form that reads back to the same `Double`.
  case number(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object with ordered keys.
  case object([(String, JSONValue)])

  /// Equal when they serialize to the same text.
  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    a.serialized() == b.serialized()
  }

  /// A number or `null` for `nil` and non-finite values.
  public static func number(_ value: Double?) -> JSONValue {
    guard let v = value, v.isFinite else { return .null }
    return .number(v)
  }

  /// A string or `null`.
  public static func string(_ value: String?) -> JSONValue {
    value.map(JSONValue.string) ?? .null
  }

  /// The text, indented by two spaces per level when `pretty`, ending without a newline.
  public func serialized(pretty: Bool = true) -> String {
    var out = ""
    write(to: &out, indent: pretty ? 0 : -1)
    return out
  }

  private func write(to out: inout String, indent: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .number(let d): out += JSONValue.format(d)
    case .string(let s): JSONValue.quote(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      // Arrays of scalars stay on one line; arrays of containers get a line each.
      let flat = indent < 0 || items.allSatisfy(\.isScalar)
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += flat ? (indent < 0 ? "," : ", ") : "," }
        if !flat { newline(&out, indent + 1) }
        item.write(to: &out, indent: indent < 0 ? -1 : indent + 1)
      }
      if !flat { newline(&out, indent) }
      out += "]"
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      // Small objects of scalars (a step, a quantile) stay on one line.
      let inline = indent >= 0 && members.count <= 12 && members.allSatisfy { $0.1.isScalar }
      out += "{"
      for (i, (key, value)) in members.enumerated() {
        if i > 0 { out += inline ? ", " : "," }
        if indent >= 0 && !inline { newline(&out, indent + 1) }
        JSONValue.quote(key, into: &out)
        out += indent >= 0 ? ": " : ":"
        value.write(to: &out, indent: indent < 0 ? -1 : indent + 1)
      }
      if indent >= 0 && !inline { newline(&out, indent) }
      out += "}"
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  private func newline(_ out: inout String, _ level: Int) {
    out += "\n"
    out += String(repeating: "  ", count: level)
  }

  /// Shortest round-trip text; integral values within 2⁵³ without a fraction ("31", not "31.0").
  static func format(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 9_007_199_254_740_992 {
      return d == 0 ? "0" : String(Int64(d))
    }
    return d.description
  }

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}
