import Foundation
import LogframeCore

/// Diagnostics as a compiler prints them:
///
///     samples/crc/services.csv:14:12: error: "abc" in column age is not a whole number [field-type]
///      14 | R-0013,12.03.2021,Füzuli,legal,P-88,F,abc
///         |                                      ^
///       = hint: ...
enum DiagnosticText {
    static func render(_ log: DiagnosticLog) -> String {
        var out = ""
        var lines = SourceLines()
        for diagnostic in log.sorted {
            out += render(diagnostic, lines: &lines)
        }
        for (key, count) in log.suppressed.sorted(by: { $0.key < $1.key }) {
            out += "\(key.file): \(key.severity.rawValue): and \(count) more \(key.code) \(key.severity == .error ? "errors" : "warnings") in this file [\(key.code)]\n"
        }
        if log.errorCount + log.warningCount > 0 {
            out += "\(log.errorCount) \(log.errorCount == 1 ? "error" : "errors"), \(log.warningCount) \(log.warningCount == 1 ? "warning" : "warnings")\n"
        }
        return out
    }

    static func render(_ diagnostic: Diagnostic, lines: inout SourceLines) -> String {
        var out = ""
        if let location = diagnostic.location {
            out += location.description + ": "
        }
        out += "\(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code)]\n"
        out += quote(diagnostic.location, as: diagnostic.sourceQuote, lines: &lines)
        if let hint = diagnostic.hint {
            out += "  = hint: \(hint)\n"
        }
        // Each note on its own, with its place quoted as the diagnostic's is:
        //     services.csv:4:1: note: the record_id "R-7" is first used here
        for note in diagnostic.notes {
            out += (note.location.map { $0.description + ": " } ?? "") + "note: \(note.message)\n"
            out += quote(note.location, as: diagnostic.sourceQuote, note: true, lines: &lines)
        }
        return out
    }

    /// The line a location points to and a caret under its column, quoted as the diagnostic
    /// allows (docs/data-protection.md): as it is, with its personal cells masked, or not at all.
    /// A note's line (another row of the same file) is quoted from a masked file only when the
    /// diagnostic carries that line's masks too.
    static func quote(_ location: SourceLocation?, as policy: SourceQuote, note: Bool = false, lines: inout SourceLines) -> String {
        guard let location, let line = location.line, let read = lines.line(line, of: location.file) else { return "" }
        var text = read
        switch policy {
        case .none: return ""
        case .line: break
        case .masked(let spans):
            if note, !spans.contains(where: { $0.line == line }) { return "" }
            text = PersonalValue.masking(read, lineNumber: line, spans: spans)
        }
        var out = ""
        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        // Control characters of the line are shown escaped (a tab stays a tab).
        let shown = String(String.UnicodeScalarView(text.unicodeScalars.flatMap { scalar -> [Unicode.Scalar] in
            scalar == "\t" || !ControlCharacters.isUnsafe(scalar) ? [scalar] : Array(ControlCharacters.escaped(scalar).unicodeScalars)
        }))
        out += " \(number) | \(shown)\n"
        if let column = location.column, column >= 1 {
            // Keep tabs so the caret lines up under the same characters.
            let prefix = text.unicodeScalars.prefix(column - 1).map { scalar -> String in
                scalar == "\t" ? "\t" : ControlCharacters.isUnsafe(scalar) ? String(repeating: " ", count: ControlCharacters.escaped(scalar).count) : " "
            }.joined()
            out += " \(gutter) | \(prefix)^\n"
        }
        return out
    }
}

/// Reads the lines a diagnostic quotes, once per file. Large files are not quoted.
struct SourceLines {
    private var cache: [String: [String]?] = [:]
    static let maximumFileSize = 64 << 20

    mutating func line(_ number: Int, of path: String) -> String? {
        if cache[path] == nil {
            cache[path] = .some(load(path))
        }
        guard let lines = cache[path] ?? nil, number >= 1, number <= lines.count else { return nil }
        let line = lines[number - 1]
        // Quote at most 160 characters of a long line.
        return line.count > 160 ? String(line.prefix(160)) + "…" : String(line)
    }

    private func load(_ path: String) -> [String]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, size <= SourceLines.maximumFileSize,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        // Split on bytes: in Swift "\r\n" is one Character and would not split on "\n".
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
    }
}
