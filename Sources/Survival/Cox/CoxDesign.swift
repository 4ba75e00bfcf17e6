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
      var c = covariates
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
    for name in request.covariates {
      let begin = names.count
      if let numbers = loaded.numbers(name) {
        // Beyond 1e150 the information matrix (sums of squares) overflows: refused, never fitted.
        if let bad = numbers.firstIndex(where: { $0.isFinite && abs($0) > 1e150 }) {
          let at = loaded.location(bad, name)
          throw InputError(
            .data, line: at.line, column: at.column,
            "\(name) '\(numberLabel(numbers[bad]))' is too large (at most 1e150 in magnitude; rescale the covariate)",
            record: loaded.table.format.isSAS)
        }
        if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
          let at = loaded.location(bad, name)
          throw InputError(
            .data, line: at.line, column: at.column, "\(name) '\(numberLabel(numbers[bad]))' is not finite",
            record: loaded.table.format.isSAS)
        }
        columns.append(numbers)
        names.append(name)
        if let r = request.reference[name] {
          throw InputError(.usage, line: 1, column: 1, "\(name)=\(r): \(name) is numeric, not a text covariate", subject: .reference)
        }
      } else if let (codes, all) = loaded.codes(name) {
        let present = Set(codes.filter { $0 >= 0 })
        var sorted = sortedGroupLabels(present.map { all[Int($0)] })
        if let r = request.reference[name] {
          guard let i = sorted.firstIndex(of: r) else {
            throw InputError(
              .usage, line: 1, column: 1,
              "\(name)=\(r): no such level (levels: \(sorted.joined(separator: ", ")))", subject: .reference)
          }
          sorted.remove(at: i)
          sorted.insert(r, at: 0)
        }
        levels[name] = sorted
        for level in sorted.dropFirst() {
          guard let c = all.firstIndex(of: level).map({ Int32($0) }) else { continue }
          columns.append(codes.map { $0 == c ? 1 : 0 })
          names.append(name + level)
        }
      }
      terms.append(CoxTerm(name: name, columns: begin..<names.count))
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

    public var description: String {
      switch self {
      case .missing(let names): "a value is needed for every covariate; missing \(names.joined(separator: ", "))"
      case .unknownLevel(let c, let v, let levels): "\(c)=\(v): no such level (levels: \(levels.joined(separator: ", ")))"
      case .notNumeric(let c, let v): "\(c)=\(v): \(c) is numeric"
      }
    }
  }

  /// The design-column values of a covariate profile given as covariate → value (a level for a
  /// text covariate, coded by the same treatment contrasts as the fit; a number otherwise), in the
  /// order of `terms`.
  /// - Throws: ``ProfileError`` for a missing covariate, an unknown level or a non-number.
  public static func profile(_ values: [String: String], terms: [CoxTerm], levels: Levels) throws(ProfileError) -> [Double] {
    let missing = terms.map(\.name).filter { values[$0] == nil }
    guard missing.isEmpty else { throw .missing(missing) }
    var out: [Double] = []
    for term in terms {
      let v = values[term.name] ?? ""
      if let lv = levels[term.name] {
        guard lv.contains(v) else { throw .unknownLevel(covariate: term.name, value: v, levels: lv) }
        for level in lv.dropFirst() { out.append(level == v ? 1 : 0) }
      } else {
        guard let d = Double(v), d.isFinite else { throw .notNumeric(covariate: term.name, value: v) }
        out.append(d)
      }
    }
    return out
  }
}
