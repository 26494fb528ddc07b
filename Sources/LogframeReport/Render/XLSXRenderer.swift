import Foundation
import LogframeCore

/// Writes any `ReportDocument` as an Office Open XML workbook (.xlsx) that Excel and LibreOffice
/// open with real numbers: a "Summary" sheet (title, subtitle, sections' text, notes, links to the
/// tables) and one sheet per table. The output is a pure function of the document: the same
/// document gives the same bytes (fixed part order, fixed zip dates, no timestamps).
/// See docs/xlsx-reports.md.
public enum XLSXRenderer {
    /// Excel's limits: a sheet has at most 1,048,576 rows and 16,384 columns (XFD).
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384

    /// A sheet would exceed Excel's limits: no workbook is written (Excel would refuse or cut it).
    public struct TooLarge: Error, CustomStringConvertible {
        public var sheet: String
        public var rows: Int
        public var columns: Int
        public var description: String {
            "the sheet \"\(sheet)\" would have \(rows) rows and \(columns) columns; Excel allows at most \(XLSXRenderer.maxRows) rows and \(XLSXRenderer.maxColumns) columns"
        }
    }

    public static func render(_ document: ReportDocument) throws -> Data {
        var layout = XLSXWorkbookLayout(document: document)
        let sheets = layout.build()
        for sheet in sheets {
            let columns = sheet.rows.reduce(0) { Swift.max($0, ($1.keys.max() ?? -1) + 1) }
            if sheet.rowCount > maxRows || columns > maxColumns {
                throw TooLarge(sheet: sheet.name, rows: sheet.rowCount, columns: columns)
            }
        }
        return try XLSXPackage.write(sheets: sheets, styles: layout.styles, title: document.title, language: document.language)
    }
}

/// Lays a document out into sheets.
struct XLSXWorkbookLayout {
    let document: ReportDocument
    let styles = XLSXStyles()
    private let words: Words

    init(document: ReportDocument) {
        self.document = document
        self.words = Words(language: document.language)
    }

    /// Labels of the summary sheet, in the document's language.
    struct Words {
        var summary: String, notes: String, table: String
        var period: String, indicator: String, value: String, target: String
        init(language: String) {
            if language == "az" {
                summary = "Xülasə"; notes = "Qeydlər"; table = "Cədvəl"
            } else {
                summary = "Summary"; notes = "Notes"; table = "Table"
            }
            period = Localization.text(.period, language); indicator = Localization.text(.indicator, language)
            value = Localization.text(.value, language); target = Localization.text(.target, language)
        }
    }

    // MARK: Colours

    static let headerFill = "FFD9E1F2"
    static let totalFill = "FFF2F2F2"
    static func groupFill(depth: Int) -> String {
        switch depth {
        case ..<1: return "FFBDD7EE"
        case 1: return "FFDDEBF7"
        default: return "FFEEF4FB"
        }
    }
    static func statusFill(_ colour: StatusColour) -> String {
        switch colour {
        case .green: return "FFC6EFCE"
        case .amber: return "FFFFEB9C"
        case .red: return "FFFFC7CE"
        case .grey: return "FFE7E6E6"
        case .blue: return "FFBDD7EE"
        }
    }

    // MARK: Workbook

    mutating func build() -> [XLSXSheet] {
        // Name every table's sheet first, so the summary can link to them.
        var taken: Set<String> = []
        let summaryName = XLSXText.sheetName(words.summary, fallback: "Summary", taken: &taken)
        var tables: [(table: Table, heading: String?, sheet: String)] = []
        func collect(_ blocks: [Block], heading: String?) {
            for block in blocks {
                if case .table(let table) = block {
                    let fallback = "\(words.table) \(tables.count + 1)"
                    tables.append((table, heading, XLSXText.sheetName(table.name, fallback: fallback, taken: &taken)))
                }
            }
        }
        for section in document.sections { collect(section.blocks, heading: section.heading) }
        collect(document.notes, heading: words.notes)
        if let audit = document.audit { collect(audit.blocks, heading: audit.heading) }

        let summary = summarySheet(name: summaryName, tableSheets: tables.map(\.sheet))
        summary.selected = true
        return [summary] + tables.map { tableSheet($0.table, heading: $0.heading, name: $0.sheet) }
    }

