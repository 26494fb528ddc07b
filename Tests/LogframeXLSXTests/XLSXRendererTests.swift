import Foundation
import LogframeCore
import Testing
import ZIPFoundation
@testable import LogframeReport

/// A hand-built document with every kind of cell, hostile text and non-ASCII text.
func sampleDocument() -> ReportDocument {
    let d = { (text: String) in ExactDecimal(parsing: text)! }
    let header: [[HeaderCell]] = [
        [HeaderCell("Indicator"), HeaderCell("Baseline"), HeaderCell("2024", span: 3), HeaderCell("Status"), HeaderCell("Note")],
        [HeaderCell(""), HeaderCell(""), HeaderCell("Target"), HeaderCell("Actual"), HeaderCell("% met"), HeaderCell(""), HeaderCell("")],
    ]
    let rows: [Row] = [
        Row(.group(depth: 0), [.text("Outcome 1: Ağcabədi"), .spanned, .spanned, .spanned, .spanned, .spanned, .spanned]),
        Row(.data, [.text("Children vaccinated"), .number(d("1200"), decimals: 0), .number(d("1500"), decimals: 0),
             .number(d("1048.5"), decimals: 1), .percent(d("69.875"), decimals: 1),
             .status(word: "at risk", colour: .amber), .text("=HYPERLINK(\"http://x\",\"y\")")]),
        Row(.data, [.text("Ağcabədi rayonu"), .notAvailable, .number(d("-3.25"), decimals: 2), .number(d("0"), decimals: 0),
             .progress(d("42.5"), text: "42.5%"), .status(word: "off track", colour: .red), .text("+1")]),
        Row(.data, [.text("@SUM(A1)"), .empty, .number(d("7"), decimals: 0), .date(CivilDate(year: 2024, month: 3, day: 31)!),
             .notAvailable, .status(word: "no data", colour: .grey), .text("-2")]),
        Row(.total, [.text("Total"), .number(d("1200"), decimals: 0), .number(d("1503.75"), decimals: 2),
                     .number(d("1048.5"), decimals: 1), .empty, .empty, .text("tab\there & <there> _x0041_ \u{1}bell")]),
    ]
    let table = Table(name: "logframe", caption: "Results framework", header: header, rows: rows,
                      footnotes: ["n/a: no data for the period."])
    let second = Table(name: "a/b:c*d?e[f]g\\h-very-long-name-beyond-31-chars", header: [[HeaderCell("Code"), HeaderCell("Value")]],
                       rows: [Row(.data, [.text("-2"), .number(d("-2"), decimals: 0)])])
    let duplicate = Table(name: "logframe", header: [[HeaderCell("x")]], rows: [Row(.data, [.percent(d("100"), decimals: 0)])])
    return ReportDocument(
        style: "undp", language: "en", title: "Ağcabədi programme: results", subtitle: ["Programme AZ-01", "=cmd|' /C calc'!A0"],
        sections: [
            Section(heading: "Outcome 1", blocks: [.paragraph("Progress to date."), .table(table)]),
            Section(heading: "Reference", level: 1, blocks: [
                .definitionList([(term: "Definition", description: "Share of children (Ağcabədi)")]),
                .table(second), .table(duplicate),
                .chart(Chart(kind: .trend, title: "Trend", points: [(label: "Q1", value: d("10.5")), (label: "Q2", value: nil)],
                             targets: [d("12"), nil])),
            ]),
        ],
        notes: [.paragraph("Rows read 10, rejected 1."), .paragraph("-- input sha256 abc")])
}

/// Every entry of the package, by path, as text.
func unzip(_ data: Data) throws -> [String: String] {
    let archive = try Archive(data: data, accessMode: .read)
    var parts: [String: String] = [:]
    for entry in archive {
        var bytes = Data()
        _ = try archive.extract(entry) { bytes.append($0) }
        parts[entry.path] = String(decoding: bytes, as: UTF8.self)
    }
    return parts
}

/// The `<c ...>...</c>` or `<c .../>` element of one cell reference.
func cellXML(_ sheet: String, _ ref: String) -> String? {
    guard let start = sheet.range(of: "<c r=\"\(ref)\"") else { return nil }
    let rest = sheet[start.lowerBound...]
    guard let close = rest.range(of: ">") else { return nil }
    if rest[..<close.upperBound].hasSuffix("/>") { return String(rest[..<close.upperBound]) }
    guard let end = rest.range(of: "</c>") else { return nil }
    return String(rest[..<end.upperBound])
}

