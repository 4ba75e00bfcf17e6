import LinearAlgebra

/// One term of a Cox model: a covariate and the columns of the design matrix it occupies (one for
/// a numeric covariate, one per non-reference level for a categorical one).
public struct CoxTerm: Sendable, Equatable {
  /// The covariate's name (`x`, `celltype`).
  public let name: String
  /// Its columns in the design matrix.
  public let columns: Range<Int>

  /// A term.
  public init(name: String, columns: Range<Int>) {
    self.name = name
    self.columns = columns
  }
}

/// The data of a Cox model: follow-up as (start, stop] intervals (start 0 unless given), events,
/// the n×p design matrix, optional case weights, strata and clusters.
public struct CoxData: Sendable {
  /// Entry time of each interval (delayed entry, time-varying covariates); `nil` means 0.
  public let start: [Double]?
  /// Exit time of each interval.
  public let stop: [Double]
  /// Whether the interval ends in an event.
  public let event: [Bool]
  /// The design matrix, n×p, column-major.
  public let x: Matrix
  /// Column names, as R names them (`xNonmaintained`, `age`).
  public let columnNames: [String]
  /// Terms, grouping the columns.
  public let terms: [CoxTerm]
  /// Case weights (`nil`: all 1).
  public let weights: [Double]?
  /// Stratum of each row (all 0 when unstratified).
  public let strata: [Int]
  /// Strata names.
  public let strataLabels: [String]
  /// Cluster of each row, for the robust variance (`nil`: each row its own cluster).
  public let cluster: [Int]?
  /// The levels of each text covariate, reference first (set by ``CoxDesign``), so that a
  /// covariate profile can be given by level (``CoxDesign/profile(_:terms:levels:)``).
  public var levels: [String: [String]] = [:]

  /// Data for a Cox model.
  /// - Throws: ``CoxError/invalidData(_:)`` when shapes disagree or values are invalid
  ///   (negative or non-finite times, start ≥ stop, non-positive or non-finite weights).
  public init(
    start: [Double]? = nil, stop: [Double], event: [Bool], x: Matrix, columnNames: [String],
    terms: [CoxTerm]? = nil, weights: [Double]? = nil, strata: [Int]? = nil,
    strataLabels: [String] = ["all"], cluster: [Int]? = nil
  ) throws(CoxError) {
    let n = stop.count
    guard event.count == n, x.rows == n, columnNames.count == x.columns else {
      throw .invalidData("the time, event and covariate arrays have different lengths")
    }
    if let start {
      guard start.count == n else { throw .invalidData("start and stop differ in length") }
      for i in 0..<n where !(start[i].isFinite && start[i] < stop[i]) {
        throw .invalidData("row \(i + 1): start \(start[i]) is not before stop \(stop[i])")
      }
    }
    for i in 0..<n where !stop[i].isFinite || (start == nil && stop[i] < 0) {
      throw .invalidData("row \(i + 1): invalid time \(stop[i])")
    }
    if let weights {
      guard weights.count == n else { throw .invalidData("weights differ in length") }
      for i in 0..<n where !(weights[i].isFinite && weights[i] > 0) {
        throw .invalidData("row \(i + 1): weight \(weights[i]) is not positive")
      }
    }
    if let s = strata, s.count != n { throw .invalidData("strata differ in length") }
    if let c = cluster, c.count != n { throw .invalidData("clusters differ in length") }
    for v in x.elements where !v.isFinite { throw .invalidData("a covariate value is not finite") }
    self.start = start
    self.stop = stop
    self.event = event
    self.x = x
    self.columnNames = columnNames
    self.terms = terms ?? columnNames.enumerated().map { CoxTerm(name: $1, columns: $0..<($0 + 1)) }
    self.weights = weights
    self.strata = strata ?? [Int](repeating: 0, count: n)
    self.strataLabels = strataLabels
    self.cluster = cluster
  }

  /// Number of rows.
  public var count: Int { stop.count }
  /// Number of columns of the design.
  public var columns: Int { x.columns }
}

