import Foundation
import Testing
import LogframeCore
import LogframeReport

// The HTML renderer on hand-built documents: safety (no script, no URL, everything escaped),
// n/a never 0, determinism, and a golden file of a small logframe read by eye.
//
// Record the golden file again with `LOGFRAME_RECORD=1 swift test --filter LogframeHTMLTests`.

func d(_ text: String) -> ExactDecimal { ExactDecimal(parsing: text)! }

/// A small EU-like logframe: results-chain bands, numbers, n/a, statuses, progress, a trend and
/// a breakdown, and Azerbaijani place names.
func sampleDocument(language: String = "en", hostile: String? = nil) -> ReportDocument {
    let district = hostile ?? "Ağcabədi, Şirvan, Füzuli"
    let header: [[HeaderCell]] = [
        [HeaderCell("Results chain"), HeaderCell("Indicator"), HeaderCell("Baseline"), HeaderCell("2024", span: 3), HeaderCell("Progress"), HeaderCell("Status")],
        [HeaderCell(""), HeaderCell(""), HeaderCell(""), HeaderCell("Target"), HeaderCell("Actual"), HeaderCell("Date"), HeaderCell(""), HeaderCell("")],
    ]
    let rows: [Row] = [
        Row(.group(depth: 0), [.text("Impact: Children in \(district) live in safer communities"), .spanned, .spanned, .spanned, .spanned, .spanned, .spanned, .spanned]),
        Row(.data, [.text("Imp 1"), .text("Share of households reporting improved access to services"), .percent(d("41.5"), decimals: 1), .percent(d("60"), decimals: 1), .percent(d("52.25"), decimals: 1), .date(CivilDate(year: 2024, month: 12, day: 31)!), .progress(d("87.1"), text: "87.1%"), .status(word: "on track", colour: .green)]),
        Row(.group(depth: 1), [.text("Oc 1 Legal aid reaches women and children in \(district)"), .spanned, .spanned, .spanned, .spanned, .spanned, .spanned, .spanned]),
        Row(.data, [.text("Oc 1.1"), .text("People receiving legal aid (Ağcabədi, Şirvan, Füzuli)"), .number(d("0"), decimals: 0), .number(d("1200"), decimals: 0), .number(d("1385"), decimals: 0), .date(CivilDate(year: 2024, month: 12, day: 31)!), .progress(d("115.4"), text: "115.4%"), .status(word: "achieved", colour: .blue)]),
        Row(.data, [.text("Oc 1.2"), .text("Average hours of counselling per client"), .notAvailable, .number(d("4.5"), decimals: 2), .number(d("2.125"), decimals: 2), .date(CivilDate(year: 2024, month: 9, day: 30)!), .progress(d("47.2"), text: "47.2%"), .status(word: "off track", colour: .red)]),
        Row(.group(depth: 2), [.text("Op 1.1 Mobile legal clinics operate in \(district)"), .spanned, .spanned, .spanned, .spanned, .spanned, .spanned, .spanned]),
        Row(.data, [.text("Op 1.1.1"), .text("Mobile clinic sessions held"), .number(d("0"), decimals: 0), .number(d("96"), decimals: 0), .number(d("61"), decimals: 0), .date(CivilDate(year: 2024, month: 12, day: 31)!), .progress(d("63.5"), text: "63.5%"), .status(word: "at risk", colour: .amber)]),
        Row(.data, [.text("Op 1.1.2"), .text("Staff trained on child-friendly procedures"), .number(d("0"), decimals: 0), .notAvailable, .notAvailable, .empty, .progress(d("0"), text: "n/a"), .status(word: "no data", colour: .grey)]),
        Row(.total, [.text(""), .text("Total people reached"), .number(d("0"), decimals: 0), .number(d("12000"), decimals: 0), .number(d("13850.5"), decimals: 1), .empty, .empty, .empty]),
    ]
    let table = Table(name: "logframe", caption: "Logical framework: \(district)", header: header, rows: rows,
                      footnotes: ["n/a: no data for the period (never counted as 0).", "People reached in several districts are counted once."])
    let trend = Chart(kind: .trend, title: "People receiving legal aid by quarter", points: [
        (label: "Q1 2024", value: d("310")), (label: "Q2 2024", value: d("720")), (label: "Q3 2024", value: nil), (label: "Q4 2024", value: d("1385")),
    ], targets: [d("300"), d("600"), d("900"), d("1200")])
    let bars = Chart(kind: .bars, title: "People receiving legal aid by district", points: [
        (label: "Ağcabədi", value: d("512")), (label: "Şirvan", value: d("431")), (label: "Füzuli", value: d("442")), (label: hostile ?? "İsmayıllı (not yet started)", value: nil),
    ])
    return ReportDocument(
        style: "eu", language: language, title: "Access to Justice for Children: progress report",
        subtitle: ["Programme AJC-2024", "Donor: European Union", "Implementer: Hüquqi Yardım İctimai Birliyi", "1 Jan 2024 to 31 Dec 2024"],
        sections: [
            Section(heading: "Logical framework", level: 0, blocks: [.paragraph("Figures as of 31 Dec 2024 for \(district)."), .table(table)]),
            Section(heading: "Oc 1.1 People receiving legal aid", level: 1, blocks: [
                .definitionList([(term: "Definition", description: "Distinct people who received at least one legal aid service."), (term: "Districts", description: district)]),
                .chart(trend), .chart(bars),
            ]),
        ],
        notes: [.paragraph("Rows read 1,412 = used 1,385 + rejected 27."), .paragraph("legal-aid.csv SHA-256 3f2a…")])
}

