import Foundation
import Testing

@testable import Survival

/// Transformed and interaction terms against R's coxph on the pbc data
/// (Datasets/References/model_terms_reference.json, model_terms_reference.R: R 4.2.2,
/// survival 3.5-3): the terms named as R names them, and R's coefficients (1e-6 relative).
@Suite struct ModelTermTests {
  static let reference = Result { try Fixture.load("References/model_terms_reference.json") }
  static var keys: [String] { ((try? reference.get())?["cases"].array ?? []).compactMap { $0["key"].string } }

  @Test("log(), sqrt(), I(x^2), a:b and a*b fit as R's coxph", arguments: keys)
  func termsAsR(key: String) throws {
    let c = try #require(try Self.reference.get()["cases"].array.first { $0["key"].string == key })
    let request = CoxDesign.Request(covariates: c["covariates"].array.compactMap(\.string))
    var spec = ColumnSpec(noGroup: true)
    spec.extra = request.columns
    spec.eventValue = "2"
    let loaded = try SurvivalDataLoader.load(bytes: datasetBytes("pbc.csv"), spec: spec)
    let model = try CoxModel(data: try CoxDesign.build(loaded, request).0.fixingTimes())
    #expect(model.columnNames == c["terms"].array.compactMap(\.string), "\(key)")
    expectAgree(model.coefficients, c["coef"].doubles, relative: 1e-6, "\(key) coef")
    expectAgree(model.standardErrors, c["se"].doubles, relative: 1e-6, "\(key) se")
    expectAgree([model.loglikNull, model.loglik], c["loglik_null"].doubles + c["loglik"].doubles, relative: 1e-9, "\(key) loglik")
    #expect(model.n == Int(c["n"].double ?? -1) && model.events == Int(c["events"].double ?? -1))
  }

  @Test("Parsing: R's names, * expanded in R's order, duplicates dropped, literal column names kept")
  func parsing() throws {
    let names = { (t: [String]) throws -> [String] in try ModelTerm.terms(t).map(\.description) }
    #expect(try names(["log(bili)", "sqrt(x)", "I(x^2)", "I(x^3)"]) == ["log(bili)", "sqrt(x)", "I(x^2)", "I(x^3)"])
    // R's order: terms by degree, variables in the order they first appear.
    #expect(try names(["a:b", "c"]) == ["c", "a:b"])
    #expect(try names(["age", "sex", "sex:age"]) == ["age", "sex", "age:sex"])
    #expect(try ModelTerm.terms(["ph ecog"]).map(\.description) == ["ph ecog"])
    #expect(try names(["a*b"]) == ["a", "b", "a:b"])
    #expect(try names(["a*b*c"]) == ["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"])
    #expect(try names(["a", "a*b", "b:a"]) == ["a", "b", "a:b"])
    #expect(try ModelTerm.terms(["odd(name)"], columns: ["odd(name)"]).map(\.description) == ["odd(name)"])
    #expect(ModelTerm.columns(of: try ModelTerm.terms(["log(bili):age", "age"])) == ["age", "bili"])
  }

  @Test("Anything else is refused with the term and what is allowed", arguments: ["exp(x)", "I(x^1)", "I(x)", "a:", "log()", "I(x^y)", "x^2"])
  func refusals(term: String) {
    do {
      _ = try ModelTerm.terms([term])
      Issue.record("\(term) was read")
    } catch {
      #expect(error.term == term)
      #expect(error.description.hasSuffix("(a term is a column, log(x), sqrt(x), I(x^2), a:b, or a*b)"))
    }
  }

  @Test("A log of a non-positive value is refused at its cell")
  func logOfZero() throws {
    let request = CoxDesign.Request(covariates: ["log(x)"])
    var spec = ColumnSpec()
    spec.extra = request.columns
    let loaded = try SurvivalDataLoader.load(bytes: Array("time,status,x\n1,1,2\n2,0,0\n3,1,1\n".utf8), spec: spec)
    #expect(throws: InputError(.data, line: 3, column: 5, "log(x): x '0' is not positive")) { try CoxDesign.build(loaded, request) }
  }
}
