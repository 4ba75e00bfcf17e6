import Foundation

/// A randomized trial to simulate (issue 5): k arms with an allocation ratio, permuted-block
/// randomization within strata, survival per arm (optionally per stratum), accrual, dropout and
/// the analysis cut-off. Built once, validated in the initializer, then passed to
/// ``simulateTrial(design:seed:index:)`` for every simulated trial.
///
/// Conventions:
/// - Times are in one unit throughout (entry and cut-off on the calendar from the start of
///   accrual at 0; event, dropout and follow-up times from each patient's entry).
/// - The first arm is the control: ``ArmSurvival/hazardRatio(_:)`` for any other arm means that
///   arm's hazard is the control's hazard in the same stratum times the ratio at every time
///   (proportional hazards; ``SurvivalDistribution/scaled(byHazardRatio:)``).
/// - Strata are all combinations of the factors' levels, in row-major order (the first factor
///   varies slowest); a stratum's label is its level names joined by `/` (`all` when there are no
///   factors). Factors are independent: a stratum's probability is the product of its levels'
///   prevalences.
/// - Randomization: permuted blocks of ``blockSize`` within each stratum; a block holds arm k
///   `allocation_k · blockSize / Σ allocation` times and is shuffled by Fisher–Yates (Durstenfeld
///   1964) with the trial's generator.
public struct TrialSimulationDesign: Sendable {
  /// A treatment arm: its name (used in the simulated data), its allocation ratio (a positive
  /// integer; [1, 1] is 1:1, [2, 1] is 2:1) and its survival in every stratum without a
  /// stratum-specific entry.
  public struct Arm: Sendable, Equatable {
    /// The arm's name.
    public var name: String
    /// Its allocation ratio.
    public var allocation: Int
    /// Its survival.
    public var survival: ArmSurvival

    /// An arm.
    /// The allocation experimental : control `ratio` as the smallest whole numbers (control first,
    /// each from 1 to `limit`) that permuted blocks can allocate; nil when there are none (1.5
    /// gives 2:3, 1/3 gives 3:1).
    public static func wholeNumbers(experimentalToControl ratio: Double, limit: Int = 100) -> (control: Int, experimental: Int)? {
      guard ratio.isFinite, ratio > 0, limit >= 1 else { return nil }
      for control in 1...limit {
        let experimental = ratio * Double(control)
        if abs(experimental - experimental.rounded()) < 1e-9, experimental >= 1, experimental <= Double(limit) {
          return (control, Int(experimental.rounded()))
        }
      }
      return nil
    }

    public init(name: String, allocation: Int = 1, survival: ArmSurvival) {
      self.name = name
      self.allocation = allocation
      self.survival = survival
    }
  }

  /// The survival of one arm in one stratum: a distribution, a hazard ratio against the first
  /// (control) arm in the same stratum, or a piecewise-constant hazard ratio against it
  /// (`ratios[j]` from `cutPoints[j-1]` to `cutPoints[j]`; a delayed effect of HR after d months
  /// is cut points [d], ratios [1, HR]).
  public enum ArmSurvival: Sendable, Equatable {
    case distribution(SurvivalDistribution)
    case hazardRatio(Double)
    case hazardRatios(cutPoints: [Double], ratios: [Double])
  }

  /// A stratification factor (e.g. salvage regimen: intensive chemotherapy vs azacitidine): its
  /// name, level names, and each level's prevalence in the population (non-negative, summing to
  /// 1 within 1e-9).
  public struct StratificationFactor: Sendable, Equatable {
    /// The factor's name.
    public var name: String
    /// Its levels.
    public var levels: [String]
    /// The prevalence of each level (summing to 1).
    public var prevalences: [Double]

    /// A factor.
    public init(name: String, levels: [String], prevalences: [Double]) {
      self.name = name
      self.levels = levels
      self.prevalences = prevalences
    }
  }

  /// One stratum: the level of each factor (indices and names), its label and its probability.
  public struct Stratum: Sendable, Equatable {
    /// The level of each factor, by index.
    public let levelIndices: [Int]
    /// The level of each factor, by name.
    public let levels: [String]
    /// The stratum's label (levels joined by /, or all).
    public let label: String
    /// Its probability (product of the prevalences).
    public let probability: Double
  }

