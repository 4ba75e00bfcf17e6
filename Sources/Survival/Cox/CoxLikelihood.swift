import Foundation
import LinearAlgebra

/// Tie handling in the Cox partial likelihood.
public enum CoxTies: String, CaseIterable, Sendable {
  /// Efron's approximation (Efron 1977, JASA 72:557–565): R's default.
  case efron
  /// Breslow's approximation (Breslow 1974, Biometrics 30:89–99): SAS's and Stata's default.
  case breslow
  /// The exact partial likelihood of tied events (R `exact`, SAS `DISCRETE`, Stata `exactp`;
  /// see ``CoxExactLikelihood``).
  case exact
}

/// The log partial likelihood, its score and information at one β: the kernel of the Newton
/// iteration.
///
/// Set-up (once): rows are sorted by stratum and decreasing stop time, and the covariates, centred
/// at their weighted means (the likelihood is unchanged; sums lose less to cancellation), are
/// stored row-major in that order, so that every pass reads memory sequentially.
///
/// Each evaluation is one pass per stratum over the event times in decreasing order, keeping the
/// risk-set sums S0 = Σ w e^η and S1 = Σ w e^η x as subjects enter (stop ≥ t) and leave
/// (start ≥ t): O(n p). The information matrix is assembled from two Gram matrices computed by
/// BLAS (`dsyrk`): Σᵢ wᵢ e^{ηᵢ} Λᵢ xᵢxᵢᵀ, where Λᵢ is subject i's cumulative hazard over its time at
/// risk (with the Efron share at its own event time), which equals Σ_t Σₖ (D/m)(S2 − fₖE2)/d0ₖ;
/// minus Σ_t Σₖ (D/m)·aₖaₖᵀ with aₖ the risk-set means of the Efron steps.
struct CoxLikelihood {
  let data: CoxData
  let ties: CoxTies
  let n: Int
  let p: Int
  /// Weighted means the covariates are centred at.
  let means: [Double]
  /// Case weights, by row.
  let w: [Double]
  /// Row at each sorted position (stratum ascending, stop descending).
  let order: [Int]
  /// Sorted position of each row.
  let position: [Int]
  /// Positions of each stratum.
  let strata: [Range<Int>]
  /// Centred covariates, row-major, in sorted order.
  let xs: [Double]
  /// Buffers reused by every evaluation (η and the risks), so that repeated evaluations do not
  /// fault in fresh pages.
  let workspace: CoxWorkspace
  /// Stop times, event indicators and weights in sorted order (sequential reads in each pass).
  let sortedStop: [Double]
  let sortedEvent: [Bool]
  let sortedWeight: [Double]
  /// Per stratum: rows by decreasing stop (views of `order`), and by decreasing start.
  let byStop: [[Int]]
  let byStart: [[Int]]

