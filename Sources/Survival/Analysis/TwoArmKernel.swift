import Foundation

/// The numbers of one two-arm comparison, without labels: what ``TwoArmComparison`` holds and
/// what each simulated trial is summarised by. Arm 1 is compared with arm 0.
public struct TwoArmEstimates: Sendable, Equatable {
  /// Patients in arm 0 and in arm 1.
  public var patients0 = 0
  /// Patients in arm 1.
  public var patients1 = 0
  /// Events in arm 0.
  public var events0 = 0
  /// Events in arm 1.
  public var events1 = 0
  /// Kaplan–Meier median of arm 0 (nil: not reached).
  public var median0: Double? = nil
  /// Kaplan–Meier median of arm 1 (nil: not reached).
  public var median1: Double? = nil
  /// Log-rank z of arm 1 against arm 0, unstratified (negative: lower hazard in arm 1).
  public var logRankZ = Double.nan
  /// Its two-sided p-value.
  public var logRankP = Double.nan
  /// The stratified log-rank z, when asked for.
  public var stratifiedLogRankZ: Double? = nil
  /// Its two-sided p-value.
  public var stratifiedLogRankP: Double? = nil
  /// Cox hazard ratio of arm 1 against arm 0 (nil when the fit runs away).
  public var hazardRatio: Double? = nil
  /// Lower Wald limit of the hazard ratio.
  public var hazardRatioLower: Double? = nil
  /// Upper Wald limit of the hazard ratio.
  public var hazardRatioUpper: Double? = nil

  /// Nothing computed yet.
  public init() {}
}

/// Why a two-arm comparison has no result.
public enum TwoArmFailure: Error, Sendable, Equatable {
  /// The arm (0 or 1) has no subjects.
  case emptyArm(Int)
  /// No events at all.
  case noEvents
  /// The log-rank statistic has no variance.
  case zeroVariance
  /// Stratified, and every stratum holds one arm only.
  case noMixedStratum
}

/// The two-arm comparison of ``TwoArmComparison`` as a reusable kernel: rows are appended, then
/// ``compare(stratified:level:)`` sorts them once by decreasing time (a stable merge sort),
/// merges near-tied times as R's timefix (``TimeFix``), and computes in single passes the
/// Kaplan–Meier medians by R's quantile rule (the midpoint rule of ``KaplanMeier/quantiles(_:type:level:)``), the
/// log-rank test unstratified and stratified (hypergeometric variance at ties, as survdiff), and
/// the Cox hazard ratio by R's Newton–Raphson (coxfit6: start at 0, step-halving, relative change
/// in log-likelihood ≤ 1e-9, at most 20 iterations, Efron ties, stratified when asked).
///
/// For the Cox model the rows are aggregated once into one record per (time, stratum) with its
/// entries and deaths per arm, so that each Newton iteration is one pass over distinct times with
/// x ∈ {0, 1} (the information at a death is a(1 − a) for the risk-set mean a). The buffers are
/// kept between comparisons: a simulation that reuses one kernel per thread allocates nothing per
/// trial.
public struct TwoArmKernel: Sendable {
  struct Row {
    var time: Double
    var stratum: Int32
    var arm: UInt8
    var event: Bool
  }

  /// One (time, stratum) of the Cox pass: subjects entering the risk set per arm, deaths per arm.
  struct CoxRecord {
    var stratum: Int32
    var deaths: Int32
    var enter0: Double
    var enter1: Double
    var deaths0: Double
    var deaths1: Double
  }

  private var rows: [Row] = []
  private var scratch: [Row] = []
  private var counts: [Int] = []
  private var records: [CoxRecord] = []
  private var accumulators: [Double] = []
  private var touched: [Int32] = []
  private var strata = 1
  private var cachedLevel = Double.nan
  private var cachedCritical = Double.nan

  /// An empty kernel with room for `capacity` rows.
  public init(capacity: Int = 0) {
    rows.reserveCapacity(max(0, capacity))
  }

  /// Rows appended since the last ``removeAll()``.
  public var count: Int { rows.count }

  /// Forgets the rows, keeping the buffers.
  public mutating func removeAll() {
    rows.removeAll(keepingCapacity: true)
  }

  /// Appends a subject. Times must be finite; `arm` 0 is the reference and any other value counts
  /// as arm 1; a negative stratum counts as stratum 0.
  public mutating func append(time: Double, event: Bool, arm: Int, stratum: Int) {
    rows.append(Row(time: time, stratum: Int32(clamping: max(0, stratum)), arm: arm == 0 ? 0 : 1, event: event))
  }