/// Why a Cox model cannot be fitted.
public enum CoxError: Error, Equatable, Sendable {
  /// Inconsistent or invalid input arrays.
  case invalidData(String)
  /// No events.
  case noEvents
  /// No covariates.
  case noCovariates
  /// Columns that are constant or exact linear combinations of others (named).
  case collinear([String])
  /// The information matrix could not be factored at the estimate.
  case singularInformation
  /// Columns with no information at β = 0 although the design is not collinear (too few events,
  /// or no variation among the subjects at risk at the event times).
  case noInformation([String])
  /// Every covariate column is aliased (each named with why): nothing is left to fit.
  case allAliased([String])

  /// The columns an error names.
  var columns: [String] {
    switch self {
    case .collinear(let c), .noInformation(let c): return c
    default: return []
    }
  }

  /// One sentence for the user.
  public var message: String {
    switch self {
    case .invalidData(let s): return s
    case .noEvents: return "there are no events, so a Cox model cannot be fitted"
    case .noCovariates: return "no covariates"
    case .collinear(let names):
      return "covariate column\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) \(names.count == 1 ? "is" : "are") constant or a linear combination of the others; remove \(names.count == 1 ? "it" : "them")"
    case .singularInformation: return "the information matrix is singular at the estimate"
    case .allAliased(let names): return "every covariate is aliased (\(names.joined(separator: "; "))): nothing is left to fit"
    case .noInformation(let names):
      return "covariate column\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) carr\(names.count == 1 ? "ies" : "y") no information in the risk sets at the event times (too few events, or no variation among the subjects at risk)"
    }
  }
}

extension CoxData {
  /// The same data with times equal up to round-off merged, as R's `timefix` (start and stop
  /// together).
  public func fixingTimes() -> CoxData {
    let all = (start ?? []) + stop
    let fixed = TimeFix.apply(all)
    guard fixed.changed > 0 else { return self }
    let newStart = start.map { _ in Array(fixed.times[0..<stop.count]) }
    let newStop = Array(fixed.times[(start == nil ? 0 : stop.count)...])
    guard
      var out = try? CoxData(
        start: newStart, stop: newStop, event: event, x: x, columnNames: columnNames, terms: terms,
        weights: weights, strata: strata, strataLabels: strataLabels, cluster: cluster)
    else { return self }
    out.levels = levels
    return out
  }
}

/// A design column left out of a Cox fit because it adds no information (R's NA coefficient).
public struct AliasedColumn: Sendable, Equatable, CustomStringConvertible {
  /// Why a column is aliased.
  public enum Reason: String, Sendable, Equatable {
    case constant = "constant"
    case constantWithinStrata = "constant within strata"
    case noInformation = "no information at the event times"
    case linearCombination = "a linear combination of the others"
  }
  /// Its position in the design (the columns asked for).
  public let index: Int
  /// Its name.
  public let name: String
  /// Why.
  public let reason: Reason

  /// "sex (constant within strata)".
  public var description: String { "\(name) (\(reason.rawValue))" }
}

extension CoxData {
  /// The same data without the design columns `removed`; a term keeps its other columns, and one
  /// left with none is dropped.
  public func removingColumns(_ removed: Set<Int>) -> CoxData {
    let kept = (0..<columns).filter { !removed.contains($0) }
    let n = count
    var flat = [Double](repeating: 0, count: n * kept.count)
    for (k, j) in kept.enumerated() { for i in 0..<n { flat[k * n + i] = x[i, j] } }
    var newIndex = [Int: Int]()
    for (k, j) in kept.enumerated() { newIndex[j] = k }
    var newTerms: [CoxTerm] = []
    for term in terms {
      let cols = term.columns.compactMap { newIndex[$0] }
      if let lo = cols.first, let hi = cols.last { newTerms.append(CoxTerm(name: term.name, columns: lo..<(hi + 1))) }
    }
    guard let matrix = try? Matrix(rows: n, columns: kept.count, columnMajor: flat),
      var out = try? CoxData(
        start: start, stop: stop, event: event, x: matrix, columnNames: kept.map { columnNames[$0] }, terms: newTerms,
        weights: weights, strata: strata, strataLabels: strataLabels, cluster: cluster)
    else { return self }
    out.levels = levels
    return out
  }
}
