/// A problem found in the user's files, located and explained in plain language.
///
/// Every stage reports through this one type: a stable kebab-case `code` that tools and tests can
/// rely on, a `severity`, where it happened, a message an M&E officer understands, and a hint when
/// one helps. Lines and columns are 1-based; a column counts Unicode characters (extended grapheme
/// clusters are not used: one Unicode scalar is one column) from the start of the physical line.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    public var severity: Severity
    public var code: String
    public var location: SourceLocation?
    public var message: String
    public var hint: String?
    /// Other places the problem concerns, each with its own location: a `duplicate-key`'s first
    /// occurrence. Every format prints them after the diagnostic.
    public var notes: [Note]
    /// Whether, and how, a renderer may quote the source line the diagnostic points at: a data
    /// file's line may hold personal values (docs/data-protection.md).
    public var sourceQuote: SourceQuote = .line

    /// A place a diagnostic points to besides its own: `services.csv:4:1: note: first used here`.
    public struct Note: Sendable, Hashable {
        public var location: SourceLocation?
        public var message: String

        public init(at location: SourceLocation?, _ message: String) {
            self.location = location.map(Diagnostic.safe)
            self.message = ControlCharacters.message(message)
        }
    }

    /// The message, hint, notes and file name are made safe to print here, once for every
    /// format: control characters escaped and lengths bounded (`ControlCharacters`), since they
    /// may quote anything a data file or a file name holds.
    public init(_ severity: Severity, _ code: String, at location: SourceLocation?, _ message: String, hint: String? = nil,
                notes: [Note] = []) {
        self.severity = severity
        self.code = code
        self.location = location.map(Diagnostic.safe)
        self.message = ControlCharacters.message(message)
        self.hint = hint.map(ControlCharacters.message)
        self.notes = notes
    }

    static func safe(_ location: SourceLocation) -> SourceLocation {
        SourceLocation(file: ControlCharacters.message(location.file), line: location.line, column: location.column)
    }

    public static func error(_ code: String, at location: SourceLocation?, _ message: String, hint: String? = nil,
                             notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, code, at: location, message, hint: hint, notes: notes)
    }

    public static func warning(_ code: String, at location: SourceLocation?, _ message: String, hint: String? = nil,
                               notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, code, at: location, message, hint: hint, notes: notes)
    }
}

/// How the source line of a diagnostic may be quoted.
public enum SourceQuote: Sendable, Hashable {
    /// As it is in the file (definitions files, data files with no personal field).
    case line
    /// With these spans masked: the personal cells of a data file's row.
    case masked([MaskedSpan])
    /// Not at all: a line of a file with personal values whose cells could not be located
    /// (an XML element, a row the CSV scanner refused).
    case none
}

/// Characters of one line to hide when the line is quoted: 1-based column, length in Unicode
/// scalars (the unit of `SourceLocation.column`).
public struct MaskedSpan: Sendable, Hashable {
    public var line: Int
    public var column: Int
    public var length: Int
    public init(line: Int, column: Int, length: Int) {
        self.line = line; self.column = column; self.length = length
    }
}

/// How a personal value is shown in a message: its length only. No letter (an initial and a
/// length narrow a name down in a small village) and no hash (a hash of a phone number or a
/// FIN is reversed by hashing every possible number). docs/data-protection.md.
public enum PersonalValue {
    public static func mask(_ text: String) -> String {
        let count = text.unicodeScalars.count
        return "[personal value, \(count) \(count == 1 ? "character" : "characters")]"
    }

    /// A quoted line with the spans on it replaced, character for character, by `•` (so a caret
    /// under the line still points at the same column).
    public static func masking(_ line: String, lineNumber: Int, spans: [MaskedSpan]) -> String {
        let onLine = spans.filter { $0.line == lineNumber }
        guard !onLine.isEmpty else { return line }
        var scalars = Array(line.unicodeScalars)
        for span in onLine {
            let start = max(span.column - 1, 0)
            guard start < scalars.count else { continue }
            for i in start..<min(start + span.length, scalars.count) { scalars[i] = "•" }
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// A place in a user's file: path as the user gave it (or as resolved relative to the definitions
/// file), 1-based line, 1-based column (Unicode scalars). `line` and `column` may be nil for a
/// problem that concerns the whole file.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let line = line, let column { _ = line; text += ":\(column)" }
        return text
    }
}

/// Collects diagnostics from every stage, keeping at most `limitPerCode` of each code per file
/// and counting the rest, so a file with a million bad rows costs bounded memory.
public struct DiagnosticLog: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    /// Diagnostics beyond the cap, by (file, code): how many were not kept.
    public private(set) var suppressed: [SuppressedKey: Int] = [:]
    public private(set) var errorCount = 0
    public private(set) var warningCount = 0
    public let limitPerCode: Int
    private var keptPerKey: [SuppressedKey: Int] = [:]

    public struct SuppressedKey: Sendable, Hashable, Comparable {
        public var file: String
        public var code: String
        public var severity: Diagnostic.Severity
        public static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.file, lhs.code) < (rhs.file, rhs.code)
        }
    }

    public init(limitPerCode: Int = 100) {
        self.limitPerCode = limitPerCode
    }

    public mutating func append(_ diagnostic: Diagnostic) {
        switch diagnostic.severity {
        case .error: errorCount += 1
        case .warning: warningCount += 1
        }
        let key = SuppressedKey(file: diagnostic.location?.file ?? "", code: diagnostic.code, severity: diagnostic.severity)
        let kept = keptPerKey[key, default: 0]
        if kept < limitPerCode {
            keptPerKey[key] = kept + 1
            diagnostics.append(diagnostic)
        } else {
            suppressed[key, default: 0] += 1
        }
    }

    /// Whether a diagnostic with this file and code would be kept (not only counted). A caller
    /// whose message is costly to build (a "did you mean" search) asks first, so a file with a
    /// million bad cells does not build a million messages to keep a hundred.
    public func keeps(file: String, code: String, severity: Diagnostic.Severity) -> Bool {
        keptPerKey[SuppressedKey(file: file, code: code, severity: severity), default: 0] < limitPerCode
    }

    /// Counts a diagnostic beyond the cap without building it (see `keeps`).
    public mutating func countSuppressed(file: String, code: String, severity: Diagnostic.Severity) {
        switch severity {
        case .error: errorCount += 1
        case .warning: warningCount += 1
        }
        suppressed[SuppressedKey(file: file, code: code, severity: severity), default: 0] += 1
    }

    /// Changes the diagnostics kept from position `start` on (the data stage marks how the
    /// lines of a row with personal values may be quoted).
    public mutating func updateDiagnostics(from start: Int, _ body: (inout Diagnostic) -> Void) {
        guard start < diagnostics.count else { return }
        for i in start..<diagnostics.count { body(&diagnostics[i]) }
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        for diagnostic in other { append(diagnostic) }
    }

    public mutating func merge(_ other: DiagnosticLog) {
        for diagnostic in other.diagnostics { append(diagnostic) }
        for (key, count) in other.suppressed {
            suppressed[key, default: 0] += count
            switch key.severity {
            case .error: errorCount += count
            case .warning: warningCount += count
            }
        }
    }

    public var hasErrors: Bool { errorCount > 0 }

    /// Diagnostics in a stable order: by file, then line, then column, then code.
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let la = a.element.location, lb = b.element.location
            let ka = (la?.file ?? "", la?.line ?? 0, la?.column ?? 0)
            let kb = (lb?.file ?? "", lb?.line ?? 0, lb?.column ?? 0)
            if ka != kb { return ka < kb }
            return a.offset < b.offset
        }.map(\.element)
    }
}
