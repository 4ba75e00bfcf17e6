import Testing

@testable import SurvivalReport

@Suite struct PlotTextTests {
  @Test func escapesMarkupAndQuotes() {
    #expect(SVGText.escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
    #expect(SVGText.escape("A & B \"c\" 'd'") == "A &amp; B &quot;c&quot; &#39;d&#39;")
    // Characters XML 1.0 forbids (and line breaks) become spaces; other Unicode passes through.
    #expect(SVGText.escape("a\u{0}b\nc\u{FFFF}ä–≥") == "a b c ä–≥")
  }

  @Test func numbersHaveFixedDecimalsAndNoNegativeZero() {
    #expect(SVGNumber.string(12.3456) == "12.35")
    #expect(SVGNumber.string(0.125) == "0.13")  // 0.125 × 100 = 12.5 exactly: half away from zero
    #expect(SVGNumber.string(100) == "100")
    #expect(SVGNumber.string(-0.001) == "0")
    #expect(SVGNumber.string(-0.0) == "0")
    #expect(SVGNumber.string(-1.5) == "-1.5")
    #expect(SVGNumber.string(0.05) == "0.05")
    #expect(SVGNumber.fixed(1, decimals: 2) == "1.00")
    #expect(SVGNumber.fixed(-0.004, decimals: 2) == "0.00")
    #expect(SVGNumber.fixed(0.7249, decimals: 2) == "0.72")
    #expect(SVGNumber.string(.nan) == "0")
  }

  @Test func truncationEndsInEllipsis() {
    let long = String(repeating: "Subgroup name ", count: 10)
    let cut = SVGText.truncated(long, toWidth: 100, fontSize: 12)
    #expect(cut.hasSuffix("…"))
    #expect(SVGText.estimatedWidth(cut, fontSize: 12) <= 100)
    #expect(SVGText.truncated("short", toWidth: 100, fontSize: 12) == "short")
  }
}
