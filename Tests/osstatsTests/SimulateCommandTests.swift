import Foundation
import Testing

@Suite struct SimulateCommandTests {
  static let design = ["--n", "73", "--median-control", "6", "--hr", "0.7", "--accrual", "42", "--events", "60"]

  @Test("One trial: a labelled CSV that osstats km reads as is, the same bytes for the same seed")
  func oneTrial() throws {
    let a = try osstats(["simulate"] + Self.design + ["--seed", "5", "--strata", "salvage=intensive:0.5,azacitidine:0.5"])
    let b = try osstats(["simulate"] + Self.design + ["--seed", "5", "--strata", "salvage=intensive:0.5,azacitidine:0.5"])
    #expect(a.status == 0)
    #expect(a.stdout == b.stdout)
    let lines = a.stdout.split(separator: "\n")
    #expect(lines.first == "id,stratum,arm,entry,time,status,simulated")
    #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",yes") })
    #expect(lines.dropFirst().filter { $0.contains(",1,yes") }.count == 60)  // 60 events at the cut-off
    let file = try temporaryFile("cohort.csv", a.stdout)
    let km = try osstats(["km", file, "--group", "arm"])
    #expect(km.status == 0)
    #expect(km.stdout.contains("73 rows read, 73 used, 0 excluded"))
  }

  @Test("Many trials: identical results with one and two threads")
  func threadsDoNotChangeTheOutput() throws {
    let common = ["simulate", "--trials", "200"] + Self.design + ["--seed", "11", "--format", "json"]
    let one = try osstats(common + ["--threads", "1"])
    let two = try osstats(common + ["--threads", "2"])
    #expect(one.status == 0 && two.status == 0)
    func withoutCommand(_ s: String) -> String {
      s.split(separator: "\n").filter { !$0.contains("\"command\"") }.joined(separator: "\n")
    }
    #expect(withoutCommand(one.stdout) == withoutCommand(two.stdout))
    let doc = try jsonObject(one.stdout)
    #expect(doc["simulated"] as? Bool == true)
    #expect(doc["trials"] as? Int == 200)
    #expect((doc["power"] as? Double).map { $0 > 0 && $0 < 1 } == true)
  }

  @Test("Design errors are usage errors")
  func badDesigns() throws {
    let both = try osstats(["simulate", "--n", "73", "--median-control", "6", "--hr", "0.7", "--accrual", "42", "--events", "60", "--cutoff", "50", "--seed", "1"])
    #expect(both.status == 64)
    #expect(both.stderr.contains("give exactly one analysis time"))
    let block = try osstats(["simulate"] + Self.design + ["--seed", "1", "--block-size", "3"])
    #expect(block.status == 64)
    #expect(block.stderr.contains("invalid design"))
  }
}
