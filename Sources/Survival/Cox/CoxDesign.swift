import Foundation
import LinearAlgebra

/// Builds the data of a Cox model from loaded columns: numeric covariates as they are, text
/// covariates as treatment contrasts (one indicator per level but the reference, named as R names
/// them: `x` with level `Nonmaintained` gives `xNonmaintained`), the reference being the first
/// level in sorted order unless chosen.
public enum CoxDesign {
  /// What the columns are.
  public struct Request: Sendable, Equatable {
    /// Covariate columns, in order.
    public var covariates: [String]
    /// Reference levels of text covariates, by column.
    public var reference: [String: String]
    /// Entry-time column for (start, stop] data.
    public var start: String?
    /// Case-weight column.
    public var weights: String?
    /// Cluster column for the robust variance.
    public var cluster: String?

    /// A request.
    public init(
      covariates: [String], reference: [String: String] = [:], start: String? = nil,
      weights: String? = nil, cluster: String? = nil
    ) {
      self.covariates = covariates
      self.reference = reference
      self.start = start
      self.weights = weights
      self.cluster = cluster
    }

    /// The extra columns the loader must read.
    public var columns: [String] {
      // The columns the terms read (log(bili) reads bili); a covariate that is not a term is asked
      // for as written, so that a missing column is named as given.
      var c: [String] = []
      for covariate in covariates {
        let read = (try? ModelTerm.terms([covariate])).map(ModelTerm.columns(of:)) ?? [covariate]
        for r in read where !c.contains(r) { c.append(r) }
      }
      for extra in [start, weights, cluster].compactMap({ $0 }) where !c.contains(extra) { c.append(extra) }
      return c
    }
  }

  /// The levels of each text covariate, reference first, for reporting.
  public typealias Levels = [String: [String]]