  /// Survival specific to one stratum, given by its level names (one per factor, in factor order),
  /// with one specification per arm; it replaces the arms' default survival in that stratum.
  public struct StratumSurvival: Sendable, Equatable {
    /// The stratum, one level per factor.
    public var levels: [String]
    /// Survival of each arm in that stratum.
    public var arms: [ArmSurvival]

    /// An override.
    public init(levels: [String], arms: [ArmSurvival]) {
      self.levels = levels
      self.arms = arms
    }
  }

  /// How patients enter. Given n patients, entry times are n independent draws from the accrual
  /// density on [0, total duration], sorted: the order statistics of a Poisson process with that
  /// intensity conditioned on n arrivals.
  public enum Accrual: Sendable, Equatable {
    /// Constant intensity over [0, duration].
    case uniform(duration: Double)
    /// Consecutive periods of the given durations with relative intensities `relativeRates`
    /// (any positive scale; a rate of 0 is a pause), e.g. a ramp-up `[6, 18]`, `[1, 3]`.
    case piecewise(durations: [Double], relativeRates: [Double])

    /// The patients that intensities (patients per time unit) give over consecutive periods
    /// starting at `times` (the last time ends accrual): Σ (t_{k+1} − t_k) · intensity_k
    /// (rpact's accrualTime / accrualIntensity).
    public static func patients(times: [Double], intensities: [Double]) -> Double {
      zip(times.dropFirst(), zip(times, intensities)).reduce(0) { $0 + ($1.0 - $1.1.0) * $1.1.1 }
    }

    /// The end of accrual.
    public var duration: Double {
      switch self {
      case .uniform(let duration): return duration
      case .piecewise(let durations, _): return durations.reduce(0, +)
      }
    }

    var isValid: Bool {
      switch self {
      case .uniform(let duration):
        return duration.isFinite && duration > 0
      case .piecewise(let durations, let rates):
        return durations.count == rates.count && !durations.isEmpty
          && durations.allSatisfy { $0.isFinite && $0 > 0 }
          && rates.allSatisfy { $0.isFinite && $0 >= 0 } && rates.contains { $0 > 0 }
      }
    }

    /// The distribution function of one entry time.
    public func cdf(at t: Double) -> Double {
      guard t > 0 else { return 0 }
      switch self {
      case .uniform(let duration):
        return min(t / duration, 1)
      case .piecewise(let durations, let rates):
        let total = zip(durations, rates).reduce(0) { $0 + $1.0 * $1.1 }
        var mass = 0.0
        var start = 0.0
        for (duration, rate) in zip(durations, rates) {
          if t <= start + duration { return (mass + rate * (t - start)) / total }
          mass += rate * duration
          start += duration
        }
        return 1
      }
    }

    /// The entry time with distribution-function value `u` in (0, 1) (inversion; for a piecewise
    /// accrual, linear within the period where the cumulative mass reaches u).
    public func entryTime(quantile u: Double) -> Double {
      switch self {
      case .uniform(let duration):
        return u * duration
      case .piecewise(let durations, let rates):
        let target = u * zip(durations, rates).reduce(0) { $0 + $1.0 * $1.1 }
        var mass = 0.0
        var start = 0.0
        var lastEnd = 0.0
        for (duration, rate) in zip(durations, rates) {
          let piece = rate * duration
          if piece > 0 {
            if target < mass + piece { return start + (target - mass) / rate }
            lastEnd = start + duration
          }
          mass += piece
          start += duration
        }
        return lastEnd
      }
    }
  }

  /// Loss to follow-up, independent of the event.
  public enum Dropout: Sendable, Equatable {
    case none
    /// Exponential time to dropout from entry with this rate (e.g. ln 2 / median, or
    /// −ln(1 − p)/t for a proportion p lost by time t).
    case exponential(rate: Double)
  }

