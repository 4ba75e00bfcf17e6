import Foundation

/// The baseline hazard increments of a fitted Cox model at each event time of each stratum, with
/// what residuals, the robust variance and predicted survival need: R survival's `coxmart`,
/// `coxscore` and `survfit.coxph` quantities for Breslow and Efron ties.
///
/// At an event time with m tied events (weight sum D, mean weight D/m) and Efron terms
/// k = 0…m−1 (f = k/m; m = 1 for Breslow): d0ₖ = S0 − f E0, meanₖ = (S1 − f E1)/d0ₖ and
/// hₖ = (D/m)/d0ₖ. Subjects at risk receive the hazard Σₖ hₖ; the tied events themselves
/// Σₖ (1 − f)hₖ. All covariates are centred as in ``CoxLikelihood``.
struct CoxHazardPath {
  /// One event time.
  struct Step {
    var time: Double
    /// Σₖ hₖ.
    var hazard: Double
    /// Σₖ hₖ·meanₖ (p values).
    var hazardMean: [Double]
    /// Σₖ (1 − fₖ) hₖ, the hazard of the tied events at their own time.
    var deathHazard: Double
    /// Σₖ (1 − fₖ) hₖ·meanₖ.
    var deathHazardMean: [Double]
    /// (1/m) Σₖ meanₖ: the mean the Schoenfeld residuals subtract.
    var meanAverage: [Double]
    /// Σₖ hₖ²/(D/m): the variance increment of the cumulative hazard.
    var varianceIncrement: Double
  }

  let likelihood: CoxLikelihood
  let beta: [Double]
  /// Centred linear predictor and relative risk exp(η) (unweighted).
  let eta: [Double]
  let risk: [Double]
  /// Steps per stratum, in increasing time.
  var steps: [[Step]]

  init(likelihood: CoxLikelihood, beta: [Double]) {
    self.likelihood = likelihood
    self.beta = beta
    let p = likelihood.p
    let data = likelihood.data
    let w = likelihood.w
    eta = likelihood.eta(beta)
    risk = eta.map { exp($0) }
    var all: [[Step]] = []
    for s in likelihood.strata.indices {
      let order = Array(likelihood.rowsByStop(s))
      let leaving = likelihood.byStart[s]
      var s0 = 0.0
      var s1 = [Double](repeating: 0, count: p)
      var out = 0
      var next = 0
      var steps: [Step] = []
      while next < order.count {
        let t = data.stop[order[next]]
        var e0 = 0.0
        var e1 = [Double](repeating: 0, count: p)
        var deaths = 0
        var deathWeight = 0.0
        while next < order.count && data.stop[order[next]] == t {
          let i = order[next]
          let r = w[i] * risk[i]
          s0 += r
          for j in 0..<p { s1[j] += r * likelihood.x(i, j) }
          if data.event[i] {
            deaths += 1
            deathWeight += w[i]
            e0 += r
            for j in 0..<p { e1[j] += r * likelihood.x(i, j) }
          }
          next += 1
        }
        if let start = data.start {
          while out < leaving.count && start[leaving[out]] >= t {
            let i = leaving[out]
            let r = w[i] * risk[i]
            s0 -= r
            for j in 0..<p { s1[j] -= r * likelihood.x(i, j) }
            out += 1
          }
        }
        guard deaths > 0 else { continue }
        let m = likelihood.ties == .efron ? deaths : 1
        let meanWeight = deathWeight / Double(m)
        var step = Step(
          time: t, hazard: 0, hazardMean: [Double](repeating: 0, count: p), deathHazard: 0,
          deathHazardMean: [Double](repeating: 0, count: p),
          meanAverage: [Double](repeating: 0, count: p), varianceIncrement: 0)
        for k in 0..<m {
          let f = Double(k) / Double(m)
          let d0 = s0 - f * e0
          let h = meanWeight / d0
          step.hazard += h
          step.deathHazard += (1 - f) * h
          step.varianceIncrement += h * h / meanWeight
          for j in 0..<p {
            let mean = (s1[j] - f * e1[j]) / d0
            step.hazardMean[j] += h * mean
            step.deathHazardMean[j] += (1 - f) * h * mean
            step.meanAverage[j] += mean / Double(m)
          }
        }
        steps.append(step)
      }
      all.append(steps.reversed())
    }
    steps = all
  }
}
