/// Escaping for XML written from the user's text, shared by renderers and exports: characters
/// XML 1.0 cannot carry are dropped, markup characters escaped, and in attribute values tab,
/// LF and CR written as references (parsers would turn them into spaces).
public enum XMLEscaping {
    public static func text(_ text: String) -> String { XLSXText.escape(XLSXText.xmlLegal(text)) }
    public static func attribute(_ text: String) -> String { XLSXText.escape(XLSXText.xmlLegal(text), attribute: true) }
}