  init(data: CoxData, ties: CoxTies) {
    self.data = data
    self.ties = ties
    n = data.count
    p = data.columns
    let w = data.weights ?? [Double](repeating: 1, count: data.count)
    self.w = w
    let order = RadixSort.descending(data.stop, group: data.strata, groupCount: data.strataLabels.count)
    self.order = order
    var position = [Int](repeating: 0, count: n)
    for (k, i) in order.enumerated() { position[i] = k }
    self.position = position
    var ranges: [Range<Int>] = []
    var from = 0
    for s in 0..<data.strataLabels.count {
      var to = from
      while to < n && data.strata[order[to]] == s { to += 1 }
      ranges.append(from..<to)
      from = to
    }
    strata = ranges
    byStop = ranges.map { Array(order[$0]) }
    if let start = data.start {
      byStart = byStop.map { rows in rows.sorted { start[$0] > start[$1] } }
    } else {
      byStart = byStop.map { _ in [] }
    }
    workspace = CoxWorkspace(count: n)
    // Scatter (sequential reads, one write per row) rather than gather.
    var stopS = [Double](repeating: 0, count: n)
    var eventS = [Bool](repeating: false, count: n)
    var weightS = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let k = position[i]
      stopS[k] = data.stop[i]
      eventS[k] = data.event[i]
      weightS[k] = w[i]
    }
    sortedStop = stopS
    sortedEvent = eventS
    sortedWeight = weightS
    let (centres, centred) = Self.centre(data.x, weights: w, position: position)
    means = centres
    xs = centred
  }

  /// Weighted column means and the centred covariates, row-major in `order`.
  static func centre(_ x: Matrix, weights w: [Double], position: [Int]) -> ([Double], [Double]) {
    let n = x.rows
    let p = x.columns
    let totalWeight = w.reduce(0, +)
    var means = [Double](repeating: 0, count: p)
    let xs = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      x.elements.withUnsafeBufferPointer { e in
        for j in 0..<p {
          var s = 0.0
          for i in 0..<n { s += w[i] * e[i + j * n] }
          means[j] = s / totalWeight
        }
        // Scatter each input row to its sorted position: the columns are read in order and each
        // row is written once, contiguously (a gather would miss the cache once per value).
        for i in 0..<n {
          let destination = position[i] * p
          for j in 0..<p { out[destination + j] = e[i + j * n] - means[j] }
        }
      }
      count = n * p
    }
    return (means, xs)
  }

  /// Centred covariate `j` of `row`.
  @inline(__always) func x(_ row: Int, _ j: Int) -> Double { xs[position[row] * p + j] }

  /// The linear predictor of the centred covariates, by row.
  func eta(_ beta: [Double]) -> [Double] {
    var eta = [Double](repeating: 0, count: n)
    for k in 0..<n {
      var s = 0.0
      for j in 0..<p { s += xs[k * p + j] * beta[j] }
      eta[order[k]] = s
    }
    return eta
  }

  struct Value {
    var loglik: Double
    var score: [Double]
    /// p×p, symmetric.
    var information: [Double]
  }

  /// The log partial likelihood at `beta`, with score and information when `derivatives`.
  func evaluate(_ beta: [Double], derivatives: Bool = true) -> Value {
    let means = GramAccumulator(columns: p)

    var loglik = 0.0
    var u = [Double](repeating: 0, count: p)
    xs.withUnsafeBufferPointer { xsb in
      sortedStop.withUnsafeBufferPointer { stop in
        sortedEvent.withUnsafeBufferPointer { event in
          sortedWeight.withUnsafeBufferPointer { weight in
            u.withUnsafeMutableBufferPointer { ub in
              guard let x = xsb.baseAddress else { return }
              loglik = pass(
                beta: beta, x: x, stop: stop, event: event, weight: weight, u: ub,
                means: derivatives ? means : nil, exposure: derivatives)
            }
          }
        }
      }
    }
    guard derivatives else { return Value(loglik: loglik, score: u, information: []) }
    let first = exposureGram()
    let second = means.result()
    var imat = [Double](repeating: 0, count: p * p)
    for k in 0..<(p * p) { imat[k] = first[k] - second[k] }
    return Value(loglik: loglik, score: u, information: imat)
  }

  /// Σₖ cₖ xₖxₖᵀ with cₖ = wₖe^ηₖΛₖ from the last pass: BLAS `dsyrk` on the two fixed halves of the
  /// rows in parallel, summed in a fixed order (the same bits whatever the number of threads).
  private func exposureGram() -> [Double] {
    let p = self.p
    let halves = [0..<(n / 2), (n / 2)..<n]
    let parts = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, 2 * p * p))
    defer { parts.deallocate() }
    parts.initialize(repeating: 0)
    guard let partsBase = parts.baseAddress, let cBase = workspace.exposure.baseAddress else {
      return [Double](repeating: 0, count: p * p)
    }
    let out = SharedPointer(partsBase)
    let c = SharedPointer(cBase)
    xs.withUnsafeBufferPointer { xb in
      guard let xBase = xb.baseAddress else { return }
      let x = SharedPointer(UnsafeMutablePointer(mutating: xBase))
      let half: @Sendable (Int) -> Void = { h in
        let gram = GramAccumulator(columns: p)
        for k in halves[h] where c.base[k] > 0 {
          gram.add(x.base + k * p, scale: c.base[k].squareRoot())
        }
        let g = gram.result()
        for e in 0..<(p * p) { out.base[h * p * p + e] = g[e] }
      }
      // Threads pay off only for large data; the halves and their sum are the same either way.
      if n >= 50_000 {
        DispatchQueue.concurrentPerform(iterations: 2, execute: half)
      } else {
        half(0)
        half(1)
      }
    }
    return (0..<(p * p)).map { parts[$0] + parts[p * p + $0] }
  }

  /// The pass over all strata (arrays in sorted order); returns the log-likelihood and adds to
  /// the score `u`.
  private func pass(
    beta: [Double], x: UnsafePointer<Double>, stop: UnsafeBufferPointer<Double>,
    event: UnsafeBufferPointer<Bool>, weight: UnsafeBufferPointer<Double>,
    u: UnsafeMutableBufferPointer<Double>, means: GramAccumulator?, exposure: Bool
  ) -> Double {
    let exposureWeight = workspace.exposure
    let p = self.p
    // η in sorted order, shifted by its maximum: the partial likelihood is unchanged when every η
    // moves by one constant, and exp never overflows however far β is from 0.
    let eta = workspace.eta
    let risk = workspace.risk
    let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, 3 * p))
    defer { scratch.deallocate() }
    var top = -Double.infinity
    for k in 0..<n {
      var s = 0.0
      let row = x + k * p
      for j in 0..<p { s += row[j] * beta[j] }
      eta[k] = s
      top = max(top, s)
    }
    if !top.isFinite { top = 0 }
    for k in 0..<n {
      eta[k] -= top
      risk[k] = weight[k] * exp(eta[k])
    }
    let s1 = scratch.baseAddress ?? UnsafeMutablePointer<Double>.allocate(capacity: 1)
    let e1 = s1 + p
    let a = s1 + 2 * p
    var loglik = 0.0
    var times: [Double] = []
    var hazard: [Double] = []
    var deathHazard: [Double] = []
    for (s, range) in strata.enumerated() where !range.isEmpty {
      var s0 = 0.0
      for j in 0..<p { s1[j] = 0 }
      var next = range.lowerBound
      var out = 0
      let leaving = byStart[s]
      times.removeAll(keepingCapacity: true)
      hazard.removeAll(keepingCapacity: true)
      deathHazard.removeAll(keepingCapacity: true)
      while next < range.upperBound {
        let t = stop[next]
        var e0 = 0.0
        for j in 0..<p { e1[j] = 0 }
        var deaths = 0
        var deathWeight = 0.0
        while next < range.upperBound && stop[next] == t {
          let r = risk[next]
          let row = x + next * p
          s0 += r
          for j in 0..<p { s1[j] += r * row[j] }
          if event[next] {
            let wi = weight[next]
            deaths += 1
            deathWeight += wi
            loglik += wi * eta[next]
            e0 += r
            for j in 0..<p {
              e1[j] += r * row[j]
              u[j] += wi * row[j]
            }
          }
          next += 1
        }
        if let start = data.start {
          while out < leaving.count && start[leaving[out]] >= t {
            let k = position[leaving[out]]
            let r = risk[k]
            let row = x + k * p
            s0 -= r
            for j in 0..<p { s1[j] -= r * row[j] }
            out += 1
          }
        }
        guard deaths > 0 else { continue }
        let m = ties == .efron ? deaths : 1
        let meanWeight = deathWeight / Double(m)
        let root = meanWeight.squareRoot()
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
          if let means {
            means.add(a, scale: root)
            h += meanWeight / d0
            hd += (1 - f) * meanWeight / d0
          }
        }
        if exposure {
          times.append(t)
          hazard.append(h)
          deathHazard.append(hd)
        }
      }
      guard exposure else { continue }
      if times.isEmpty {
        for k in range { exposureWeight[k] = 0 }
        continue
      }
      // Cumulative hazard over the event times ≤ a time: cum[c] sums the c smallest.
      let count = times.count
      var cum = [Double](repeating: 0, count: count + 1)
      for c in 0..<count { cum[c + 1] = cum[c] + hazard[count - 1 - c] }
      func upTo(_ v: Double) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
          let mid = (lo + hi) / 2
          if times[count - 1 - mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
      }
      // Positions run from the largest stop down: the count of event times ≤ stop only falls.
      var below = count
      for k in range {
        let t = stop[k]
        while below > 0 && times[count - below] > t { below -= 1 }
        var to = below
        let from = data.start.map { upTo($0[order[k]]) } ?? 0
        var lambda = 0.0
        if event[k] {
          to -= 1
          lambda = deathHazard[count - 1 - to]
        }
        lambda += cum[to] - cum[from]
        let c = risk[k] * lambda
        exposureWeight[k] = c
      }
    }
    return loglik
  }
}

/// Per-model scratch memory for ``CoxLikelihood``: one evaluation at a time.
final class CoxWorkspace {
  let eta: UnsafeMutableBufferPointer<Double>
  let risk: UnsafeMutableBufferPointer<Double>
  /// wₖe^ηₖΛₖ per sorted row, for the first Gram matrix of the information.
  let exposure: UnsafeMutableBufferPointer<Double>

  init(count: Int) {
    eta = .allocate(capacity: max(1, count))
    risk = .allocate(capacity: max(1, count))
    exposure = .allocate(capacity: max(1, count))
    eta.initialize(repeating: 0)
    risk.initialize(repeating: 0)
    exposure.initialize(repeating: 0)
  }

  deinit {
    eta.deallocate()
    risk.deallocate()
    exposure.deallocate()
  }
}

/// A pointer shared by concurrent tasks that each touch their own disjoint range.
struct SharedPointer: @unchecked Sendable {
  let base: UnsafeMutablePointer<Double>
  init(_ base: UnsafeMutablePointer<Double>) { self.base = base }
}
