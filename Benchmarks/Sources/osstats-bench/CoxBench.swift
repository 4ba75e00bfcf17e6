import Foundation
import LinearAlgebra
import Survival

/// Reads the benchmark CSV into doubles and fits the Cox model, timing the fit alone.
enum CoxBench {
  /// The whole file as bytes, read with POSIX calls straight into the array (no second copy).
  static func readBytes(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw BenchError("cannot open \(path)") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw BenchError("cannot stat \(path)") }
    let size = Int(info.st_size)
    return try [UInt8](unsafeUninitializedCapacity: max(1, size)) { buffer, count in
      var done = 0
      while done < size {
        let r = read(fd, buffer.baseAddress! + done, size - done)
        guard r > 0 else { throw BenchError("read failed on \(path)") }
        done += r
      }
      count = size
    }
  }

  struct Columns {
    var time: [Double]
    var event: [Bool]
    /// n×p, column-major.
    var x: [Double]
    var names: [String]
    var n: Int
  }

  /// Reads `time,status,x1,…` with the package's table reader (every column a number, straight
  /// from the file's bytes).
  static func readColumns(_ path: String) throws -> Columns {
    let source = try ByteSource(path: path)
    let table: DataTable = try source.withBytes { b in
      let names = try DelimitedTableReader.header(bytes: b, delimiter: 44).names
      return try DelimitedTableReader.read(bytes: b, requests: names.map { ColumnRequest($0, .number) })
    }
    guard table.names.count >= 3, table.names[0] == "time", table.names[1] == "status",
      let time = table.columns["time"]?.numbers, let status = table.columns["status"]?.numbers
    else {
      throw BenchError("expected a header time,status,x1,…; found \(table.names)")
    }
    let names = Array(table.names[2...])
    var x: [Double] = []
    x.reserveCapacity(table.rowCount * names.count)
    for name in names { x.append(contentsOf: table.columns[name]?.numbers ?? []) }
    return Columns(time: time, event: status.map { $0 != 0 }, x: x, names: names, n: table.rowCount)
  }

  static func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
  }

  static func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
  }

  /// CPU time of the process so far (user and system, every thread): less disturbed than the wall
  /// clock by other work on the machine.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    return user + system
  }

  /// Peak resident set so far (VmHWM, kB), from /proc/self/status.
  static func peakRSSKiB() -> Int {
    // /proc files report size 0, so read in chunks until the end.
    guard let f = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let r = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
      if r <= 0 { break }
      bytes.append(contentsOf: chunk[0..<r])
    }
    let status = String(decoding: bytes, as: UTF8.self)
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(String(line.dropFirst(6).filter(\.isNumber))) ?? -1
    }
    return -1
  }

  /// Reads the CSV at `path` and times the fit.
  static func run(path: String, repeats: Int) throws {
    let clock = ContinuousClock()
    let readStart = clock.now
    let columns = try readColumns(path)  // the file bytes are freed when this returns
    try fit(columns, readSeconds: seconds(clock.now - readStart), repeats: repeats)
  }

  /// Times the fit on `columns` (`readSeconds`: how long getting them took) and prints the log.
  static func fit(_ columns: Columns, readSeconds: Double, repeats: Int) throws {
    let clock = ContinuousClock()
    let afterRead = peakRSSKiB()
    let p = columns.names.count
    let matrix = try Matrix(rows: columns.n, columns: p, columnMajor: columns.x)
    let raw = try CoxData(
      stop: columns.time, event: columns.event, x: matrix, columnNames: columns.names)
    // R's coxph merges times equal up to round-off (timefix) before fitting; so does osstats'
    // command line. Done once, outside the timed region (with 3-decimal times it changes nothing).
    let fixStart = clock.now
    let data = raw.fixingTimes()
    let fixSeconds = seconds(clock.now - fixStart)
    let changed = zip(raw.stop, data.stop).filter { $0 != $1 }.count

    var times: [Double] = []
    var cpuTimes: [Double] = []
    var model: CoxModel? = nil
    for _ in 0..<max(1, repeats) {
      let cpuStart = cpuSeconds()
      let start = clock.now
      let fitted = try CoxModel(data: data)
      times.append(seconds(clock.now - start))
      cpuTimes.append(cpuSeconds() - cpuStart)
      model = fitted
    }
    guard let model else { return }
    let se = model.standardErrors
    print("tool osstats")
    print("n \(data.count)")
    print("p \(p)")
    print("events \(model.events)")
    print("read_seconds \(String(format: "%.4f", readSeconds))")
    print("timefix_seconds \(String(format: "%.4f", fixSeconds)) changed \(changed)")
    print("fit_seconds " + times.map { String(format: "%.6g", $0) }.joined(separator: " "))
    print("fit_median_seconds \(String(format: "%.6g", median(times)))")
    print("fit_cpu_seconds " + cpuTimes.map { String(format: "%.6g", $0) }.joined(separator: " "))
    print("repeats \(times.count)")
    print("iterations \(model.iterations) converged \(model.converged)")
    print("loglik \(String(format: "%.17g", model.loglikNull)) \(String(format: "%.17g", model.loglik))")
    print("peak_rss_after_read_kib \(afterRead)")
    print("peak_rss_end_kib \(peakRSSKiB())")
    for j in 0..<p {
      print(
        "coef \(model.columnNames[j]) \(String(format: "%.17g", model.coefficients[j])) \(String(format: "%.17g", se[j]))"
      )
    }
  }
}
