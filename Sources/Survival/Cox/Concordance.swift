/// Harrell's concordance index C for survival data and its infinitesimal-jackknife standard
/// error, as R survival 3.5-3 reports it for a Cox model (`coxph(...)$concordance`, computed by
/// `concordancefit(y, lp, strata, weights, timewt = "n", reverse = TRUE, timefix = FALSE)`).
///
/// **Pairs.** A pair of observations (i, j) in the same stratum is *comparable* when i has an
/// event at time tᵢ and j is still at risk then: tⱼ > tᵢ, or tⱼ = tᵢ with j censored (a subject
/// censored at the event time is taken to have outlived it). With (start, stop] data, j is at risk
/// at tᵢ when startⱼ < tᵢ ≤ stopⱼ: pairs are counted risk set by risk set, so a subject split into
/// several rows meets each event time in at most one of them. Observations in different strata are
/// never compared. Each pair counts with weight wᵢ·wⱼ.
///
/// **Counts** (R's names in brackets). Among comparable pairs, with the risk score meaning higher
/// hazard (the Cox linear predictor): the one with the event has the higher score: ``concordant``;
/// the lower score: ``discordant``; an equal score: ``tiedRisk`` [`tied.x`]. Two events at the
/// same time are not comparable: such pairs go to ``tiedTime`` [`tied.y`] when the scores differ
/// and to ``tiedBoth`` [`tied.xy`] when they are equal. Scores are tied only when they are equal
/// doubles (R ranks them with `match(x, sort(unique(x)))`, no tolerance); times are tied only when
/// equal (coxph has already merged near-equal times with `aeqSurv` before this step: apply
/// ``TimeFix`` first to reproduce that).
///
/// C = (concordant + tiedRisk/2) / (concordant + discordant + tiedRisk); time-tied pairs take no
/// part. Equivalently C = (d + 1)/2 with Somers' d = (concordant − discordant)/m, m the weighted
/// number of comparable pairs.
///
/// **Variance.** R reports the infinitesimal-jackknife (IJ) variance, not the older variance of
/// the equivalent Cox score statistic (concordancefit returns that one too, as `cvar`, but coxph
/// does not report it). For each observation i let cᵢ, dᵢ, tᵢ be the weighted number of
/// concordant, discordant and risk-tied partners it has, whether i is the one with the event or
/// the one at risk. Then ∂d/∂wᵢ = (cᵢ − dᵢ)/m − d·(cᵢ + dᵢ + tᵢ)/m, and with
///
///     Uᵢ = wᵢ · ∂d/∂wᵢ,   var(d) = Σᵢ Uᵢ²,   var(C) = var(d)/4,
///
/// ``stdErr`` = √var(C). Strata pool m and d; Uᵢ is R's `dfbeta`. Note that R squares wᵢ·∂d/∂wᵢ
/// (the vignette writes Σ wᵢ Uᵢ² with Uᵢ = ∂C/∂wᵢ, which is the same only for unit weights); this
/// type does what R's code does. Clusters (`cluster =`, which sums the Uᵢ within a cluster before
/// squaring) are not supported.
///
/// **Algorithm.** Within each stratum the observations are visited in decreasing time (censored
/// before events at a tied time), keeping two Fenwick trees over the ranks of the risk scores: the
/// weight of everyone at risk, and the weight of the events already visited. An event's counts are
/// read from the first tree; an observation's share as the partner at risk is the change in the
/// second tree between its entering and leaving the risk set. With (start, stop] data observations
/// leave the risk set when an event time reaches their start. Time O(n log n), memory O(n).
///
/// **Inputs that cannot be used.** Arrays of different lengths, NaN in any input, infinite times,
/// start ≥ stop, or negative or non-finite weights give NaN in every field. Usable data without a
/// comparable pair (no events, or no one at risk at any event) give the counts (zero, or only
/// time-tied pairs) with NaN ``concordance`` and ``stdErr``, where R gives NA.
///
/// References: Harrell FE Jr, Califf RM, Pryor DB, Lee KL, Rosati RA (1982). Evaluating the yield
/// of medical tests. *JAMA* 247:2543–2546. Therneau T, Atkinson E. *Concordance*, vignette of R
/// survival 3.5-3, section "Variance". Efron B (1982). *The Jackknife, the Bootstrap and Other
/// Resampling Plans*. SIAM (the infinitesimal jackknife).
public struct Concordance: Sendable {
  /// Harrell's C: the probability that, of a comparable pair, the one with the event has the higher
  /// risk score, risk ties counting one half.
  public let concordance: Double
  /// The infinitesimal-jackknife standard error of ``concordance`` (R's `std`).
  public let stdErr: Double
  /// Weighted number of comparable pairs where the event has the higher risk score
  /// (R `concordant`).
  public let concordant: Double
  /// Weighted number of comparable pairs where the event has the lower risk score
  /// (R `discordant`).
  public let discordant: Double
  /// Weighted number of comparable pairs with equal risk scores (R `tied.x`).
  public let tiedRisk: Double
  /// Weighted number of pairs of events at the same time with different risk scores
  /// (R `tied.y`).
  public let tiedTime: Double
  /// Weighted number of pairs of events at the same time with equal risk scores (R `tied.xy`).
  public let tiedBoth: Double

