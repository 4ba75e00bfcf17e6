import Foundation
import Survival

/// The simulated workload: a Cox proportional-hazards model with exponential baseline, written as
/// CSV (`time,status,x1,…,xp`) that both osstats and R read.
///
/// - Covariates: an AR(1) Gaussian row, x₁ = z₁, xⱼ = ρ·xⱼ₋₁ + √(1−ρ²)·zⱼ with ρ = 0.3 and zⱼ
///   standard normal, rounded to 6 decimals (the rounded values are what both tools read and
///   what the hazard uses).
/// - Coefficients: β = (0.5, −0.5, 0.4, −0.4, 0.3, −0.3, 0.2, −0.2, 0.1, −0.1), the first p used.
/// - Event time T ~ Exponential(λ₀·exp(xᵀβ)), λ₀ = 0.1; censoring time C ~ Exponential(λc),
///   independent, with λc set so that P(C < T) = 0.30 exactly under the model (a quadrature over
///   η = xᵀβ ~ N(0, βᵀΣβ)).
/// - time = min(T, C) rounded to 3 decimals (at least 0.001), status = 1 when T ≤ C. The rounding
///   makes tied event times, so Efron's correction matters.
/// - Random numbers: SplitMix64 from the given seed, consumed per row in a fixed order
///   (p normals, each from two uniforms; then one uniform for T, one for C).
struct Simulation {
  static let allBeta: [Double] = [0.5, -0.5, 0.4, -0.4, 0.3, -0.3, 0.2, -0.2, 0.1, -0.1]
  static let rho = 0.3
  static let baselineHazard = 0.1
  static let censoredFraction = 0.30

  let n: Int
  let p: Int
  let seed: UInt64

  var beta: [Double] { Array(Self.allBeta.prefix(p)) }

  /// Variance of η = xᵀβ under the AR(1) correlation ρ^|j−k|.
  var etaVariance: Double {
    var v = 0.0
    for j in 0..<p {
      for k in 0..<p { v += beta[j] * beta[k] * pow(Self.rho, Double(abs(j - k))) }
    }
    return v
  }

  /// The censoring rate λc with E[λc / (λc + λ₀e^η)] = target, η ~ N(0, σ²): bisection on the
  /// log scale, the expectation by the trapezoid rule on ±10σ (4001 points).
  var censoringRate: Double {
    let sd = etaVariance.squareRoot()
    func fraction(_ rate: Double) -> Double {
      if sd == 0 { return rate / (rate + Self.baselineHazard) }
      let m = 4000
      let h = 20 * sd / Double(m)
      var s = 0.0
      for k in 0...m {
        let eta = -10 * sd + Double(k) * h
        let density = exp(-0.5 * (eta / sd) * (eta / sd)) / (sd * (2 * Double.pi).squareRoot())
        let w = (k == 0 || k == m) ? 0.5 : 1.0
        s += w * density * rate / (rate + Self.baselineHazard * exp(eta))
      }
      return s * h
    }
    var lo = log(1e-6)
    var hi = log(1e3)
    for _ in 0..<200 {
      let mid = (lo + hi) / 2
      if fraction(exp(mid)) < Self.censoredFraction { lo = mid } else { hi = mid }
    }
    return exp((lo + hi) / 2)
  }

  /// Simulates the rows in order, handing each to `row`: the time in thousandths, the event
  /// indicator and the covariates in millionths (the exact digits the CSV holds).
  func forEachRow(_ row: (_ milli: Int64, _ event: Bool, _ micro: [Int64]) throws -> Void) rethrows {
    var rng = SplitMix64(seed: seed)
    let beta = self.beta
    let lambdaC = censoringRate
    let rho = Self.rho
    let tail = (1 - rho * rho).squareRoot()
    var micro = [Int64](repeating: 0, count: p)
    for _ in 0..<n {
      var previous = 0.0
      var eta = 0.0
      for j in 0..<p {
        let z = rng.normal()
        let raw = j == 0 ? z : rho * previous + tail * z
        previous = raw
        micro[j] = Int64((raw * 1e6).rounded())
        eta += beta[j] * (Double(micro[j]) / 1e6)
      }
      let t = rng.exponential() / (Self.baselineHazard * exp(eta))
      let c = rng.exponential() / lambdaC
      try row(max(1, Int64((min(t, c) * 1000).rounded())), t <= c, micro)
    }
  }

