import Foundation
import Testing

@testable import LinearAlgebra

/// Closed forms: each expected factor, solution and inverse is worked by hand in the comments.
@Suite struct CholeskyTests {
  func close(_ a: [Double], _ b: [Double], _ tol: Double = 1e-14) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
  }

  @Test func factorOfTwoByTwo() throws {
    // [4 2; 2 3] = L Lᵀ with L = [2 0; 1 √2]: 2·2 = 4, 2·1 = 2, 1 + 2 = 3.
    let a = try Matrix(rowMajor: [[4, 2], [2, 3]])
    let c = try Cholesky(a)
    #expect(close(c.factor.rowArrays.flatMap { $0 }, [2, 0, 1, 2.0.squareRoot()]))
    // Solve [4 2; 2 3] x = [2, 1]: x = [0.5, 0] (4·0.5 = 2, 2·0.5 = 1).
    #expect(close(try c.solve([2, 1]), [0.5, 0]))
    // Inverse = (1/det)·[3 −2; −2 4] with det = 12 − 4 = 8.
    #expect(close(try c.inverse().rowArrays.flatMap { $0 }, [0.375, -0.25, -0.25, 0.5]))
    #expect(abs(c.logDeterminant - log(8)) < 1e-14)
  }

  @Test func factorOfThreeByThree() throws {
    // The textbook example: [25 15 −5; 15 18 0; −5 0 11] = L Lᵀ, L = [5 0 0; 3 3 0; −1 1 3].
    let a = try Matrix(rowMajor: [[25, 15, -5], [15, 18, 0], [-5, 0, 11]])
    let c = try Cholesky(a)
    #expect(close(c.factor.rowArrays.flatMap { $0 }, [5, 0, 0, 3, 3, 0, -1, 1, 3]))
    // det = (5·3·3)² = 2025.
    #expect(abs(c.logDeterminant - log(2025)) < 1e-13)
    // A·[1, 1, 1] = [35, 33, 6], so solving for [35, 33, 6] gives back [1, 1, 1].
    #expect(close(try c.solve([35, 33, 6]), [1, 1, 1]))
    // A·A⁻¹ = I.
    let product = try a.multiply(try c.inverse())
    #expect(close(product.elements, Matrix.identity(3).elements, 1e-13))
    // Several right-hand sides at once: columns [35, 33, 6] and [25, 15, −5] (= A·e₁).
    let b = try Matrix(rowMajor: [[35, 25], [33, 15], [6, -5]])
    #expect(close(try c.solve(b).elements, [1, 1, 1, 1, 0, 0]))
  }

  @Test func indefiniteMatrixIsReportedWithItsOrder() throws {
    // [1 2; 2 1] has eigenvalues 3 and −1: the second leading minor (1 − 4 = −3) fails.
    #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) {
      try Cholesky(try Matrix(rowMajor: [[1, 2], [2, 1]]))
    }
    // A singular matrix [1 1; 1 1]: second minor 0.
    #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) {
      try Cholesky(try Matrix(rowMajor: [[1, 1], [1, 1]]))
    }
    // A negative first pivot.
    #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 1)) {
      try Cholesky(try Matrix(rowMajor: [[-1, 0], [0, 1]]))
    }
  }

  @Test func shapeErrorsAreTyped() throws {
    #expect(throws: LinearAlgebraError.notSquare(rows: 2, columns: 3)) {
      try Cholesky(try Matrix(rows: 2, columns: 3, columnMajor: [1, 2, 3, 4, 5, 6]))
    }
    #expect(throws: LinearAlgebraError.dimensionMismatch(expected: 4, actual: 3)) {
      try Matrix(rows: 2, columns: 2, columnMajor: [1, 2, 3])
    }
    let c = try Cholesky(Matrix.identity(2))
    #expect(throws: LinearAlgebraError.dimensionMismatch(expected: 2, actual: 3)) {
      try c.solve([1, 2, 3])
    }
    #expect(throws: LinearAlgebraError.dimensionMismatch(expected: 2, actual: 1)) {
      try Matrix.identity(2).multiply([1])
    }
  }

  @Test func productsUseBLAS() throws {
    // [1 2; 3 4]·[1, 1] = [3, 7]; [1 2; 3 4]·[0 1; 1 0] = [2 1; 4 3].
    let a = try Matrix(rowMajor: [[1, 2], [3, 4]])
    #expect(try a.multiply([1, 1]) == [3, 7])
    let swap = try Matrix(rowMajor: [[0, 1], [1, 0]])
    #expect(try a.multiply(swap).rowArrays == [[2, 1], [4, 3]])
    #expect(a.transposed.rowArrays == [[1, 3], [2, 4]])
  }
}
