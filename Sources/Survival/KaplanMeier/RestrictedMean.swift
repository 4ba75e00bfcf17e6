import Foundation

/// The restricted mean survival time: the area under a Kaplan–Meier curve from 0 to τ, with its
/// standard error and a normal confidence interval.
///
/// Variance Σⱼ (∫ from tⱼ to τ of S)² · dⱼ / (nⱼ(nⱼ − dⱼ)) over event times tⱼ ≤ τ, a term being 0
/// where nⱼ = dⱼ (Klein & Moeschberger 2003, eq. 4.5.2; R survival `print.survfit(rmean =)`;
/// Uno H et al. (2014) J Clin Oncol 32:2380–2385 and survRM2 for the two-arm contrast).
public struct RestrictedMean: Sendable, Equatable {
  /// The truncation time τ.
  public let tau: Double
  /// The RMST estimate.
  public let estimate: Double
  /// Its standard error.
  public let stdErr: Double
  /// Lower confidence limit, estimate − z·se.
  public let lower: Double
  /// Upper confidence limit, estimate + z·se.
  public let upper: Double
  /// Whether τ lies beyond the group's last follow-up time (the curve is then extended flat).
  public let beyondFollowUp: Bool
}

extension KaplanMeier {
  /// The restricted mean survival time up to `tau`, as R survival's `survmean` computes it.
  public func restrictedMean(tau: Double, level: Double = 0.95) -> RestrictedMean {
    // Rectangles of the step function on [0, tau]: widths between the steps kept, heights the
    // survival before each width.
    var widths: [Double] = []
    var hazardTerms: [Double] = []  // d/(n(n-d)) at the step ending each rectangle
    var previousTime = 0.0
    var height = 1.0
    var area = 0.0
    var heights: [Double] = []
    for i in 0..<time.count where time[i] <= tau {
      widths.append(time[i] - previousTime)
      heights.append(height)
      let n = Double(nRisk[i])
      let d = Double(nEvent[i])
      hazardTerms.append(n > d ? d / (n * (n - d)) : 0)
      previousTime = time[i]
      height = survival[i]
    }
    widths.append(tau - previousTime)
    heights.append(height)
    for (w, h) in zip(widths, heights) { area += w * h }
    // Area from each step to tau, accumulated from the right.
    var variance = 0.0
    var tail = 0.0
    for j in stride(from: widths.count - 1, through: 1, by: -1) {
      tail += widths[j] * heights[j]
      variance += tail * tail * hazardTerms[j - 1]
    }
    let se = variance.squareRoot()
    let z = Normal.criticalValue(level: level)
    return RestrictedMean(
      tau: tau, estimate: area, stdErr: se, lower: area - z * se, upper: area + z * se,
      beyondFollowUp: tau > (time.last ?? 0))
  }
}

/// The contrast of two restricted means (second minus first, and second over first), with normal
/// confidence intervals and two-sided p-values, as survRM2's `rmst2` reports them: the difference
/// with se = √(se₁² + se₂²), the ratio on the log scale with se = √(se₁²/μ₁² + se₂²/μ₂²).
public struct RestrictedMeanDifference: Sendable, Equatable {
  /// τ, common to both.
  public let tau: Double
  /// The reference group (first).
  public let first: String
  /// The compared group (second).
  public let second: String
  /// μ₂ − μ₁.
  public let difference: Double
  /// Standard error of the difference.
  public let stdErr: Double
  /// Lower confidence limit of the difference.
  public let lower: Double
  /// Upper confidence limit of the difference.
  public let upper: Double
  /// z = difference / se.
  public let z: Double
  /// Two-sided p-value of the difference.
  public let p: Double
  /// μ₂ / μ₁.
  public let ratio: Double
  /// Lower confidence limit of the ratio.
  public let ratioLower: Double
  /// Upper confidence limit of the ratio.
  public let ratioUpper: Double
  /// Two-sided p-value of log(ratio) = 0.
  public let ratioP: Double

  /// The contrast of `second` with `first` (both at the same τ).
  public init(
    first: RestrictedMean, second: RestrictedMean, firstLabel: String, secondLabel: String,
    level: Double = 0.95
  ) {
    let z = Normal.criticalValue(level: level)
    tau = first.tau
    self.first = firstLabel
    self.second = secondLabel
    difference = second.estimate - first.estimate
    stdErr = (first.stdErr * first.stdErr + second.stdErr * second.stdErr).squareRoot()
    lower = difference - z * stdErr
    upper = difference + z * stdErr
    self.z = difference / stdErr
    p = Normal.twoSidedP(self.z)
    ratio = second.estimate / first.estimate
    let a = first.stdErr / first.estimate
    let b = second.stdErr / second.estimate
    let seLog = (a * a + b * b).squareRoot()
    let logRatio = Foundation.log(ratio)
    ratioLower = Foundation.exp(logRatio - z * seLog)
    ratioUpper = Foundation.exp(logRatio + z * seLog)
    ratioP = Normal.twoSidedP(logRatio / seLog)
  }
}
