import Foundation

/// The osstats release.
public enum OSStatsVersion {
  /// This release's version, recorded in every output.
  public static let current = "0.1.0"
}

/// A data file read once, for a pipeline: Kaplan–Meier, log-rank and Cox by column names.
///
/// ```swift
/// let lung = try SurvivalTable(path: "Datasets/lung.csv")
/// let km = try lung.kaplanMeier(group: "sex")
/// let cox = try lung.cox(covariates: ["sex", "age", "ph.ecog"])
/// for c in cox.coefficientTable { print(c.term, c.hazardRatio, c.lower ?? 0, c.upper ?? .infinity) }
/// ```
///
/// The bytes are read once (a regular file is memory-mapped) and hashed once; each analysis
/// parses the columns it names from them with the command line's rules (numbers correctly
/// rounded, a mistyped cell refused with its line and column, rows with a missing value excluded
/// and listed, ADaM ADTTE recognised). Time and event default to `time` and `status` (else
/// `event`), or AVAL and CNSR in an ADaM file, as on the command line.
public struct SurvivalTable: Sendable {
  /// The bytes.
  public let source: ByteSource
  /// The name used in messages and reports (the path, or `<stdin>`).
  public let name: String
  /// CSV, TSV, SAS transport or SAS7BDAT.
  public let format: DataTable.Format
  /// The field delimiter of delimited text.
  public let delimiter: UInt8
  /// The SHA-256 of the bytes, in hexadecimal.
  public let sha256: String

  /// Reads the file at `path` (the format from its extension unless given; CSV otherwise).
  /// - Throws: ``SurvivalTableError/unreadable(file:reason:)``.
  public init(path: String, format: DataTable.Format? = nil, delimiter: UInt8? = nil) throws(SurvivalTableError) {
    let source: ByteSource
    do {
      source = try ByteSource(path: path)
    } catch {
      throw .unreadable(file: path, reason: error.reason)
    }
    self.init(source: source, name: path, format: format ?? DataTable.Format.from(fileName: path) ?? .csv, delimiter: delimiter)
  }

  /// Reads the file at a file URL.
  /// - Throws: ``SurvivalTableError/unreadable(file:reason:)``, also for a URL that is not a file's.
  public init(url: URL, format: DataTable.Format? = nil, delimiter: UInt8? = nil) throws(SurvivalTableError) {
    guard url.isFileURL else { throw .unreadable(file: url.absoluteString, reason: "not a file URL (osstats reads no network)") }
    try self.init(path: url.path, format: format, delimiter: delimiter)
  }

  /// A table of bytes in memory.
  public init(bytes: [UInt8], name: String = "<bytes>", format: DataTable.Format = .csv, delimiter: UInt8? = nil) {
    self.init(source: ByteSource(bytes: bytes), name: name, format: format, delimiter: delimiter)
  }

  /// A table of `source`.
  public init(source: ByteSource, name: String, format: DataTable.Format, delimiter: UInt8? = nil) {
    self.source = source
    self.name = name
    self.format = format
    self.delimiter = delimiter ?? (format == .tsv ? 9 : UInt8(ascii: ","))
    sha256 = source.sha256
  }

  /// The survival data of the columns `spec` names, with the table kept for the other columns.
  /// - Throws: ``SurvivalTableError/input(file:_:)`` locating the first bad cell.
  public func load(_ spec: ColumnSpec) throws(SurvivalTableError) -> LoadedSurvivalData {
    do {
      return try SurvivalDataLoader.load(source, format: format, delimiter: delimiter, spec: spec)
    } catch {
      throw .input(file: name, error)
    }
  }

  /// Kaplan–Meier estimates per group (R's `survfit`), with medians, survival at `options.times`,
  /// RMST and median follow-up.
  /// - Throws: ``SurvivalTableError``.
  public func kaplanMeier(
    time: String? = nil, event: String? = nil, group: String? = nil, options: KaplanMeierOptions = KaplanMeierOptions()
  ) throws(SurvivalTableError) -> KaplanMeierAnalysis {
    let loaded = try load(ColumnSpec(time: time, event: event, group: group, noGroup: group == nil))
    do {
      return try KaplanMeierAnalysis(data: loaded.data, options: options)
    } catch {
      throw .kaplanMeier(error)
    }
  }

  /// The k-sample log-rank test (R's `survdiff`), stratified by `strata`, with `weights`.
  /// - Throws: ``SurvivalTableError``.
  public func logRank(
    time: String? = nil, event: String? = nil, group: String, strata: [String] = [], weights: LogRankWeights = .logRank
  ) throws(SurvivalTableError) -> LogRankTest {
    let loaded = try load(ColumnSpec(time: time, event: event, group: group, strata: strata))
    do {
      return try LogRankTest(data: loaded.data, weights: weights)
    } catch {
      throw .logRank(error)
    }
  }

  /// The Cox proportional-hazards model (R's `coxph`) of `covariates` (numeric columns as they
  /// are, text columns as treatment contrasts against their first level in sorted order, or the
  /// level of `reference`), stratified by `strata`, with optional entry times, case weights and
  /// clusters. Times equal up to round-off are merged, as R does.
  /// - Throws: ``SurvivalTableError``.
  public func cox(
    time: String? = nil, event: String? = nil, covariates: [String], strata: [String] = [], reference: [String: String] = [:],
    start: String? = nil, weights: String? = nil, cluster: String? = nil, options: CoxOptions = CoxOptions()
  ) throws(SurvivalTableError) -> CoxModel {
    let request = CoxDesign.Request(covariates: covariates, reference: reference, start: start, weights: weights, cluster: cluster)
    var spec = ColumnSpec(time: time, event: event, noGroup: true, strata: strata)
    spec.extra = request.columns
    let loaded = try load(spec)
    let data: CoxData
    do {
      data = try CoxDesign.build(loaded, request).0.fixingTimes()
    } catch {
      throw .input(file: name, error)
    }
    do {
      return try CoxModel(data: data, options: options)
    } catch {
      throw .cox(error)
    }
  }
}

/// Why a pipeline step failed, as one line (`lung.csv:12:3: time 'x' is not a number`).
public enum SurvivalTableError: Error, Sendable, CustomStringConvertible {
  /// The file cannot be read.
  case unreadable(file: String, reason: String)
  /// A column is missing or a cell is bad.
  case input(file: String, InputError)
  /// The Kaplan–Meier options are out of range.
  case kaplanMeier(KaplanMeierOptionsError)
  /// The groups cannot be compared.
  case logRank(LogRankError)
  /// The model cannot be fitted.
  case cox(CoxError)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot open: \(reason)"
    case .input(let file, let e):
      e.record
        ? (e.line > 0 ? "\(file): record \(e.line): \(e.message)" : "\(file): \(e.message)")
        : "\(file):\(e.line):\(e.column): \(e.message)"
    case .kaplanMeier(let e): "\(e)"
    case .logRank(let e): e.message
    case .cox(let e): e.message
    }
  }
}