  /// Compares the arms of the rows appended. `stratified`: compute the stratified log-rank test
  /// and stratify the Cox model. `level`: of the hazard ratio's Wald interval.
  public mutating func compare(stratified: Bool, level: Double = 0.95) -> Result<TwoArmEstimates, TwoArmFailure> {
    var out = TwoArmEstimates()
    var maxStratum: Int32 = 0
    for r in rows {
      if r.arm == 0 {
        out.patients0 += 1
        if r.event { out.events0 += 1 }
      } else {
        out.patients1 += 1
        if r.event { out.events1 += 1 }
      }
      maxStratum = max(maxStratum, r.stratum)
    }
    guard out.patients0 > 0 else { return .failure(.emptyArm(0)) }
    guard out.patients1 > 0 else { return .failure(.emptyArm(1)) }
    guard out.events0 + out.events1 > 0 else { return .failure(.noEvents) }
    strata = Int(maxStratum) + 1
    if accumulators.count < 4 * strata { accumulators = Array(repeating: 0, count: 4 * strata) }

    sortByDecreasingTime()
    mergeNearTies()
    (out.median0, out.median1) = medians(patients0: out.patients0, patients1: out.patients1)

    let pooled = logRank(stratified: false)
    guard pooled.v > 0 else { return .failure(.zeroVariance) }
    out.logRankZ = pooled.u / pooled.v.squareRoot()
    out.logRankP = Normal.twoSidedP(out.logRankZ)
    if stratified {
      let s = logRank(stratified: true)
      guard s.v > 0 else { return .failure(.noMixedStratum) }
      let z = s.u / s.v.squareRoot()
      out.stratifiedLogRankZ = z
      out.stratifiedLogRankP = Normal.twoSidedP(z)
    }
    if let fit = cox(stratified: stratified) {
      if level != cachedLevel {
        cachedLevel = level
        cachedCritical = Normal.criticalValue(level: level)
      }
      out.hazardRatio = exp(fit.beta)
      out.hazardRatioLower = exp(fit.beta - cachedCritical * fit.se)
      out.hazardRatioUpper = exp(fit.beta + cachedCritical * fit.se)
    }
    return .success(out)
  }

  // MARK: Sorting and timefix

  /// Stable sort by decreasing time (ties keep the order of appending).
  private mutating func sortByDecreasingTime() {
    bucketSort(&rows, scratch: &scratch, counts: &counts) { -$0.time }
  }

  /// ``TimeFix/apply(_:tolerance:)`` on the sorted rows, in place: walking up in time, a distinct
  /// time within the tolerance (absolute, or relative to the mean absolute distinct time) of the
  /// previous distinct time joins its run, and every time of a run becomes the run's first.
  private mutating func mergeNearTies() {
    let n = rows.count
    guard n > 1 else { return }
    let tolerance = TimeFix.defaultTolerance
    rows.withUnsafeMutableBufferPointer { a in
      var sumAbs = 0.0
      var distinct = 0
      var previous = a[n - 1].time
      sumAbs = abs(previous)
      distinct = 1
      var k = n - 2
      while k >= 0 {
        let t = a[k].time
        if t != previous {
          sumAbs += abs(t)
          distinct += 1
          previous = t
        }
        k -= 1
      }
      guard distinct > 1 else { return }
      let meanAbs = sumAbs / Double(distinct)
      var cut = a[n - 1].time
      previous = cut
      k = n - 2
      while k >= 0 {
        let t = a[k].time
        if t != previous {
          let gap = t - previous
          previous = t
          if !(gap <= tolerance || gap / meanAbs <= tolerance) { cut = t }
        }
        a[k].time = cut
        k -= 1
      }
    }
  }

  // MARK: Kaplan–Meier median

