import Foundation
import LinearAlgebra

/// The test of proportional hazards of a fitted Cox model, as R survival 3.x's `cox.zph` computes
/// it: for each term, and for all terms together (GLOBAL), a score test of whether the coefficient
/// drifts with a function g(t) of time.
///
/// Method (Grambsch PM, Therneau TM (1994), Proportional hazards tests and diagnostics based on
/// weighted residuals, *Biometrika* 81:515–526; the exact form is the one of survival 3.0 and
/// later, described in Therneau's `noweb/zph.Rnw` and computed by its C routines `zph1.c` and
/// `zph2.c`). Each covariate column xⱼ is paired with a new column g(t)·xⱼ, giving the model
/// β(t) = β + θ g(t). At (β̂, θ = 0) the score for β is zero, so the test needs only the score for
/// θ, U_θ = Σ over events g(tᵢ)·wᵢ(xᵢ − x̄(tᵢ)), and the 2p × 2p information
///
///     H = [ ΣV(t)      Σg(t)V(t)  ]
///         [ Σg(t)V(t)  Σg²(t)V(t) ],
///
/// where V(t) is the weighted covariance of x over the risk set at the event time t (Efron's or
/// Breslow's handling of ties, as in the fit). The statistic is uᵀH⁻¹u with u = (0, U_θ); for a
/// term, H and u are restricted to all p columns of β and the term's columns of θ, with as many
/// degrees of freedom as the term has columns (a factor is tested jointly). Unlike the
/// approximation of the 1994 paper (and of survival before 3.0), V(t) is not assumed constant in
/// time, so H's off-diagonal block is kept.
///
/// g(t) is the transform of the follow-up (stop) times: `km` (default) 1 − S(t−) from the
/// left-continuous Kaplan–Meier curve of all the data pooled (ignoring strata and case weights),
/// `rank` the average rank of t among all rows, `identity` t, `log` log t. As R does, g is centred
/// at its unweighted mean over the events' rows (which changes H's conditioning, not the test).
/// Strata, case weights and (start, stop] data are handled as in the fit: risk sets are formed
/// within strata, weighted, and made of the intervals with start < t ≤ stop.
public struct ProportionalHazardsTest: Sendable {
  /// The function of time the coefficients are allowed to drift with.
  public enum Transform: String, CaseIterable, Sendable {
    /// 1 − the left-continuous pooled Kaplan–Meier estimate, 1 − S(t−) (R's default).
    case km
    /// The rank of the time among all rows (ties averaged).
    case rank
    /// The time itself.
    case identity
    /// The logarithm of the time (times must be positive).
    case log
  }

  /// The test of one term.
  public struct Term: Sendable {
    /// The term's name (`age`, `celltype`).
    public let name: String
    /// The score statistic.
    public let chiSquare: Double
    /// Degrees of freedom: the number of the term's columns.
    public let df: Int
    /// P(χ²_df ≥ chiSquare).
    public let p: Double
  }

  /// The transform used.
  public let transform: Transform
  /// One test per term, in the model's order.
  public let terms: [Term]
  /// The test of all terms together.
  public let global: ChiSquareTest

  /// Tests `model` on the data it was fitted to.
  /// - Throws: ``CoxError/invalidData(_:)`` when the model and the data disagree or the `log`
  ///   transform meets a zero time; ``CoxError/noEvents``; ``CoxError/singularInformation`` when
  ///   the information of the extended model is singular (for instance all events at one time, so
  ///   that g(t) is constant).
  public init(model: CoxModel, transform: Transform = .km) throws(CoxError) {
    let data = model.data
    let p = data.columns
    guard p > 0 else { throw .noCovariates }
    guard model.coefficients.count == p, model.columnNames == data.columnNames else {
      throw .invalidData("the model was not fitted to these data (its columns differ)")
    }
    guard data.event.contains(true) else { throw .noEvents }
    let g = try Self.centredTransform(data, transform)
    let (u, h) = Self.scoreAndInformation(
      data, coefficients: model.coefficients, ties: model.options.ties, g: g)

    var terms: [Term] = []
    for term in model.terms {
      let indices = Array(0..<p) + term.columns.map { p + $0 }
      let statistic = try Self.quadraticForm(u, h, size: 2 * p, indices: indices)
      let df = term.columns.count
      terms.append(
        Term(name: term.name, chiSquare: statistic, df: df, p: ChiSquare.upperTail(statistic, df: df)))
    }
    let all = try Self.quadraticForm(u, h, size: 2 * p, indices: Array(0..<(2 * p)))
    self.transform = transform
    self.terms = terms
    global = ChiSquareTest(all, df: p)
  }

  // MARK: - g(t)

