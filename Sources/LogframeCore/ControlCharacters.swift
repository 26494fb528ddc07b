/// Text from the user's files made safe to print (issue 16, docs/validation.md "Running validate
/// on untrusted pull requests").
///
/// A data cell can hold anything: a line break followed by `::error::...` would start a GitHub
/// workflow command in a CI log, an ESC or OSC sequence would drive the terminal, a bidirectional
/// override would make the printed text read differently from the bytes. Every value quoted in a
/// diagnostic or a report goes through `escape`: C0 and C1 control characters, DEL, the Unicode
/// line and paragraph separators and the bidirectional embedding, override and isolate
/// characters become visible escapes (`\n`, `\r`, `\t`, `\u{1B}`, ...). `quote` also cuts long
/// values, so a 2 MB cell or a 40 MB one-line file cannot flood a log.
public enum ControlCharacters {
    /// How many characters of a value a diagnostic quotes.
    public static let quotedLimit = 200
    /// How many characters a diagnostic's message or hint may have in all.
    public static let messageLimit = 2_000

    /// Whether a scalar must not reach a terminal or log as it is.
    @inline(__always)
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
    }

    /// The text with every unsafe scalar replaced by a visible escape; the same string when
    /// there is none (the common case costs one scan).
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else { out.append(scalar); continue }
            out.append(contentsOf: escaped(scalar).unicodeScalars)
        }
        return String(out)
    }

    /// The visible escape for an unsafe scalar (`\n`, `\u{1B}`).
    public static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// At most `limit` characters (Unicode scalars) of the text, with `…` when cut.
    public static func cut(_ text: String, limit: Int) -> String {
        var count = 0
        for index in text.unicodeScalars.indices {
            if count == limit { return String(text.unicodeScalars[..<index]) + "…" }
            count += 1
        }
        return text
    }

    /// A value as a diagnostic quotes it: escaped, then cut to `quotedLimit` characters.
    public static func quote(_ text: String, limit: Int = quotedLimit) -> String {
        // Cut first (bounded work on a huge value), escape what is kept, and cut again (escapes
        // are longer than what they replace).
        cut(escape(cut(text, limit: limit)), limit: limit)
    }

    /// A whole message or hint for printing: escaped and at most `messageLimit` characters.
    public static func message(_ text: String) -> String {
        cut(escape(cut(text, limit: messageLimit)), limit: messageLimit)
    }
}
