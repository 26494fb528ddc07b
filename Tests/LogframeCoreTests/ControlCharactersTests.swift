import Testing
@testable import LogframeCore

@Suite("Control characters and lengths in printed text")
struct ControlCharactersTests {
    @Test("Line breaks, ESC/OSC, C1 controls and bidi overrides become visible escapes")
    func escapes() {
        #expect(ControlCharacters.escape("a\nb\r\tc") == "a\\nb\\r\\tc")
        #expect(ControlCharacters.escape("\u{1B}]0;x\u{07}\u{1B}[31m") == "\\u{1B}]0;x\\u{7}\\u{1B}[31m")
        #expect(ControlCharacters.escape("\u{9B}2J \u{202E}txt \u{2028}") == "\\u{9B}2J \\u{202E}txt \\u{2028}")
        #expect(ControlCharacters.escape("Ağcabədi, Füzuli") == "Ağcabədi, Füzuli")
    }

    @Test("Long values are cut with an ellipsis, by Unicode scalars")
    func cuts() {
        #expect(ControlCharacters.quote(String(repeating: "ə", count: 500)) == String(repeating: "ə", count: 200) + "…")
        #expect(ControlCharacters.quote("short") == "short")
        #expect(ControlCharacters.cut("abc", limit: 3) == "abc")
        #expect(ControlCharacters.cut("abcd", limit: 3) == "abc…")
    }

    @Test("Every diagnostic is safe to print, whatever it quotes")
    func diagnostics() {
        let d = Diagnostic.error("field-type", at: SourceLocation(file: "a\n::error::x.csv", line: 1),
                                 "\"x\n::error::injected\" " + String(repeating: "y", count: 10_000), hint: "\u{1B}[2J")
        #expect(!d.message.contains("\n") && d.message.count <= ControlCharacters.messageLimit + 1)
        #expect(d.location?.file == "a\\n::error::x.csv")
        #expect(d.hint == "\\u{1B}[2J")
    }
}
