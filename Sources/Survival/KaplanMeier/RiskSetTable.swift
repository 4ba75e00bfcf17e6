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
