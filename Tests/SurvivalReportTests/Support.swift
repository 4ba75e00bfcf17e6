import Foundation
import Testing

/// The repository, found from this file's path.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A reference fixture under Datasets/References/ as a JSON object.
func referenceObject(_ name: String) throws -> [String: Any] {
  let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/References/\(name)"))
  return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// A JSON document (an object) from a renderer's output.
func jsonObject(_ text: String) throws -> [String: Any] {
  try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
