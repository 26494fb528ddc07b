// One worksheet of the XLSX renderer, built cell by cell and written as SpreadsheetML
// (xl/worksheets/sheetN.xml), plus the shared-strings table every sheet writes into.

/// The workbook's shared strings (xl/sharedStrings.xml), numbered in order of first use.
final class XLSXSharedStrings {
    private(set) var strings: [String] = []
    private var index: [String: Int] = [:]
    private(set) var references = 0

    func id(_ text: String) -> Int {
        references += 1
        if let i = index[text] { return i }
        strings.append(text)
        index[text] = strings.count - 1
        return strings.count - 1
    }

    var xml: String {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(references)\" uniqueCount=\"\(strings.count)\">"
        for s in strings {
            out += "<si><t xml:space=\"preserve\">" + XLSXText.escape(XLSXText.escapeOOXMLUnderscores(s)) + "</t></si>"
        }
        out += "</sst>"
        return out
    }
}

final class XLSXSheet {
    enum Value {
        /// Already sanitised and neutralised text (see `XLSXText.cellText`).
        case text(String)
        /// Exact decimal text, e.g. `-12.5`.
        case number(String)
        /// Style only (borders, fills of merged or empty cells).
        case none
    }

    struct Cell {
        var value: Value
        var style: Int
    }

    let name: String
    private(set) var rows: [[Int: Cell]] = []
    private var merges: [String] = []
    private var hyperlinks: [(ref: String, location: String, display: String)] = []
    private var widths: [Int: Double] = [:]
    /// Text of cells that wrap, per row: (first column, columns spanned, text), for row heights.
    private var wrapped: [Int: [(column: Int, span: Int, text: String)]] = [:]
    private var fixedWidths: [Int: Double] = [:]
    /// Rows above the scroll area (title and header), frozen; 0 for none.
    var frozenRows = 0
    /// Zero-based rows repeated on every printed page.
    var printTitleRows: ClosedRange<Int>?
    var selected = false

    init(name: String) { self.name = name }

    var rowCount: Int { rows.count }

    func set(_ row: Int, _ column: Int, _ value: Value, style: Int) {
        while rows.count <= row { rows.append([:]) }
        rows[row][column] = Cell(value: value, style: style)
    }

    func merge(row: Int, column: Int, toRow: Int, toColumn: Int) {
        guard toRow > row || toColumn > column else { return }
        merges.append(XLSXText.ref(row: row, column: column) + ":" + XLSXText.ref(row: toRow, column: toColumn))
    }

    /// An internal link from a cell to cell A1 of another sheet.
    func link(row: Int, column: Int, toSheet sheet: String, display: String) {
        hyperlinks.append((XLSXText.ref(row: row, column: column), XLSXText.quotedSheet(sheet) + "!A1", display))
    }

    /// Widens a column to fit `characters` characters of content.
    func fit(column: Int, characters: Int, cap: Int = 60) {
        let width = Double(min(max(characters, 0), cap)) + 2
        widths[column] = max(widths[column] ?? 0, width)
    }

    func setWidth(column: Int, _ width: Double) { fixedWidths[column] = width }

    /// Records a wrapping cell's text, so that its row is made high enough for every line:
    /// Excel does not grow a row for wrapped text when it opens a file, and would show one line.
    func wraps(row: Int, column: Int, span: Int = 1, _ text: String) {
        guard !text.isEmpty else { return }
        wrapped[row, default: []].append((column, max(span, 1), text))
    }

    /// The width a column gets in the file.
    func width(of column: Int) -> Double { fixedWidths[column] ?? max(widths[column] ?? 10, 8) }

    /// Points per line of 11-point Calibri, Excel's default row height.
    static let lineHeight = 15.0

    /// The height a row needs for its wrapped cells, nil for one line. Lines are estimated from
    /// the column widths (about one character per width unit, less a margin, so an estimate errs
    /// on the tall side), each explicit line break starting a new line.
    func height(of row: Int) -> Double? {
        guard let cells = wrapped[row] else { return nil }
        var lines = 1
        for cell in cells {
            let total = (cell.column..<(cell.column + cell.span)).reduce(0.0) { $0 + self.width(of: $1) }
            let perLine = max(1, Int(total * 0.95) - 1)
            let needed = cell.text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { total, line in
                total + Self.lineCount(String(line), perLine: perLine)
            }
            lines = max(lines, needed)
        }
        return lines > 1 ? Double(lines) * Self.lineHeight : nil
    }

