import Foundation
import Survival

/// An error-spending function α(t): the cumulative type I (or, for futility, type II) error spent
/// by information fraction t, with α(0) = 0 and α(1) = the total (Lan & DeMets 1983, Biometrika
/// 70:659–663).
public enum SpendingFunction: Sendable, Equatable {
  /// Lan–DeMets O'Brien–Fleming type: α(t) = 2·(1 − Φ(Φ⁻¹(1 − α/2)/√t)).
  case lanDeMetsOBrienFleming
  /// Lan–DeMets Pocock type: α(t) = α·ln(1 + (e − 1)·t).
  case lanDeMetsPocock
  /// Hwang, Shih & DeCani (1990, Stat Med 9:1439–1445): α(t) = α·(1 − e^{−γt})/(1 − e^{−γ}),
  /// α·t for γ = 0.
  case hwangShihDeCani(gamma: Double)
  /// Kim & DeMets (1987, Biometrika 74:149–154) power family: α(t) = α·t^ρ, ρ > 0.
  case kimDeMets(rho: Double)

  /// The cumulative error spent by fraction `t` (t ≥ 1 spends all of `total`).
  public func spent(_ t: Double, total: Double) -> Double {
    if t <= 0 { return 0 }
    if t >= 1 { return total }
    switch self {
    case .lanDeMetsOBrienFleming:
      return 2 * Normal.upperTail(Normal.quantile(1 - total / 2) / t.squareRoot())
    case .lanDeMetsPocock:
      return total * Foundation.log(1 + (M_E - 1) * t)
    case .hwangShihDeCani(let gamma):
      if gamma == 0 { return total * t }
      return total * -Foundation.expm1(-gamma * t) / -Foundation.expm1(-gamma)
    case .kimDeMets(let rho):
      return total * Foundation.pow(t, rho)
    }
  }

  /// The name used on the command line and in design files.
  public var name: String {
    switch self {
    case .lanDeMetsOBrienFleming: "lan-demets-obf"
    case .lanDeMetsPocock: "lan-demets-pocock"
    case .hwangShihDeCani: "hsd"
    case .kimDeMets: "kim-demets"
    }
  }

  /// Its parameter (γ or ρ), nil for the Lan–DeMets functions.
  public var parameter: Double? {
    switch self {
    case .hwangShihDeCani(let gamma): gamma
    case .kimDeMets(let rho): rho
    default: nil
    }
  }

  /// A description for output: "Lan–DeMets O'Brien–Fleming type", "Hwang–Shih–DeCani (γ = −4)".
  public var label: String {
    switch self {
    case .lanDeMetsOBrienFleming: "Lan–DeMets O'Brien–Fleming type"
    case .lanDeMetsPocock: "Lan–DeMets Pocock type"
    case .hwangShihDeCani(let gamma): "Hwang–Shih–DeCani (gamma = \(gamma.shortDescription))"
    case .kimDeMets(let rho): "Kim–DeMets power (rho = \(rho.shortDescription))"
    }
  }
}

/// The shape of the efficacy boundary: an error-spending function, or one of the classical
/// fixed-shape boundaries for planned looks.
public enum EfficacyBoundary: Sendable, Equatable {
  /// Boundaries from an α-spending function: at each look the boundary spends α(t_k) − α(t_{k−1}).
  case spending(SpendingFunction)
  /// O'Brien & Fleming (1979, Biometrics 35:549–556): z_k = C/√t_k.
  case obrienFleming
  /// Pocock (1977, Biometrika 64:191–199): z_k = C at every look.
  case pocock
  /// Haybittle (1971) – Peto et al. (1976): a fixed z at every interim look, the final boundary
  /// keeping the overall level.
  case haybittlePeto(interimZ: Double)

  /// The name used on the command line and in design files.
  public var name: String {
    switch self {
    case .spending(let f): f.name
    case .obrienFleming: "obf"
    case .pocock: "pocock"
    case .haybittlePeto: "haybittle-peto"
    }
  }

  /// A description for output.
  public var label: String {
    switch self {
    case .spending(let f): "\(f.label) alpha spending"
    case .obrienFleming: "O'Brien–Fleming (classical)"
    case .pocock: "Pocock (classical)"
    case .haybittlePeto(let z): "Haybittle–Peto (interim z = \(z.shortDescription))"
    }
  }

  /// The spending function, nil for a classical boundary.
  public var spendingFunction: SpendingFunction? {
    if case .spending(let f) = self { return f }
    return nil
  }
}