@Suite struct HTMLRendererTests {
    @Test func isOneSelfContainedHTML5File() {
        let html = HTMLRenderer.render(sampleDocument())
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("javascript:"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("\"//") && !html.contains("'//") && !html.contains("url("))
        #expect(!html.lowercased().contains("<link") && !html.lowercased().contains("@import"))
        #expect(html.contains("size: A4 landscape;"))
        #expect(html.contains("thead { display: table-header-group; }"))
    }

    @Test func azerbaijaniLanguageAndNumbers() {
        let html = HTMLRenderer.render(sampleDocument(language: "az"))
        #expect(html.contains("<html lang=\"az\">"))
        #expect(html.contains("Ağcabədi, Şirvan, Füzuli"))
        #expect(html.contains(">13\u{00A0}850,5</td>"), "Azerbaijani thousands are separated by a no-break space")
        #expect(html.contains(">31.12.2024</time>"))
        #expect(html.contains(">Qeydlər</h2>"))
    }

    @Test func tableStructure() {
        let html = HTMLRenderer.render(sampleDocument())
        #expect(html.contains("<thead>"))
        // "2024" spans its three leaf columns; blank cells under single headers merge into a rowspan.
        #expect(html.contains("<th scope=\"col\" colspan=\"3\" class=\"span\">2024</th>"))
        #expect(html.contains("<th scope=\"col\" rowspan=\"2\">Indicator</th>"))
        #expect(html.contains("<th scope=\"col\" rowspan=\"2\" class=\"num\">Baseline</th>"))
        // A group row spans the table.
        #expect(html.contains("<tr class=\"group d0\"><td colspan=\"8\">Impact: Children"))
        #expect(html.contains("<td class=\"num\">1,385</td>"))
        #expect(html.contains("<td class=\"num\">52.3%</td>"))
        #expect(html.contains("<span class=\"pill red\">off track</span>"))
        #expect(html.contains("<time datetime=\"2024-12-31\">31 Dec 2024</time>"))
    }

    @Test func notAvailableIsNeverZero() {
        let html = HTMLRenderer.render(sampleDocument())
        #expect(html.contains("<td class=\"num na\">n/a</td>"))
        // The Q3 gap of the trend and the district without data are written as n/a.
        #expect(html.components(separatedBy: "font-style=\"italic\" fill=\"#8a96a6\">n/a</text>").count == 3)
    }

    @Test func progressBarIsCappedAt100() {
        let html = HTMLRenderer.render(sampleDocument())
        #expect(html.contains("aria-label=\"115.4%\"><rect x=\"0\" y=\"0\" width=\"100\" height=\"10\" rx=\"2\" fill=\"#e3e8ee\"/><rect x=\"0\" y=\"0\" width=\"100\" "))
        #expect(html.contains("<span class=\"value\">115.4%</span>"))
    }

    @Test(arguments: ["<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>", "'><script>alert(1)</script>"])
    func hostileTextIsEscapedEverywhere(_ hostile: String) {
        let html = HTMLRenderer.render(sampleDocument(hostile: hostile))
        #expect(!html.contains(hostile))
        #expect(!html.lowercased().contains("<img"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<svg onload"))
        let escaped = HTMLRenderer.escape(hostile)
        #expect(escaped.contains("&lt;") && !escaped.contains("<") && !escaped.contains(">"))
        // In table cells, captions, paragraphs, definition lists and SVG <text> alike.
        #expect(html.contains("<td colspan=\"8\">Impact: Children in \(escaped) live"))
        #expect(html.contains("<caption>Logical framework: \(escaped)</caption>"))
        #expect(html.contains("<dd>\(escaped)</dd>"))
        #expect(html.contains("fill=\"#1b1f24\">\(escaped)</text>"))
        // Every '<' in the output opens one of the renderer's own tags.
        let allowed = Set(["!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "ul", "li", "main", "section", "p", "div", "table", "caption", "thead", "tr", "th", "tbody", "td", "span", "svg", "rect", "time", "dl", "dt", "dd", "figure", "figcaption", "line", "text", "polyline", "path", "circle", "footer"])
        for piece in html.split(separator: "<").dropFirst() {
            let name = piece.prefix { $0 != " " && $0 != ">" && $0 != "\n" && $0 != "/" }
            if piece.hasPrefix("/") { continue }
            #expect(allowed.contains(String(name)), "unexpected tag <\(name)")
        }
    }

    @Test func escapeCoversTheFiveCharacters() {
        #expect(HTMLRenderer.escape("a & b < c > d \" e ' f") == "a &amp; b &lt; c &gt; d &quot; e &#39; f")
        #expect(HTMLRenderer.escape("Ağcabədi İ ı ş ğ ə") == "Ağcabədi İ ı ş ğ ə")
    }

    @Test func outputIsDeterministic() {
        let first = HTMLRenderer.render(sampleDocument())
        for _ in 0..<3 { #expect(HTMLRenderer.render(sampleDocument()) == first) }
    }

    @Test func emptyDocumentStillRenders() {
        let html = HTMLRenderer.render(ReportDocument(style: "x\" onload=\"y", language: "en", title: "", subtitle: [], sections: [], notes: []))
        #expect(html.contains("<body class=\"report-xonloady\">"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test func goldenSample() throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/sample-en.html")
        let html = HTMLRenderer.render(sampleDocument())
        if ProcessInfo.processInfo.environment["LOGFRAME_RECORD"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try html.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(html == expected, "HTML differs from Golden/sample-en.html; record with LOGFRAME_RECORD=1 and read the diff")
    }
}
