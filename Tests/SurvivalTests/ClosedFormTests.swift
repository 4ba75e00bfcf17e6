import Foundation
import Testing

@testable import Survival

/// Hand-worked values and published constants.
@Suite struct ClosedFormTests {
  @Test func normalQuantileMatchesR() {
    // R 4.2.2: sprintf("%.17g", qnorm(c(0.975, 0.95, 1e-10, 0.3))).
    let cases: [(Double, Double)] = [
      (0.975, 1.9599639845400536), (0.95, 1.6448536269514715), (1e-10, -6.3613409024040557),
      (0.3, -0.52440051270804067),
    ]
    for (p, q) in cases {
      #expect(abs(Normal.quantile(p) - q) <= 1e-15 * abs(q), "qnorm(\(p))")
    }
    // R: pnorm(-5) = 2.8665157187919391e-07, pnorm(-1.3) = 0.096800484585610344.
    #expect(abs(Normal.upperTail(5) - 2.8665157187919391e-07) <= 1e-14 * 2.87e-7)
    #expect(abs(Normal.twoSidedP(1.3) - 2 * 0.096800484585610344) <= 1e-14)
  }

  @Test func sha256KnownVectors() {
    // FIPS 180-2, appendix B.1 and B.2, and the empty message.
    #expect(ByteSource.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(ByteSource.sha256([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      ByteSource.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func kaplanMeierByHand() throws {
    // Times 1, 2+, 3, 3, 4+, 5 (+ censored). At 1: n 6, d 1, S = 5/6; at 3: n 4, d 2,
    // S = 5/6·2/4 = 5/12; at 5: n 1, d 1, S = 0.
    // Greenwood Σ d/(n(n−d)): 1/30 after 1; 1/30 + 2/8 = 17/60 after 3; infinite at 5.
    let d = try SurvivalData(time: [1, 2, 3, 3, 4, 5], event: [true, false, true, true, false, true])
    let km = KaplanMeier.curves(d)[0]
    #expect(km.time == [1, 2, 3, 4, 5])
    #expect(km.nRisk == [6, 5, 4, 2, 1])
    let expected: [Double] = [5.0 / 6, 5.0 / 6, 5.0 / 12, 5.0 / 12, 0]
    #expect(zip(km.survival, expected).allSatisfy { abs($0 - $1) < 1e-15 })
    #expect(abs(km.stdErrLog[2] - (17.0 / 60).squareRoot()) < 1e-15)
    #expect(km.stdErrLog[4] == .infinity)
    // Median: S first ≤ 0.5 at 3. RMST to 5: 1·1 + 2·5/6 + 2·5/12 = 1 + 5/3 + 5/6 = 3.5.
    #expect(km.median().time == 3)
    #expect(abs(km.restrictedMean(tau: 5).estimate - 3.5) < 1e-14)
    // Log CI at step 1: exp(log(5/6) ± z·√(1/30)).
    let z = Normal.quantile(0.975)
    let (lo, hi) = ConfidenceType.log.limits(survival: 5.0 / 6, stdErrLog: (1.0 / 30).squareRoot(), z: z)
    #expect(abs(lo - 5.0 / 6 * exp(-z * (1.0 / 30).squareRoot())) < 1e-15)
    #expect(hi == 1)
  }

  @Test func timeFixMergesRoundOffOnly() {
    // 0.1 + 0.2 = 0.30000000000000004 merges with 0.3; 0.3 + 1e-6 stays apart.
    let r = TimeFix.apply([0.1 + 0.2, 0.3, 0.300001, 1])
    #expect(r.times == [0.3, 0.3, 0.300001, 1])
    #expect(r.changed == 1)
    #expect(TimeFix.apply([1, 2, 3]).changed == 0)
  }
}
