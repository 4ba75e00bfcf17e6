/// The counting primitive of every nonparametric method: at each distinct time of the pooled
/// sample, the number at risk, the number of events and the number censored in each group.
///
/// Built once (one sort, one reverse pass); Kaplan–Meier, the reverse Kaplan–Meier, the log-rank
/// family and the reports all read it. A subject whose time is t is at risk at t, so at tied times
/// events come before censorings, as in R survival.
///
/// Counts are stored row by row: the value for time index `i` and group `g` is at `i * groupCount + g`.
public struct RiskSetTable: Sendable {
  /// Distinct times, ascending.
  public let times: [Double]
  /// Number of groups.
  public let groupCount: Int
  /// Number at risk just before each time (time ≥ t), per group.
  public let nRisk: [Int]
  /// Number of events at each time, per group.
  public let nEvent: [Int]
  /// Number censored at each time, per group.
  public let nCensor: [Int]
  /// The distinct entry times of counting-process data, ascending (nil without entry times).
  var distinctEntries: [Double]?

  /// The table of `data`.
  public init(_ data: SurvivalData) {
    let n = data.count
    let k = data.groupLabels.count
    let order = RadixSort.descending(data.time, group: data.group, groupCount: 1)
    // The times in ascending order once (one gather), then the distinct ones counted, so that the
    // count arrays are allocated once at their size.
    var sorted = [Double](repeating: 0, count: n)
    for j in 0..<n { sorted[j] = data.time[order[n - 1 - j]] }
    var distinct = 0
    for j in 0..<n where j == 0 || sorted[j] != sorted[j - 1] { distinct += 1 }
    var times = [Double](repeating: 0, count: distinct)
    var events = [Int](repeating: 0, count: distinct * k)
    var censors = [Int](repeating: 0, count: distinct * k)
    var row = -1
    for j in 0..<n {
      if j == 0 || sorted[j] != sorted[j - 1] {
        row += 1
        times[row] = sorted[j]
      }
      let i = order[n - 1 - j]
      let cell = row * k + data.group[i]
      if data.event[i] { events[cell] += 1 } else { censors[cell] += 1 }
    }
    var risk = [Int](repeating: 0, count: distinct * k)
    var running = [Int](repeating: 0, count: k)
    for r in stride(from: distinct - 1, through: 0, by: -1) {
      for g in 0..<k {
        running[g] += events[r * k + g] + censors[r * k + g]
        risk[r * k + g] = running[g]
      }
    }
    self.init(times: times, groupCount: k, nRisk: risk, nEvent: events, nCensor: censors)
  }

  /// The table of counting-process data: subject i enters at `entry[i]` (before its time) and is
  /// at risk at t when entry < t ≤ time, as R's `survfit(Surv(start, stop, event))`. The times
  /// are the distinct exit times; the number at risk counts only those entered before t.
  public init(_ data: SurvivalData, entry: [Double]) {
    let plain = RiskSetTable(data)
    let k = data.groupLabels.count
    let m = min(data.count, entry.count)
    // Entries by group, descending within each group (one radix sort), so that a pointer per
    // group walks them as the times fall.
    let values = m == entry.count ? entry : Array(entry[0..<m])
    let groups = m == data.count ? data.group : Array(data.group[0..<m])
    let order = RadixSort.descending(values, group: groups, groupCount: k)
    var start = [Int](repeating: 0, count: k + 1)
    for i in 0..<m { start[groups[i] + 1] += 1 }
    for g in 0..<k { start[g + 1] += start[g] }
    var next = start
    var risk = plain.nRisk
    for r in stride(from: plain.times.count - 1, through: 0, by: -1) {
      let t = plain.times[r]
      for g in 0..<k {
        // Subjects entered at or after t are not yet at risk at t.
        var j = next[g]
        while j < start[g + 1] && values[order[j]] >= t { j += 1 }
        next[g] = j
        risk[r * k + g] -= j - start[g]
      }
    }
    self.init(times: plain.times, groupCount: k, nRisk: risk, nEvent: plain.nEvent, nCensor: plain.nCensor)
    // Each group's block of the order is descending: its distinct values ascending, then merged.
    distinctEntries = TimeFix.mergedUnique(
      (0..<k).map { g in
        var out: [Double] = []
        out.reserveCapacity(start[g + 1] - start[g])
        for j in stride(from: start[g + 1] - 1, through: start[g], by: -1) where out.last != values[order[j]] {
          out.append(values[order[j]])
        }
        return out
      })
  }

  init(times: [Double], groupCount: Int, nRisk: [Int], nEvent: [Int], nCensor: [Int]) {
    self.times = times
    self.groupCount = groupCount
    self.nRisk = nRisk
    self.nEvent = nEvent
    self.nCensor = nCensor
  }

  /// The table of all groups pooled: the same times, the counts summed over the groups (the table
  /// of the data with one group, without sorting them again).
  public var pooled: RiskSetTable {
    guard groupCount > 1 else { return self }
    let rows = times.count
    var risk = [Int](repeating: 0, count: rows)
    var events = [Int](repeating: 0, count: rows)
    var censors = [Int](repeating: 0, count: rows)
    for r in 0..<rows {
      var a = 0
      var b = 0
      var c = 0
      for g in 0..<groupCount {
        a += nRisk[r * groupCount + g]
        b += nEvent[r * groupCount + g]
        c += nCensor[r * groupCount + g]
      }
      risk[r] = a
      events[r] = b
      censors[r] = c
    }
    return RiskSetTable(times: times, groupCount: 1, nRisk: risk, nEvent: events, nCensor: censors)
  }

  /// The same table with events and censorings exchanged: the table of the reverse Kaplan–Meier
  /// estimate (censoring as the event), with the same risk sets.
  public var reversed: RiskSetTable {
    RiskSetTable(times: times, groupCount: groupCount, nRisk: nRisk, nEvent: nCensor, nCensor: nEvent)
  }
}
