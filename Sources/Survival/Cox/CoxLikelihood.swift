import Foundation
import LinearAlgebra

/// Tie handling in the Cox partial likelihood.
public enum CoxTies: String, CaseIterable, Sendable {
  /// Efron's approximation (Efron 1977, JASA 72:557–565): R's default.
  case efron
  /// Breslow's approximation (Breslow 1974, Biometrics 30:89–99): SAS's and Stata's default.
  case breslow
  /// The exact partial likelihood of tied events (R `exact`, SAS `DISCRETE`, Stata `exactp`;
  /// computed by recursion over the tied sets).
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
/// BLAS (``GramAccumulator``): Σᵢ wᵢ e^{ηᵢ} Λᵢ xᵢxᵢᵀ, where Λᵢ is subject i's cumulative hazard
/// over its time at risk (with the Efron share at its own event time), which equals
/// Σ_t Σₖ (D/m)(S2 − fₖE2)/d0ₖ; minus Σ_t Σₖ (D/m)·aₖaₖᵀ with aₖ the risk-set means of the Efron
/// steps, which for the m tied events of a time add up to two rank-one terms (see `segment`).
///
/// Data of 50,000 rows or more run on two cores: every step is cut into two halves fixed by the
/// data alone, so the results are the same bits on one core.
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
  /// Per stratum: rows by decreasing start (empty without start times).
  let byStart: [[Int]]

  init(data: CoxData, ties: CoxTies) {
    self.data = data
    self.ties = ties
    let n = data.count
    self.n = n
    p = data.columns
    let w = data.weights ?? [Double](repeating: 1, count: data.count)
    self.w = w
    let groups = data.strataLabels.count
    // While this thread sorts, another core (on large data) works out the weighted column sums,
    // which need no order, and faults in the memory of the sorted covariates, so that the
    // scatter below writes to resident pages. The sort runs here so that its scratch memory
    // comes from this thread's heap.
    let prepared = Slots<(sums: [Double], rows: [Double])>(1)
    let input = Unchecked((data.x, w))
    let prepare: @Sendable () -> Void = {
      let (x, w) = input.value
      prepared.set(0, (Self.columnSums(x, weights: w), Self.resident(x.rows * x.columns)))
    }
    let preparing = DispatchGroup()
    if n >= 50_000 { DispatchQueue.global().async(group: preparing, execute: prepare) } else { prepare() }
    let order = RadixSort.descending(data.stop, group: data.strata, groupCount: groups)
    preparing.wait()
    var (sums, rows) = prepared.take(0) ?? ([Double](repeating: 0, count: p), [Double](repeating: 0, count: n * p))
    self.order = order
    var position = [Int](repeating: 0, count: n)
    position.withUnsafeMutableBufferPointer { pos in
      order.withUnsafeBufferPointer { ord in
        guard let posBase = pos.baseAddress, let ordBase = ord.baseAddress else { return }
        let shared = Unchecked((posBase, ordBase))
        inHalves(rows: n) { h in
          let (pos, ord) = shared.value
          for k in Self.half(h, of: n) { pos[ord[k]] = k }
        }
      }
    }
    self.position = position
    // Rows are sorted by stratum first: each stratum's positions follow from the counts.
    var sizes = [Int](repeating: 0, count: groups)
    if groups == 1 {
      sizes[0] = n
    } else {
      for g in data.strata where sizes.indices.contains(g) { sizes[g] += 1 }
    }
    var ranges: [Range<Int>] = []
    var from = 0
    for size in sizes {
      ranges.append(from..<(from + size))
      from += size
    }
    strata = ranges
    if let start = data.start {
      byStart = ranges.map { range in order[range].sorted { start[$0] > start[$1] } }
    } else {
      byStart = ranges.map { _ in [] }
    }
    workspace = CoxWorkspace(count: n)
    let totalWeight = w.reduce(0, +)
    means = sums.map { $0 / totalWeight }
    Self.scatter(data.x, centres: means, position: position, into: &rows)
    xs = rows
    sortedStop = Self.gather(data.stop, order: order)
    sortedEvent = Self.gather(data.event, order: order)
    sortedWeight = Self.gather(w, order: order)
  }

