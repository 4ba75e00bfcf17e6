/// A dense matrix of `Double` stored in column-major order, the layout BLAS and LAPACK use.
///
/// Element (i, j) lives at `elements[i + j * rows]`. A value type: copies are independent.
public struct Matrix: Equatable, Sendable {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// The elements, column after column.
  public internal(set) var elements: [Double]

  /// A matrix from its elements in column-major order.
  /// - Throws: `LinearAlgebraError.dimensionMismatch` when `columnMajor.count != rows * columns`,
  ///   `.invalidDimension` when a dimension is negative.
  public init(rows: Int, columns: Int, columnMajor: [Double]) throws(LinearAlgebraError) {
    guard rows >= 0, columns >= 0 else { throw .invalidDimension(rows: rows, columns: columns) }
    guard columnMajor.count == rows * columns else {
      throw .dimensionMismatch(expected: rows * columns, actual: columnMajor.count)
    }
    self.rows = rows
    self.columns = columns
    self.elements = columnMajor
  }

  /// A matrix from a list of rows, as a matrix is written on paper.
  /// - Throws: `LinearAlgebraError.dimensionMismatch` when the rows differ in length.
  public init(rowMajor: [[Double]]) throws(LinearAlgebraError) {
    let r = rowMajor.count
    let c = rowMajor.first?.count ?? 0
    var e = [Double](repeating: 0, count: r * c)
    for (i, row) in rowMajor.enumerated() {
      guard row.count == c else { throw .dimensionMismatch(expected: c, actual: row.count) }
      for j in 0..<c { e[i + j * r] = row[j] }
    }
    self.rows = r
    self.columns = c
    self.elements = e
  }

  /// The `size`-by-`size` zero matrix.
  public static func zeros(_ rows: Int, _ columns: Int) -> Matrix {
    Matrix(unchecked: rows, columns, [Double](repeating: 0, count: max(0, rows) * max(0, columns)))
  }

  /// The `size`-by-`size` identity matrix.
  public static func identity(_ size: Int) -> Matrix {
    var m = zeros(size, size)
    for i in 0..<max(0, size) { m.elements[i + i * size] = 1 }
    return m
  }

  init(unchecked rows: Int, _ columns: Int, _ elements: [Double]) {
    self.rows = rows
    self.columns = columns
    self.elements = elements
  }

  /// Element at row `i`, column `j` (zero-based). Traps on an index out of range, like `Array`.
  public subscript(i: Int, j: Int) -> Double {
    get { elements[i + j * rows] }
    set { elements[i + j * rows] = newValue }
  }

  /// The rows as arrays, for display and tests.
  public var rowArrays: [[Double]] {
    (0..<rows).map { i in (0..<columns).map { j in self[i, j] } }
  }

  /// The transpose.
  public var transposed: Matrix {
    var t = Matrix.zeros(columns, rows)
    for j in 0..<columns {
      for i in 0..<rows { t[j, i] = self[i, j] }
    }
    return t
  }
}

/// Failures of the linear-algebra routines, with what is needed to explain them.
public enum LinearAlgebraError: Error, Equatable, Sendable {
  /// A negative dimension was given.
  case invalidDimension(rows: Int, columns: Int)
  /// The number of elements does not match the stated shape.
  case dimensionMismatch(expected: Int, actual: Int)
  /// A square matrix was required.
  case notSquare(rows: Int, columns: Int)
  /// The leading minor of this order (1-based, as LAPACK reports it) is not positive:
  /// the matrix is not positive definite (singular or indefinite).
  case notPositiveDefinite(order: Int)
  /// LAPACK rejected argument number `argument` (a bug in the caller, reported rather than trapped).
  case lapackArgument(routine: String, argument: Int)
  /// A dimension is too large for the 32-bit integers of BLAS and LAPACK.
  case tooLarge(Int)
}
