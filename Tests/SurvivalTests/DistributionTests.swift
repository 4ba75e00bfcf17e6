import Foundation
import LinearAlgebra
import Testing

@testable import Survival

@Suite struct DistributionTests {
  @Test func chiSquareUpperTailMatchesR() {
    // R 4.2.2: sprintf("%.17g", pchisq(x, df, lower.tail = FALSE)).
    let cases: [(Double, Int, Double)] = [
      (3.3963889, 1, 0.065339314076539659), (5.0, 3, 0.17179714429673321),
      (30.5, 3, 1.0831686754579122e-06), (0.5, 7, 0.99944648139042513), (62.1, 8, 1.8021130248747763e-10),
      (100, 50, 3.4549313829848641e-05), (2, 2, 0.36787944117144233),
    ]
    for (x, df, p) in cases {
      let q = ChiSquare.upperTail(x, df: df)
      #expect(abs(q - p) <= 1e-12 * p, "pchisq(\(x), \(df)): \(q) vs \(p)")
    }
    #expect(ChiSquare.upperTail(0, df: 3) == 1)
  }

  @Test func orthantProbabilitiesMatchClosedForms() throws {
    // Bivariate: P(X ≤ 0, Y ≤ 0) = 1/4 + asin(ρ)/(2π) (Sheppard 1899).
    let rho = 0.7
    let r2 = try Matrix(rowMajor: [[1, rho], [rho, 1]])
    let p2 = try MultivariateNormal.rectangleProbability(
      lower: [-.infinity, -.infinity], upper: [0, 0], correlation: r2)
    #expect(abs(p2 - (0.25 + asin(rho) / (2 * Double.pi))) < 1e-10)
    // Trivariate: P(all ≤ 0) = 1/8 + (asin ρ12 + asin ρ13 + asin ρ23)/(4π).
    let (a, b, c) = (0.5, 0.3, 0.8)
    let r3 = try Matrix(rowMajor: [[1, a, b], [a, 1, c], [b, c, 1]])
    let p3 = try MultivariateNormal.rectangleProbability(
      lower: [-.infinity, -.infinity, -.infinity], upper: [0, 0, 0], correlation: r3)
    #expect(abs(p3 - (0.125 + (asin(a) + asin(b) + asin(c)) / (4 * Double.pi)) ) < 1e-10)
    // Perfect correlation (a singular matrix): P(|X| ≤ 1, |Y| ≤ 1) = P(|X| ≤ 1) = erf(1/√2).
    let r1 = try Matrix(rowMajor: [[1, 1], [1, 1]])
    let p1 = try MultivariateNormal.rectangleProbability(lower: [-1, -1], upper: [1, 1], correlation: r1)
    #expect(abs(p1 - erf(1 / 2.0.squareRoot())) < 1e-10)
    // Independent: the product of the margins, Φ(1)−Φ(−1) squared times (Φ(2)−Φ(−2)).
    let p = try MultivariateNormal.rectangleProbability(
      lower: [-1, -1, -2], upper: [1, 1, 2], correlation: Matrix.identity(3))
    let e = erf(1 / 2.0.squareRoot()) * erf(1 / 2.0.squareRoot()) * erf(2 / 2.0.squareRoot())
    #expect(abs(p - e) < 1e-10)
  }
}