  /// g at each row's stop time, minus its mean over the rows that end in an event.
  static func centredTransform(_ data: CoxData, _ transform: Transform) throws(CoxError) -> [Double] {
    let n = data.count
    var values: [Double]
    switch transform {
    case .identity:
      values = data.stop
    case .log:
      values = data.stop.map { Foundation.log($0) }
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw .invalidData(
          "the log transform needs positive times (row \(bad + 1) has time \(data.stop[bad]))")
      }
    case .rank:
      values = averageRanks(data.stop)
    case .km:
      values = oneMinusLeftKaplanMeier(data)
    }
    var sum = 0.0
    var events = 0
    for i in 0..<n where data.event[i] {
      sum += values[i]
      events += 1
    }
    let mean = sum / Double(events)
    for i in 0..<n { values[i] -= mean }
    return values
  }

  /// Ranks 1…n with ties given the mean of the positions they share.
  static func averageRanks(_ x: [Double]) -> [Double] {
    let order = x.indices.sorted { x[$0] < x[$1] }
    var ranks = [Double](repeating: 0, count: x.count)
    var first = 0
    while first < order.count {
      var last = first
      while last + 1 < order.count && x[order[last + 1]] == x[order[first]] { last += 1 }
      let rank = Double(first + last + 2) / 2
      for k in first...last { ranks[order[k]] = rank }
      first = last + 1
    }
    return ranks
  }

  /// 1 − S(t−) at each row's stop time t, S being the product-limit estimate of all rows pooled,
  /// unweighted and unstratified, with (start, stop] risk sets when there are entry times.
  static func oneMinusLeftKaplanMeier(_ data: CoxData) -> [Double] {
    let n = data.count
    let byStop = (0..<n).sorted { data.stop[$0] < data.stop[$1] }
    // Distinct event times ascending, with their event counts.
    var eventTimes: [Double] = []
    var deaths: [Int] = []
    for i in byStop where data.event[i] {
      if eventTimes.last == data.stop[i] {
        deaths[deaths.count - 1] += 1
      } else {
        eventTimes.append(data.stop[i])
        deaths.append(1)
      }
    }
    // Number at risk at each event time t: rows with stop ≥ t, less those with start ≥ t.
    var atRisk = [Int](repeating: 0, count: eventTimes.count)
    var k = n
    for e in stride(from: eventTimes.count - 1, through: 0, by: -1) {
      while k > 0 && data.stop[byStop[k - 1]] >= eventTimes[e] { k -= 1 }
      atRisk[e] = n - k
    }
    if let start = data.start {
      let starts = start.sorted()
      var m = n
      for e in stride(from: eventTimes.count - 1, through: 0, by: -1) {
        while m > 0 && starts[m - 1] >= eventTimes[e] { m -= 1 }
        atRisk[e] -= n - m
      }
    }
    // S just after each event time.
    var after = [Double](repeating: 1, count: eventTimes.count)
    var s = 1.0
    for e in eventTimes.indices {
      s *= 1 - Double(deaths[e]) / Double(atRisk[e])
      after[e] = s
    }
    // S(t−) is S after the last event time strictly before t.
    var values = [Double](repeating: 0, count: n)
    var e = 0
    for i in byStop {
      while e < eventTimes.count && eventTimes[e] < data.stop[i] { e += 1 }
      values[i] = 1 - (e == 0 ? 1 : after[e - 1])
    }
    return values
  }

  // MARK: - Score and information of the extended model

  /// U_θ (p) and the 2p × 2p information H (row-major) at (β̂, θ = 0).
  static func scoreAndInformation(
    _ data: CoxData, coefficients beta: [Double], ties: CoxTies, g: [Double]
  ) -> (u: [Double], h: [Double]) {
    let n = data.count
    let p = data.columns
    let w = data.weights ?? [Double](repeating: 1, count: n)
    // Centre the columns (unweighted means): the sums lose less to cancellation, and neither the
    // score nor the information changes.
    var xc = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      var mean = 0.0
      for i in 0..<n { mean += data.x[i, j] }
      mean /= Double(n)
      for i in 0..<n { xc[i * p + j] = data.x[i, j] - mean }
    }
    var risk = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var eta = 0.0
      for j in 0..<p { eta += xc[i * p + j] * beta[j] }
      risk[i] = w[i] * exp(eta)
    }
    var rows = Array(repeating: [Int](), count: (data.strata.max() ?? 0) + 1)
    for i in 0..<n { rows[data.strata[i]].append(i) }

    var u = [Double](repeating: 0, count: p)
    var h = [Double](repeating: 0, count: 4 * p * p)
    let size = 2 * p
    var s1 = [Double](repeating: 0, count: p)
    var s2 = [Double](repeating: 0, count: p * p)
    var e1 = [Double](repeating: 0, count: p)
    var e2 = [Double](repeating: 0, count: p * p)
    var piece = [Double](repeating: 0, count: p)
    var v = [Double](repeating: 0, count: p * p)
    var mean = [Double](repeating: 0, count: p)

    func add(_ i: Int, sign: Double, _ s0: inout Double, _ s1: inout [Double], _ s2: inout [Double]) {
      let r = sign * risk[i]
      let row = i * p
      s0 += r
      for j in 0..<p {
        let rj = r * xc[row + j]
        s1[j] += rj
        for k in 0...j { s2[j * p + k] += rj * xc[row + k] }
      }
    }

    for stratum in rows where !stratum.isEmpty {
      let byStop = stratum.sorted { data.stop[$0] > data.stop[$1] }
      let byStart = data.start.map { start in stratum.sorted { start[$0] > start[$1] } } ?? []
      var s0 = 0.0
      for j in 0..<p { s1[j] = 0 }
      for j in 0..<(p * p) { s2[j] = 0 }
      var inRisk = 0
      var next = 0
      var out = 0
      while next < byStop.count {
        let t = data.stop[byStop[next]]
        // Enter every row ending at t; keep the events' own sums apart for Efron.
        var e0 = 0.0
        for j in 0..<p { e1[j] = 0; piece[j] = 0 }
        for j in 0..<(p * p) { e2[j] = 0 }
        var deaths = 0
        var deathWeight = 0.0
        var gt = 0.0
        while next < byStop.count && data.stop[byStop[next]] == t {
          let i = byStop[next]
          add(i, sign: 1, &s0, &s1, &s2)
          inRisk += 1
          if data.event[i] {
            deaths += 1
            deathWeight += w[i]
            gt = g[i]
            add(i, sign: 1, &e0, &e1, &e2)
            for j in 0..<p { piece[j] += w[i] * xc[i * p + j] }
          }
          next += 1
        }
        // Leave: intervals starting at or after t are not at risk at t.
        if let start = data.start {
          while out < byStart.count && start[byStart[out]] >= t {
            add(byStart[out], sign: -1, &s0, &s1, &s2)
            inRisk -= 1
            out += 1
          }
          if inRisk == 0 {
            // Nobody left: clear the rounding residue of the subtractions.
            s0 = 0
            for j in 0..<p { s1[j] = 0 }
            for j in 0..<(p * p) { s2[j] = 0 }
          }
        }
        guard deaths > 0 else { continue }
        // Efron: the tied events leave the risk set in equal fractions; Breslow: one step.
        for j in 0..<(p * p) { v[j] = 0 }
        let m = ties == .efron ? deaths : 1
        let stepWeight = deathWeight / Double(m)
        for k in 0..<m {
          let f = Double(k) / Double(m)
          let d0 = s0 - f * e0
          for j in 0..<p {
            mean[j] = (s1[j] - f * e1[j]) / d0
            piece[j] -= stepWeight * mean[j]
          }
          for j in 0..<p {
            for l in 0...j {
              v[j * p + l] += stepWeight * ((s2[j * p + l] - f * e2[j * p + l]) / d0 - mean[j] * mean[l])
            }
          }
        }
        // Lower triangle of H: H₁₁ and H₂₂ in their lower halves, H₂₁ (rows p…) in full.
        for j in 0..<p {
          u[j] += gt * piece[j]
          for l in 0...j {
            let x = v[j * p + l]
            h[j * size + l] += x
            h[(p + j) * size + l] += gt * x
            if l != j { h[(p + l) * size + j] += gt * x }
            h[(p + j) * size + p + l] += gt * gt * x
          }
        }
      }
    }
    for c in 0..<size {
      for r in 0..<c { h[r * size + c] = h[c * size + r] }
    }
    return (u, h)
  }

  // MARK: - The statistic

  /// uᵀH⁻¹u restricted to `indices`, H being `size`×`size` row-major. H is scaled to unit
  /// diagonal first (the statistic is unchanged), since its blocks can differ by orders of
  /// magnitude when g(t) is the time itself.
  static func quadraticForm(_ u: [Double], _ h: [Double], size: Int, indices: [Int]) throws(CoxError)
    -> Double
  {
    let p = size / 2
    let k = indices.count
    var scale = [Double](repeating: 1, count: k)
    for (a, r) in indices.enumerated() {
      let d = h[r * size + r]
      guard d > 0, d.isFinite else { throw .singularInformation }
      scale[a] = d.squareRoot()
    }
    var sub = [Double](repeating: 0, count: k * k)
    var rhs = [Double](repeating: 0, count: k)
    for (a, r) in indices.enumerated() {
      rhs[a] = (r >= p ? u[r - p] : 0) / scale[a]
      for (b, c) in indices.enumerated() { sub[a + b * k] = h[r * size + c] / (scale[a] * scale[b]) }
    }
    let solution: [Double]
    do {
      let matrix = try Matrix(rows: k, columns: k, columnMajor: sub)
      solution = try Cholesky(matrix).solve(rhs)
    } catch {
      throw .singularInformation
    }
    var statistic = 0.0
    for a in 0..<k { statistic += rhs[a] * solution[a] }
    return statistic
  }
}
