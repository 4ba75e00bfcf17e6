import Foundation
import Testing

@testable import Survival

/// Aalen–Johansen cumulative incidence against Datasets/References/competing_risks_reference.json
/// (competing_risks_reference.R: R 4.2.2, survival 3.5-3, survfit with a factor status on R's
/// mgus2, progression vs death without progression): every step's counts, incidence, jackknife
/// standard error and limits, the all-cause survival and its standard error, and summary(times =).
@Suite struct CumulativeIncidenceTests {
  static let reference = Result { try Fixture.load("References/competing_risks_reference.json") }

  static func load(group: String?) throws -> CompetingRisksData {
    var spec = ColumnSpec(time: "etime", event: "event", group: group, noGroup: group == nil)
    spec.censorValue = "0"
    return try SurvivalDataLoader.load(bytes: datasetBytes("mgus2.csv"), spec: spec).competingRisks()
  }

  @Test(
    "Aalen-Johansen incidence, standard errors and limits as survfit",
    arguments: [
      ("mgus2_by_sex", "sex" as String?, ConfidenceType.log, 0.95), ("mgus2_all", nil, .log, 0.95),
      ("mgus2_by_sex_loglog_90", "sex", .logLog, 0.9),
    ])
  func agreesWithSurvfit(key: String, group: String?, type: ConfidenceType, level: Double) throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
    #expect(c["conf_type"].string == type.rawValue)
    let data = try Self.load(group: group)
    #expect(data.causeLabels == c["causes"].array.compactMap(\.string))
    let times = c["groups"].array.first?["times"].doubles.compactMap { $0 } ?? []
    let analysis = try CumulativeIncidenceAnalysis(
      data: data, options: CumulativeIncidenceOptions(confidenceType: type, confidenceLevel: level, times: times))
    let groups = c["groups"].array
    #expect(analysis.groups.map(\.curves.label) == groups.compactMap { $0["group"].string })
    for (g, r) in zip(analysis.groups, groups) {
      let label = g.curves.label
      let curves = g.curves
      expectAgree(curves.time, r["time"].doubles, relative: 0, "\(key) \(label) time")
      expectAgree(curves.nRisk.map(Double.init), r["n_risk"].doubles, relative: 0, "\(key) \(label) n.risk")
      expectAgree(curves.nCensor.map(Double.init), r["n_censor"].doubles, relative: 0, "\(key) \(label) n.censor")
      expectAgree(curves.survival, r["survival"].doubles, relative: 1e-12, "\(key) \(label) survival")
      expectAgree(curves.survivalStdErr, r["survival_std_err"].doubles, relative: 1e-9, "\(key) \(label) survival se")
      expectAgree(g.atTimes.first?.map { Double($0.nRisk) } ?? [], r["n_risk_at_times"].doubles, relative: 0, "\(key) \(label) n.risk at times")
      for (k, rc) in r["causes"].array.enumerated() {
        let what = "\(key) \(label) cause \(rc["cause"].string ?? "")"
        expectAgree(curves.nEvent[k].map(Double.init), r["n_event"].array[k].doubles, relative: 0, "\(what) n.event")
        expectAgree(curves.incidence[k], rc["estimate"].doubles, relative: 1e-12, "\(what) incidence")
        expectAgree(curves.stdErr[k], rc["std_err"].doubles, relative: 1e-9, "\(what) std.err")
        expectAgree(g.lower[k], rc["lower"].doubles, relative: 1e-9, "\(what) lower")
        expectAgree(g.upper[k], rc["upper"].doubles, relative: 1e-9, "\(what) upper")
        let at = rc["at_times"]
        expectAgree(g.atTimes[k].map(\.incidence), at["estimate"].doubles, relative: 1e-12, "\(what) at times")
        expectAgree(g.atTimes[k].map(\.stdErr), at["std_err"].doubles, relative: 1e-9, "\(what) se at times")
        expectAgree(g.atTimes[k].map(\.lower), at["lower"].doubles, relative: 1e-9, "\(what) lower at times")
        expectAgree(g.atTimes[k].map(\.upper), at["upper"].doubles, relative: 1e-9, "\(what) upper at times")
      }
    }
  }

  /// With one cause the incidence is 1 − Kaplan–Meier, and the jackknife variance of a
  /// proportion without censoring is p(1 − p)/n (worked by hand).
  @Test("One cause: 1 - KM; no censoring: p(1 - p)/n")
  func closedForms() throws {
    let time: [Double] = [1, 2, 2, 3, 4, 5, 5, 6]
    let event: [Bool] = [true, false, true, true, false, true, true, false]
    let data = try CompetingRisksData(time: time, cause: event.map { $0 ? 1 : 0 }, causeLabels: ["death"])
    let cif = CumulativeIncidence(data, group: 0)
    let km = KaplanMeier.curves(try SurvivalData(time: time, event: event))[0]
    expectAgree(cif.incidence[0], km.survival.map { 1 - $0 }, relative: 1e-15, "1 - KM")
    expectAgree(cif.survival, km.survival, relative: 1e-15, "all-cause survival")
    // Two causes, no censoring: at each time F_k is a proportion of the n subjects.
    let t2: [Double] = [1, 1, 2, 3, 3, 3, 4, 5, 6, 7]
    let c2 = [1, 2, 1, 2, 2, 1, 1, 2, 1, 1]
    let both = CumulativeIncidence(try CompetingRisksData(time: t2, cause: c2, causeLabels: ["a", "b"]), group: 0)
    let n = Double(t2.count)
    for k in 0..<2 {
      var count = 0.0
      for (i, t) in both.time.enumerated() {
        count += Double(both.nEvent[k][i])
        let p = count / n
        #expect(agrees(both.incidence[k][i], p, relative: 1e-15), "F\(k + 1)(\(t))")
        #expect(agrees(both.stdErr[k][i], (p * (1 - p) / n).squareRoot(), relative: 1e-12), "se F\(k + 1)(\(t))")
      }
    }
  }
}
