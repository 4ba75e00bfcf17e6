import Foundation
import LinearAlgebra

/// Residuals of a fitted Cox model, row for row of its data, as R survival's `residuals.coxph`
/// defines them (Therneau, Grambsch & Fleming 1990, Biometrika 77:147–160).
public struct CoxResiduals: Sendable {
  /// Martingale residuals δᵢ − exp(ηᵢ)Λ̂₀(tᵢ).
  public let martingale: [Double]
  /// Deviance residuals sign(M)·√(−2(M + δ log(δ − M))).
  public let deviance: [Double]
  /// Score residuals, n×p.
  public let score: Matrix
  /// dfbeta: score residuals times the variance, n×p (approximate change in β̂ when a row is
  /// left out; unweighted, as R's `type = "dfbeta"`).
  public let dfbeta: Matrix
  /// Schoenfeld residuals, one row per event (in order of time within stratum), p columns.
  public let schoenfeld: Matrix
  /// The time of each Schoenfeld row.
  public let schoenfeldTime: [Double]
  /// The data row of each Schoenfeld row.
  public let schoenfeldRow: [Int]
}

extension CoxModel {
  /// The residuals of this model on the data it was fitted to.
  public func residuals() -> CoxResiduals {
    Self.residualsAt(coefficients, data: data, ties: options.ties, variance: variance)
  }

  /// Residuals at any β (the robust score test needs them at β = 0).
  static func residualsAt(_ beta: [Double], data: CoxData, ties: CoxTies, variance: Matrix) -> CoxResiduals {
    let kernel = CoxLikelihood(data: data, ties: ties)
    let path = CoxHazardPath(likelihood: kernel, beta: beta)
    let n = data.count
    let p = data.columns
    var martingale = [Double](repeating: 0, count: n)
    var score = Matrix.zeros(n, p)
    var schoenfeldRows: [(stratum: Int, time: Double, row: Int)] = []
    // Cumulative sums per stratum for interval look-ups: H(t) and Σ h·mean up to and including t.
    for s in path.steps.indices {
      let steps = path.steps[s]
      var cumH = [Double](repeating: 0, count: steps.count + 1)
      var cumHM = Array(repeating: [Double](repeating: 0, count: p), count: steps.count + 1)
      for (k, st) in steps.enumerated() {
        cumH[k + 1] = cumH[k] + st.hazard
        for j in 0..<p { cumHM[k + 1][j] = cumHM[k][j] + st.hazardMean[j] }
      }
      let times = steps.map(\.time)
      // Number of event times ≤ t.
      func upTo(_ t: Double) -> Int {
        var lo = 0
        var hi = times.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
      }
      for i in kernel.rowsByStop(s) {
        let r = path.risk[i]
        let stop = data.stop[i]
        let from = data.start.map { upTo($0[i]) } ?? 0
        var to = upTo(stop)
        var hazard: Double
        var deathPart = [Double](repeating: 0, count: p)
        var deathHazard = 0.0
        if data.event[i] {
          // At its own time the event gets the Efron-adjusted share.
          to -= 1
          let st = steps[to]
          deathHazard = st.deathHazard
          for j in 0..<p {
            deathPart[j] = kernel.x(i, j) - st.meanAverage[j] - r * (kernel.x(i, j) * st.deathHazard - st.deathHazardMean[j])
          }
          schoenfeldRows.append((s, stop, i))
        }
        hazard = cumH[to] - cumH[from] + deathHazard
        martingale[i] = (data.event[i] ? 1 : 0) - r * hazard
        for j in 0..<p {
          let h = cumH[to] - cumH[from]
          let hm = cumHM[to][j] - cumHM[from][j]
          score[i, j] = deathPart[j] - r * (kernel.x(i, j) * h - hm)
        }
      }
    }
    let deviance = (0..<n).map { i -> Double in
      let m = martingale[i]
      let d = data.event[i] ? 1.0 : 0.0
      let inner = d > 0 ? m + log(d - m) : m
      return (m < 0 ? -1 : 1) * (-2 * inner).squareRoot()
    }
    let dfbeta = (try? score.multiply(variance)) ?? Matrix.zeros(n, p)
    // Schoenfeld rows in order of stratum, then time, then data row.
    schoenfeldRows.sort { ($0.stratum, $0.time, $0.row) < ($1.stratum, $1.time, $1.row) }
    var sch = Matrix.zeros(schoenfeldRows.count, p)
    for (k, e) in schoenfeldRows.enumerated() {
      let st = path.steps[e.stratum].first { $0.time == e.time }
      for j in 0..<p { sch[k, j] = kernel.x(e.row, j) - (st?.meanAverage[j] ?? 0) }
    }
    return CoxResiduals(
      martingale: martingale, deviance: deviance, score: score, dfbeta: dfbeta, schoenfeld: sch,
      schoenfeldTime: schoenfeldRows.map(\.time), schoenfeldRow: schoenfeldRows.map(\.row))
  }

  /// The robust (sandwich) variance: the cross-product of the case-weighted dfbeta residuals,
  /// summed within clusters (each row its own cluster when `data.cluster` is nil), with no
  /// small-sample correction, as R's `coxph(robust = TRUE)` / `cluster()` (Lin & Wei 1989,
  /// JASA 84:1074–1078).
  public func robustVariance(residuals: CoxResiduals? = nil) -> Matrix {
    let data = self.data
    let r = residuals ?? self.residuals()
    let p = data.columns
    let clusters = data.cluster ?? Array(0..<data.count)
    let k = (clusters.max() ?? -1) + 1
    var sums = Matrix.zeros(k, p)
    for i in 0..<data.count {
      let w = data.weights?[i] ?? 1
      for j in 0..<p { sums[clusters[i], j] += w * r.dfbeta[i, j] }
    }
    return (try? sums.transposed.multiply(sums)) ?? Matrix.zeros(p, p)
  }
}
