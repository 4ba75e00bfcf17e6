import Foundation
import LinearAlgebra

/// Settings of a Cox fit. Defaults are R survival's `coxph.control`.
public struct CoxOptions: Sendable, Equatable {
  /// Tie handling (default Efron, as R).
  public var ties: CoxTies
  /// Newton–Raphson stops when |1 − ℓ_old/ℓ_new| ≤ epsilon (R `eps`, 1e-9).
  public var epsilon: Double
  /// At most this many iterations (R `iter.max`, 20).
  public var maxIterations: Int
  /// Confidence level for hazard-ratio intervals.
  public var confidenceLevel: Double

  /// Options with R's defaults.
  public init(
    ties: CoxTies = .efron, epsilon: Double = 1e-9, maxIterations: Int = 20,
    confidenceLevel: Double = 0.95
  ) {
    self.ties = ties
    self.epsilon = epsilon
    self.maxIterations = maxIterations
    self.confidenceLevel = confidenceLevel
  }

  /// Checks each setting against its range.
  /// - Throws: ``CoxOptionsError`` naming the setting and its value.
  public func validate() throws(CoxOptionsError) {
    guard confidenceLevel > 0 && confidenceLevel < 1 else { throw .confidenceLevel(confidenceLevel) }
    guard maxIterations >= 1 else { throw .maxIterations(maxIterations) }
    guard epsilon > 0 && epsilon < 1 else { throw .epsilon(epsilon) }
  }
}

/// A Cox setting out of its range.
public enum CoxOptionsError: Error, Equatable, Sendable {
  /// The confidence level must lie strictly between 0 and 1.
  case confidenceLevel(Double)
  /// At least one iteration.
  case maxIterations(Int)
  /// The convergence tolerance must lie strictly between 0 and 1.
  case epsilon(Double)
}

/// A global test of the model: statistic, degrees of freedom and p-value.
public struct ChiSquareTest: Sendable, Equatable {
  /// The statistic.
  public let statistic: Double
  /// Degrees of freedom.
  public let df: Int
  /// P(χ²_df ≥ statistic).
  public let p: Double

  init(_ statistic: Double, df: Int) {
    self.statistic = statistic
    self.df = df
    p = ChiSquare.upperTail(statistic, df: df)
  }
}

/// A fitted Cox proportional-hazards model (Cox 1972, JRSS B 34:187–220), as R survival's `coxph`
/// fits it: Newton–Raphson from β = 0 on the log partial likelihood (Efron or Breslow ties, strata,
/// case weights, (start, stop] data), step-halving when the likelihood falls, stopping when the
/// relative change in log-likelihood is below ε; the variance is the inverse information at β̂.
///
/// Reports the likelihood-ratio, Wald and score (at β = 0) tests. When the likelihood keeps rising
/// as a coefficient runs to ±∞ (monotone likelihood: for example a group without events), the
/// columns concerned are listed in ``infiniteCoefficients`` with R's criterion, instead of
/// presenting a huge number as an estimate.
public struct CoxModel: Sendable {
  /// The options used.
  public let options: CoxOptions
  /// Column names.
  public let columnNames: [String]
  /// Terms.
  public let terms: [CoxTerm]
  /// β̂.
  public let coefficients: [Double]
  /// The model-based variance, I(β̂)⁻¹.
  public let variance: Matrix
  /// Log partial likelihood at β = 0.
  public let loglikNull: Double
  /// Log partial likelihood at β̂.
  public let loglik: Double
  /// The score test at β = 0 (equal to the log-rank test for one binary covariate and exact ties).
  public let scoreTest: ChiSquareTest
  /// The likelihood-ratio test, 2(ℓ(β̂) − ℓ(0)).
  public let likelihoodRatioTest: ChiSquareTest
  /// The Wald test, β̂ᵀ I(β̂) β̂.
  public let waldTest: ChiSquareTest
  /// Newton–Raphson iterations used.
  public let iterations: Int
  /// Whether the iteration converged.
  public let converged: Bool
  /// Columns whose coefficient may be infinite (monotone likelihood).
  public let infiniteCoefficients: [String]
  /// Number of rows and events used.
  public let n: Int
  /// Number of events.
  public let events: Int
  /// The weighted means the covariates were centred at (R `means`).
  public let means: [Double]
  /// The data the model was fitted to: residuals, concordance, profile intervals, prediction and
  /// the robust tests are computed from them, so that they always describe this fit. Aliased
  /// columns are not in them.
  public let data: CoxData
  /// Design columns left out of the fit because they carry no information of their own (R's NA
  /// coefficients), in design order.
  public private(set) var aliased: [AliasedColumn] = []

