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

  /// The table of `data`.
  public init(_ data: SurvivalData) {
    let n = data.count
    let k = data.groupLabels.count
    let order = RadixSort.descending(data.time, group: data.group, groupCount: 1).reversed()
    var times: [Double] = []
    var events: [Int] = []
    var censors: [Int] = []
    times.reserveCapacity(n)
    var row = -1
    var last = -Double.infinity
    for i in order {
      let t = data.time[i]
      if row < 0 || t != last {
        times.append(t)
        events.append(contentsOf: repeatElement(0, count: k))
        censors.append(contentsOf: repeatElement(0, count: k))
        row += 1
        last = t
      }
      let cell = row * k + data.group[i]
      if data.event[i] { events[cell] += 1 } else { censors[cell] += 1 }
    }
    var risk = [Int](repeating: 0, count: times.count * k)
    var running = [Int](repeating: 0, count: k)
    for r in stride(from: times.count - 1, through: 0, by: -1) {
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
    // Entries per group, descending, so that a pointer walks them as the times fall.
    var entries = [[Double]](repeating: [], count: k)
    for i in 0..<min(data.count, entry.count) { entries[data.group[i]].append(entry[i]) }
    for g in 0..<k { entries[g].sort(by: >) }
    var next = [Int](repeating: 0, count: k)
    var risk = plain.nRisk
    for r in stride(from: plain.times.count - 1, through: 0, by: -1) {
      let t = plain.times[r]
      for g in 0..<k {
        // Subjects entered at or after t are not yet at risk at t.
        while next[g] < entries[g].count && entries[g][next[g]] >= t { next[g] += 1 }
        risk[r * k + g] -= next[g]
      }
    }
    self.init(times: plain.times, groupCount: k, nRisk: risk, nEvent: plain.nEvent, nCensor: plain.nCensor)
  }

  init(times: [Double], groupCount: Int, nRisk: [Int], nEvent: [Int], nCensor: [Int]) {
    self.times = times
    self.groupCount = groupCount
    self.nRisk = nRisk
    self.nEvent = nEvent
    self.nCensor = nCensor
  }

  /// The same table with events and censorings exchanged: the table of the reverse Kaplan–Meier
  /// estimate (censoring as the event), with the same risk sets.
  public var reversed: RiskSetTable {
    RiskSetTable(times: times, groupCount: groupCount, nRisk: nRisk, nEvent: nCensor, nCensor: nEvent)
  }
}