  /// When the analysis data are cut.
  public enum AnalysisCutoff: Sendable, Equatable {
    /// At a calendar time (from the start of accrual); +∞ follows every patient to event or
    /// dropout.
    case calendar(Double)
    /// At the calendar time of the `count`-th event (event-driven). If fewer events ever occur,
    /// at the end of the last patient's follow-up, flagged in ``SimulatedTrial/eventTargetReached``.
    case events(Int)
  }

  /// The arms, control first.
  public let arms: [Arm]
  /// The permuted-block size.
  public let blockSize: Int
  /// The stratification factors.
  public let factors: [StratificationFactor]
  /// Stratum-specific survival overrides.
  public let stratumSurvival: [StratumSurvival]
  /// The accrual pattern.
  public let accrual: Accrual
  /// The dropout process (of every arm, unless ``armDropout`` says otherwise).
  public let dropout: Dropout
  /// The dropout process of each arm, in arm order.
  public let armDropout: [Dropout]
  /// Patients per trial.
  public let patients: Int
  /// When the analysis happens.
  public let cutoff: AnalysisCutoff

  /// Every stratum, in row-major order of the factors' levels.
  public let strata: [Stratum]
  /// The survival distribution of each arm in each stratum, `survival[stratum][arm]`, hazard
  /// ratios resolved.
  public let survival: [[SurvivalDistribution]]
  /// One unshuffled block: arm indices in arm order, each repeated its share of the block.
  let blockTemplate: [Int]
  /// Per factor, the cumulative prevalences, the last forced to 1.
  let cumulativePrevalences: [[Double]]