  /// Rows by decreasing stop time in stratum `s`.
  func rowsByStop(_ s: Int) -> ArraySlice<Int> { order[strata[s]] }

  /// The rows of half `h` (0 or 1) of `n`: the fixed split of all two-core work.
  static func half(_ h: Int, of n: Int) -> Range<Int> { h == 0 ? 0..<(n / 2) : (n / 2)..<n }

  /// Weighted column sums of `x`: each half of the rows on its own, added in a fixed order. The
  /// rows run in the outer loop, so that the 2p running sums are independent chains of additions.
  static func columnSums(_ x: Matrix, weights w: [Double]) -> [Double] {
    let n = x.rows
    let p = x.columns
    let partial = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, 2 * p))
    defer { partial.deallocate() }
    partial.initialize(repeating: 0)
    x.elements.withUnsafeBufferPointer { e in
      w.withUnsafeBufferPointer { w in
        // Row i of the first half and row second + i of the second, which has one more row
        // when n is odd.
        let second = n / 2
        for i in 0..<second {
          for j in 0..<p {
            partial[j] += w[i] * e[i + j * n]
            partial[p + j] += w[second + i] * e[second + i + j * n]
          }
        }
        if n % 2 == 1 {
          for j in 0..<p { partial[p + j] += w[n - 1] * e[n - 1 + j * n] }
        }
      }
    }
    return (0..<p).map { partial[$0] + partial[p + $0] }
  }

  /// An uninitialised array of `count` doubles whose pages are faulted in (one write per page):
  /// the caller overwrites every element.
  static func resident(_ count: Int) -> [Double] {
    [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
      let stride = 4096 / MemoryLayout<Double>.stride
      for k in Swift.stride(from: 0, to: count, by: stride) { buffer[k] = 0 }
      initialized = count
    }
  }

  /// Writes the centred covariates in sorted order over `x` (row-major, n·p values).
  ///
  /// Each input row is scattered to its sorted position: the columns are read in order and each
  /// row is written once, contiguously (a gather would miss the cache per value). The halves of
  /// the input write disjoint rows, so they run in parallel.
  static func scatter(_ data: Matrix, centres: [Double], position: [Int], into x: inout [Double]) {
    let n = data.rows
    let p = data.columns
    x.withUnsafeMutableBufferPointer { out in
      let shared = Unchecked((out, data, centres, position))
      inHalves(rows: n) { h in
        let (out, data, centres, position) = shared.value
        data.elements.withUnsafeBufferPointer { e in
          centres.withUnsafeBufferPointer { c in
            position.withUnsafeBufferPointer { position in
              for i in half(h, of: n) {
                let k = position[i]
                for j in 0..<p { out[k * p + j] = e[i + j * n] - c[j] }
              }
            }
          }
        }
      }
    }
  }

  /// `values` in sorted order. One value per row is gathered rather than scattered: the writes
  /// are sequential and the reads, which the processor overlaps better, random. The halves of the
  /// positions run in parallel.
  static func gather<T: BitwiseCopyable>(_ values: [T], order: [Int]) -> [T] {
    let n = order.count
    return [T](unsafeUninitializedCapacity: n) { out, count in
      let shared = Unchecked((out, values, order))
      inHalves(rows: n) { h in
        let (out, values, order) = shared.value
        values.withUnsafeBufferPointer { v in
          order.withUnsafeBufferPointer { order in
            for k in half(h, of: n) { out[k] = v[order[k]] }
          }
        }
      }
      count = n
    }
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
    var hazards: [StratumHazard] = []
    xs.withUnsafeBufferPointer { xsb in
      sortedStop.withUnsafeBufferPointer { stop in
        sortedEvent.withUnsafeBufferPointer { event in
          sortedWeight.withUnsafeBufferPointer { weight in
            u.withUnsafeMutableBufferPointer { ub in
              guard let x = xsb.baseAddress else { return }
              (loglik, hazards) = pass(
                beta: beta, x: x, stop: stop, event: event, weight: weight, u: ub,
                means: derivatives ? means : nil)
            }
          }
        }
      }
    }
    guard derivatives else { return Value(loglik: loglik, score: u, information: []) }
    let first = exposureGram(hazards)
    let second = means.result()
    var imat = [Double](repeating: 0, count: p * p)
    for k in 0..<(p * p) { imat[k] = first[k] - second[k] }
    return Value(loglik: loglik, score: u, information: imat)
  }

  /// Σₖ cₖ xₖxₖᵀ with cₖ = wₖe^ηₖΛₖ (risk from the last pass, Λₖ from `hazards`): BLAS on the two
  /// fixed halves of the rows in parallel, summed in a fixed order (the same bits whatever the
  /// number of threads). Each half works out the cumulative hazards of its own rows.
  private func exposureGram(_ hazards: [StratumHazard]) -> [Double] {
    let p = self.p
    let n = self.n
    let parts = Slots<[Double]>(2)
    let context = Unchecked(self)
    inHalves(rows: n) { h in
      let me = context.value
      let gram = GramAccumulator(columns: p)
      me.xs.withUnsafeBufferPointer { xs in
        me.sortedStop.withUnsafeBufferPointer { stop in
          me.sortedEvent.withUnsafeBufferPointer { event in
            guard let x = xs.baseAddress, let risk = me.workspace.risk.baseAddress else { return }
            let entry = me.data.start
            let order = me.order
            for (s, range) in me.strata.enumerated() {
              let rows = range.clamped(to: Self.half(h, of: n))
              let hazard = hazards[s]
              let count = hazard.times.count
              guard !rows.isEmpty, count > 0 else { continue }
              // The number of event times ≤ the stop time, which only falls as positions run from
              // the largest stop down.
              var below = hazard.upTo(stop[rows.lowerBound])
              for k in rows {
                let t = stop[k]
                while below > 0 && hazard.times[count - below] > t { below -= 1 }
                let from = entry.map { hazard.upTo($0[order[k]]) } ?? 0
                // Both cases, then a choice without a branch (events and censorings alternate
                // at random): a censored row has the hazard of the event times ≤ t, an event
                // row that of the times < t plus its Efron share at t (its own time makes
                // below ≥ 1).
                let censored = hazard.cumulative[below] - hazard.cumulative[from]
                let before = max(below - 1, 0)
                let died = hazard.deathHazard[count - 1 - before]
                  + (hazard.cumulative[before] - hazard.cumulative[from])
                let c = risk[k] * (event[k] ? died : censored)
                if c > 0 { gram.add(x + k * p, scale: c.squareRoot()) }
              }
            }
          }
        }
      }
      parts.set(h, gram.result())
    }
    let halves = parts.values
    guard let first = halves[0], let second = halves[1] else { return [Double](repeating: 0, count: p * p) }
    return (0..<(p * p)).map { first[$0] + second[$0] }
  }

  /// The pass over all strata (arrays in sorted order): returns the log-likelihood and, when the
  /// means are asked for, each stratum's hazard increments; adds to the score `u`.
  private func pass(
    beta: [Double], x: UnsafePointer<Double>, stop: UnsafeBufferPointer<Double>,
    event: UnsafeBufferPointer<Bool>, weight: UnsafeBufferPointer<Double>,
    u: UnsafeMutableBufferPointer<Double>, means: GramAccumulator?
  ) -> (Double, [StratumHazard]) {
    let p = self.p
    let n = self.n
    // η in sorted order, shifted by its maximum: the partial likelihood is unchanged when every η
    // moves by one constant, and exp never overflows however far β is from 0.
    guard let eta = workspace.eta.baseAddress, let risk = workspace.risk.baseAddress,
      let w = weight.baseAddress
    else { return (0, []) }
    let shared = Unchecked((x, eta, risk, w, beta))
    let tops = Slots<Double>(2)
    inHalves(rows: n) { h in
      let (x, eta, _, _, beta) = shared.value
      beta.withUnsafeBufferPointer { beta in
        var top = -Double.infinity
        for k in Self.half(h, of: n) {
          var s = 0.0
          let row = x + k * p
          for j in 0..<p { s += row[j] * beta[j] }
          eta[k] = s
          top = max(top, s)
        }
        tops.set(h, top)
      }
    }
    let largest = tops.values.compactMap { $0 }.max() ?? 0
    let top = largest.isFinite ? largest : 0
    inHalves(rows: n) { h in
      let (_, eta, risk, w, _) = shared.value
      for k in Self.half(h, of: n) {
        eta[k] -= top
        risk[k] = w[k] * exp(eta[k])
      }
    }
    var loglik = 0.0
    var hazards: [StratumHazard] = []
    let inputs = SegmentInputs(x: x, risk: risk, eta: eta, stop: stop, event: event, weight: weight)
    let context = Unchecked(self)
    let wantMeans = means != nil
    for (s, range) in strata.enumerated() {
      // A large right-censored stratum is cut in two at a change of time: the later half
      // (positions first) and the earlier half, whose risk sets also hold everyone in the later
      // half, run in parallel. The cut depends only on the data, so the bits do not depend on
      // the number of threads.
      var cut = range.lowerBound + range.count * 11 / 20
      while cut < range.upperBound && cut > range.lowerBound && stop[cut] == stop[cut - 1] { cut += 1 }
      let parts: [Segment]
      if data.start == nil && range.count >= 50_000 && cut < range.upperBound {
        let first = range.lowerBound..<cut
        let second = cut..<range.upperBound
        let box = Slots<Segment>(2)
        DispatchQueue.concurrentPerform(iterations: 2) { h in
          let me = context.value
          if h == 0 {
            box.set(0, me.segment(first, start: nil, inputs: inputs, means: wantMeans, leaving: []))
          } else {
            let start = inputs.sums(first, columns: p)
            box.set(1, me.segment(second, start: start, inputs: inputs, means: wantMeans, leaving: []))
          }
        }
        parts = box.values.compactMap { $0 }
      } else if range.isEmpty {
        parts = []
      } else {
        parts = [segment(range, start: nil, inputs: inputs, means: wantMeans, leaving: byStart[s])]
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
      if wantMeans { hazards.append(StratumHazard(times: times, hazard: hazard, deathHazard: deathHazard)) }
    }
    return (loglik, hazards)
  }
}

