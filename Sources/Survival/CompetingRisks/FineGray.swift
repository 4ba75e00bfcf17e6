import Foundation
import LinearAlgebra

/// Why a Fine–Gray model cannot be fitted.
public enum FineGrayError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No covariate was given.
  case noCovariates
  /// The number of names differs from the number of covariates.
  case nameCount(names: Int, covariates: Int)
  /// A covariate does not have one value per subject.
  case covariateLength(name: String, count: Int, subjects: Int)
  /// A covariate value is NaN or infinite (row counted from 1).
  case nonFiniteCovariate(name: String, row: Int)
  /// The cause asked for is not one of the data's causes.
  case invalidCause(Int, causeCount: Int)
  /// The data are split into strata, which this model does not have.
  case stratified(strata: Int)
  /// No subject ended by the cause of interest.
  case noEvents(cause: String)
  /// The information matrix cannot be factored (a constant covariate, covariates that are linear
  /// combinations of each other, or no variation among the subjects at risk).
  case singularInformation

  /// One sentence for the user.
  public var description: String {
    switch self {
    case .noCovariates:
      return "a Fine–Gray model needs at least one covariate"
    case .nameCount(let names, let covariates):
      return
        "\(names) covariate name\(names == 1 ? "" : "s") for \(covariates) covariate\(covariates == 1 ? "" : "s")"
    case .covariateLength(let name, let count, let subjects):
      return
        "covariate \(name) has \(count) value\(count == 1 ? "" : "s") for \(subjects) subject\(subjects == 1 ? "" : "s")"
    case .nonFiniteCovariate(let name, let row):
      return "covariate \(name) is missing or not finite in row \(row); remove incomplete rows first"
    case .invalidCause(let cause, let count):
      return "cause \(cause) is not one of the data's causes (1 to \(count))"
    case .stratified(let strata):
      return
        "the data are split into \(strata) strata, but a Fine–Gray model has no strata: fit each stratum on its own or use the stratum as a covariate"
    case .noEvents(let cause):
      return "no subject ended by \(cause), so its subdistribution hazard cannot be modelled"
    case .singularInformation:
      return
        "the information matrix is singular: a covariate is constant, a linear combination of the others, or does not vary among the subjects at risk"
    }
  }
}

/// One row of a Fine–Gray coefficient table, as `summary.crr` prints it.
public struct FineGrayCoefficient: Sendable, Equatable {
  /// The covariate's name.
  public let term: String
  /// β̂, the log subdistribution hazard ratio.
  public let coefficient: Double
  /// The sandwich standard error.
  public let standardError: Double
  /// β̂ / se.
  public let z: Double
  /// The two-sided p-value of `z`, unrounded (`summary.crr` rounds it to two significant digits).
  public let p: Double
  /// The lower confidence limit of the subdistribution hazard ratio, exp(β̂ − z·se).
  public let lower: Double
  /// The upper confidence limit, exp(β̂ + z·se).
  public let upper: Double

  /// The subdistribution hazard ratio exp(β̂).
  public var hazardRatio: Double { exp(coefficient) }
}