/// Futility (lower) boundaries.
public enum FutilityBoundary: Sendable, Equatable {
  /// No futility boundary.
  case none
  /// Fixed z boundaries at the interim looks (one per look before the last).
  case fixed([Double])
  /// β-spending (Pampallona, Tsiatis & Kim 2001): at each look the futility boundary spends
  /// β(t_k) − β(t_{k−1}) of the type II error under the design alternative; the drift is chosen
  /// so that the final futility and efficacy boundaries meet.
  case betaSpending(SpendingFunction)

  /// The name used in design files.
  public var name: String {
    switch self {
    case .none: "none"
    case .fixed: "fixed"
    case .betaSpending: "beta-spending"
    }
  }
}

/// Why a spending function or efficacy boundary cannot be made from its name.
public enum BoundaryNameError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The name is none of `known`.
  case unknown(name: String, known: [String])
  /// The named function needs a parameter (`"gamma"` or `"rho"`) and none was given.
  case missingParameter(name: String, parameter: String)

  public var description: String {
    switch self {
    case .unknown(let name, let known):
      "unknown name \(name) (\(known.dropLast().joined(separator: ", ")) or \(known.last ?? ""))"
    case .missingParameter(let name, let parameter): "\(name) spending needs \(parameter)"
    }
  }
}

extension SpendingFunction {
  /// The names of the spending functions, as on the command line and in design files, in the
  /// order of the cases: the one list the command line and the design-file reader use.
  public static let names = ["lan-demets-obf", "lan-demets-pocock", "hsd", "kim-demets"]

  /// The parameter the named function needs: `"gamma"` for hsd, `"rho"` for kim-demets, nil for
  /// the Lan–DeMets functions and for names that are not spending functions.
  public static func parameterName(of name: String) -> String? {
    switch name {
    case "hsd": "gamma"
    case "kim-demets": "rho"
    default: nil
    }
  }

  /// The spending function called `name` (one of ``names``) with its parameter (γ for hsd, ρ for
  /// kim-demets; ignored by the Lan–DeMets functions). The inverse of ``name`` and ``parameter``.
  /// - Throws: ``BoundaryNameError`` for an unknown name or a missing γ or ρ. The parameter's
  ///   range is checked where the boundaries are computed.
  public init(name: String, parameter: Double?) throws(BoundaryNameError) {
    switch name {
    case "lan-demets-obf": self = .lanDeMetsOBrienFleming
    case "lan-demets-pocock": self = .lanDeMetsPocock
    case "hsd":
      guard let gamma = parameter else { throw .missingParameter(name: name, parameter: "gamma") }
      self = .hwangShihDeCani(gamma: gamma)
    case "kim-demets":
      guard let rho = parameter else { throw .missingParameter(name: name, parameter: "rho") }
      self = .kimDeMets(rho: rho)
    default: throw .unknown(name: name, known: Self.names)
    }
  }
}

extension EfficacyBoundary {
  /// The interim z of a Haybittle–Peto boundary when none is given: 3 (Haybittle 1971).
  public static let haybittlePetoDefaultZ = 3.0

  /// The names of the efficacy boundaries, as on the command line and in design files: the
  /// spending functions' ``SpendingFunction/names``, then the classical boundaries.
  public static let names = SpendingFunction.names + ["obf", "pocock", "haybittle-peto"]

  /// The boundary called `name` (one of ``names``). `parameter` is the spending function's γ or ρ,
  /// or the interim z of haybittle-peto (``haybittlePetoDefaultZ`` when nil); obf and pocock
  /// ignore it. The inverse of ``name`` and ``parameter``.
  /// - Throws: ``BoundaryNameError`` for an unknown name or a missing γ or ρ.
  public init(name: String, parameter: Double?) throws(BoundaryNameError) {
    switch name {
    case "obf": self = .obrienFleming
    case "pocock": self = .pocock
    case "haybittle-peto": self = .haybittlePeto(interimZ: parameter ?? Self.haybittlePetoDefaultZ)
    default:
      guard SpendingFunction.names.contains(name) else { throw .unknown(name: name, known: Self.names) }
      self = .spending(try SpendingFunction(name: name, parameter: parameter))
    }
  }

  /// Its parameter: the spending function's γ or ρ, the Haybittle–Peto interim z; nil otherwise.
  public var parameter: Double? {
    switch self {
    case .spending(let f): f.parameter
    case .haybittlePeto(let z): z
    case .obrienFleming, .pocock: nil
    }
  }
}
