/// The one escaper for text written into XML and HTML: the HTML report, the XLSX workbook's
/// parts, the JUnit diagnostics.
///
/// `&`, `<` and `>` always become references. What else does depends on where the text goes,
/// so each output names its rules once (the presets below) instead of escaping by hand:
///
///     XMLEscaper.html.escape("Tom & Jerry's <b>")   // Tom &amp; Jerry&#39;s &lt;b&gt;
public struct XMLEscaper: Sendable {
    /// `"` as `&quot;` (text that may sit in a double-quoted attribute).
    public var quote: Bool
    /// The reference written for `'`, or nil to keep it.
    public var apostrophe: String?
    /// Whitespace written as character references, since XML parsers normalise it: CR (to LF
    /// in content), and in attribute values also LF and tab (to spaces).
    public var whitespaceReferences: [Unicode.Scalar: String]
    /// Characters with no place in the output, written as U+FFFD.
    public var replaced: @Sendable (Unicode.Scalar) -> Bool

    public init(quote: Bool, apostrophe: String?, whitespaceReferences: [Unicode.Scalar: String] = [:],
                replaced: @escaping @Sendable (Unicode.Scalar) -> Bool = { _ in false }) {
        self.quote = quote
        self.apostrophe = apostrophe
        self.whitespaceReferences = whitespaceReferences
        self.replaced = replaced
    }

    public func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote: out += "&quot;"
            case "'" where apostrophe != nil: out += apostrophe!
            default:
                if let reference = whitespaceReferences[scalar] {
                    out += reference
                } else if replaced(scalar) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    // MARK: - The outputs' rules

    /// HTML text and quoted attribute values: both quotes escaped; control characters other
    /// than tab and newline (C0, C1, DEL), and bidirectional overrides that would reorder the
    /// text shown, have no business in a report.
    public static let html = XMLEscaper(quote: true, apostrophe: "&#39;",
                                        replaced: { ControlCharacters.isUnsafe($0) && $0 != "\n" && $0 != "\t" })

    /// XML element content (an XLSX part, an IATI or ADX document); the caller makes the text
    /// XML-legal first (`xmlLegal`).
    public static let xmlContent = XMLEscaper(quote: false, apostrophe: nil, whitespaceReferences: ["\r": "&#13;"])

    /// A double-quoted XML attribute value.
    public static let xmlAttribute = XMLEscaper(quote: true, apostrophe: nil,
                                                whitespaceReferences: ["\r": "&#13;", "\n": "&#10;", "\t": "&#9;"])

    /// XML element content in an XLSX part.
    public static let xlsxContent = xmlContent

    /// A double-quoted attribute value in an XLSX part.
    public static let xlsxAttribute = xmlAttribute

    /// The text without the characters XML 1.0 does not allow (C0 controls other than tab, LF
    /// and CR; U+FFFE, U+FFFF). Swift strings hold no lone surrogates, so nothing else can be
    /// illegal.
    public static func xmlLegal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isXMLLegal($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where isXMLLegal(scalar) { out.append(scalar) }
        return String(out)
    }

    static func isXMLLegal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0..<0x20: return false
        case 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    /// JUnit XML text and attributes: characters XML 1.0 cannot carry become U+FFFD.
    public static let junit = XMLEscaper(quote: true, apostrophe: "&apos;", replaced: { scalar in
        let v = scalar.value
        return (v < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || v == 0xFFFE || v == 0xFFFF
    })
}
