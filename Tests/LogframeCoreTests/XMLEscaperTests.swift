import Testing
import LogframeCore

/// The one XML escaper, with each output's rules: one line per case.
@Suite("XML escaper")
struct XMLEscaperTests {
    static let text = "a&b<c>d\"e'f\rg\nh\ti\u{1B}j\u{202E}k\u{FFFE}l"

    @Test("Each output's rules", arguments: [
        ("html", XMLEscaper.html, "a&amp;b&lt;c&gt;d&quot;e&#39;f\u{FFFD}g\nh\ti\u{FFFD}j\u{FFFD}k\u{FFFE}l"),
        ("xlsx content", XMLEscaper.xlsxContent, "a&amp;b&lt;c&gt;d\"e'f&#13;g\nh\ti\u{1B}j\u{202E}k\u{FFFE}l"),
        ("xlsx attribute", XMLEscaper.xlsxAttribute, "a&amp;b&lt;c&gt;d&quot;e'f&#13;g&#10;h&#9;i\u{1B}j\u{202E}k\u{FFFE}l"),
        ("junit", XMLEscaper.junit, "a&amp;b&lt;c&gt;d&quot;e&apos;f\rg\nh\ti\u{FFFD}j\u{202E}k\u{FFFD}l"),
    ])
    func rules(name: String, escaper: XMLEscaper, expected: String) {
        #expect(escaper.escape(Self.text) == expected, "\(name)")
    }

    @Test("Text with nothing to escape is unchanged")
    func plain() {
        for escaper in [XMLEscaper.html, .xlsxContent, .xlsxAttribute, .junit] {
            #expect(escaper.escape("Ağcabədi 12,5 %") == "Ağcabədi 12,5 %")
        }
    }
}