  /// The Cox data for `request` from `loaded` (whose spec read `request.columns` as extra columns).
  /// - Throws: ``InputError`` naming the line and column of a bad value, or a reference level that
  ///   does not occur.
  public static func build(_ loaded: LoadedSurvivalData, _ request: Request) throws(InputError)
    -> (CoxData, Levels)
  {
    let n = loaded.data.count
    var columns: [[Double]] = []
    var names: [String] = []
    var terms: [CoxTerm] = []
    var levels: Levels = [:]
    let modelTerms: [ModelTerm]
    do {
      modelTerms = try ModelTerm.terms(request.covariates, columns: Set(loaded.table.names))
    } catch {
      throw InputError(.usage, line: 1, column: 1, error.description)
    }
    for (column, r) in request.reference where !modelTerms.contains(where: { $0.variables.contains { $0.column == column } }) {
      throw InputError(.usage, line: 1, column: 1, "\(column)=\(r): \(column) is not a covariate", subject: .reference)
    }
    // Each variable's columns, computed once: a numeric column transformed, or a factor's levels.
    var numericCache: [ModelTerm.Variable: [Double]] = [:]
    func numeric(_ v: ModelTerm.Variable, _ values: [Double]) throws(InputError) -> [Double] {
      if let cached = numericCache[v] { return cached }
      // Beyond 1e150 the information matrix (sums of squares) overflows: refused, never fitted.
      if let bad = values.firstIndex(where: { $0.isFinite && abs($0) > 1e150 }) {
        let at = loaded.location(bad, v.column)
        throw InputError(
          .data, line: at.line, column: at.column,
          "\(v.column) '\(numberLabel(values[bad]))' is too large (at most 1e150 in magnitude; rescale the covariate)",
          record: loaded.table.format.isSAS)
      }
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        let at = loaded.location(bad, v.column)
        throw InputError(
          .data, line: at.line, column: at.column, "\(v.column) '\(numberLabel(values[bad]))' is not finite",
          record: loaded.table.format.isSAS)
      }
      let out: [Double]
      switch v.transform {
      case .identity: out = values
      case .log, .sqrt:
        let positive = v.transform == .log
        if let bad = values.firstIndex(where: { positive ? !($0 > 0) : !($0 >= 0) }) {
          let at = loaded.location(bad, v.column)
          throw InputError(
            .data, line: at.line, column: at.column,
            "\(v): \(v.column) '\(numberLabel(values[bad]))' is \(positive ? "not positive" : "negative")", record: loaded.table.format.isSAS)
        }
        out = values.map { positive ? Foundation.log($0) : $0.squareRoot() }
      case .power(let k): out = values.map { x in (1..<k).reduce(x) { acc, _ in acc * x } }
      }
      numericCache[v] = out
      return out
    }
    // A factor's levels, reference first.
    func factorLevels(_ column: String, _ codes: [Int32], _ all: [String]) throws(InputError) -> [String] {
      if let known = levels[column] { return known }
      let present = Set(codes.filter { $0 >= 0 })
      var sorted = sortedGroupLabels(present.map { all[Int($0)] })
      if let r = request.reference[column] {
        guard let i = sorted.firstIndex(of: r) else {
          throw InputError(
            .usage, line: 1, column: 1,
            "\(column)=\(r): no such level (levels: \(sorted.joined(separator: ", ")))", subject: .reference)
        }
        sorted.remove(at: i)
        sorted.insert(r, at: 0)
      }
      levels[column] = sorted
      return sorted
    }
    for term in modelTerms {
      let begin = names.count
      // The columns of each variable of the term; their product is the term's.
      var parts: [[(name: String, values: [Double])]] = []
      for v in term.variables {
        if let values = loaded.numbers(v.column) {
          if let r = request.reference[v.column] {
            throw InputError(.usage, line: 1, column: 1, "\(v.column)=\(r): \(v.column) is numeric, not a text covariate", subject: .reference)
          }
          parts.append([(v.description, try numeric(v, values))])
        } else if let (codes, all) = loaded.codes(v.column) {
          guard v.transform == .identity else {
            throw InputError(.usage, line: 1, column: 1, "\(v): \(v.column) is a text column (a factor), not a number")
          }
          let sorted = try factorLevels(v.column, codes, all)
          // R's marginality rule: a factor is coded by contrasts (its reference left out) when the
          // term without it is in the model (or is the intercept); otherwise by every level.
          // (R's TermCode: the term without the factor is contained in a term before this one.)
          let rest = Set(term.variables.filter { $0 != v })
          let earlier = modelTerms.prefix { $0 != term }
          let contrasts = rest.isEmpty || earlier.contains { rest.isSubset(of: Set($0.variables)) }
          var indicators: [(String, [Double])] = []
          for level in contrasts ? Array(sorted.dropFirst()) : sorted {
            guard let c = all.firstIndex(of: level).map({ Int32($0) }) else { continue }
            indicators.append((v.column + level, codes.map { $0 == c ? 1 : 0 }))
          }
          parts.append(indicators)
        } else {
          throw InputError(.usage, line: 1, column: 1, "no column '\(v.column)'")
        }
      }
      // At most as many design columns as a model can estimate: beyond the rows, or 10,000, a
      // product of factors is refused before it is built.
      let width = parts.reduce(1) { w, part in
        let (product, overflow) = w.multipliedReportingOverflow(by: max(1, part.count))
        return overflow ? Int.max : product
      }
      guard width <= min(10_000, max(n, 1)), names.count + width <= 10_000 else {
        throw InputError(
          .usage, line: 1, column: 1,
          "the term \(term) would need \(width) design columns (at most 10000, and no more than the \(n) rows)")
      }
      // The product, the first variable varying fastest (R's model.matrix order).
      var product: [(name: String, values: [Double])] = [("", [])]
      for part in parts {
        var next: [(name: String, values: [Double])] = []
        for p in part {
          for q in product {
            next.append((q.name.isEmpty ? p.name : q.name + ":" + p.name, q.values.isEmpty ? p.values : zip(q.values, p.values).map { $0 * $1 }))
          }
        }
        product = next
      }
      for column in product {
        // Transforms and products can leave the range the information matrix can hold.
        if let bad = column.values.firstIndex(where: { !$0.isFinite || abs($0) > 1e150 }) {
          let at = loaded.location(bad, term.variables[0].column)
          throw InputError(
            .data, line: at.line, column: at.column,
            "\(column.name) is \(numberLabel(column.values[bad])) on this row (at most 1e150 in magnitude; rescale the covariate)",
            record: loaded.table.format.isSAS)
        }
        columns.append(column.values)
        names.append(column.name)
      }
      terms.append(CoxTerm(name: term.description, columns: begin..<names.count))
    }
    var flat = [Double](repeating: 0, count: n * columns.count)
    flat.withUnsafeMutableBufferPointer { f in
      for (j, c) in columns.enumerated() {
        c.withUnsafeBufferPointer { c in
          guard let src = c.baseAddress, let dst = f.baseAddress else { return }
          (dst + j * n).update(from: src, count: n)
        }
      }
    }
    columns = []
    let x = (try? Matrix(rows: n, columns: names.count, columnMajor: flat)) ?? .zeros(n, 0)