/// The Fine–Gray proportional subdistribution hazards model for one cause of a competing-risks
/// data set, fitted as R's `cmprsk::crr(ftime, fstatus, cov1, failcode = cause, cencode = 0)`
/// fits it: Newton–Raphson from β = 0 with crr's backtracking line search and stopping rule, and
/// crr's sandwich variance, which accounts for the estimated censoring distribution (Fine JP,
/// Gray RJ (1999) JASA 94:496–509).
///
/// A subject who ended by a competing cause stays in the risk set after its end with weight
/// G(t−)/G(Tᵢ−), G the Kaplan–Meier estimate of the censoring distribution (censorings as the
/// events, everyone with a time ≥ t at risk at t), evaluated just before each time as crr does
/// (at time 0 crr takes G(0) itself, after the censorings at 0, and so does this fit). Tied
/// event times are handled as crr does (Breslow).
///
/// crr's sums run over all subjects for every event time (O(n²) per iteration, O(n³) for the
/// variance). Here, after one sort, every sum splits into a backward cumulative sum over the
/// subjects still at risk and a forward cumulative sum over the earlier competing events scaled
/// by G(t−) (Kawaguchi ES et al. (2020), "A fast and scalable implementation method for
/// competing risks data with the R package fastcmprsk"), so each iteration and the variance,
/// censoring term included, cost O(n·p²).
public struct FineGrayModel: Sendable {
  /// The cause modelled (its code, 1...K).
  public let cause: Int
  /// Its label.
  public let causeLabel: String
  /// The covariates' names.
  public let names: [String]
  /// β̂.
  public let coefficients: [Double]
  /// crr's `var`: the sandwich variance of β̂, p×p row-major.
  public let variance: [Double]
  /// crr's `inf`: the information matrix at β̂ (minus the Hessian of the log pseudo-likelihood),
  /// p×p row-major.
  public let information: [Double]
  /// The log pseudo-likelihood at β̂ (crr's `loglik`).
  public let loglik: Double
  /// The log pseudo-likelihood at β = 0 (crr's `loglik.null`).
  public let loglikNull: Double
  /// The score at β̂ (crr's `score`).
  public let score: [Double]
  /// Whether crr's stopping rule was met: max |Uⱼ|·max(|βⱼ|, 1) < tolerance·max(|ℓ|, 1).
  public let converged: Bool
  /// The Newton steps taken (0 when β = 0 already met the rule; when the line search fails, the
  /// steps before it, with `converged` false, as crr stops there).
  public let iterations: Int
  /// Number of subjects.
  public let n: Int
  /// Subjects who ended by the cause modelled.
  public let events: Int
  /// Subjects who ended by another cause.
  public let competingEvents: Int

  /// The standard errors, √diag(variance).
  public var standardErrors: [Double] {
    let p = names.count
    return (0..<p).map { variance[$0 * p + $0].squareRoot() }
  }

  /// The likelihood-ratio statistic 2(ℓ(β̂) − ℓ(0)) on p degrees of freedom (`summary.crr`'s
  /// `logtest`).
  public var likelihoodRatioTest: ChiSquareTest {
    ChiSquareTest(2 * (loglik - loglikNull), df: names.count)
  }

  /// The coefficient table with subdistribution hazard ratios and Wald limits at `level`, as
  /// `summary.crr(conf.int = level)`.
  public func coefficientTable(level: Double = 0.95) -> [FineGrayCoefficient] {
    let q = Normal.criticalValue(level: level)
    return zip(names.indices, standardErrors).map { j, se in
      let b = coefficients[j]
      return FineGrayCoefficient(
        term: names[j], coefficient: b, standardError: se, z: b / se, p: Normal.twoSidedP(b / se),
        lower: exp(b - q * se), upper: exp(b + q * se))
    }
  }

