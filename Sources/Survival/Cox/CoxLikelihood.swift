import Foundation
import LinearAlgebra

/// Tie handling in the Cox partial likelihood.
public enum CoxTies: String, CaseIterable, Sendable {
  /// Efron's approximation (Efron 1977, JASA 72:557–565): R's default.
  case efron
  /// Breslow's approximation (Breslow 1974, Biometrics 30:89–99): SAS's and Stata's default.
  case breslow
}

/// The log partial likelihood, its score and information at one β: the kernel of the Newton
/// iteration, in one pass per stratum over the event times in decreasing order, with the risk-set
/// sums S0 = Σ w e^η, S1 = Σ w e^η x and S2 = Σ w e^η x xᵀ updated as subjects enter (stop ≥ t)
/// and leave (start ≥ t). Covariates are centred at their weighted means first (the likelihood is
/// unchanged; the sums lose less to cancellation). O(n p²) per evaluation after one sort.
struct CoxLikelihood {
  let data: CoxData
  let ties: CoxTies
  let n: Int
  let p: Int
  /// Centred design, row-major (row i at i·p), for contiguous access per subject.
  let xc: [Double]
  let means: [Double]
  let w: [Double]
  /// Per stratum: rows by decreasing stop, and by decreasing start (counting process only).
  let byStop: [[Int]]
  let byStart: [[Int]]

