import Foundation
import LogframeCore

/// Writes a document's main table (its first table) as one tidy CSV table: RFC 4180 (CRLF line
/// ends, fields with `,` `"` CR or LF quoted, quotes doubled), UTF-8 without a byte order mark,
/// one header row (grouped headers flattened to "Group - Column"). Group rows (results-chain
/// headings) are left out, and a blank first cell of a data row (a merged results-chain cell)
/// repeats the one above, so every row names its result and indicator itself. Tables marked
/// `csvAnnex` (the disaggregation annex) follow, each after one blank line with its own header.
///
/// Numbers are plain decimals with `.` and no grouping, at the display precision (the
/// indicator's `decimals`); percentages without the `%` sign. A value that is not available is
/// written `n/a` (never 0, never blank: a blank could be read as "not filled in"). Text that a
/// spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading `'`; real negative numbers stay numbers.
public enum CSVRenderer {
    public static func render(_ document: ReportDocument) -> String {
        let table = document.sections.lazy.flatMap(\.blocks).compactMap { block -> Table? in
            if case .table(let t) = block { return t } else { return nil }
        }.first ?? document.notes.compactMap { block -> Table? in
            if case .table(let t) = block { return t } else { return nil }
        }.first
        guard let table else { return "" }
        var out = render(table)
        // Annexes (the disaggregation table) follow, each after a blank line with its own header.
        for block in document.sections.flatMap(\.blocks) {
            if case .table(let annex) = block, annex.csvAnnex, annex.name != table.name { out += "\r\n" + render(annex) }
        }
        return out
    }

    static func render(_ table: Table) -> String {
        let names = MarkdownRenderer.flatHeader(table.header)
        var out = line(names.map { neutralise($0) })
        var above = ""
        for row in table.rows {
            if case .group = row.kind { continue }
            var fields = (0..<names.count).map { c in c < row.cells.count ? field(row.cells[c]) : "" }
            // Tidy: a data row whose first cell is blank (a merged results-chain cell) repeats the one above.
            if let first = fields.first { if first.isEmpty { fields[0] = above } else { above = first } }
            out += line(fields)
        }
        return out
    }

    static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    static func field(_ cell: Cell) -> String {
        switch cell {
        // Line breaks and other control characters of user text become visible escapes.
        case .text(let s): return neutralise(ControlCharacters.escape(s))
        case .number(let v, let d), .percent(let v, let d), .change(let v, let d, _): return v.formatted(decimals: max(d, 0))
        case .date(let d): return d.description
        case .annotatedNumber(_, _, _, _, let text): return neutralise(ControlCharacters.escape(text))
        case .status(let word, _): return neutralise(ControlCharacters.escape(word))
        case .progress(let v, _): return v.formatted(decimals: 1)
        case .notAvailable: return "n/a"
        case .empty, .spanned: return ""
        }
    }

    /// A leading `'` for text a spreadsheet would evaluate.
    public static func neutralise(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first) ? "'" + text : text
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
