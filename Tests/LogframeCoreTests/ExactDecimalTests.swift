import Testing
@testable import LogframeCore

@Suite("Exact decimals")
struct ExactDecimalTests {
    func d(_ text: String) -> ExactDecimal { ExactDecimal(parsing: text)! }

    @Test("Sums are exact where binary floating point drifts")
    func exactSums() {
        #expect((d("0.1") + d("0.2")).description == "0.3")
        #expect((d("1.10") + d("2.20") + d("0.70") + d("3") + d("0.10")).description == "7.1")
        #expect((d("-0.5") - d("0.25")).description == "-0.75")
    }

    @Test("Division rounds half to even at 18 places; by zero is nil")
    func division() {
        #expect((d("2") / d("3"))?.description == "0.666666666666666667")
        #expect((d("200") / d("3"))?.description == "66.666666666666666667")
        #expect(d("1") / d("0") == nil)
    }

    @Test("Parsing refuses more than 18 digits before the point, and garbage")
    func parsingLimits() {
        #expect(ExactDecimal(parsing: "123456789012345678") != nil)
        #expect(ExactDecimal(parsing: "1234567890123456789") == nil)
        #expect(ExactDecimal(parsing: "1e36") == nil)
        #expect(ExactDecimal(parsing: "1e17")?.description == "100000000000000000")
        #expect(ExactDecimal(parsing: "2.5E-2")?.description == "0.025")
        for bad in ["", "-", ".", "1..2", "1e", "abc", "1,5", "--1"] {
            #expect(ExactDecimal(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("Arithmetic past 128 bits gives up fractional digits, then clamps, never traps")
    func noTraps() {
        let big = d("999999999999999999.999999999999999999")   // 36 significant digits
        var sum = ExactDecimal.zero
        for _ in 0..<400 { sum = sum + big }                    // would overflow at scale 18
        #expect(sum > ExactDecimal(significand: 399_999_999_999_999_999 * 1000, scale: 0))
        let product = big * big                                  // 10^36: no exact room at scale 18
        #expect(product > d("999999999999999999") * d("999999999999999999"))
        let clamped = product * product * product
        #expect(clamped.description == "99999999999999999999999999999999999999")
        #expect((-clamped - clamped).description == "-99999999999999999999999999999999999999")
        #expect(big < sum)
    }

    @Test("Display rounding happens once, half away from zero")
    func display() {
        #expect(d("69.875").formatted(decimals: 1) == "69.9")
        #expect(d("-2.5").formatted(decimals: 0) == "-3")
        #expect(d("1234567.891").formatted(decimals: 2, groupingSeparator: ",") == "1,234,567.89")
    }
}
