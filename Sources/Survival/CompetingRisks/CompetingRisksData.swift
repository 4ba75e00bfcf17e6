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
    guard case .causes(let censored) = mapping.eventCoding else {
      throw InputError(.usage, line: 1, column: 1, "\(mapping.event) was not read as a status with competing causes")
    }
    return try competingRisks(status: mapping.event, time: nil, censored: censored).data
  }

  /// Competing-risks data from another status column read along (an overall-survival data set's
  /// cause of the first event: relapse, death without relapse), with its own time column or the
  /// data's time, and the groups and strata of the data. Rows whose status or time is missing
  /// are left out (their lines returned).
  /// - Throws: ``InputError`` for a column that was not read, a time that is negative or not
  ///   finite, or a status with no cause.
  public func competingRisks(status: String, time timeColumn: String?, censored: String) throws(InputError) -> (
    data: CompetingRisksData, excludedLines: [Int]
  ) {
    guard let column = table.columns[status] else {
      throw InputError(.usage, line: 1, column: 1, "no column '\(status)'")
    }
    var times = data.time
    if let timeColumn {
      guard let values = numbers(timeColumn) else {
        throw InputError(.usage, line: 1, column: 1, "\(timeColumn) is not a numeric column")
      }
      times = values
    }
    let target = NumberParser.parse(censored)
    // The label of each analysed row's value, nil when censored; codes -1 censored, -2 missing.
    var labelOfLevel: [String] = []
    var codes: [Int32] = []
    codes.reserveCapacity(rows.count)
    switch column.storage {
    case .numeric(let v):
      // A status has a handful of values: they are looked up in a short list of those seen,
      // a dictionary taking over only past eight.
      var seen: [Double] = []
      var index: [Double: Int32] = [:]
      func code(_ x: Double) -> Int32 {
        if let c = seen.firstIndex(of: x) { return Int32(c) }
        if seen.count >= 8, let c = index[x] { return c }
        let c = Int32(labelOfLevel.count)
        labelOfLevel.append(numberLabel(x))
        if seen.count < 8 { seen.append(x) } else { index[x] = c }
        return c
      }
      for r in rows {
        let x = v[r]
        codes.append(x.isNaN ? -2 : x == target ? -1 : code(x))
      }
    case .text(let levelCodes, let levels):
      labelOfLevel = levels
      let censoredLevel = levels.map { $0 == censored || (target != nil && NumberParser.parse($0) == target) }
      codes = rows.map { r in
        let c = levelCodes[r]
        return c < 0 ? -2 : censoredLevel[Int(c)] ? -1 : c
      }
    }
    let present = Set(codes.filter { $0 >= 0 }.map { Int($0) })
    let causeLabels = sortedGroupLabels(present.map { labelOfLevel[$0] })
    guard !causeLabels.isEmpty else {
      throw InputError(.data, line: 1, column: 1, "\(status) has no value other than the censoring value \(censored): no cause to estimate")
    }
    var causeOfLevel = [Int](repeating: 0, count: labelOfLevel.count)
    for (i, label) in labelOfLevel.enumerated() {
      if let k = causeLabels.firstIndex(of: label) { causeOfLevel[i] = k + 1 }
    }
    var keep: [Int] = []
    var excluded: [Int] = []
    keep.reserveCapacity(rows.count)
    for i in codes.indices {
      let t = times[i]
      if codes[i] == -2 || t.isNaN {
        excluded.append(Int(table.rowLines[rows[i]]))
        continue
      }
      guard t.isFinite && t >= 0 else {
        let at = location(i, timeColumn ?? mapping.time)
        throw InputError(.data, line: at.line, column: at.column, "\(timeColumn ?? mapping.time) '\(numberLabel(t))' is not a time (finite, 0 or more)", record: table.format.isSAS)
      }
      keep.append(i)
    }
    let cause = codes.map { $0 >= 0 ? causeOfLevel[Int($0)] : 0 }
    let all = keep.count == codes.count
    return (
      CompetingRisksData(
        unchecked: all ? times : keep.map { times[$0] }, all ? cause : keep.map { cause[$0] }, causeLabels,
        all ? data.group : keep.map { data.group[$0] }, data.groupLabels,
        all ? data.stratum : keep.map { data.stratum[$0] }, data.strataLabels),
      excluded
    )
  }
}
