import Foundation
import Testing
import LogframeCore
import LogframeEngine
import LogframeReport

@Suite("Report styles: escaping, n/a, number formats")
struct SafetyTests {
    static let hostile = """
    logframe: 1
    programme:
      id: H
      title: "<script>alert(1)</script>"
      donor: EU
      start: 2021-01-01
      end: 2021-12-31
    sources:
      s:
        path: s.csv
        key: id
        date: date
        fields:
          id: text
          date: date
          who: text
    results:
      - id: OC1
        level: outcome
        title: "<script>alert(1)</script> | pipes | *bold* [link](http://x)"
        indicators:
          - id: OC1.1
            title: '=HYPERLINK("http://evil.example","click")'
            unit: "| pipes"
            source: s
            value: count()
            target: {value: 10, date: 2021-12-31}
            means_of_verification: "@SUM(A1:A9)"
            assumptions: "-2+3"
          - id: OC1.2
            title: Ratio with an empty denominator
            sdg: [16.7.1]
            source: s
            value: percent(count(where who == "a"), count(where who == "nobody"))
    """
    static let rows = "id,date,who\n1,2021-03-01,a\n2,2021-05-01,b\n"

    func document(_ style: String, language: String = "en") throws -> ReportDocument {
        let fixture = try Fixture(Self.hostile, files: ["s.csv": Self.rows])
        return ReportStyles.build(style: style, input: fixture.input(asOf: "2021-12-31", language: language))
    }

    @Test("Hostile labels are escaped in Markdown", arguments: ReportStyles.all)
    func markdownEscapes(style: String) throws {
        let md = MarkdownRenderer.render(try document(style))
        #expect(!md.contains("<script>"))
        #expect(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        if style != "sdg" { #expect(md.contains("\\| pipes")) }  // sdg shows neither result titles nor units
        #expect(md.components(separatedBy: "| pipes").dropLast().allSatisfy { $0.hasSuffix("\\") }, "an unescaped pipe would split the table cell")
        #expect(!md.contains("[link](http://x)"))
    }

    @Test("Formula-like text is neutralised in CSV; real numbers stay numbers", arguments: ReportStyles.all)
    func csvNeutralises(style: String) throws {
        let csv = CSVRenderer.render(try document(style))
        #expect(!csv.isEmpty)
        for line in csv.split(separator: "\r\n") {
            for field in fields(String(line)) {
                if let first = field.first, "=+-@".contains(first) {
                    #expect(Double(field) != nil, "\(style): \(field) would run as a formula")
                }
            }
        }
        if style == "pirs" { #expect(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"")) }
    }

    @Test("CSV cells: neutralise, quote, and keep negative numbers")
    func csvCells() {
        #expect(CSVRenderer.neutralise("=1+1") == "'=1+1")
        #expect(CSVRenderer.neutralise("+1") == "'+1")
        #expect(CSVRenderer.neutralise("-1") == "'-1")
        #expect(CSVRenderer.neutralise("@A1") == "'@A1")
        #expect(CSVRenderer.neutralise("\tx") == "'\tx")
        #expect(CSVRenderer.neutralise("plain") == "plain")
        let table = Table(name: "t", header: [[HeaderCell("a"), HeaderCell("b"), HeaderCell("c")]],
                          rows: [Row(.data, [.number(ExactDecimal(-3), decimals: 0), .text("x,\"y\""), .notAvailable])])
        let document = ReportDocument(style: "t", language: "en", title: "t", subtitle: [], sections: [Section(heading: "s", blocks: [.table(table)])], notes: [])
        #expect(CSVRenderer.render(document) == "a,b,c\r\n-3,\"x,\"\"y\"\"\",n/a\r\n")
    }

    @Test("A ratio over an empty denominator is n/a, never 0", arguments: ReportStyles.all)
    func nullIsNotZero(style: String) throws {
        let doc = try document(style)
        let md = MarkdownRenderer.render(doc)
        let line = try #require(md.split(separator: "\n").first { $0.contains("OC1.2") && $0.hasPrefix("|") })
        #expect(line.contains("n/a"))
        #expect(!line.contains("| 0 |") && !line.contains("| 0.0% |") && !line.contains("| 0% |"))
    }

    @Test("Azerbaijani numbers: 1 234,5 with a no-break space; English 1,234.5")
    func numberFormats() {
        let value = ExactDecimal(parsing: "1234.5")!
        let az = DisplayFormat(language: "az")
        #expect(az.number(value) == "1\u{00A0}234,50")
        #expect(az.number(value, decimals: 1) == "1\u{00A0}234,5")
        #expect(az.number(ExactDecimal(1_234_567), decimals: 0) == "1\u{00A0}234\u{00A0}567")
        #expect(DisplayFormat(language: "en").number(value, decimals: 1) == "1,234.5")
        #expect(DisplayFormat(language: "en").number(nil) == "n/a")
        #expect(DisplayFormat(language: "az").date(CivilDate(iso: "2021-09-30")!) == "30.09.2021")
    }

    @Test("Markdown in Azerbaijani groups thousands with a no-break space")
    func markdownAzerbaijani() {
        let table = Table(name: "t", header: [[HeaderCell("a")]], rows: [Row(.data, [.number(ExactDecimal(parsing: "12345.67")!, decimals: 1)])])
        let document = ReportDocument(style: "t", language: "az", title: "t", subtitle: [], sections: [Section(heading: "s", blocks: [.table(table)])], notes: [])
        #expect(MarkdownRenderer.render(document).contains("| 12\u{00A0}345,7 |"))
        #expect(CSVRenderer.render(document) == "a\r\n12345.7\r\n")
    }

    @Test("Every label has an Azerbaijani text")
    func labels() {
        for key in LabelKey.allCases {
            #expect(!Localization.text(key, "az").isEmpty, "\(key)")
            #expect(!Localization.text(key, "en").isEmpty, "\(key)")
        }
    }

    /// RFC 4180 fields of one line.
    func fields(_ line: String) -> [String] {
        var out: [String] = [], current = "", quoted = false
        var chars = Array(line)[...]
        while let ch = chars.popFirst() {
            if quoted {
                if ch == "\"" { if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false } } else { current.append(ch) }
            } else if ch == "\"" { quoted = true } else if ch == "," { out.append(current); current = "" } else { current.append(ch) }
        }
        out.append(current)
        return out
    }
}
