import Foundation

/// The Kaplan–Meier (product-limit) estimate of one group's survival curve, with Greenwood's
/// variance, as R survival's `survfit` computes it (Kaplan EL, Meier P (1958) JASA 53:457–481;
/// Greenwood M (1926)).
///
/// One step per distinct observed time of the group, censoring times included (as `survfit`).
/// At time tᵢ with nᵢ at risk and dᵢ events: S(tᵢ) = Π (1 − dⱼ/nⱼ) over j ≤ i, and the variance of
/// log S is Σ dⱼ / (nⱼ(nⱼ − dⱼ)); it is infinite once the curve reaches 0 (R reports `Inf`, and the
/// standard error of S is then undefined).
public struct KaplanMeier: Sendable, Equatable {
  /// The group's name.
  public let label: String
  /// Distinct times (R `time`).
  public let time: [Double]
  /// Number at risk at each time (R `n.risk`).
  public let nRisk: [Int]
  /// Number of events at each time (R `n.event`).
  public let nEvent: [Int]
  /// Number censored at each time (R `n.censor`).
  public let nCensor: [Int]
  /// S(t) just after each time (R `surv`).
  public let survival: [Double]
  /// Standard error of log S(t) (R `std.err` of the survfit object); `+∞` once S reaches 0.
  public let stdErrLog: [Double]

  /// The curve of group `group` in `table`.
  public init(table: RiskSetTable, group: Int, label: String) {
    let k = table.groupCount
    var time: [Double] = []
    var risk: [Int] = []
    var events: [Int] = []
    var censors: [Int] = []
    var surv: [Double] = []
    var se: [Double] = []
    var s = 1.0
    var v = 0.0
    for i in 0..<table.times.count {
      let d = table.nEvent[i * k + group]
      let c = table.nCensor[i * k + group]
      guard d + c > 0 else { continue }
      let n = table.nRisk[i * k + group]
      if d > 0 {
        s *= Double(n - d) / Double(n)
        v = n > d ? v + Double(d) / (Double(n) * Double(n - d)) : .infinity
      }
      time.append(table.times[i])
      risk.append(n)
      events.append(d)
      censors.append(c)
      surv.append(s)
      se.append(v.squareRoot())
    }
    self.label = label
    self.time = time
    self.nRisk = risk
    self.nEvent = events
    self.nCensor = censors
    self.survival = surv
    self.stdErrLog = se
  }

  /// One curve per group of `data`, in the order of its group labels.
  public static func curves(_ data: SurvivalData) -> [KaplanMeier] {
    let table = RiskSetTable(data)
    return data.groupLabels.enumerated().map { KaplanMeier(table: table, group: $0, label: $1) }
  }

  /// Number of subjects, or of records with delayed entry (R `n`, `records`): every record ends at
  /// one of the curve's times, as an event or a censoring.
  public var n: Int { nEvent.reduce(0, +) + nCensor.reduce(0, +) }
  /// Number of events.
  public var events: Int { nEvent.reduce(0, +) }

  /// Standard error of S(t) at each step (R `summary(fit)$std.err`): S · se(log S). Undefined
  /// (NaN) where S = 0.
  public var stdErr: [Double] { zip(survival, stdErrLog).map { $0 * $1 } }

  /// Pointwise confidence limits at every step; see ``ConfidenceType``.
  public func confidenceLimits(type: ConfidenceType, level: Double) -> (
    lower: [Double], upper: [Double]
  ) {
    let z = Normal.criticalValue(level: level)
    var lower: [Double] = []
    var upper: [Double] = []
    lower.reserveCapacity(survival.count)
    upper.reserveCapacity(survival.count)
    for i in 0..<survival.count {
      let (l, u) = type.limits(survival: survival[i], stdErrLog: stdErrLog[i], z: z)
      lower.append(l)
      upper.append(u)
    }
    return (lower, upper)
  }
}
