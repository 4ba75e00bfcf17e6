import Foundation
import Testing

/// Options that can be negative parse as users type them, with a space (`--gamma -4`), in every
/// subcommand; an out-of-range negative value gets its range message, not "missing value".
@Suite struct NegativeOptionTests {
  @Test("design --spending hsd --gamma -4 gives rpact's boundaries")
  func hsdGammaMinusFour() throws {
    let r = try osstats(["design", "--spending", "hsd", "--gamma", "-4", "--hr", "0.6", "--information-fractions", "0.3333333333333333,0.6666666666666666,1", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try jsonObject(r.stdout)
    let z = try #require(json["looks"] as? [[String: Any]]).compactMap { $0["efficacy_z"] as? Double }
    // rpact 3.3.4 getDesignGroupSequential(typeOfDesign = "asHSD", gammaA = -4, kMax = 3, alpha = 0.025)
    // (Datasets/References/group_sequential_reference.json, case ashsd_gamma_m4_k3_equal).
    let rpact = [3.010739485385695, 2.5465305522084236, 1.9992263540625572]
    #expect(z.count == 3)
    for (a, b) in zip(z, rpact) { #expect(abs(a - b) < 1e-7, "\(a) vs rpact \(b)") }
  }

  @Test(
    "A negative value typed with a space reaches the option's own validation",
    arguments: [
      (["design", "--hr", "0.6", "--information-fractions", "0.5,1", "--alpha", "-0.1"], "alpha must lie in (0, 0.5); got -0.1"),
      (["logrank", "Datasets/aml.csv", "--group", "x", "--weights", "fleming-harrington", "--rho", "-1", "--gamma", "0"], "rho"),
      (["km", "Datasets/aml.csv", "--tau", "-5"], "tau"),
      (["cox", "Datasets/aml.csv", "--covariates", "x", "--conf-level", "-0.5"], "conf-level"),
      (["simulate", "--n", "73", "--median-control", "-6", "--hr", "0.7", "--accrual", "42", "--events", "60", "--seed", "1"], "median-control"),
    ])
  func negativeValuesParse(arguments: [String], message: String) throws {
    let r = try osstats(arguments)
    #expect(r.status == 64, "\(arguments): \(r.status) \(r.stderr)")
    #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
    #expect(r.stderr.contains(message), "\(r.stderr)")
  }

  @Test(
    "Option values beyond Int or beyond any trial are refused with their range (exit 64), never a trap",
    arguments: [
      ["design", "--hr", "0.6", "--information-fractions", "0.5,1", "--events", "1e300"],
      ["design", "--hr", "0.6", "--information-fractions", "0.5,1", "--allocation", "1e300"],
      ["design", "--hr", "0.6", "--information-fractions", "0.5,1", "--max-events", "9223372036854775807"],
      ["design", "--hr", "0.999999", "--information-fractions", "0.5,1"],
      ["simulate", "--n", "73", "--median-control", "6", "--hr", "0.7", "--accrual", "42", "--events", "60", "--seed", "1", "--allocation", "1e19,1"],
      ["simulate", "--n", "73", "--median-control", "6", "--hr", "0.7", "--accrual", "42", "--events", "60", "--seed", "1", "--allocation", "1.5,1"],
    ])
  func hugeValuesAreRefused(arguments: [String]) throws {
    let r = try osstats(arguments)
    #expect(r.status == 64, "\(arguments): \(r.status) \(r.stderr)")
    #expect(!r.stderr.contains("Fatal error"))
  }

  /// Looks closer than half a percent of the information are refused at once (the recursion's
  /// cost grows as the gap shrinks); 0.005 apart still runs.
  @Test func closeLooksAreRefusedAtOnce() throws {
    let r = try osstats(["design", "--hr", "0.6", "--information-fractions", "0.5,0.5000000001,1"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("closer than 0.005"), "\(r.stderr)")
    #expect(try osstats(["design", "--hr", "0.6", "--information-fractions", "0.5,0.505,1"]).status == 0)
  }

  /// Values so large that sums of squares overflow are refused with their cell, never fitted.
  @Test func hugeTimesAndCovariatesAreRefused() throws {
    let times = try temporaryFile("t.csv", "time,status\n1,1\n1e300,0\n")
    let t = try osstats(["km", times])
    #expect(t.status == 65 && t.stderr.hasSuffix(":3:1: time 1e+300 is too large (at most 1e150; rescale the time unit)\n"), "\(t.stderr)")
    let covariates = try temporaryFile("x.csv", "time,status,x\n1,1,1e308\n2,0,-1e308\n3,1,0\n")
    let x = try osstats(["cox", covariates, "--covariates", "x"])
    #expect(x.status == 65 && x.stderr.contains(":2:5: x '1e+308' is too large"), "\(x.stderr)")
  }
}
