import Foundation
import Survival
import Testing

@testable import TrialDesign

/// The monitoring analysis in the library (what `osstats monitor` and `report --kind` print):
/// orientation, readings and the log-rank hazard ratio by their closed forms.
@Suite struct MonitoringAnalysisTests {
  static func design(looks: Int = 3) throws -> GroupSequentialDesign {
    let b = try GroupSequentialBoundaries(
      fractions: (1...looks).map { Double($0) / Double(looks) }, alpha: 0.025, sided: 1, beta: 0.2,
      efficacy: .spending(.lanDeMetsOBrienFleming))
    return try GroupSequentialDesign(boundaries: b, hazardRatio: 0.7, maxEvents: 60)
  }

  /// Two arms, the second with fewer and later deaths; one stratum ("c") holds arm B only.
  static func data() throws -> SurvivalData {
    var time: [Double] = []
    var event: [Bool] = []
    var group: [Int] = []
    var stratum: [Int] = []
    for i in 0..<40 {
      time.append(Double(i % 13) + 1 + (i % 2 == 1 ? 4 : 0))
      event.append(i % 5 != 0)
      group.append(i % 2)
      stratum.append(i % 2 == 1 && i % 7 == 0 ? 2 : (i % 4 < 2 ? 0 : 1))
    }
    return try SurvivalData(time: time, event: event, group: group, groupLabels: ["A", "B"], stratum: stratum, strataLabels: ["a", "b", "c"])
  }

  @Test("z is oriented to favour the experimental arm; the look's HR is exp(−z(1+r)/√(rD))")
  func orientation() throws {
    let data = try Self.data()
    let plan = try Self.design()
    let twoArm = try TwoArmComparison(data: data)
    let raw = try #require(twoArm.stratifiedLogRankZ)
    for experimental in [0, 1] {
      let a = try MonitoringAnalysis(design: plan, data: data, experimental: experimental)
      let z = experimental == 1 ? -raw : raw
      #expect(a.favourableZ == z)
      #expect(a.experimentalArm == ["A", "B"][experimental])
      let d = Double(twoArm.events.reduce(0, +))
      let hr = try #require(a.logRankHazardRatio)
      #expect(abs(hr - exp(-z * 2 / d.squareRoot())) <= 1e-14 * hr)
      #expect(abs(a.pOneSided - 0.5 * erfc(z / 2.0.squareRoot())) <= 1e-12)
      // The Cox hazard ratio is experimental : control.
      let cox = try #require(twoArm.hazardRatio)
      let oriented = try #require(a.hazardRatio.estimate)
      #expect(abs(oriented - (experimental == 1 ? cox : 1 / cox)) <= 1e-14 * oriented)
    }
  }

  @Test("Readings: interim before the maximum; a termination analysis gives both; final when asked")
  func readings() throws {
    let data = try Self.data()
    let plan = try Self.design()
    let interim = try MonitoringAnalysis(design: plan, data: data, experimental: 1)
    #expect(interim.kind == .interim)
    #expect(interim.readings.map(\.reading) == [.interim])
    let terminated = try MonitoringAnalysis(design: plan, data: data, experimental: 1, terminated: true)
    #expect(terminated.kind == .termination)
    #expect(terminated.readings.map(\.reading) == [.interim, .final])
    let final = try MonitoringAnalysis(design: plan, data: data, experimental: 1, final: true)
    #expect(final.kind == .final)
    #expect(final.readings.map(\.reading) == [.final])
    // Earlier looks with more events than now: refused, naming the sequential problem.
    #expect(throws: MonitoringAnalysis.Failure.self) {
      try MonitoringAnalysis(design: plan, data: data, experimental: 1, previous: [ObservedLook(events: 100, z: 1)])
    }
  }

  @Test("A stratum holding one arm is reported with its deaths (counted by hand)")
  func oneArmStratum() throws {
    let data = try Self.data()
    // Stratum c: i odd and a multiple of 7 (7, 21, 35), all arm B; deaths where i % 5 != 0: 7, 21.
    #expect(data.oneArmStrata.map(\.label) == ["c"])
    #expect(data.oneArmStrata.first?.deaths == 2)
    let a = try MonitoringAnalysis(design: try Self.design(), data: data, experimental: 1)
    #expect(a.warnings.contains { $0.hasPrefix("stratum c holds one arm only") && $0.contains("its 2 deaths") })
  }
}
