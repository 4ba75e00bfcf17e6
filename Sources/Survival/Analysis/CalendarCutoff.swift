import Foundation

/// A unit of the time column, for converting calendar dates into it.
public enum TimeUnit: String, Sendable, CaseIterable {
  case days, weeks, months, years

  /// Its length in days (a month is 365.25 / 12 days, a year 365.25 days).
  public var days: Double {
    switch self {
    case .days: 1
    case .weeks: 7
    case .months: 30.4375
    case .years: 365.25
    }
  }
}

/// Calendar dates written as ISO 8601 calendar dates (YYYY-MM-DD).
public enum CalendarDate {
  /// Days since 1970-01-01 of a proleptic Gregorian date YYYY-MM-DD (years 0000 to 9999); nil when
  /// `text` is not such a date (a wrong length, a month outside 1–12, a day the month does not have).
  public static func days(_ text: String) -> Double? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
    else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard d <= lengths[m - 1] else { return nil }
    // Days from the civil date (H. Hinnant, "chrono-compatible low-level date algorithms"): years
    // counted from March, so that the leap day ends the year.
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yearOfEra = yy - era * 400
    let dayOfYear = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return Double(era * 146_097 + dayOfEra - 719_468)
  }

  /// Days from 1960-01-01 (SAS's origin of dates) to 1970-01-01.
  public static let sasOriginOffset = 3653.0
}

/// Data cut at a calendar time: patients entered before it, each followed to the cut-off at most.
public struct CalendarCut: Sendable {
  /// The cut data.
  public let data: SurvivalData
  /// Patients entered at or after the cut-off (not counted).
  public let notEntered: Int
  /// Deaths after the cut-off, censored at it.
  public let censoredDeaths: Int
}

/// Why data cannot be cut at a calendar time.
public enum CutoffError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No patient of these groups entered before the cut-off.
  case emptyGroups([String])
  /// The entry times do not match the rows.
  case entryCount(expected: Int, got: Int)

  public var description: String {
    switch self {
    case .emptyGroups(let g): "the cut-off leaves no patient in \(g.joined(separator: ", "))"
    case .entryCount(let e, let g): "\(g) entry times for \(e) patients"
    }
  }
}

extension SurvivalData {
  /// The data as they stood at calendar time `cutoff`: patients who entered (at `entry[i]`, in the
  /// time unit and on the same calendar scale as `cutoff`) before it, their follow-up ending at the
  /// cut-off, a death after it censored there.
  /// - Throws: ``CutoffError`` when a group has no patient left, or the entries do not match.
  public func cut(at cutoff: Double, entry: [Double]) throws(CutoffError) -> CalendarCut {
    guard entry.count == count else { throw .entryCount(expected: count, got: entry.count) }
    var keep: [Int] = []
    var time: [Double] = []
    var event: [Bool] = []
    var censoredDeaths = 0
    for i in 0..<count where entry[i] < cutoff {
      keep.append(i)
      let window = cutoff - entry[i]
      time.append(min(self.time[i], window))
      event.append(self.event[i] && self.time[i] <= window)
      if self.event[i] && self.time[i] > window { censoredDeaths += 1 }
    }
    let present = Set(keep.map { group[$0] })
    guard present.count == groupLabels.count else {
      throw .emptyGroups(groupLabels.indices.filter { !present.contains($0) }.map { groupLabels[$0] })
    }
    // The same groups and strata, fewer rows with shorter times: valid whenever self is.
    guard
      let data = try? SurvivalData(
        time: time, event: event, group: keep.map { group[$0] }, groupLabels: groupLabels, stratum: keep.map { stratum[$0] },
        strataLabels: strataLabels)
    else { throw .emptyGroups(groupLabels) }
    return CalendarCut(data: data, notEntered: count - keep.count, censoredDeaths: censoredDeaths)
  }
}

extension LoadedSurvivalData {
  /// The calendar entry time of every analysed row from `column`: numbers as they are when
  /// `dates` is nil; else dates in that time unit counted from 1970-01-01, read from SAS date or
  /// datetime values or from text YYYY-MM-DD.
  /// - Throws: ``InputError`` at the first cell that is not a finite number (or not a date).
  public func calendarEntries(_ column: String, dates unit: TimeUnit?) throws(InputError) -> [Double] {
    let sas = table.format.isSAS
    let texts = self.texts(column) ?? []
    func fail(_ i: Int, _ message: String) -> InputError {
      let at = location(i, column)
      return InputError(.data, line: at.line, column: at.column, message, record: sas)
    }
    guard let unit else {
      guard let numbers = numbers(column) else {
        let i = texts.firstIndex { $0 != nil } ?? 0
        throw fail(i, "\(column) '\((i < texts.count ? texts[i] : nil) ?? "")' is not a number (the cut-off is a number)")
      }
      if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
        throw fail(bad, "\(column) is not a finite number (the cut-off is a number)")
      }
      return numbers
    }
    // SAS dates count days, and datetimes seconds, from 1960-01-01.
    if let stored = table.columns[column], stored.isSASDate || stored.isSASDatetime, let numbers = numbers(column) {
      let scale = stored.isSASDatetime ? 86_400.0 : 1
      return numbers.map { ($0 / scale - CalendarDate.sasOriginOffset) / unit.days }
    }
    var out: [Double] = []
    out.reserveCapacity(texts.count)
    for (i, v) in texts.enumerated() {
      guard let v, let d = CalendarDate.days(v) else {
        throw fail(i, "\(column) '\(v ?? "")' is not a date YYYY-MM-DD (the cut-off is a date)")
      }
      out.append(d / unit.days)
    }
    return out
  }
}
