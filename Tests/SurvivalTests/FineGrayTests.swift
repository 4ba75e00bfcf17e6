import Foundation
import Testing

@testable import Survival

/// The Fine–Gray model against Datasets/References/finegray_reference.json
/// (finegray_reference.R: R 4.2.2, cmprsk 2.2-11): crr's coefficients, sandwich variance,
/// information, log pseudo-likelihoods, score, convergence and iterations, and summary.crr's
/// hazard ratios and limits, on mgus2 (progression and death, with and without hgb, one case
/// stopped after one step) and on a small data set with ties across causes and censorings and
/// ends at time 0.
@Suite struct FineGrayTests {
  static let reference = Result { try Fixture.load("References/finegray_reference.json") }

  /// mgus2's time, event (0/1/2) and the covariates asked for (`male` = sex "M"), rows lacking
  /// one of them left out.
  static func mgus2(_ covariates: [String]) throws -> (CompetingRisksData, [[Double]]) {
    guard let text = String(bytes: try datasetBytes("mgus2.csv"), encoding: .utf8) else {
      throw TestFailure("mgus2.csv is not UTF-8")
    }
    var lines = text.split(whereSeparator: \.isNewline).map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = lines.removeFirst()
    func column(_ name: String) throws -> Int {
      guard let j = header.firstIndex(of: name) else { throw TestFailure("mgus2.csv has no column \(name)") }
      return j
    }
    let time = try column("etime")
    let event = try column("event")
    let sources = try covariates.map { try column($0 == "male" ? "sex" : $0) }
    var times: [Double] = []
    var causes: [Int] = []
    var columns = [[Double]](repeating: [], count: covariates.count)
    for row in lines {
      let needed = [time, event] + sources
      guard needed.allSatisfy({ $0 < row.count && !row[$0].isEmpty }) else { continue }
      guard let t = Double(row[time]), let c = Int(row[event]) else { throw TestFailure("bad row \(row)") }
      var values: [Double] = []
      for (name, j) in zip(covariates, sources) {
        if name == "male" {
          values.append(row[j] == "M" ? 1 : 0)
        } else if let v = Double(row[j]) {
          values.append(v)
        } else {
          throw TestFailure("bad \(name) in \(row)")
        }
      }
      times.append(t)
      causes.append(c)
      for k in values.indices { columns[k].append(values[k]) }
    }
    return (try CompetingRisksData(time: times, cause: causes, causeLabels: ["progression", "death"]), columns)
  }

  /// The fixture's small tied data set.
  static func tied() throws -> (CompetingRisksData, [[Double]]) {
    let t = try reference.get()["tied"]
    let time = t["time"].doubles.compactMap { $0 }
    let cause = t["status"].ints
    let x = [t["x1"].doubles.compactMap { $0 }, t["x2"].doubles.compactMap { $0 }]
    return (try CompetingRisksData(time: time, cause: cause, causeLabels: ["1", "2"]), x)
  }

  static func data(_ c: Fixture) throws -> (CompetingRisksData, [[Double]]) {
    let covariates = c["covariates"].array.compactMap(\.string)
    return c["data"].string == "tied" ? try tied() : try mgus2(covariates)
  }

  static func int(_ f: Fixture) -> Int? { (f.value as? NSNumber)?.intValue }

  static let keys = [
    "mgus2_progression_age_male", "mgus2_death_age_male", "mgus2_progression_age_male_hgb",
    "mgus2_death_age_male_hgb_one_step", "tied_cause1", "tied_cause2",
  ]

