import Foundation
import Survival

/// Why a group-sequential design cannot be computed.
public enum GroupSequentialError: Error, Equatable, Sendable {
  /// Information fractions must increase strictly within (0, 1] and end at 1.
  case fractionsNotIncreasing([Double])
  /// Two looks closer than ``GroupSequentialBoundaries/minimumGap`` in information.
  case looksTooClose(Double, Double)
  /// The one-sided level must lie in (0, 0.5).
  case alphaOutOfRange(Double)
  /// Power must lie in (α, 1).
  case powerOutOfRange(Double)
  /// Sidedness is 1 or 2.
  case sidedOutOfRange(Int)
  /// A fixed futility boundary needs one z per interim look.
  case futilityCount(expected: Int, got: Int)
  /// Two-sided designs have no futility boundary here.
  case twoSidedFutility
  /// A parameter outside its range (γ, ρ, Haybittle–Peto z).
  case parameterOutOfRange(String)
  /// The numerical search did not converge (reported, never guessed).
  case noSolution(String)
  /// The looks' cumulative events must be positive and increase.
  case eventsNotIncreasing([Double])
  /// An earlier look crossed its efficacy boundary: the trial stopped there.
  case stoppedEarlier(look: Int)
}

extension GroupSequentialError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .looksTooClose(let a, let b):
      "information fractions \(a.shortDescription) and \(b.shortDescription) are closer than 0.005 (half a percent of the information): such looks add nothing; merge them"
    case .fractionsNotIncreasing(let t):
      "information fractions must increase strictly within (0, 1] and end at 1; got \(t.map(\.shortDescription).joined(separator: ","))"
    case .alphaOutOfRange(let a): "alpha must lie in (0, 0.5); got \(a.shortDescription)"
    case .powerOutOfRange(let p): "power must lie between alpha and 1; got \(p.shortDescription)"
    case .sidedOutOfRange(let s): "sided must be 1 or 2; got \(s)"
    case .futilityCount(let e, let g): "futility bounds: expected \(e) (one per interim look), got \(g)"
    case .twoSidedFutility: "futility boundaries are for one-sided designs"
    case .parameterOutOfRange(let what): what
    case .noSolution(let what): "no solution: \(what)"
    case .stoppedEarlier(let look):
      "look \(look) crossed its efficacy boundary, so the trial stopped there; analyse that look as the last one"
    case .eventsNotIncreasing(let events):
      "the looks' cumulative events must be positive and increase; got \(events.map(\.shortDescription).joined(separator: ", "))"
    }
  }
}

/// The boundaries of a group-sequential test of H0: θ = 0 against θ > 0 (one-sided) or θ ≠ 0
/// (two-sided, symmetric), with the drift that gives the planned power and the resulting
/// inflation of the fixed-design information.
///
/// Computed by the Armitage–McPherson–Rowe recursion (``SequentialDensity``) on the canonical joint
/// distribution; spending boundaries are solved look by look with Brent's method to 1e-13 in z.
/// Non-binding futility boundaries do not enter the type I error computation; binding ones do.
/// For β-spending futility the drift is found so that the last futility and efficacy boundaries
/// meet, and the efficacy boundaries (if binding) are recomputed with each trial drift.
public struct GroupSequentialBoundaries: Sendable {
  /// Planned information fractions t₁ < … < t_K = 1.
  public let fractions: [Double]
  /// The overall type I error (two-sided total when `sided` is 2).
  public let alpha: Double
  /// 1 or 2.
  public let sided: Int
  /// The type II error at the design alternative.
  public let beta: Double
  /// The efficacy boundary's shape.
  public let efficacy: EfficacyBoundary
  /// The futility boundary, if any.
  public let futility: FutilityBoundary
  /// Whether the futility boundary is binding (enters the type I error).
  public let bindingFutility: Bool
  /// Efficacy boundaries in z (upper; the lower is its mirror for two-sided designs).
  public let efficacyZ: [Double]
  /// Futility boundaries in z at each look (nil where there is none).
  public let futilityZ: [Double?]
  /// The cumulative type I error by each look: the spending function's value α(t_k) for spending
  /// designs, the exact crossing probability under H0 (with a binding futility boundary when
  /// there is one) for classical boundaries.
  public let cumulativeAlpha: [Double]
  /// The cumulative type II error spent by each look (β-spending futility only).
  public let cumulativeBeta: [Double]?
  /// The drift η = E[Z at full information] giving power 1 − β.
  public let drift: Double
  /// (η / (z_α + z_β))²: the maximum information relative to a fixed design with the same power.
  public let inflationFactor: Double
  /// Under the design alternative: the probability of stopping for efficacy at each look.
  public let efficacyProbabilityH1: [Double]
  /// Under the design alternative: the probability of stopping for futility at each look.
  public let futilityProbabilityH1: [Double]

