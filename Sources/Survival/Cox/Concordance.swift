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
    let oneStratum = strata.map { s in s.allSatisfy { $0 == s.first } } ?? true
    let unitWeights = weights.map { w in w.allSatisfy { $0 == 1 } } ?? true
    let r: ConcordanceCounter.Totals
    if oneStratum, unitWeights, start == nil, n < MergeCounter.maxCount {
      r = MergeCounter.run(time: time, event: event, risk: riskScore, cluster: cluster)
    } else {
      var counter = ConcordanceCounter(
        time: time, event: event, risk: riskScore, strata: strata,
        weights: weights ?? [Double](repeating: 1, count: n), start: start, cluster: cluster)
      r = counter.run()
    }
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

  /// The counts and results of a run.
  typealias Totals = (
    concordant: Double, discordant: Double, tiedRisk: Double, tiedTime: Double,
    tiedBoth: Double, concordance: Double, stdErr: Double
  )

  mutating func run() -> Totals {
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

/// The common case, unit weights in one stratum of right-censored data, counted by merge sort
/// instead of trees: the pair count of Knight's algorithm for Kendall's τ (Knight WR (1966). A
/// computer method for calculating Kendall's tau with ungrouped data. *JASA* 61:436–439), extended
/// to give every observation its own counts, as the variance needs.
///
/// The observations are put in visiting order (decreasing time, censored before events at a tied
/// time, increasing risk score, index) and given distinct keys that order them by risk score, ties
/// broken by visiting position. A pair (a, b), a visited before b, is comparable when b is an event
/// and a is not one of the events at b's time, so every comparable pair is one of an earlier and a
/// later row in visiting order whose keys are compared; the events at one time form a *block* that
/// is never split. A bottom-up merge sort by key over runs of whole blocks (the shortest runs
/// counted pair by pair) counts, while merging a left run into a right one, for each event b on the
/// right the rows on the left with a smaller key (B₁), and for each row a on the left the events on
/// the right with a smaller key (B₂). Only B₁ − B₂ is kept per row, packed with the key in one
/// 64-bit word, since with n₁ = rows before b's block and n₂ = events after a's block
///
///     net = concordant − discordant partners = 2(B₁ − B₂) − n₁ (if an event) + n₂ − ties,
///     all = concordant + discordant + risk-tied partners = n₁ (if an event) + n₂,
///
/// where ties are the comparable partners with an equal score (counted as concordant through the
/// tie-breaking of the keys), found by one scan over each run of equal scores. The counts are
/// integers, so the results are those of ``ConcordanceCounter`` to the bit. Time O(n log n) with
/// sequential memory access; the two sorts into order are radix sorts.
private enum MergeCounter {
  /// Above this many rows the keys and counts do not fit the 32-bit halves of a word.
  static let maxCount = 1 << 30

  /// Runs of at most this many rows are counted pair by pair before merging.
  private static let leafSize = 16

  /// The counts and results for unit weights, one stratum, right-censored data (n < maxCount).
  static func run(time: [Double], event: [Bool], risk: [Double], cluster: [Int]?)
    -> ConcordanceCounter.Totals
  {
    let n = time.count
    guard n > 0 else { return (0, 0, 0, 0, 0, .nan, .nan) }

    // Risk order: increasing score (-0.0 and 0.0 are one score), ties by index.
    let byRisk = RadixSort.descending(risk.map { -$0 + 0.0 }, group: [], groupCount: 1)
    // Visiting order: a stable sort by decreasing time of the censored, then the events, each in
    // risk order.
    var ordered: [Int] = []
    ordered.reserveCapacity(n)
    for i in byRisk where !event[i] { ordered.append(i) }
    for i in byRisk where event[i] { ordered.append(i) }
    let byTime = RadixSort.descending(ordered.map { time[$0] + 0.0 }, group: [], groupCount: 1)
    let visit = byTime.map { ordered[$0] }
    ordered = []
    var position = [Int](repeating: 0, count: n)
    for (p, i) in visit.enumerated() { position[i] = p }
    let isEvent = visit.map { event[$0] }

    // Blocks: blockStart[p] is the first position of p's block (p itself when censored).
    var blockStart = [Int32](repeating: 0, count: n)
    var tiedTimeAll = 0  // pairs of events at a tied time
    var p = 0
    while p < n {
      guard isEvent[p] else {
        blockStart[p] = Int32(truncatingIfNeeded: p)
        p += 1
        continue
      }
      let t = time[visit[p]]
      var end = p
      while end < n, isEvent[end], time[visit[end]] == t {
        blockStart[end] = Int32(truncatingIfNeeded: p)
        end += 1
      }
      tiedTimeAll += (end - p) * (end - p - 1) / 2
      p = end
    }

    // Keys: rank by score, ties by visiting position; positionOfKey is the inverse.
    var hasTies = false
    for k in 1..<n where risk[byRisk[k]] == risk[byRisk[k - 1]] {
      hasTies = true
      break
    }
    let positionOfKey =
      hasTies
      ? RadixSort.descending(visit.map { -risk[$0] + 0.0 }, group: [], groupCount: 1)
      : byRisk.map { position[$0] }
    position = []

    // Partners with an equal score, per position (T₁ + T₂), and their totals.
    var tiedPartners = [Int](repeating: 0, count: hasTies ? n : 0)
    var tiedRisk = 0
    var tiedBoth = 0
    if hasTies {
      var lo = 0
      while lo < n {
        let score = risk[visit[positionOfKey[lo]]]
        var hi = lo + 1
        while hi < n, risk[visit[positionOfKey[hi]]] == score { hi += 1 }
        if hi - lo > 1 {
          countTies(
            positionOfKey[lo..<hi], isEvent, blockStart, &tiedPartners, &tiedRisk, &tiedBoth)
        }
        lo = hi
      }
    }

    // The words: key·2 + event in the high half, B₁ − B₂ + 2³¹ in the low half.
    var words = [UInt64](repeating: 0, count: n)
    for (key, p) in positionOfKey.enumerated() {
      words[p] = UInt64(2 * key + (isEvent[p] ? 1 : 0)) << 32 | (1 << 31)
    }
    sortCounting(&words, blockStart)
    var net = [Int](repeating: 0, count: n)  // B₁ − B₂ by position
    for (key, word) in words.enumerated() {
      net[positionOfKey[key]] = Int(word & 0xFFFF_FFFF) - (1 << 31)
    }
    words = []

    // Totals: all comparable pairs m, and with Σ(B₁ − B₂) the pairs where the key rises.
    var events = 0
    var pairCount = 0
    var netSum = 0
    for p in 0..<n {
      netSum += net[p]
      if isEvent[p] {
        events += 1
        pairCount += Int(blockStart[p])
      }
    }
    let rising = (pairCount + netSum) / 2
    let concordant = Double(rising - tiedRisk)
    let discordant = Double(pairCount - rising)
    let tied = Double(tiedRisk)

    // Influence of each observation on Somers' d, as ConcordanceCounter.run computes it.
    let pairs = concordant + discordant + tied
    let somers = (concordant - discordant) / pairs
    var sumSquares = 0.0
    let clusterOf = cluster.map { c in visit.map { c[$0] } } ?? []
    var byCluster = [Double](repeating: 0, count: clusterOf.isEmpty ? 0 : (clusterOf.max() ?? 0) + 1)
    var eventsSeen = 0  // events at positions before the end of the current block
    p = 0
    while p < n {
      var end = p + 1
      if isEvent[p] {
        while end < n, blockStart[end] == blockStart[p], isEvent[end] { end += 1 }
        eventsSeen += end - p
      }
      let after = events - eventsSeen  // n₂: events after the block
      for k in p..<end {
        let before = isEvent[k] ? Int(blockStart[k]) : 0  // n₁
        let ties = hasTies ? tiedPartners[k] : 0
        let d = Double(2 * net[k] - before + after - ties) / pairs
        let all = Double(before + after)
        let u = d - somers / pairs * all
        if clusterOf.isEmpty { sumSquares += u * u } else { byCluster[clusterOf[k]] += u }
      }
      p = end
    }
    for u in byCluster { sumSquares += u * u }
    let concordance = pairs > 0 ? (somers + 1) / 2 : .nan
    let stdErr = pairs > 0 ? (sumSquares / 4).squareRoot() : .nan
    let both = Double(tiedBoth)
    return (concordant, discordant, tied, Double(tiedTimeAll) - both, both, concordance, stdErr)
  }

  /// One run of equal scores, its positions in increasing order: adds to `partners` each row's
  /// comparable partners in the run (T₁ as the event, T₂ as the one at risk), to `tiedRisk` the
  /// comparable pairs and to `tiedBoth` the pairs of events in one block.
  private static func countTies(
    _ run: ArraySlice<Int>, _ isEvent: [Bool], _ blockStart: [Int32], _ partners: inout [Int],
    _ tiedRisk: inout Int, _ tiedBoth: inout Int
  ) {
    // Forward: T₁ = earlier rows of the run outside the event's block; those inside are the
    // events of the run just before it in the same block.
    var block: Int32 = -1
    var sameBlock = 0
    for (j, p) in zip(0..., run) {
      guard isEvent[p] else {
        block = -1
        continue
      }
      if blockStart[p] != block {
        block = blockStart[p]
        sameBlock = 0
      }
      partners[p] += j - sameBlock
      tiedRisk += j - sameBlock
      tiedBoth += sameBlock
      sameBlock += 1
    }
    // Backward: T₂ = later events of the run outside the row's block.
    block = -1
    sameBlock = 0
    var eventsAfter = 0
    for p in run.reversed() {
      guard isEvent[p] else {
        block = -1
        partners[p] += eventsAfter
        continue
      }
      if blockStart[p] != block {
        block = blockStart[p]
        sameBlock = 0
      }
      partners[p] += eventsAfter - sameBlock
      eventsAfter += 1
      sameBlock += 1
    }
  }

  /// Sorts the words (in visiting order) by key, adding to each its B₁ − B₂: a bottom-up merge sort
  /// over runs of whole blocks.
  private static func sortCounting(_ words: inout [UInt64], _ blockStart: [Int32]) {
    let n = words.count
    // Leaves: whole blocks gathered up to leafSize rows (a longer block alone).
    var bounds = [0]
    var p = 0
    while p < n {
      var end = p + 1
      while end < n, blockStart[end] == blockStart[p] { end += 1 }
      if end - bounds[bounds.count - 1] > leafSize, p > bounds[bounds.count - 1] {
        bounds.append(p)
      }
      p = end
    }
    bounds.append(n)
    words.withUnsafeMutableBufferPointer { w in
      blockStart.withUnsafeBufferPointer { b in
        for r in 0..<(bounds.count - 1) { countLeaf(w, b, bounds[r], bounds[r + 1]) }
      }
    }

    var scratch = [UInt64](repeating: 0, count: n)
    while bounds.count > 2 {
      var next = [0]
      next.reserveCapacity(bounds.count / 2 + 2)
      words.withUnsafeBufferPointer { from in
        scratch.withUnsafeMutableBufferPointer { to in
          var r = 0
          while r + 2 < bounds.count {
            merge(from, to, bounds[r], bounds[r + 1], bounds[r + 2])
            next.append(bounds[r + 2])
            r += 2
          }
          if r + 1 < bounds.count {
            // An odd run at the end is copied.
            for k in bounds[r]..<bounds[r + 1] { to[k] = from[k] }
            next.append(bounds[r + 1])
          }
        }
      }
      swap(&words, &scratch)
      bounds = next
    }
  }

  /// Counts the pairs of a leaf run lo..<hi one by one and sorts it by insertion.
  private static func countLeaf(
    _ w: UnsafeMutableBufferPointer<UInt64>, _ blockStart: UnsafeBufferPointer<Int32>,
    _ lo: Int, _ hi: Int
  ) {
    for b in lo..<hi where w[b] & (1 << 32) != 0 {
      let first = Int(blockStart[b])
      guard first > lo else { continue }
      let y = w[b]
      var up: UInt64 = 0
      for a in lo..<first {
        let below = (w[a] &- y) >> 63  // as in merge
        up &+= below
        w[a] &-= 1 &- below
      }
      w[b] &+= up
    }
    guard hi - lo > 1 else { return }
    for k in (lo + 1)..<hi {
      let x = w[k]
      var j = k
      while j > lo, w[j - 1] > x {
        w[j] = w[j - 1]
        j -= 1
      }
      w[j] = x
    }
  }

  /// Merges the sorted runs lo..<mid and mid..<hi of `from` into `to`: each event of the right run
  /// gains the rows of the left run below it (B₁), each row of the left run loses the events of the
  /// right run below it (B₂).
  @inline(__always)
  private static func merge(
    _ from: UnsafeBufferPointer<UInt64>, _ to: UnsafeMutableBufferPointer<UInt64>,
    _ lo: Int, _ mid: Int, _ hi: Int
  ) {
    var i = lo
    var j = mid
    var o = lo
    var left: UInt64 = 0  // left rows already written
    var rightEvents: UInt64 = 0  // right events already written
    // Branch-free, since which run goes next is unpredictable: words are below 2⁶³, so the sign
    // bit of x − y tells x < y.
    while i < mid, j < hi {
      let x = from[i]
      let y = from[j]
      let isEvent = (y >> 32) & 1
      let takeLeft = (x &- y) >> 63
      let mask = 0 &- takeLeft
      to[o] = ((x &- rightEvents) & mask) | ((y &+ (left & (0 &- isEvent))) & ~mask)
      left &+= takeLeft
      rightEvents &+= (1 &- takeLeft) & isEvent
      i &+= Int(truncatingIfNeeded: takeLeft)
      j &+= Int(truncatingIfNeeded: 1 &- takeLeft)
      o &+= 1
    }
    while i < mid {
      to[o] = from[i] &- rightEvents
      i += 1
      o += 1
    }
    while j < hi {
      let y = from[j]
      to[o] = y &+ (left & (0 &- ((y >> 32) & 1)))
      j += 1
      o += 1
    }
  }
}
