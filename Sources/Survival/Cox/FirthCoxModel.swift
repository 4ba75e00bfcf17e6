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
  /// The data the model was fitted to (for the profile intervals).
  public let data: CoxData

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
    self.data = data
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
  public func profileInterval(column j: Int, level: Double = 0.95) -> (
    lower: Double?, upper: Double?
  ) {
    let firth = FirthKernel(CoxLikelihood(data: data, ties: .breslow))
    let q = Normal.criticalValue(level: level)
    let threshold = q * q
    let p = coefficients.count
    let free = (0..<p).filter { $0 != j }
    // Each profile fit starts from the previous one on the same side of the estimate (the search
    // moves outwards in small steps), which saves most Newton iterations.
    var below = coefficients
    var above = coefficients
    func deficit(_ b: Double) -> Double {
      var start = b < coefficients[j] ? below : above
      start[j] = b
      let fit = Self.maximize(firth, start: start, free: free, maxIterations: 100)
      guard let value = fit.penalized else { return .nan }
      if b < coefficients[j] { below = fit.beta } else { above = fit.beta }
      return 2 * (penalizedLoglik - value) - threshold
    }
    return ProfileSearch.limits(estimate: coefficients[j], scale: standardErrors[j], deficit: deficit)
  }

  /// Newton–Raphson on the coordinates `free` (the others fixed at `start`), with I as the
  /// curvature and step-halving on ℓ*.
  static func maximize(_ firth: FirthKernel, start: [Double], free: [Int], maxIterations: Int) -> (
    beta: [Double], iterations: Int, converged: Bool, penalized: Double?
  ) {
    var beta = start
    guard var current = firth.evaluate(beta) else { return (beta, 0, false, nil) }
    guard !free.isEmpty else { return (beta, 0, true, current.penalized) }
    let p = beta.count
    for iteration in 1...max(1, maxIterations) {
      var sub = Matrix.zeros(free.count, free.count)
      for (a, r) in free.enumerated() {
        for (b, c) in free.enumerated() { sub[a, b] = current.information[r * p + c] }
      }
      guard let step = try? Cholesky(sub).solve(free.map { current.modifiedScore[$0] }) else {
        return (beta, iteration, false, current.penalized)
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
      if !accepted || size < 1e-10 { return (beta, iteration, accepted, current.penalized) }
    }
    return (beta, maxIterations, false, current.penalized)
  }
}

/// ℓ, ℓ*, the score, the modified score and the information for Breslow ties, in two passes over
/// the risk sets of each stratum, each O(n·p²) (sparse rows, such as the indicators of a factor,
/// cost only their nonzero entries).
///
/// Firth's modified score is U_r + ½ tr(I⁻¹ ∂I/∂β_r). The derivative of the information at one
/// event time of death weight w is w·(S3[k,l,r]/S0 − S2[k,l]/S0·a_r − v[k,r]·a_l − a_k·v[l,r]),
/// with a = S1/S0 and v = S2/S0 − a·aᵀ; contracted with I⁻¹ over (k, l) it is
/// w·(T_r/S0 − (Q/S0)·a_r − 2·(I⁻¹a)·v[·, r]), where Q = Σ risk_i·q_i and T_r = Σ risk_i·q_i·x_ir
/// over the risk set, q_i = x_iᵀ I⁻¹ x_i. So the first pass gives ℓ, U and I; the second, with
/// I⁻¹ known, accumulates Q and T (first-order sums) and never forms the p³ tensor S3.
struct FirthKernel {
  let base: CoxLikelihood
  /// The nonzero columns of each (sorted) row.
  let nonzero: [[Int]]

  init(_ base: CoxLikelihood) {
    self.base = base
    let p = base.p
    nonzero = (0..<base.n).map { k in (0..<p).filter { base.xs[k * p + $0] != 0 } }
  }

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

    var sums = RiskSums(p: p)
    var acc = Accumulators(p: p)
    var q = [Double](repeating: 0, count: n)

    /// One pass over every stratum's risk sets, calling `event` at each event time with the sums.
    func pass(second: Bool, _ event: (inout RiskSums, inout Accumulators, Double) -> Void) {
      for (s, range) in base.strata.enumerated() where !range.isEmpty {
        sums.reset()
        var next = range.lowerBound
        var out = 0
        let leaving = base.byStart[s]
        while next < range.upperBound {
          let t = base.sortedStop[next]
          var deathWeight = 0.0
          while next < range.upperBound && base.sortedStop[next] == t {
            sums.add(next, 1, risk: risk, xs: xs, columns: nonzero[next], q: second ? q : nil)
            if base.sortedEvent[next] {
              let w = base.sortedWeight[next]
              deathWeight += w
              if !second {
                acc.loglik += w * (eta[next] - top)
                for j in 0..<p { acc.u[j] += w * xs[next * p + j] }
              }
            }
            next += 1
          }
          if let start = base.data.start {
            while out < leaving.count && start[leaving[out]] >= t {
              let k = base.position[leaving[out]]
              sums.add(k, -1, risk: risk, xs: xs, columns: nonzero[k], q: second ? q : nil)
              out += 1
            }
          }
          if deathWeight > 0 { event(&sums, &acc, deathWeight) }
        }
      }
    }