  /// The Kaplan–Meier medians of both arms by R's quantile rule, in one walk up in time: with
  /// F = 1 − S and tolerance ε = √(machine epsilon), the median is the midpoint of the first time
  /// with F + ε ≥ ½ and the first with F − ε ≥ ½; when the final F is within ε of ½, of the first
  /// and the arm's last time; not reached (nil) when F never gets there.
  private func medians(patients0: Int, patients1: Int) -> (Double?, Double?) {
    let p = 0.5
    let tolerance = Double.ulpOfOne.squareRoot()
    var atRisk = (patients0, patients1)
    var survival = (1.0, 1.0)
    var final = (0.0, 0.0)
    var lower = (Double.nan, Double.nan)
    var upper = (Double.nan, Double.nan)
    var last = (0.0, 0.0)
    rows.withUnsafeBufferPointer { rows in
      var k = rows.count - 1
      while k >= 0 {
        let t = rows[k].time
        var deaths = (0, 0)
        var leaving = (0, 0)
        while k >= 0 && rows[k].time == t {
          let one = Int(rows[k].arm)
          let event = rows[k].event ? 1 : 0
          leaving.0 += 1 - one
          leaving.1 += one
          deaths.0 += event &* (1 - one)
          deaths.1 += event &* one
          k -= 1
        }
        if leaving.0 > 0 {
          last.0 = t
          if deaths.0 > 0 {
            survival.0 *= Double(atRisk.0 - deaths.0) / Double(atRisk.0)
            let f = 1 - survival.0
            final.0 = f
            if lower.0.isNaN && f + tolerance >= p { lower.0 = t }
            if upper.0.isNaN && f - tolerance >= p { upper.0 = t }
          }
          atRisk.0 -= leaving.0
        }
        if leaving.1 > 0 {
          last.1 = t
          if deaths.1 > 0 {
            survival.1 *= Double(atRisk.1 - deaths.1) / Double(atRisk.1)
            let f = 1 - survival.1
            final.1 = f
            if lower.1.isNaN && f + tolerance >= p { lower.1 = t }
            if upper.1.isNaN && f - tolerance >= p { upper.1 = t }
          }
          atRisk.1 -= leaving.1
        }
      }
    }
    func median(final: Double, lower: Double, upper: Double, last: Double) -> Double? {
      if abs(p - final) < tolerance { return lower.isNaN ? nil : ((lower + last) / 2).finite }
      guard !lower.isNaN, !upper.isNaN else { return nil }
      return ((lower + upper) / 2).finite
    }
    return (
      median(final: final.0, lower: lower.0, upper: upper.0, last: last.0),
      median(final: final.1, lower: lower.1, upper: upper.1, last: last.1)
    )
  }

  // MARK: Log-rank

  /// The log-rank score of arm 1 and its variance, pooled or summed within strata.
  private mutating func logRank(stratified: Bool) -> (u: Double, v: Double) {
    let groups = stratified ? strata : 1
    if touched.count < groups { touched = Array(repeating: 0, count: groups) }
    var u = 0.0
    var v = 0.0
    rows.withUnsafeBufferPointer { rows in
      accumulators.withUnsafeMutableBufferPointer { acc in
        touched.withUnsafeMutableBufferPointer { touched in
          // acc[4s]: at risk, acc[4s+1]: at risk in arm 1, acc[4s+2]: deaths, acc[4s+3]: deaths in arm 1.
          for i in 0..<(4 * groups) { acc[i] = 0 }
          var k = 0
          while k < rows.count {
            let t = rows[k].time
            var touchedCount = 0
            while k < rows.count && rows[k].time == t {
              let s = stratified ? 4 * Int(rows[k].stratum) : 0
              let one = Double(rows[k].arm)
              acc[s] += 1
              acc[s + 1] += one
              if rows[k].event {
                if acc[s + 2] == 0 {
                  touched[touchedCount] = Int32(s)
                  touchedCount += 1
                }
                acc[s + 2] += 1
                acc[s + 3] += one
              }
              k += 1
            }
            for index in 0..<touchedCount {
              let s = Int(touched[index])
              let n = acc[s]
              let d = acc[s + 2]
              let share = acc[s + 1] / n
              u += acc[s + 3] - d * share
              if n > 1 { v += d * share * (1 - share) * (n - d) / (n - 1) }
              acc[s + 2] = 0
              acc[s + 3] = 0
            }
          }
        }
      }
    }
    return (u, v)
  }

  // MARK: Cox

  /// Aggregates the sorted rows into one record per (time, stratum), strata in order of first
  /// appearance within a time. Returns the deaths in arm 1 and in all.
  private mutating func buildCoxRecords(stratified: Bool) -> (deaths1: Double, deaths: Double) {
    records.removeAll(keepingCapacity: true)
    records.reserveCapacity(rows.count)
    let groups = stratified ? strata : 1
    if touched.count < groups { touched = Array(repeating: 0, count: groups) }
    var totalDeaths1 = 0.0
    var totalDeaths = 0.0
    rows.withUnsafeBufferPointer { rows in
      accumulators.withUnsafeMutableBufferPointer { acc in
        touched.withUnsafeMutableBufferPointer { touched in
          // acc[4s + arm]: entering the risk set, acc[4s + 2 + arm]: deaths.
          for i in 0..<(4 * groups) { acc[i] = 0 }
          var k = 0
          while k < rows.count {
            let t = rows[k].time
            var touchedCount = 0
            while k < rows.count && rows[k].time == t {
              let s = stratified ? Int(rows[k].stratum) : 0
              let one = Int(rows[k].arm)
              if acc[4 * s] == 0 && acc[4 * s + 1] == 0 {
                touched[touchedCount] = Int32(s)
                touchedCount += 1
              }
              acc[4 * s + one] += 1
              if rows[k].event { acc[4 * s + 2 + one] += 1 }
              k += 1
            }
            for index in 0..<touchedCount {
              let s32 = touched[index]
              let s = 4 * Int(s32)
              let d0 = acc[s + 2]
              let d1 = acc[s + 3]
              records.append(
                CoxRecord(
                  stratum: s32, deaths: Int32(d0 + d1), enter0: acc[s], enter1: acc[s + 1], deaths0: d0, deaths1: d1))
              totalDeaths1 += d1
              totalDeaths += d0 + d1
              acc[s] = 0
              acc[s + 1] = 0
              acc[s + 2] = 0
              acc[s + 3] = 0
            }
          }
        }
      }
    }
    return (totalDeaths1, totalDeaths)
  }

