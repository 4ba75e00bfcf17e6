import Foundation
import Survival

/// The plan of a group-sequential overall-survival trial: boundaries, events per look, and (with an
/// accrual model) patients and the expected calendar time of each analysis.
///
/// Events: the fixed-design events from ``EventsMethod`` times the design's inflation factor gives
/// the maximum events D_max (unrounded, as rpact); the planned maximum is ⌈D_max⌉ unless given, and
/// look k is planned at ⌈t_k·max⌉ events. Patients and timing under ``ExponentialAccrualModel``
/// from two of accrual duration, accrual rate, follow-up and patients: duration and follow-up give
/// N = D_max / P̄(event by the final analysis); duration and patients (or rate) give the follow-up
/// that yields D_max expected events; rate and follow-up give the duration (rpact's
/// accrualIntensity). Expected events under the alternative: Σ D_k·P(stop at look k).
public struct GroupSequentialDesign: Sendable {
  /// Accrual, survival and dropout assumptions.
  public struct Accrual: Sendable, Equatable {
    /// Control-arm median survival.
    public let controlMedian: Double
    /// Accrual duration; nil to solve it from the rate and the follow-up.
    public let accrualTime: Double?
    /// Patients accrued per unit time; nil unless given.
    public let accrualRate: Double?
    /// Follow-up after the end of accrual; nil to solve it from the patients or the rate.
    public let followUp: Double?
    /// Probability of dropping out by `dropoutTime` (each arm), 0 for none.
    public let dropoutRate: Double
    /// The time `dropoutRate` refers to.
    public let dropoutTime: Double

    /// The exponential dropout hazard that loses `dropoutRate` of patients by `dropoutTime`
    /// (rpact's proportion-by-time convention): −ln(1 − p) / t; 0 without dropout.
    public var dropoutHazard: Double { dropoutRate > 0 ? -log1p(-dropoutRate) / dropoutTime : 0 }

    /// Assumptions; see the properties for each argument.
    public init(
      controlMedian: Double, accrualTime: Double?, accrualRate: Double? = nil, followUp: Double?, dropoutRate: Double = 0,
      dropoutTime: Double = 12
    ) {
      self.controlMedian = controlMedian
      self.accrualTime = accrualTime
      self.accrualRate = accrualRate
      self.followUp = followUp
      self.dropoutRate = dropoutRate
      self.dropoutTime = dropoutTime
    }
  }

  /// The boundaries.
  public let boundaries: GroupSequentialBoundaries
  /// The design alternative.
  public let hazardRatio: Double
  /// Allocation r = experimental : control.
  public let allocation: Double
  /// The events formula.
  public let method: EventsMethod
  /// Events of a fixed design with the same α and power.
  public let fixedEvents: Double
  /// fixedEvents × inflation factor, unrounded.
  public let maxEventsExact: Double
  /// The planned maximum number of events.
  public let maxEvents: Int
  /// The planned events at each look.
  public let lookEvents: [Int]
  /// Accrual assumptions, if given.
  public let accrual: Accrual?
  /// The accrual duration (given or solved).
  public let accrualDuration: Double?
  /// The follow-up after accrual (given or solved).
  public let followUp: Double?
  /// Patients needed, unrounded (or the patients given).
  public let patientsExact: Double?
  /// The planned patients (given, or ⌈patientsExact⌉; a protocol's number may replace it).
  public var patients: Int?
  /// P̄(event by the final analysis).
  public let eventProbability: Double?
  /// The expected calendar time of each look (from the start of accrual).
  public let analysisTimes: [Double]?
  /// Σ D_k·P(stop at look k) under the design alternative (unrounded D_k = t_k·D_max).
  public let expectedEventsH1: Double
  /// The power at the design hazard ratio when the events were given rather than the power
  /// (nil when the power was given and the events computed).
  public let computedPower: Double?
  /// The power at the design hazard ratio: given, or computed for the given events.
  public var power: Double { computedPower ?? 1 - boundaries.beta }
  /// Stratification factors of the primary analysis.
  public let strata: [String]
  /// The experimental arm's label in the data's group column, when the plan names it.
  public var experimentalArm: String?

  /// Why the plan cannot be made.
  public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The largest number of events or patients a design plans (10^9): larger counts come only
    /// from extreme inputs and would overflow on conversion.
    public static let largestCount = 1e9

    case boundaries(GroupSequentialError)
    case hazardRatio(Double)
    case allocation(Double)
    case accrual(String)
    case tooFewEvents(looks: Int, events: Int)
    case benefitDirection(Double)
    case powerForEvents(String)
    /// A count (events, patients) beyond what a trial can have: the quantity and its value.
    case tooLarge(String, Double)

