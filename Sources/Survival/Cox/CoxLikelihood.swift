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
    let halves = [0..<(n / 2), (n / 2)..<n]
    let parallel = n >= 50_000
    let xs = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      x.elements.withUnsafeBufferPointer { e in
        w.withUnsafeBufferPointer { wb in
          position.withUnsafeBufferPointer { pos in
            guard let eBase = e.baseAddress, let wBase = wb.baseAddress, let pBase = pos.baseAddress,
              let outBase = out.baseAddress
            else { return }
            let shared = Unchecked((eBase, wBase, pBase, outBase))
            // Weighted column sums, each half on its own, added in a fixed order.
            let sums = Slots<[Double]>(2)
            let sum: @Sendable (Int) -> Void = { h in
              let (e, w, _, _) = shared.value
              var s = [Double](repeating: 0, count: p)
              for j in 0..<p {
                for i in halves[h] { s[j] += w[i] * e[i + j * n] }
              }
              sums.set(h, s)
            }
            if parallel { DispatchQueue.concurrentPerform(iterations: 2, execute: sum) } else { sum(0); sum(1) }
            let parts = sums.values
            for j in 0..<p { means[j] = ((parts[0]?[j] ?? 0) + (parts[1]?[j] ?? 0)) / totalWeight }
            let centres = means
            // Scatter each input row to its sorted position: the columns are read in order and
            // each row is written once, contiguously (a gather would miss the cache per value).
            let scatter: @Sendable (Int) -> Void = { h in
              let (e, _, position, out) = shared.value
              for i in halves[h] {
                let destination = position[i] * p
                for j in 0..<p { out[destination + j] = e[i + j * n] - centres[j] }
              }
            }
            if parallel { DispatchQueue.concurrentPerform(iterations: 2, execute: scatter) } else { scatter(0); scatter(1) }
          }
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
    guard let etaOut = eta.baseAddress, let riskOut = risk.baseAddress, let w = weight.baseAddress else {
      return 0
    }
    let shared = Unchecked((SharedPointer(UnsafeMutablePointer(mutating: x)), SharedPointer(etaOut), SharedPointer(riskOut), SharedPointer(UnsafeMutablePointer(mutating: w))))
    let halves = [0..<(n / 2), (n / 2)..<n]
    let tops = Slots<Double>(2)
    let linear: @Sendable (Int) -> Void = { h in
      let (xp, e, _, _) = shared.value
      var top = -Double.infinity
      for k in halves[h] {
        var s = 0.0
        let row = xp.base + k * p
        for j in 0..<p { s += row[j] * beta[j] }
        e.base[k] = s
        top = max(top, s)
      }
      tops.set(h, top)
    }
    if n >= 50_000 {
      DispatchQueue.concurrentPerform(iterations: 2, execute: linear)
    } else {
      linear(0)
      linear(1)
    }
    let largest = tops.values.compactMap { $0 }.max() ?? 0
    let top = largest.isFinite ? largest : 0
    let exponentiate: @Sendable (Int) -> Void = { h in
      let (_, e, r, wp) = shared.value
      for k in halves[h] {
        e.base[k] -= top
        r.base[k] = wp.base[k] * exp(e.base[k])
      }
    }
    if n >= 50_000 {
      DispatchQueue.concurrentPerform(iterations: 2, execute: exponentiate)
    } else {
      exponentiate(0)
      exponentiate(1)
    }
    var loglik = 0.0
    guard let riskBase = risk.baseAddress, let etaBase = eta.baseAddress else { return 0 }
    let inputs = SegmentInputs(
      x: SharedPointer(UnsafeMutablePointer(mutating: x)), risk: SharedPointer(riskBase),
      eta: SharedPointer(etaBase))
    let context = Unchecked((self, stop, event, weight))
    for (s, range) in strata.enumerated() where !range.isEmpty {
      // A large right-censored stratum is cut in two at a change of time: the later half
      // (positions first) and the earlier half, whose risk sets also hold everyone in the later
      // half, run in parallel. The cut depends only on the data, so the bits do not depend on
      // the number of threads.
      var cut = range.lowerBound + range.count * 11 / 20
      while cut < range.upperBound && cut > range.lowerBound && stop[cut] == stop[cut - 1] { cut += 1 }
      let split = data.start == nil && range.count >= 50_000 && cut < range.upperBound
      var parts: [Segment]
      if split {
        let first = range.lowerBound..<cut
        let second = cut..<range.upperBound
        let box = Slots<Segment>(2)
        let wantMeans = means != nil
        DispatchQueue.concurrentPerform(iterations: 2) { h in
          let (me, stop, event, weight) = context.value
          if h == 0 {
            box.set(
              0,
              me.segment(
                first, start: nil, inputs: inputs, stop: stop, event: event, weight: weight,
                means: wantMeans, leaving: []))
          } else {
            var s0 = 0.0
            var s1 = [Double](repeating: 0, count: p)
            for k in first {
              let r = inputs.risk.base[k]
              s0 += r
              for j in 0..<p { s1[j] += r * inputs.x.base[k * p + j] }
            }
            box.set(
              1,
              me.segment(
                second, start: (s0, s1), inputs: inputs, stop: stop, event: event, weight: weight,
                means: wantMeans, leaving: []))
          }
        }
        parts = box.values.compactMap { $0 }
      } else {
        parts = [
          segment(
            range, start: nil, inputs: inputs, stop: stop, event: event, weight: weight,
            means: means != nil, leaving: byStart[s])
        ]
      }
      var times: [Double] = []
      var hazard: [Double] = []
      var deathHazard: [Double] = []
      for part in parts {
        loglik += part.loglik
        for j in 0..<p { u[j] += part.score[j] }
        if let means, let g = part.means { means.merge(g) }
        times += part.times
        hazard += part.hazard
        deathHazard += part.deathHazard
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
        exposureWeight[k] = risk[k] * lambda
      }
    }
    return loglik
  }
}