    /// Lines a paragraph takes when words wrap at `perLine` characters (a word longer than a
    /// line is cut, as Excel does).
    static func lineCount(_ text: String, perLine: Int) -> Int {
        var lines = 1, used = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(\.count) {
            let needed = used == 0 ? word : used + 1 + word
            if needed <= perLine {
                used = needed
            } else if used == 0 {
                lines += (word - 1) / perLine; used = word % perLine == 0 ? perLine : word % perLine
            } else {
                lines += 1 + (max(word, 1) - 1) / perLine; used = word % perLine == 0 ? perLine : word % perLine
            }
        }
        return lines
    }

    func xml(strings: XLSXSharedStrings) -> String {
        let lastColumn = rows.reduce(0) { max($0, ($1.keys.max() ?? 0)) }
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        // Elements in the order the schema (CT_Worksheet) demands.
        out += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
        out += "<dimension ref=\"A1" + (rows.isEmpty ? "" : ":" + XLSXText.ref(row: rows.count - 1, column: lastColumn)) + "\"/>"
        out += "<sheetViews><sheetView" + (selected ? " tabSelected=\"1\"" : "") + " workbookViewId=\"0\">"
        if frozenRows > 0 {
            let top = XLSXText.ref(row: frozenRows, column: 0)
            out += "<pane ySplit=\"\(frozenRows)\" topLeftCell=\"\(top)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            out += "<selection pane=\"bottomLeft\" activeCell=\"\(top)\" sqref=\"\(top)\"/>"
        }
        out += "</sheetView></sheetViews>"
        out += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        let columns = Set(widths.keys).union(fixedWidths.keys).sorted()
        if !columns.isEmpty {
            out += "<cols>"
            for c in columns {
                let width = fixedWidths[c] ?? max(widths[c] ?? 10, 8)
                out += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(Self.decimal(width))\" customWidth=\"1\"/>"
            }
            out += "</cols>"
        }
        out += "<sheetData>"
        for (r, row) in rows.enumerated() where !row.isEmpty {
            if let height = height(of: r) {
                out += "<row r=\"\(r + 1)\" ht=\"\(Self.decimal(height))\" customHeight=\"1\">"
            } else {
                out += "<row r=\"\(r + 1)\">"
            }
            for c in row.keys.sorted() {
                let cell = row[c]!
                let ref = XLSXText.ref(row: r, column: c)
                let s = cell.style == 0 ? "" : " s=\"\(cell.style)\""
                switch cell.value {
                case .text(let text) where !text.isEmpty:
                    out += "<c r=\"\(ref)\"\(s) t=\"s\"><v>\(strings.id(text))</v></c>"
                case .number(let number):
                    out += "<c r=\"\(ref)\"\(s) t=\"n\"><v>\(number)</v></c>"
                case .text, .none:
                    out += "<c r=\"\(ref)\"\(s)/>"
                }
            }
            out += "</row>"
        }
        out += "</sheetData>"
        if !merges.isEmpty {
            out += "<mergeCells count=\"\(merges.count)\">"
            for m in merges { out += "<mergeCell ref=\"\(m)\"/>" }
            out += "</mergeCells>"
        }
        if !hyperlinks.isEmpty {
            out += "<hyperlinks>"
            for h in hyperlinks {
                out += "<hyperlink ref=\"\(h.ref)\" location=\"\(XLSXText.escape(h.location, attribute: true))\" display=\"\(XLSXText.escape(h.display, attribute: true))\"/>"
            }
            out += "</hyperlinks>"
        }
        out += "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
        // A4 landscape, all columns on one page width.
        out += "<pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
        out += "</worksheet>"
        return out
    }

    /// Width text without a locale or exponent: `12`, `12.5`.
    private static func decimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : String(tenths / 10) + "." + String(tenths % 10)
    }
}
