import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Helpers shared by the plot tests.
enum PlotTestSupport {
  /// Throws unless `svg` is a well-formed XML document (Foundation's libxml2-backed parser).
  static func parseXML(_ svg: String) throws {
    _ = try XMLDocument(xmlString: svg, options: [])
  }

  /// Every match of `pattern` in `text`, as the captured groups (group 1, 2, …).
  static func captures(_ pattern: String, in text: String) throws -> [[String]] {
    let regex = try Regex(pattern)
    return text.matches(of: regex).map { match in
      (1..<match.output.count).map { match.output[$0].substring.map(String.init) ?? "" }
    }
  }
}
