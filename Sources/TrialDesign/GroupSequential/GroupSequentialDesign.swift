import Foundation
import Survival

/// The plan of a group-sequential overall-survival trial: boundaries, events per look, and (with an
/// accrual model) patients and the expected calendar time of each analysis.
///
/// Events: the fixed-design events from ``EventsMethod`` times the design's inflation factor gives
/// the maximum events D_max (unrounded, as rpact); the planned maximum is ⌈D_max⌉ unless given, and
/// look k is planned at ⌈t_k·max⌉ events. Patients: D_max / P̄(event by the final analysis) under
/// ``ExponentialAccrualModel``, or, when the patients are given, the follow-up that yields D_max
/// expected events. Expected events under the alternative: Σ D_k·P(stop at look k).
public struct GroupSequentialDesign: Sendable {
  /// Accrual, survival and dropout assumptions.
  public struct Accrual: Sendable, Equatable {
    public let controlMedian: Double
    public let accrualTime: Double
    /// Follow-up after the end of accrual; nil to solve it from the patients.
    public let followUp: Double?
    /// Probability of dropping out by `dropoutTime` (each arm), 0 for none.
    public let dropoutRate: Double
    public let dropoutTime: Double

    public init(controlMedian: Double, accrualTime: Double, followUp: Double?, dropoutRate: Double = 0, dropoutTime: Double = 12) {
      self.controlMedian = controlMedian
      self.accrualTime = accrualTime
      self.followUp = followUp
      self.dropoutRate = dropoutRate
      self.dropoutTime = dropoutTime
    }
  }

  public let boundaries: GroupSequentialBoundaries
  /// The design alternative.
  public let hazardRatio: Double
  /// Allocation r = experimental : control.
  public let allocation: Double
  public let method: EventsMethod
  /// Events of a fixed design with the same α and power.
  public let fixedEvents: Double
  /// fixedEvents × inflation factor, unrounded.
  public let maxEventsExact: Double
  /// The planned maximum number of events.
  public let maxEvents: Int
  /// The planned events at each look.
  public let lookEvents: [Int]
  public let accrual: Accrual?
  /// The follow-up after accrual (given or solved).
  public let followUp: Double?
  public let patientsExact: Double?
  /// The planned patients (given, or ⌈patientsExact⌉).
  public let patients: Int?
  /// P̄(event by the final analysis).
  public let eventProbability: Double?
  /// The expected calendar time of each look (from the start of accrual).
  public let analysisTimes: [Double]?
  /// Σ D_k·P(stop at look k) under the design alternative (unrounded D_k = t_k·D_max).
  public let expectedEventsH1: Double
  /// Stratification factors of the primary analysis.
  public let strata: [String]

  /// Why the plan cannot be made.
  public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case boundaries(GroupSequentialError)
    case hazardRatio(Double)
    case allocation(Double)
    case accrual(String)
    case tooFewEvents(looks: Int, events: Int)

    public var description: String {
      switch self {
      case .boundaries(let e): e.description
      case .hazardRatio(let hr): "the hazard ratio must be positive and not 1; got \(hr.shortDescription)"
      case .allocation(let r): "the allocation ratio must be positive; got \(r.shortDescription)"
      case .accrual(let what): what
      case .tooFewEvents(let looks, let events): "\(looks) looks need at least \(looks) events; the design has \(events)"
      }
    }
  }

  /// Makes the plan.
  /// - Parameters:
  ///   - maxEvents: the planned maximum events when fixed by the protocol (default ⌈D_max⌉).
  ///   - patients: the planned patients when fixed (then the follow-up is solved).
  public init(
    boundaries: GroupSequentialBoundaries, hazardRatio: Double, allocation: Double = 1, method: EventsMethod = .schoenfeld,
    accrual: Accrual? = nil, patients: Int? = nil, maxEvents: Int? = nil, strata: [String] = []
  ) throws(PlanError) {
    guard hazardRatio.isFinite, hazardRatio > 0, hazardRatio != 1 else { throw .hazardRatio(hazardRatio) }
    guard allocation.isFinite, allocation > 0 else { throw .allocation(allocation) }
    self.boundaries = boundaries
    self.hazardRatio = hazardRatio
    self.allocation = allocation
    self.method = method
    self.strata = strata
    let level = boundaries.alpha / Double(boundaries.sided)
    fixedEvents = method.fixedEvents(hazardRatio: hazardRatio, alpha: level, beta: boundaries.beta, allocation: allocation)
    maxEventsExact = fixedEvents * boundaries.inflationFactor
    let planned = maxEvents ?? Int(maxEventsExact.rounded(.up))
    guard planned >= boundaries.fractions.count else {
      throw .tooFewEvents(looks: boundaries.fractions.count, events: planned)
    }
    self.maxEvents = planned
    lookEvents = boundaries.fractions.map { Int(($0 * Double(planned) - 1e-9).rounded(.up)) }
    let stop = zip(boundaries.efficacyProbabilityH1, boundaries.futilityProbabilityH1).map { $0 + $1 }
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
      followUp = nil
      patientsExact = patients.map(Double.init)
      self.patients = patients
      eventProbability = nil
      analysisTimes = nil
      return
    }
    for (name, value) in [("control median", accrual.controlMedian), ("accrual time", accrual.accrualTime), ("dropout time", accrual.dropoutTime)]
    where !(value.isFinite && value > 0) {
      throw .accrual("the \(name) must be positive; got \(value.shortDescription)")
    }
    guard accrual.dropoutRate >= 0, accrual.dropoutRate < 1 else {
      throw .accrual("the dropout rate must lie in [0, 1); got \(accrual.dropoutRate.shortDescription)")
    }
    let model = ExponentialAccrualModel(
      controlMedian: accrual.controlMedian, hazardRatio: hazardRatio, accrualTime: accrual.accrualTime,
      allocation: allocation,
      dropoutHazard: ExponentialAccrualModel.dropoutHazard(rate: accrual.dropoutRate, time: accrual.dropoutTime))
    let n: Double
    let f: Double
    switch (patients, accrual.followUp) {
    case (let p?, nil):
      guard let solved = model.followUp(events: maxEventsExact, patients: Double(p)) else {
        throw .accrual(
          "\(p) patients accrued over \(accrual.accrualTime.shortDescription) cannot give \(JSONNumber.short(maxEventsExact)) expected events")
      }
      n = Double(p)
      f = solved
    case (nil, let given?):
      guard given.isFinite, given >= 0 else { throw .accrual("the follow-up must be 0 or more; got \(given.shortDescription)") }
      n = model.patients(events: maxEventsExact, followUp: given)
      f = given
    case (_?, _?):
      throw .accrual("give either the patients or the follow-up, not both: the other follows from them")
    case (nil, nil):
      throw .accrual("an accrual model needs the follow-up after accrual or the number of patients")
    }
    followUp = f
    patientsExact = n
    self.patients = patients ?? Int((n - 1e-9).rounded(.up))
    eventProbability = model.eventProbability(followUp: f)
    let total = maxEventsExact
    analysisTimes = boundaries.fractions.map { t in
      t == 1 ? accrual.accrualTime + f : (model.calendarTime(events: t * total, patients: n) ?? .nan)
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
