import LogframeCore

/// Writes any `ReportDocument` as one self-contained HTML5 file: inline CSS and SVG only, no
/// script, no URL of any kind, so it opens offline, survives e-mail, and prints on A4 landscape.
///
/// Every text from the document (which comes from the user's definitions and data) is escaped
/// with `HTMLRenderer.escape`, in element content, in attributes and in SVG `<text>` alike. The
/// output depends only on the document: no clock, no randomness, no dictionary order.
public enum HTMLRenderer {
    public static func render(_ document: ReportDocument) -> String {
        let format = DisplayFormat(language: document.language)
        let words = Words(language: document.language)
        var out = ""
        out.reserveCapacity(16_384)
        out += "<!DOCTYPE html>\n"
        out += "<html lang=\"\(escape(document.language))\">\n<head>\n"
        out += "<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"logframe\">\n"
        out += "<title>\(escape(document.title))</title>\n"
        out += "<style>\n\(HTMLStyles.css)</style>\n</head>\n"
        out += "<body class=\"report-\(classToken(document.style))\">\n"

        out += "<header class=\"report-header\">\n<h1>\(escape(document.title))</h1>\n"
        if !document.subtitle.isEmpty {
            out += "<ul class=\"meta\">\n"
            for line in document.subtitle { out += "<li>\(text(line))</li>\n" }
            out += "</ul>\n"
        }
        out += "</header>\n<main>\n"

        for section in document.sections {
            let level = min(max(section.level, 0), 4) + 2
            out += "<section class=\"level-\(level - 2)\">\n"
            out += "<h\(level)>\(escape(section.heading))</h\(level)>\n"
            for block in section.blocks { out += render(block, format, words) }
            out += "</section>\n"
        }
        out += "</main>\n"

        if !document.notes.isEmpty {
            out += "<footer class=\"notes\">\n<h2>\(escape(words.notes))</h2>\n"
            for block in document.notes { out += render(block, format, words) }
            out += "</footer>\n"
        }
        if let audit = document.audit {
            out += "<footer class=\"notes audit\">\n<h2>\(escape(audit.heading))</h2>\n"
            for block in audit.blocks { out += render(block, format, words) }
            out += "</footer>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    /// Escapes the five characters that matter in HTML text and in quoted attribute values
    /// (`XMLEscaper.html`).
    public static func escape(_ s: String) -> String {
        XMLEscaper.html.escape(s)
    }

    // MARK: - Blocks

    /// Escaped text with line breaks kept.
    static func text(_ s: String) -> String {
        let escaped = escape(s)
        return escaped.contains("\n") ? escaped.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br>") : escaped
    }

    /// A CSS class token made only of [a-z0-9-].
    static func classToken(_ s: String) -> String {
        let token = String(s.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }.map(Character.init))
        return token.isEmpty ? "report" : token
    }

    static func render(_ block: Block, _ format: DisplayFormat, _ words: Words) -> String {
        switch block {
        case .paragraph(let s):
            return "<p>\(text(s))</p>\n"
        case .definitionList(let items):
            var out = "<dl class=\"fields\">\n"
            for item in items { out += "<div><dt>\(text(item.term))</dt><dd>\(text(item.description))</dd></div>\n" }
            return out + "</dl>\n"
        case .table(let table):
            return render(table, format, words)
        case .chart(let chart):
            return SVGCharts.render(chart, format: format, words: words)
        }
    }

    // MARK: - Tables

    static func render(_ table: Table, _ format: DisplayFormat, _ words: Words) -> String {
        let columns = max(table.columnCount, table.rows.map(\.cells.count).max() ?? 0)
        let numeric = numericColumns(table, columns: columns)
        var out = "<div class=\"table-wrap\">\n"
        out += "<table class=\"report t-\(classToken(table.name))\" style=\"--cols: \(columns)\">\n"
        if let caption = table.caption, !caption.isEmpty { out += "<caption>\(text(caption))</caption>\n" }
        out += header(table.header, numeric: numeric)
        out += "<tbody>\n"
        for row in table.rows { out += render(row, columns: columns, numeric: numeric, format, words) }
        out += "</tbody>\n</table>\n</div>\n"
        if !table.footnotes.isEmpty {
            out += "<ul class=\"footnotes\">\n"
            for note in table.footnotes { out += "<li>\(text(note))</li>\n" }
            out += "</ul>\n"
        }
        return out
    }

    /// Leaf columns that hold figures: no text or status in them and at least one number,
    /// percentage, date or n/a. A column under a grouping header (IPTT: a period over target /
    /// actual / % met) follows its figure siblings, so an all-blank target or % met column, or a
    /// period whose actuals are all n/a, lines up right like the others. Numeric columns get a
    /// right-aligned header and right-aligned n/a. A progress bar keeps its own (left) layout.
    static func numericColumns(_ table: Table, columns: Int) -> [Bool] {
        var sawFigure = Array(repeating: false, count: columns)
        var sawText = Array(repeating: false, count: columns)
        for row in table.rows {
            if case .group = row.kind { continue }
            for (i, cell) in row.cells.enumerated() where i < columns {
                switch cell {
                case .number, .percent, .change, .date, .notAvailable: sawFigure[i] = true
                case .text(let s): if !s.isEmpty { sawText[i] = true }
                case .annotatedNumber: sawText[i] = true
                case .status, .progress: sawText[i] = true
                case .empty, .spanned: break
                }
            }
        }
        var numeric = (0..<columns).map { sawFigure[$0] && !sawText[$0] }
        for headerRow in table.header.dropLast() {
            var start = 0
            for cell in headerRow {
                let span = max(cell.span, 1)
                let group = start..<min(start + span, columns)
                start += span
                guard span > 1, !group.isEmpty, group.contains(where: { numeric[$0] }), !group.contains(where: { sawText[$0] }) else { continue }
                for i in group { numeric[i] = true }
            }
        }
        return numeric
    }

    /// Header rows with colspans; a span-1 cell whose cells below are all blank becomes one cell
    /// with a rowspan (IPTT: "Indicator" beside "Q1 2024" over target / actual / %).
    static func header(_ rows: [[HeaderCell]], numeric: [Bool]) -> String {
        guard !rows.isEmpty else { return "" }
        // Grid of (row, leaf column) -> index of the cell covering it in that row.
        struct Placed { var text: String; var start: Int; var span: Int; var rowspan = 1; var hidden = false }
        var grid: [[Placed]] = rows.map { cells in
            var column = 0
            return cells.map { cell in
                defer { column += max(cell.span, 1) }
                return Placed(text: cell.text, start: column, span: max(cell.span, 1))
            }
        }
        for r in 0..<grid.count {
            for i in grid[r].indices where !grid[r][i].hidden && grid[r][i].span == 1 {
                var below = r + 1
                while below < grid.count,
                      let j = grid[below].firstIndex(where: { $0.start == grid[r][i].start && $0.span == 1 }),
                      grid[below][j].text.isEmpty, !grid[below][j].hidden {
                    grid[below][j].hidden = true
                    grid[r][i].rowspan += 1
                    below += 1
                }
            }
        }
        var out = "<thead>\n"
        for row in grid {
            out += "<tr>"
            for cell in row where !cell.hidden {
                var attributes = " scope=\"col\""
                var classes: [String] = []
                if cell.span > 1 { attributes += " colspan=\"\(cell.span)\""; classes.append("span") }
                if cell.rowspan > 1 { attributes += " rowspan=\"\(cell.rowspan)\"" }
                if cell.span == 1, cell.start < numeric.count, numeric[cell.start] { classes.append("num") }
                if !classes.isEmpty { attributes += " class=\"\(classes.joined(separator: " "))\"" }
                out += "<th\(attributes)>\(text(cell.text))</th>"
            }
            out += "</tr>\n"
        }
        return out + "</thead>\n"
    }

    static func render(_ row: Row, columns: Int, numeric: [Bool], _ format: DisplayFormat, _ words: Words) -> String {
        let rowClass: String
        switch row.kind {
        case .data: rowClass = "data"
        case .group(let depth): rowClass = "group d\(min(max(depth, 0), 3))"
        case .total: rowClass = "total"
        case .detail: rowClass = "data detail"
        }
        var cells = row.cells
        if cells.count < columns { cells += Array(repeating: Cell.empty, count: columns - cells.count) }
        var out = "<tr class=\"\(rowClass)\">"
        var i = 0
        while i < cells.count {
            var span = 1
            while i + span < cells.count, case .spanned = cells[i + span] { span += 1 }
            if case .spanned = cells[i] { out += "<td></td>"; i += 1; continue } // a leading spanned cell: nothing to merge into
            out += cell(cells[i], span: span, numericColumn: i < numeric.count && numeric[i], format, words)
            i += span
        }
        return out + "</tr>\n"
    }

    static func cell(_ cell: Cell, span: Int, numericColumn: Bool, _ format: DisplayFormat, _ words: Words) -> String {
        let colspan = span > 1 ? " colspan=\"\(span)\"" : ""
        switch cell {
        case .annotatedNumber(_, _, _, _, let s):
            return "<td\(colspan)>\(text(s))</td>"
        case .text(let s):
            // Long text (an indicator's wording) keeps a readable column instead of a word per line.
            let long = span == 1 && s.count > 40 ? " class=\"long\"" : ""
            return "<td\(long)\(colspan)>\(text(s))</td>"
        case .number(let value, let decimals):
            return "<td class=\"num\"\(colspan)>\(escape(format.number(value, decimals: max(decimals, 0))))</td>"
        case .percent(let value, let decimals):
            return "<td class=\"num\"\(colspan)>\(escape(format.number(value, decimals: max(decimals, 0), percent: true)))</td>"
        case .change(let value, let decimals, let unit):
            return "<td class=\"num\"\(colspan)>\(escape(format.signed(value, decimals: decimals, unit: unit)))</td>"
        case .date(let date):
            return "<td class=\"num\"\(colspan)><time datetime=\"\(date.description)\">\(escape(words.date(date)))</time></td>"
        case .status(let word, let colour):
            return "<td class=\"status\"\(colspan)><span class=\"pill \(colour.rawValue)\">\(escape(word))</span></td>"
        case .progress(let value, let label):
            return "<td class=\"progress\"\(colspan)>\(SVGCharts.progressBar(value, label: label))<span class=\"value\">\(escape(label))</span></td>"
        case .notAvailable:
            let align = numericColumn ? "num na" : "na"
            return "<td class=\"\(align)\"\(colspan)>\(escape(format.notAvailable))</td>"
        case .empty, .spanned:
            return "<td\(colspan)></td>"
        }
    }
}

/// The few words the renderer itself writes (everything else comes localised in the document).
struct Words: Sendable {
    var language: String

    var notes: String { language == "az" ? "Qeydlər" : "Notes" }
    var target: String { language == "az" ? "Hədəf" : "Target" }
    var actual: String { language == "az" ? "Faktiki" : "Actual" }

    /// `30 Jun 2024` in English, `30.06.2024` in Azerbaijani.
    func date(_ date: CivilDate) -> String {
        let (y, m, d) = date.components
        if language == "az" {
            return (d < 10 ? "0" : "") + "\(d)." + (m < 10 ? "0" : "") + "\(m).\(y)"
        }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(d) \(months[max(1, min(m, 12)) - 1]) \(y)"
    }
}