  init(data: CoxData, ties: CoxTies) {
    self.data = data
    self.ties = ties
    n = data.count
    p = data.columns
    let w = data.weights ?? [Double](repeating: 1, count: data.count)
    self.w = w
    let totalWeight = w.reduce(0, +)
    var means = [Double](repeating: 0, count: p)
    var xc = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      var s = 0.0
      for i in 0..<n { s += w[i] * data.x[i, j] }
      means[j] = s / totalWeight
      for i in 0..<n { xc[i * p + j] = data.x[i, j] - means[j] }
    }
    self.means = means
    self.xc = xc
    var rows = Array(repeating: [Int](), count: data.strataLabels.count)
    for i in 0..<n { rows[data.strata[i]].append(i) }
    byStop = rows.map { r in r.sorted { data.stop[$0] > data.stop[$1] } }
    if let start = data.start {
      byStart = rows.map { r in r.sorted { start[$0] > start[$1] } }
    } else {
      byStart = rows.map { _ in [] }
    }
  }

  /// The linear predictor of the centred covariates.
  func eta(_ beta: [Double]) -> [Double] {
    var eta = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var s = 0.0
      for j in 0..<p { s += xc[i * p + j] * beta[j] }
      eta[i] = s
    }
    return eta
  }

  struct Value {
    var loglik: Double
    var score: [Double]
    /// p×p, row-major.
    var information: [Double]
  }

  /// The log partial likelihood at `beta`, with score and information when `derivatives`.
  ///
  /// One pass per stratum accumulates only S0 and S1 (O(n p)); the information is assembled from
  /// two Gram matrices computed by BLAS: Σᵢ wᵢ e^{ηᵢ} Λᵢ xᵢxᵢᵀ, where Λᵢ is subject i's cumulative
  /// hazard over its time at risk (the Efron share at its own event time), which equals
  /// Σ_t Σₖ (S2(t) − fₖE2(t))/d0ₖ · (D/m), minus Σ_t Σₖ (D/m)·aₖaₖᵀ with aₖ the risk-set means.
  func evaluate(_ beta: [Double], derivatives: Bool = true) -> Value {
    // The partial likelihood is unchanged when every η moves by the same constant: subtract the
    // largest so that exp never overflows, however far β is from 0 (profile searches go far).
    var eta = eta(beta)
    let top = eta.max() ?? 0
    if top.isFinite && top != 0 { for i in 0..<n { eta[i] -= top } }
    var risk = [Double](repeating: 0, count: n)
    for i in 0..<n { risk[i] = w[i] * exp(eta[i]) }
    var loglik = 0.0
    var u = [Double](repeating: 0, count: p)
    var s1 = [Double](repeating: 0, count: p)
    var e1 = [Double](repeating: 0, count: p)
    var a = [Double](repeating: 0, count: p)
    var means = GramAccumulator(columns: p)
    var exposure = GramAccumulator(columns: p)
    xc.withUnsafeBufferPointer { x in
      for s in byStop.indices {
        let order = byStop[s]
        let leaving = byStart[s]
        var s0 = 0.0
        for j in 0..<p { s1[j] = 0 }
        var next = 0
        var out = 0
        // Event times of this stratum (decreasing) with the hazard at risk and for the tied events.
        var times: [Double] = []
        var hazard: [Double] = []
        var deathHazard: [Double] = []
        while next < order.count {
          let t = data.stop[order[next]]
          var e0 = 0.0
          for j in 0..<p { e1[j] = 0 }
          var deaths = 0
          var deathWeight = 0.0
          while next < order.count && data.stop[order[next]] == t {
            let i = order[next]
            let r = risk[i]
            let row = i * p
            s0 += r
            for j in 0..<p { s1[j] += r * x[row + j] }
            if data.event[i] {
              deaths += 1
              deathWeight += w[i]
              loglik += w[i] * eta[i]
              e0 += r
              for j in 0..<p {
                e1[j] += r * x[row + j]
                u[j] += w[i] * x[row + j]
              }
            }
            next += 1
          }
          if let start = data.start {
            while out < leaving.count && start[leaving[out]] >= t {
              let i = leaving[out]
              let r = risk[i]
              s0 -= r
              for j in 0..<p { s1[j] -= r * x[i * p + j] }
              out += 1
            }
          }
          guard deaths > 0 else { continue }
          let m = ties == .efron ? deaths : 1
          let meanWeight = deathWeight / Double(m)
          var h = 0.0
          var hd = 0.0
          for k in 0..<m {
            let f = Double(k) / Double(m)
            let d0 = s0 - f * e0
            loglik -= meanWeight * log(d0)
            for j in 0..<p {
              a[j] = (s1[j] - f * e1[j]) / d0
              u[j] -= meanWeight * a[j]
            }
            if derivatives {
              means.add(a, scale: meanWeight.squareRoot())
              h += meanWeight / d0
              hd += (1 - f) * meanWeight / d0
            }
          }
          if derivatives {
            times.append(t)
            hazard.append(h)
            deathHazard.append(hd)
          }
        }
        guard derivatives, !times.isEmpty else { continue }
        // Cumulative hazard from the first (smallest) event time: cum[k] = Σ over the k smallest.
        let count = times.count
        var cum = [Double](repeating: 0, count: count + 1)
        for k in 0..<count { cum[k + 1] = cum[k] + hazard[count - 1 - k] }
        func upTo(_ v: Double) -> Int {
          // Number of event times ≤ v (times are decreasing).
          var lo = 0
          var hi = count
          while lo < hi {
            let mid = (lo + hi) / 2
            if times[count - 1 - mid] <= v { lo = mid + 1 } else { hi = mid }
          }
          return lo
        }
        for i in order {
          var to = upTo(data.stop[i])
          let from = data.start.map { upTo($0[i]) } ?? 0
          var lambda = 0.0
          if data.event[i] {
            to -= 1
            lambda = deathHazard[count - 1 - to]
          }
          lambda += cum[to] - cum[from]
          let c = risk[i] * lambda
          if c > 0 { exposure.add(x, offset: i * p, scale: c.squareRoot()) }
        }
      }
    }
    guard derivatives else { return Value(loglik: loglik, score: u, information: []) }
    let first = exposure.result()
    let second = means.result()
    var imat = [Double](repeating: 0, count: p * p)
    for k in 0..<(p * p) { imat[k] = first[k] - second[k] }
    return Value(loglik: loglik, score: u, information: imat)
  }
}