/// What one run of risk-set accumulation over a range of sorted rows produces.
struct Segment {
  var loglik = 0.0
  var score: [Double]
  /// Σ (D/m) aaᵀ of the range (nil when derivatives are not asked for).
  var means: GramAccumulator?
  /// Event times (decreasing) with the hazard at risk and for the tied events themselves.
  var times: [Double] = []
  var hazard: [Double] = []
  var deathHazard: [Double] = []
}

/// A value handed to concurrent tasks that only read it.
struct Unchecked<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// Pointers shared by the two concurrent segments (read-only there).
struct SegmentInputs: @unchecked Sendable {
  let x: SharedPointer
  let risk: SharedPointer
  let eta: SharedPointer
}

/// Results of concurrent tasks, one slot each, under a lock.
final class Slots<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [T?]
  init(_ count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ value: T) {
    lock.lock()
    slots[i] = value
    lock.unlock()
  }
  var values: [T?] {
    lock.lock()
    defer { lock.unlock() }
    return slots
  }
}

extension CoxLikelihood {
  /// Accumulates the risk sets over `range` (decreasing stop), starting from the sums `start` of
  /// the rows before it (nil: empty), and removing rows whose entry time is reached (`leaving`).
  func segment(
    _ range: Range<Int>, start: (Double, [Double])?, inputs: SegmentInputs,
    stop: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Bool>,
    weight: UnsafeBufferPointer<Double>, means wantMeans: Bool, leaving: [Int]
  ) -> Segment {
    let p = self.p
    let x = inputs.x.base
    let risk = inputs.risk.base
    let eta = inputs.eta.base
    var part = Segment(score: [Double](repeating: 0, count: p), means: wantMeans ? GramAccumulator(columns: p) : nil)
    var s0 = start?.0 ?? 0
    var s1 = start?.1 ?? [Double](repeating: 0, count: p)
    var e1 = [Double](repeating: 0, count: p)
    var a = [Double](repeating: 0, count: p)
    var next = range.lowerBound
    var out = 0
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
          part.loglik += wi * eta[next]
          e0 += r
          for j in 0..<p {
            e1[j] += r * row[j]
            part.score[j] += wi * row[j]
          }
        }
        next += 1
      }
      if let entry = data.start {
        while out < leaving.count && entry[leaving[out]] >= t {
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
        part.loglik -= meanWeight * log(d0)
        for j in 0..<p {
          a[j] = (s1[j] - f * e1[j]) / d0
          part.score[j] -= meanWeight * a[j]
        }
        if let g = part.means {
          g.add(a, scale: root)
          h += meanWeight / d0
          hd += (1 - f) * meanWeight / d0
        }
      }
      if wantMeans {
        part.times.append(t)
        part.hazard.append(h)
        part.deathHazard.append(hd)
      }
    }
    return part
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
