import LogframeCore

/// Writes any `ReportDocument` as GitHub-flavoured Markdown. Every text from the document is
/// escaped for Markdown and for HTML inside Markdown (`<`, `>`, `&`, pipes, emphasis and link
/// characters), so a hostile label stays text. Grouped header rows become one row of
/// "Group - Column" names; group rows put their text in bold in the first cell; charts become a
/// small table of their points.
public enum MarkdownRenderer {
    public static func render(_ document: ReportDocument) -> String {
        let format = DisplayFormat(language: document.language)
        var out = "# \(escape(document.title))\n\n"
        if !document.subtitle.isEmpty {
            out += document.subtitle.map { escape($0) }.joined(separator: "  \n") + "\n\n"
        }
        for section in document.sections {
            out += String(repeating: "#", count: min(2 + max(section.level, 0), 6)) + " \(escape(section.heading))\n\n"
            for block in section.blocks { out += render(block, format) }
        }
        if !document.notes.isEmpty {
            out += "---\n\n## \(escape(Localization.text(.notes, document.language)))\n\n"
            for block in document.notes { out += render(block, format) }
        }
        if let audit = document.audit {
            out += "## \(escape(audit.heading))\n\n"
            for block in audit.blocks { out += render(block, format) }
        }
        return out
    }

    static func render(_ block: Block, _ format: DisplayFormat) -> String {
        switch block {
        case .paragraph(let text):
            return escape(text, lineStart: true) + "\n\n"
        case .definitionList(let items):
            return items.map { "- **\(escape($0.term))**: \(escape($0.description))" }.joined(separator: "\n") + "\n\n"
        case .table(let table):
            return render(table, format)
        case .chart(let chart):
            return render(chart, format)
        }
    }

    /// Header names: the leaf row, prefixed by the group above it ("2021-Q1 - Target").
    static func flatHeader(_ header: [[HeaderCell]]) -> [String] {
        guard let leaf = header.last else { return [] }
        var columns = Array(repeating: [String](), count: leaf.reduce(0) { $0 + max($1.span, 1) })
        for row in header {
            var column = 0
            for cell in row {
                for c in column..<min(column + max(cell.span, 1), columns.count) where !cell.text.isEmpty {
                    columns[c].append(cell.text)
                }
                column += max(cell.span, 1)
            }
        }
        return columns.map { $0.joined(separator: " - ") }
    }

    static func render(_ table: Table, _ format: DisplayFormat) -> String {
        var out = ""
        if let caption = table.caption { out += "**\(escape(caption))**\n\n" }
        let names = flatHeader(table.header)
        guard !names.isEmpty else { return out }
        let numeric = (0..<names.count).map { c in
            table.rows.contains { row in
                guard c < row.cells.count else { return false }
                switch row.cells[c] { case .number, .percent, .change, .progress: return true; default: return false }
            }
        }
        out += "| " + names.map { $0.isEmpty ? " " : escape($0) }.joined(separator: " | ") + " |\n"
        out += "|" + numeric.map { $0 ? "---:|" : "---|" }.joined() + "\n"
        for row in table.rows {
            var cells = (0..<names.count).map { c in c < row.cells.count ? text(row.cells[c], format) : "" }
            if case .group = row.kind, !cells[0].isEmpty { cells[0] = "**\(cells[0])**" }
            if case .total = row.kind { cells = cells.map { $0.isEmpty ? "" : "**\($0)**" } }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\n"
        for note in table.footnotes { out += "*" + escape(note) + "*\n\n" }
        return out
    }

    static func render(_ chart: Chart, _ format: DisplayFormat) -> String {
        func number(_ v: ExactDecimal?) -> String {
            guard let v else { return format.notAvailable }
            return format.number(v, decimals: chart.decimals ?? (chart.unitIsPercent ? 1 : DisplayFormat.defaultDecimals(v, percent: false)), percent: chart.unitIsPercent)
        }
        var out = "*\(escape(chart.title))*\n\n"
        switch chart.kind {
        case .trend:
            out += "| " + Localization.text(.period, format.language) + " | " + chart.points.map { escape($0.label) }.joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---:|", count: chart.points.count) + "\n"
            out += "| " + Localization.text(.value, format.language) + " | " + chart.points.map { number($0.value) }.joined(separator: " | ") + " |\n"
            if chart.targets.contains(where: { $0 != nil }) {
                out += "| " + Localization.text(.target, format.language) + " | " + chart.points.indices.map { i in
                    i < chart.targets.count && chart.targets[i] != nil ? number(chart.targets[i]) : ""
                }.joined(separator: " | ") + " |\n"
            }
        case .bars:
            // A header row names the columns (an empty one reads as a broken table).
            out += "| " + Localization.text(.indicator, format.language) + " | " + Localization.text(.value, format.language) + " |\n|---|---:|\n"
            for point in chart.points { out += "| \(escape(point.label)) | \(number(point.value)) |\n" }
        }
        return out + "\n"
    }

    static func text(_ cell: Cell, _ format: DisplayFormat) -> String {
        switch cell {
        case .text(let s): return escape(s)
        case .number(let v, let d): return format.number(v, decimals: max(d, 0))
        case .percent(let v, let d): return format.number(v, decimals: max(d, 0), percent: true)
        case .date(let d): return format.date(d)
        case .annotatedNumber(_, _, _, _, let text): return escape(text)
        case .change(let v, let d, let unit): return escape(format.signed(v, decimals: d, unit: unit))
        case .status(let word, _): return escape(word)
        case .progress(_, let text): return escape(text)
        case .notAvailable: return format.notAvailable
        case .empty, .spanned: return ""
        }
    }

    /// Escapes user text for a Markdown table cell or paragraph: no HTML, no table breaks, no
    /// emphasis, links or code; line breaks become spaces, other control characters visible
    /// escapes (`ControlCharacters`). At a line start, `#`, `>`, `-`, `+`
    /// and `1.` would start a block, so they are escaped too.
    public static func escape(_ text: String, lineStart: Bool = false) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            case "*", "_", "`", "[", "]", "\\", "~": out += "\\" + String(ch)
            default:
                // ESC/OSC sequences, other C0/C1 controls and bidi overrides: shown escaped.
                if ch.unicodeScalars.contains(where: ControlCharacters.isUnsafe) {
                    out += ControlCharacters.escape(String(ch))
                } else {
                    out.append(ch)
                }
            }
        }
        if lineStart, let first = out.first, "#-+=".contains(first) { out = "\\" + out }
        return out
    }
}