    pass(second: false) { sums, acc, w in
      let s0 = sums.s0
      acc.loglik -= w * log(s0)
      for k in 0..<p { acc.a[k] = sums.s1[k] / s0 }
      for k in 0..<p {
        acc.u[k] -= w * acc.a[k]
        let ak = acc.a[k]
        for l in 0..<p { acc.info[k * p + l] += w * (sums.s2[k * p + l] / s0 - ak * acc.a[l]) }
      }
    }
    guard let m = try? Matrix(rows: p, columns: p, columnMajor: acc.info), let chol = try? Cholesky(m),
      let inv = try? chol.inverse()
    else { return nil }
    var inverse = [Double](repeating: 0, count: p * p)
    for k in 0..<p { for l in 0..<p { inverse[k * p + l] = inv[k, l] } }
    for i in 0..<n {
      let row = i * p
      var sum = 0.0
      for k in nonzero[i] {
        var inner = 0.0
        for l in nonzero[i] { inner += inverse[k * p + l] * xs[row + l] }
        sum += xs[row + k] * inner
      }
      q[i] = sum
    }
    pass(second: true) { sums, acc, w in
      let s0 = sums.s0
      for k in 0..<p { acc.a[k] = sums.s1[k] / s0 }
      for k in 0..<p {
        var x = 0.0
        for l in 0..<p { x += inverse[k * p + l] * acc.a[l] }
        acc.b[k] = x
      }
      // (I⁻¹a)·v[·, r] = Σ_k b_k S2[k, r]/S0 − (b·a)·a_r.
      var ba = 0.0
      for k in 0..<p { ba += acc.b[k] * acc.a[k] }
      for r in 0..<p { acc.bv[r] = -ba * acc.a[r] }
      for k in 0..<p {
        let bk = acc.b[k] / s0
        if bk == 0 { continue }
        for r in 0..<p { acc.bv[r] += bk * sums.s2[k * p + r] }
      }
      let qMean = sums.sq / s0
      for r in 0..<p { acc.trace[r] += w * (sums.t1[r] / s0 - qMean * acc.a[r] - 2 * acc.bv[r]) }
    }
    let loglik = acc.loglik
    let u = acc.u
    let trace = acc.trace
    let info = acc.info
    var modified = u
    for r in 0..<p { modified[r] += 0.5 * trace[r] }
    return Value(
      loglik: loglik, penalized: loglik + 0.5 * chol.logDeterminant, modifiedScore: modified, information: info)
  }
}

/// The risk-set sums S0, S1, S2 (and, in Firth's second pass, Q = Σ risk·q and T = Σ risk·q·x).
struct RiskSums {
  let p: Int
  var s0 = 0.0
  var sq = 0.0
  var s1: [Double]
  var s2: [Double]
  var t1: [Double]

  init(p: Int) {
    self.p = p
    s1 = [Double](repeating: 0, count: p)
    s2 = [Double](repeating: 0, count: p * p)
    t1 = [Double](repeating: 0, count: p)
  }

  mutating func reset() {
    s0 = 0
    sq = 0
    for i in s1.indices { s1[i] = 0 }
    for i in s2.indices { s2[i] = 0 }
    for i in t1.indices { t1[i] = 0 }
  }

  /// Adds (sign +1) or removes (−1) row k, touching only its nonzero `columns`.
  @inline(__always)
  mutating func add(_ k: Int, _ sign: Double, risk: [Double], xs: [Double], columns: [Int], q: [Double]?) {
    let r = sign * risk[k]
    let row = k * p
    s0 += r
    for a in columns {
      let ra = r * xs[row + a]
      s1[a] += ra
      for b in columns { s2[a * p + b] += ra * xs[row + b] }
    }
    if let q {
      let rq = r * q[k]
      sq += rq
      for a in columns { t1[a] += rq * xs[row + a] }
    }
  }
}

/// What Firth's passes accumulate, with their scratch vectors.
struct Accumulators {
  var loglik = 0.0
  var u: [Double]
  var info: [Double]
  var trace: [Double]
  var a: [Double]
  var b: [Double]
  var bv: [Double]

  init(p: Int) {
    u = [Double](repeating: 0, count: p)
    info = [Double](repeating: 0, count: p * p)
    trace = [Double](repeating: 0, count: p)
    a = u
    b = u
    bv = u
  }
}
