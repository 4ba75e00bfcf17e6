import Foundation
import LinearAlgebra

/// The exact partial likelihood for tied event times: R `coxph(ties = "exact")`, SAS PHREG
/// `TIES=DISCRETE`, Stata `stcox, exactp`. At a time with d tied events among the m subjects at
/// risk, the contribution is the probability that exactly those d failed, among all C(m, d)
/// subsets of size d of the risk set, under the discrete-time logistic model:
///
///     L_t(β) = exp(Σ_{i∈D} ηᵢ) / Σ_{|S| = d, S ⊆ R} exp(Σ_{i∈S} ηᵢ),   ηᵢ = xᵢᵀβ.
///
/// The denominator is the elementary symmetric polynomial of degree d of the risks rᵢ = exp(ηᵢ).
/// It is computed by the recursion of Gail, Lubin & Rubinstein (1981, Biometrika 68:703–707):
/// with D(k, j) the sum over the k-subsets of the first j subjects,
/// D(k, j) = D(k, j − 1) + r_j D(k − 1, j − 1). The same recursion, differentiated, carries the
/// first derivatives D′(k, j) = Σ_S Π r · (Σ_{i∈S} xᵢ) and the second derivatives, so the score is
/// Σ_{i∈D} xᵢ − D′/D and the information D″/D − (D′/D)(D′/D)ᵀ, the covariance of Σ_{i∈S} xᵢ
/// over the subsets weighted by their risk.
///
/// Cost. Subjects are added to the recursion in decreasing time, so for right-censored data the
/// risk set of each time extends the previous one and one pass per stratum serves every time, as
/// in survival's `coxexact.c`: O(n_s · d_max · p²) per stratum, with d_max the largest number of
/// tied events at that time or an earlier one, and O(d_max · p²) memory (R's memo table takes
/// O(n_s · d_max · p²) memory and recurses n_s deep). Untied data cost O(n p²), as the Efron
/// kernel. With (start, stop] data a subject leaves the risk set once t ≤ start, which the
/// recursion cannot undo: it is rebuilt from the rows at risk at the first event time after a
/// departure, O(m_t · d_max · p²) each time, and continues incrementally until the next departure
/// (R's `agexact.c` enumerates all C(m_t, d_t) subsets at every event time).
///
/// Numerical range. Covariates are centred at their means first; that multiplies every subset
/// product of a time by the same factor, so the likelihood, score and information are unchanged
/// (R centres and scales them, which is equally harmless). exp(η) is carried as a significand and
/// a power of two, and each level k of the recursion keeps its own power-of-two exponent, so
/// neither large |η| nor the combinatorial size of D (C(3000, 1500) ≈ 10⁹⁰¹ at β = 0) overflows
/// or underflows; R returns −∞ there.
///
/// Case weights: survival refuses weights other than 1 with the exact method ("Case weights are
/// not supported for the exact method") and so does this type: weights that are all exactly 1 are
/// accepted and ignored, anything else throws. Strata: each stratum has its own risk sets; tied
/// events never cross strata.
struct CoxExactLikelihood {
  let data: CoxData
  let n: Int
  let p: Int
  /// Centred design, row-major (row i at i·p).
  let xc: [Double]
  /// The column means the covariates were centred at (unweighted: weights are all 1).
  let means: [Double]
  /// Per stratum, the distinct stop times by decreasing time.
  let blocks: [[Block]]
  /// Per stratum, rows by decreasing start ((start, stop] data only).
  let byStart: [[Int]]
  /// The largest number of tied events at one time.
  let maxTied: Int

  /// The rows sharing one stop time in one stratum.
  struct Block {
    let time: Double
    /// Every row with this stop time.
    let rows: [Int]
    /// The rows among them with an event.
    let events: [Int]
    /// The largest number of tied events at this or any earlier time of the stratum: the levels of
    /// the recursion still needed once these rows are in.
    let levelsNeeded: Int
  }

  /// The kernel for `data`.
  /// - Throws: ``CoxError/invalidData(_:)`` when a case weight is not 1 (R refuses case weights
  ///   with the exact method).
  init(data: CoxData) throws(CoxError) {
    if let w = data.weights, w.contains(where: { $0 != 1 }) {
      throw .invalidData(
        "case weights are not supported with exact ties (as in R survival); use Efron or Breslow ties, or drop the weights")
    }
    self.data = data
    n = data.count
    p = data.columns
    var means = [Double](repeating: 0, count: p)
    var xc = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      var s = 0.0
      for i in 0..<n { s += data.x[i, j] }
      means[j] = n > 0 ? s / Double(n) : 0
      for i in 0..<n { xc[i * p + j] = data.x[i, j] - means[j] }
    }
    self.means = means
    self.xc = xc