  @Test("crr's coefficients, sandwich variance, log-likelihoods, score and convergence", arguments: keys)
  func asCRR(key: String) throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
    let (data, x) = try Self.data(c)
    let names = c["covariates"].array.compactMap(\.string)
    let cause = try #require(Self.int(c["cause"]))
    let maxIterations = try #require(Self.int(c["maxiter"]))
    let model = try FineGrayModel(data, covariates: x, names: names, cause: cause, maxIterations: maxIterations)
    #expect(model.names == names)
    #expect(model.n == Self.int(c["n"]))
    #expect(model.events == Self.int(c["events"]))
    #expect(model.competingEvents == Self.int(c["competing"]))
    #expect(model.converged == (c["converged"].value as? Bool))
    #expect(model.iterations == Self.int(c["iterations"]))
    // Tolerances: crr's iteration path (steps, halvings, stopping rule) is followed step by step,
    // so β̂ agrees to round-off, not merely to crr's stopping tolerance: observed ≤ 6e-13
    // relative on every quantity (coef, var, inf, loglik, se, limits), 5e-12 on p.
    expectAgree(model.coefficients, c["coef"].doubles, relative: 1e-11, "\(key) coef")
    expectAgree(model.variance, c["var"].doubles, relative: 1e-11, "\(key) var")
    expectAgree(model.information, c["inf"].doubles, relative: 1e-12, "\(key) inf")
    expectAgree(
      [model.loglik, model.loglikNull], [c["loglik"].double, c["loglik_null"].double], relative: 1e-13, "\(key) loglik")
    // The score at β̂ is nearly 0: compared on the scale of the information.
    let p = names.count
    for (j, r) in c["score"].doubles.enumerated() {
      let scale = model.information[j * p + j].squareRoot()
      #expect(
        abs(model.score[j] - (r ?? .nan)) <= 1e-11 * scale,
        "\(key) score[\(j)]: osstats \(model.score[j]), R \(String(describing: r))")
    }
    let table = model.coefficientTable()
    expectAgree(model.standardErrors, c["se"].doubles, relative: 1e-11, "\(key) se")
    expectAgree(table.map(\.z), c["z"].doubles, relative: 1e-11, "\(key) z")
    expectAgree(table.map(\.p), c["p"].doubles, relative: 1e-10, "\(key) p")
    expectAgree(table.map(\.hazardRatio), c["hr"].doubles, relative: 1e-11, "\(key) exp(coef)")
    expectAgree(table.map(\.lower), c["lower"].doubles, relative: 1e-11, "\(key) lower")
    expectAgree(table.map(\.upper), c["upper"].doubles, relative: 1e-11, "\(key) upper")
    expectAgree([model.likelihoodRatioTest.statistic], [c["logtest"].double], relative: 1e-10, "\(key) logtest")
    #expect(table.map(\.term) == names)
  }

  @Test("The fit does not depend on the order of the rows, ties included")
  func rowOrder() throws {
    let (data, x) = try Self.tied()
    let a = try FineGrayModel(data, covariates: x, names: ["x1", "x2"], cause: 2)
    let order = Array((0..<data.count).reversed())
    let shuffled = try CompetingRisksData(
      time: order.map { data.time[$0] }, cause: order.map { data.cause[$0] }, causeLabels: data.causeLabels)
    let b = try FineGrayModel(
      shuffled, covariates: x.map { col in order.map { col[$0] } }, names: ["x1", "x2"], cause: 2)
    expectAgree(b.coefficients, a.coefficients, relative: 1e-12, "coef")
    expectAgree(b.variance, a.variance, relative: 1e-12, "var")
    expectAgree([b.loglik], [a.loglik], relative: 1e-13, "loglik")
  }

  /// The error a fit throws, or nil.
  static func refusal(
    _ data: CompetingRisksData, _ x: [[Double]], _ names: [String], cause: Int = 1
  ) -> FineGrayError? {
    do {
      _ = try FineGrayModel(data, covariates: x, names: names, cause: cause)
      return nil
    } catch { return error }
  }

  @Test("Refusals name what is wrong in plain words")
  func refusals() throws {
    let (data, x) = try Self.tied()
    let xy = ["x1", "x2"]
    let noCause1 = try CompetingRisksData(
      time: data.time, cause: data.cause.map { $0 == 1 ? 2 : $0 }, causeLabels: ["relapse", "death"])
    let stratified = try CompetingRisksData(
      time: data.time, cause: data.cause, causeLabels: data.causeLabels, stratum: (0..<25).map { $0 % 2 },
      strataLabels: ["a", "b"])
    let cases: [(FineGrayError?, FineGrayError)] = [
      (Self.refusal(noCause1, x, xy), .noEvents(cause: "relapse")),
      (Self.refusal(data, [], []), .noCovariates),
      (Self.refusal(data, x, ["x1"]), .nameCount(names: 1, covariates: 2)),
      (Self.refusal(data, [x[0], [1, 2]], xy), .covariateLength(name: "x2", count: 2, subjects: 25)),
      (Self.refusal(data, [x[0], [.nan] + x[1].dropFirst()], xy), .nonFiniteCovariate(name: "x2", row: 1)),
      (Self.refusal(data, x, xy, cause: 3), .invalidCause(3, causeCount: 2)),
      (Self.refusal(data, [[Double](repeating: 1, count: 25)], ["one"]), .singularInformation),
      (Self.refusal(data, [x[0], x[0].map { 2 * $0 }], ["x1", "x1twice"]), .singularInformation),
      (Self.refusal(stratified, x, xy), .stratified(strata: 2)),
    ]
    for (got, expected) in cases {
      #expect(got == expected)
      #expect(!expected.description.contains("--"))
    }
    #expect(
      FineGrayError.noEvents(cause: "relapse").description
        == "no subject ended by relapse, so its subdistribution hazard cannot be modelled")
  }

  /// A timing on generated data, run only when OSSTATS_FINEGRAY_TIMING is set (to the number of
  /// rows, 10⁶ unless a number): `OSSTATS_FINEGRAY_TIMING=1000000 swift test -c release --filter FineGray`.
  @Test("Timing on generated data", .enabled(if: ProcessInfo.processInfo.environment["OSSTATS_FINEGRAY_TIMING"] != nil))
  func timing() throws {
    let n = ProcessInfo.processInfo.environment["OSSTATS_FINEGRAY_TIMING"].flatMap { Int($0) } ?? 1_000_000
    var rng = SplitMix64(seed: 20_240_501)
    var time = [Double](repeating: 0, count: n)
    var cause = [Int](repeating: 0, count: n)
    var x = [[Double]](repeating: [Double](repeating: 0, count: n), count: 3)
    for i in 0..<n {
      let a = rng.normal()
      let b: Double = rng.uniform() < 0.5 ? 1 : 0
      let c = rng.uniform()
      x[0][i] = a
      x[1][i] = b
      x[2][i] = c
      let h1 = 0.05 * exp(0.4 * a - 0.3 * b + 0.2 * c)
      let h2 = 0.08 * exp(-0.2 * a + 0.3 * b)
      let t = -log(rng.uniform()) / (h1 + h2)
      let censor = 30 * rng.uniform()
      // Whole days, so that times tie as in real data.
      time[i] = (min(t, censor) * 30).rounded(.up)
      cause[i] = censor < t ? 0 : (rng.uniform() < h1 / (h1 + h2) ? 1 : 2)
    }
    let data = try CompetingRisksData(time: time, cause: cause, causeLabels: ["1", "2"])
    let start = Date()
    let model = try FineGrayModel(data, covariates: x, names: ["a", "b", "c"], cause: 1)
    let seconds = Date().timeIntervalSince(start)
    print(
      "FineGray n=\(n) p=3: \(seconds) s, \(model.iterations) iterations, coef \(model.coefficients),",
      "se \(model.standardErrors)")
    #expect(model.converged)
  }
}
