import Foundation
import LinearAlgebra

/// How the confidence limits of a hazard ratio were found.
public enum CoxIntervalMethod: String, Sendable, CaseIterable {
  /// exp(β̂ ± z·se).
  case wald
  /// Where the (penalized) profile log-likelihood falls by half the χ²₁ quantile.
  case profileLikelihood = "profile-likelihood"
}

/// Which variance a Cox model's inference uses.
public enum CoxVarianceChoice: String, Sendable, CaseIterable {
  /// R's rule: robust with clusters or non-integer case weights, else model-based.
  case automatic
  /// The robust (sandwich) variance, each row its own cluster unless the data have clusters
  /// (R's `robust = TRUE`).
  case robust
  /// The model-based variance I(β̂)⁻¹ (R's `robust = FALSE`).
  case modelBased = "model-based"
}

/// One row of a fitted Cox model's coefficient table, as `summary(coxph)` prints it.
public struct CoxCoefficient: Sendable, Equatable {
  /// The design column (R's name: `age`, `sexfemale`).
  public let term: String
  /// β̂.
  public let coefficient: Double
  /// The model-based standard error, √(I(β̂)⁻¹)ⱼⱼ.
  public let standardError: Double
  /// The robust (sandwich) standard error, when the robust variance was used.
  public let robustStandardError: Double?
  /// β̂ / se, with the robust standard error when there is one (as R).
  public let z: Double
  /// The two-sided p-value of `z`.
  public let p: Double
  /// The lower confidence limit of the hazard ratio; nil when a profile limit is not reached
  /// (the interval is open towards 0).
  public let lower: Double?
  /// The upper confidence limit of the hazard ratio; nil when a profile limit is not reached
  /// (the interval is open towards ∞).
  public let upper: Double?
  /// Whether the coefficient may be infinite (monotone likelihood): the estimate and its Wald
  /// interval are then not meaningful.
  public let infinite: Bool

  /// exp(β̂).
  public var hazardRatio: Double { exp(coefficient) }
  /// The standard error that `z`, `p` and Wald limits use.
  public var usedStandardError: Double { robustStandardError ?? standardError }

  init(
    term: String, coefficient b: Double, standardError: Double, robustStandardError: Double?, level: Double,
    profile: (lower: Double?, upper: Double?)?, infinite: Bool
  ) {
    self.term = term
    coefficient = b
    self.standardError = standardError
    self.robustStandardError = robustStandardError
    let se = robustStandardError ?? standardError
    let q = Normal.criticalValue(level: level)
    z = b / se
    p = Normal.twoSidedP(b / se)
    if let profile {
      lower = profile.lower.map(exp)
      upper = profile.upper.map(exp)
    } else {
      lower = exp(b - q * se)
      upper = exp(b + q * se)
    }
    self.infinite = infinite
  }
}

/// The inference of a fitted Cox model: which variance, the coefficient table with hazard ratios
/// and their limits, and the Wald and robust tests, decided by R's rules (robust variance when
/// asked, with clusters, and for non-integer case weights).
public struct CoxInference: Sendable {
  /// The confidence level of the limits.
  public let level: Double
  /// How the limits were found.
  public let intervals: CoxIntervalMethod
  /// The robust variance, when used.
  public let robustVariance: Matrix?
  /// The Wald test: on the robust variance when it is used, else the model's.
  public let waldTest: ChiSquareTest
  /// Whether ``waldTest`` uses the robust variance.
  public let waldUsesRobustVariance: Bool
  /// The robust score test, with the robust variance.
  public let robustScoreTest: ChiSquareTest?
  /// Per design column.
  public let coefficients: [CoxCoefficient]
  /// What a reader must know about these choices (robust variance taken for non-integer weights).
  public let warnings: [String]
}

extension CoxData {
  /// Whether some case weight is not a whole number (sampling weights), for which R's `coxph`
  /// uses the robust variance by default.
  public var hasNonIntegerWeights: Bool { weights?.contains { $0 != $0.rounded() } ?? false }
}

extension CoxModel {
  /// Whether R's `coxph` would use the robust variance for these data without being asked:
  /// clusters, or non-integer case weights.
  public var robustVarianceIsDefault: Bool { data.cluster != nil || data.hasNonIntegerWeights }

  /// The coefficient table with the variance of R's default rule (``robustVarianceIsDefault``) and
  /// Wald limits at the model's confidence level.
  public var coefficientTable: [CoxCoefficient] { inference().coefficients }

  /// The model's inference.
  /// - Parameters:
  ///   - variance: R's rule (``robustVarianceIsDefault``), or the robust or model-based variance.
  ///   - intervals: Wald limits, or profile-likelihood limits.
  ///   - residuals: the model's residuals, when already computed.
  public func inference(
    variance choice: CoxVarianceChoice = .automatic, intervals: CoxIntervalMethod = .wald, residuals: CoxResiduals? = nil
  ) -> CoxInference {
    let level = options.confidenceLevel
    let useRobust = choice == .robust || (choice == .automatic && robustVarianceIsDefault)
    let v = useRobust ? robustVariance(residuals: residuals) : nil
    let robustWald = v.flatMap { robustWaldTest($0) }
    let profile = intervals == .profileLikelihood ? coefficients.indices.map { profileLikelihoodInterval(column: $0, level: level) } : nil
    let se = standardErrors
    let rows = coefficients.indices.map { j in
      CoxCoefficient(
        term: columnNames[j], coefficient: coefficients[j], standardError: se[j], robustStandardError: v.map { $0[j, j].squareRoot() },
        level: level, profile: profile?[j], infinite: infiniteCoefficients.contains(columnNames[j]))
    }
    var warnings: [String] = []
    if useRobust && choice == .automatic && data.cluster == nil {
      warnings.append("non-integer case weights: robust standard errors are used, as R's coxph does")
    }
    return CoxInference(
      level: level, intervals: intervals, robustVariance: v, waldTest: robustWald ?? waldTest, waldUsesRobustVariance: robustWald != nil,
      robustScoreTest: useRobust ? robustScoreTest() : nil, coefficients: rows, warnings: warnings)
  }
}

extension FirthCoxModel {
  /// The coefficient table: penalized estimates, their standard errors, and hazard-ratio limits
  /// from the profile penalized likelihood at `level`.
  public func coefficientTable(level: Double = 0.95) -> [CoxCoefficient] {
    let se = standardErrors
    return coefficients.indices.map { j in
      CoxCoefficient(
        term: columnNames[j], coefficient: coefficients[j], standardError: se[j], robustStandardError: nil, level: level,
        profile: profileInterval(column: j, level: level), infinite: false)
    }
  }
}
