/// A report that renders in every output format osstats writes.
public protocol RenderedReport {
  /// Text for a terminal.
  func text() -> String
  /// The JSON document.
  func json() -> String
  /// A table at full precision.
  func csv() -> String
  /// Markdown.
  func markdown() -> String
}

extension KaplanMeierReport: RenderedReport {}
extension LogRankReport: RenderedReport {}
extension CoxReport: RenderedReport {}
extension FirthCoxReport: RenderedReport {}
