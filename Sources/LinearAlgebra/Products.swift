import CLAPACK

extension Matrix {
  /// The matrix–vector product A·x (BLAS `dgemv`).
  /// - Throws: `.dimensionMismatch` when `x.count != columns`.
  public func multiply(_ x: [Double]) throws(LinearAlgebraError) -> [Double] {
    BLASThreads.configure()
    guard x.count == columns else { throw .dimensionMismatch(expected: columns, actual: x.count) }
    var y = [Double](repeating: 0, count: rows)
    guard rows > 0, columns > 0 else { return y }
    let m = try lapackSize(rows)
    let n = try lapackSize(columns)
    elements.withUnsafeBufferPointer { a in
      x.withUnsafeBufferPointer { xb in
        y.withUnsafeMutableBufferPointer { yb in
          cblas_dgemv(
            CblasColMajor, CblasNoTrans, m, n, 1, a.baseAddress, m, xb.baseAddress, 1, 0,
            yb.baseAddress, 1)
        }
      }
    }
    return y
  }

  /// The matrix product A·B (BLAS `dgemm`).
  /// - Throws: `.dimensionMismatch` when `columns != other.rows`.
  public func multiply(_ other: Matrix) throws(LinearAlgebraError) -> Matrix {
    BLASThreads.configure()
    guard columns == other.rows else {
      throw .dimensionMismatch(expected: columns, actual: other.rows)
    }
    var c = Matrix.zeros(rows, other.columns)
    guard rows > 0, other.columns > 0, columns > 0 else { return c }
    let m = try lapackSize(rows)
    let n = try lapackSize(other.columns)
    let k = try lapackSize(columns)
    elements.withUnsafeBufferPointer { a in
      other.elements.withUnsafeBufferPointer { b in
        c.elements.withUnsafeMutableBufferPointer { cb in
          cblas_dgemm(
            CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a.baseAddress, m,
            b.baseAddress, k, 0, cb.baseAddress, m)
        }
      }
    }
    return c
  }
}