  /// Fits the model for `cause`.
  /// - Parameters:
  ///   - data: the subjects; the group is not used, and the data must not be stratified.
  ///   - covariates: one array per covariate, one value per subject in the data's order.
  ///   - names: the covariates' names.
  ///   - cause: the cause modelled, 1...K (crr's `failcode`); subjects censored have cause 0.
  ///   - maxIterations: at most this many Newton steps (crr's `maxiter`, 10).
  ///   - tolerance: the stopping rule's tolerance (crr's `gtol`, 1e-6). The rule is relative to
  ///     |ℓ|, which grows with n: with 10⁶ subjects a score near 1 already passes, so a smaller
  ///     tolerance gives a β̂ closer to the maximum (crr's own results need the default).
  /// - Throws: ``FineGrayError``.
  public init(
    _ data: CompetingRisksData, covariates: [[Double]], names: [String], cause: Int, maxIterations: Int = 10,
    tolerance: Double = 1e-6
  ) throws(FineGrayError) {
    let n = data.count
    let p = covariates.count
    guard p > 0 else { throw .noCovariates }
    guard names.count == p else { throw .nameCount(names: names.count, covariates: p) }
    for (j, column) in covariates.enumerated() {
      guard column.count == n else {
        throw .covariateLength(name: names[j], count: column.count, subjects: n)
      }
      if let i = column.firstIndex(where: { !$0.isFinite }) {
        throw .nonFiniteCovariate(name: names[j], row: i + 1)
      }
    }
    guard cause >= 1, cause <= data.causeCount else { throw .invalidCause(cause, causeCount: data.causeCount) }
    if let first = data.stratum.first, data.stratum.contains(where: { $0 != first }) {
      throw .stratified(strata: Set(data.stratum).count)
    }
    let label = data.causeLabels[cause - 1]
    var events = 0
    var competing = 0
    for c in data.cause where c != 0 {
      if c == cause { events += 1 } else { competing += 1 }
    }
    guard events > 0 else { throw .noEvents(cause: label) }

    let problem = FineGrayProblem(data, covariates: covariates, cause: cause)
    var b = [Double](repeating: 0, count: p)
    var current = problem.evaluate(b, derivatives: true)
    var converged = false
    var iterations = 0
    let limit = max(0, maxIterations)
    for step in 0...limit {
      if step > 0 { current = problem.evaluate(b, derivatives: true) }
      iterations = step
      // crr minimizes f = −ℓ, with gradient −U.
      let f = -current.loglik
      var largest = 0.0
      for j in 0..<p { largest = max(largest, abs(current.score[j]) * max(abs(b[j]), 1)) }
      if largest < max(abs(f), 1) * tolerance {
        converged = true
        break
      }
      if step == limit { break }
      guard let information = try? Cholesky(Matrix(rows: p, columns: p, columnMajor: current.information)),
        var direction = try? information.solve(current.score)
      else { throw .singularInformation }
      // Backtracking: halve the step until f falls by 1e-4 of the predicted decrease, at most
      // 20 times (crr then stops, not converged, at the previous β).
      var trial = zip(b, direction).map { $0 + $1 }
      var fTrial = -problem.evaluate(trial, derivatives: false).loglik
      var halvings = 0
      while fTrial.isNaN || fTrial > f - 1e-4 * dot(direction, current.score) {
        halvings += 1
        for j in 0..<p { direction[j] *= 0.5 }
        trial = zip(b, direction).map { $0 + $1 }
        fTrial = -problem.evaluate(trial, derivatives: false).loglik
        if halvings > 20 { break }
      }
      if halvings > 20 { break }
      b = trial
    }

    guard let factor = try? Cholesky(Matrix(rows: p, columns: p, columnMajor: current.information)),
      let inverse = try? factor.inverse()
    else { throw .singularInformation }
    let middle = problem.sandwichMiddle(b, current)
    guard let meat = try? Matrix(rows: p, columns: p, columnMajor: middle),
      let sandwich = try? inverse.multiply(meat).multiply(inverse)
    else { throw .singularInformation }
    var variance = [Double](repeating: 0, count: p * p)
    for r in 0..<p {
      for c in 0..<p { variance[r * p + c] = 0.5 * (sandwich[r, c] + sandwich[c, r]) }
    }

    self.cause = cause
    causeLabel = label
    self.names = names
    coefficients = b
    self.variance = variance
    information = current.information
    loglik = current.loglik
    loglikNull = problem.evaluate([Double](repeating: 0, count: p), derivatives: false).loglik
    score = current.score
    self.converged = converged
    self.iterations = iterations
    self.n = n
    self.events = events
    competingEvents = competing
  }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
  var s = 0.0
  for j in a.indices { s += a[j] * b[j] }
  return s
}

/// The log pseudo-likelihood and its derivatives at one β, with the risk-set sums at each event
/// time that the variance reuses.
struct FineGrayEvaluation {
  var loglik: Double
  /// U(β), p.
  var score: [Double]
  /// I(β), p×p (symmetric).
  var information: [Double]
  /// S⁰ at each event time.
  var s0: [Double]
  /// S¹/S⁰ at each event time, p per time.
  var mean: [Double]
}

