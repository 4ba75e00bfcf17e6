import Foundation
import LinearAlgebra

/// The survival curve a fitted Cox model predicts for one covariate profile in one stratum, as
/// R survival's `survfit.coxph` computes it by default: S(t|z) = exp(−Λ̂₀(t)·e^{(z−x̄)β̂}) with the
/// Breslow (Breslow ties) or Efron-adjusted (Efron ties) baseline hazard, the standard error of
/// the cumulative hazard from the hazard increments and the uncertainty in β̂
/// (Tsiatis 1981, Ann Stat 9:93–108; Therneau & Grambsch 2000, §10.2), and log-transformed
/// pointwise confidence limits.
public struct CoxPredictedSurvival: Sendable {
  /// The stratum.
  public let stratum: String
  /// Distinct times of the stratum (events and censorings).
  public let time: [Double]
  /// Number at risk at each time.
  public let nRisk: [Int]
  /// Number of events at each time.
  public let nEvent: [Int]
  /// Cumulative hazard for the profile.
  public let cumulativeHazard: [Double]
  /// Predicted survival for the profile.
  public let survival: [Double]
  /// Standard error of the cumulative hazard (R `std.err`).
  public let stdErr: [Double]
  /// Lower confidence limit of S.
  public let lower: [Double]
  /// Upper confidence limit of S.
  public let upper: [Double]
}

extension CoxModel {
  /// Predicted survival for the covariate `profile` (one value per fitted design column; none
  /// when the count differs) in every stratum of the fitted data, at confidence `level`.
  public func predictSurvival(profile: [Double], level: Double = 0.95)
    -> [CoxPredictedSurvival]
  {
    // One value per fitted column; anything else has no prediction.
    guard profile.count == data.columns else { return [] }
    let data = self.data
    let kernel = CoxLikelihood(data: data, ties: options.ties)
    let path = CoxHazardPath(likelihood: kernel, beta: coefficients)
    let p = data.columns
    let zc = (0..<p).map { profile[$0] - kernel.means[$0] }
    var lp = 0.0
    for j in 0..<p { lp += zc[j] * coefficients[j] }
    let riskZ = exp(lp)
    let z = Normal.criticalValue(level: level)
    var curves: [CoxPredictedSurvival] = []
    for s in path.steps.indices where !kernel.rowsByStop(s).isEmpty {
      let byStop = kernel.rowsByStop(s)
      // Distinct times with counts, ascending.
      let rows = byStop.reversed()
      var times: [Double] = []
      var events: [Int] = []
      var counts: [Int] = []
      for i in rows {
        let t = data.stop[i]
        if times.last != t {
          times.append(t)
          events.append(0)
          counts.append(0)
        }
        counts[counts.count - 1] += 1
        if data.event[i] { events[events.count - 1] += 1 }
      }
      // Number at risk: intervals with start < t ≤ stop = #(stop ≥ t) − #(start ≥ t).
      let stops = byStop.map { data.stop[$0] }.reversed() as [Double]
      let starts = (data.start.map { st in byStop.map { st[$0] }.sorted() }) ?? []
      func atLeast(_ sorted: [Double], _ t: Double) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if sorted[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return sorted.count - lo
      }
      let risk = times.map { t in atLeast(stops, t) - atLeast(starts, t) }
      var cumH = 0.0
      var varH = 0.0
      var d = [Double](repeating: 0, count: p)
      var k = 0
      let steps = path.steps[s]
      var hazard: [Double] = []
      var surv: [Double] = []
      var se: [Double] = []
      var lower: [Double] = []
      var upper: [Double] = []
      for t in times {
        while k < steps.count && steps[k].time <= t {
          cumH += steps[k].hazard
          varH += steps[k].varianceIncrement
          for j in 0..<p { d[j] += zc[j] * steps[k].hazard - steps[k].hazardMean[j] }
          k += 1
        }
        var quad = 0.0
        for a in 0..<p { for b in 0..<p { quad += d[a] * variance[a, b] * d[b] } }
        let h = riskZ * cumH
        let sd = riskZ * (varH + quad).squareRoot()
        let sv = exp(-h)
        hazard.append(h)
        surv.append(sv)
        se.append(sd)
        let (lo, hi) = ConfidenceType.log.limits(survival: sv, stdErrLog: sd, z: z)
        lower.append(lo)
        upper.append(hi)
      }
      curves.append(
        CoxPredictedSurvival(
          stratum: data.strataLabels[s], time: times, nRisk: risk, nEvent: events,
          cumulativeHazard: hazard, survival: surv, stdErr: se, lower: lower, upper: upper))
    }
    return curves
  }

  /// Predicted survival for a covariate profile given by name (`["sex": "female", "age": "60"]`:
  /// a level for a text covariate, a number otherwise) in every stratum, at confidence `level`.
  /// - Throws: ``CoxDesign/ProfileError``.
  public func predictSurvival(at values: [String: String], level: Double = 0.95) throws(CoxDesign.ProfileError)
    -> [CoxPredictedSurvival]
  {
    predictSurvival(profile: try CoxDesign.profile(values, terms: terms, levels: data.levels, columns: columnNames), level: level)
  }

  /// The baseline cumulative hazard at covariates 0 (R `basehaz(fit, centered = FALSE)`) at the
  /// distinct times of each stratum.
  public func baselineHazard() -> [(stratum: String, time: [Double], hazard: [Double])] {
    predictSurvival(profile: [Double](repeating: 0, count: data.columns)).map {
      ($0.stratum, $0.time, $0.cumulativeHazard)
    }
  }
}
