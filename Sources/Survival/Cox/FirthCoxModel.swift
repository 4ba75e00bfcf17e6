import Foundation
import LinearAlgebra

/// Firth's penalized partial likelihood for the Cox model (Firth 1993, Biometrika 80:27–38;
/// Heinze & Schemper 2001, Statistics in Medicine 21:2409–2419): ℓ*(β) = ℓ(β) + ½ log det I(β).
/// The penalty (Jeffreys' prior) removes the first-order bias of β̂ and keeps the estimate finite
/// under monotone likelihood (a group without events, separation), where the ordinary estimate runs
/// to infinity: the remedy for small trials.
///
/// Breslow ties, as coxphf (Heinze's R package) uses; strata, case weights and (start, stop] data
/// are supported. The modified score is U*ᵣ = Uᵣ + ½ tr(I⁻¹ ∂I/∂βᵣ), computed exactly from the
/// third-order risk-set sums S3 (O(n p³) per evaluation), and the estimate is found by
/// Newton–Raphson with I as the curvature and step-halving on ℓ*. Standard errors are those of
/// I(β̂)⁻¹ (as coxphf); confidence limits come from the profile penalized likelihood
/// (Heinze & Schemper 2001), which is what makes inference reliable here.
public struct FirthCoxModel: Sendable {
  /// Column names.
  public let columnNames: [String]
  /// The penalized estimate.
  public let coefficients: [Double]
  /// I(β̂)⁻¹ (unpenalized information at the penalized estimate).
  public let variance: Matrix
  /// ℓ*(β̂).
  public let penalizedLoglik: Double
  /// ℓ*(0).
  public let penalizedLoglikNull: Double
  /// ℓ(β̂), the unpenalized log partial likelihood at the penalized estimate.
  public let loglik: Double
  /// Newton iterations.
  public let iterations: Int
  /// Whether the iteration converged (step below 1e-10 relative).
  public let converged: Bool
  /// Rows and events.
  public let n: Int
  /// Number of events.
  public let events: Int

  /// Fits the penalized model.
  /// - Throws: ``CoxError``.
  public init(data: CoxData, maxIterations: Int = 100) throws(CoxError) {
    guard data.columns > 0 else { throw .noCovariates }
    guard data.event.contains(true) else { throw .noEvents }
    let kernel = CoxLikelihood(data: data, ties: .breslow)
    try CoxModel.checkCollinearity(kernel)
    let p = data.columns
    let firth = FirthKernel(kernel)
    guard let start = firth.evaluate([Double](repeating: 0, count: p)) else { throw .singularInformation }
    penalizedLoglikNull = start.penalized
    let fit = Self.maximize(firth, start: [Double](repeating: 0, count: p), free: Array(0..<p), maxIterations: maxIterations)
    guard let last = firth.evaluate(fit.beta) else { throw .singularInformation }
    columnNames = data.columnNames
    coefficients = fit.beta
    penalizedLoglik = last.penalized
    loglik = last.loglik
    iterations = fit.iterations
    converged = fit.converged
    n = data.count
    events = data.event.filter { $0 }.count
    guard let info = try? Matrix(rows: p, columns: p, columnMajor: last.information),
      let v = try? Cholesky(info).inverse()
    else { throw .singularInformation }
    variance = v
  }

  /// Standard errors from I(β̂)⁻¹.
  public var standardErrors: [Double] { coefficients.indices.map { variance[$0, $0].squareRoot() } }

  /// The penalized likelihood-ratio test of all coefficients, 2(ℓ*(β̂) − ℓ*(0)).
  public var likelihoodRatioTest: ChiSquareTest {
    ChiSquareTest(2 * (penalizedLoglik - penalizedLoglikNull), df: coefficients.count)
  }

  /// Profile penalized-likelihood limits for `column`: where 2(ℓ*(β̂) − max ℓ* with β_column = b)
  /// equals the χ²₁ quantile at `level`; nil where the profile never falls that far.
  public func profileInterval(_ data: CoxData, column j: Int, level: Double = 0.95) -> (
    lower: Double?, upper: Double?
  ) {
    let firth = FirthKernel(CoxLikelihood(data: data, ties: .breslow))
    let q = Normal.criticalValue(level: level)
    let threshold = q * q
    let p = coefficients.count
    let free = (0..<p).filter { $0 != j }
    func deficit(_ b: Double) -> Double {
      var start = coefficients
      start[j] = b
      let fit = Self.maximize(firth, start: start, free: free, maxIterations: 100)
      guard let value = firth.evaluate(fit.beta)?.penalized else { return .nan }
      return 2 * (penalizedLoglik - value) - threshold
    }
    return ProfileSearch.limits(estimate: coefficients[j], scale: standardErrors[j], deficit: deficit)
  }