/// One stratum's hazard increments at its event times, for the cumulative hazard of each row.
struct StratumHazard {
  /// Event times, decreasing.
  let times: [Double]
  /// The cumulative hazard over event times ≤ a time: `cumulative[c]` sums the c smallest.
  let cumulative: [Double]
  /// The hazard at each event time of the tied events themselves (their Efron share).
  let deathHazard: [Double]

  /// From the hazard increments at risk and of the events, by decreasing event time.
  init(times: [Double], hazard: [Double], deathHazard: [Double]) {
    self.times = times
    self.deathHazard = deathHazard
    let count = times.count
    var cumulative = [Double](repeating: 0, count: count + 1)
    for c in 0..<count { cumulative[c + 1] = cumulative[c] + hazard[count - 1 - c] }
    self.cumulative = cumulative
  }

  /// The number of event times ≤ `v`.
  func upTo(_ v: Double) -> Int {
    let count = times.count
    var lo = 0
    var hi = count
    while lo < hi {
      let mid = (lo + hi) / 2
      if times[count - 1 - mid] <= v { lo = mid + 1 } else { hi = mid }
    }
    return lo
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

/// The sorted arrays a pass reads, shared by the two concurrent segments (read-only there).
struct SegmentInputs: @unchecked Sendable {
  let x: UnsafePointer<Double>
  let risk: UnsafePointer<Double>
  let eta: UnsafePointer<Double>
  let stop: UnsafeBufferPointer<Double>
  let event: UnsafeBufferPointer<Bool>
  let weight: UnsafeBufferPointer<Double>

  init(
    x: UnsafePointer<Double>, risk: UnsafeMutablePointer<Double>, eta: UnsafeMutablePointer<Double>,
    stop: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Bool>,
    weight: UnsafeBufferPointer<Double>
  ) {
    self.x = x
    self.risk = UnsafePointer(risk)
    self.eta = UnsafePointer(eta)
    self.stop = stop
    self.event = event
    self.weight = weight
  }

  /// The risk-set sums S0 = Σ r and S1 = Σ r·x over `rows`.
  func sums(_ rows: Range<Int>, columns p: Int) -> (Double, [Double]) {
    var s0 = 0.0
    var s1 = [Double](repeating: 0, count: p)
    s1.withUnsafeMutableBufferPointer { s1 in
      for k in rows {
        let r = risk[k]
        let row = x + k * p
        s0 += r
        for j in 0..<p { s1[j] += r * row[j] }
      }
    }
    return (s0, s1)
  }
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
  /// Removes the value of slot `i` and returns it (so that its owner holds the only reference).
  func take(_ i: Int) -> T? {
    lock.lock()
    defer { lock.unlock() }
    let value = slots[i]
    slots[i] = nil
    return value
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
    _ range: Range<Int>, start: (Double, [Double])?, inputs: SegmentInputs, means wantMeans: Bool,
    leaving: [Int]
  ) -> Segment {
    let p = self.p
    let x = inputs.x
    let risk = inputs.risk
    let eta = inputs.eta
    let stop = inputs.stop
    let event = inputs.event
    let weight = inputs.weight
    let gram = wantMeans ? GramAccumulator(columns: p) : nil
    // s1, e1 and the score, side by side.
    let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: 3 * p)
    defer { sums.deallocate() }
    sums.initialize(repeating: 0)
    guard let s1 = sums.baseAddress else { return Segment(score: [], means: gram) }
    let e1 = s1 + p
    let score = s1 + 2 * p
    var s0 = 0.0
    if let start {
      s0 = start.0
      for j in 0..<p { s1[j] = start.1[j] }
    }
    var part = Segment(score: [], means: gram)
    var loglik = 0.0
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
        if event[next] {
          let wi = weight[next]
          deaths += 1
          deathWeight += wi
          loglik += wi * eta[next]
          e0 += r
          for j in 0..<p {
            let v = r * row[j]
            s1[j] += v
            e1[j] += v
            score[j] += wi * row[j]
          }
        } else {
          for j in 0..<p { s1[j] += r * row[j] }
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
      var h = 0.0
      var hd = 0.0
      if m == 1 {
        // One term (Breslow ties, or a single event): the risk-set mean a = S1/S0.
        let d0 = s0
        loglik -= meanWeight * log(d0)
        let root = meanWeight.squareRoot()
        if let gram {
          gram.addRow { row in
            for j in 0..<p {
              let a = s1[j] / d0
              score[j] -= meanWeight * a
              row[j] = root * a
            }
          }
        } else {
          for j in 0..<p { score[j] -= meanWeight * (s1[j] / d0) }
        }
        h = meanWeight / d0
        hd = h
      } else {
        // Efron's m terms k, with f = k/m, d0ₖ = S0 − f·E0 and the means aₖ = αₖ(S1 − f·E1),
        // αₖ = 1/d0ₖ, summed in closed form so that the cost per tied event is O(1), not O(p):
        // Σₖ aₖ = Σα·(S1 − f̃·E1) with f̃ = Σαf/Σα, and Σₖ aₖaₖᵀ = Σα²·bbᵀ + V·E1E1ᵀ with
        // b = S1 − f̄·E1, f̄ = Σα²f/Σα² and V = Σα²(f − f̄)² (the cross terms vanish by the
        // choice of f̄): two rows of the Gram matrix per event time instead of m.
        let step = 1 / Double(m)
        var logs = LogSum()
        var sumA = 0.0
        var sumFA = 0.0
        var sumA2 = 0.0
        var sumFA2 = 0.0
        var sumRestA = 0.0
        for k in 0..<m {
          let f = Double(k) * step
          let d0 = s0 - f * e0
          logs.add(d0)
          let alpha = 1 / d0
          sumA += alpha
          sumFA += f * alpha
          sumA2 += alpha * alpha
          sumFA2 += f * alpha * alpha
          sumRestA += (1 - f) * alpha
        }
        loglik -= meanWeight * logs.total
        h = meanWeight * sumA
        hd = meanWeight * sumRestA
        let fScore = sumFA / sumA
        for j in 0..<p { score[j] -= meanWeight * sumA * (s1[j] - fScore * e1[j]) }
        if let gram {
          let fBar = sumFA2 / sumA2
          var spread = 0.0
          for k in 0..<m {
            let f = Double(k) * step
            let alpha = 1 / (s0 - f * e0)
            spread += alpha * alpha * (f - fBar) * (f - fBar)
          }
          let scale = (meanWeight * sumA2).squareRoot()
          gram.addRow { row in
            for j in 0..<p { row[j] = scale * (s1[j] - fBar * e1[j]) }
          }
          let spreadScale = (meanWeight * spread).squareRoot()
          gram.addRow { row in
            for j in 0..<p { row[j] = spreadScale * e1[j] }
          }
        }
      }
      if wantMeans {
        part.times.append(t)
        part.hazard.append(h)
        part.deathHazard.append(hd)
      }
    }
    part.loglik = loglik
    part.score = Array(UnsafeBufferPointer(start: score, count: p))
    return part
  }
}

/// Σ log xᵢ over many terms with one logarithm per 512 of them: the significands of the terms
/// (each in [1, 2), so that 512 of them multiply to less than 2⁵¹²) are multiplied and their
/// exponents added. A term that is not a positive normal number goes to `log` directly.
struct LogSum {
  private var logs = 0.0
  private var product = 1.0
  private var exponents = 0
  private var terms = 0