/// A fit's data in ascending time (ties in any order: every sum is symmetric within a tie),
/// covariates centred (which changes neither β̂, ℓ nor the variance), grouped by distinct time.
struct FineGrayProblem {
  let n: Int
  let p: Int
  /// Covariates, row-major n×p, centred.
  let x: [Double]
  /// 0 censored, 1 ended by the cause modelled, 2 by another cause.
  let kind: [UInt8]
  /// First row of each distinct time, and n at the end.
  let groupStart: [Int]
  /// crr's censoring Kaplan–Meier weight at each distinct time: G(t−), or G(0) at time 0.
  let g: [Double]
  /// Censorings at each distinct time.
  let censored: [Int]
  /// For each distinct time, its index among the event times, or −1.
  let eventIndex: [Int]
  /// Events of the cause at each event time.
  let eventCount: [Double]
  /// Σ x over the events.
  let eventSum: [Double]

  init(_ data: CompetingRisksData, covariates: [[Double]], cause: Int) {
    let n = data.count
    let p = covariates.count
    self.n = n
    self.p = p
    let order = RadixSort.descending(data.time, group: [], groupCount: 1).reversed()
    var x = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      let column = covariates[j]
      var mean = 0.0
      for v in column { mean += v }
      mean /= Double(max(n, 1))
      for (r, i) in order.enumerated() { x[r * p + j] = column[i] - mean }
    }
    var kind = [UInt8](repeating: 0, count: n)
    var time = [Double](repeating: 0, count: n)
    for (r, i) in order.enumerated() {
      let c = data.cause[i]
      kind[r] = c == 0 ? 0 : (c == cause ? 1 : 2)
      time[r] = data.time[i]
    }
    var groupStart: [Int] = []
    for r in 0..<n where r == 0 || time[r] != time[r - 1] { groupStart.append(r) }
    let groups = groupStart.count
    groupStart.append(n)
    var g = [Double](repeating: 1, count: groups)
    var censored = [Int](repeating: 0, count: groups)
    var eventIndex = [Int](repeating: -1, count: groups)
    var eventCount: [Double] = []
    var eventSum = [Double](repeating: 0, count: p)
    var km = 1.0
    for k in 0..<groups {
      var c = 0
      var d = 0
      for r in groupStart[k]..<groupStart[k + 1] {
        if kind[r] == 0 { c += 1 }
        if kind[r] == 1 {
          d += 1
          for j in 0..<p { eventSum[j] += x[r * p + j] }
        }
      }
      let factor = 1 - Double(c) / Double(n - groupStart[k])
      // crr reads the censoring curve at t·(1 − 100ε): just before t, except at t = 0, where
      // the curve's first step is at 0 itself.
      if time[groupStart[k]] == 0 {
        km *= factor
        g[k] = km
      } else {
        g[k] = km
        km *= factor
      }
      censored[k] = c
      if d > 0 {
        eventIndex[k] = eventCount.count
        eventCount.append(Double(d))
      }
    }
    self.x = x
    self.kind = kind
    self.groupStart = groupStart
    self.g = g
    self.censored = censored
    self.eventIndex = eventIndex
    self.eventCount = eventCount
    self.eventSum = eventSum
  }

  /// exp(xᵢβ) of each row.
  func risks(_ b: [Double]) -> [Double] {
    var e = [Double](repeating: 0, count: n)
    x.withUnsafeBufferPointer { x in
      e.withUnsafeMutableBufferPointer { e in
        for i in 0..<n {
          var lp = 0.0
          for j in 0..<p { lp += x[i &* p &+ j] * b[j] }
          e[i] = exp(lp)
        }
      }
    }
    return e
  }

  /// ℓ(β), and with `derivatives` U(β), I(β) and the sums at the event times.
  ///
  /// At an event time t the weighted sums over the risk set are
  /// S(t) = Σ_{Tⱼ ≥ t} wⱼ + G(t−) Σ_{Tⱼ < t, competing} wⱼ / G(Tⱼ−), wⱼ = exp(xⱼβ)·(1, xⱼ, xⱼxⱼᵀ):
  /// the second sum is cumulated forward in time and kept at the event times, the first
  /// backward while the two are combined.
  func evaluate(_ b: [Double], derivatives: Bool) -> FineGrayEvaluation {
    let e = risks(b)
    let p = self.p
    let pairs = p * (p + 1) / 2
    let m = derivatives ? 1 + p + pairs : 1
    let groups = g.count
    let times = eventCount.count
    var forward = [Double](repeating: 0, count: times * m)
    var loglik = dot(b, eventSum)
    var score = eventSum
    var packed = [Double](repeating: 0, count: pairs)
    var s0 = [Double](repeating: 0, count: derivatives ? times : 0)
    var mean = [Double](repeating: 0, count: derivatives ? times * p : 0)
    x.withUnsafeBufferPointer { x in
      e.withUnsafeBufferPointer { e in
        kind.withUnsafeBufferPointer { kind in
          forward.withUnsafeMutableBufferPointer { forward in
            var acc = [Double](repeating: 0, count: m)
            acc.withUnsafeMutableBufferPointer { acc in
              for k in 0..<groups {
                let t = eventIndex[k]
                if t >= 0 { for l in 0..<m { forward[t &* m &+ l] = acc[l] } }
                let inverseG = 1 / g[k]
                for i in groupStart[k]..<groupStart[k + 1] where kind[i] == 2 {
                  accumulate(
                    acc, weight: e[i] * inverseG, row: x.baseAddress.map { $0 + i &* p }, p: p, full: derivatives)
                }
              }
              for l in 0..<m { acc[l] = 0 }
              var s = [Double](repeating: 0, count: m)
              s.withUnsafeMutableBufferPointer { s in
                for k in stride(from: groups - 1, through: 0, by: -1) {
                  for i in groupStart[k]..<groupStart[k + 1] {
                    accumulate(
                      acc, weight: e[i], row: x.baseAddress.map { $0 + i &* p }, p: p, full: derivatives)
                  }
                  let t = eventIndex[k]
                  guard t >= 0 else { continue }
                  let gk = g[k]
                  for l in 0..<m { s[l] = acc[l] + gk * forward[t &* m &+ l] }
                  let d = eventCount[t]
                  loglik -= d * log(s[0])
                  guard derivatives else { continue }
                  s0[t] = s[0]
                  var q = 0
                  for j in 0..<p {
                    let xj = s[1 &+ j] / s[0]
                    mean[t &* p &+ j] = xj
                    score[j] -= d * xj
                    for l in j..<p {
                      packed[q] += d * (s[1 &+ p &+ q] / s[0] - xj * s[1 &+ l] / s[0])
                      q &+= 1
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return FineGrayEvaluation(
      loglik: loglik, score: score, information: unpack(packed, p), s0: s0, mean: mean)
  }

  /// The middle of crr's sandwich, Σᵢ (ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ, p×p, at β̂ (`at`: the evaluation at
  /// β̂ with its sums).
  ///
  /// ηᵢ = δᵢ(xᵢ − x̄(Tᵢ)) − Σ_{event times t} dₜ wᵢ(t)(xᵢ − x̄(t))/S⁰(t), wᵢ(t) = exp(xᵢβ) for
  /// t ≤ Tᵢ and exp(xᵢβ)G(t−)/G(Tᵢ−) after a competing end; the sum splits into prefix sums of
  /// dₜ/S⁰ and dₜx̄/S⁰ (t ≤ Tᵢ) and suffix sums of dₜG/S⁰ and dₜGx̄/S⁰ (t > Tᵢ).
  ///
  /// ψᵢ is the censoring term: q(u) = Σ_{events at t ≥ u} Σ_{competing, Tⱼ < u}
  /// exp(xⱼβ)G(t−)/G(Tⱼ−)(xⱼ − x̄(t))/S⁰(t) = F¹(u)A(u) − F⁰(u)B(u), with F the forward sums over
  /// earlier competing ends of exp(xβ)(1, x)/G(T−) and A, B the suffix sums above taken from u on;
  /// ψᵢ = q(Tᵢ)/Y(Tᵢ) for a censored subject, minus Σ_{u ≤ Tᵢ} c(u)q(u)/Y(u)² for everyone, with
  /// c(u) censorings and Y(u) subjects with a time ≥ u.
  func sandwichMiddle(_ b: [Double], _ at: FineGrayEvaluation) -> [Double] {
    let e = risks(b)
    let p = self.p
    let groups = g.count
    // Suffix sums over event times from each distinct time on.
    var suffixA = [Double](repeating: 0, count: groups + 1)
    var suffixB = [Double](repeating: 0, count: (groups + 1) * p)
    var a = 0.0
    var bsum = [Double](repeating: 0, count: p)
    for k in stride(from: groups - 1, through: 0, by: -1) {
      let t = eventIndex[k]
      if t >= 0 {
        let w = eventCount[t] * g[k] / at.s0[t]
        a += w
        for j in 0..<p { bsum[j] += w * at.mean[t * p + j] }
      }
      suffixA[k] = a
      for j in 0..<p { suffixB[k * p + j] = bsum[j] }
    }
    let pairs = p * (p + 1) / 2
    var packed = [Double](repeating: 0, count: pairs)
    var c0 = 0.0
    var c1 = [Double](repeating: 0, count: p)
    var f0 = 0.0
    var f1 = [Double](repeating: 0, count: p)
    var psi = [Double](repeating: 0, count: p)
    var qOverY = [Double](repeating: 0, count: p)
    var u = [Double](repeating: 0, count: p)
    for k in 0..<groups {
      let t = eventIndex[k]
      if t >= 0 {
        let w = eventCount[t] / at.s0[t]
        c0 += w
        for j in 0..<p { c1[j] += w * at.mean[t * p + j] }
      }
      if censored[k] > 0 {
        let y = Double(n - groupStart[k])
        let c = Double(censored[k])
        for j in 0..<p {
          let q = f1[j] * suffixA[k] - f0 * suffixB[k * p + j]
          qOverY[j] = q / y
          psi[j] -= c * q / (y * y)
        }
      }
      let inverseG = 1 / g[k]
      for i in groupStart[k]..<groupStart[k + 1] {
        let ei = e[i]
        for j in 0..<p {
          let xj = x[i * p + j]
          var v = psi[j] - ei * (xj * c0 - c1[j])
          switch kind[i] {
          case 1: v += xj - at.mean[t * p + j]
          case 2: v -= ei * inverseG * (xj * suffixA[k + 1] - suffixB[(k + 1) * p + j])
          default: v += qOverY[j]
          }
          u[j] = v
        }
        var q = 0
        for j in 0..<p {
          for l in j..<p {
            packed[q] += u[j] * u[l]
            q += 1
          }
        }
      }
      for i in groupStart[k]..<groupStart[k + 1] where kind[i] == 2 {
        let w = e[i] * inverseG
        f0 += w
        for j in 0..<p { f1[j] += w * x[i * p + j] }
      }
    }
    return unpack(packed, p)
  }
}

/// Adds weight·(1, x, x xᵀ upper triangle by rows) of one row to `acc` (only the first entry
/// unless `full`).
@inline(__always)
private func accumulate(
  _ acc: UnsafeMutableBufferPointer<Double>, weight: Double, row: UnsafePointer<Double>?, p: Int, full: Bool
) {
  acc[0] += weight
  guard full, let row else { return }
  var q = 1 &+ p
  for j in 0..<p {
    let wx = weight * row[j]
    acc[1 &+ j] += wx
    for l in j..<p {
      acc[q] += wx * row[l]
      q &+= 1
    }
  }
}

/// The symmetric p×p matrix of an upper triangle packed by rows.
private func unpack(_ packed: [Double], _ p: Int) -> [Double] {
  var full = [Double](repeating: 0, count: p * p)
  var q = 0
  for j in 0..<p {
    for l in j..<p {
      full[j * p + l] = packed[q]
      full[l * p + j] = packed[q]
      q += 1
    }
  }
  return full
}