  /// Fits the model to `data`. A column aliased at β = 0 (constant, constant within strata,
  /// without information at the event times, or a linear combination of the columns before it)
  /// is left out and listed in ``aliased``, as R's `coxph` reports it as NA: the other
  /// coefficients are those of the model without it.
  /// - Throws: ``CoxError`` (no events, no covariates, every column aliased).
  public init(data: CoxData, options: CoxOptions = CoxOptions()) throws(CoxError) {
    guard data.columns > 0 else { throw .noCovariates }
    guard data.event.contains(true) else { throw .noEvents }
    let kernel = CoxLikelihood(data: data, ties: options.ties)
    let evaluate = try Self.evaluator(data: data, ties: options.ties, kernel: kernel)
    let start = evaluate([Double](repeating: 0, count: data.columns))
    // A column constant within every stratum has no information whatever round-off leaves in I(0).
    let p = data.columns
    let constant = (0..<p).map { Self.constancy(data, column: $0) }
    let singular = Set(Self.aliasedColumns(start.information, p: p)).union((0..<p).filter { constant[$0] != nil }).sorted()
    guard !singular.isEmpty else {
      try self.init(fitting: data, options: options, kernel: kernel, evaluate: evaluate, start: start)
      return
    }
    // A varying column whose own information is (relatively) nil carries nothing at the event
    // times; any other zero pivot is a combination of the columns before it.
    let largest = (0..<p).map { start.information[$0 * p + $0] }.max() ?? 0
    let aliased = singular.map { j in
      let own = start.information[j * p + j]
      let reason = constant[j] ?? (own.isFinite && own < largest * pow(Double.ulpOfOne, 0.75) ? .noInformation : .linearCombination)
      return AliasedColumn(index: j, name: data.columnNames[j], reason: reason)
    }
    guard singular.count < data.columns else { throw .allAliased(aliased.map(\.description)) }
    let reduced = data.removingColumns(Set(singular))
    let reducedKernel = CoxLikelihood(data: reduced, ties: options.ties)
    let reducedEvaluate = try Self.evaluator(data: reduced, ties: options.ties, kernel: reducedKernel)
    try self.init(
      fitting: reduced, options: options, kernel: reducedKernel, evaluate: reducedEvaluate,
      start: reducedEvaluate([Double](repeating: 0, count: reduced.columns)))
    self.aliased = aliased
  }

  private init(
    fitting data: CoxData, options: CoxOptions, kernel: CoxLikelihood, evaluate: ([Double]) -> CoxLikelihood.Value,
    start: CoxLikelihood.Value
  ) throws(CoxError) {
    let p = data.columns
    self.options = options
    self.data = data
    columnNames = data.columnNames
    terms = data.terms
    n = data.count
    events = data.event.reduce(0) { $1 ? $0 + 1 : $0 }
    means = kernel.means

    var beta = [Double](repeating: 0, count: p)
    var current = start
    loglikNull = current.loglik
    // The aliased columns are out (R's rule, in the public initializer); a model R fits is
    // fitted, however ill-conditioned, and a singular factorization below is reported as such.
    let info0 = try Self.matrix(current.information, p)
    let step0: [Double]
    do {
      step0 = try Cholesky(info0).solve(current.score)
    } catch {
      throw .singularInformation
    }
    var score = 0.0
    for j in 0..<p { score += current.score[j] * step0[j] }
    scoreTest = ChiSquareTest(score, df: p)

    // Newton–Raphson with step-halving (R's coxfit6).
    var newBeta = zip(beta, step0).map { $0 + $1 }
    var halving = false
    var iterations = 0
    var converged = false
    var lastScore = current.score
    var lastInformation = current.information
    for iteration in 1...max(1, options.maxIterations) {
      iterations = iteration
      let trial = evaluate(newBeta)
      let finite = trial.loglik.isFinite && trial.score.allSatisfy(\.isFinite)
      if finite && !halving && abs(1 - current.loglik / trial.loglik) <= options.epsilon {
        beta = newBeta
        current = trial
        lastScore = trial.score
        lastInformation = trial.information
        converged = true
        break
      }
      if iteration == options.maxIterations { break }
      if !finite || trial.loglik < current.loglik {
        halving = true
        for j in 0..<p { newBeta[j] = (newBeta[j] + beta[j]) / 2 }
      } else {
        halving = false
        current = trial
        beta = newBeta
        lastScore = trial.score
        lastInformation = trial.information
        let step: [Double]
        do {
          step = try Cholesky(try Self.matrix(trial.information, p)).solve(trial.score)
        } catch {
          break
        }
        for j in 0..<p { newBeta[j] = beta[j] + step[j] }
      }
    }
    self.iterations = iterations
    self.converged = converged
    coefficients = beta
    loglik = current.loglik
    let information = try Self.matrix(lastInformation, p)
    do {
      variance = try Cholesky(information).inverse()
    } catch {
      throw .singularInformation
    }
    likelihoodRatioTest = ChiSquareTest(2 * (loglik - loglikNull), df: p)
    var wald = 0.0
    for j in 0..<p { for k in 0..<p { wald += beta[j] * information[j, k] * beta[k] } }
    waldTest = ChiSquareTest(wald, df: p)
    // R's check for infinite coefficients: |U·V| large against eps and against sqrt(eps)·|β|.
    var flagged: [String] = []
    for j in 0..<p {
      var uv = 0.0
      for k in 0..<p { uv += lastScore[k] * variance[k, j] }
      if abs(uv) > options.epsilon && abs(uv) > options.epsilon.squareRoot() * abs(beta[j]) {
        flagged.append(data.columnNames[j])
      }
    }
    infiniteCoefficients = converged ? flagged : []
  }

