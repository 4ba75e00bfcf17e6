import Testing

@testable import TrialDesign

@Suite struct ReproducibilityTests {
  @Test func sameSeedAndIndexSameBytes() throws {
    let design = try twoArmDesign(factors: [salvage])
    let a = simulateTrial(design: design, seed: 99, index: 7)
    let b = simulateTrial(design: design, seed: 99, index: 7)
    #expect(a.patients == b.patients)
    #expect(a.csv() == b.csv())
    #expect(simulateTrial(design: design, seed: 99, index: 8).csv() != a.csv())
    #expect(simulateTrial(design: design, seed: 100, index: 7).csv() != a.csv())
  }

  /// Trial 500 made alone equals trial 500 made in a loop over 0…999 (here in reverse order).
  @Test func independentOfOrder() throws {
    let design = try twoArmDesign(patients: 40, cutoff: .events(20))
    let alone = simulateTrial(design: design, seed: 5, index: 500)
    var fromLoop: SimulatedTrial?
    for i in (0..<1000).reversed() {
      let trial = simulateTrial(design: design, seed: 5, index: UInt64(i))
      if i == 500 { fromLoop = trial }
    }
    #expect(fromLoop?.patients == alone.patients)
    #expect(fromLoop?.csv() == alone.csv())
  }

  /// Trials made concurrently equal those made one after another.
  @Test func independentOfThreads() async throws {
    let design = try twoArmDesign(factors: [salvage])
    let sequential = (0..<16).map { simulateTrial(design: design, seed: 1234, index: UInt64($0)).csv() }
    let parallel = await withTaskGroup(of: (Int, String).self) { group in
      for i in 0..<16 {
        group.addTask { (i, simulateTrial(design: design, seed: 1234, index: UInt64(i)).csv()) }
      }
      var out = [String](repeating: "", count: 16)
      for await (i, csv) in group { out[i] = csv }
      return out
    }
    #expect(parallel == sequential)
  }

  /// The CSV: the promised header, `yes` in the simulated column of every row, numbers that read
  /// back exactly, quoted labels with commas.
  @Test func csvFormat() throws {
    let factor = TrialSimulationDesign.StratificationFactor(name: "f", levels: ["a,b", "c"], prevalences: [0.5, 0.5])
    let trial = simulateTrial(design: try twoArmDesign(patients: 50, factors: [factor], cutoff: .calendar(12)), seed: 3, index: 0)
    let lines = trial.csv().split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "id,stratum,arm,entry,time,status,simulated")
    #expect(lines.last == "")
    let rows = lines.dropFirst().dropLast()
    #expect(rows.count == trial.analysed.count)
    #expect(rows.count == 50 - trial.enrolledAfterCutoff)
    for (row, patient) in zip(rows, trial.analysed) {
      #expect(row.hasSuffix(",yes"))
      #expect(row.hasPrefix("\(patient.id),\(patient.stratum == 0 ? "\"a,b\"" : "c"),"))
      let fields = row.split(separator: ",").suffix(4)
      #expect(Double(String(fields[fields.startIndex])) == patient.entry)
      #expect(Double(String(fields[fields.startIndex + 1])) == patient.observation?.time)
      #expect(fields[fields.startIndex + 2] == (patient.observation?.event == true ? "1" : "0"))
    }
  }
}