    // MARK: Summary sheet

    private func summarySheet(name: String, tableSheets: [String]) -> XLSXSheet {
        let sheet = XLSXSheet(name: name)
        let title = styles.index(XLSXStyle(bold: true, fontSize: 14))
        let heading = styles.index(XLSXStyle(bold: true, fontSize: 12))
        let subheading = styles.index(XLSXStyle(bold: true))
        let term = styles.index(XLSXStyle(bold: true, vertical: "top"))
        let description = styles.index(XLSXStyle(wrap: true, vertical: "top"))
        let link = styles.index(XLSXStyle(link: true))
        let caption = styles.index(XLSXStyle(italic: true))
        let chartHeader = styles.index(XLSXStyle(bold: true, fill: Self.headerFill, border: true))

        var r = 0
        sheet.set(r, 0, .text(XLSXText.cellText(document.title)), style: title); r += 1
        for line in document.subtitle { sheet.set(r, 0, .text(XLSXText.cellText(line)), style: 0); r += 1 }
        var nextTable = 0
        var usesDescriptions = false

        func blocks(_ list: [Block]) {
            for block in list {
                switch block {
                case .paragraph(let text):
                    sheet.set(r, 0, .text(XLSXText.cellText(text)), style: 0); r += 1
                case .definitionList(let items):
                    for item in items {
                        sheet.set(r, 0, .text(XLSXText.cellText(item.term)), style: term)
                        sheet.set(r, 1, .text(XLSXText.cellText(item.description)), style: description)
                        sheet.wraps(row: r, column: 1, item.description)
                        sheet.fit(column: 0, characters: item.term.count, cap: 40)
                        usesDescriptions = true
                        r += 1
                    }
                case .table(let table):
                    let target = tableSheets[nextTable]; nextTable += 1
                    let label = table.caption.map { "\(words.table): \($0)" } ?? words.table
                    sheet.set(r, 0, .text(XLSXText.cellText(label)), style: 0)
                    sheet.set(r, 1, .text(XLSXText.cellText(target)), style: link)
                    sheet.link(row: r, column: 1, toSheet: target, display: target)
                    sheet.fit(column: 0, characters: label.count, cap: 40)
                    r += 1
                case .chart(let chart):
                    sheet.set(r, 0, .text(XLSXText.cellText(chart.title)), style: caption); r += 1
                    // Grouped, with the chart's decimals (else each value's own: whole numbers
                    // as they are, 2 places otherwise, as the other formats show them).
                    func numberStyle(_ value: ExactDecimal) -> Int {
                        let decimals = chart.decimals ?? (chart.unitIsPercent ? 1 : DisplayFormat.defaultDecimals(value, percent: false))
                        return styles.index(XLSXStyle(numberFormat: chart.unitIsPercent ? XLSXNumberFormat.percent(decimals: decimals) : XLSXNumberFormat.number(decimals: decimals)))
                    }
                    // The chart's data as a small table with its own header row.
                    var names = [chart.kind == .trend ? words.period : words.indicator, words.value]
                    if chart.targets.contains(where: { $0 != nil }) { names.append(words.target) }
                    for (c, name) in names.enumerated() { sheet.set(r, c, .text(XLSXText.cellText(name)), style: chartHeader) }
                    r += 1
                    for (i, point) in chart.points.enumerated() {
                        sheet.set(r, 0, .text(XLSXText.cellText(point.label)), style: 0)
                        sheet.fit(column: 0, characters: point.label.count, cap: 40)
                        if let value = point.value {
                            sheet.set(r, 1, .number(value.description), style: numberStyle(value))
                        } else {
                            sheet.set(r, 1, .text("n/a"), style: styles.index(XLSXStyle(horizontal: "right")))
                        }
                        if i < chart.targets.count, let target = chart.targets[i] {
                            sheet.set(r, 2, .number(target.description), style: numberStyle(target))
                        }
                        r += 1
                    }
                }
            }
        }

        for section in document.sections {
            r += 1
            if !section.heading.isEmpty {
                sheet.set(r, 0, .text(XLSXText.cellText(section.heading)), style: section.level == 0 ? heading : subheading)
                r += 1
            }
            blocks(section.blocks)
        }
        if !document.notes.isEmpty {
            r += 1
            sheet.set(r, 0, .text(XLSXText.cellText(words.notes)), style: heading); r += 1
            blocks(document.notes)
        }
        if let audit = document.audit {
            r += 1
            sheet.set(r, 0, .text(XLSXText.cellText(audit.heading)), style: heading); r += 1
            blocks(audit.blocks)
        }
        sheet.fit(column: 0, characters: 24)
        if usesDescriptions { sheet.setWidth(column: 1, 90) } else { sheet.fit(column: 1, characters: 30) }
        return sheet
    }

