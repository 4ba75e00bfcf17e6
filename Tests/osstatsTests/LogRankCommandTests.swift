import Foundation
import Testing

@Suite struct LogRankCommandTests {
  @Test("aml: chi-square 3.3964 on 1 df, p 0.0653, as R survdiff")
  func amlMatchesSurvdiff() throws {
    // R survival 3.5-3: survdiff(Surv(time, status) ~ x, data = aml)$chisq = 3.3963886989776,
    // pchisq(., 1, lower.tail = FALSE) = 0.0653393220405051.
    let r = try osstats(["logrank", "Datasets/aml.csv", "--group", "x"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Chisq = 3.3964 on 1 degree of freedom, p = 0.0653"))
    #expect(r.stdout.contains("z = 1.8429"))
    let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    // survdiff: Observed 7 and 11, Expected 10.69 and 7.31.
    #expect(rows.contains(["x=Maintained", "11", "7", "10.689", "1.273", "3.396"]))
  }

  @Test("JSON keeps the contract's names")
  func jsonContract() throws {
    let r = try osstats(["logrank", "Datasets/aml.csv", "--group", "x", "--format", "json", "--maxcombo"])
    #expect(r.status == 0)
    let doc = try jsonObject(r.stdout)
    #expect(doc["analysis"] as? String == "logrank")
    #expect(doc["weights"] as? String == "logrank")
    #expect(abs((doc["chisq"] as? Double ?? 0) - 3.3963886989776) < 1e-11)
    #expect(doc["df"] as? Int == 1)
    #expect(abs((doc["p"] as? Double ?? 0) - 0.0653393220405051) < 1e-12)
    #expect(abs((doc["z"] as? Double ?? 0) - 1.84292937981291) < 1e-12)
    let groups = try #require(doc["groups"] as? [[String: Any]])
    #expect(groups.map { $0["group"] as? String } == ["Maintained", "Nonmaintained"])
    #expect(groups[0]["n"] as? Int == 11 && groups[0]["observed"] as? Double == 7)
    #expect(abs((groups[0]["expected"] as? Double ?? 0) - 10.6893359923007) < 1e-11)
    let variance = try #require(doc["variance"] as? [[Double]])
    #expect(abs(variance[0][0] - 4.00755074593873) < 1e-11)
    // mvtnorm 1.1-3 pmvnorm: 0.128659442807876 (error 1e-7).
    let maxcombo = try #require(doc["maxcombo"] as? [String: Any])
    #expect(abs((maxcombo["p"] as? Double ?? 0) - 0.128659442807876) < 1e-6)
  }

  @Test("Stratified, weighted, trend and pairwise from the command line")
  func options() throws {
    // R: survdiff(Surv(time, status) ~ sex + strata(ph.ecog), data = lung)$chisq = 10.795060.
    let s = try osstats(["logrank", "Datasets/lung.csv", "--group", "sex", "--strata", "ph.ecog"])
    #expect(s.stdout.contains("Chisq = 10.795 on 1 degree of freedom"))
    #expect(s.stdout.contains("strata with one group only, contributing nothing: ph.ecog=3"))
    // R: survdiff(..., rho = 1) on aml: 2.77927954475177.
    let fh = try osstats(["logrank", "Datasets/aml.csv", "--group", "x", "--rho", "1"])
    #expect(fh.stdout.contains("Fleming-Harrington G(1, 0)"))
    #expect(fh.stdout.contains("Chisq = 2.7793 on 1 degree of freedom"))
    // Reference script (logrank_reference.R), veteran by celltype: trend chisq 6.40769174919802.
    let t = try osstats(["logrank", "Datasets/veteran.csv", "--group", "celltype", "--trend", "--pairwise"])
    #expect(t.stdout.contains("Chisq = 6.4077 on 1 degree of freedom, p = 0.0114"))
    #expect(t.stdout.contains("Pairwise comparisons"))
    // One-sided p for z = 1.8429 (less): Φ(1.8429) = 0.967.
    let less = try osstats(["logrank", "Datasets/aml.csv", "--group", "x", "--alternative", "less"])
    #expect(less.stdout.contains("one-sided p (less: Nonmaintained has the lower hazard) = 0.967"))
  }

  @Test(
    "Bad input for logrank: a clear message and a sysexits code",
    arguments: [
      ("one group", "time,status,arm\n1,1,A\n2,0,A\n", ["--group", "arm"], 65, ": the log-rank test compares groups, but the data have one group only (A)"),
      ("no events", "time,status,arm\n1,0,A\n2,0,B\n", ["--group", "arm"], 65, ": there are no events, so the groups cannot be compared"),
      ("every stratum one group", "time,status,arm,s\n1,1,A,x\n2,0,A,x\n3,1,B,y\n", ["--group", "arm", "--strata", "s"], 65, ": every stratum holds subjects of one group only, so a stratified comparison has no information"),
      ("no group column given", "time,status,arm\n1,1,A\n", [], 64, ": logrank compares groups: name the group column with --group"),
      ("missing strata column", "time,status,arm\n1,1,A\n", ["--group", "arm", "--strata", "site"], 64, ":1:1: no column 'site' (columns: time, status, arm); name it with --strata"),
      ("maxcombo with three groups", "time,status,arm\n1,1,A\n2,1,B\n3,1,C\n", ["--group", "arm", "--maxcombo"], 64, ": --maxcombo: this statistic needs exactly two groups, the data have 3"),
      ("wrong number of scores", "time,status,arm\n1,1,A\n2,1,B\n3,1,C\n", ["--group", "arm", "--trend", "--scores", "1,2"], 64, ": 2 trend scores given for 3 groups"),
    ] as [(String, String, [String], Int32, String)])
  func badInput(name: String, contents: String, options: [String], status: Int32, message: String) throws {
    let file = try temporaryFile("bad.csv", contents)
    let r = try osstats(["logrank", file] + options)
    #expect(r.status == status, "\(name)")
    #expect(r.stderr == "osstats: \(file)\(message)\n", "\(name)")
  }

  @Test("A group emptied by exclusions is reported, not dropped silently")
  func emptiedGroup() throws {
    let file = try temporaryFile("gaps.csv", "time,status,arm\n1,1,A\n2,0,A\n3,1,B\n,1,C\n4,1,B\n")
    let r = try osstats(["logrank", file, "--group", "arm", "--format", "json"])
    #expect(r.status == 0)
    #expect(r.stderr.contains("group C has no subjects left after the exclusions"))
    let doc = try jsonObject(r.stdout)
    #expect((doc["warnings"] as? [String])?.first?.contains("group C") == true)
  }

  @Test("Option errors are usage errors")
  func optionErrors() throws {
    let r = try osstats(["logrank", "Datasets/aml.csv", "--group", "x", "--weights", "peto-peto", "--rho", "1"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--rho and --gamma apply to --weights fleming-harrington"))
    let g = try osstats(["logrank", "Datasets/aml.csv", "--group", "x", "--gamma", "-1"])
    #expect(g.status == 64)
  }
}
