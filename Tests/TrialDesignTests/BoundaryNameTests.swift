import Testing
import TrialDesign

/// The one name <-> boundary mapping that the command line and the design file use.
@Suite struct BoundaryNameTests {
  static let functions: [SpendingFunction] = [
    .lanDeMetsOBrienFleming, .lanDeMetsPocock, .hwangShihDeCani(gamma: -4), .kimDeMets(rho: 2),
  ]
  static let boundaries: [EfficacyBoundary] = functions.map { .spending($0) } + [.obrienFleming, .pocock, .haybittlePeto(interimZ: 3.29)]

  @Test("Every spending function and efficacy boundary is made again from its name and parameter, in the order of the lists")
  func inverse() throws {
    #expect(Self.functions.map(\.name) == SpendingFunction.names)
    #expect(Self.boundaries.map(\.name) == EfficacyBoundary.names)
    for f in Self.functions {
      #expect(try SpendingFunction(name: f.name, parameter: f.parameter) == f)
      #expect(SpendingFunction.parameterName(of: f.name) == (f.parameter == nil ? nil : f.name == "hsd" ? "gamma" : "rho"))
    }
    for b in Self.boundaries { #expect(try EfficacyBoundary(name: b.name, parameter: b.parameter) == b) }
    #expect(try EfficacyBoundary(name: "haybittle-peto", parameter: nil) == .haybittlePeto(interimZ: 3))
  }

  @Test("An unknown name or a missing gamma or rho is a typed error")
  func errors() {
    #expect(throws: BoundaryNameError.unknown(name: "obf", known: SpendingFunction.names)) {
      try SpendingFunction(name: "obf", parameter: nil)
    }
    #expect(throws: BoundaryNameError.unknown(name: "hsd4", known: EfficacyBoundary.names)) {
      try EfficacyBoundary(name: "hsd4", parameter: nil)
    }
    #expect(throws: BoundaryNameError.missingParameter(name: "hsd", parameter: "gamma")) {
      try EfficacyBoundary(name: "hsd", parameter: nil)
    }
    #expect(throws: BoundaryNameError.missingParameter(name: "kim-demets", parameter: "rho")) {
      try SpendingFunction(name: "kim-demets", parameter: nil)
    }
    #expect(
      BoundaryNameError.unknown(name: "x", known: ["a", "b", "c"]).description == "unknown name x (a, b or c)")
  }
}
