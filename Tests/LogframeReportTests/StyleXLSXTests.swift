import Foundation
import Testing
import LogframeCore
import LogframeReport
import ZIPFoundation

/// XLSX per style: no byte goldens (the package is checked in LogframeXLSXTests), but for every
/// style on the sample programme, every figure of every table lands in its sheet as a real
/// number with the exact value, and no text cell could be taken for a formula.
@Suite("Report styles: XLSX cells")
struct StyleXLSXTests {
    static let cases: [(style: String, language: String)] = ReportStyles.all.map { ($0, "en") } + [("eu", "az")]

    @Test("Numeric cells are numbers with the exact value; no text cell starts like a formula", arguments: 0..<cases.count)
    func cells(_ index: Int) throws {
        let c = Self.cases[index]
        let input = try Sample.fixture().input(asOf: "2021-09-30", language: c.language)
        let document = ReportStyles.build(style: c.style, input: input)
        let parts = try Self.unzip(XLSXRenderer.render(document))
        let strings = try #require(parts["xl/sharedStrings.xml"].map(Self.sharedStrings))
        let label = "\(c.style).\(c.language)"

        // The tables in the order the renderer gives them sheets: sections, then notes. Sheet 1 is
        // the summary; table i is sheet i + 2.
        let notesHeading = c.language == "az" ? "Qeydlər" : "Notes"
        var tables: [(table: Table, heading: String)] = []
        for section in document.sections {
            for case .table(let table) in section.blocks { tables.append((table, section.heading)) }
        }
        for case .table(let table) in document.notes { tables.append((table, notesHeading)) }
        #expect(!tables.isEmpty, "\(label): no table")

        var numericCells = 0
        for (i, entry) in tables.enumerated() {
            let sheetPath = "xl/worksheets/sheet\(i + 2).xml"
            let sheet = try #require(parts[sheetPath], "\(label): \(sheetPath) missing")
            let cells = Self.cells(sheet)
            // Title lines (the heading and the caption, when they say something), then the header rows.
            var titles: [String] = []
            for line in [entry.heading, entry.table.caption] {
                if let line, !line.isEmpty, !titles.contains(line) { titles.append(line) }
            }
            let bodyStart = titles.count + entry.table.header.count
            for (r, row) in entry.table.rows.enumerated() {
                for (col, cell) in row.cells.enumerated() {
                    let value: ExactDecimal
                    switch cell {
                    case .number(let v, _), .percent(let v, _), .change(let v, _, _), .progress(let v, _): value = v
                    default: continue
                    }
                    numericCells += 1
                    let ref = Self.ref(row: bodyStart + r, column: col)
                    let where_ = "\(label) table \(entry.table.name) row \(r) column \(col) (\(ref))"
                    guard let xml = cells[ref] else {
                        Issue.record("\(where_): no cell in \(sheetPath)")
                        continue
                    }
                    let type = Self.attribute("t", in: xml)
                    #expect(type == nil || type == "n", "\(where_): written as t=\"\(type ?? "")\", not a number: \(xml)")
                    let v = Self.value(xml)
                    #expect(v == value.description, "\(where_): <v>\(v ?? "none")</v>, expected exactly \(value.description)")
                    #expect(v.flatMap { ExactDecimal(parsing: $0) } == value, "\(where_): <v> does not parse back to \(value)")
                }
            }
        }
        #expect(numericCells > 0, "\(label): no numeric cell checked")

        // Every text cell of every sheet (summary included).
        for (path, sheet) in parts where path.hasPrefix("xl/worksheets/sheet") {
            for (ref, xml) in Self.cells(sheet) where Self.attribute("t", in: xml) != nil && Self.attribute("t", in: xml) != "n" {
                #expect(Self.attribute("t", in: xml) == "s", "\(label) \(path) \(ref): unexpected cell type: \(xml)")
                guard let v = Self.value(xml), let id = Int(v), id < strings.count else {
                    Issue.record("\(label) \(path) \(ref): bad shared-string reference: \(xml)")
                    continue
                }
                let text = strings[id]
                if let first = text.unicodeScalars.first {
                    #expect(!"=+-@".unicodeScalars.contains(first), "\(label) \(path) \(ref): text starts like a formula: \(text)")
                }
            }
        }
    }

    // MARK: - Reading the package

    static func unzip(_ data: Data) throws -> [String: String] {
        let archive = try Archive(data: data, accessMode: .read)
        var parts: [String: String] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            parts[entry.path] = String(decoding: bytes, as: UTF8.self)
        }
        return parts
    }

    /// `A1`-style reference of a 0-based row and column.
    static func ref(row: Int, column: Int) -> String {
        var letters = ""
        var n = column + 1
        while n > 0 {
            let r = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + r))) + letters
            n = (n - 1) / 26
        }
        return "\(letters)\(row + 1)"
    }

    /// Every `<c r="..." ...>...</c>` or `<c .../>` element of a sheet, by reference.
    static func cells(_ sheet: String) -> [String: String] {
        var out: [String: String] = [:]
        var rest = sheet[...]
        while let start = rest.range(of: "<c r=\"") {
            let tail = rest[start.lowerBound...]
            guard let close = tail.range(of: ">") else { break }
            let element: Substring
            if tail[..<close.upperBound].hasSuffix("/>") {
                element = tail[..<close.upperBound]
            } else if let end = tail.range(of: "</c>") {
                element = tail[..<end.upperBound]
            } else { break }
            if let ref = attribute("r", in: String(element)) { out[ref] = String(element) }
            rest = tail[element.endIndex...]
        }
        return out
    }

    /// An attribute's value in an element's start tag.
    static func attribute(_ name: String, in element: String) -> String? {
        let tag = element.prefix(while: { $0 != ">" })
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        let after = tag[start.upperBound...]
        guard let end = after.firstIndex(of: "\"") else { return nil }
        return String(after[..<end])
    }

    static func value(_ element: String) -> String? {
        guard let v = element.range(of: "<v>"), let e = element.range(of: "</v>") else { return nil }
        return String(element[v.upperBound..<e.lowerBound])
    }

    /// The shared strings in order, XML entities decoded (`_xHHHH_` escapes are left as they are:
    /// they never start a string that matters here).
    static func sharedStrings(_ sst: String) -> [String] {
        sst.components(separatedBy: "<si>").dropFirst().map { item in
            guard let open = item.range(of: ">"), let close = item.range(of: "</t>") else { return "" }
            return String(item[open.upperBound..<close.lowerBound])
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#13;", with: "\r")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }
}
