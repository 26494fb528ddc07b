import LogframeCore
import LogframeReport

/// Escaping for the XML exports: text and attribute values from the user's files are escaped
/// by the one escaper (`XMLEscaper`, as in the XLSX parts), and characters XML 1.0 cannot carry
/// are left out.
enum XMLText {
    static func escape(_ text: String) -> String { XMLEscaper.xmlContent.escape(XMLEscaper.xmlLegal(text)) }

    /// ` name="value"` for each pair with a value, in order.
    static func attributes(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { name, value in value.map { " \(name)=\"\(XMLEscaper.xmlAttribute.escape(XMLEscaper.xmlLegal($0)))\"" } }.joined()
    }
}

/// What stops an export: located diagnostics, reported before anything is written.
public struct ExportRefused: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