  /// The function that evaluates the log partial likelihood, score and information for the
  /// chosen ties: the Efron/Breslow kernel, or the exact partial likelihood.
  static func evaluator(data: CoxData, ties: CoxTies, kernel: CoxLikelihood) throws(CoxError)
    -> ([Double]) -> CoxLikelihood.Value
  {
    if ties == .exact {
      let exact = try CoxExactLikelihood(data: data)
      return { exact.evaluate($0) }
    }
    return { kernel.evaluate($0) }
  }

  static func matrix(_ rowMajor: [Double], _ p: Int) throws(CoxError) -> Matrix {
    do {
      return try Matrix(rows: p, columns: p, columnMajor: rowMajor)  // symmetric
    } catch {
      throw .invalidData("internal: information matrix of the wrong size")
    }
  }



  /// Refuses constant columns and exact linear combinations, naming them: the centred
  /// cross-product matrix must have full rank (pivoted Cholesky, relative tolerance 1e-9).
  static func checkCollinearity(_ kernel: CoxLikelihood) throws(CoxError) {
    let p = kernel.p
    let gram = GramAccumulator(columns: p)
    kernel.xs.withUnsafeBufferPointer { xs in
      guard let base = xs.baseAddress else { return }
      for k in 0..<kernel.n { gram.add(base + k * p, scale: kernel.w[kernel.order[k]].squareRoot()) }
    }
    let g = gram.result()
    var cross = Matrix.zeros(p, p)
    for j in 0..<p { for k in 0..<p { cross[j, k] = g[j * p + k] } }
    // Scale to a correlation-like matrix so the tolerance is relative.
    var scale = [Double](repeating: 1, count: p)
    var constant: [String] = []
    for j in 0..<p {
      if cross[j, j] <= 0 { constant.append(kernel.data.columnNames[j]) } else { scale[j] = cross[j, j].squareRoot() }
    }
    if !constant.isEmpty { throw .collinear(constant) }
    for j in 0..<p { for k in 0...j { cross[j, k] /= scale[j] * scale[k]; cross[k, j] = cross[j, k] } }
    guard let chol = try? PivotedCholesky(cross, tolerance: 1e-9), chol.rank < p else { return }
    let dependent = chol.permutation[chol.rank...].sorted().map { kernel.data.columnNames[$0] }
    throw .collinear(dependent)
  }

  /// The columns R's `coxph` would report as NA: the zero pivots of the Cholesky factorization
  /// of the information at β = 0 taken in column order, a pivot counting as zero below
  /// ε^¾ times the largest diagonal element (R's `cholesky2` with `toler.chol`).
  static func aliasedColumns(_ info: [Double], p: Int) -> [Int] {
    var m = info
    let largest = (0..<p).map { m[$0 * p + $0] }.max() ?? 0
    let toler = pow(Double.ulpOfOne, 0.75)
    let eps = largest > 0 ? largest * toler : toler
    var singular: [Int] = []
    for i in 0..<p {
      let pivot = m[i * p + i]
      guard pivot.isFinite, pivot >= eps else {
        singular.append(i)
        for j in 0..<p { m[j * p + i] = 0; m[i * p + j] = 0 }
        continue
      }
      for j in stride(from: i + 1, to: p, by: 1) {
        let t = m[j * p + i] / pivot
        m[j * p + j] -= t * t * pivot
        for k in stride(from: j + 1, to: p, by: 1) { m[k * p + j] -= t * m[k * p + i] }
        m[j * p + i] = t
      }
    }
    return singular
  }

  /// Whether column `j` is constant, or constant within every stratum (nil: it varies within a
  /// stratum).
  static func constancy(_ data: CoxData, column j: Int) -> AliasedColumn.Reason? {
    let n = data.count
    var first = [Double?](repeating: nil, count: data.strataLabels.count)
    var withinConstant = true
    var overall: Double?
    var overallConstant = true
    for i in 0..<n {
      let v = data.x[i, j]
      let s = data.strata[i]
      if let f = first[s] { if f != v { withinConstant = false } } else { first[s] = v }
      if let o = overall { if o != v { overallConstant = false } } else { overall = v }
      if !withinConstant && !overallConstant { break }
    }
    if overallConstant { return .constant }
    if withinConstant { return .constantWithinStrata }
    return nil
  }

  /// Standard errors of the coefficients.
  public var standardErrors: [Double] { (0..<coefficients.count).map { variance[$0, $0].squareRoot() } }
}
