import Foundation

/// The primary overall-survival comparison of two arms in one value: Kaplan–Meier medians per arm,
/// the log-rank test unstratified and (when the data have strata) stratified, and the Cox hazard
/// ratio of the second arm against the first (Efron ties, stratified like the log-rank test when
/// strata exist) with its Wald interval. What a trial report states first, and what each simulated
/// trial is summarised by.
///
/// Computed by a dedicated kernel: one sort by time, one pass for the medians and both log-rank
/// tests, and a one-dimensional Newton–Raphson for the Cox model (with a binary covariate x² = x,
/// so the information at a time is a(1 − a) for the risk-set mean a), with no matrices or
/// allocations per iteration. The numbers are those of ``KaplanMeier``, ``LogRankTest`` and
/// ``CoxModel`` (R's survfit, survdiff and coxph: same timefix, same Efron terms, same convergence
/// rule), tested against them and against R.
public struct TwoArmComparison: Sendable {
  /// The arms, reference first.
  public let arms: [String]
  /// Patients per arm.
  public let patients: [Int]
  /// Events per arm.
  public let events: [Int]
  /// Kaplan–Meier median per arm (nil: not reached).
  public let medians: [Double?]
  /// Log-rank z of the second arm against the first, unstratified (negative: lower hazard).
  public let logRankZ: Double
  /// Its two-sided p-value.
  public let logRankP: Double
  /// The stratified log-rank z, when the data have more than one stratum.
  public let stratifiedLogRankZ: Double?
  /// Its two-sided p-value.
  public let stratifiedLogRankP: Double?
  /// Cox hazard ratio of the second arm against the first (nil when the fit runs away).
  public let hazardRatio: Double?
  /// Wald confidence limits of the hazard ratio.
  public let hazardRatioLower: Double?
  /// Upper Wald limit.
  public let hazardRatioUpper: Double?
  /// Whether the Cox model was stratified.
  public let coxStratified: Bool

  /// Compares the two groups of `data` (exactly two groups).
  /// - Throws: ``LogRankError`` when the groups cannot be compared (one group, no events, no
  ///   information).
  public init(data: SurvivalData, level: Double = 0.95) throws(LogRankError) {
    guard data.groupLabels.count == 2 else { throw .needsTwoGroups(data.groupLabels.count) }
    let input = try LogRankTest.prepare(data, timeFix: true)
    let kernel = TwoArmKernel(input)
    arms = data.groupLabels
    patients = kernel.patients
    events = kernel.events
    medians = [kernel.median(arm: 0), kernel.median(arm: 1)]
    let stratified = data.strataLabels.count > 1
    let pooled = kernel.logRank(stratified: false)
    guard pooled.v > 0 else { throw .zeroVariance(LogRankWeights.logRank.label) }
    logRankZ = pooled.u / pooled.v.squareRoot()
    logRankP = Normal.twoSidedP(logRankZ)
    if stratified {
      let s = kernel.logRank(stratified: true)
      guard s.v > 0 else { throw .noMixedStratum }
      let z = s.u / s.v.squareRoot()
      stratifiedLogRankZ = z
      stratifiedLogRankP = Normal.twoSidedP(z)
    } else {
      stratifiedLogRankZ = nil
      stratifiedLogRankP = nil
    }
    coxStratified = stratified
    if let fit = kernel.cox(stratified: stratified) {
      let z = Normal.criticalValue(level: level)
      hazardRatio = exp(fit.beta)
      hazardRatioLower = exp(fit.beta - z * fit.se)
      hazardRatioUpper = exp(fit.beta + z * fit.se)
    } else {
      hazardRatio = nil
      hazardRatioLower = nil
      hazardRatioUpper = nil
    }
  }
}

/// Two arms (arm 1 compared with arm 0) sorted once by decreasing time.
struct TwoArmKernel {
  let time: [Double]
  let event: [Bool]
  let arm: [Int]
  let stratum: [Int]
  let strata: Int
  let patients: [Int]
  let events: [Int]

  init(_ data: SurvivalData) {
    let order = (0..<data.count).sorted { data.time[$0] > data.time[$1] }
    time = order.map { data.time[$0] }
    event = order.map { data.event[$0] }
    arm = order.map { data.group[$0] }
    stratum = order.map { data.stratum[$0] }
    strata = data.strataLabels.count
    var p = [0, 0]
    var e = [0, 0]
    for i in 0..<data.count {
      p[data.group[i]] += 1
      if data.event[i] { e[data.group[i]] += 1 }
    }
    patients = p
    events = e
  }