  /// Computes the design.
  /// - Throws: ``GroupSequentialError`` for invalid settings or a search that fails.
  public init(
    fractions: [Double], alpha: Double = 0.025, sided: Int = 1, beta: Double = 0.2,
    efficacy: EfficacyBoundary = .spending(.lanDeMetsOBrienFleming), futility: FutilityBoundary = .none,
    bindingFutility: Bool = false
  ) throws(GroupSequentialError) {
    try Self.validate(fractions: fractions, final: true)
    guard sided == 1 || sided == 2 else { throw .sidedOutOfRange(sided) }
    guard alpha > 0, alpha < 0.5 else { throw .alphaOutOfRange(alpha) }
    guard beta > 0, 1 - beta > alpha / Double(sided) else { throw .powerOutOfRange(1 - beta) }
    if sided == 2 && futility != .none { throw .twoSidedFutility }
    try Self.validate(efficacy)
    let looks = fractions.count
    if case .fixed(let bounds) = futility, bounds.count != looks - 1 {
      throw .futilityCount(expected: looks - 1, got: bounds.count)
    }
    if case .betaSpending(let f) = futility {
      try Self.validate(.spending(f))
      guard efficacy.spendingFunction != nil else {
        throw .parameterOutOfRange("beta-spending futility needs an alpha-spending efficacy boundary (as rpact); give fixed futility bounds with \(efficacy.name)")
      }
    }
    self.fractions = fractions
    self.alpha = alpha
    self.sided = sided
    self.beta = beta
    self.efficacy = efficacy
    self.futility = futility
    self.bindingFutility = bindingFutility

    let zSum = Normal.quantile(1 - alpha / Double(sided)) + Normal.quantile(1 - beta)
    switch futility {
    case .betaSpending(let betaFunction):
      let solved = try Self.solveBetaSpending(
        fractions: fractions, alpha: alpha, beta: beta, efficacy: efficacy, betaFunction: betaFunction,
        binding: bindingFutility, guess: zSum)
      efficacyZ = solved.efficacy
      futilityZ = solved.futility.enumerated().map { $0.offset < looks - 1 ? $0.element : nil }
      drift = solved.drift
      cumulativeBeta = fractions.map { betaFunction.spent($0, total: beta) }
    default:
      let lower: [Double]
      if case .fixed(let bounds) = futility {
        lower = bounds + [-.infinity]
        futilityZ = bounds.map { Optional($0) } + [nil]
      } else {
        lower = Array(repeating: -.infinity, count: looks)
        futilityZ = Array(repeating: nil, count: looks)
      }
      efficacyZ = try Self.efficacyBounds(
        fractions: fractions, alpha: alpha, sided: sided, boundary: efficacy,
        lower: bindingFutility ? lower : Array(repeating: -.infinity, count: looks))
      let power = 1 - beta
      let eZ = efficacyZ
      guard
        let eta = RootFinder.bracketed(near: zSum, step: 0.5, { eta in
          Self.crossing(fractions: fractions, lower: sided == 2 ? eZ.map { -$0 } : lower, upper: eZ, drift: eta)
            .upper.reduce(0, +) - power
        })
      else { throw .noSolution("the drift giving power \(power.shortDescription)") }
      drift = eta
      cumulativeBeta = nil
    }
    inflationFactor = (drift / zSum) * (drift / zSum)
    let lowerH1 = sided == 2 ? efficacyZ.map { -$0 } : futilityZ.map { $0 ?? -.infinity }
    let h1 = Self.crossing(fractions: fractions, lower: lowerH1, upper: efficacyZ, drift: drift)
    efficacyProbabilityH1 = h1.upper
    futilityProbabilityH1 = sided == 2 ? Array(repeating: 0, count: looks) : h1.lower
    switch efficacy {
    case .spending(let f):
      cumulativeAlpha = fractions.map { Double(sided) * f.spent($0, total: alpha / Double(sided)) }
    default:
      // The exact crossing probability under H0, with the futility boundary when it is binding.
      var binding = Array(repeating: -Double.infinity, count: looks)
      if bindingFutility, case .fixed(let bounds) = futility { binding = bounds + [-.infinity] }
      var running = 0.0
      cumulativeAlpha = Self.nullRejections(fractions: fractions, upper: efficacyZ, lower: binding, sided: sided).map {
        running += $0
        return running
      }
    }
  }

  /// The probabilities of stopping for efficacy and for futility at each look when the drift (the
  /// mean of Z at full information) is `drift`; their efficacy sum is the power.
  public func stoppingProbabilities(drift: Double) -> (efficacy: [Double], futility: [Double]) {
    let lower = sided == 2 ? efficacyZ.map { -$0 } : futilityZ.map { $0 ?? -.infinity }
    let c = Self.crossing(fractions: fractions, lower: lower, upper: efficacyZ, drift: drift)
    return (c.upper, sided == 2 ? Array(repeating: 0, count: fractions.count) : c.lower)
  }

