import Foundation
import Survival

/// The formula for the number of events a log-rank comparison needs.
public enum EventsMethod: String, Sendable, CaseIterable {
  /// Schoenfeld (1981, Biometrika 68:316–319): D = (z_α + z_β)²·(1 + r)² / (r·ln²HR).
  case schoenfeld
  /// Freedman (1982, Stat Med 1:121–129): D = (z_α + z_β)²·(1 + r·HR)² / (r·(1 − HR)²).
  case freedman
  /// Hsieh's (1992) unequal-allocation form of Freedman: D = (z_α + z_β)²·(1 + HR)²·(1 + r)² / (4r·(1 − HR)²).
  case hsiehFreedman = "hsieh-freedman"

  /// The events a fixed (single-look) design needs for a one-sided level `alpha`, power
  /// 1 − `beta`, hazard ratio `hazardRatio` and allocation r = experimental : control.
  public func fixedEvents(hazardRatio hr: Double, alpha: Double, beta: Double, allocation r: Double = 1) -> Double {
    let z = Normal.quantile(1 - alpha) + Normal.quantile(1 - beta)
    let z2 = z * z
    switch self {
    case .schoenfeld:
      let l = Foundation.log(hr)
      return z2 * (1 + r) * (1 + r) / (r * l * l)
    case .freedman:
      return z2 * (1 + r * hr) * (1 + r * hr) / (r * (1 - hr) * (1 - hr))
    case .hsiehFreedman:
      return z2 * (1 + hr) * (1 + hr) / ((1 - hr) * (1 - hr)) * (1 + r) * (1 + r) / (4 * r)
    }
  }

  /// The mean of the final z statistic with `events` events at hazard ratio `hazardRatio`: the
  /// inverse of ``fixedEvents(hazardRatio:alpha:beta:allocation:)`` (which solves drift =
  /// z_α + z_β for the events).
  public func drift(hazardRatio hr: Double, events: Double, allocation r: Double = 1) -> Double {
    let root = (r * events).squareRoot()
    switch self {
    case .schoenfeld: return -Foundation.log(hr) * root / (1 + r)
    case .freedman: return (1 - hr) * root / (1 + r * hr)
    case .hsiehFreedman: return (1 - hr) / (1 + hr) * 2 * root / (1 + r)
    }
  }

  /// A description for output.
  public var label: String {
    switch self {
    case .schoenfeld: "Schoenfeld (1981)"
    case .freedman: "Freedman (1982)"
    case .hsiehFreedman: "Hsieh–Freedman"
    }
  }
}

/// Uniform accrual with exponential survival and exponential dropout in two arms: the expected
/// number of events by calendar time, and from it the patients a design needs and the expected
/// calendar time of each analysis.
///
/// A patient entering at calendar time e is followed until T − e; with event hazard λ and dropout
/// hazard γ the probability of an observed event by follow-up u is λ/(λ+γ)·(1 − e^{−(λ+γ)u}).
/// Averaged over uniform entry on [0, A] this is the expected-events method rpact uses (Lakatos &
/// Lan 1992, Stat Med 11:1817–1838, in its exponential form; Kim & Tsiatis 1990): N = D / P̄(event
/// by the final analysis). This is not the Lachin–Foulkes method of gsDesign's nSurv.
public struct ExponentialAccrualModel: Sendable, Equatable {
  /// Control-arm median survival (time unit of the design, e.g. months).
  public let controlMedian: Double
  /// Hazard ratio experimental : control.
  public let hazardRatio: Double
  /// Accrual duration A (uniform over [0, A]).
  public let accrualTime: Double
  /// Allocation r = experimental : control.
  public let allocation: Double
  /// Dropout hazard per unit time in each arm (0 for none).
  public let dropoutHazard: Double

  /// A model; see the properties for each argument.
  public init(controlMedian: Double, hazardRatio: Double, accrualTime: Double, allocation: Double = 1, dropoutHazard: Double = 0) {
    self.controlMedian = controlMedian
    self.hazardRatio = hazardRatio
    self.accrualTime = accrualTime
    self.allocation = allocation
    self.dropoutHazard = dropoutHazard
  }

  /// The dropout hazard for a probability `rate` of dropping out by time `time` (rpact's
  /// dropoutRate/dropoutTime): −ln(1 − rate)/time.
  public static func dropoutHazard(rate: Double, time: Double) -> Double {
    rate <= 0 ? 0 : -Foundation.log1p(-rate) / time
  }

  var controlHazard: Double { Foundation.log(2) / controlMedian }

  /// ∫₀ˣ P(event by follow-up u) du for hazard λ.
  private func integratedEventProbability(_ x: Double, hazard lambda: Double) -> Double {
    guard x > 0 else { return 0 }
    let total = lambda + dropoutHazard
    return lambda / total * (x + Foundation.expm1(-total * x) / total)
  }

  /// The expected fraction of the final sample size with an observed event by calendar time `t`
  /// (patients not yet entered count as no event).
  public func eventFraction(at t: Double) -> Double {
    let lambdas = [hazardRatio * controlHazard, controlHazard]
    let shares = [allocation / (1 + allocation), 1 / (1 + allocation)]
    var sum = 0.0
    for (lambda, share) in zip(lambdas, shares) {
      let upper = integratedEventProbability(t, hazard: lambda)
      let lower = integratedEventProbability(t - accrualTime, hazard: lambda)
      sum += share * (upper - lower) / accrualTime
    }
    return sum
  }

  /// The probability that a patient has an observed event by the final analysis at
  /// A + `followUp` (P̄ of rpact).
  public func eventProbability(followUp: Double) -> Double { eventFraction(at: accrualTime + followUp) }

  /// The patients needed for `events` events by the analysis at A + `followUp`.
  public func patients(events: Double, followUp: Double) -> Double { events / eventProbability(followUp: followUp) }

  /// The follow-up after the end of accrual at which `patients` patients give `events` expected
  /// events; nil when they cannot (more events than patients would ever have).
  public func followUp(events: Double, patients: Double) -> Double? {
    guard let t = calendarTime(events: events, patients: patients), t >= accrualTime else { return nil }
    return t - accrualTime
  }

  /// The calendar time at which `patients` patients (accrued uniformly over A) give `events`
  /// expected events; nil when never.
  public func calendarTime(events: Double, patients: Double) -> Double? {
    let ceiling = eventFraction(at: accrualTime + 1e4 * max(controlMedian, 1)) * patients
    guard events > 0, events < ceiling else { return nil }
    return RootFinder.bracketed(near: accrualTime, step: accrualTime / 2, tolerance: 1e-12) { t in
      self.eventFraction(at: max(t, 0)) * patients - events
    }
  }
}