  /// The data in memory, the same doubles that reading the CSV of ``write(to:)`` gives (a decimal
  /// with 3 or 6 digits parses to the correctly rounded quotient of its digits by 10³ or 10⁶).
  func columns() -> CoxBench.Columns {
    var time = [Double]()
    time.reserveCapacity(n)
    var event = [Bool]()
    event.reserveCapacity(n)
    var x = [Double](repeating: 0, count: n * p)
    var i = 0
    forEachRow { milli, status, micro in
      time.append(Double(milli) / 1000)
      event.append(status)
      for j in 0..<p { x[j * n + i] = Double(micro[j]) / 1e6 }
      i += 1
    }
    return CoxBench.Columns(time: time, event: event, x: x, names: (1...p).map { "x\($0)" }, n: n)
  }

  /// Writes the CSV to `path` and returns a one-line summary of the data.
  func write(to path: String) throws -> String {
    guard let file = fopen(path, "w") else {
      throw BenchError("cannot open \(path) for writing")
    }
    defer { fclose(file) }
    let lambdaC = censoringRate
    var out: [UInt8] = []
    out.reserveCapacity(1 << 20)
    var header = "time,status"
    for j in 1...p { header += ",x\(j)" }
    out.append(contentsOf: Array((header + "\n").utf8))
    var events = 0
    var times: [Int64] = []
    times.reserveCapacity(n)
    var eventTimes: [Int64] = []
    eventTimes.reserveCapacity(n)
    try forEachRow { milli, event, micro in
      times.append(milli)
      if event {
        events += 1
        eventTimes.append(milli)
      }
      appendFixed(milli, decimals: 3, to: &out)
      out.append(UInt8(ascii: ","))
      out.append(event ? UInt8(ascii: "1") : UInt8(ascii: "0"))
      for v in micro {
        out.append(UInt8(ascii: ","))
        appendFixed(v, decimals: 6, to: &out)
      }
      out.append(UInt8(ascii: "\n"))
      if out.count > (1 << 20) - 256 {
        try flush(&out, file)
      }
    }
    try flush(&out, file)
    // Ties: distinct times, and event times shared by two or more events.
    times.sort()
    var distinct = 0
    for k in times.indices where k == 0 || times[k] != times[k - 1] { distinct += 1 }
    eventTimes.sort()
    var tiedEventTimes = 0
    var largestTie = eventTimes.isEmpty ? 0 : 1
    var run = 1
    for k in eventTimes.indices.dropFirst() {
      if eventTimes[k] == eventTimes[k - 1] {
        run += 1
        if run == 2 { tiedEventTimes += 1 }
        largestTie = max(largestTie, run)
      } else {
        run = 1
      }
    }
    let censored = Double(n - events) / Double(n)
    return "n \(n) p \(p) seed \(seed) events \(events) censored \(String(format: "%.4f", censored))"
      + " distinct_times \(distinct) tied_event_times \(tiedEventTimes) largest_tie \(largestTie)"
      + " censoring_rate \(String(format: "%.6f", lambdaC))"
  }

  private func flush(_ out: inout [UInt8], _ file: UnsafeMutablePointer<FILE>) throws {
    let written = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    guard written == out.count else { throw BenchError("write failed") }
    out.removeAll(keepingCapacity: true)
  }
}

/// Appends `value / 10^decimals` in fixed-point notation (exact: the integer's digits).
func appendFixed(_ value: Int64, decimals: Int, to out: inout [UInt8]) {
  var v = value
  if v < 0 {
    out.append(UInt8(ascii: "-"))
    v = -v
  }
  var digits: [UInt8] = []
  var r = v
  repeat {
    digits.append(UInt8(ascii: "0") + UInt8(r % 10))
    r /= 10
  } while r > 0
  while digits.count <= decimals { digits.append(UInt8(ascii: "0")) }
  for k in stride(from: digits.count - 1, through: 0, by: -1) {
    if k == decimals - 1 { out.append(UInt8(ascii: ".")) }
    out.append(digits[k])
  }
}

struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
