import Foundation
import Testing

@testable import Survival

/// Calendar dates and the data cut at a calendar time (what `osstats monitor --cutoff` does),
/// against Foundation's Gregorian calendar and counts worked by hand.
@Suite struct CalendarCutoffTests {
  /// Days since 1970-01-01 by Foundation's proleptic Gregorian calendar in UTC.
  static func foundationDays(_ y: Int, _ m: Int, _ d: Int) -> Double? {
    var calendar = Calendar(identifier: .gregorian)
    guard let utc = TimeZone(identifier: "UTC") else { return nil }
    calendar.timeZone = utc
    guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)) else { return nil }
    return (date.timeIntervalSince1970 / 86_400).rounded()
  }

  @Test("Dates YYYY-MM-DD count days as Foundation's Gregorian calendar does")
  func datesAgreeWithFoundation() throws {
    // Known values: the epoch, SAS's origin, a leap day, the last day of a century leap year.
    #expect(CalendarDate.days("1970-01-01") == 0)
    #expect(CalendarDate.days("1960-01-01") == -CalendarDate.sasOriginOffset)
    #expect(CalendarDate.days("2000-02-29") == 11_016)
    #expect(CalendarDate.days("2000-12-31") == 11_322)
    var checked = 0
    for y in stride(from: 1601, through: 2399, by: 7) {
      for m in 1...12 {
        for d in [1, 15, 28] {
          let text = String(format: "%04d-%02d-%02d", y, m, d)
          #expect(CalendarDate.days(text) == Self.foundationDays(y, m, d), "\(text)")
          checked += 1
        }
      }
    }
    for y in [1900, 2000, 2023, 2024, 2100] {
      let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
      #expect((CalendarDate.days("\(y)-02-29") != nil) == leap, "\(y)-02-29")
      if leap { #expect(CalendarDate.days("\(y)-02-29") == Self.foundationDays(y, 2, 29)) }
    }
    #expect(checked > 4000)
  }

  @Test("Malformed dates are not dates", arguments: ["2020-13-01", "2020-00-10", "2020-04-31", "2020-1-01", "20-01-01", "2020/01/01", "2020-+1-01", "2020-01-1 ", "", "2020-01"])
  func malformed(text: String) {
    #expect(CalendarDate.days(text) == nil)
  }

  @Test("Cutting at a calendar time: entered before it, followed to it, later deaths censored (counted by hand)")
  func cutByHand() throws {
    // Entry, time, event, arm:   0,10,d,A   5,3,d,B   10,15,d,A   20,1,d,B   2,4,c,B
    let data = try SurvivalData(
      time: [10, 3, 15, 1, 4], event: [true, true, true, true, false], group: [0, 1, 0, 1, 1], groupLabels: ["A", "B"])
    let cut = try data.cut(at: 12, entry: [0, 5, 10, 20, 2])
    // Patient 4 entered at 20 (after 12): not counted. Patient 3 (entered 10) is followed 2 of
    // its 15 months: its death is censored at the cut-off.
    #expect(cut.notEntered == 1)
    #expect(cut.censoredDeaths == 1)
    #expect(cut.data.time == [10, 3, 2, 4])
    #expect(cut.data.event == [true, true, false, false])
    #expect(cut.data.group == [0, 1, 0, 1])
    // A death exactly at the cut-off is counted.
    #expect(try data.cut(at: 10, entry: [0, 5, 10, 20, 2]).data.event.first == true)
    #expect(throws: CutoffError.emptyGroups(["B"])) { try data.cut(at: 1, entry: [0, 5, 10, 20, 2]) }
    #expect(throws: CutoffError.entryCount(expected: 5, got: 2)) { try data.cut(at: 1, entry: [0, 5]) }
  }

  @Test("Entry columns: numbers as they are, text dates in the time unit, bad cells located")
  func entryColumns() throws {
    let csv = "time,status,arm,entry,randdt\n5,1,A,0.5,2020-01-01\n6,0,B,1.5,2020-03-01\n"
    var spec = ColumnSpec(group: "arm")
    spec.extra = ["entry", "randdt"]
    let loaded = try SurvivalDataLoader.load(bytes: Array(csv.utf8), spec: spec)
    #expect(try loaded.calendarEntries("entry", dates: nil) == [0.5, 1.5])
    let days = try loaded.calendarEntries("randdt", dates: .days)
    #expect(days == [18_262, 18_322])  // 2020-01-01 and 2020-03-01 (2020 is a leap year)
    let months = try loaded.calendarEntries("randdt", dates: .months)
    #expect(months == [18_262 / 30.4375, 18_322 / 30.4375])
    #expect(throws: InputError.self) { try loaded.calendarEntries("entry", dates: .days) }
    do {
      _ = try loaded.calendarEntries("randdt", dates: nil)
      Issue.record("text dates read as numbers")
    } catch {
      #expect(error.line == 2 && error.column == 11, "\(error)")
      #expect(error.message == "randdt '2020-01-01' is not a number (the cut-off is a number)")
    }
  }
}