    public var description: String {
      switch self {
      case .tooLarge(let what, let value):
        "\(what) would be \(value.shortDescription), beyond the largest a design can plan (\(Int(Self.largestCount)))"
      case .boundaries(let e): e.description
      case .hazardRatio(let hr): "the hazard ratio must be positive and not 1; got \(hr.shortDescription)"
      case .allocation(let r): "the allocation ratio must be positive; got \(r.shortDescription)"
      case .accrual(let what): what
      case .tooFewEvents(let looks, let events):
        "\(looks) look\(looks == 1 ? "" : "s") need\(looks == 1 ? "s" : "") at least \(looks) event\(looks == 1 ? "" : "s"); the design has \(events)"
      case .benefitDirection(let hr):
        "a one-sided design tests for benefit, a hazard ratio below 1; got \(hr.shortDescription)"
      case .powerForEvents(let what): what
      }
    }
  }

  /// Makes the plan.
  /// - Parameters:
  ///   - maxEvents: the planned maximum events when fixed by the protocol (default ⌈D_max⌉).
  ///   - patients: the planned patients when fixed (then the follow-up is solved).
  ///   - powerForEvents: the maximum events when they are given and the power is to be computed
  ///     (rpact's getPowerSurvival): the power is the probability of crossing an efficacy
  ///     boundary at the drift that `method` gives for these events; the boundaries' β is unused.
  public init(
    boundaries: GroupSequentialBoundaries, hazardRatio: Double, allocation: Double = 1, method: EventsMethod = .schoenfeld,
    accrual: Accrual? = nil, patients: Int? = nil, maxEvents: Int? = nil, strata: [String] = [],
    powerForEvents: Double? = nil
  ) throws(PlanError) {
    guard hazardRatio.isFinite, hazardRatio > 0, hazardRatio != 1 else { throw .hazardRatio(hazardRatio) }
    guard allocation.isFinite, allocation > 0 else { throw .allocation(allocation) }
    if boundaries.sided == 1 && hazardRatio >= 1 { throw .benefitDirection(hazardRatio) }
    self.boundaries = boundaries
    self.hazardRatio = hazardRatio
    self.allocation = allocation
    self.method = method
    self.strata = strata
    let level = boundaries.alpha / Double(boundaries.sided)
    var stop = zip(boundaries.efficacyProbabilityH1, boundaries.futilityProbabilityH1).map { $0 + $1 }
    if let events = powerForEvents {
      guard events.isFinite, events > 0 else { throw .powerForEvents("the events must be positive; got \(events.shortDescription)") }
      if case .betaSpending = boundaries.futility {
        throw .powerForEvents("power for given events needs a design without beta-spending futility (its boundaries depend on the power)")
      }
      let oc = boundaries.stoppingProbabilities(
        drift: method.drift(hazardRatio: hazardRatio, events: events, allocation: allocation))
      let power = oc.efficacy.reduce(0, +)
      computedPower = power
      stop = zip(oc.efficacy, oc.futility).map { $0 + $1 }
      // The events a fixed design would need for the same power (none when it is below α).
      fixedEvents =
        power > level && power < 1
        ? method.fixedEvents(hazardRatio: hazardRatio, alpha: level, beta: 1 - power, allocation: allocation) : .nan
      maxEventsExact = events
    } else {
      computedPower = nil
      fixedEvents = method.fixedEvents(hazardRatio: hazardRatio, alpha: level, beta: boundaries.beta, allocation: allocation)
      maxEventsExact = fixedEvents * boundaries.inflationFactor
    }
    if maxEvents == nil {
      guard maxEventsExact.isFinite, maxEventsExact <= PlanError.largestCount else {
        throw .tooLarge("the maximum number of events", maxEventsExact)
      }
    }
    if let m = maxEvents, Double(m) > PlanError.largestCount { throw .tooLarge("the maximum number of events", Double(m)) }
    let planned = maxEvents ?? Int((maxEventsExact - 1e-9).rounded(.up))
    guard planned >= boundaries.fractions.count else {
      throw .tooFewEvents(looks: boundaries.fractions.count, events: planned)
    }
    self.maxEvents = planned
    lookEvents = boundaries.fractions.map { Int(($0 * Double(planned) - 1e-9).rounded(.up)) }
    var expected = 0.0
    var reached = 1.0
    for k in boundaries.fractions.indices {
      let d = boundaries.fractions[k] * maxEventsExact
      if k == boundaries.fractions.count - 1 {
        expected += d * reached
      } else {
        expected += d * stop[k]
        reached -= stop[k]
      }
    }
    expectedEventsH1 = expected
    self.accrual = accrual
    guard let accrual else {
      accrualDuration = nil
      followUp = nil
      patientsExact = patients.map(Double.init)
      self.patients = patients
      eventProbability = nil
      analysisTimes = nil
      return
    }
    var positive = [("control median", accrual.controlMedian), ("dropout time", accrual.dropoutTime)]
    if let a = accrual.accrualTime { positive.append(("accrual time", a)) }
    if let r = accrual.accrualRate { positive.append(("accrual rate", r)) }
    for (name, value) in positive where !(value.isFinite && value > 0) {
      throw .accrual("the \(name) must be positive; got \(value.shortDescription)")
    }
    guard accrual.dropoutRate >= 0, accrual.dropoutRate < 1 else {
      throw .accrual("the dropout rate must lie in [0, 1); got \(accrual.dropoutRate.shortDescription)")
    }
    if let given = accrual.followUp, !(given.isFinite && given >= 0) {
      throw .accrual("the follow-up must be 0 or more; got \(given.shortDescription)")
    }
    let dropout = ExponentialAccrualModel.dropoutHazard(rate: accrual.dropoutRate, time: accrual.dropoutTime)
    let ratio = hazardRatio
    let model = { (duration: Double) in
      ExponentialAccrualModel(
        controlMedian: accrual.controlMedian, hazardRatio: ratio, accrualTime: duration, allocation: allocation,
        dropoutHazard: dropout)
    }
    let target = maxEventsExact
    let duration: Double
    let n: Double
    let f: Double
    func solveFollowUp(_ a: Double, _ n: Double) throws(PlanError) -> Double {
      guard let solved = model(a).followUp(events: target, patients: n) else {
        throw .accrual(
          "\(JSONNumber.short(n)) patients accrued over \(a.shortDescription) cannot give \(JSONNumber.short(target)) expected events")
      }
      return solved
    }
    switch (accrual.accrualTime, accrual.accrualRate, accrual.followUp, patients) {
    case (let a?, nil, let given?, nil):
      duration = a
      n = model(a).patients(events: target, followUp: given)
      f = given
    case (let a?, nil, nil, let p?):
      duration = a
      n = Double(p)
      f = try solveFollowUp(a, n)
    case (let a?, let r?, nil, nil):
      duration = a
      n = r * a
      f = try solveFollowUp(a, n)
    case (nil, let r?, let given?, nil):
      // Events by the end of follow-up grow with the accrual duration (more patients, each
      // followed at least as long): bracket and solve r·A·P̄_A(A + F) = D_max.
      let gap = { (a: Double) in r * a * model(a).eventProbability(followUp: given) - target }
      var hi = max(1, target / r)
      var tries = 0
      while gap(hi) < 0 && tries < 60 {
        hi *= 2
        tries += 1
      }
      guard gap(hi) >= 0, let a = RootFinder.brent(1e-9, hi, tolerance: 1e-12, gap) else {
        throw .accrual("accrual at \(r.shortDescription) per unit time cannot give \(JSONNumber.short(target)) expected events")
      }
      duration = a
      n = r * a
      f = given
    default:
      throw .accrual(
        "give two of accrual time, accrual rate, follow-up and patients, with the accrual time or the rate among them (time + follow-up, time + patients, time + rate, or rate + follow-up)")
    }
    accrualDuration = duration
    followUp = f
    patientsExact = n
    guard n.isFinite, n <= PlanError.largestCount else { throw .tooLarge("the number of patients", n) }
    self.patients = patients ?? Int((n - 1e-9).rounded(.up))
    let m = model(duration)
    eventProbability = m.eventProbability(followUp: f)
    analysisTimes = boundaries.fractions.map { t in
      t == 1 ? duration + f : (m.calendarTime(events: t * target, patients: n) ?? .nan)
    }
  }

  /// The hazard ratio at which the observed z would sit on each efficacy boundary:
  /// exp(−z_k·(1+r)/√(r·D_k)) with D_k the planned events.
  public var hazardRatioAtBoundary: [Double] {
    zip(boundaries.efficacyZ, lookEvents).map { z, d in
      Foundation.exp(-z * (1 + allocation) / (allocation * Double(d)).squareRoot())
    }
  }
}

/// Short numbers for messages.
enum JSONNumber {
  static func short(_ v: Double) -> String { String(format: "%.4g", v) }
}
