// The styles part (xl/styles.xml) of the XLSX renderer: a registry that hands out a cell-format
// index per distinct look, in order of first use, so the same document always gives the same
// styles.xml.

/// How one cell looks: number format, font, fill, border, alignment.
struct XLSXStyle: Hashable {
    /// Excel number format code; nil is General.
    var numberFormat: String? = nil
    var bold = false
    var italic = false
    var link = false
    var fontSize = 11
    /// Solid fill colour, ARGB hex (`FFD9E1F2`).
    var fill: String? = nil
    /// Thin grey border on all sides (table cells).
    var border = false
    var wrap = false
    /// `left`, `center`, `right`; nil is the application's default (text left, numbers right).
    var horizontal: String? = nil
    /// `top`, `center`; nil is bottom.
    var vertical: String? = nil
}

/// Number format codes. Grouped thousands, a fixed number of decimals; percentages are stored as
/// percentage points (69.875, not 0.69875) and shown with a literal "%" (`0.0"%"`), so the stored
/// value is the one the JSON and Markdown reports show.
enum XLSXNumberFormat {
    static let maxDecimals = 15

    static func number(decimals: Int) -> String {
        let d = max(0, min(decimals, maxDecimals))
        return d == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: d)
    }

    static func percent(decimals: Int) -> String { number(decimals: decimals) + "\"%\"" }

    /// `+7.1 pp`, `-7.1 pp`, `0.0 pp`: a change with its sign and an optional unit.
    static func signed(decimals: Int, unit: String?) -> String {
        let body = number(decimals: decimals)
        let suffix = unit.map { $0.isEmpty ? "" : "\" " + $0.replacingOccurrences(of: "\"", with: "") + "\"" } ?? ""
        return "+" + body + suffix + ";-" + body + suffix + ";" + body + suffix
    }

    /// A format followed by a literal note: `#,##0" (2020)"`; the format alone without a note.
    static func annotated(_ format: String, note: String) -> String {
        let literal = note.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "\\", with: "")
        return literal.isEmpty ? format : format + "\" " + literal + "\""
    }

    static let date = "yyyy-mm-dd"
}

final class XLSXStyles {
    private struct Font: Hashable { var bold: Bool; var italic: Bool; var link: Bool; var size: Int }

    private var xfs: [XLSXStyle] = [XLSXStyle()]
    private var xfIndex: [XLSXStyle: Int] = [XLSXStyle(): 0]
    private var formats: [String] = []
    private var formatIndex: [String: Int] = [:]
    private var fonts: [Font] = [Font(bold: false, italic: false, link: false, size: 11)]
    private var fills: [String] = []

    /// The `s` attribute for a cell of this look.
    func index(_ style: XLSXStyle) -> Int {
        if let i = xfIndex[style] { return i }
        let i = xfs.count
        xfs.append(style)
        xfIndex[style] = i
        return i
    }

    private func formatId(_ code: String?) -> Int {
        guard let code else { return 0 }
        if let i = formatIndex[code] { return 164 + i }
        formats.append(code)
        formatIndex[code] = formats.count - 1
        return 164 + formats.count - 1
    }

    private func fontId(_ style: XLSXStyle) -> Int {
        let font = Font(bold: style.bold, italic: style.italic, link: style.link, size: style.fontSize)
        if let i = fonts.firstIndex(of: font) { return i }
        fonts.append(font)
        return fonts.count - 1
    }

    private func fillId(_ colour: String?) -> Int {
        guard let colour else { return 0 }
        if let i = fills.firstIndex(of: colour) { return 2 + i }
        fills.append(colour)
        return 2 + fills.count - 1
    }

    var xml: String {
        // Resolve every cell format first: that registers the number formats, fonts and fills.
        var cellXfs: [String] = []
        for style in xfs {
            let numFmt = formatId(style.numberFormat), font = fontId(style), fill = fillId(style.fill)
            let border = style.border ? 1 : 0
            var attributes = "numFmtId=\"\(numFmt)\" fontId=\"\(font)\" fillId=\"\(fill)\" borderId=\"\(border)\" xfId=\"0\""
            if numFmt != 0 { attributes += " applyNumberFormat=\"1\"" }
            if font != 0 { attributes += " applyFont=\"1\"" }
            if fill != 0 { attributes += " applyFill=\"1\"" }
            if border != 0 { attributes += " applyBorder=\"1\"" }
            var alignment = ""
            if let h = style.horizontal { alignment += " horizontal=\"\(h)\"" }
            if let v = style.vertical { alignment += " vertical=\"\(v)\"" }
            if style.wrap { alignment += " wrapText=\"1\"" }
            if alignment.isEmpty {
                cellXfs.append("<xf \(attributes)/>")
            } else {
                cellXfs.append("<xf \(attributes) applyAlignment=\"1\"><alignment\(alignment)/></xf>")
            }
        }
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        if !formats.isEmpty {
            out += "<numFmts count=\"\(formats.count)\">"
            for (i, code) in formats.enumerated() {
                out += "<numFmt numFmtId=\"\(164 + i)\" formatCode=\"\(XLSXText.escape(code, attribute: true))\"/>"
            }
            out += "</numFmts>"
        }
        out += "<fonts count=\"\(fonts.count)\">"
        for font in fonts {
            out += "<font>"
            if font.bold { out += "<b/>" }
            if font.italic { out += "<i/>" }
            if font.link { out += "<u/>" }
            out += "<sz val=\"\(font.size)\"/>"
            out += font.link ? "<color rgb=\"FF0563C1\"/>" : ""
            out += "<name val=\"Calibri\"/><family val=\"2\"/></font>"
        }
        out += "</fonts>"
        out += "<fills count=\"\(2 + fills.count)\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
        for colour in fills {
            out += "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"\(colour)\"/><bgColor indexed=\"64\"/></patternFill></fill>"
        }
        out += "</fills>"
        let side = { (name: String) in "<\(name) style=\"thin\"><color rgb=\"FFBFBFBF\"/></\(name)>" }
        out += "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
        out += "<border>" + side("left") + side("right") + side("top") + side("bottom") + "<diagonal/></border></borders>"
        out += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        out += "<cellXfs count=\"\(cellXfs.count)\">" + cellXfs.joined() + "</cellXfs>"
        out += "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        out += "<dxfs count=\"0\"/><tableStyles count=\"0\"/>"
        out += "</styleSheet>"
        return out
    }
}
