import Foundation
import LinearAlgebra
import Testing

@testable import Survival

/// The proportional-hazards test against Datasets/References/zph_reference.json, written by
/// zph_reference.R (R 4.2.2, survival 3.5-3): `cox.zph`'s table (each term and GLOBAL: chisq, df,
/// p) for the km, rank, identity and log transforms, on Efron and Breslow fits, with strata, case
/// weights, counting-process (survSplit) data and delayed entry. Tolerance 1e-6 relative.
@Suite struct ProportionalHazardsTests {
  static let tolerance = 1e-6
  static let reference = Result { try Fixture.load("References/zph_reference.json") }
  static var names: [String] {
    ((try? reference.get())?["cases"].array ?? []).compactMap { $0["name"].string }
  }


  func fixture(_ name: String) throws -> Fixture {
    try #require(try Self.reference.get()["cases"].array.first { $0["name"].string == name })
  }

  /// The case's data as the R script builds it: the CSV through the loader and the design
  /// builder, then weights divided, episodes split or entry times set as recorded.
  func data(_ c: Fixture) throws -> CoxData {
    let covariates = c["covariates"].array.compactMap(\.string)
    let weightColumn = c["weights"].string
    var spec = ColumnSpec(
      time: c["time"].string, event: c["event"].string, strata: c["strata"].array.compactMap(\.string))
    let request = CoxDesign.Request(covariates: covariates)
    spec.extra = request.columns + (weightColumn.map { [$0] } ?? [])
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes(try #require(c["file"].string)), spec: spec)
    var (d, _) = try CoxDesign.build(loaded, request)

    if let weightColumn {
      let divisor = try #require(c["weight_divisor"].double)
      let weights = try #require(loaded.numbers(weightColumn)).map { $0 / divisor }
      d = try CoxData(
        stop: d.stop, event: d.event, x: d.x, columnNames: d.columnNames, terms: d.terms,
        weights: weights, strata: d.strata, strataLabels: d.strataLabels)
    }
    if let fraction = c["entry_fraction"].double {
      d = try CoxData(
        start: d.stop.map { $0 * fraction }, stop: d.stop, event: d.event, x: d.x,
        columnNames: d.columnNames, terms: d.terms, weights: d.weights, strata: d.strata,
        strataLabels: d.strataLabels)
    }
    if !c["split"].isNull {
      d = try split(d, at: c["split"].doubles.compactMap { $0 })
    }
    return d
  }

  /// Episodes as survival's `survSplit` makes them: each follow-up (0, t] cut at the points
  /// strictly inside it, the event kept on the last piece.
  func split(_ d: CoxData, at cuts: [Double]) throws -> CoxData {
    var start: [Double] = []
    var stop: [Double] = []
    var event: [Bool] = []
    var source: [Int] = []
    for i in 0..<d.count {
      var from = 0.0
      for c in cuts.sorted() where c > from && c < d.stop[i] {
        start.append(from)
        stop.append(c)
        event.append(false)
        source.append(i)
        from = c
      }
      start.append(from)
      stop.append(d.stop[i])
      event.append(d.event[i])
      source.append(i)
    }
    var flat: [Double] = []
    for j in 0..<d.columns { for i in source { flat.append(d.x[i, j]) } }
    return try CoxData(
      start: start, stop: stop, event: event,
      x: Matrix(rows: source.count, columns: d.columns, columnMajor: flat),
      columnNames: d.columnNames, terms: d.terms, weights: d.weights.map { w in source.map { w[$0] } },
      strata: source.map { d.strata[$0] }, strataLabels: d.strataLabels)
  }

  @Test("Each term and GLOBAL: chi-square, df and p match cox.zph for every transform", arguments: names)
  func matchesCoxZph(name: String) throws {
    let c = try fixture(name)
    let d = try data(c)
    #expect(d.count == c["n"].double.map { Int($0) }, "\(name) rows")
    let ties = try #require(CoxTies(rawValue: c["ties"].string ?? ""))
    let model = try CoxModel(data: d, options: CoxOptions(ties: ties))
    #expect(model.columnNames == c["coefficient_names"].array.compactMap(\.string), "\(name) columns")
    expectAgree(model.coefficients, c["coefficients"].doubles, relative: 1e-7, "\(name) coefficients")

    let tests = c["tests"].array
    #expect(tests.count == ProportionalHazardsTest.Transform.allCases.count, "\(name) transforms")
    for t in tests {
      let transform = try #require(ProportionalHazardsTest.Transform(rawValue: t["transform"].string ?? ""))
      let label = "\(name) \(transform.rawValue)"
      let zph = try ProportionalHazardsTest(model: model, transform: transform)
      #expect(zph.transform == transform)
      #expect(zph.terms.map(\.name) + ["GLOBAL"] == t["terms"].array.compactMap(\.string), "\(label) terms")
      expectAgree(
        zph.terms.map(\.chiSquare) + [zph.global.statistic], t["chisq"].doubles,
        relative: Self.tolerance, "\(label) chisq")
      #expect(zph.terms.map(\.df) + [zph.global.df] == t["df"].ints, "\(label) df")
      expectAgree(
        zph.terms.map(\.p) + [zph.global.p], t["p"].doubles, relative: Self.tolerance, "\(label) p")
    }
  }

  @Test("Splitting follow-up into episodes leaves the km, identity and log tests unchanged")
  func splittingIsInvisible() throws {
    let whole = try data(try fixture("lung"))
    let pieces = try split(whole, at: [100, 200, 300, 500])
    let m1 = try CoxModel(data: whole)
    let m2 = try CoxModel(data: pieces)
    for transform in [ProportionalHazardsTest.Transform.km, .identity, .log] {
      let a = try ProportionalHazardsTest(model: m1, transform: transform)
      let b = try ProportionalHazardsTest(model: m2, transform: transform)
      expectAgree(
        a.terms.map(\.chiSquare) + [a.global.statistic], b.terms.map(\.chiSquare) + [b.global.statistic],
        relative: 1e-7, "lung \(transform.rawValue) split vs whole")
    }
  }

  @Test("The km transform is 1 − S(t−) of the pooled left-continuous Kaplan–Meier curve")
  func kmTransformIsLeftContinuous() throws {
    // Times 1, 2, 2, 3, 4 with events at 1, 2 (one of two) and 4: S = 4/5 after 1, 4/5·3/4 after 2.
    let d = try CoxData(
      stop: [1, 2, 2, 3, 4], event: [true, true, false, false, true],
      x: Matrix(rows: 5, columns: 1, columnMajor: [0, 1, 0, 1, 0]), columnNames: ["z"])
    let g = ProportionalHazardsTest.oneMinusLeftKaplanMeier(d)
    let expected = [0, 1 - 0.8, 1 - 0.8, 1 - 0.6, 1 - 0.6]
    expectAgree(g, expected, relative: 1e-15, "1 - S(t-)")
    #expect(ProportionalHazardsTest.averageRanks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2])
  }

  @Test("Refusals: a zero time under the log transform, one event time")
  func refusals() throws {
    let x = try Matrix(rows: 6, columns: 1, columnMajor: [0, 1, 0, 1, 1, 0])
    let withZero = try CoxData(
      stop: [0, 2, 3, 4, 5, 6], event: [false, true, true, false, true, true], x: x, columnNames: ["z"])
    let model = try CoxModel(data: withZero)
    #expect(throws: CoxError.self) { try ProportionalHazardsTest(model: model, transform: .log) }
    _ = try ProportionalHazardsTest(model: model, transform: .km)

    // Every event at one time: g(t) is constant over events, so the extended information is singular.
    let oneTime = try CoxData(
      stop: [2, 2, 2, 3, 4, 5], event: [true, true, true, false, false, false], x: x, columnNames: ["z"])
    let m = try CoxModel(data: oneTime)
    #expect(throws: CoxError.singularInformation) { try ProportionalHazardsTest(model: m) }
  }
}
