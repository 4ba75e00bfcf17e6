import Foundation

/// The weight function w(tᵢ) of a weighted log-rank test, evaluated at each event time tᵢ of the
/// pooled sample within a stratum (nᵢ at risk, dᵢ events). Named by the weight function, so that
/// tests that differ only in convention are never confused:
///
/// - `logRank`: w = 1 (Mantel 1966; R `survdiff(rho = 0)`).
/// - `flemingHarrington(rho:gamma:)`: w = S(tᵢ−)^ρ (1 − S(tᵢ−))^γ with S the pooled Kaplan–Meier
///   estimate, left-continuous (Harrington & Fleming 1982; Fleming & Harrington 1991). ρ = 1, γ = 0
///   is R's `survdiff(rho = 1)`.
/// - `gehanBreslow`: w = nᵢ, the generalized Wilcoxon test in its log-rank form with
///   hypergeometric variance (Gehan 1965; Breslow 1970; SAS `WILCOXON`).
/// - `taroneWare`: w = √nᵢ (Tarone & Ware 1977).
/// - `petoPeto`: w = S̃(tᵢ) = Π_{tⱼ ≤ tᵢ} (1 − dⱼ/(nⱼ + 1)) (Peto & Peto 1972; SAS `PETO`). Not the
///   same as R's `rho = 1`, which uses the Kaplan–Meier S(tᵢ−).
/// - `modifiedPetoPeto`: w = S̃(tᵢ)·nᵢ/(nᵢ + 1) (Andersen et al. 1982; SAS `MODPETO`).
public enum LogRankWeights: Sendable, Equatable, Hashable {
  /// w = 1.
  case logRank
  /// w = S(t−)^ρ (1 − S(t−))^γ.
  case flemingHarrington(rho: Double, gamma: Double)
  /// w = n.
  case gehanBreslow
  /// w = √n.
  case taroneWare
  /// w = S̃(t).
  case petoPeto
  /// w = S̃(t)·n/(n + 1).
  case modifiedPetoPeto

  /// The machine name used in JSON (`logrank`, `fleming-harrington`, `gehan-breslow`, …).
  public var name: String {
    switch self {
    case .logRank: return "logrank"
    case .flemingHarrington: return "fleming-harrington"
    case .gehanBreslow: return "gehan-breslow"
    case .taroneWare: return "tarone-ware"
    case .petoPeto: return "peto-peto"
    case .modifiedPetoPeto: return "modified-peto-peto"
    }
  }

  /// A human label with the parameters: "Fleming-Harrington G(1, 0)".
  public var label: String {
    switch self {
    case .logRank: return "log-rank"
    case .flemingHarrington(let rho, let gamma):
      return "Fleming-Harrington G(\(rho.shortDescription), \(gamma.shortDescription))"
    case .gehanBreslow: return "Gehan-Breslow (generalized Wilcoxon)"
    case .taroneWare: return "Tarone-Ware"
    case .petoPeto: return "Peto-Peto"
    case .modifiedPetoPeto: return "modified Peto-Peto"
    }
  }

  /// The weight function in words.
  public var formula: String {
    switch self {
    case .logRank: return "w(t) = 1"
    case .flemingHarrington:
      return "w(t) = S(t-)^rho * (1 - S(t-))^gamma, S the pooled Kaplan-Meier estimate"
    case .gehanBreslow: return "w(t) = n(t), the number at risk"
    case .taroneWare: return "w(t) = sqrt(n(t))"
    case .petoPeto: return "w(t) = S~(t) = prod over event times u <= t of (1 - d(u)/(n(u) + 1))"
    case .modifiedPetoPeto: return "w(t) = S~(t) * n(t)/(n(t) + 1)"
    }
  }

  /// The weight at an event time, given the pooled left-continuous Kaplan–Meier value `km`, the
  /// Peto–Peto product `stilde` including this time, and the numbers at risk and of events.
  @inline(__always) func weight(km: Double, stilde: Double, atRisk n: Double) -> Double {
    switch self {
    case .logRank: return 1
    case .flemingHarrington(let rho, let gamma):
      return (rho == 0 ? 1 : pow(km, rho)) * (gamma == 0 ? 1 : pow(1 - km, gamma))
    case .gehanBreslow: return n
    case .taroneWare: return n.squareRoot()
    case .petoPeto: return stilde
    case .modifiedPetoPeto: return stilde * n / (n + 1)
    }
  }
}
