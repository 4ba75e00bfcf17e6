import Foundation
import Survival

/// One look at the data: cumulative events and the log-rank z in the favourable direction
/// (positive when the experimental arm has fewer events than expected, i.e. HR < 1).
public struct ObservedLook: Sendable, Equatable {
  /// Cumulative events at the look.
  public let events: Double
  /// The log-rank z, positive when it favours the experimental arm.
  public let z: Double
  /// A look.
  public init(events: Double, z: Double) {
    self.events = events
    self.z = z
  }
}

/// What the data at the current look say against the boundary.
public enum SequentialDecision: String, Sendable {
  /// z reached the efficacy boundary: reject H0.
  case efficacy
  /// z fell to the (binding or non-binding) futility boundary.
  case futility
  /// An interim look inside the continuation region.
  case `continue`
  /// The final analysis did not reach its boundary.
  case notRejected = "not_rejected"
  /// A two-sided design's lower boundary was reached: reject H0 with the experimental arm worse.
  case unfavourable = "rejected_unfavourable"
}

/// How the current look is read.
public enum AnalysisReading: String, Sendable {
  /// An interim look: the boundary spends α(t) at the observed information fraction t = D/D_max,
  /// later looks stay planned.
  case interim
  /// The final analysis: all remaining α is spent now, whatever the information reached (the
  /// under- and over-running cases); earlier looks keep the α they spent.
  case final
}

/// Inference at one look of a group-sequential log-rank comparison, with the boundary recomputed
/// at the observed information (Lan & DeMets 1983; rpact's getAnalysisResults with maxInformation).
///
/// The information fraction of look j is t_j = D_j / D_max with D_j its cumulative events. Under
/// the interim reading look j spends α(t_j) − α(t_{j−1}) and the remaining planned looks keep
/// their planned fractions; under the final reading earlier looks keep the α spent at their
/// observed fractions, the current look spends what is left, and the correlations use
/// D_j / D_current (an under-running or over-running final analysis). Classical (fixed-shape)
/// boundaries keep their planned z at each look (their cumulative α is the exact crossing
/// probability at the observed fractions); a final look takes the z that brings the type I error
/// to α. Futility boundaries are those of the planned looks, at their planned z. A look before
/// the current one that crossed its efficacy boundary is an error: the trial stopped there.
///
/// Estimates: the hazard ratio exp(−z·(1+r)/√(r·D)); the repeated confidence interval
/// exp(log ĤR ± b_j·(1+r)/√(r·D_j)) (Jennison & Turnbull 1989, J R Stat Soc B 51:305–361); the
/// repeated p-value, the smallest α at which the look's boundary is crossed (searched up to 0.5,
/// as rpact); conditional power under a drift, P(crossing a later efficacy boundary | current z)
/// by the same recursion; flat-prior predictive power, conditional power averaged over the
/// posterior of the drift N(ẑ/√t, 1/t) (Spiegelhalter, Freedman & Blackburn 1986); and, when a
/// boundary is crossed or at the final analysis, the stage-wise ordering p-value, the
/// median-unbiased hazard ratio and the 1 − 2α confidence interval (Tsiatis, Rosner & Mehta 1984,
/// Biometrics 40:797–803; Jennison & Turnbull 2000, §8.4).
public struct SequentialAnalysis: Sendable {
  /// Everything computed for one look of the history.
  public struct Look: Sendable {
    /// 1 for the first look.
    public let number: Int
    /// Cumulative events.
    public let events: Double
    /// The log-rank z, favourable direction.
    public let z: Double
    /// D_j / D_max.
    public let informationFraction: Double
    /// The efficacy boundary that applies at this look under the reading.
    public let efficacyZ: Double
    /// The futility boundary of the planned look, if any.
    public let futilityZ: Double?
    /// The cumulative α spent by this look under the reading.
    public let cumulativeAlpha: Double
    /// exp(−z(1+r)/√(rD)).
    public let hazardRatio: Double
    /// Lower limit of the repeated confidence interval.
    public let rciLower: Double
    /// Upper limit of the repeated confidence interval.
    public let rciUpper: Double
    /// The repeated p-value; `repeatedPCapped` says it reached the 0.5 cap.
    public let repeatedP: Double
    /// Whether the repeated p-value reached the 0.5 cap.
    public let repeatedPCapped: Bool
    /// The decision at this look.
    public let decision: SequentialDecision
    /// The nominal one-sided p-value of the efficacy boundary.
    public var nominalP: Double { Normal.upperTail(efficacyZ) }
  }