    // MARK: Table sheets

    private func tableSheet(_ table: Table, heading: String?, name: String) -> XLSXSheet {
        let sheet = XLSXSheet(name: name)
        let columns = max(table.columnCount,
                          table.header.map { $0.reduce(0) { $0 + max($1.span, 1) } }.max() ?? 0,
                          table.rows.map(\.cells.count).max() ?? 0)
        var r = 0

        // Title lines: the section heading and the caption, when they say something.
        let titleStyle = styles.index(XLSXStyle(bold: true, fontSize: 12))
        var titles: [String] = []
        for line in [heading, table.caption] {
            if let line, !line.isEmpty, !titles.contains(line) { titles.append(line) }
        }
        for line in titles { sheet.set(r, 0, .text(XLSXText.cellText(line)), style: titleStyle); r += 1 }

        // Header rows: horizontal merges for spans; a cell over empty cells below it merges down.
        let headerStart = r
        let headerStyle = styles.index(XLSXStyle(bold: true, fill: Self.headerFill, border: true, wrap: true, horizontal: "center", vertical: "center"))
        let grid: [[(column: Int, span: Int, text: String)]] = table.header.map { row in
            var c = 0
            return row.map { cell in
                defer { c += max(cell.span, 1) }
                return (c, max(cell.span, 1), cell.text)
            }
        }
        var covered: Set<[Int]> = []
        for (i, row) in grid.enumerated() {
            for c in 0..<columns { sheet.set(r + i, c, .none, style: headerStyle) }
            for cell in row where !covered.contains([i, cell.column]) {
                sheet.set(r + i, cell.column, .text(XLSXText.cellText(cell.text)), style: headerStyle)
                sheet.wraps(row: r + i, column: cell.column, span: cell.span, cell.text)
                var bottom = i
                while bottom + 1 < grid.count, !cell.text.isEmpty,
                      grid[bottom + 1].contains(where: { $0.column == cell.column && $0.span == cell.span && $0.text.isEmpty }) {
                    bottom += 1
                    for c in cell.column..<(cell.column + cell.span) { covered.insert([bottom, c]) }
                }
                sheet.merge(row: r + i, column: cell.column, toRow: r + bottom, toColumn: cell.column + cell.span - 1)
                if cell.span == 1 {
                    // Header text wraps: its longest word sets the minimum width.
                    let longestWord = cell.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(\.count).max() ?? 0
                    sheet.fit(column: cell.column, characters: max(longestWord, min(cell.text.count, 14)))
                }
            }
        }
        r += grid.count
        if r > headerStart {
            sheet.frozenRows = r
            sheet.printTitleRows = headerStart...(r - 1)
        }

        // Body rows.
        for row in table.rows {
            var base = XLSXStyle(border: true, vertical: "top")
            switch row.kind {
            case .data: break
            case .group(let depth): base.bold = true; base.fill = Self.groupFill(depth: depth)
            case .total: base.bold = true; base.fill = Self.totalFill
            case .detail: base.italic = true
            }
            // Runs of `.spanned` merge into the cell before them.
            var anchor: Int?
            for c in 0..<columns {
                let cell = c < row.cells.count ? row.cells[c] : .empty
                if case .spanned = cell, let a = anchor {
                    sheet.set(r, c, .none, style: styles.index(base))
                    if c + 1 >= row.cells.count || !Self.isSpanned(row.cells[c + 1]) {
                        sheet.merge(row: r, column: a, toRow: r, toColumn: c)
                    }
                    continue
                }
                anchor = c
                let spans = c + 1 < row.cells.count && Self.isSpanned(row.cells[c + 1])
                let (value, style, width) = self.cell(cell, base: base)
                sheet.set(r, c, value, style: styles.index(style))
                if style.wrap, case .text(let text) = cell {
                    var span = 1
                    while c + span < row.cells.count, Self.isSpanned(row.cells[c + span]) { span += 1 }
                    sheet.wraps(row: r, column: c, span: span, text)
                }
                if !spans { sheet.fit(column: c, characters: width) }
            }
            r += 1
        }

        // Footnotes under the table, unwrapped (they overflow to the right).
        if !table.footnotes.isEmpty {
            r += 1
            let footnote = styles.index(XLSXStyle(italic: true))
            for line in table.footnotes { sheet.set(r, 0, .text(XLSXText.cellText(line)), style: footnote); r += 1 }
        }
        return sheet
    }

