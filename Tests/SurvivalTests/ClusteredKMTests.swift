import Foundation
import Testing

@testable import Survival

/// Kaplan–Meier with clustered (infinitesimal-jackknife) standard errors against
/// Datasets/References/km_cluster_reference.json (km_cluster_reference.R: R 4.2.2, survival 3.5-3):
/// survfit(..., cluster = litter) on R's rats, and survfit(Surv(start, stop, event) ~ transplant,
/// id = id, robust = TRUE) on heart; every step's std.err of S and limits, and the medians.
@Suite struct ClusteredKMTests {
  static let reference = Result { try Fixture.load("References/km_cluster_reference.json") }

  @Test(
    "Clustered jackknife standard errors as survfit's robust = TRUE",
    arguments: [
      ("rats_litter", "rats.csv", "time", "status", "rx", nil as String?, "litter"),
      ("heart_id_robust", "heart.csv", "stop", "event", "transplant", "start", "id"),
    ])
  func agreesWithSurvfit(key: String, file: String, time: String, event: String, group: String, start: String?, cluster: String) throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
    var spec = ColumnSpec(time: time, event: event, group: group)
    spec.entry = start
    spec.extra.append(cluster)
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes(file), spec: spec)
    let analysis = try KaplanMeierAnalysis(
      data: loaded.data, entry: try start.map { try loaded.entryTimes($0) }, cluster: loaded.clusterCodes(cluster))
    #expect(analysis.clustered)
    let groups = c["groups"].array
    #expect(analysis.groups.map(\.curve.label) == groups.compactMap { $0["group"].string })
    for (g, r) in zip(analysis.groups, groups) {
      let what = "\(key) group \(g.curve.label)"
      expectAgree(g.curve.time, r["time"].doubles, relative: 0, "\(what) time")
      expectAgree(g.curve.nRisk.map(Double.init), r["n_risk"].doubles, relative: 0, "\(what) n.risk")
      expectAgree(g.curve.survival, r["survival"].doubles, relative: 1e-12, "\(what) survival")
      expectAgree(g.curve.stdErr, r["std_err"].doubles, relative: 1e-9, "\(what) std.err")
      expectAgree(g.lower, r["lower"].doubles, relative: 1e-9, "\(what) lower")
      expectAgree(g.upper, r["upper"].doubles, relative: 1e-9, "\(what) upper")
      expectAgree([g.median.time, g.median.lower, g.median.upper], [r["median"].double, r["median_lower"].double, r["median_upper"].double], relative: 1e-12, "\(what) median")
    }
  }

  /// One record per cluster, first event time with one death among n and no censoring before:
  /// the jackknife variance of log S is (n − 1)·(1/(n(n − 1)))² + (1/n)² = 1/(n(n − 1)), which is
  /// Greenwood's value there (worked by hand).
  @Test("Singleton clusters, first event: S^2/(n(n-1)) by hand")
  func singletonsByHand() throws {
    let data = try SurvivalData(time: [1, 2, 3, 4, 5], event: [true, false, true, true, false])
    let a = try KaplanMeierAnalysis(data: data, cluster: [0, 1, 2, 3, 4])
    let n = 5.0
    #expect(agrees(a.groups[0].curve.stdErrLog[0], (1 / (n * (n - 1))).squareRoot(), relative: 1e-15))
  }
}
