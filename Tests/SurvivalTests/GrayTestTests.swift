import Foundation
import Testing

@testable import Survival

/// Gray's test against Datasets/References/gray_reference.json (gray_reference.R: R 4.2.2,
/// cmprsk 2.2-11): cuminc's statistic, p-value and degrees of freedom per cause, and the score and
/// variance behind them (cmprsk's crstm), on mgus2 by sex and age group, stratified, with
/// ρ = 1, −1 and 0.5, and on inline data with heavy ties, an unused group level, a group never at
/// risk and a simulated set with three causes.
@Suite struct GrayTestTests {
  static let reference = Result { try Fixture.load("References/gray_reference.json") }

  /// mgus2's columns as the R script reads them, with its two age groupings.
  struct Mgus2 {
    var etime: [Double] = []
    var event: [Int] = []
    var columns: [String: [String]] = [:]

    init() throws {
      let text = String(decoding: try datasetBytes("mgus2.csv"), as: UTF8.self)
      var lines = text.split(whereSeparator: \.isNewline)
        .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
      let header = lines.removeFirst().map(String.init)
      guard let t = header.firstIndex(of: "etime"), let e = header.firstIndex(of: "event"),
        let a = header.firstIndex(of: "age"), let s = header.firstIndex(of: "sex")
      else { throw TestFailure("mgus2.csv lacks etime, event, age or sex") }
      var sex: [String] = []
      var age70: [String] = []
      var age3: [String] = []
      for line in lines {
        guard let time = Double(line[t]), let status = Int(line[e]), let age = Double(line[a]) else {
          throw TestFailure("mgus2.csv: unreadable row \(line)")
        }
        etime.append(time)
        event.append(status)
        sex.append(String(line[s]))
        age70.append(age < 70 ? "<70" : ">=70")
        age3.append(age < 60 ? "1:<60" : age < 70 ? "2:60-69" : "3:70+")
      }
      columns = ["sex": sex, "age70": age70, "age3": age3]
    }
  }

  static let mgus2 = Result { try Mgus2() }

  /// Labels as indices into their sorted distinct values (R's factor levels), or into `levels`.
  static func codes(_ values: [String], levels: [String]? = nil) -> (codes: [Int], labels: [String]) {
    let labels = levels ?? Array(Set(values)).sorted()
    let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    return (values.map { index[$0] ?? -1 }, labels)
  }

  static func data(_ c: Fixture) throws -> CompetingRisksData {
    let time: [Double]
    let status: [Int]
    let group: [String]
    var levels: [String]? = nil
    let strata: [String]?
    if c["data"].string == "mgus2" {
      let m = try mgus2.get()
      time = m.etime
      status = m.event
      group = try #require(m.columns[c["group_by"].string ?? ""])
      strata = c["strata_by"].string.flatMap { m.columns[$0] }
    } else {
      time = c["time"].doubles.map { $0 ?? .nan }
      status = c["status"].ints
      group = c["group"].array.compactMap(\.string)
      levels = c["group_levels"].array.compactMap(\.string)
      strata = c["strata"].isNull ? nil : c["strata"].array.compactMap(\.string)
    }
    let causes = Array(Set(status.filter { $0 != 0 })).sorted()
    let g = codes(group, levels: levels)
    let s = strata.map { codes($0) }
    return try CompetingRisksData(
      time: time, cause: status, causeLabels: (1...(causes.last ?? 1)).map(String.init), group: g.codes,
      groupLabels: g.labels, stratum: s?.codes, strataLabels: s?.labels ?? ["all"])
  }

  static let keys = [
    "mgus2_sex", "mgus2_age3", "mgus2_sex_strata_age3", "mgus2_age3_strata_sex", "mgus2_age3_rho1",
    "mgus2_age70_rho_minus1", "mgus2_sex_strata_age70_rho0.5", "ties", "ties_strata_rho1",
    "simulated_strata_rho0.5",
  ]

