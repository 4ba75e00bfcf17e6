import Foundation

/// The Aalen–Johansen estimate of one group's cumulative incidence functions, one per cause, with
/// the infinitesimal-jackknife standard errors R survival's `survfit` gives for a factor status
/// (`survfit(Surv(time, factor(status)) ~ g)`; Aalen OO, Johansen S (1978) Scand J Stat 5:141–150;
/// the jackknife variance as in Therneau's survival package, "Multi-state models and competing
/// risks" vignette).
///
/// One step per distinct observed time of the group, censoring times included. At time tᵢ with
/// nᵢ at risk, dₖᵢ ends by cause k and dᵢ = Σₖ dₖᵢ: the all-cause survival is the Kaplan–Meier
/// S(tᵢ) = Π (1 − dⱼ/nⱼ), and the cumulative incidence of cause k is
/// Fₖ(tᵢ) = Σ_{j ≤ i} S(tⱼ₋) dₖⱼ/nⱼ, so that S + Σₖ Fₖ = 1 at every step.
///
/// The variance of Fₖ(t) is Σ_subjects Uₖ(t)², Uₖ the derivative of Fₖ(t) with respect to the
/// subject's case weight. Every subject still at risk at t shares one value of it, and a subject
/// who left before t has a value linear in Fₖ(t), so the sum is kept in O(1) per step from three
/// running sums: the whole estimate is O(n) after one sort.
public struct CumulativeIncidence: Sendable, Equatable {
  /// The group's name.
  public let label: String
  /// The causes' names (R's states after the initial one).
  public let causeLabels: [String]
  /// Distinct times (R `time`).
  public let time: [Double]
  /// Number at risk at each time (R `n.risk` of the initial state).
  public let nRisk: [Int]
  /// Number of ends by each cause at each time: `nEvent[k][i]` for cause k + 1.
  public let nEvent: [[Int]]
  /// Number censored at each time (R `n.censor`).
  public let nCensor: [Int]
  /// All-cause survival just after each time (R `pstate` of the initial state).
  public let survival: [Double]
  /// Standard error of the all-cause survival (R `std.err` of the initial state).
  public let survivalStdErr: [Double]
  /// Cumulative incidence of each cause just after each time: `incidence[k][i]` for cause k + 1.
  public let incidence: [[Double]]
  /// Standard error of each cumulative incidence (R `std.err`).
  public let stdErr: [[Double]]

  /// The curves of group `group` of `data`.
  public init(_ data: CompetingRisksData, group: Int) {
    let rows = data.time.indices.filter { data.group[$0] == group }
    let order = RadixSort.descending(rows.map { data.time[$0] }, group: [], groupCount: 1)
    self.init(
      sortedTimes: order.reversed().map { data.time[rows[$0]] },
      causes: order.reversed().map { data.cause[rows[$0]] },
      causeLabels: data.causeLabels, label: group < data.groupLabels.count ? data.groupLabels[group] : "")
  }

  /// One set of curves per group of `data`, in the order of its group labels.
  public static func curves(_ data: CompetingRisksData) -> [CumulativeIncidence] {
    curves(data, order: RadixSort.descending(data.time, group: data.group, groupCount: data.groupLabels.count))
  }

  /// The curves from the rows ordered by group ascending, then time descending.
  static func curves(_ data: CompetingRisksData, order: [Int]) -> [CumulativeIncidence] {
    var out: [CumulativeIncidence] = []
    var end = order.count
    for g in stride(from: data.groupLabels.count - 1, through: 0, by: -1) {
      var start = end
      while start > 0 && data.group[order[start - 1]] == g { start -= 1 }
      let block = order[start..<end].reversed()
      out.append(
        CumulativeIncidence(
          sortedTimes: block.map { data.time[$0] }, causes: block.map { data.cause[$0] },
          causeLabels: data.causeLabels, label: data.groupLabels[g]))
      end = start
    }
    return out.reversed()
  }

