import CLAPACK
import Foundation

/// Accumulates Gram matrices BᵀB of rows with BLAS, buffering rows in cache-sized blocks so that
/// no n×p copy is ever made: the dense n×p work of the Cox information matrix.
///
/// Each block goes to `dgemm` rather than `dsyrk`: OpenBLAS has a kernel for small matrices that
/// `dsyrk` does not reach, so at p = 10 `dgemm` takes about half the time of `dsyrk` although it
/// computes both triangles (only the lower one is kept).
///
/// A reference type over manually managed buffers, so that adding a row costs p multiplications
/// and no copy-on-write checks. Not shared between threads.
public final class GramAccumulator {
  /// Number of columns p.
  public let columns: Int
  /// Rows buffered before a BLAS call.
  public let blockRows: Int
  private let buffer: UnsafeMutablePointer<Double>
  private let gram: UnsafeMutablePointer<Double>
  private var filled = 0

  /// An accumulator for rows of `columns` values.
  public init(columns: Int, blockRows: Int = 2048) {
    BLASThreads.configure()
    self.columns = columns
    self.blockRows = max(1, blockRows)
    buffer = .allocate(capacity: max(1, columns * self.blockRows))
    gram = .allocate(capacity: max(1, columns * columns))
    gram.initialize(repeating: 0, count: max(1, columns * columns))
    buffer.initialize(repeating: 0, count: max(1, columns * self.blockRows))
  }

  deinit {
    buffer.deallocate()
    gram.deallocate()
  }

  /// Adds the row `scale · row[0 ..< columns]`.
  @inline(__always)
  public func add(_ row: UnsafePointer<Double>, scale: Double) {
    let base = buffer + filled * columns
    for j in 0..<columns { base[j] = scale * row[j] }
    filled += 1
    if filled == blockRows { flush() }
  }

  /// Adds a row written in place: `fill` receives the buffer slot of the next row and writes its
  /// `columns` values, already scaled (no intermediate copy).
  @inline(__always)
  public func addRow(_ fill: (UnsafeMutablePointer<Double>) -> Void) {
    fill(buffer + filled * columns)
    filled += 1
    if filled == blockRows { flush() }
  }

  private func flush() {
    guard filled > 0, columns > 0 else {
      filled = 0
      return
    }
    if filled * columns * columns < 4096 {
      // A small block: a call into BLAS costs more than the arithmetic.
      for r in 0..<filled {
        let row = buffer + r * columns
        for j in 0..<columns {
          for i in j..<columns { gram[i + j * columns] += row[i] * row[j] }
        }
      }
      filled = 0
      return
    }
    // The buffer, row-major m×p, is the column-major p×m matrix A = Bᵀ: C += A·Aᵀ = BᵀB.
    cblas_dgemm(
      CblasColMajor, CblasNoTrans, CblasTrans, Int32(columns), Int32(columns), Int32(filled), 1,
      buffer, Int32(columns), buffer, Int32(columns), 1, gram, Int32(columns))
    filled = 0
  }

  /// Adds everything `other` has accumulated.
  public func merge(_ other: GramAccumulator) {
    let g = other.result()
    flush()
    for j in 0..<columns {
      for i in j..<columns { gram[i + j * columns] += g[i + j * columns] }
    }
  }

  /// The accumulated p×p matrix, symmetric (row- and column-major alike).
  public func result() -> [Double] {
    flush()
    let p = columns
    var full = [Double](repeating: 0, count: p * p)
    for j in 0..<p {
      for i in j..<p {
        full[i + j * p] = gram[i + j * p]
        full[j + i * p] = gram[i + j * p]
      }
    }
    return full
  }
}

/// OpenBLAS threads: osstats parallelizes at a higher level (halves of large strata, simulated
/// trials), and OpenBLAS's own threads only spin on the small matrices of survival models, so
/// BLAS runs on one thread unless OPENBLAS_NUM_THREADS says otherwise.
enum BLASThreads {
  private static let once: Void = {
    if getenv("OPENBLAS_NUM_THREADS") == nil { openblas_set_num_threads(1) }
  }()

  /// Applies the setting (once per process).
  static func configure() { _ = once }
}