/// The shared string a text cell refers to.
func sharedString(_ parts: [String: String], _ cell: String) -> String? {
    guard cell.contains("t=\"s\""), let v = cell.range(of: "<v>"), let e = cell.range(of: "</v>"),
          let index = Int(cell[v.upperBound..<e.lowerBound]) else { return nil }
    let sst = parts["xl/sharedStrings.xml"]!
    let items = sst.components(separatedBy: "<si>").dropFirst()
    let item = Array(items)[index]
    let open = item.range(of: ">")!  // end of <t ...>
    let close = item.range(of: "</t>")!
    return String(item[open.upperBound..<close.lowerBound])
}

@Suite("XLSX renderer")
struct XLSXRendererTests {
    @Test func packageHasTheMinimalParts() throws {
        let parts = try unzip(XLSXRenderer.render(sampleDocument()))
        for path in ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                     "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"] {
            #expect(parts[path] != nil, "missing \(path)")
        }
        #expect(parts["xl/worksheets/sheet5.xml"] == nil)
        #expect(!parts["docProps/core.xml"]!.contains("dcterms:created"))
    }

    @Test func sheetNamesAreLegalShortAndUnique() throws {
        let workbook = try unzip(XLSXRenderer.render(sampleDocument()))["xl/workbook.xml"]!
        #expect(workbook.contains("<sheet name=\"Summary\" sheetId=\"1\""))
        #expect(workbook.contains("<sheet name=\"logframe\" sheetId=\"2\""))
        #expect(workbook.contains("<sheet name=\"a_b_c_d_e_f_g_h-very-long-name-\" sheetId=\"3\""))
        #expect(workbook.contains("<sheet name=\"logframe (2)\" sheetId=\"4\""))
        #expect(workbook.contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">'logframe'!$3:$4</definedName>"))
    }

    @Test func numbersAreRealNumericCells() throws {
        let parts = try unzip(XLSXRenderer.render(sampleDocument()))
        let sheet = parts["xl/worksheets/sheet2.xml"]!
        // Rows: 1 section heading, 2 caption, 3-4 header, 5 group, 6-8 data, 9 total.
        #expect(cellXML(sheet, "B6")!.contains("t=\"n\"><v>1200</v>"))
        #expect(cellXML(sheet, "D6")!.contains("t=\"n\"><v>1048.5</v>"))
        #expect(cellXML(sheet, "E6")!.contains("t=\"n\"><v>69.875</v>"))
        #expect(cellXML(sheet, "C7")!.contains("t=\"n\"><v>-3.25</v>"), "a real negative number is a number, not neutralised")
        #expect(cellXML(sheet, "E7")!.contains("t=\"n\"><v>42.5</v>"))
        #expect(cellXML(sheet, "D8")!.contains("t=\"n\"><v>45382</v>"), "2024-03-31 as a date serial")
        #expect(sharedString(parts, cellXML(sheet, "B7")!) == "n/a")
        #expect(sharedString(parts, cellXML(sheet, "F6")!) == "at risk")
        #expect(!sheet.contains("<f>"))
        // Number formats for each decimals count, percent as a literal % on percentage points.
        let styles = parts["xl/styles.xml"]!
        #expect(styles.contains("formatCode=\"#,##0\""))
        #expect(styles.contains("formatCode=\"#,##0.0\""))
        #expect(styles.contains("formatCode=\"#,##0.00\""))
        #expect(styles.contains("formatCode=\"#,##0.0&quot;%&quot;\""))
        #expect(styles.contains("formatCode=\"yyyy-mm-dd\""))
    }

    @Test func hostileTextIsNeutralised() throws {
        let parts = try unzip(XLSXRenderer.render(sampleDocument()))
        let sheet = parts["xl/worksheets/sheet2.xml"]!
        #expect(sharedString(parts, cellXML(sheet, "G6")!) == "'=HYPERLINK(\"http://x\",\"y\")")
        #expect(sharedString(parts, cellXML(sheet, "G7")!) == "'+1")
        #expect(sharedString(parts, cellXML(sheet, "G8")!) == "'-2")
        #expect(sharedString(parts, cellXML(sheet, "A8")!) == "'@SUM(A1)")
        // XML escaping, illegal control characters stripped, literal _xHHHH_ escaped.
        #expect(sharedString(parts, cellXML(sheet, "G9")!) == "tab\there &amp; &lt;there&gt; _x005F_x0041_ bell")
        // The same text as a number column stays a number; as text it is neutralised.
        let third = parts["xl/worksheets/sheet3.xml"]!
        #expect(sharedString(parts, cellXML(third, "A3")!) == "'-2")
        #expect(cellXML(third, "B3")!.contains("t=\"n\"><v>-2</v>"))
        // The summary: subtitle line that looks like a DDE payload, and a note.
        let summary = parts["xl/worksheets/sheet1.xml"]!
        #expect(sharedString(parts, cellXML(summary, "A3")!) == "'=cmd|' /C calc'!A0")
    }

    @Test func azerbaijaniTextSurvives() throws {
        let parts = try unzip(XLSXRenderer.render(sampleDocument()))
        let sheet = parts["xl/worksheets/sheet2.xml"]!
        #expect(sharedString(parts, cellXML(sheet, "A5")!) == "Outcome 1: Ağcabədi")
        #expect(sharedString(parts, cellXML(sheet, "A7")!) == "Ağcabədi rayonu")
        #expect(parts["docProps/core.xml"]!.contains("<dc:title>Ağcabədi programme: results</dc:title>"))
    }

    @Test func headersMergeAndFreeze() throws {
        let sheet = try unzip(XLSXRenderer.render(sampleDocument()))["xl/worksheets/sheet2.xml"]!
        #expect(sheet.contains("<pane ySplit=\"4\" topLeftCell=\"A5\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        // "2024" over three columns; single headers merged down over the empty cell below.
        for merge in ["C3:E3", "A3:A4", "B3:B4", "F3:F4", "G3:G4", "A5:G5"] {
            #expect(sheet.contains("<mergeCell ref=\"\(merge)\"/>"), "missing merge \(merge)")
        }
        #expect(sheet.contains("<cols>"))
    }

    @Test func sameDocumentGivesSameBytes() throws {
        let a = try XLSXRenderer.render(sampleDocument())
        let b = try XLSXRenderer.render(sampleDocument())
        #expect(a == b)
        #expect(a.starts(with: [0x50, 0x4B, 0x03, 0x04]))
    }

    @Test func sheetNameRules() {
        var taken: Set<String> = []
        #expect(XLSXText.sheetName("Summary", fallback: "S", taken: &taken) == "Summary")
        #expect(XLSXText.sheetName("summary", fallback: "S", taken: &taken) == "summary (2)")
        #expect(XLSXText.sheetName("'quoted'", fallback: "S", taken: &taken) == "quoted")
        #expect(XLSXText.sheetName("History", fallback: "Table 3", taken: &taken) == "Table 3")
        #expect(XLSXText.sheetName("", fallback: "Table 4", taken: &taken) == "Table 4")
        let long = String(repeating: "ə", count: 40)
        #expect(XLSXText.sheetName(long, fallback: "S", taken: &taken).count == 31)
        #expect(XLSXText.sheetName(long, fallback: "S", taken: &taken) == String(repeating: "ə", count: 27) + " (2)")
        #expect(XLSXText.column(0) == "A" && XLSXText.column(25) == "Z" && XLSXText.column(26) == "AA" && XLSXText.column(701) == "ZZ")
    }

    /// The independent read-back: Tests/xlsx/test_xlsx.py (openpyxl; LibreOffice when installed)
    /// on the sample workbook. Runs where python3 has openpyxl and pytest (.ci/run installs them).
    @Test(.enabled(if: PythonCheck.available, "python3 with openpyxl and pytest"))
    func openpyxlReadsTheSample() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("logframe-xlsx-\(getpid()).xlsx")
        defer { try? FileManager.default.removeItem(at: path) }
        try XLSXRenderer.render(sampleDocument()).write(to: path)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("xlsx/test_xlsx.py")
        let (status, output) = try PythonCheck.run(["-m", "pytest", "-q", "-p", "no:cacheprovider", script.path,
                                                     "-k", "not cli"], environment: ["LOGFRAME_XLSX": path.path])
        #expect(status == 0, "\(output)")
    }

    /// Writes the sample workbook where the pytest check (Tests/xlsx) asks for it.
    @Test func writesSampleWhenAsked() throws {
        guard let path = ProcessInfo.processInfo.environment["LOGFRAME_XLSX_OUT"], !path.isEmpty else { return }
        try XLSXRenderer.render(sampleDocument()).write(to: URL(fileURLWithPath: path))
    }
}

enum PythonCheck {
    static let available: Bool = {
        (try? run(["-c", "import openpyxl, pytest"]).status) == 0
    }()

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