  /// Computes the concordance.
  /// - Parameters:
  ///   - time: follow-up (stop) times.
  ///   - event: true for an event, false for censored.
  ///   - riskScore: higher = higher hazard (the Cox linear predictor; centring does not matter).
  ///   - strata: stratum labels, or nil for one stratum.
  ///   - weights: case weights (finite, ≥ 0), or nil for all 1.
  ///   - start: entry times for (start, stop] data, or nil for right-censored data.
  ///   - cluster: cluster of each row, or nil: the influence values are summed within clusters
  ///     before squaring, as R does with `cluster()`.
  public init(
    time: [Double], event: [Bool], riskScore: [Double], strata: [Int]? = nil,
    weights: [Double]? = nil, start: [Double]? = nil, cluster: [Int]? = nil
  ) {
    let n = time.count
    guard Self.usable(time, event, riskScore, strata, weights, start),
      cluster.map({ $0.count == n && $0.allSatisfy { $0 >= 0 } }) ?? true
    else {
      self.init(nan: .nan, concordance: .nan, stdErr: .nan)
      return
    }
    var counter = ConcordanceCounter(
      time: time, event: event, risk: riskScore, strata: strata,
      weights: weights ?? [Double](repeating: 1, count: n), start: start, cluster: cluster)
    let r = counter.run()
    self.init(
      counts: (r.concordant, r.discordant, r.tiedRisk, r.tiedTime, r.tiedBoth),
      concordance: r.concordance, stdErr: r.stdErr)
  }

  private init(nan: Double, concordance: Double, stdErr: Double) {
    self.init(counts: (nan, nan, nan, nan, nan), concordance: concordance, stdErr: stdErr)
  }

  private init(
    counts: (Double, Double, Double, Double, Double), concordance: Double, stdErr: Double
  ) {
    (concordant, discordant, tiedRisk, tiedTime, tiedBoth) = counts
    self.concordance = concordance
    self.stdErr = stdErr
  }

  /// Whether the inputs have matching lengths and values the method can use.
  private static func usable(
    _ time: [Double], _ event: [Bool], _ risk: [Double], _ strata: [Int]?, _ weights: [Double]?,
    _ start: [Double]?
  ) -> Bool {
    let n = time.count
    guard event.count == n, risk.count == n else { return false }
    if let strata, strata.count != n { return false }
    if !time.allSatisfy(\.isFinite) || risk.contains(where: \.isNaN) { return false }
    if let weights {
      guard weights.count == n, weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return false }
    }
    if let start {
      guard start.count == n else { return false }
      for i in 0..<n where !(start[i].isFinite && start[i] < time[i]) { return false }
    }
    return true
  }
}

/// Two weight sums over the ranks 0..<size of the risk scores, both kept as Fenwick trees with the
/// weight at each rank and the total alongside, so that one walk gives the weight below, at and
/// above a rank: tree 0 holds everyone at risk, tree 1 the events already visited. The two trees
/// are interleaved (four slots per rank), since they are usually read and updated at the same rank
/// one after the other.
private struct RiskSetTrees {
  /// Slot 4k + t: Fenwick node k (1-based) of tree t; slot 4k + 2 + t: the weight at rank k − 1.
  private var slots: [Double]
  private var totals: (Double, Double) = (0, 0)
  private(set) var size = 0

  init(capacity: Int) {
    slots = [Double](repeating: 0, count: 4 * (capacity + 1))
  }

  /// Empties both trees and limits them to ranks 0..<size (size ≤ capacity).
  mutating func reset(size: Int) {
    self.size = size
    totals = (0, 0)
    for k in 0..<(4 * (size + 1)) { slots[k] = 0 }
  }

  /// Adds `w` at `rank` to tree `tree` (0 at risk, 1 events).
  mutating func add(_ tree: Int, _ rank: Int, _ w: Double) {
    if tree == 0 { totals.0 += w } else { totals.1 += w }
    let size = self.size
    slots.withUnsafeMutableBufferPointer { s in
      s[4 * (rank + 1) + 2 + tree] += w
      var k = rank + 1
      while k <= size {
        s[4 * k + tree] += w
        k += k & -k
      }
    }
  }