    // Group rows by stratum (any integer codes), then by decreasing stop time.
    var rowsOf: [Int: [Int]] = [:]
    for i in 0..<n { rowsOf[data.strata[i], default: []].append(i) }
    var blocks: [[Block]] = []
    var byStart: [[Int]] = []
    var maxTied = 0
    for key in rowsOf.keys.sorted() {
      let rows = (rowsOf[key] ?? []).sorted { data.stop[$0] > data.stop[$1] }
      var raw: [(Double, [Int], [Int])] = []
      var next = 0
      while next < rows.count {
        let t = data.stop[rows[next]]
        var members: [Int] = []
        var events: [Int] = []
        while next < rows.count && data.stop[rows[next]] == t {
          members.append(rows[next])
          if data.event[rows[next]] { events.append(rows[next]) }
          next += 1
        }
        raw.append((t, members, events))
      }
      var needed = [Int](repeating: 0, count: raw.count)
      var running = 0
      for b in raw.indices.reversed() {
        running = max(running, raw[b].2.count)
        needed[b] = running
      }
      maxTied = max(maxTied, running)
      blocks.append(
        raw.indices.map { Block(time: raw[$0].0, rows: raw[$0].1, events: raw[$0].2, levelsNeeded: needed[$0]) })
      if let start = data.start {
        byStart.append(rows.sorted { start[$0] > start[$1] })
      } else {
        byStart.append([])
      }
    }
    self.blocks = blocks
    self.byStart = byStart
    self.maxTied = maxTied
  }

  /// The log partial likelihood at `beta`, with score and information (p×p, row-major) when
  /// `derivatives`; the same numbers as R's `coxph(ties = "exact")` at that β.
  func evaluate(_ beta: [Double], derivatives: Bool = true) -> CoxLikelihood.Value {
    var eta = [Double](repeating: 0, count: n)
    var significand = [Double](repeating: 1, count: n)
    var exponent = [Int](repeating: 0, count: n)
    for i in 0..<n {
      var s = 0.0
      for j in 0..<p { s += xc[i * p + j] * beta[j] }
      eta[i] = s
      (significand[i], exponent[i]) = Self.split(s)
    }
    var table = Recursion(levels: maxTied, p: p, derivatives: derivatives)
    var loglik = 0.0
    var u = [Double](repeating: 0, count: p)
    var imat = [Double](repeating: 0, count: p * p)

    func addEvents(_ events: [Int]) {
      let d = events.count
      for i in events {
        loglik += eta[i]
        for j in 0..<p { u[j] += xc[i * p + j] }
      }
      loglik -= table.logValue(d)
      guard derivatives else { return }
      let v = table.value[d]
      var a = [Double](repeating: 0, count: p)
      for j in 0..<p {
        a[j] = table.first[d * p + j] / v
        u[j] -= a[j]
      }
      for j in 0..<p {
        for l in 0...j {
          imat[j * p + l] += table.second[d * table.q + Recursion.packed(j, l)] / v - a[j] * a[l]
        }
      }
    }

    // Where each row sits in the current risk set ((start, stop] data), −1 when not at risk.
    var position = [Int](repeating: -1, count: data.start == nil ? 0 : n)
    for s in blocks.indices {
      // Subjects enter the recursion in decreasing time, so each risk set extends the previous
      // one and one pass serves every time, with the levels the remaining times need. With
      // (start, stop] data a subject also leaves once t ≤ start; the recursion cannot remove it,
      // so it is rebuilt from the rows at risk at the next event time, and continues from there.
      var atRisk: [Int] = []
      var out = 0
      let leaving = byStart[s]
      var stale = false
      table.reset()
      for block in blocks[s] {
        for i in block.rows {
          if data.start != nil {
            position[i] = atRisk.count
            atRisk.append(i)
          }
          if !stale {
            table.add(
              xc, row: i, significand: significand[i], exponent: exponent[i], upTo: block.levelsNeeded)
          }
        }
        if let start = data.start {
          while out < leaving.count && start[leaving[out]] >= block.time {
            let i = leaving[out]
            let k = position[i]
            if k >= 0, let last = atRisk.last {
              atRisk[k] = last
              position[last] = k
              atRisk.removeLast()
              position[i] = -1
              stale = true
            }
            out += 1
          }
        }
        guard !block.events.isEmpty else { continue }
        if stale {
          table.reset()
          for i in atRisk {
            table.add(
              xc, row: i, significand: significand[i], exponent: exponent[i], upTo: block.levelsNeeded)
          }
          stale = false
        }
        addEvents(block.events)
      }
    }
    if derivatives {
      for j in 0..<p { for l in 0..<j { imat[l * p + j] = imat[j * p + l] } }
    }
    return CoxLikelihood.Value(loglik: loglik, score: u, information: imat)
  }

  /// exp(η) as significand × 2^exponent, exact for ordinary η and without overflow for any η.
  static func split(_ eta: Double) -> (Double, Int) {
    if abs(eta) < 700 {
      let r = exp(eta)
      return (r.significand, Int(r.exponent))
    }
    let e = (eta / M_LN2).rounded(.down)
    return (exp(eta - e * M_LN2), Int(e))
  }

  /// The recursion's state: for each level k ≤ `levels`, the sum over the k-subsets of the
  /// subjects added so far of their risk products (`value`), of risk product × Σx (`first`, p per
  /// level) and of risk product × (Σx)(Σx)ᵀ (`second`, lower triangle packed, q per level), all
  /// three scaled by 2^−`scale[k]` so that `value[k]` stays near 1.
  struct Recursion {
    let levels: Int
    let p: Int
    let q: Int
    let derivatives: Bool
    var value: [Double]
    var first: [Double]
    var second: [Double]
    var scale: [Int]
    /// Subjects added since the last reset.
    var count = 0

    init(levels: Int, p: Int, derivatives: Bool) {
      self.levels = levels
      self.p = p
      q = p * (p + 1) / 2
      self.derivatives = derivatives
      value = [Double](repeating: 0, count: levels + 1)
      first = [Double](repeating: 0, count: derivatives ? (levels + 1) * p : 0)
      second = [Double](repeating: 0, count: derivatives ? (levels + 1) * p * (p + 1) / 2 : 0)
      scale = [Int](repeating: 0, count: levels + 1)
      reset()
    }

    /// Index of (j, l), l ≤ j, in a packed lower triangle.
    static func packed(_ j: Int, _ l: Int) -> Int { j * (j + 1) / 2 + l }

    /// Empties the risk set: only the empty subset, with product 1.
    mutating func reset() {
      count = 0
      value[0] = 1
      scale[0] = 0
    }

    /// log D(k) for the subjects added so far.
    func logValue(_ k: Int) -> Double {
      log(value[k]) + Double(scale[k]) * M_LN2
    }

    /// Multiplies level k by 2^e (exactly, or to 0 when negligible).
    mutating func rescale(_ k: Int, by e: Int) {
      value[k] = Double(sign: .plus, exponent: e, significand: value[k])
      guard derivatives else { return }
      for j in 0..<p { first[k * p + j] = Double(sign: .plus, exponent: e, significand: first[k * p + j]) }
      for j in 0..<q { second[k * q + j] = Double(sign: .plus, exponent: e, significand: second[k * q + j]) }
    }

    /// Adds subject `row` (risk significand × 2^exponent) to the risk set, updating the levels up
    /// to `upTo`: D(k) += r · D(k − 1), from the top level down so that D(k − 1) is still the value
    /// without this subject.
    mutating func add(_ xc: [Double], row: Int, significand: Double, exponent: Int, upTo: Int) {
      let top = min(count + 1, upTo, levels)
      let base = row * p
      var k = top
      while k >= 1 {
        var factor = significand
        if k > count {
          // First subset of this size: the level starts empty, at the scale of the new term.
          value[k] = 0
          if derivatives {
            for j in 0..<p { first[k * p + j] = 0 }
            for j in 0..<q { second[k * q + j] = 0 }
          }
          scale[k] = scale[k - 1] + exponent
        } else {
          let shift = scale[k - 1] + exponent - scale[k]
          if shift > 0 {
            rescale(k, by: -shift)
            scale[k] += shift
          } else {
            factor = Double(sign: .plus, exponent: shift, significand: significand)
          }
        }
        let below = value[k - 1]
        value[k] += factor * below
        if derivatives {
          let fk = k * p
          let fb = (k - 1) * p
          let sk = k * q
          let sb = (k - 1) * q
          for j in 0..<p {
            let xj = xc[base + j]
            let gj = first[fb + j]
            first[fk + j] += factor * (gj + xj * below)
            for l in 0...j {
              let xl = xc[base + l]
              second[sk + Self.packed(j, l)] +=
                factor * (second[sb + Self.packed(j, l)] + xj * first[fb + l] + xl * gj + xj * xl * below)
            }
          }
        }
        // Keep value[k] near 1; the derivative sums are bounded by it times powers of max |x|.
        let e = Int(value[k].exponent)
        if value[k] > 0 && abs(e) > 64 {
          rescale(k, by: -e)
          scale[k] += e
        }
        k -= 1
      }
      count += 1
    }
  }
}
