import Foundation
import LinearAlgebra
import Survival

/// Fleming–Harrington weighted log-rank statistics of simulated patients cut at a calendar time,
/// and the MaxCombo combination of several of them: the per-look tests
/// ``LookTest/flemingHarrington(rho:gamma:)`` and ``LookTest/maxCombo`` of a plan simulation.
///
/// For each component j with weight w_j(t) = Ŝ(t−)^ρ · (1 − Ŝ(t−))^γ, Ŝ the pooled
/// left-continuous Kaplan–Meier estimate (Fleming & Harrington 1991, ch. 7), the score of the
/// experimental arm is U_j = Σ_t w_j (d_e − d·n_e/n) over the distinct event times and its null
/// covariance with component k is V_jk = Σ_t w_j w_k · d (n − d)/(n − 1) · (n_e/n)(1 − n_e/n)
/// (the hypergeometric variance of tied deaths, as R's survdiff); z_j = −U_j / √V_jj is
/// positive when the experimental arm has fewer deaths than expected. The numbers are those of
/// `Survival`'s ``LogRankTest`` and ``MaxComboTest`` on the same data (tested at 1e-12).
///
/// MaxCombo (Lee 2007; Karrison 2016; Lin et al. 2020): the favourable statistic is s = max_j z_j
/// with the one-sided p = P(max_j Y_j ≥ s), Y ~ N(0, R), R the correlation of the components
/// (components with V_jj = 0 dropped). So that a plan's boundaries on the z scale apply, the
/// decision compares z* = Φ⁻¹(1 − p) with them: at a single look, z* ≥ Φ⁻¹(1 − α) exactly when
/// p ≤ α. (Across several looks /// this nominal-p rule treats z* as if it had the log-rank test's independent increments; its
/// type I error is what the simulation under HR 1 reports.) The harm side of a two-sided plan
/// uses s = min_j z_j and P(min_j Y_j ≤ s).
struct WeightedLookKernel {
  /// The components (ρ, γ); the first is always log-rank (0, 0), for the HR estimate.
  let components: [(rho: Double, gamma: Double)]
  /// Whether the look statistic is the MaxCombo combination of every component (otherwise it is
  /// the last component's z).
  let combines: Bool
  private var rows: [(time: Double, arm: UInt8, event: UInt8)] = []
  private var score: [Double]
  private var covariance: [Double]
  private var weight: [Double]

  init(test: LookTest, capacity: Int) {
    switch test {
    case .flemingHarrington(let rho, let gamma):
      components = [(0, 0), (rho, gamma)]
      combines = false
    default:
      components = [(0, 0), (0, 1), (1, 0), (1, 1)]
      combines = true
    }
    rows.reserveCapacity(capacity)
    score = Array(repeating: 0, count: components.count)
    covariance = Array(repeating: 0, count: components.count * components.count)
    weight = Array(repeating: 0, count: components.count)
  }

  /// The look's statistics.
  struct Result {
    /// The decision statistic on the z scale (favourable positive): for MaxCombo z* of a p that
    /// is exact or on the same side of every threshold as the exact p; NaN without information.
    var z: Double
    /// The statistic reported per trial: the component's z, or MaxCombo's max_j z_j.
    var statistic: Double
    /// The harm-side statistic (two-sided plans): z for FH, Φ⁻¹(P(min Y ≤ min z)) for MaxCombo.
    var harmZ: Double
    /// The log-rank z (the first component), for the hazard-ratio estimate.
    var logRankZ: Double
  }

