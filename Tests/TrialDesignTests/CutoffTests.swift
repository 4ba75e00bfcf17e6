import Testing

@testable import TrialDesign

@Suite struct CutoffTests {
  /// Event-driven: exactly the target number of events, the cut-off is the calendar date of the
  /// last counted event, nobody is followed beyond it, late entrants are excluded and counted.
  @Test func eventDriven() throws {
    let design = try twoArmDesign(patients: 600, factors: [salvage], cutoff: .events(150))
    for index in 0..<20 {
      let trial = simulateTrial(design: design, seed: 42, index: UInt64(index))
      #expect(trial.eventsAtCutoff == 150)
      #expect(trial.eventTargetReached == true)
      let events = trial.analysed.filter { $0.observation?.event == true }
      #expect(events.count == 150)
      #expect(events.map { $0.entry + $0.eventTime }.max() == trial.cutoffTime)
      checkFollowUp(trial)
    }
  }

  /// Target never reached (more events than patients): all events, cut at the last follow-up.
  @Test func eventTargetNotReached() throws {
    let trial = simulateTrial(design: try twoArmDesign(patients: 100, cutoff: .events(150)), seed: 1, index: 0)
    #expect(trial.eventTargetReached == false)
    #expect(trial.eventsAtCutoff == trial.patients.filter { $0.eventTime <= $0.dropoutTime }.count)
    #expect(trial.cutoffTime == trial.patients.map { $0.entry + min($0.eventTime, $0.dropoutTime) }.max())
    #expect(trial.enrolledAfterCutoff == 0)
    checkFollowUp(trial)
  }

  /// Calendar cut-off in the middle of accrual: nobody followed beyond it, late entrants excluded.
  @Test func calendar() throws {
    let trial = simulateTrial(design: try twoArmDesign(patients: 500, cutoff: .calendar(18)), seed: 8, index: 2)
    #expect(trial.cutoffTime == 18)
    #expect(trial.eventTargetReached == nil)
    #expect(trial.enrolledAfterCutoff == trial.patients.filter { $0.entry > 18 }.count)
    #expect(trial.enrolledAfterCutoff > 0)
    #expect(trial.eventsAtCutoff == trial.analysed.filter { $0.observation?.event == true }.count)
    checkFollowUp(trial)
  }

  func checkFollowUp(_ trial: SimulatedTrial) {
    let c = trial.cutoffTime
    for p in trial.patients {
      guard let o = p.observation else {
        #expect(p.entry > c)
        continue
      }
      #expect(p.entry <= c)
      #expect(o.time <= p.eventTime && o.time <= p.dropoutTime)
      if o.event {
        // The defining comparison is on the calendar, entry + time ≤ c; c − entry itself may round
        // one ulp below the event time of the event that sets an event-driven cut-off.
        #expect(o.time == p.eventTime && p.eventTime <= p.dropoutTime && p.entry + o.time <= c)
      } else {
        #expect(o.time <= c - p.entry)
        #expect(o.time == min(p.eventTime, p.dropoutTime, c - p.entry))
      }
    }
  }
}