    func numeric(_ name: String, positive: Bool) throws(InputError) -> [Double] {
      let sas = loaded.table.format.isSAS
      guard let values = loaded.numbers(name) else {
        let texts = loaded.texts(name) ?? []
        let i = texts.firstIndex { $0 != nil } ?? 0
        let at = loaded.location(i, name)
        throw InputError(
          .data, line: at.line, column: at.column,
          "\(name) '\((i < texts.count ? texts[i] : nil) ?? "")' is not \(positive ? "a positive number" : "a finite number")",
          record: sas)
      }
      for (i, d) in values.enumerated() where !(d.isFinite && (!positive || d > 0)) {
        let at = loaded.location(i, name)
        throw InputError(
          .data, line: at.line, column: at.column,
          "\(name) '\(numberLabel(d))' is not \(positive ? "a positive number" : "a finite number")", record: sas)
      }
      return values
    }
    let start = try request.start.map { c throws(InputError) in try loaded.entryTimes(c) }
    let weights = try request.weights.map { c throws(InputError) in try numeric(c, positive: true) }
    let cluster = request.cluster.map { c in
      SurvivalDataLoader.encode((loaded.texts(c) ?? []).map { $0 ?? "" }).0
    }
    do {
      var data = try CoxData(
        start: start, stop: loaded.data.time, event: loaded.data.event, x: x, columnNames: names,
        terms: terms, weights: weights, strata: loaded.data.stratum,
        strataLabels: loaded.data.strataLabels, cluster: cluster)
      data.levels = levels
      return (data, levels)
    } catch {
      throw InputError(.data, line: 1, column: 1, error.message)
    }
  }

  /// Why a covariate profile cannot be coded.
  public enum ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Covariates without a value.
    case missing([String])
    /// A text covariate's value is not one of its levels.
    case unknownLevel(covariate: String, value: String, levels: [String])
    /// A numeric covariate's value is not a finite number.
    case notNumeric(covariate: String, value: String)
    /// A transformed or interaction term: a profile gives plain columns only.
    case derivedTerm(String)

    public var description: String {
      switch self {
      case .missing(let names): "a value is needed for every covariate; missing \(names.joined(separator: ", "))"
      case .unknownLevel(let c, let v, let levels): "\(c)=\(v): no such level (levels: \(levels.joined(separator: ", ")))"
      case .notNumeric(let c, let v): "\(c)=\(v): \(c) is numeric"
      case .derivedTerm(let t): "the model has the term \(t): predictions are for models of plain columns"
      }
    }
  }

  /// The design-column values of a covariate profile given as covariate → value (a level for a
  /// text covariate, coded by the same treatment contrasts as the fit; a number otherwise): for
  /// the design columns `columns` when given (a fit's columns, aliased ones left out), else for
  /// every column of `terms` in order.
  /// - Throws: ``ProfileError`` for a missing covariate, an unknown level, a non-number or a
  ///   transformed or interaction term.
  public static func profile(_ values: [String: String], terms: [CoxTerm], levels: Levels, columns: [String]? = nil)
    throws(ProfileError) -> [Double]
  {
    if let derived = terms.first(where: { $0.name.contains(":") || ($0.name.contains("(") && values[$0.name] == nil) }) {
      throw .derivedTerm(derived.name)
    }
    let missing = terms.map(\.name).filter { values[$0] == nil }
    guard missing.isEmpty else { throw .missing(missing) }
    var named: [(String, Double)] = []
    for term in terms {
      let v = values[term.name] ?? ""
      if let lv = levels[term.name] {
        guard lv.contains(v) else { throw .unknownLevel(covariate: term.name, value: v, levels: lv) }
        for level in lv.dropFirst() { named.append((term.name + level, level == v ? 1 : 0)) }
      } else {
        guard let d = Double(v), d.isFinite else { throw .notNumeric(covariate: term.name, value: v) }
        named.append((term.name, d))
      }
    }
    guard let columns else { return named.map(\.1) }
    let byName = Dictionary(named, uniquingKeysWith: { a, _ in a })
    var out: [Double] = []
    for c in columns {
      guard let v = byName[c] else { throw .derivedTerm(c) }
      out.append(v)
    }
    return out
  }
}