  /// A future look, for conditional power.
  public struct PlannedLook: Sendable {
    /// The planned look's number.
    public let number: Int
    /// Its planned information fraction.
    public let informationFraction: Double
    /// fraction × maximum events.
    public let events: Double
    /// Its efficacy boundary after the looks so far.
    public let efficacyZ: Double
  }

  /// Post-stopping inference by stage-wise ordering.
  public struct FinalInference: Sendable {
    /// One-sided stage-wise ordering p-value.
    public let pValue: Double
    /// Median-unbiased hazard ratio.
    public let medianUnbiasedHR: Double
    /// Lower confidence limit of the hazard ratio.
    public let lower: Double
    /// Upper confidence limit of the hazard ratio.
    public let upper: Double
    /// The confidence level 1 − 2α.
    public let level: Double
  }

  /// Interim or final.
  public let reading: AnalysisReading
  /// The planned maximum events.
  public let maxEvents: Double
  /// Allocation experimental : control.
  public let allocation: Double
  /// The design alternative, for conditional power.
  public let designHazardRatio: Double?
  /// The looks so far, the current one last.
  public let looks: [Look]
  /// Planned looks still ahead (interim reading).
  public let remaining: [PlannedLook]
  /// Conditional power under the current trend (drift ẑ/√t); nil when no look remains.
  public let conditionalPowerTrend: Double?
  /// Conditional power under the design hazard ratio; nil when no look remains.
  public let conditionalPowerDesign: Double?
  /// Flat-prior predictive power; nil when no look remains.
  public let predictivePower: Double?
  /// Stage-wise inference; nil unless a boundary was crossed or this is the final analysis.
  public let finalInference: FinalInference?
  /// The current (last) look.
  public var current: Look { looks[looks.count - 1] }

