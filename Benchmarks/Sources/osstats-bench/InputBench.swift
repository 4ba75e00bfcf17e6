import Foundation
import Survival

/// Reading a data file into a typed table, as every osstats command does first: the file opened
/// (memory-mapped), every column of it converted (numbers to doubles, text encoded). Prints one
/// `read_seconds` line with every repeat and the median as `read_median_seconds`.
enum InputBench {
  static func run(path: String, format: DataTable.Format, repeats: Int) throws {
    var times: [Double] = []
    var rows = 0
    var columns = 0
    let clock = ContinuousClock()
    for _ in 0..<repeats {
      let start = clock.now
      let source = try ByteSource(path: path)
      let table: DataTable = try source.withBytes { b in
        if format.isSAS { return try SASReader.read(bytes: b, format: format, columns: nil) }
        let names = try DelimitedTableReader.header(bytes: b, delimiter: 44).names
        return try DelimitedTableReader.read(bytes: b, requests: names.map { ColumnRequest($0, .auto) })
      }
      times.append(CoxBench.seconds(clock.now - start))
      rows = table.rowCount
      columns = table.columns.count
    }
    print("rows \(rows) columns \(columns)")
    print("read_seconds " + times.map { String($0) }.joined(separator: " "))
    print("read_median_seconds \(times.sorted()[times.count / 2])")
  }
}