  /// Newton–Raphson on the coordinates `free` (the others fixed at `start`), with I as the
  /// curvature and step-halving on ℓ*.
  static func maximize(_ firth: FirthKernel, start: [Double], free: [Int], maxIterations: Int) -> (
    beta: [Double], iterations: Int, converged: Bool
  ) {
    var beta = start
    guard !free.isEmpty, var current = firth.evaluate(beta) else { return (beta, 0, true) }
    let p = beta.count
    for iteration in 1...max(1, maxIterations) {
      var sub = Matrix.zeros(free.count, free.count)
      for (a, r) in free.enumerated() {
        for (b, c) in free.enumerated() { sub[a, b] = current.information[r * p + c] }
      }
      guard let step = try? Cholesky(sub).solve(free.map { current.modifiedScore[$0] }) else {
        return (beta, iteration, false)
      }
      var scale = 1.0
      var accepted = false
      for _ in 0..<40 {
        var trial = beta
        for (a, r) in free.enumerated() { trial[r] += scale * step[a] }
        if let next = firth.evaluate(trial), next.penalized >= current.penalized - 1e-13 * abs(current.penalized) {
          beta = trial
          current = next
          accepted = true
          break
        }
        scale /= 2
      }
      let size = zip(free, step).map { abs(scale * $1) / max(1, abs(beta[$0])) }.max() ?? 0
      if !accepted || size < 1e-10 { return (beta, iteration, accepted) }
    }
    return (beta, maxIterations, false)
  }
}

/// ℓ, ℓ*, the score, the modified score and the information for Breslow ties: one pass per
/// stratum with the risk-set sums S0…S3 (third order for ∂I/∂β).
struct FirthKernel {
  let base: CoxLikelihood

  init(_ base: CoxLikelihood) { self.base = base }

  struct Value {
    var loglik: Double
    var penalized: Double
    var modifiedScore: [Double]
    /// p×p, symmetric.
    var information: [Double]
  }

  func evaluate(_ beta: [Double]) -> Value? {
    let n = base.n
    let p = base.p
    let xs = base.xs
    var eta = [Double](repeating: 0, count: n)
    var top = -Double.infinity
    for k in 0..<n {
      var s = 0.0
      for j in 0..<p { s += xs[k * p + j] * beta[j] }
      eta[k] = s
      top = max(top, s)
    }
    if !top.isFinite { top = 0 }
    let risk = (0..<n).map { base.sortedWeight[$0] * exp(eta[$0] - top) }
    var loglik = 0.0
    var u = [Double](repeating: 0, count: p)
    var info = [Double](repeating: 0, count: p * p)
    var dInfo = [Double](repeating: 0, count: p * p * p)  // [r][k][l]
    var s1 = [Double](repeating: 0, count: p)
    var s2 = [Double](repeating: 0, count: p * p)
    var s3 = [Double](repeating: 0, count: p * p * p)
    func add(_ k: Int, _ sign: Double) {
      let r = sign * risk[k]
      let row = k * p
      for a in 0..<p {
        let ra = r * xs[row + a]
        s1[a] += ra
        for b in 0..<p {
          let rab = ra * xs[row + b]
          s2[a * p + b] += rab
          for c in 0..<p { s3[(a * p + b) * p + c] += rab * xs[row + c] }
        }
      }
    }
    for (s, range) in base.strata.enumerated() where !range.isEmpty {
      var s0 = 0.0
      for i in s1.indices { s1[i] = 0 }
      for i in s2.indices { s2[i] = 0 }
      for i in s3.indices { s3[i] = 0 }
      var next = range.lowerBound
      var out = 0
      let leaving = base.byStart[s]
      while next < range.upperBound {
        let t = base.sortedStop[next]
        var deathWeight = 0.0
        while next < range.upperBound && base.sortedStop[next] == t {
          s0 += risk[next]
          add(next, 1)
          if base.sortedEvent[next] {
            let w = base.sortedWeight[next]
            deathWeight += w
            loglik += w * (eta[next] - top)
            for j in 0..<p { u[j] += w * xs[next * p + j] }
          }
          next += 1
        }
        if let start = base.data.start {
          while out < leaving.count && start[leaving[out]] >= t {
            let k = base.position[leaving[out]]
            s0 -= risk[k]
            add(k, -1)
            out += 1
          }
        }
        guard deathWeight > 0 else { continue }
        loglik -= deathWeight * log(s0)
        let a = s1.map { $0 / s0 }
        var v = [Double](repeating: 0, count: p * p)
        for k in 0..<p {
          u[k] -= deathWeight * a[k]
          for l in 0..<p {
            v[k * p + l] = s2[k * p + l] / s0 - a[k] * a[l]
            info[k * p + l] += deathWeight * v[k * p + l]
          }
        }
        for r in 0..<p {
          for k in 0..<p {
            for l in 0..<p {
              let d = s3[(k * p + l) * p + r] / s0 - s2[k * p + l] / s0 * a[r] - v[k * p + r] * a[l] - a[k] * v[l * p + r]
              dInfo[(r * p + k) * p + l] += deathWeight * d
            }
          }
        }
      }
    }
    guard let m = try? Matrix(rows: p, columns: p, columnMajor: info), let chol = try? Cholesky(m),
      let inverse = try? chol.inverse()
    else { return nil }
    var modified = u
    for r in 0..<p {
      var trace = 0.0
      for k in 0..<p { for l in 0..<p { trace += inverse[k, l] * dInfo[(r * p + l) * p + k] } }
      modified[r] += 0.5 * trace
    }
    return Value(
      loglik: loglik, penalized: loglik + 0.5 * chol.logDeterminant, modifiedScore: modified, information: info)
  }
}