  /// Analyses `history` (the earlier looks and the current one, events increasing) against
  /// `design` with `maxEvents` planned events.
  /// - Throws: ``GroupSequentialError`` when events do not increase or a search fails.
  public init(
    design: GroupSequentialBoundaries, maxEvents: Double, allocation: Double = 1, designHazardRatio: Double?,
    history: [ObservedLook], reading requested: AnalysisReading? = nil
  ) throws(GroupSequentialError) {
    guard !history.isEmpty, maxEvents > 0 else { throw .fractionsNotIncreasing([]) }
    let observed = history.map { $0.events / maxEvents }
    for j in history.indices where !(history[j].events > 0 && history[j].events.isFinite && (j == 0 || history[j].events > history[j - 1].events)) {
      throw .eventsNotIncreasing(history.map(\.events))
    }
    let k = history.count
    let looksPlanned = design.fractions.count
    guard k <= looksPlanned || requested == .final || observed[k - 1] >= 1 else {
      throw .noSolution("look \(k) of a design with \(looksPlanned) looks; declare it final")
    }
    let reading: AnalysisReading =
      requested ?? ((k >= looksPlanned || observed[k - 1] >= 1) ? .final : .interim)
    self.reading = reading
    self.maxEvents = maxEvents
    self.allocation = allocation
    self.designHazardRatio = designHazardRatio
    let r = allocation
    let sided = Double(design.sided)

    // The fractions the recursion runs on: observed looks, then the planned looks still ahead.
    let future: [(number: Int, fraction: Double)] =
      reading == .final
      ? []
      : (k..<looksPlanned).map { ($0 + 1, design.fractions[$0]) }.filter { $0.fraction > observed[k - 1] }
    let scale = reading == .final ? history[k - 1].events : maxEvents
    let fractions = history.map { $0.events / scale } + future.map { $0.fraction }
    // Each look of the recursion is a planned look: the observed ones in order, then those ahead.
    let plannedNumber = Array(1...k) + future.map(\.number)
    let plannedFutility: (Int) -> Double? = { j in
      let n = plannedNumber[j] - 1
      return n < design.futilityZ.count ? design.futilityZ[n] : nil
    }
    let bindingLower: [Double] = fractions.indices.map { j in
      design.bindingFutility && j < fractions.count - 1 ? (plannedFutility(j) ?? -.infinity) : -.infinity
    }

    // The efficacy boundaries for total level `level` under this reading.
    func bounds(level: Double, upTo count: Int) throws(GroupSequentialError) -> (z: [Double], cumulative: [Double]) {
      guard let f = design.efficacy.spendingFunction else {
        // A classical boundary keeps its planned z at each look; a final look takes the z that
        // brings the exact type I error (over the observed fractions) to the level.
        var z = plannedNumber.prefix(count).map { design.efficacyZ[min($0, design.efficacyZ.count) - 1] }
        let part = Array(fractions.prefix(count))
        let lower = Array(bindingLower.prefix(count))
        func exits(_ upper: [Double]) -> [Double] {
          GroupSequentialBoundaries.nullRejections(fractions: part, upper: upper, lower: lower, sided: design.sided)
        }
        if reading == .final && count >= k {
          let earlier = Array(z.prefix(k - 1))
          guard
            let last = RootFinder.brent(-10, 38, { c in exits(earlier + [c]).reduce(0, +) - level })
          else { throw .noSolution("the final boundary spending the remaining alpha") }
          z[k - 1] = last
        }
        var running = 0.0
        return (z, exits(z).map { running += $0; return running })
      }
      let spendAt: (Double) -> Double = { t in sided * f.spent(t, total: level / sided) }
      var cumulative: [Double] = observed.map(spendAt) + future.map { spendAt($0.fraction) }
      if reading == .final { cumulative[k - 1] = level }
      var increments: [Double] = []
      var previous = 0.0
      for c in cumulative.prefix(count) {
        increments.append(max(0, c - previous))
        previous = max(previous, c)
      }
      let z = try GroupSequentialBoundaries.spendingBounds(
        fractions: Array(fractions.prefix(count)), increments: increments, sided: design.sided,
        lower: Array(bindingLower.prefix(count)))
      return (z, Array(cumulative.prefix(count)))
    }

    let all = try bounds(level: design.alpha, upTo: fractions.count)
    let effect: (Double, Double) -> Double = { z, events in
      Foundation.exp(-z * (1 + r) / (r * events).squareRoot())
    }
    var looks: [Look] = []
    for j in 0..<k {
      let look = history[j]
      let b = all.z[j]
      if j < k - 1 && (look.z >= b || (design.sided == 2 && look.z <= -b)) {
        throw .stoppedEarlier(look: j + 1)
      }
      let hr = effect(look.z, look.events)
      let width = b * (1 + r) / (r * look.events).squareRoot()
      let futility = plannedFutility(j)
      let decision: SequentialDecision
      if look.z >= b {
        decision = .efficacy
      } else if design.sided == 2 && look.z <= -b {
        decision = .unfavourable
      } else if let a = futility, look.z <= a, !(reading == .final && j == k - 1) {
        decision = .futility
      } else {
        decision = (reading == .final && j == k - 1) ? .notRejected : .continue
      }
      // The repeated p-value: the level at which this look's boundary equals its z.
      var capped = false
      var repeated = design.alpha
      if design.efficacy.spendingFunction != nil {
        let z = look.z
        let gap: (Double) -> Double = { level in
          ((try? bounds(level: level, upTo: j + 1).z[j]) ?? .nan) - z
        }
        if gap(0.5) >= 0 {
          capped = true
          repeated = 0.5
        } else if gap(1e-15) <= 0 {
          repeated = 1e-15
        } else if let root = RootFinder.brent(Foundation.log(1e-15), Foundation.log(0.5), tolerance: 1e-12, {
          gap(Foundation.exp($0))
        }) {
          repeated = Foundation.exp(root)
        } else {
          throw .noSolution("the repeated p-value at look \(j + 1)")
        }
      } else {
        repeated = .nan
      }
      looks.append(
        Look(
          number: j + 1, events: look.events, z: look.z, informationFraction: observed[j], efficacyZ: b,
          futilityZ: futility, cumulativeAlpha: all.cumulative[j], hazardRatio: hr,
          rciLower: Foundation.exp(Foundation.log(hr) - width), rciUpper: Foundation.exp(Foundation.log(hr) + width),
          repeatedP: repeated, repeatedPCapped: capped, decision: decision))
    }
    self.looks = looks
    self.remaining = future.enumerated().map { i, look in
      PlannedLook(
        number: look.number, informationFraction: look.fraction, events: look.fraction * maxEvents,
        efficacyZ: all.z[k + i])
    }

    // Conditional and predictive power over the remaining looks.
    let currentT = fractions[k - 1]
    let currentZ = history[k - 1].z
    let futureFractions = Array(fractions[k...])
    let futureBounds = Array(all.z[k...])
    let futureLower = Array(bindingLower[k...])
    func conditionalPower(drift: Double) -> Double {
      var density = SequentialDensity.start(score: currentZ * currentT.squareRoot(), fraction: currentT)
      var power = 0.0
      for i in futureFractions.indices {
        power += density.upperExit(z: futureBounds[i], at: futureFractions[i], drift: drift)
        if i + 1 < futureFractions.count {
          density = density.advanced(
            to: futureFractions[i], lower: futureLower[i], upper: futureBounds[i], drift: drift,
            nextIncrement: futureFractions[i + 1] - futureFractions[i])
        }
      }
      return power
    }
    if reading == .interim, !futureFractions.isEmpty, looks[k - 1].decision == .continue || looks[k - 1].decision == .futility {
      conditionalPowerTrend = conditionalPower(drift: currentZ / currentT.squareRoot())
      conditionalPowerDesign = designHazardRatio.map { hr in
        conditionalPower(drift: -Foundation.log(hr) * (r * maxEvents).squareRoot() / (1 + r))
      }
      // ∫ CP(η) N(η; ẑ/√t, 1/t) dη by composite Gauss–Legendre over ±9 posterior sd (CP is
      // smooth and bounded; 16 panels of 10 points agree with the closed form to 1e-10).
      let mean = currentZ / currentT.squareRoot()
      let sd = 1 / currentT.squareRoot()
      let panels = 16
      let width = 18 * sd / Double(panels)
      var pp = 0.0
      for panel in 0..<panels {
        let centre = mean - 9 * sd + (Double(panel) + 0.5) * width
        for (x, w) in zip(GaussLegendre.nodes, GaussLegendre.weights) {
          let eta = centre + 0.5 * width * x
          let u = (eta - mean) / sd
          pp += 0.5 * width * w * Foundation.exp(-0.5 * u * u) / (sd * (2 * Double.pi).squareRoot()) * conditionalPower(drift: eta)
        }
      }
      predictivePower = pp
    } else {
      conditionalPowerTrend = nil
      conditionalPowerDesign = nil
      predictivePower = nil
    }

    // Stage-wise ordering when a boundary is crossed or at the final analysis.
    let stopped = looks[k - 1].decision == .efficacy || looks[k - 1].decision == .unfavourable || reading == .final
    if stopped {
      let pastFractions = Array(fractions.prefix(k))
      let pastBounds = Array(all.z.prefix(k - 1))
      let pastLower = Array(bindingLower.prefix(k - 1))
      func stagewise(_ drift: Double) -> Double {
        var density = SequentialDensity.start()
        var p = 0.0
        for j in 0..<k {
          if j == k - 1 {
            p += density.upperExit(z: currentZ, at: pastFractions[j], drift: drift)
          } else {
            p += density.upperExit(z: pastBounds[j], at: pastFractions[j], drift: drift)
            density = density.advanced(
              to: pastFractions[j], lower: pastLower[j], upper: pastBounds[j], drift: drift,
              nextIncrement: pastFractions[j + 1] - pastFractions[j])
          }
        }
        return p
      }
      let toHR: (Double) -> Double = { eta in Foundation.exp(-eta * (1 + r) / (r * scale).squareRoot()) }
      let guess = currentZ / fractions[k - 1].squareRoot()
      let oneSided = design.alpha / sided
      guard
        let mue = RootFinder.bracketed(near: guess, step: 1, tolerance: 1e-11, { stagewise($0) - 0.5 }),
        let low = RootFinder.bracketed(near: guess, step: 1, tolerance: 1e-11, { stagewise($0) - oneSided }),
        let high = RootFinder.bracketed(near: guess, step: 1, tolerance: 1e-11, { stagewise($0) - (1 - oneSided) })
      else { throw .noSolution("the median-unbiased estimate") }
      // A larger drift is a smaller hazard ratio: the drift solving p = α is the upper HR limit.
      finalInference = FinalInference(
        pValue: stagewise(0), medianUnbiasedHR: toHR(mue), lower: toHR(high), upper: toHR(low), level: 1 - 2 * oneSided)
    } else {
      finalInference = nil
    }
  }
}