  /// Nominal one-sided p-value of each efficacy boundary, 1 − Φ(z_k).
  public var nominalP: [Double] { efficacyZ.map { Normal.upperTail($0) } }

  // MARK: - Engine

  static func validate(fractions: [Double], final: Bool) throws(GroupSequentialError) {
    guard !fractions.isEmpty, fractions.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw .fractionsNotIncreasing(fractions)
    }
    for k in fractions.indices.dropFirst() where fractions[k] <= fractions[k - 1] {
      throw .fractionsNotIncreasing(fractions)
    }
    if final, fractions.last != 1 { throw .fractionsNotIncreasing(fractions) }
    // The recursion's grid resolves the narrowest increment, so its cost grows as 1/√gap: looks
    // closer than this are refused, which bounds the time of every design (about a second).
    for k in fractions.indices.dropFirst() where fractions[k] - fractions[k - 1] < minimumGap {
      throw .looksTooClose(fractions[k - 1], fractions[k])
    }
  }

  /// The smallest information between two looks (0.005).
  static let minimumGap = 0.005

  static func validate(_ boundary: EfficacyBoundary) throws(GroupSequentialError) {
    switch boundary {
    case .spending(.kimDeMets(let rho)) where !(rho > 0 && rho.isFinite):
      throw .parameterOutOfRange("rho must be positive; got \(rho.shortDescription)")
    case .spending(.hwangShihDeCani(let gamma)) where !(gamma.isFinite && abs(gamma) <= 40):
      throw .parameterOutOfRange("gamma must lie in [-40, 40]; got \(gamma.shortDescription)")
    case .haybittlePeto(let z) where !(z.isFinite && z > 0):
      throw .parameterOutOfRange("the Haybittle–Peto interim z must be positive; got \(z.shortDescription)")
    default: return
    }
  }

  /// Crossing probabilities at each look for the boundaries `lower` < Z < `upper` under `drift`.
  static func crossing(fractions: [Double], lower: [Double], upper: [Double], drift: Double)
    -> (upper: [Double], lower: [Double])
  {
    var density = SequentialDensity.start()
    var up: [Double] = [], low: [Double] = []
    for k in fractions.indices {
      let t = fractions[k]
      up.append(density.upperExit(z: upper[k], at: t, drift: drift))
      low.append(density.lowerExit(z: lower[k], at: t, drift: drift))
      if k + 1 < fractions.count {
        density = density.advanced(
          to: t, lower: lower[k], upper: upper[k], drift: drift, nextIncrement: fractions[k + 1] - t)
      }
    }
    return (up, low)
  }

  /// The probability under H0 of rejecting at each look with efficacy boundaries `upper`: on
  /// either side of the symmetric region for a two-sided design, above `upper` with the binding
  /// lower boundaries `lower` (−∞ for none) for a one-sided one.
  static func nullRejections(fractions: [Double], upper: [Double], lower: [Double], sided: Int) -> [Double] {
    let c = crossing(fractions: fractions, lower: sided == 2 ? upper.map { -$0 } : lower, upper: upper, drift: 0)
    return zip(c.upper, c.lower).map { $0 + (sided == 2 ? $1 : 0) }
  }

  /// Efficacy boundaries spending `increments[k]` of type I error at each look (two-sided: split
  /// over both sides of a symmetric region), with `lower` as the binding lower boundary.
  static func spendingBounds(fractions: [Double], increments: [Double], sided: Int, lower: [Double])
    throws(GroupSequentialError) -> [Double]
  {
    var density = SequentialDensity.start()
    var bounds: [Double] = []
    for k in fractions.indices {
      let t = fractions[k]
      let target = increments[k]
      let b: Double
      if target <= 0 {
        b = .infinity
      } else {
        let state = density
        let exit: (Double) -> Double = { z in
          sided == 2
            ? state.upperExit(z: z, at: t, drift: 0) + state.lowerExit(z: -z, at: t, drift: 0)
            : state.upperExit(z: z, at: t, drift: 0)
        }
        // Exit probability decreases in z; below the target at z = 38 means nothing to spend.
        if exit(38) >= target {
          b = 38
        } else if exit(-10) <= target {
          throw .noSolution("look \(k + 1) cannot spend \(target.shortDescription)")
        } else {
          guard let root = RootFinder.brent(-10, 38, { exit($0) - target }) else {
            throw .noSolution("efficacy boundary at look \(k + 1)")
          }
          b = root
        }
      }
      bounds.append(b)
      if k + 1 < fractions.count {
        let low = sided == 2 ? -b : lower[k]
        density = density.advanced(to: t, lower: low, upper: b, drift: 0, nextIncrement: fractions[k + 1] - t)
      }
    }
    return bounds
  }

  static func efficacyBounds(
    fractions: [Double], alpha: Double, sided: Int, boundary: EfficacyBoundary, lower: [Double]
  ) throws(GroupSequentialError) -> [Double] {
    let looks = fractions.count
    func totalAlpha(_ upper: [Double]) -> Double {
      nullRejections(fractions: fractions, upper: upper, lower: lower, sided: sided).reduce(0, +)
    }
    switch boundary {
    case .spending(let f):
      var previous = 0.0
      // Two-sided: each side spends the one-sided function at α/2 (rpact's and gsDesign's convention).
      let increments = fractions.map { t in
        let now = Double(sided) * f.spent(t, total: alpha / Double(sided))
        defer { previous = now }
        return now - previous
      }
      return try spendingBounds(fractions: fractions, increments: increments, sided: sided, lower: lower)
    case .obrienFleming, .pocock:
      let shape: [Double] = fractions.map { boundary == .pocock ? 1 : 1 / $0.squareRoot() }
      guard
        let c = RootFinder.brent(0.5, 20, { c in totalAlpha(shape.map { c * $0 }) - alpha })
      else { throw .noSolution("the \(boundary.label) constant") }
      return shape.map { c * $0 }
    case .haybittlePeto(let z):
      let interim = Array(repeating: z, count: looks - 1)
      guard looks > 1 else {
        return [Normal.quantile(1 - alpha / Double(sided))]
      }
      guard let last = RootFinder.brent(-10, 38, { c in totalAlpha(interim + [c]) - alpha }) else {
        throw .noSolution("the Haybittle–Peto final boundary (interim z \(z.shortDescription) spends more than alpha)")
      }
      return interim + [last]
    }
  }

  /// β-spending futility: for a trial drift, the efficacy boundaries (recomputed under H0 with the
  /// futility boundaries when binding) and the futility boundaries spending β(t) under the drift;
  /// the drift is the one where the last two meet.
  static func solveBetaSpending(
    fractions: [Double], alpha: Double, beta: Double, efficacy: EfficacyBoundary, betaFunction: SpendingFunction,
    binding: Bool, guess: Double
  ) throws(GroupSequentialError) -> (efficacy: [Double], futility: [Double], drift: Double) {
    let looks = fractions.count
    let nonBinding = try efficacyBounds(
      fractions: fractions, alpha: alpha, sided: 1, boundary: efficacy, lower: Array(repeating: -.infinity, count: looks))
    var failure: GroupSequentialError?

    func bounds(drift: Double) -> (efficacy: [Double], futility: [Double])? {
      var h1 = SequentialDensity.start()
      var h0 = SequentialDensity.start()
      var up: [Double] = [], low: [Double] = []
      var previousBeta = 0.0
      var previousAlpha = 0.0
      for k in 0..<looks {
        let t = fractions[k]
        var b = nonBinding[k]
        if binding {
          let state = h0
          let target: Double
          if let f = efficacy.spendingFunction {
            let now = f.spent(t, total: alpha)
            target = now - previousAlpha
            previousAlpha = now
          } else {
            target = 0
          }
          if efficacy.spendingFunction != nil {
            if state.upperExit(z: 38, at: t, drift: 0) >= target {
              b = 38
            } else if let root = RootFinder.brent(-10, 38, { state.upperExit(z: $0, at: t, drift: 0) - target }) {
              b = root
            } else {
              failure = .noSolution("binding efficacy boundary at look \(k + 1)")
              return nil
            }
          }
        }
        let betaNow = betaFunction.spent(t, total: beta)
        let target = betaNow - previousBeta
        previousBeta = betaNow
        let state = h1
        var a: Double
        if state.lowerExit(z: -38, at: t, drift: drift) >= target {
          a = -38
        } else if let root = RootFinder.brent(-38, 38, { state.lowerExit(z: $0, at: t, drift: drift) - target }) {
          a = root
        } else {
          a = 38
        }
        if k < looks - 1 { a = min(a, b) }
        up.append(b)
        low.append(a)
        if k + 1 < looks {
          let next = fractions[k + 1] - t
          h1 = h1.advanced(to: t, lower: a, upper: b, drift: drift, nextIncrement: next)
          if binding { h0 = h0.advanced(to: t, lower: a, upper: b, drift: 0, nextIncrement: next) }
        }
      }
      return (up, low)
    }

    guard
      let eta = RootFinder.bracketed(near: guess, step: 0.5, { eta in
        guard let b = bounds(drift: eta) else { return .nan }
        return b.futility[looks - 1] - b.efficacy[looks - 1]
      }), let solved = bounds(drift: eta)
    else { throw failure ?? .noSolution("the drift where the futility and efficacy boundaries meet") }
    return (solved.efficacy, solved.futility, eta)
  }
}
