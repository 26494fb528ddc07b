import Foundation
import Testing
import LogframeCore
import LogframeReport

/// Golden files: every style in Markdown, CSV and HTML (English), and the EU matrix in
/// Azerbaijani in all three. (XLSX is checked cell by cell in `StyleXLSXTests`.)
/// Re-record with `LOGFRAME_RECORD=1 swift test --filter LogframeReportTests`, then read each
/// changed file in `Golden/` before committing it.
@Suite("Report styles: golden files")
struct StyleGoldenTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let record = ProcessInfo.processInfo.environment["LOGFRAME_RECORD"] == "1"

    static let cases: [(style: String, format: String, language: String)] =
        ReportStyles.all.flatMap { style in [(style, "md", "en"), (style, "csv", "en"), (style, "html", "en")] }
        + [("eu", "md", "az"), ("eu", "csv", "az"), ("eu", "html", "az")]

    @Test("Golden", arguments: 0..<cases.count)
    func golden(_ index: Int) throws {
        let c = Self.cases[index]
        let input = try Sample.fixture().input(asOf: "2021-09-30", language: c.language)
        let document = ReportStyles.build(style: c.style, input: input)
        let text: String
        switch c.format {
        case "md": text = MarkdownRenderer.render(document)
        case "csv": text = CSVRenderer.render(document)
        default: text = HTMLRenderer.render(document)
        }
        let name = "\(c.style)\(c.language == "en" ? "" : "." + c.language).\(c.format)"
        let url = Self.goldenDirectory.appendingPathComponent(name)
        if Self.record {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file; re-record with LOGFRAME_RECORD=1 and read the diff")
    }

    @Test("Same inputs, byte-identical output")
    func deterministic() throws {
        let fixture = try Sample.fixture()
        for style in ReportStyles.all {
            let a = MarkdownRenderer.render(ReportStyles.build(style: style, input: fixture.input(asOf: "2021-09-30")))
            let b = MarkdownRenderer.render(ReportStyles.build(style: style, input: fixture.input(asOf: "2021-09-30")))
            #expect(a == b)
        }
    }

    @Test("Default style from the donor")
    func defaultStyle() {
        #expect(ReportStyles.defaultStyle(forDonor: "EU") == "eu")
        #expect(ReportStyles.defaultStyle(forDonor: "UNDP") == "undp")
        #expect(ReportStyles.defaultStyle(forDonor: "UNICEF") == "unicef")
        #expect(ReportStyles.defaultStyle(forDonor: "USAID") == "iptt")
        #expect(ReportStyles.defaultStyle(forDonor: nil) == "iptt")
    }
}
