/// Why a ``TrialSimulationDesign`` was refused. Each case carries the offending values.
public enum TrialSimulationError: Error, Equatable, Sendable {
  /// No arms were given.
  case noArms
  /// Two arms share a name.
  case duplicateArmName(String)
  /// An allocation ratio is not a positive integer.
  case invalidAllocation(arm: String, ratio: Int)
  /// The block size is not a positive multiple of the sum of the allocation ratios.
  case invalidBlockSize(blockSize: Int, ratioSum: Int)
  /// A stratification factor has no levels, or its level names repeat.
  case invalidFactorLevels(factor: String, levels: [String])
  /// A factor's prevalences do not match its levels in number, are negative or not finite, or do
  /// not sum to 1 (within 1e-9).
  case invalidPrevalences(factor: String, prevalences: [Double])
  /// A stratum-specific survival entry names levels that are not a stratum of the design.
  case unknownStratum(levels: [String])
  /// The same stratum is given stratum-specific survival twice.
  case duplicateStratum(levels: [String])
  /// A stratum-specific survival entry does not have one specification per arm.
  case stratumArmCount(levels: [String], expected: Int, found: Int)
  /// The first (control) arm is specified by a hazard ratio, which needs a control to refer to.
  case controlArmByHazardRatio(stratum: String)
  /// A hazard ratio is not finite and positive.
  case invalidHazardRatio(arm: String, stratum: String, hazardRatio: Double)
  /// A survival distribution breaks the conditions of ``SurvivalDistribution``.
  case invalidDistribution(arm: String, stratum: String, distribution: SurvivalDistribution)
  /// Accrual durations or rates are not finite and positive (piecewise rates may be 0 but not
  /// all), or durations and rates differ in number.
  case invalidAccrual(TrialSimulationDesign.Accrual)
  /// The dropout rate is not finite and positive.
  case invalidDropoutRate(Double)
  /// Dropout per arm is not given for exactly every arm.
  case dropoutArmCount(expected: Int, found: Int)
  /// The number of patients is not positive.
  case invalidSampleSize(Int)
  /// A calendar cut-off is not positive (it may be +∞), or an event target is not positive.
  case invalidCutoff(TrialSimulationDesign.AnalysisCutoff)
}

extension TrialSimulationError: CustomStringConvertible {
  /// One line naming the value and what is wrong with it.
  public var description: String {
    func list(_ v: [Double]) -> String { v.map { String(describing: $0) }.joined(separator: ",") }
    switch self {
    case .noArms: return "no arms"
    case .duplicateArmName(let name): return "two arms are named '\(name)'"
    case .invalidAllocation(let arm, let ratio): return "arm '\(arm)': allocation \(ratio) is not a positive whole number"
    case .invalidBlockSize(let b, let sum): return "block size \(b) is not a positive multiple of the allocation sum \(sum)"
    case .invalidFactorLevels(let factor, let levels):
      return "stratification factor '\(factor)': levels [\(levels.joined(separator: ","))] are empty or repeat"
    case .invalidPrevalences(let factor, let p):
      return "stratification factor '\(factor)': prevalences \(list(p)) must be one per level, not negative, summing to 1"
    case .unknownStratum(let levels): return "no stratum \(levels.joined(separator: "/"))"
    case .duplicateStratum(let levels): return "stratum \(levels.joined(separator: "/")) is given twice"
    case .stratumArmCount(let levels, let expected, let found):
      return "stratum \(levels.joined(separator: "/")): \(found) survival specifications for \(expected) arms"
    case .controlArmByHazardRatio(let stratum): return "stratum \(stratum): the control arm needs a distribution, not a hazard ratio"
    case .invalidHazardRatio(let arm, let stratum, let hr): return "arm '\(arm)', stratum \(stratum): hazard ratio \(hr) must be finite and positive"
    case .invalidDistribution(let arm, let stratum, _):
      return "arm '\(arm)', stratum \(stratum): survival parameters must be finite and positive (cut points increasing, a cure fraction in [0, 1))"
    case .invalidAccrual(let a): return "accrual \(a.duration) must be finite and positive"
    case .invalidDropoutRate(let r): return "dropout rate \(r) must be finite and positive"
    case .dropoutArmCount(let expected, let found): return "\(found) dropout specifications for \(expected) arms"
    case .invalidSampleSize(let n): return "patients \(n) must be at least 1"
    case .invalidCutoff(let c):
      switch c {
      case .calendar(let t): return "cut-off time \(t) must be positive"
      case .events(let d): return "event target \(d) must be at least 1"
      }
    }
  }
}
