import Foundation

/// A model term as R writes it on the right of a formula: a column, a transformed column
/// (`log(x)`, `sqrt(x)`, `I(x^2)`), or an interaction of those (`a:b`); `a*b` stands for
/// `a + b + a:b`. Terms are named as R names them.
public struct ModelTerm: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// A transformation of a numeric column.
  public enum Transform: Sendable, Equatable, Hashable {
    case identity
    case log
    case sqrt
    /// `I(x^k)`, k a whole number from 2 to 9.
    case power(Int)
  }

  /// One variable of a term: a column and its transformation.
  public struct Variable: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The column.
    public let column: String
    /// Its transformation.
    public let transform: Transform

    /// As R writes it: `age`, `log(bili)`, `I(age^2)`.
    public var description: String {
      switch transform {
      case .identity: column
      case .log: "log(\(column))"
      case .sqrt: "sqrt(\(column))"
      case .power(let k): "I(\(column)^\(k))"
      }
    }
  }

  /// The variables, in the order written (one for a main effect).
  public let variables: [Variable]

  /// The most variables one term may hold, and the most variables `*` may cross (2^k − 1 terms).
  public static let maximumVariables = 6
  /// The most terms a model may have.
  public static let maximumTerms = 200

  /// As R names the term: the variables joined by `:`.
  public var description: String { variables.map(\.description).joined(separator: ":") }

  /// Why a term cannot be read.
  public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The term as written.
    public let term: String
    /// What is wrong.
    public let reason: String

    public var description: String {
      "'\(term)': \(reason) (a term is a column, log(x), sqrt(x), I(x^2), a:b, or a*b)"
    }
  }

  /// The terms of a covariate list in R's order: `*` expanded (a*b*c: every sub-interaction),
  /// duplicates dropped, the terms sorted by degree (main effects, then two-way, ...; stable, as
  /// R's `terms()`), the variables of an interaction in the order they first appear (R names
  /// `age + sex + sex:age`'s interaction `age:sex`). A name that is a column of the data
  /// (`columns`) is that column, whatever characters it holds.
  /// - Throws: ``ParseError``.
  public static func terms(_ covariates: [String], columns: Set<String> = []) throws(ParseError) -> [ModelTerm] {
    let written = try writtenTerms(covariates, columns: columns)
    var order: [Variable] = []
    for t in written { for v in t.variables where !order.contains(v) { order.append(v) } }
    let sorted = written.enumerated().sorted { a, b in
      a.element.variables.count != b.element.variables.count ? a.element.variables.count < b.element.variables.count : a.offset < b.offset
    }
    return sorted.map { ModelTerm(variables: $0.element.variables.sorted { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }) }
  }

  private static func writtenTerms(_ covariates: [String], columns: Set<String>) throws(ParseError) -> [ModelTerm] {
    var out: [ModelTerm] = []
    func add(_ t: ModelTerm) { if !out.contains(where: { $0.sameVariables(as: t) }) { out.append(t) } }
    for written in covariates {
      let text = written.trimmingCharacters(in: .whitespaces)
      if columns.contains(text) {
        add(ModelTerm(variables: [Variable(column: text, transform: .identity)]))
        continue
      }
      let crossed = text.split(separator: "*", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      // Bounded before anything is expanded: a*b*…*z would be 2^26 terms.
      guard crossed.count <= maximumVariables,
        crossed.allSatisfy({ $0.split(separator: ":", omittingEmptySubsequences: false).count <= maximumVariables }),
        text.split(separator: ":", omittingEmptySubsequences: false).count + crossed.count - 1 <= 2 * maximumVariables
      else {
        throw ParseError(term: text, reason: "a term crosses at most \(maximumVariables) variables")
      }
      if crossed.count > 1 {
        let factors = try crossed.map { part throws(ParseError) in try interaction(part, written: text, columns: columns) }
        // Every non-empty subset of the crossed factors, by size, then in the order written.
        var subsets: [[Int]] = []
        for size in 1...factors.count { subsets += combinations(factors.count, size) }
        for s in subsets { add(ModelTerm(variables: s.flatMap { factors[$0] })) }
      } else {
        add(ModelTerm(variables: try interaction(text, written: text, columns: columns)))
      }
      guard out.count <= maximumTerms else {
        throw ParseError(term: text, reason: "a model has at most \(maximumTerms) terms")
      }
    }
    return out
  }

  /// Whether two terms hold the same variables (R treats `a:b` and `b:a` as one term).
  func sameVariables(as other: ModelTerm) -> Bool { Set(variables) == Set(other.variables) && variables.count == other.variables.count }

  private static func combinations(_ n: Int, _ k: Int) -> [[Int]] {
    guard k > 0 else { return [[]] }
    guard n >= k else { return [] }
    var out: [[Int]] = []
    func walk(_ start: Int, _ chosen: [Int]) {
      if chosen.count == k {
        out.append(chosen)
        return
      }
      for i in start..<n { walk(i + 1, chosen + [i]) }
    }
    walk(0, [])
    return out
  }

  private static func interaction(_ text: String, written: String, columns: Set<String>) throws(ParseError) -> [Variable] {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    return try parts.map { part throws(ParseError) in try variable(part, written: written, columns: columns) }
  }

  private static func variable(_ text: String, written: String, columns: Set<String>) throws(ParseError) -> Variable {
    func name(_ s: Substring) throws(ParseError) -> String {
      let n = s.trimmingCharacters(in: .whitespaces)
      guard !n.isEmpty, !n.contains(where: { "()^:*".contains($0) }) || columns.contains(n) else {
        throw ParseError(term: written, reason: "'\(n)' is not a column name")
      }
      return n
    }
    if columns.contains(text) { return Variable(column: text, transform: .identity) }
    for (prefix, transform) in [("log(", Transform.log), ("sqrt(", .sqrt)] where text.hasPrefix(prefix) && text.hasSuffix(")") {
      return Variable(column: try name(text.dropFirst(prefix.count).dropLast()), transform: transform)
    }
    var inner = Substring(text)
    let wrapped = text.hasPrefix("I(") && text.hasSuffix(")")
    if wrapped { inner = text.dropFirst(2).dropLast() }
    if let caret = inner.firstIndex(of: "^") {
      // In R's formulas x^2 is x crossed with itself, that is x: the square is I(x^2).
      guard wrapped else { throw ParseError(term: written, reason: "write the power as I(\(inner)): in R's formulas \(inner) is \(inner[..<caret])") }
      let base = try name(inner[..<caret])
      guard let k = Int(inner[inner.index(after: caret)...].trimmingCharacters(in: .whitespaces)), (2...9).contains(k) else {
        throw ParseError(term: written, reason: "a power must be a whole number from 2 to 9")
      }
      return Variable(column: base, transform: .power(k))
    }
    guard inner == Substring(text) else { throw ParseError(term: written, reason: "I() holds a power, I(x^2)") }
    if text.contains("(") { throw ParseError(term: written, reason: "'\(text)' is not a transformation osstats knows") }
    return Variable(column: try name(inner), transform: .identity)
  }

  /// The columns a list of terms reads.
  public static func columns(of terms: [ModelTerm]) -> [String] {
    var out: [String] = []
    for t in terms { for v in t.variables where !out.contains(v.column) { out.append(v.column) } }
    return out
  }
}