  /// The Kaplan–Meier median of one arm, by R's quantile rule (``KaplanMeier/findQuantiles``).
  func median(arm a: Int) -> Double? {
    // Walk up in time: at risk = arm members with time ≥ t.
    var atRisk = patients[a]
    var survival = 1.0
    var x: [Double] = [0]
    var y: [Double] = [0]
    var last = 0.0
    var k = time.count - 1
    while k >= 0 {
      let t = time[k]
      var deaths = 0
      var leaving = 0
      while k >= 0 && time[k] == t {
        if arm[k] == a {
          leaving += 1
          if event[k] { deaths += 1 }
        }
        k -= 1
      }
      guard leaving > 0 else { continue }
      last = t
      if deaths > 0 {
        survival *= Double(atRisk - deaths) / Double(atRisk)
        x.append(t)
        y.append(1 - survival)
      }
      atRisk -= leaving
    }
    x.append(last)
    y.append(y[y.count - 1])
    return KaplanMeier.findQuantiles(x: x, y: y, [0.5])[0].finite
  }

  /// The log-rank score of arm 1 and its variance, pooled or summed within strata.
  func logRank(stratified: Bool) -> (u: Double, v: Double) {
    let groups = stratified ? strata : 1
    var n = [Double](repeating: 0, count: groups)
    var n1 = [Double](repeating: 0, count: groups)
    var d = [Double](repeating: 0, count: groups)
    var d1 = [Double](repeating: 0, count: groups)
    var u = 0.0
    var v = 0.0
    var k = 0
    while k < time.count {
      let t = time[k]
      var touched: [Int] = []
      while k < time.count && time[k] == t {
        let s = stratified ? stratum[k] : 0
        n[s] += 1
        if arm[k] == 1 { n1[s] += 1 }
        if event[k] {
          if d[s] == 0 { touched.append(s) }
          d[s] += 1
          if arm[k] == 1 { d1[s] += 1 }
        }
        k += 1
      }
      for s in touched {
        let share = n1[s] / n[s]
        u += d1[s] - d[s] * share
        if n[s] > 1 { v += d[s] * share * (1 - share) * (n[s] - d[s]) / (n[s] - 1) }
        d[s] = 0
        d1[s] = 0
      }
    }
    return (u, v)
  }

  /// ℓ, U and I of the Cox model with x = arm (Efron ties) at β.
  func coxValue(_ beta: Double, stratified: Bool) -> (loglik: Double, u: Double, i: Double) {
    let groups = stratified ? strata : 1
    // Risks shifted by max(β, 0) so that exp never overflows (the likelihood is unchanged).
    let shift = max(beta, 0)
    let r0 = exp(-shift)
    let r1 = exp(beta - shift)
    var s0 = [Double](repeating: 0, count: groups)
    var s1 = [Double](repeating: 0, count: groups)
    var e0 = [Double](repeating: 0, count: groups)
    var e1 = [Double](repeating: 0, count: groups)
    var m = [Int](repeating: 0, count: groups)
    var loglik = 0.0
    var u = 0.0
    var info = 0.0
    var k = 0
    while k < time.count {
      let t = time[k]
      var touched: [Int] = []
      while k < time.count && time[k] == t {
        let s = stratified ? stratum[k] : 0
        let r = arm[k] == 1 ? r1 : r0
        s0[s] += r
        if arm[k] == 1 { s1[s] += r }
        if event[k] {
          if m[s] == 0 { touched.append(s) }
          m[s] += 1
          e0[s] += r
          if arm[k] == 1 {
            e1[s] += r
            loglik += beta - shift
            u += 1
          } else {
            loglik -= shift
          }
        }
        k += 1
      }
      for s in touched {
        let deaths = m[s]
        for j in 0..<deaths {
          let f = Double(j) / Double(deaths)
          let d0 = s0[s] - f * e0[s]
          let a = (s1[s] - f * e1[s]) / d0
          loglik -= log(d0)
          u -= a
          info += a * (1 - a)
        }
        m[s] = 0
        e0[s] = 0
        e1[s] = 0
      }
    }
    return (loglik, u, info)
  }

  /// β̂ and its standard error by R's Newton–Raphson (coxfit6: step-halving, relative change in
  /// log-likelihood below 1e-9, at most 20 iterations); nil when the information vanishes or the
  /// coefficient runs away (R's infinite-coefficient criterion).
  func cox(stratified: Bool) -> (beta: Double, se: Double)? {
    let epsilon = 1e-9
    var beta = 0.0
    var current = coxValue(beta, stratified: stratified)
    guard current.i > 0 else { return nil }
    var next = beta + current.u / current.i
    var halving = false
    var converged = false
    for iteration in 1...20 {
      let trial = coxValue(next, stratified: stratified)
      let finite = trial.loglik.isFinite && trial.u.isFinite
      if finite && !halving && abs(1 - current.loglik / trial.loglik) <= epsilon {
        beta = next
        current = trial
        converged = true
        break
      }
      if iteration == 20 { break }
      if !finite || trial.loglik < current.loglik {
        halving = true
        next = (next + beta) / 2
      } else {
        halving = false
        beta = next
        current = trial
        guard trial.i > 0 else { return nil }
        next = beta + trial.u / trial.i
      }
    }
    guard converged, current.i > 0 else { return nil }
    let variance = 1 / current.i
    let uv = abs(current.u * variance)
    if uv > epsilon && uv > epsilon.squareRoot() * abs(beta) { return nil }
    return (beta, variance.squareRoot())
  }
}
