import Foundation
import Testing
@testable import LogframeCore

@Suite("Linear-time patterns")
struct LinearPatternTests {
    /// The same answer as ICU's (NSRegularExpression) whole-value match, for the supported syntax.
    @Test("Agrees with NSRegularExpression on the supported syntax")
    func agreesWithICU() throws {
        let patterns = ["GTM-[0-9]{2}", "CRC-[0-9]{5}", "uuid:[0-9a-f-]{36}", "[A-Z]{2}[0-9]+", "a|b|", "(ab|a)*b?",
                        "\\d+(\\.\\d{1,2})?", "[^,;]*", "\\w+@\\w+\\.[a-z]{2,3}", "x{0}", "(?:a|bc){2,3}d", "^\\s*$",
                        "[\\-.]+", "colou?r", ".*", "[a-]z", "\\u00e7+", "Ş[əa]ki", "(a*)*", "a{2,}", "[\\d\\s]+", "\\W\\D\\S"]
        let values = ["", "a", "b", "ab", "abab", "GTM-12", "GTM-1", "CRC-12345", "uuid:" + String(repeating: "a", count: 36),
                      "AB12", "ab12", "12.5", "12.", "1.234", "x,y", "x;y", "me@host.org", "me@host.info", "aaa", "bcd",
                      "abcbcd", "   ", " x ", "-..-", "color", "colour", "colouur", "anything\ngoes", "-z", "az", "çç", "Şəki",
                      "Şaki", "Seki", "aa", "a b1", "!.!", "1\t2", "-x!"]
        for pattern in patterns {
            let linear = try LinearPattern(pattern)
            let icu = try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
            for value in values {
                let expected = icu.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
                #expect(linear.matches(value) == expected, "pattern \(pattern) on \(value.debugDescription)")
            }
        }
    }

    @Test("Nested quantifiers take linear time on a hostile value")
    func noBacktracking() throws {
        let value = String(repeating: "a", count: 100_000) + "!"
        let clock = ContinuousClock()
        for pattern in ["(a+)+", "(a|a)*", "(a*)*b", "(a|aa)+$", "(\\w+\\s?)*"] {
            let matcher = try LinearPattern(pattern)
            let elapsed = clock.measure { #expect(!matcher.matches(value)) }
            #expect(elapsed < .seconds(5), "pattern \(pattern)")
        }
    }

    @Test("What needs backtracking is refused with a reason")
    func refused() {
        for (pattern, words) in [("(a)\\1", "back-references"), ("(?=a)a", "look-around"), ("a\\b", "\\b"), ("a++", "possessive"),
                                 ("[a-", "never closed"), ("(a", "never closed"), ("a{2000}", "above 1000"), ("*a", "nothing to repeat"),
                                 ("a{3,2}", "below the minimum"), ("z-a", ""), ("[z-a]", "backwards")] {
            do {
                _ = try LinearPattern(pattern)
                #expect(words.isEmpty, "pattern \(pattern) should be refused")
            } catch {
                #expect(!words.isEmpty && error.reason.contains(words), "pattern \(pattern): \(error.reason)")
            }
        }
    }
}
