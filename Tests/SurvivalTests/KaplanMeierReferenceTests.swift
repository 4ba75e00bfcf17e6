import Foundation
import Testing

@testable import Survival

/// Kaplan–Meier results against R survival 3.5-3, for every data set and edge case in
/// Datasets/References/km_reference.json (written by Datasets/References/km_reference.R).
/// Nonparametric estimates: 1e-9 relative.
@Suite struct KaplanMeierReferenceTests {
  static let tolerance = 1e-9
  static let reference = Result { try Fixture.load("References/km_reference.json") }
  static var caseKeys: [String] {
    guard let r = try? reference.get() else { return [] }
    return r["cases"].array.map { c in c["name"].string! + (c["group"].isNull ? "" : "/" + c["group"].string!) }
  }

  func fixtureCase(_ key: String) throws -> Fixture {
    let r = try Self.reference.get()
    return try #require(r["cases"].array.first { c in
      (c["name"].string ?? "") + (c["group"].isNull ? "" : "/" + (c["group"].string ?? "")) == key
    })
  }

  func load(_ c: Fixture) throws -> LoadedSurvivalData {
    let spec = ColumnSpec(
      time: c["time"].string, event: c["event"].string, group: c["group"].string)
    return try SurvivalDataLoader.load(bytes: datasetBytes(try #require(c["file"].string)), spec: spec)
  }

  @Test("Kaplan–Meier steps, Greenwood SE and the five CI transforms match R survfit", arguments: caseKeys)
  func stepsMatchSurvfit(key: String) throws {
    let c = try fixtureCase(key)
    let data = try load(c).data
    let curves = KaplanMeier.curves(data)
    let groups = c["groups"].array
    #expect(curves.map(\.label) == groups.map { $0["group"].string ?? "" })
    for (curve, g) in zip(curves, groups) {
      let label = "\(key) \(curve.label)"
      #expect(curve.n == g["n"].ints.first ?? (g["n"].double.map { Int($0) } ?? -1), "\(label) n")
      #expect(curve.events == g["events"].double.map { Int($0) }, "\(label) events")
      expectAgree(curve.time.map { $0 }, g["time"].doubles, relative: 0, "\(label) time")
      #expect(curve.nRisk == g["n_risk"].ints, "\(label) n_risk")
      #expect(curve.nEvent == g["n_event"].ints, "\(label) n_event")
      #expect(curve.nCensor == g["n_censor"].ints, "\(label) n_censor")
      expectAgree(curve.survival, g["surv"].doubles, relative: Self.tolerance, "\(label) surv")
      expectAgree(curve.stdErr, g["std_err"].doubles, relative: Self.tolerance, "\(label) std_err")
      expectAgree(curve.stdErrLog, g["std_err_log"].doubles, relative: Self.tolerance, "\(label) std_err_log")
      for type in ConfidenceType.allCases {
        let band = curve.confidenceLimits(type: type, level: 0.95)
        let r = g["ci"][type.rawValue]
        expectAgree(band.lower, r["lower"].doubles, relative: Self.tolerance, "\(label) \(type.rawValue) lower")
        expectAgree(band.upper, r["upper"].doubles, relative: Self.tolerance, "\(label) \(type.rawValue) upper")
      }
      let band90 = curve.confidenceLimits(type: .log, level: 0.90)
      expectAgree(band90.lower, g["ci90_log"]["lower"].doubles, relative: Self.tolerance, "\(label) 90% lower")
      expectAgree(band90.upper, g["ci90_log"]["upper"].doubles, relative: Self.tolerance, "\(label) 90% upper")
    }
  }

  @Test("Quantiles and their CIs match R quantile.survfit for every transform", arguments: caseKeys)
  func quantilesMatchR(key: String) throws {
    let c = try fixtureCase(key)
    let curves = KaplanMeier.curves(try load(c).data)
    for (curve, g) in zip(curves, c["groups"].array) {
      for type in ConfidenceType.allCases {
        let r = g["quantiles"][type.rawValue]
        let probs = r["probs"].doubles.compactMap { $0 }
        let q = curve.quantiles(probs, type: type, level: 0.95)
        let label = "\(key) \(curve.label) \(type.rawValue)"
        expectAgree(q.map(\.time), r["quantile"].doubles, relative: Self.tolerance, "\(label) quantile")
        expectAgree(q.map(\.lower), r["lower"].doubles, relative: Self.tolerance, "\(label) lower")
        expectAgree(q.map(\.upper), r["upper"].doubles, relative: Self.tolerance, "\(label) upper")
      }
    }
  }

  @Test("Survival at given times, RMST, follow-up and the RMST contrast match R", arguments: caseKeys)
  func summariesMatchR(key: String) throws {
    let c = try fixtureCase(key)
    let times = c["times"].doubles.compactMap { $0 }
    let analysis = try KaplanMeierAnalysis(
      data: try load(c).data, options: KaplanMeierOptions(times: times))
    #expect(agrees(analysis.tau, c["tau"].double, relative: 0), "\(key) default tau")
    for (group, g) in zip(analysis.groups, c["groups"].array) {
      let label = "\(key) \(group.curve.label)"
      let r = g["at_times"]
      expectAgree(group.atTimes.map(\.time), r["time"].doubles, relative: 0, "\(label) at time")
      #expect(group.atTimes.map(\.nRisk) == r["n_risk"].ints, "\(label) at n_risk")
      #expect(group.atTimes.map(\.nEvent) == r["n_event"].ints, "\(label) at n_event")
      expectAgree(group.atTimes.map(\.survival), r["surv"].doubles, relative: Self.tolerance, "\(label) at surv")
      expectAgree(group.atTimes.map(\.stdErr), r["std_err"].doubles, relative: Self.tolerance, "\(label) at std_err")
      expectAgree(group.atTimes.map(\.lower), r["lower"].doubles, relative: Self.tolerance, "\(label) at lower")
      expectAgree(group.atTimes.map(\.upper), r["upper"].doubles, relative: Self.tolerance, "\(label) at upper")
      let rm = g["rmst"]
      expectAgree([group.restrictedMean.estimate], [rm["rmean"].double], relative: Self.tolerance, "\(label) rmst")
      expectAgree([group.restrictedMean.stdErr], [rm["se"].double], relative: Self.tolerance, "\(label) rmst se")
      let f = g["followup"]
      expectAgree(
        [group.followUp.time, group.followUp.lower, group.followUp.upper],
        [f["median"].double, f["lower"].double, f["upper"].double], relative: Self.tolerance,
        "\(label) follow-up")
    }
    let rd = c["rmst_difference"]
    if rd.isNull {
      #expect(analysis.restrictedMeanDifference == nil)
    } else {
      let d = try #require(analysis.restrictedMeanDifference)
      #expect(d.first == rd["first"].string && d.second == rd["second"].string)
      expectAgree(
        [d.difference, d.stdErr, d.lower, d.upper, d.z, d.p, d.ratio, d.ratioLower, d.ratioUpper, d.ratioP],
        ["difference", "se", "lower", "upper", "z", "p", "ratio", "ratio_lower", "ratio_upper", "ratio_p"].map {
          rd[$0].double
        }, relative: Self.tolerance, "\(key) rmst difference")
    }
  }
}
