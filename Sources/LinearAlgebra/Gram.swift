import CLAPACK

/// Accumulates Gram matrices BᵀB of row blocks with BLAS `dsyrk`: the dense n×p work of the Cox
/// information matrix, done in cache-sized blocks so that no n×p copy is needed.
public struct GramAccumulator: Sendable {
  /// Number of columns p.
  public let columns: Int
  /// Rows buffered before a BLAS call.
  public let blockRows: Int
  private var buffer: [Double]
  private var filled = 0
  /// The lower triangle of Σ BᵀB so far, column-major p×p (call ``result()`` for the full matrix).
  private var gram: [Double]

  /// An accumulator for rows of `columns` values.
  public init(columns: Int, blockRows: Int = 4096) {
    self.columns = columns
    self.blockRows = max(1, blockRows)
    buffer = [Double](repeating: 0, count: columns * max(1, blockRows))
    gram = [Double](repeating: 0, count: columns * columns)
  }

  /// Adds the row `scale · x[offset ..< offset + columns]`.
  @inline(__always)
  public mutating func add(_ x: UnsafeBufferPointer<Double>, offset: Int, scale: Double) {
    let base = filled * columns
    for j in 0..<columns { buffer[base + j] = scale * x[offset + j] }
    filled += 1
    if filled == blockRows { flush() }
  }

  /// Adds the row `scale · values`.
  public mutating func add(_ values: [Double], scale: Double) {
    values.withUnsafeBufferPointer { add($0, offset: 0, scale: scale) }
  }

  private mutating func flush() {
    guard filled > 0, columns > 0 else {
      filled = 0
      return
    }
    let p = Int32(columns)
    let m = Int32(filled)
    buffer.withUnsafeBufferPointer { a in
      gram.withUnsafeMutableBufferPointer { c in
        // The buffer, row-major m×p, is the column-major p×m matrix A = Bᵀ: C += A·Aᵀ = BᵀB.
        cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, p, m, 1, a.baseAddress, p, 1, c.baseAddress, p)
      }
    }
    filled = 0
  }

  /// The accumulated p×p matrix, symmetric, row-major (equal to column-major).
  public mutating func result() -> [Double] {
    flush()
    var full = gram
    for j in 0..<columns {
      for i in 0..<j { full[i + j * columns] = gram[j + i * columns] }
    }
    return full
  }
}
