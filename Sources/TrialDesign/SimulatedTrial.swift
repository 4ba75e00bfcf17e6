import Foundation

/// One simulated patient. Times: `entry` on the calendar; `eventTime` and `dropoutTime` from entry
/// (the latent times, whatever the cut-off; `dropoutTime` is +∞ without dropout).
public struct SimulatedPatient: Sendable, Equatable {
  /// What the analysis at the cut-off sees: follow-up time from entry and whether it ends in the
  /// event (status 1) or in censoring (status 0).
  public struct Observation: Sendable, Equatable {
    /// Follow-up time from entry.
    public let time: Double
    /// Whether the follow-up ends in the event.
    public let event: Bool
  }

  /// 1…n in order of entry.
  public let id: Int
  /// Index into ``TrialSimulationDesign/strata``.
  public let stratum: Int
  /// Index into ``TrialSimulationDesign/arms``.
  public let arm: Int
  /// Calendar time of entry.
  public let entry: Double
  /// Time from entry to the event, as drawn.
  public let eventTime: Double
  /// Time from entry to dropout (+∞ without dropout).
  public let dropoutTime: Double
  /// Nil when the patient entered after the cut-off and is excluded from the analysis.
  public internal(set) var observation: Observation?

  /// Whether the event happens during follow-up: a finite event time (not cured) no later than
  /// dropout.
  @inline(__always) public var eventObserved: Bool { eventTime <= dropoutTime && eventTime < .infinity }

  /// What the analysis at calendar time `cutoff` sees (nil: entered after it): the event when it
  /// is observed by then (entry + event time ≤ cut-off), else censoring at the first of the event
  /// time, dropout and the cut-off.
  @inline(__always) public func observation(at cutoff: Double) -> Observation? {
    guard entry <= cutoff else { return nil }
    if eventObserved, entry + eventTime <= cutoff { return Observation(time: eventTime, event: true) }
    return Observation(time: min(eventTime, dropoutTime, cutoff - entry), event: false)
  }

  /// The calendar end of the patient's follow-up without a cut-off, entry + min(event, dropout),
  /// or the entry date when both are infinite (a cured patient who never drops out).
  @inline(__always) public var followUpEnd: Double {
    let end = min(eventTime, dropoutTime)
    return end < .infinity ? entry + end : entry
  }
}

/// The result of ``simulateTrial(design:seed:index:)``: every randomized patient and the data at
/// the analysis cut-off.
public struct SimulatedTrial: Sendable {
  /// The design simulated.
  public let design: TrialSimulationDesign
  /// The seed of the study.
  public let seed: UInt64
  /// The trial's index (its stream is derived from seed and index).
  public let index: UInt64
  /// All n randomized patients, in order of entry (id 1…n).
  public let patients: [SimulatedPatient]
  /// The calendar time of the cut-off (for an event-driven cut-off, the date of the target event,
  /// or the end of the last follow-up when the target is not reached).
  public let cutoffTime: Double
  /// Events observed at the cut-off among the analysed patients.
  public let eventsAtCutoff: Int
  /// For an event-driven cut-off, whether the target number of events was reached; nil for a
  /// calendar cut-off.
  public let eventTargetReached: Bool?
  /// Patients randomized after the cut-off (entry > cut-off), excluded from the analysis.
  public let enrolledAfterCutoff: Int

  /// The patients in the analysis (entered by the cut-off), in id order.
  public var analysed: [SimulatedPatient] { patients.filter { $0.observation != nil } }

  /// The analysis data set as CSV (RFC 4180, `\n` line ends), one row per analysed patient in id
  /// order, header `id,stratum,arm,entry,time,status,simulated`: stratum label, arm name, entry
  /// (calendar), follow-up time, status (1 event, 0 censored) and `simulated` = `yes` on every
  /// row, so simulated data are never mistaken for real data. Numbers are Swift's shortest
  /// round-trip representation (`String(describing:)`), so they read back exactly. Readable as is
  /// by `osstats km FILE --group arm`.
  public func csv() -> String {
    var out = "id,stratum,arm,entry,time,status,simulated\n"
    let strataLabels = design.strata.map { csvField($0.label) }
    let armNames = design.arms.map { csvField($0.name) }
    for p in patients {
      guard let observation = p.observation else { continue }
      out += String(p.id)
      out += ","
      out += strataLabels[p.stratum]
      out += ","
      out += armNames[p.arm]
      out += ","
      out += String(describing: p.entry)
      out += ","
      out += String(describing: observation.time)
      out += observation.event ? ",1,yes\n" : ",0,yes\n"
    }
    return out
  }
}

/// A CSV field, quoted (with inner quotes doubled) when it holds a comma, quote or line break.
private func csvField(_ text: String) -> String {
  guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
    return text
  }
  return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
