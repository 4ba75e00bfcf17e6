/// The curve read at one requested time, as R's `summary(fit, times =, extend = TRUE)` gives it.
public struct SurvivalAtTime: Sendable, Equatable {
  /// The requested time.
  public let time: Double
  /// Number at risk at that time (follow-up ≥ time); 0 beyond the last follow-up.
  public let nRisk: Int
  /// Events since the previous requested time (from time 0 for the first).
  public let nEvent: Int
  /// Censorings since the previous requested time.
  public let nCensor: Int
  /// S(time): the value of the last step at or before it (1 before the first step).
  public let survival: Double
  /// Standard error of S(time) (Greenwood); NaN where S = 0.
  public let stdErr: Double
  /// Lower confidence limit (NaN where undefined).
  public let lower: Double
  /// Upper confidence limit (NaN where undefined).
  public let upper: Double
  /// Whether the time lies beyond the group's last follow-up time, so that S is carried forward.
  public let beyondFollowUp: Bool
}

extension KaplanMeier {
  /// The curve at each of `times` (sorted ascending first, duplicates removed). Beyond the last
  /// follow-up time the last value is carried forward with 0 at risk, as R does with
  /// `extend = TRUE`; ``SurvivalAtTime/beyondFollowUp`` flags those rows.
  public func summary(at times: [Double], type: ConfidenceType = .log, level: Double = 0.95)
    -> [SurvivalAtTime]
  {
    let requested = Array(Set(times)).sorted()
    let z = Normal.criticalValue(level: level)
    var out: [SurvivalAtTime] = []
    var step = 0  // steps with time <= the requested time are [0, step)
    for t in requested {
      var events = 0
      var censors = 0
      while step < time.count && time[step] <= t {
        events += nEvent[step]
        censors += nCensor[step]
        step += 1
      }
      let s = step > 0 ? survival[step - 1] : 1
      let se = step > 0 ? stdErrLog[step - 1] : 0
      let risk = numberAtRisk(at: [t])[0]
      let (lo, hi) = type.limits(survival: s, stdErrLog: se, z: z)
      out.append(
        SurvivalAtTime(
          time: t, nRisk: risk, nEvent: events, nCensor: censors, survival: s, stdErr: s * se,
          lower: lo, upper: hi, beyondFollowUp: t > (time.last ?? 0)))
    }
    return out
  }

  /// Number at risk at each of `times` (follow-up ≥ time), in the order given.
  public func numberAtRisk(at times: [Double]) -> [Int] {
    times.map { t in
      // First step at or after t.
      var lo = 0
      var hi = time.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if time[mid] < t { lo = mid + 1 } else { hi = mid }
      }
      return lo < time.count ? nRisk[lo] : 0
    }
  }
}
