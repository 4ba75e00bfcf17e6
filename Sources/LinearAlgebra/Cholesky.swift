import CLAPACK
import Foundation

/// The Cholesky factorization A = L·Lᵀ of a symmetric positive-definite matrix
/// (LAPACK `dpotrf`, lower triangle), with solves and the inverse built on it.
///
/// Only the lower triangle of the input is read. A matrix that is singular or not
/// positive definite gives `LinearAlgebraError.notPositiveDefinite(order:)` naming the
/// first leading minor that fails, as LAPACK reports it.
public struct Cholesky: Sendable {
  /// The lower-triangular factor L (the strict upper triangle is zero).
  public let factor: Matrix

  /// Factors `matrix`.
  /// - Throws: `.notSquare`, `.notPositiveDefinite(order:)`, `.tooLarge`.
  public init(_ matrix: Matrix) throws(LinearAlgebraError) {
    BLASThreads.configure()
    guard matrix.rows == matrix.columns else {
      throw .notSquare(rows: matrix.rows, columns: matrix.columns)
    }
    let n = try lapackSize(matrix.rows)
    var a = matrix.elements
    if n > 0 {
      let info = a.withUnsafeMutableBufferPointer { buffer in
        LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, n, buffer.baseAddress, n)
      }
      try check(info, routine: "dpotrf")
    }
    // Clear the strict upper triangle, which dpotrf leaves untouched.
    let size = matrix.rows
    for j in 0..<size {
      for i in 0..<j { a[i + j * size] = 0 }
    }
    factor = Matrix(unchecked: size, size, a)
  }

  /// The order of the factored matrix.
  public var order: Int { factor.rows }

  /// Solves A·x = b for one right-hand side.
  /// - Throws: `.dimensionMismatch` when `b.count` differs from the order.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    guard b.count == order else { throw .dimensionMismatch(expected: order, actual: b.count) }
    let m = try solve(Matrix(unchecked: order, 1, b))
    return m.elements
  }

  /// Solves A·X = B for several right-hand sides (the columns of `b`).
  /// - Throws: `.dimensionMismatch` when `b.rows` differs from the order.
  public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    guard b.rows == order else { throw .dimensionMismatch(expected: order, actual: b.rows) }
    let n = try lapackSize(order)
    let nrhs = try lapackSize(b.columns)
    var x = b.elements
    if order > 0 && b.columns > 0 {
      let info = factor.elements.withUnsafeBufferPointer { l in
        x.withUnsafeMutableBufferPointer { xb in
          LAPACKE_dpotrs(LAPACK_COL_MAJOR, lower, n, nrhs, l.baseAddress, n, xb.baseAddress, n)
        }
      }
      try check(info, routine: "dpotrs")
    }
    return Matrix(unchecked: b.rows, b.columns, x)
  }

  /// The inverse A⁻¹ (symmetric; both triangles filled), from LAPACK `dpotri`.
  public func inverse() throws(LinearAlgebraError) -> Matrix {
    let n = try lapackSize(order)
    var a = factor.elements
    if order > 0 {
      let info = a.withUnsafeMutableBufferPointer { buffer in
        LAPACKE_dpotri(LAPACK_COL_MAJOR, lower, n, buffer.baseAddress, n)
      }
      try check(info, routine: "dpotri")
    }
    for j in 0..<order {
      for i in 0..<j { a[i + j * order] = a[j + i * order] }
    }
    return Matrix(unchecked: order, order, a)
  }

  /// log det A = 2 Σ log Lᵢᵢ.
  public var logDeterminant: Double {
    var s = 0.0
    for i in 0..<order { s += 2 * log(factor[i, i]) }
    return s
  }
}

private let lower = CChar(UInt8(ascii: "L"))

func lapackSize(_ n: Int) throws(LinearAlgebraError) -> LAPACKInt {
  guard n <= Int(LAPACKInt.max) else { throw .tooLarge(n) }
  return LAPACKInt(n)
}

func check(_ info: LAPACKInt, routine: String) throws(LinearAlgebraError) {
  if info > 0 { throw .notPositiveDefinite(order: Int(info)) }
  if info < 0 { throw .lapackArgument(routine: routine, argument: Int(-info)) }
}
