import Foundation
import Testing

@testable import Survival

/// Kaplan–Meier with delayed entry against R's survfit(Surv(start, stop, event) ~ transplant) on
/// the Stanford heart transplant data (Datasets/References/km_counting_reference.json, written
/// by km_counting_reference.R with R 4.2.2, survival 3.5-3): every step, the median with its
/// limits, and survival at 100 and 365 days. Tolerance 1e-9 relative.
@Suite struct CountingProcessKMTests {
  static let reference = Result { try Fixture.load("References/km_counting_reference.json") }

  func analysis(grouped: Bool) throws -> KaplanMeierAnalysis {
    var spec = ColumnSpec(time: "stop", event: "event", group: grouped ? "transplant" : nil, noGroup: !grouped)
    spec.entry = "start"
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes("heart.csv"), spec: spec)
    #expect(loaded.mapping.description.hasPrefix("time = (start, stop]"))
    return try KaplanMeierAnalysis(
      data: loaded.data, entry: try loaded.entryTimes("start"), options: KaplanMeierOptions(times: [100, 365]))
  }

  func check(_ g: KaplanMeierGroup, _ r: Fixture, _ label: String) {
    let c = g.curve
    expectAgree(c.time.map { $0 }, r["time"].doubles, relative: 0, "\(label) time")
    #expect(c.nRisk == r["n_risk"].ints, "\(label) n.risk")
    #expect(c.nEvent == r["n_event"].ints, "\(label) n.event")
    #expect(c.nCensor == r["n_censor"].ints, "\(label) n.censor")
    expectAgree(c.survival, r["surv"].doubles, relative: 1e-9, "\(label) surv")
    expectAgree(c.stdErrLog, r["std_err"].doubles, relative: 1e-9, "\(label) std.err")
    expectAgree(g.lower, r["lower"].doubles, relative: 1e-9, "\(label) lower")
    expectAgree(g.upper, r["upper"].doubles, relative: 1e-9, "\(label) upper")
    expectAgree([g.median.time, g.median.lower, g.median.upper], r["median"].doubles + r["median_lower"].doubles + r["median_upper"].doubles, relative: 1e-12, "\(label) median")
    expectAgree(g.atTimes.map(\.survival), r["at_times"]["surv"].doubles, relative: 1e-9, "\(label) survival at times")
    #expect(g.atTimes.map(\.nRisk) == r["at_times"]["n_risk"].ints, "\(label) n.risk at times")
  }

  @Test("Per group (transplant a time-dependent group): every step, median and survival at times as R")
  func groupsMatchR() throws {
    let a = try analysis(grouped: true)
    let groups = try Self.reference.get()["groups"].array
    #expect(a.groups.map(\.curve.label) == groups.compactMap { $0["group"].string })
    for (g, r) in zip(a.groups, groups) { check(g, r, "transplant=\(g.curve.label)") }
    // R's records: 103 and 69.
    #expect(a.groups.map(\.curve.n) == [103, 69])
  }

  @Test("Pooled: as R's survfit(Surv(start, stop, event) ~ 1)")
  func pooledMatchesR() throws {
    let a = try analysis(grouped: false)
    check(try #require(a.groups.first), try Self.reference.get()["pooled"], "pooled")
  }

  @Test("Without entry times nothing changes: all entries at 0 give the right-censored curve")
  func zeroEntryIsRightCensored() throws {
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes("aml.csv"), spec: ColumnSpec(group: "x"))
    let plain = try KaplanMeierAnalysis(data: loaded.data)
    let entered = try KaplanMeierAnalysis(data: loaded.data, entry: [Double](repeating: 0, count: loaded.data.count))
    #expect(plain.groups.map(\.curve) == entered.groups.map(\.curve))
  }

  @Test("An interval that timefix makes empty is refused, as R's aeqSurv; so are entries of the wrong count")
  func emptyAfterTimefix() throws {
    let data = try SurvivalData(time: [5, 1.000000001, 3], event: [true, true, false], group: [0, 0, 0], groupLabels: ["all"])
    #expect(throws: KaplanMeierOptionsError.emptyInterval(index: 1, entry: 1, time: 1)) {
      try KaplanMeierAnalysis(data: data, entry: [0, 1, 0])
    }
    #expect(throws: KaplanMeierOptionsError.entryCount(expected: 3, got: 2)) { try KaplanMeierAnalysis(data: data, entry: [0, 1]) }
  }

  @Test("An entry not before its time is refused at its cell")
  func entryAfterExit() throws {
    var spec = ColumnSpec()
    spec.entry = "start"
    let loaded = try SurvivalDataLoader.load(bytes: Array("start,time,status\n0,5,1\n6,5,0\n".utf8), spec: spec)
    #expect(throws: InputError(.data, line: 3, column: 1, "start 6 is not before the time 5")) { try loaded.entryTimes("start") }
  }
}