  /// Validates and resolves a design.
  ///
  /// - Parameters:
  ///   - arms: the arms, control first; at least one, distinct names.
  ///   - blockSize: the permuted-block size, a positive multiple of the sum of the allocations.
  ///   - factors: stratification factors (none: one stratum `all`).
  ///   - stratumSurvival: optional survival per stratum × arm, replacing the arms' defaults.
  ///   - accrual: the entry process.
  ///   - dropout: independent loss to follow-up (default none).
  ///   - armDropout: dropout per arm, one per arm, replacing `dropout` (default: `dropout` in
  ///     every arm).
  ///   - patients: the number of patients randomized, n ≥ 1.
  ///   - cutoff: the analysis cut-off.
  /// - Throws: ``TrialSimulationError`` naming the first problem found.
  public init(
    arms: [Arm],
    blockSize: Int,
    factors: [StratificationFactor] = [],
    stratumSurvival: [StratumSurvival] = [],
    accrual: Accrual,
    dropout: Dropout = .none,
    armDropout: [Dropout]? = nil,
    patients: Int,
    cutoff: AnalysisCutoff
  ) throws(TrialSimulationError) {
    guard !arms.isEmpty else { throw .noArms }
    var names = Set<String>()
    for arm in arms {
      guard names.insert(arm.name).inserted else { throw .duplicateArmName(arm.name) }
      guard arm.allocation > 0 else { throw .invalidAllocation(arm: arm.name, ratio: arm.allocation) }
    }
    let ratioSum = arms.reduce(0) { $0 + $1.allocation }
    guard blockSize > 0, blockSize % ratioSum == 0 else {
      throw .invalidBlockSize(blockSize: blockSize, ratioSum: ratioSum)
    }
    var cumulative: [[Double]] = []
    for factor in factors {
      guard !factor.levels.isEmpty, Set(factor.levels).count == factor.levels.count else {
        throw .invalidFactorLevels(factor: factor.name, levels: factor.levels)
      }
      let p = factor.prevalences
      guard p.count == factor.levels.count, p.allSatisfy({ $0.isFinite && $0 >= 0 }),
        abs(p.reduce(0, +) - 1) <= 1e-9
      else { throw .invalidPrevalences(factor: factor.name, prevalences: p) }
      var running = 0.0
      var sums = p.map { running += $0; return running }
      sums[sums.count - 1] = 1
      cumulative.append(sums)
    }
    guard accrual.isValid else { throw .invalidAccrual(accrual) }
    let perArm = armDropout ?? Array(repeating: dropout, count: arms.count)
    guard perArm.count == arms.count else { throw .dropoutArmCount(expected: arms.count, found: perArm.count) }
    for d in [dropout] + perArm {
      if case .exponential(let rate) = d, !(rate.isFinite && rate > 0) { throw .invalidDropoutRate(rate) }
    }
    guard patients > 0 else { throw .invalidSampleSize(patients) }
    switch cutoff {
    case .calendar(let time):
      guard time > 0 else { throw .invalidCutoff(cutoff) }
    case .events(let count):
      guard count > 0 else { throw .invalidCutoff(cutoff) }
    }

    let strata = Self.enumerateStrata(factors)
    var specific = [Int?](repeating: nil, count: strata.count)
    for (entry, item) in stratumSurvival.enumerated() {
      guard let s = strata.firstIndex(where: { $0.levels == item.levels }) else {
        throw .unknownStratum(levels: item.levels)
      }
      guard specific[s] == nil else { throw .duplicateStratum(levels: item.levels) }
      guard item.arms.count == arms.count else {
        throw .stratumArmCount(levels: item.levels, expected: arms.count, found: item.arms.count)
      }
      specific[s] = entry
    }
    var survival: [[SurvivalDistribution]] = []
    for (s, stratum) in strata.enumerated() {
      let specs = specific[s].map { stratumSurvival[$0].arms } ?? arms.map(\.survival)
      guard case .distribution(let control) = specs[0] else {
        throw .controlArmByHazardRatio(stratum: stratum.label)
      }
      var row: [SurvivalDistribution] = []
      for (k, spec) in specs.enumerated() {
        let distribution: SurvivalDistribution
        switch spec {
        case .distribution(let d):
          distribution = d
        case .hazardRatio(let hr):
          guard hr.isFinite, hr > 0 else {
            throw .invalidHazardRatio(arm: arms[k].name, stratum: stratum.label, hazardRatio: hr)
          }
          distribution = control.scaled(byHazardRatio: hr)
        case .hazardRatios(let cutPoints, let ratios):
          guard ratios.allSatisfy({ $0.isFinite && $0 >= 0 }), ratios.contains(where: { $0 > 0 }) else {
            throw .invalidHazardRatio(arm: arms[k].name, stratum: stratum.label, hazardRatio: ratios.first(where: { !($0.isFinite && $0 >= 0) }) ?? 0)
          }
          distribution = control.withHazardRatios(cutPoints: cutPoints, ratios: ratios)
        }
        guard distribution.isValid else {
          throw .invalidDistribution(arm: arms[k].name, stratum: stratum.label, distribution: distribution)
        }
        row.append(distribution)
      }
      survival.append(row)
    }

    // A cured patient without dropout is never censored before an infinite cut-off.
    if case .calendar(let time) = cutoff, time == .infinity {
      for row in survival {
        for (k, d) in row.enumerated() where d.hasCure && perArm[k] == .none { throw .invalidCutoff(cutoff) }
      }
    }

    self.arms = arms
    self.blockSize = blockSize
    self.factors = factors
    self.stratumSurvival = stratumSurvival
    self.accrual = accrual
    self.dropout = dropout
    self.armDropout = perArm
    self.patients = patients
    self.cutoff = cutoff
    self.strata = strata
    self.survival = survival
    self.cumulativePrevalences = cumulative
    self.blockTemplate = arms.enumerated().flatMap { k, arm in
      [Int](repeating: k, count: arm.allocation * blockSize / ratioSum)
    }
  }

  private static func enumerateStrata(_ factors: [StratificationFactor]) -> [Stratum] {
    var combinations: [[Int]] = [[]]
    for factor in factors {
      combinations = combinations.flatMap { prefix in factor.levels.indices.map { prefix + [$0] } }
    }
    return combinations.map { indices in
      let levels = zip(factors, indices).map { $0.levels[$1] }
      let probability = zip(factors, indices).reduce(1.0) { $0 * $1.0.prevalences[$1.1] }
      return Stratum(
        levelIndices: indices, levels: levels,
        label: levels.isEmpty ? "all" : levels.joined(separator: "/"), probability: probability)
    }
  }
}