  /// The statistics of `patients` analysed at calendar time `cutoff`; `thresholds` are the
  /// one-sided p values of the look's boundaries (where MaxCombo's p must be accurate).
  mutating func evaluate(patients: [SimulatedPatient], cutoff: Double, twoSided: Bool, thresholds: [Double] = []) -> Result {
    rows.removeAll(keepingCapacity: true)
    for p in patients {
      guard let o = p.observation(at: cutoff) else { continue }
      rows.append((o.time, p.arm == 0 ? 0 : 1, o.event ? 1 : 0))
    }
    rows.sort { $0.time < $1.time }
    let m = components.count
    for j in 0..<m { score[j] = 0 }
    for j in 0..<(m * m) { covariance[j] = 0 }
    var atRisk = Double(rows.count)
    var atRiskExperimental = 0.0
    for r in rows { atRiskExperimental += Double(r.arm) }
    var survival = 1.0  // pooled Kaplan–Meier just before the current time
    var i = 0
    while i < rows.count {
      let t = rows[i].time
      var deaths = 0.0
      var deathsExperimental = 0.0
      var leaving = 0.0
      var leavingExperimental = 0.0
      var j = i
      while j < rows.count, rows[j].time == t {
        let e = Double(rows[j].event)
        let a = Double(rows[j].arm)
        deaths += e
        deathsExperimental += e * a
        leaving += 1
        leavingExperimental += a
        j += 1
      }
      if deaths > 0 {
        let share = atRiskExperimental / atRisk
        let excess = deathsExperimental - deaths * share
        let v = atRisk > 1 ? deaths * share * (1 - share) * (atRisk - deaths) / (atRisk - 1) : 0
        for c in 0..<m {
          let (rho, gamma) = components[c]
          weight[c] = Self.power(survival, rho) * Self.power(1 - survival, gamma)
          score[c] += weight[c] * excess
        }
        for a in 0..<m {
          for b in a..<m { covariance[a * m + b] += weight[a] * weight[b] * v }
        }
        survival *= 1 - deaths / atRisk
      }
      atRisk -= leaving
      atRiskExperimental -= leavingExperimental
      i = j
    }
    let z = (0..<m).map { c in covariance[c * m + c] > 0 ? -score[c] / covariance[c * m + c].squareRoot() : Double.nan }
    guard combines else { return Result(z: z[m - 1], statistic: z[m - 1], harmZ: z[m - 1], logRankZ: z[0]) }

    let usable = (0..<m).filter { covariance[$0 * m + $0] > 0 }
    guard !usable.isEmpty else { return Result(z: .nan, statistic: .nan, harmZ: .nan, logRankZ: z[0]) }
    var correlation = Matrix.identity(usable.count)
    for (a, ca) in usable.enumerated() {
      for (b, cb) in usable.enumerated() where a < b {
        let r = covariance[ca * m + cb] / (covariance[ca * m + ca] * covariance[cb * m + cb]).squareRoot()
        correlation[a, b] = r
        correlation[b, a] = r
      }
    }
    let zs = usable.map { z[$0] }
    let top = zs.max() ?? .nan
    let zStar = -Normal.quantile(Self.exceedance(top, correlation: correlation, thresholds: thresholds))
    var harm = zStar
    if twoSided {
      // P(min Y ≤ s) = P(max(−Y) ≥ −s), and −Y has the same correlation.
      harm = Normal.quantile(Self.exceedance(-(zs.min() ?? .nan), correlation: correlation, thresholds: thresholds))
    }
    return Result(z: zStar, statistic: top, harmZ: harm, logRankZ: z[0])
  }

  /// P(max_j Y_j ≥ s) for Y ~ N(0, R), or a value on the same side of every threshold as it
  /// (see the type's discussion).
  static func exceedance(_ s: Double, correlation: Matrix, thresholds: [Double]) -> Double {
    guard s.isFinite else { return s.isNaN ? .nan : (s > 0 ? 0 : 1) }
    let m = correlation.rows
    let single = Normal.upperTail(s)
    guard m > 1 else { return single }
    // Pairwise P(A_i ∩ A_j).
    var joint = [Double](repeating: 0, count: m * m)
    for i in 0..<m {
      for j in (i + 1)..<m {
        let r = correlation[i, j]
        var pair = Matrix.identity(2)
        pair[0, 1] = r
        pair[1, 0] = r
        let both = (try? MultivariateNormal.rectangleProbability(lower: [s, s], upper: [.infinity, .infinity], correlation: pair, tolerance: 1e-14)) ?? single
        joint[i * m + j] = both
        joint[j * m + i] = both
      }
    }
    // Lower: the best union of two; upper: Hunter's bound with a maximum spanning tree (Prim).
    var lower = single
    for i in 0..<m { for j in (i + 1)..<m { lower = max(lower, 2 * single - joint[i * m + j]) } }
    var inTree = [Bool](repeating: false, count: m)
    inTree[0] = true
    var upper = Double(m) * single
    for _ in 1..<m {
      var best = (weight: -1.0, node: -1)
      for i in 0..<m where inTree[i] {
        for j in 0..<m where !inTree[j] && joint[i * m + j] > best.weight { best = (joint[i * m + j], j) }
      }
      guard best.node >= 0 else { break }
      inTree[best.node] = true
      upper -= best.weight
    }
    upper = min(1, upper)
    // Rounding in the bounds: widen them by 1e-12 relative.
    let slack = 1e-12 * upper
    guard thresholds.contains(where: { $0 >= lower - slack && $0 < upper + slack }) else { return lower }
    let inside = try? MultivariateNormal.rectangleProbability(
      lower: Array(repeating: -.infinity, count: m), upper: Array(repeating: s, count: m), correlation: correlation,
      tolerance: 1e-9)
    return inside.map { min(max(1 - $0, lower), upper) } ?? .nan
  }

  /// x^e, exact for the usual exponents 0 and 1 (0⁰ = 1).
  @inline(__always) static func power(_ x: Double, _ e: Double) -> Double {
    if e == 0 { return 1 }
    if e == 1 { return x }
    return Foundation.pow(x, e)
  }
}

