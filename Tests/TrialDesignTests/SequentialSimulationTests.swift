import Foundation
import Survival
import Testing

@testable import TrialDesign

/// The simulated monitoring plan (issue 12): its log-rank kernel against the Survival library's
/// log-rank test, its reproducibility across threads and stops, and its operating
/// characteristics against the closed form (the analytic stopping probabilities of the canonical
/// joint distribution) and the design's alpha.
@Suite struct SequentialSimulationTests {
  static func trial(hr: Double, strata: Bool = false, dropout: Double = 0, patients: Int = 142, events: Int = 121) throws -> TrialSimulationDesign {
    try TrialSimulationDesign(
      arms: [
        .init(name: "control", survival: .distribution(.exponential(median: 6))),
        .init(name: "experimental", survival: .hazardRatio(hr)),
      ],
      blockSize: 4,
      factors: strata ? [.init(name: "salvage", levels: ["intensive", "azacitidine"], prevalences: [0.5, 0.5])] : [],
      accrual: .uniform(duration: 42), dropout: dropout > 0 ? .exponential(rate: dropout) : .none,
      patients: patients, cutoff: .events(events))
  }

  /// Lan–DeMets O'Brien–Fleming type, looks at 61 and 121 of 121 events (the committed design).
  static func plan(futility: FutilityBoundary = .none, looks: [Int] = [61, 121], maxEvents: Int = 121) throws -> MonitoringPlan {
    let b = try GroupSequentialBoundaries(
      fractions: looks.map { Double($0) / Double(maxEvents) }, alpha: 0.025, sided: 1, beta: 0.2,
      efficacy: .spending(.lanDeMetsOBrienFleming), futility: futility)
    return try MonitoringPlan(boundaries: b, lookEvents: looks, maxEvents: maxEvents, allocation: 1)
  }

  @Test(
    "The per-look log-rank z equals the Survival library's log-rank test on the cut data",
    arguments: [(false, false), (true, false), (false, true), (true, true)])
  func kernelAgreesWithLogRankTest(stratified: Bool, cure: Bool) throws {
    var design = try Self.trial(hr: 0.7, strata: stratified, dropout: cure ? 0 : 0.02)
    if cure {
      // Cured patients without dropout have infinite latent times: censored at every cut-off.
      design = try TrialSimulationDesign(
        arms: [
          .init(name: "control", survival: .distribution(.cure(fraction: 0.3, uncured: .exponential(median: 6)))),
          .init(name: "experimental", survival: .hazardRatio(0.7)),
        ],
        blockSize: 4, factors: design.factors, accrual: .uniform(duration: 42), dropout: .none, patients: 142,
        cutoff: .events(60))
    }
    var kernel = LogRankKernel(capacity: 142)
    for index in 0..<40 as Range<UInt64> {
      var generator = Xoshiro256StarStar.stream(seed: 99, index: index)
      let patients = drawPatients(design: design, generator: &generator)
      kernel.prepare(patients: patients)
      // Cut-offs in random order, as a kernel reused across looks and trials sees them.
      for cutoff in [30.0, 18.0, 60.0, 45.5] {
        let z = kernel.favourableZ(patients: patients, cutoff: cutoff, stratified: stratified)
        let kept = patients.filter { $0.entry <= cutoff }
        let event = kept.map { $0.eventTime <= $0.dropoutTime && $0.entry + $0.eventTime <= cutoff }
        let time = zip(kept, event).map { p, e in e ? p.eventTime : min(p.eventTime, p.dropoutTime, cutoff - p.entry) }
        let data = try SurvivalData(
          time: time, event: event, group: kept.map(\.arm), groupLabels: ["control", "experimental"],
          stratum: kept.map(\.stratum), strataLabels: design.strata.map(\.label))
        let test = try LogRankTest(data: data, timeFix: false)
        // LogRankTest's z is (O − E)/√V of the second group; the kernel's is the favourable sign.
        let reference = try #require(test.z)
        #expect(abs(z + reference) <= 1e-12 * max(1, abs(reference)), "trial \(index) cut \(cutoff): \(z) vs \(-reference)")
      }
    }
  }

  @Test("The same seed gives the same tally and the same trials with one thread and with two")
  func threadsDoNotMatter() throws {
    let design = try Self.trial(hr: 0.6)
    let plan = try Self.plan(futility: .fixed([0]))
    let collected = TrialLog()
    let one = SequentialSimulation(design: design, plan: plan, trials: 3000, seed: 5, control: .init(threads: 1))
    let two = SequentialSimulation(
      design: design, plan: plan, trials: 3000, seed: 5, control: .init(threads: 2), emit: { i, o in collected.add(i, o) })
    #expect(one.tally == two.tally)
    #expect(one.tally.trials == 3000)
    // Emitted in index order, and each trial is what the single-trial function gives.
    let log = collected.items
    #expect(log.map(\.0) == Array(0..<3000))
    for i in [0, 1, 777, 2999] {
      #expect(log[i].1 == SequentialSimulation.trial(design: design, plan: plan, test: .logRank, seed: 5, index: UInt64(i)))
    }
  }