  /// ℓ, U and I of the Cox model with x = arm (Efron ties) at β, over the records. The logarithms
  /// of the risk-set sums are taken of their running product, flushed once it leaves
  /// [2⁻⁵⁰⁰, 2⁵⁰⁰] (a sum outside that range is taken alone): one logarithm per many deaths
  /// instead of one per death, with no overflow or underflow.
  private mutating func coxValue(
    _ beta: Double, groups: Int, deaths1: Double, deaths: Double
  ) -> (loglik: Double, u: Double, i: Double) {
    // Risks shifted by max(β, 0) so that exp never overflows (the likelihood is unchanged).
    let shift = max(beta, 0)
    let r0 = exp(-shift)
    let r1 = exp(beta - shift)
    var logSum = 0.0
    var product = 1.0
    let high = 0x1p500
    let low = 0x1p-500
    var u = deaths1
    var info = 0.0
    records.withUnsafeBufferPointer { records in
      accumulators.withUnsafeMutableBufferPointer { acc in
        for i in 0..<(2 * groups) { acc[i] = 0 }
        for g in records {
          let s = 2 * Int(g.stratum)
          acc[s] += g.enter0 * r0 + g.enter1 * r1
          acc[s + 1] += g.enter1 * r1
          guard g.deaths > 0 else { continue }
          let s0 = acc[s]
          let s1 = acc[s + 1]
          if g.deaths == 1 {
            let a = s1 / s0
            if s0 < high && s0 > low { product *= s0 } else { logSum += log(s0) }
            u -= a
            info += a * (1 - a)
          } else {
            let e0 = g.deaths0 * r0 + g.deaths1 * r1
            let e1 = g.deaths1 * r1
            let m = Int(g.deaths)
            for j in 0..<m {
              let f = Double(j) / Double(m)
              let d0 = s0 - f * e0
              let a = (s1 - f * e1) / d0
              if d0 < high && d0 > low { product *= d0 } else { logSum += log(d0) }
              u -= a
              info += a * (1 - a)
              if !(product < high && product > low) {
                logSum += log(product)
                product = 1
              }
            }
          }
          if !(product < high && product > low) {
            logSum += log(product)
            product = 1
          }
        }
      }
    }
    logSum += log(product)
    return (deaths1 * beta - deaths * shift - logSum, u, info)
  }

  /// β̂ and its standard error by R's Newton–Raphson (coxfit6: step-halving, relative change in
  /// log-likelihood below 1e-9, at most 20 iterations); nil when the information vanishes or the
  /// coefficient runs away (R's infinite-coefficient criterion).
  private mutating func cox(stratified: Bool) -> (beta: Double, se: Double)? {
    let totals = buildCoxRecords(stratified: stratified)
    let groups = stratified ? strata : 1
    func value(_ b: Double) -> (loglik: Double, u: Double, i: Double) {
      coxValue(b, groups: groups, deaths1: totals.deaths1, deaths: totals.deaths)
    }
    let epsilon = 1e-9
    var beta = 0.0
    var current = value(beta)
    guard current.i > 0 else { return nil }
    var next = beta + current.u / current.i
    var halving = false
    var converged = false
    for iteration in 1...20 {
      let trial = value(next)
      let finite = trial.loglik.isFinite && trial.u.isFinite
      if finite && !halving && abs(1 - current.loglik / trial.loglik) <= epsilon {
        beta = next
        current = trial
        converged = true
        break
      }
      if iteration == 20 { break }
      if !finite || trial.loglik < current.loglik {
        halving = true
        next = (next + beta) / 2
      } else {
        halving = false
        beta = next
        current = trial
        guard trial.i > 0 else { return nil }
        next = beta + trial.u / trial.i
      }
    }
    guard converged, current.i > 0 else { return nil }
    let variance = 1 / current.i
    let uv = abs(current.u * variance)
    if uv > epsilon && uv > epsilon.squareRoot() * abs(beta) { return nil }
    return (beta, variance.squareRoot())
  }
}