  @Test("Statistic, p-value, df, score and variance per cause agree with cuminc to 1e-9", arguments: keys)
  func agreesWithCuminc(key: String) throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
    let data = try Self.data(c)
    let rho = try #require(c["rho"].double)
    let tests = try GrayTest.all(data, rho: rho)
    let expected = c["tests"].array
    #expect(tests.map(\.cause) == expected.compactMap { $0["cause"].double.map { Int($0) } })
    #expect(tests.first?.groups.map { data.groupLabels[$0] } == c["groups"].array.compactMap(\.string))
    for (test, r) in zip(tests, expected) {
      let what = "\(key) cause \(test.cause)"
      #expect(test.degreesOfFreedom == Int(r["df"].double ?? -1), "\(what) df")
      #expect(test.rho == rho)
      expectAgree([test.statistic], [r["stat"].double], relative: 1e-9, "\(what) statistic")
      expectAgree([test.pValue], [r["p_upper"].double], relative: 1e-9, "\(what) p")
      // cuminc's own 1 − pchisq loses small p-values to cancellation (0 for 1.4e-47): absolute.
      let cumincP = try #require(r["pv"].double)
      #expect(abs(test.pValue - cumincP) <= 1e-12, "\(what) cuminc p \(cumincP), osstats \(test.pValue)")
      expectAgree(test.score, r["score"].doubles, relative: 1e-9, "\(what) score")
      expectAgree(test.variance, r["variance"].doubles, relative: 1e-9, "\(what) variance")
      let single = try GrayTest(data, cause: test.cause, rho: rho)
      #expect(single == test)
    }
  }

  @Test("An unused group level is dropped as cuminc drops it: three groups, two degrees of freedom")
  func unusedLevel() throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == "ties" })
    let data = try Self.data(c)
    #expect(data.groupLabels == ["A", "B", "C", "D"])
    let tests = try GrayTest.all(data)
    #expect(tests.allSatisfy { $0.groups == [0, 1, 2] && $0.degreesOfFreedom == 2 && $0.score.count == 2 })
  }

  @Test("A group never at risk when the cause occurs: singular variance, where cuminc reports -1")
  func neverAtRisk() throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == "never_at_risk" })
    #expect(c["tests"].array.allSatisfy { $0["stat"].double == -1 })
    let data = try Self.data(c)
    for cause in 1...2 {
      #expect(throws: GrayTestError.singularVariance(cause: "\(cause)")) { try GrayTest(data, cause: cause) }
    }
    #expect(throws: GrayTestError.singularVariance(cause: "1")) { try GrayTest.all(data) }
  }

  @Test("The result does not depend on the order of the rows (tied times are one time)")
  func rowOrder() throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == "ties_strata_rho1" })
    let data = try Self.data(c)
    let reversed = try CompetingRisksData(
      time: data.time.reversed(), cause: data.cause.reversed(), causeLabels: data.causeLabels,
      group: data.group.reversed(), groupLabels: data.groupLabels, stratum: data.stratum.reversed(),
      strataLabels: data.strataLabels)
    let a = try GrayTest.all(data, rho: 1)
    let b = try GrayTest.all(reversed, rho: 1)
    for (x, y) in zip(a, b) {
      expectAgree([x.statistic] + x.score + x.variance, [y.statistic] + y.score + y.variance, relative: 1e-13, "reversed")
    }
  }

  /// With one cause and no competing events, 1 − F̂ⱼ(t−) = Ŝⱼ(t−), so Gray's weight Rⱼ is the number
  /// at risk and the ρ = 0 score is the log-rank observed − expected, exactly (ties included,
  /// strata added). The variances differ: Gray's is not the hypergeometric log-rank variance (on
  /// mgus2 deaths by age group they differ in the third digit), so no relation is asserted for them.
  @Test("One cause, no competing events, rho = 0: the score is the log-rank observed minus expected")
  func logRankScore() throws {
    let m = try Self.mgus2.get()
    let cause = m.event.map { $0 == 2 ? 1 : 0 }
    let g = Self.codes(m.columns["age3"] ?? [])
    let s = Self.codes(m.columns["sex"] ?? [])
    for strata in [false, true] {
      let data = try CompetingRisksData(
        time: m.etime, cause: cause, causeLabels: ["death"], group: g.codes, groupLabels: g.labels,
        stratum: strata ? s.codes : nil, strataLabels: strata ? s.labels : ["all"])
      let gray = try GrayTest(data, cause: 1)
      let survival = SurvivalData(
        unchecked: m.etime, cause.map { $0 == 1 }, g.codes, g.labels, data.stratum, data.strataLabels)
      let logRank = try LogRankTest(data: survival, timeFix: false)
      let oMinusE = zip(logRank.observed, logRank.expected).map { $0 - $1 }
      expectAgree(gray.score, Array(oMinusE.dropLast()), relative: 1e-12, "score, strata \(strata)")
    }
  }

  /// Counts large enough that cmprsk's 32-bit product of events and number at risk overflows
  /// (60,000 deaths at one time with 120,000 at risk): the score is still the log-rank O − E.
  @Test("Heavy ties at scale: no integer overflow, the score is still the log-rank observed minus expected")
  func largeCounts() throws {
    let n = 120_000
    let time = (0..<n).map { Double(1 + $0 % 3 / 2) }  // 1, 1, 2, 1, 1, 2, ...
    let group = (0..<n).map { $0 % 2 }
    let cause = (0..<n).map { $0 % 3 == 2 ? 0 : $0 % 5 == 0 ? 0 : 1 }
    let data = try CompetingRisksData(
      time: time, cause: cause, causeLabels: ["death"], group: group, groupLabels: ["a", "b"])
    let gray = try GrayTest(data, cause: 1)
    let survival = SurvivalData(
      unchecked: time, cause.map { $0 == 1 }, group, ["a", "b"], data.stratum, ["all"])
    let logRank = try LogRankTest(data: survival, timeFix: false)
    expectAgree(gray.score, [logRank.observed[0] - logRank.expected[0]], relative: 1e-12, "score")
    #expect(gray.statistic.isFinite && gray.statistic >= 0 && gray.variance[0] > 0)
  }

  @Test("Refusals: one group, an unknown cause, a cause without events, rho not finite; messages in plain words")
  func refusals() throws {
    let one = try CompetingRisksData(
      time: [1, 2, 3], cause: [1, 0, 1], causeLabels: ["relapse", "death"], group: [0, 0, 0],
      groupLabels: ["a", "b"])
    #expect(throws: GrayTestError.fewerThanTwoGroups(1)) { try GrayTest(one, cause: 1) }
    let two = try CompetingRisksData(
      time: [1, 2, 3, 4], cause: [1, 0, 1, 1], causeLabels: ["relapse", "death"], group: [0, 1, 0, 1],
      groupLabels: ["a", "b"])
    #expect(throws: GrayTestError.unknownCause(3, causes: 2)) { try GrayTest(two, cause: 3) }
    #expect(throws: GrayTestError.unknownCause(0, causes: 2)) { try GrayTest(two, cause: 0) }
    #expect(throws: GrayTestError.noEvents(cause: "death")) { try GrayTest(two, cause: 2) }
    #expect(throws: GrayTestError.invalidRho(.infinity)) { try GrayTest(two, cause: 1, rho: .infinity) }
    #expect(try GrayTest.all(two).map(\.cause) == [1])
    let none = try CompetingRisksData(
      time: [1, 2], cause: [0, 0], causeLabels: ["relapse"], group: [0, 1], groupLabels: ["a", "b"])
    #expect(throws: GrayTestError.noEvents(cause: nil)) { try GrayTest.all(none) }
    let errors: [GrayTestError] = [
      .unknownCause(3, causes: 2), .unknownCause(2, causes: 1), .invalidRho(.nan), .fewerThanTwoGroups(0),
      .fewerThanTwoGroups(1), .noEvents(cause: "death"), .noEvents(cause: nil), .singularVariance(cause: "death"),
      .notFinite(cause: "death"),
    ]
    for e in errors {
      #expect(!e.description.isEmpty && !e.description.contains("--"), "\(e.description)")
    }
  }
}