    private static func isSpanned(_ cell: Cell) -> Bool {
        if case .spanned = cell { return true }
        return false
    }

    /// A body cell's value, look and content width.
    private func cell(_ cell: Cell, base: XLSXStyle) -> (XLSXSheet.Value, XLSXStyle, Int) {
        var style = base
        switch cell {
        case .text(let text):
            style.wrap = true
            let longestLine = text.split(separator: "\n").map(\.count).max() ?? 0
            return (.text(XLSXText.cellText(text)), style, longestLine)
        case .number(let value, let decimals):
            style.numberFormat = XLSXNumberFormat.number(decimals: decimals)
            return (.number(value.description), style, Self.displayWidth(value, decimals: decimals))
        case .annotatedNumber(let value, let decimals, let percent, let note, let text):
            style.numberFormat = XLSXNumberFormat.annotated(percent ? XLSXNumberFormat.percent(decimals: decimals) : XLSXNumberFormat.number(decimals: decimals), note: note)
            return (.number(value.description), style, text.count)
        case .percent(let value, let decimals):
            style.numberFormat = XLSXNumberFormat.percent(decimals: decimals)
            return (.number(value.description), style, Self.displayWidth(value, decimals: decimals) + 1)
        case .change(let value, let decimals, let unit):
            style.numberFormat = XLSXNumberFormat.signed(decimals: decimals, unit: unit)
            return (.number(value.description), style, Self.displayWidth(value, decimals: decimals) + 1 + (unit.map { $0.count + 1 } ?? 0))
        case .progress(let value, let text):
            let decimals = Self.decimals(in: text, separator: document.language == "az" ? "," : ".")
            style.numberFormat = text.contains("%") ? XLSXNumberFormat.percent(decimals: decimals) : XLSXNumberFormat.number(decimals: decimals)
            return (.number(value.description), style, max(text.count, Self.displayWidth(value, decimals: decimals) + 1))
        case .date(let date):
            // Real date serials (days since 1899-12-30) with an ISO format; before 1900-03-01
            // Excel's serials are off by its 1900 leap-year bug, so such dates stay ISO text.
            if date >= CivilDate(year: 1900, month: 3, day: 1)! {
                style.numberFormat = XLSXNumberFormat.date
                return (.number(String(Int(date.daysSinceEpoch) + 25569)), style, 10)
            }
            return (.text(date.description), style, 10)
        case .status(let word, let colour):
            style.fill = Self.statusFill(colour)
            return (.text(XLSXText.cellText(word)), style, word.count)
        case .notAvailable:
            style.horizontal = "right"
            return (.text("n/a"), style, 3)
        case .empty, .spanned:
            return (.none, style, 0)
        }
    }

    /// Characters the number takes once formatted with grouping.
    private static func displayWidth(_ value: ExactDecimal, decimals: Int) -> Int {
        value.formatted(decimals: max(0, min(decimals, XLSXNumberFormat.maxDecimals)), groupingSeparator: ",").count
    }

    /// Fractional digits in a display text such as `69.9%` (`69,9%` in Azerbaijani).
    static func decimals(in text: String, separator: Character) -> Int {
        guard let i = text.lastIndex(of: separator) else { return 0 }
        return text[text.index(after: i)...].prefix(while: { $0.isASCII && $0.isNumber }).count
    }
}
