// Text helpers for the XLSX renderer: XML 1.0 hygiene, escaping, formula neutralisation, cell
// references and sheet names. Pure functions, no state.

import Foundation
import LogframeCore

enum XLSXText {
    /// Removes characters XML 1.0 does not allow (`XMLEscaper.xmlLegal`).
    static func xmlLegal(_ text: String) -> String { XMLEscaper.xmlLegal(text) }

    /// A text cell that a spreadsheet could take for a formula (leading `=`, `+`, `-`, `@`, tab,
    /// CR) gets a leading apostrophe, so it stays inert text even when the cell is edited and
    /// when the sheet is saved on as CSV. Numbers never pass through here.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + text
        default: return text
        }
    }

    /// What every user-supplied string becomes before it reaches a cell: legal XML, neutralised.
    static func cellText(_ text: String) -> String { neutralised(xmlLegal(text)) }

    /// Escapes for element content (`attribute: false`) or a double-quoted attribute value.
    /// CR is written as a character reference, since XML parsers turn a raw CR into LF; in
    /// attributes tab and LF are too, since parsers turn them into spaces.
    static func escape(_ text: String, attribute: Bool = false) -> String {
        (attribute ? XMLEscaper.xlsxAttribute : XMLEscaper.xlsxContent).escape(text)
    }

    /// SpreadsheetML strings decode `_xHHHH_` as the character U+HHHH; a literal one in the
    /// user's text must have its underscore escaped as `_x005F_` to survive the round trip.
    static func escapeOOXMLUnderscores(_ text: String) -> String {
        guard text.contains("_x") || text.contains("_X") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x" || scalars[i + 1] == "X",
               scalars[(i + 2)...(i + 5)].allSatisfy({ $0.properties.isASCIIHexDigit }), scalars[i + 6] == "_" {
                out.append(contentsOf: "_x005F_".unicodeScalars)
                i += 1
                continue
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// Column letters for a zero-based column index: 0 -> A, 25 -> Z, 26 -> AA.
    static func column(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// A1-style reference for zero-based row and column.
    static func ref(row: Int, column: Int) -> String { self.column(column) + String(row + 1) }

    /// A legal, unique sheet name: no `[ ] : * ? / \`, no leading or trailing apostrophe, at most
    /// 31 characters (UTF-16 units, as Excel counts), not empty, not Excel's reserved `History`,
    /// unique ignoring case (a suffix ` (2)`, ` (3)`... when needed).
    static func sheetName(_ wanted: String, fallback: String, taken: inout Set<String>) -> String {
        let forbidden: Set<Unicode.Scalar> = ["[", "]", ":", "*", "?", "/", "\\"]
        var base = String(String.UnicodeScalarView(xmlLegal(wanted).unicodeScalars.map {
            forbidden.contains($0) || $0.value < 0x20 ? "_" : $0
        }))
        base = base.trimmingApostrophesAndSpaces()
        if base.isEmpty || base.lowercased() == "history" { base = fallback }
        var candidate = truncated(base, to: 31)
        var n = 2
        while taken.contains(candidate.lowercased()) {
            let suffix = " (\(n))"
            candidate = truncated(base, to: 31 - suffix.utf16.count).trimmingApostrophesAndSpaces() + suffix
            n += 1
        }
        taken.insert(candidate.lowercased())
        return candidate
    }

    /// The longest prefix of whole characters with at most `limit` UTF-16 units.
    static func truncated(_ text: String, to limit: Int) -> String {
        var out = ""
        var units = 0
        for ch in text {
            let n = ch.utf16.count
            if units + n > limit { break }
            out.append(ch)
            units += n
        }
        return out
    }

    /// A sheet name quoted for a formula or hyperlink location: `'Name'` with `'` doubled.
    static func quotedSheet(_ name: String) -> String {
        "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

private extension String {
    func trimmingApostrophesAndSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == "'" || f == " " { s = s.dropFirst() }
        while let l = s.last, l == "'" || l == " " { s = s.dropLast() }
        return String(s)
    }

}