  /// The curves of one group from its times in ascending order and their causes (0 censored).
  init(sortedTimes times: [Double], causes: [Int], causeLabels: [String], label: String) {
    let k = causeLabels.count
    self.label = label
    self.causeLabels = causeLabels
    var time: [Double] = []
    var risk: [Int] = []
    var events = [[Int]](repeating: [], count: k)
    var censors: [Int] = []
    var surv: [Double] = []
    var survSE: [Double] = []
    var inc = [[Double]](repeating: [], count: k)
    var se = [[Double]](repeating: [], count: k)
    let n = times.count
    // Running values: S(t−), Σ d/(Y(Y−d)) to t− (the jackknife derivative of log S of a subject
    // still at risk), Fₖ(t−), Aₖ(t−) (the derivative of Fₖ of a subject still at risk), and the
    // sums over subjects who left of α², αβ (per cause) and β², where such a subject's
    // derivative of Fₖ(t) is α + β·Fₖ(t).
    var s = 1.0
    var g = 0.0
    var f = [Double](repeating: 0, count: k)
    var a = [Double](repeating: 0, count: k)
    var sumAA = [Double](repeating: 0, count: k)
    var sumAB = [Double](repeating: 0, count: k)
    var sumBB = 0.0
    var d = [Int](repeating: 0, count: k)
    var i = 0
    while i < n {
      let t = times[i]
      let y = Double(n - i)
      for c in 0..<k { d[c] = 0 }
      var censored = 0
      var j = i
      while j < n && times[j] == t {
        let c = causes[j]
        if c >= 1 && c <= k { d[c - 1] += 1 } else { censored += 1 }
        j += 1
      }
      let dAll = Double(j - i - censored)
      let sBefore = s
      let gBefore = g
      // The jackknife derivative of log S(t) for a subject who ends by a cause at t.
      let leftEvent = gBefore - 1 / y
      if dAll > 0 {
        s = dAll < y ? sBefore * (y - dAll) / y : 0
        g = dAll < y ? gBefore + dAll / (y * (y - dAll)) : .infinity
      }
      time.append(t)
      risk.append(n - i)
      censors.append(censored)
      surv.append(s)
      // All-cause survival: S(t)² (Σβ² + (Y − d)·G(t)² + d·(G(t−) − 1/Y)²).
      if s > 0 {
        let stay = y - dAll
        survSE.append((s * s * (sumBB + stay * g * g + dAll * leftEvent * leftEvent)).squareRoot())
      } else {
        survSE.append(0)
      }
      for c in 0..<k {
        let dc = Double(d[c])
        if dc > 0 {
          f[c] += sBefore * dc / y
          a[c] += sBefore * dc / y * (gBefore - 1 / y)
        }
        events[c].append(d[c])
        inc[c].append(f[c])
        // Left before t: Σ(α + βF)²; at risk at t: (Y − dₖ)·Aₖ² + dₖ·(Aₖ + S(t−)/Y)².
        let jump = a[c] + sBefore / y
        let v =
          sumAA[c] + 2 * f[c] * sumAB[c] + f[c] * f[c] * sumBB + (y - dc) * a[c] * a[c] + dc * jump * jump
        se[c].append(Swift.max(v, 0).squareRoot())
      }
      // The subjects leaving at t join the sums: β is their final derivative of log S, and
      // α = Aₖ(t) [+ S(t−)/Y for an end by cause k] − β·Fₖ(t).
      let betaCensored = censored > 0 ? g : 0
      if censored > 0 { sumBB += Double(censored) * betaCensored * betaCensored }
      if dAll > 0 { sumBB += dAll * leftEvent * leftEvent }
      for c in 0..<k {
        if censored > 0 {
          let alpha = a[c] - betaCensored * f[c]
          sumAA[c] += Double(censored) * alpha * alpha
          sumAB[c] += Double(censored) * alpha * betaCensored
        }
        guard dAll > 0 else { continue }
        let own = Double(d[c])
        let other = dAll - own
        let alphaOther = a[c] - leftEvent * f[c]
        let alphaOwn = alphaOther + sBefore / y
        sumAA[c] += other * alphaOther * alphaOther + own * alphaOwn * alphaOwn
        sumAB[c] += (other * alphaOther + own * alphaOwn) * leftEvent
      }
      i = j
    }
    self.time = time
    self.nRisk = risk
    self.nEvent = events
    self.nCensor = censors
    self.survival = surv
    self.survivalStdErr = survSE
    self.incidence = inc
    self.stdErr = se
  }

  /// Number of subjects.
  public var n: Int { nCensor.reduce(0, +) + nEvent.reduce(0) { $0 + $1.reduce(0, +) } }

  /// Number of ends by cause `cause` (1-based).
  public func events(cause: Int) -> Int {
    cause >= 1 && cause <= nEvent.count ? nEvent[cause - 1].reduce(0, +) : 0
  }

  /// Pointwise confidence limits of cause `cause`'s (1-based) incidence at every step, as R's
  /// `survfit` builds them for a state probability: the transform applied to F with standard
  /// error se/F (see ``ConfidenceType``).
  public func confidenceLimits(cause: Int, type: ConfidenceType, level: Double) -> (lower: [Double], upper: [Double]) {
    guard cause >= 1 && cause <= incidence.count else { return ([], []) }
    let z = Normal.criticalValue(level: level)
    let p = incidence[cause - 1]
    let e = stdErr[cause - 1]
    var lower: [Double] = []
    var upper: [Double] = []
    lower.reserveCapacity(p.count)
    upper.reserveCapacity(p.count)
    for i in p.indices {
      let (l, u) = Self.limits(p[i], e[i], type: type, z: z)
      lower.append(l)
      upper.append(u)
    }
    return (lower, upper)
  }

  /// R's limits for a probability p with standard error se (`survfit_confint(logse = FALSE)`).
  static func limits(_ p: Double, _ se: Double, type: ConfidenceType, z: Double) -> (Double, Double) {
    type.limits(survival: p, stdErrLog: se == 0 ? 0 : se / p, z: z)
  }

  /// The step in force at `t`: the index of the last time not after t, or nil before the first.
  public func step(at t: Double) -> Int? {
    var lo = 0
    var hi = time.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if time[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? nil : lo - 1
  }
}
