/// Right-censored survival data: one follow-up time and event indicator per subject, and the
/// group each subject belongs to.
///
/// Groups are stored as indices into ``groupLabels``; the order of the labels is the order in which
/// every analysis reports the groups (and the first is the reference in two-group contrasts).
public struct SurvivalData: Sendable, Equatable {
  /// Follow-up time of each subject: finite and not negative.
  public let time: [Double]
  /// `true` for an event (death), `false` for a censored follow-up.
  public let event: [Bool]
  /// Group index of each subject, into ``groupLabels``.
  public let group: [Int]
  /// The group names in reporting order.
  public let groupLabels: [String]
  /// Stratum index of each subject, into ``strataLabels`` (all 0 when unstratified).
  public let stratum: [Int]
  /// The strata names (`["all"]` when unstratified).
  public let strataLabels: [String]

  /// Data with groups and, optionally, strata.
  /// - Throws: ``SurvivalDataError`` when the arrays differ in length, a time is negative or not
  ///   finite, or a group or stratum index is out of range.
  public init(
    time: [Double], event: [Bool], group: [Int], groupLabels: [String], stratum: [Int]? = nil,
    strataLabels: [String] = ["all"]
  ) throws(SurvivalDataError) {
    let strata = stratum ?? [Int](repeating: 0, count: time.count)
    guard time.count == event.count, time.count == group.count, time.count == strata.count else {
      throw .lengthMismatch(time: time.count, event: event.count, group: group.count)
    }
    for (i, t) in time.enumerated() where !(t.isFinite && t >= 0) {
      throw .invalidTime(index: i, value: t)
    }
    for (i, g) in group.enumerated() where g < 0 || g >= groupLabels.count {
      throw .invalidGroup(index: i, value: g)
    }
    for (i, s) in strata.enumerated() where s < 0 || s >= strataLabels.count {
      throw .invalidStratum(index: i, value: s)
    }
    self.time = time
    self.event = event
    self.group = group
    self.groupLabels = groupLabels
    self.stratum = strata
    self.strataLabels = strataLabels
  }

  /// Data without groups: every subject is in one group named `label` ("all" by default).
  public init(time: [Double], event: [Bool], label: String = "all") throws(SurvivalDataError) {
    try self.init(
      time: time, event: event, group: [Int](repeating: 0, count: time.count), groupLabels: [label])
  }

  /// Number of subjects.
  public var count: Int { time.count }

  /// The subjects whose row index is in `rows`, keeping all group and stratum labels.
  public func subset(_ rows: [Int]) -> SurvivalData {
    SurvivalData(
      unchecked: rows.map { time[$0] }, rows.map { event[$0] }, rows.map { group[$0] }, groupLabels,
      rows.map { stratum[$0] }, strataLabels)
  }

  /// The same subjects with other times (used by the near-tie merge).
  func replacingTimes(_ times: [Double]) -> SurvivalData {
    SurvivalData(unchecked: times, event, group, groupLabels, stratum, strataLabels)
  }

  init(
    unchecked time: [Double], _ event: [Bool], _ group: [Int], _ labels: [String],
    _ stratum: [Int]? = nil, _ strataLabels: [String] = ["all"]
  ) {
    self.time = time
    self.event = event
    self.group = group
    self.groupLabels = labels
    self.stratum = stratum ?? [Int](repeating: 0, count: time.count)
    self.strataLabels = strataLabels
  }
}

/// Inconsistent arrays passed to ``SurvivalData``.
public enum SurvivalDataError: Error, Equatable, Sendable {
  /// The arrays have different lengths.
  case lengthMismatch(time: Int, event: Int, group: Int)
  /// A time is negative, NaN or infinite (index from 0).
  case invalidTime(index: Int, value: Double)
  /// A group index is outside the labels (index from 0).
  case invalidGroup(index: Int, value: Int)
  /// A stratum index is outside the labels (index from 0).
  case invalidStratum(index: Int, value: Int)
  /// A cause code is outside 0 (censored) and the cause labels (index from 0).
  case invalidCause(index: Int, value: Int)
}

/// Orders group labels as osstats reports them: numerically when every label is a number (as R
/// orders the levels of a numeric column), otherwise by Unicode code points (R's C-locale order).
package func sortedGroupLabels(_ labels: some Sequence<String>) -> [String] {
  let unique = Array(Set(labels))
  let numbers = unique.map { Double($0.trimmingSpaces) }
  if numbers.allSatisfy({ $0?.isFinite == true }) {
    return zip(unique, numbers)
      .sorted { a, b in a.1 ?? 0 < b.1 ?? 0 || (a.1 == b.1 && a.0.unicodeScalars.lexicographicallyPrecedes(b.0.unicodeScalars)) }
      .map(\.0)
  }
  return unique.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
}

extension String {
  /// The string without leading and trailing spaces and tabs. Works on the UTF-8 bytes (a space
  /// or tab is one byte and never part of another character), so no grapheme breaking is done.
  var trimmingSpaces: Substring {
    let bytes = utf8
    var start = bytes.startIndex
    var end = bytes.endIndex
    while start < end, bytes[start] == 32 || bytes[start] == 9 { start = bytes.index(after: start) }
    while start < end {
      let last = bytes.index(before: end)
      guard bytes[last] == 32 || bytes[last] == 9 else { break }
      end = last
    }
    return self[start..<end]
  }
}
