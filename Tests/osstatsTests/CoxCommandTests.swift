import Foundation
import Testing

@Suite struct CoxCommandTests {
  @Test("aml: coef 0.9155, se 0.5119, LR 3.38 (p 0.0658), as R coxph")
  func amlMatchesCoxph() throws {
    // R survival 3.5-3: coxph(Surv(time, status) ~ x, data = aml): coef 0.915532575,
    // se 0.511934, LR 3.384447 (p 0.065814), Wald 3.198300, score 3.416734, 3 iterations.
    let r = try osstats(["cox", "Datasets/aml.csv", "--covariates", "x"])
    #expect(r.status == 0)
    let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(rows.contains(["xNonmaintained", "0.9155", "2.498", "0.5119", "1.788", "0.0737"]))
    #expect(r.stdout.contains("Likelihood ratio test = 3.38 on 1 df, p = 0.0658"))
    #expect(r.stdout.contains("Score (logrank) test = 3.42 on 1 df, p = 0.0645"))
  }

  @Test("JSON keeps the contract's names and R's numbers")
  func jsonContract() throws {
    let r = try osstats(["cox", "Datasets/aml.csv", "--covariates", "x", "--format", "json"])
    #expect(r.status == 0)
    let doc = try jsonObject(r.stdout)
    #expect(doc["analysis"] as? String == "cox")
    #expect(doc["ties"] as? String == "efron")
    #expect(doc["n"] as? Int == 23 && doc["events"] as? Int == 18)
    let terms = try #require(doc["terms"] as? [[String: Any]])
    #expect(terms.first?["term"] as? String == "xNonmaintained")
    #expect(abs((terms.first?["coef"] as? Double ?? 0) - 0.915532575) < 1e-8)
    #expect(abs((terms.first?["se"] as? Double ?? 0) - 0.511934) < 1e-6)
    #expect(terms.first?["robust_se"] is NSNull)
    #expect(abs((doc["loglik_null"] as? Double ?? 0) - -42.724839) < 1e-6)
    #expect(abs((doc["loglik"] as? Double ?? 0) - -41.032616) < 1e-6)
    let tests = try #require(doc["tests"] as? [String: Any])
    #expect(abs(((tests["lr"] as? [String: Any])?["statistic"] as? Double ?? 0) - 3.384447) < 1e-6)
    #expect((tests["wald"] as? [String: Any])?["df"] as? Int == 1)
    #expect(tests["robust_score"] is NSNull)
    #expect(doc["converged"] as? Bool == true)
    #expect(doc["iterations"] as? Int == 3)
  }

  @Test(
    "Bad input for cox: a clear message and a sysexits code",
    arguments: [
      ("constant covariate", "time,status,z\n1,1,5\n2,0,5\n3,1,5\n", ["--covariates", "z"], 64, ": every covariate is aliased (z (constant)): nothing is left to fit; choose other --covariates"),
      ("no events", "time,status,z\n1,0,1\n2,0,2\n", ["--covariates", "z"], 65, ": there are no events, so a Cox model cannot be fitted"),
      ("missing covariate column", "time,status,z\n1,1,1\n", ["--covariates", "age"], 64, ":1:1: no column 'age' (columns: time, status, z); name it with --covariates"),
      ("bad weight", "time,status,z,w\n1,1,1,1\n2,1,2,-1\n", ["--covariates", "z", "--weights", "w"], 65, ":3:7: w '-1' is not a positive number"),
      ("start after stop", "t0,time,status,z\n0,1,1,1\n5,2,1,2\n", ["--covariates", "z", "--start", "t0"], 65, ":3:1: t0 5 is not before the time 2"),
      ("unknown reference", "time,status,arm\n1,1,A\n2,0,B\n", ["--covariates", "arm", "--reference", "arm=C"], 64, ":1:1: --reference arm=C: no such level (levels: A, B)"),
      ("incomplete profile", "time,status,arm,z\n1,1,A,1\n2,0,B,2\n3,1,B,0\n", ["--covariates", "arm,z", "--predict", "arm=B"], 64, ": --predict needs a value for every covariate; missing z"),
    ] as [(String, String, [String], Int32, String)])
  func badInput(name: String, contents: String, options: [String], status: Int32, message: String) throws {
    let file = try temporaryFile("bad.csv", contents)
    let r = try osstats(["cox", file] + options)
    #expect(r.status == status, "\(name): \(r.stderr)")
    #expect(r.stderr == "osstats: \(file)\(message)\n", "\(name)")
  }

  @Test("Monotone likelihood is flagged, not presented as an estimate")
  func monotoneLikelihood() throws {
    // Arm B has no events: its coefficient runs to −∞ (R warns "Loglik converged before variable 1").
    let rows = (1...10).map { "\($0),1,A" } + (1...8).map { "\($0 + 2),0,B" }
    let file = try temporaryFile("mono.csv", "time,status,arm\n" + rows.joined(separator: "\n") + "\n")
    let r = try osstats(["cox", file, "--covariates", "arm", "--format", "json"])
    #expect(r.status == 0)
    #expect(r.stderr.contains("monotone likelihood"))
    let doc = try jsonObject(r.stdout)
    #expect(doc["infinite_coefficients"] as? [String] == ["armB"])
    let terms = try #require(doc["terms"] as? [[String: Any]])
    #expect(terms.first?["infinite"] as? Bool == true)
    #expect((doc["warnings"] as? [String])?.contains { $0.contains("monotone likelihood") } == true)
  }

  @Test("--firth gives the penalized estimate with profile limits (reference: cox_reference.R, firth block)")
  func firth() throws {
    // Independent R computation (coxph log-likelihood and information at fixed β, penalty
    // 0.5 log det I maximized by optim): armB −2.97663495108649, HR profile limits
    // 0.000391650106027967 to 0.42286753308098.
    let r = try osstats(["cox", "Datasets/edge/cox_monotone.csv", "--covariates", "arm,z", "--firth", "--format", "json"])
    #expect(r.status == 0)
    let doc = try jsonObject(r.stdout)
    #expect(doc["method"] as? String == "firth")
    let terms = try #require(doc["terms"] as? [[String: Any]])
    #expect(abs((terms[0]["coef"] as? Double ?? 0) - -2.97663495108649) < 1e-6)
    #expect(abs((terms[0]["hr_lower"] as? Double ?? 0) - 0.000391650106027967) < 1e-9)
    #expect(abs((terms[0]["hr_upper"] as? Double ?? 0) - 0.42286753308098) < 1e-6)
  }

  /// One mistyped cell in a numeric covariate column is refused with both kinds of cell named,
  /// never read as a 40-level factor; --factor reads a text column on purpose.
  @Test func mistypedCovariateCellIsRefused() throws {
    var csv = "time,status,age\n"
    for i in 0..<40 { csv += "\(i + 1),\(i % 2),\(50 + i)\n" }
    csv += "41,1,e5\n"
    let file = try temporaryFile("typo.csv", csv)
    let r = try osstats(["cox", file, "--covariates", "age"])
    #expect(r.status == 65)
    #expect(r.stderr == "osstats: \(file):42:6: column age mixes numbers and text (line 2 column 5 has 50; line 42 column 6 has 'e5'): a mistyped number, or a text column to read as a factor (--factor age reads it as a factor)\n", "\(r.stderr)")
    let factor = try osstats(["cox", "Datasets/lung.csv", "--covariates", "ph.ecog", "--factor", "ph.ecog"])
    #expect(factor.status == 0, "\(factor.stderr)")
    #expect(factor.stdout.contains("ph.ecog1") && factor.stdout.contains("ph.ecog3"))
  }
}
