import CLAPACK

/// The Cholesky factorization with complete pivoting of a symmetric positive *semi*-definite
/// matrix, Pᵀ·A·P = L·Lᵀ (LAPACK `dpstrf`), with its numerical rank: the tool for covariance
/// matrices that may be singular (perfectly correlated statistics).
public struct PivotedCholesky: Sendable {
  /// The lower-triangular factor of the permuted matrix; columns from `rank` on are zero.
  public let factor: Matrix
  /// `permutation[i]` is the original index of the i-th pivoted variable.
  public let permutation: [Int]
  /// The numerical rank.
  public let rank: Int

  /// Factors `matrix`, treating pivots below `tolerance` (LAPACK's default when negative) as zero.
  /// - Throws: `.notSquare`, `.notPositiveDefinite(order:)` when a negative pivot shows the matrix
  ///   is indefinite, `.tooLarge`.
  public init(_ matrix: Matrix, tolerance: Double = -1) throws(LinearAlgebraError) {
    guard matrix.rows == matrix.columns else {
      throw .notSquare(rows: matrix.rows, columns: matrix.columns)
    }
    let size = matrix.rows
    let n = try lapackSize(size)
    var a = matrix.elements
    var piv = [LAPACKInt](repeating: 0, count: size)
    var rank: LAPACKInt = 0
    if size > 0 {
      let info = a.withUnsafeMutableBufferPointer { ab in
        piv.withUnsafeMutableBufferPointer { pb in
          LAPACKE_dpstrf(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), n, ab.baseAddress, n, pb.baseAddress, &rank,
            tolerance)
        }
      }
      if info < 0 { throw .lapackArgument(routine: "dpstrf", argument: Int(-info)) }
    }
    for j in 0..<size {
      for i in 0..<size where i < j || j >= Int(rank) { a[i + j * size] = 0 }
    }
    // An indefinite matrix shows as a failed factor: check L·Lᵀ reproduces the permuted diagonal.
    let perm = piv.map { Int($0) - 1 }
    for i in 0..<size {
      var s = 0.0
      for j in 0..<min(i + 1, Int(rank)) { s += a[i + j * size] * a[i + j * size] }
      let d = matrix[perm[i], perm[i]]
      if d < 0 || s - d > 1e-8 * max(1, abs(d)) { throw .notPositiveDefinite(order: i + 1) }
    }
    self.factor = Matrix(unchecked: size, size, a)
    self.permutation = perm
    self.rank = Int(rank)
  }
}