  mutating func add(_ x: Double) {
    guard x.isNormal && x > 0 else {
      logs += log(x)
      return
    }
    product *= x.significand
    exponents += x.exponent
    terms += 1
    if terms == 512 {
      logs += log(product)
      product = 1
      terms = 0
    }
  }

  /// The sum of the logarithms.
  var total: Double { logs + log(product) + Double(exponents) * M_LN2 }
}

/// Per-model scratch memory for ``CoxLikelihood``: one evaluation at a time.
final class CoxWorkspace {
  let eta: UnsafeMutableBufferPointer<Double>
  let risk: UnsafeMutableBufferPointer<Double>

  init(count: Int) {
    eta = .allocate(capacity: max(1, count))
    risk = .allocate(capacity: max(1, count))
    eta.initialize(repeating: 0)
    risk.initialize(repeating: 0)
  }

  deinit {
    eta.deallocate()
    risk.deallocate()
  }
}

/// Runs `body(0)` and `body(1)`, the two fixed halves of some work, on two cores when there are
/// at least 50,000 rows and one after the other below that (threads do not pay off there). The
/// halves are the same either way, so the results do not depend on the number of threads.
func inHalves(rows n: Int, _ body: @Sendable (Int) -> Void) {
  if n >= 50_000 {
    DispatchQueue.concurrentPerform(iterations: 2, execute: body)
  } else {
    body(0)
    body(1)
  }
}
