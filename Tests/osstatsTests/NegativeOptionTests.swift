import Foundation
import Testing

/// Options that can be negative parse as users type them, with a space (`--gamma -4`), in every
/// subcommand; an out-of-range negative value gets its range message, not "missing value".
@Suite struct NegativeOptionTests {
  @Test("design --spending hsd --gamma -4 gives rpact's boundaries")
  func hsdGammaMinusFour() throws {
    let r = try osstats(["design", "--spending", "hsd", "--gamma", "-4", "--hr", "0.6", "--information-fractions", "0.3333333333333333,0.6666666666666666,1", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
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
}