  @Test("A stopped run summarises a prefix of the trials, exactly as a shorter run")
  func stoppedRunIsAPrefix() throws {
    let design = try Self.trial(hr: 0.6)
    let plan = try Self.plan()
    let counter = TrialLog()
    let stopped = SequentialSimulation(
      design: design, plan: plan, trials: 100_000, seed: 3,
      control: .init(threads: 2, shouldStop: { counter.count > 2000 }), emit: { i, o in counter.add(i, o) })
    #expect(stopped.done < 100_000 && stopped.done >= 2000)
    let shorter = SequentialSimulation(design: design, plan: plan, trials: stopped.done, seed: 3, control: .init(threads: 1))
    #expect(shorter.tally == stopped.tally)
  }

  @Test("Stopping probabilities agree with the analytic crossing probabilities within Monte Carlo error")
  func agreesWithAnalytic() throws {
    // 20,000 trials: Monte Carlo se of the power about 0.003. The log-rank z is only
    // asymptotically N(θ√t, 1): at 61 and 121 events its law is close (Schoenfeld), so the
    // tolerance adds 0.01 for the approximation.
    let design = try Self.trial(hr: 0.6)
    let plan = try Self.plan()
    let s = SequentialSummary(SequentialSimulation(design: design, plan: plan, trials: 20_000, seed: 11), hazardRatio: 0.6)
    let analytic = try #require(s.analyticRejection)
    #expect(abs(analytic - 0.8006) < 0.001)  // the plan at 61/121: drift √121·ln(1/0.6)/2
    #expect(abs(s.overallRejection - analytic) <= 4 * s.overallRejectionSE + 0.01, "power \(s.overallRejection) vs \(analytic)")
    for l in s.looks {
      let a = try #require(l.analyticEfficacyStop)
      #expect(abs(l.efficacyStop - a) <= 4 * (a * (1 - a) / 20_000).squareRoot() + 0.01)
    }
    // Expected events: 61 + 60 × P(continuing past look 1), exactly, from the stopping tallies.
    let continuing = 1 - s.looks[0].stop
    #expect(abs(s.expectedEvents - (61 + 60 * continuing)) < 1e-9)
    // The HR estimate at an early efficacy stop overestimates the effect (the known bias).
    #expect(try #require(s.looks[0].hazardRatioAtStop) < 0.6)
  }

  @Test("Under HR 1 the plan's rejection rate is its alpha within Monte Carlo error")
  func typeOneError() throws {
    let design = try Self.trial(hr: 1)
    let plan = try Self.plan()
    let s = SequentialSummary(SequentialSimulation(design: design, plan: plan, trials: 20_000, seed: 12), hazardRatio: 1)
    // 0.025 ± 4·√(0.025·0.975/20000) = 0.025 ± 0.0044.
    #expect(abs(s.overallRejection - 0.025) <= 0.0044, "type I error \(s.overallRejection)")
    #expect(abs((s.analyticRejection ?? 0) - 0.025) < 1e-6)
  }

  @Test("A look whose event target is never reached becomes the final analysis at the events there are")
  func targetNotReached() throws {
    // Heavy dropout: far fewer than 121 deaths are ever observed among 142 patients.
    let design = try Self.trial(hr: 0.7, dropout: 0.2)
    let plan = try Self.plan()
    let s = SequentialSimulation(design: design, plan: plan, trials: 500, seed: 4)
    #expect(s.tally.targetNotReached > 0)
    let o = (0..<50).map { SequentialSimulation.trial(design: design, plan: plan, test: .logRank, seed: 4, index: $0) }
    for t in o where t.targetNotReached { #expect(t.events < 121 && t.reason != .futility) }
  }
}

/// Trials collected from several threads.
final class TrialLog: @unchecked Sendable {
  private let lock = NSLock()
  private var log: [(Int, SequentialTrialOutcome)] = []

  func add(_ i: Int, _ o: SequentialTrialOutcome) {
    lock.lock()
    log.append((i, o))
    lock.unlock()
  }

  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return log.count
  }

  var items: [(Int, SequentialTrialOutcome)] {
    lock.lock()
    defer { lock.unlock() }
    return log
  }
}