  /// Weight of tree `tree` at ranks below, equal to and above `rank`.
  func split(_ tree: Int, _ rank: Int) -> (below: Double, equal: Double, above: Double) {
    let total = tree == 0 ? totals.0 : totals.1
    return slots.withUnsafeBufferPointer { s in
      var below = 0.0
      var k = rank
      while k > 0 {
        below += s[4 * k + tree]
        k -= k & -k
      }
      let equal = s[4 * (rank + 1) + 2 + tree]
      return (below, equal, total - below - equal)
    }
  }
}

/// The pair counts and influence values of ``Concordance``. All per-observation arrays are kept in
/// visiting order (by stratum, decreasing time, censored before events, increasing risk score), so
/// the main pass reads them sequentially.
private struct ConcordanceCounter {
  /// Dense rank of the risk score within its stratum, in visiting order.
  private var rank: [Int] = []
  private var weight: [Double] = []
  private var time: [Double] = []
  private var event: [Bool] = []
  /// For (start, stop] data: visiting positions in order of decreasing start within each stratum.
  private var leaving: [Int]? = nil
  /// The entry time at each visiting position, for (start, stop] data.
  private var entry: [Double] = []
  /// First visiting position of each stratum, and one past the last.
  private var bounds: [Int] = [0]
  /// Number of distinct risk scores in each stratum.
  private var distinct: [Int] = []
  /// Per visiting position: weighted concordant, discordant and risk-tied partners (per unit own
  /// weight), whether the observation is the event or the one at risk.
  /// Cluster of each sorted observation (empty: every observation its own cluster).
  private var clusterOf: [Int] = []
  private var infC: [Double] = []
  private var infD: [Double] = []
  private var infT: [Double] = []
  private var concordant = 0.0
  private var discordant = 0.0
  private var tiedRisk = 0.0
  private var tiedTimeAll = 0.0  // all pairs of events at a tied time
  private var tiedBoth = 0.0

  private struct RiskKey {
    var stratum: Int
    var risk: Double
    var index: Int
  }
  private struct StopKey {
    var stratum: Int
    var time: Double
    var event: Bool
    var rank: Int
    var index: Int
  }
  private struct StartKey {
    var stratum: Int
    var start: Double
    var position: Int
  }

  init(
    time: [Double], event: [Bool], risk: [Double], strata: [Int]?, weights: [Double],
    start: [Double]?, cluster: [Int]?
  ) {
    let n = time.count
    var stratum = [Int](repeating: 0, count: n)
    if let strata {
      // Dense codes in increasing order of the labels.
      let labels = Array(Set(strata)).sorted()
      var code: [Int: Int] = [:]
      code.reserveCapacity(labels.count)
      for (k, s) in labels.enumerated() { code[s] = k }
      stratum = strata.map { code[$0] ?? 0 }
    }

    // Dense ranks of the risk scores within each stratum; equal doubles share a rank.
    var byRisk = (0..<n).map { RiskKey(stratum: stratum[$0], risk: risk[$0], index: $0) }
    byRisk.sort { a, b in
      if a.stratum != b.stratum { return a.stratum < b.stratum }
      if a.risk != b.risk { return a.risk < b.risk }
      return a.index < b.index
    }
    var rankOf = [Int](repeating: 0, count: n)
    var current = 0
    for k in 0..<n {
      let key = byRisk[k]
      if k > 0, byRisk[k - 1].stratum == key.stratum {
        if byRisk[k - 1].risk != key.risk { current += 1 }
        distinct[distinct.count - 1] = current + 1
      } else {
        current = 0
        distinct.append(1)
      }
      rankOf[key.index] = current
    }
    byRisk = []

    // Visiting order; the index last, for a deterministic order.
    var byStop = (0..<n).map {
      StopKey(stratum: stratum[$0], time: time[$0], event: event[$0], rank: rankOf[$0], index: $0)
    }
    byStop.sort { a, b in
      if a.stratum != b.stratum { return a.stratum < b.stratum }
      if a.time != b.time { return a.time > b.time }
      if a.event != b.event { return !a.event }
      if a.rank != b.rank { return a.rank < b.rank }
      return a.index < b.index
    }
    rank = byStop.map(\.rank)
    self.time = byStop.map(\.time)
    self.event = byStop.map(\.event)
    weight = byStop.map { weights[$0.index] }
    if let cluster { clusterOf = byStop.map { cluster[$0.index] } }
    for k in 1..<max(n, 1) where byStop[k].stratum != byStop[k - 1].stratum { bounds.append(k) }
    bounds.append(n)

    if let start {
      var position = [Int](repeating: 0, count: n)
      for (k, key) in byStop.enumerated() { position[key.index] = k }
      entry = byStop.map { start[$0.index] }
      var byStart = (0..<n).map {
        StartKey(stratum: stratum[$0], start: start[$0], position: position[$0])
      }
      byStart.sort { a, b in
        if a.stratum != b.stratum { return a.stratum < b.stratum }
        if a.start != b.start { return a.start > b.start }
        return a.position < b.position
      }
      leaving = byStart.map(\.position)
    }
    infC = [Double](repeating: 0, count: n)
    infD = infC
    infT = infC
  }

