import Foundation
import Testing

@testable import Survival

/// The repository's Datasets folder, found from this file's path.
let datasets = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Datasets")

/// Bytes of a file under Datasets/.
func datasetBytes(_ relative: String) throws -> [UInt8] {
  [UInt8](try Data(contentsOf: datasets.appendingPathComponent(relative)))
}

/// A test's own failure (a fixture that lacks what the test needs), with its message.
struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ message: String) { description = message }
}

/// Relative agreement, with NaN, infinities and nil all standing for R's NA / null.
func agrees(_ actual: Double?, _ expected: Double?, relative: Double) -> Bool {
  let a = actual.flatMap { $0.isFinite ? $0 : nil }
  let e = expected.flatMap { $0.isFinite ? $0 : nil }
  switch (a, e) {
  case (nil, nil): return true
  case let (x?, y?):
    if x == y { return true }
    return abs(x - y) <= relative * max(abs(x), abs(y))
  default: return false
  }
}

/// Records an issue for each element of `actual` that does not agree with `expected`.
func expectAgree(
  _ actual: [Double?], _ expected: [Double?], relative: Double, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.count == expected.count, "\(what): \(actual.count) values, R has \(expected.count)",
    sourceLocation: sourceLocation)
  for (i, (a, e)) in zip(actual, expected).enumerated() where !agrees(a, e, relative: relative) {
    Issue.record(
      "\(what)[\(i)]: osstats \(String(describing: a)), R \(String(describing: e))",
      sourceLocation: sourceLocation)
  }
}

/// A JSON value read from a fixture, with typed accessors.
struct Fixture: @unchecked Sendable {
  let value: Any?
  init(_ value: Any?) { self.value = value }
  subscript(key: String) -> Fixture { Fixture((value as? [String: Any])?[key]) }
  var array: [Fixture] { ((value as? [Any]) ?? []).map(Fixture.init) }
  var double: Double? {
    if value is NSNull { return nil }
    return (value as? NSNumber)?.doubleValue
  }
  var doubles: [Double?] { array.map(\.double) }
  var ints: [Int] { array.compactMap { ($0.value as? NSNumber)?.intValue } }
  var string: String? { value as? String }
  var isNull: Bool { value == nil || value is NSNull }

  static func load(_ relative: String) throws -> Fixture {
    let data = try Data(contentsOf: datasets.appendingPathComponent(relative))
    return Fixture(try JSONSerialization.jsonObject(with: data))
  }
}
