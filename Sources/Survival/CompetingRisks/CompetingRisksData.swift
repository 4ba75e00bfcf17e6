/// Competing-risks data: one follow-up time per subject and how it ended, censored or by one of
/// several causes (relapse, death without relapse, ...), with the group and stratum of each
/// subject.
///
/// Causes are stored as codes: 0 for a censored follow-up, c in 1...``causeLabels``.count for an
/// end by cause `causeLabels[c - 1]` (R's `factor(status)` with the censoring level first).
public struct CompetingRisksData: Sendable, Equatable {
  /// Follow-up time of each subject: finite and not negative.
  public let time: [Double]
  /// How each follow-up ended: 0 censored, c ≥ 1 cause `causeLabels[c - 1]`.
  public let cause: [Int]
  /// The causes' names in reporting order.
  public let causeLabels: [String]
  /// Group index of each subject, into ``groupLabels``.
  public let group: [Int]
  /// The group names in reporting order.
  public let groupLabels: [String]
  /// Stratum index of each subject, into ``strataLabels`` (all 0 when unstratified).
  public let stratum: [Int]
  /// The strata names (`["all"]` when unstratified).
  public let strataLabels: [String]

  /// Data with causes, groups and, optionally, strata.
  /// - Throws: ``SurvivalDataError`` when the arrays differ in length, a time is negative or not
  ///   finite, or a cause, group or stratum index is out of range.
  public init(
    time: [Double], cause: [Int], causeLabels: [String], group: [Int]? = nil, groupLabels: [String] = ["all"],
    stratum: [Int]? = nil, strataLabels: [String] = ["all"]
  ) throws(SurvivalDataError) {
    let group = group ?? [Int](repeating: 0, count: time.count)
    let strata = stratum ?? [Int](repeating: 0, count: time.count)
    guard time.count == cause.count, time.count == group.count, time.count == strata.count else {
      throw .lengthMismatch(time: time.count, event: cause.count, group: group.count)
    }
    for (i, t) in time.enumerated() where !(t.isFinite && t >= 0) {
      throw .invalidTime(index: i, value: t)
    }
    for (i, c) in cause.enumerated() where c < 0 || c > causeLabels.count {
      throw .invalidCause(index: i, value: c)
    }
    for (i, g) in group.enumerated() where g < 0 || g >= groupLabels.count {
      throw .invalidGroup(index: i, value: g)
    }
    for (i, s) in strata.enumerated() where s < 0 || s >= strataLabels.count {
      throw .invalidStratum(index: i, value: s)
    }
    self.time = time
    self.cause = cause
    self.causeLabels = causeLabels
    self.group = group
    self.groupLabels = groupLabels
    self.stratum = strata
    self.strataLabels = strataLabels
  }

  /// Number of subjects.
  public var count: Int { time.count }

  /// Number of causes.
  public var causeCount: Int { causeLabels.count }

  /// The code (1-based) of the cause named `name`, by its label or, for numbers, its value
  /// (`2.0` finds cause `2`); nil when there is no such cause.
  public func cause(named name: String) -> Int? {
    if let i = causeLabels.firstIndex(of: name) { return i + 1 }
    guard let x = NumberParser.parse(name) else { return nil }
    return causeLabels.firstIndex { NumberParser.parse($0) == x }.map { $0 + 1 }
  }

  /// The same subjects as survival data, an end by any cause being the event (R's
  /// `Surv(time, status != 0)`): the all-cause survival every cumulative incidence shares.
  public var anyCause: SurvivalData {
    SurvivalData(unchecked: time, cause.map { $0 != 0 }, group, groupLabels, stratum, strataLabels)
  }
}

extension LoadedSurvivalData {
  /// The analysed rows as competing-risks data, when they were read with a censoring value
  /// (``ColumnSpec/censorValue``): each other value of the event column is a cause, the causes
  /// ordered as groups are (numerically when every one is a number).
  /// - Throws: ``InputError`` when the data were not read with a censoring value, or have no
  ///   cause at all.
  public func competingRisks() throws(InputError) -> CompetingRisksData {
    guard case .causes(let censored) = mapping.eventCoding, let column = table.columns[mapping.event] else {
      throw InputError(.usage, line: 1, column: 1, "\(mapping.event) was not read as a status with competing causes")
    }
    let target = NumberParser.parse(censored)
    // The label of each analysed row's value, nil when censored.
    var labelOfLevel: [String?] = []
    var codes: [Int32] = []
    switch column.storage {
    case .numeric(let v):
      var index: [Double: Int32] = [:]
      codes.reserveCapacity(rows.count)
      for r in rows {
        let x = v[r]
        if x == target {
          codes.append(-1)
          continue
        }
        if let c = index[x] {
          codes.append(c)
        } else {
          let c = Int32(labelOfLevel.count)
          index[x] = c
          labelOfLevel.append(numberLabel(x))
          codes.append(c)
        }
      }
    case .text(let levelCodes, let levels):
      labelOfLevel = levels.map { level in
        level == censored || (target != nil && NumberParser.parse(level) == target) ? nil : level
      }
      codes = rows.map { levelCodes[$0] }
    }
    let present = Set(codes.filter { $0 >= 0 && labelOfLevel[Int($0)] != nil }.map { Int($0) })
    let causeLabels = sortedGroupLabels(present.compactMap { labelOfLevel[$0] })
    guard !causeLabels.isEmpty else {
      throw InputError(.data, line: 1, column: 1, "\(mapping.event) has no value other than the censoring value \(censored): no cause to estimate")
    }
    var causeOfLevel = [Int](repeating: 0, count: labelOfLevel.count)
    for (i, label) in labelOfLevel.enumerated() {
      if let label, let k = causeLabels.firstIndex(of: label) { causeOfLevel[i] = k + 1 }
    }
    let cause = codes.map { $0 >= 0 ? causeOfLevel[Int($0)] : 0 }
    return CompetingRisksData(
      unchecked: data.time, cause, causeLabels, data.group, data.groupLabels, data.stratum, data.strataLabels)
  }
}