  mutating func run() -> (
    concordant: Double, discordant: Double, tiedRisk: Double, tiedTime: Double,
    tiedBoth: Double, concordance: Double, stdErr: Double
  ) {
    let n = rank.count
    guard n > 0 else { return (0, 0, 0, 0, 0, .nan, .nan) }
    var trees = RiskSetTrees(capacity: distinct.max() ?? 0)
    for (s, size) in distinct.enumerated() {
      trees.reset(size: size)
      countStratum(bounds[s]..<bounds[s + 1], &trees)
    }

    // Influence of each observation on Somers' d, with the pooled pair count (R's dfbeta).
    let pairs = concordant + discordant + tiedRisk
    let somers = (concordant - discordant) / pairs
    var sumSquares = 0.0
    var byCluster = [Double](repeating: 0, count: clusterOf.isEmpty ? 0 : (clusterOf.max() ?? 0) + 1)
    for k in 0..<n {
      let net = (infC[k] - infD[k]) / pairs
      let all = infC[k] + infD[k] + infT[k]
      let u = weight[k] * (net - somers / pairs * all)
      if clusterOf.isEmpty { sumSquares += u * u } else { byCluster[clusterOf[k]] += u }
    }
    for u in byCluster { sumSquares += u * u }
    let concordance = pairs > 0 ? (somers + 1) / 2 : .nan
    let stdErr = pairs > 0 ? (sumSquares / 4).squareRoot() : .nan
    return (
      concordant, discordant, tiedRisk, tiedTimeAll - tiedBoth, tiedBoth, concordance, stdErr
    )
  }

  /// One stratum, the visiting positions `range`.
  private mutating func countStratum(_ range: Range<Int>, _ trees: inout RiskSetTrees) {
    let atRisk = 0
    let events = 1
    // Partner influence: the events tree is read when an observation enters the risk set
    // (subtracted) and when it leaves it (added); the difference is the events it was at risk for.
    func leave(_ k: Int, _ trees: RiskSetTrees) {
      let s = trees.split(events, rank[k])
      infC[k] += s.above
      infD[k] += s.below
      infT[k] += s.equal
    }
    func enter(_ k: Int, _ trees: RiskSetTrees) {
      let s = trees.split(events, rank[k])
      infC[k] -= s.above
      infD[k] -= s.below
      infT[k] -= s.equal
    }

    var nextLeaving = range.lowerBound  // index into `leaving`, whose strata have the same bounds
    var k = range.lowerBound
    while k < range.upperBound {
      if !event[k] {
        enter(k, trees)
        trees.add(atRisk, rank[k], weight[k])
        k += 1
        continue
      }
      let t = time[k]
      var end = k
      while end < range.upperBound, time[end] == t { end += 1 }  // all events (censored sort first)

      // (start, stop] data: whoever entered at or after t is not at risk at t.
      if let leaving {
        while nextLeaving < range.upperBound, entry[leaving[nextLeaving]] >= t {
          let j = leaving[nextLeaving]
          leave(j, trees)
          trees.add(atRisk, rank[j], -weight[j])
          nextLeaving += 1
        }
      }

      // The events at t against those at risk, and among themselves (tied in time).
      var weightSoFar = 0.0
      var sameRankWeight = 0.0
      var currentRank = rank[k]
      for m in k..<end {
        let w = weight[m]
        tiedTimeAll += w * weightSoFar
        weightSoFar += w
        if rank[m] != currentRank {
          currentRank = rank[m]
          sameRankWeight = 0
        }
        tiedBoth += w * sameRankWeight
        sameRankWeight += w

        let s = trees.split(atRisk, rank[m])
        concordant += w * s.below
        discordant += w * s.above
        tiedRisk += w * s.equal
        infC[m] += s.below
        infD[m] += s.above
        infT[m] += s.equal
      }
      for m in k..<end { trees.add(events, rank[m], weight[m]) }
      // Then they join the risk set for earlier events.
      for m in k..<end {
        enter(m, trees)
        trees.add(atRisk, rank[m], weight[m])
      }
      k = end
    }

    // Close the influence of everyone still in the risk set.
    if let leaving {
      for m in nextLeaving..<range.upperBound { leave(leaving[m], trees) }
    } else {
      for m in range { leave(m, trees) }
    }
  }
}
