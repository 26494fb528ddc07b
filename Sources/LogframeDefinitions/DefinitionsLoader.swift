import Foundation
import LogframeCore
import Yams

public enum DefinitionsLoader {
    /// Largest definitions file accepted (SPEC section 11).
    public static let maxFileSize = 10 * 1024 * 1024

    /// Loads, validates and resolves a definitions file. Gathers every problem; returns nil
    /// definitions when any error was found. Reads only the definitions file, never the data.
    public static func load(path: String) -> (definitions: Definitions?, diagnostics: [Diagnostic]) {
        let whole = SourceLocation(file: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return (nil, [.error("file-not-found", at: whole, "The definitions file `\(path)` does not exist.")])
        }
        if isDirectory.boolValue {
            return (nil, [.error("file-not-found", at: whole, "`\(path)` is a folder, not a definitions file.")])
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > maxFileSize {
            return (nil, [tooLarge(path, size.intValue)])
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return (nil, [.error("file-unreadable", at: whole, "The definitions file `\(path)` cannot be read.")])
        }
        defer { try? handle.close() }
        // Read at most one byte past the limit, in case the file grew or the size was unknown.
        let data = (try? handle.read(upToCount: maxFileSize + 1)) ?? Data()
        if data.count > maxFileSize { return (nil, [tooLarge(path, data.count)]) }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return (nil, [.error("definitions-encoding", at: whole, "The definitions file is UTF-16; it must be UTF-8.",
                                 hint: "Save the file as UTF-8 in your editor.")])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return (nil, [invalidUTF8(bytes, path)])
        }
        return load(text: text, path: path)
    }

    /// Loads definitions from text; `path` names the file in diagnostics and anchors relative paths.
    public static func load(text: String, path: String) -> (definitions: Definitions?, diagnostics: [Diagnostic]) {
        if text.utf8.count > maxFileSize { return (nil, [tooLarge(path, text.utf8.count)]) }
        let text = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
        if text.utf8.contains(0) {
            return (nil, [.error("definitions-encoding", at: SourceLocation(file: path),
                                 "The definitions file contains NUL bytes; it is not a text file.")])
        }
        if text.allSatisfy({ $0.isWhitespace }) {
            return (nil, [.error("missing-key", at: SourceLocation(file: path, line: 1, column: 1),
                                 "The definitions file is empty.", hint: "Start with `logframe: 1` and a `programme:`.")])
        }
        let safety = YAMLSafety.scan(text, file: path)
        if !safety.isEmpty { return (nil, safety) }
        let context = LoadContext(file: path, text: text)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return (nil, [.error("missing-key", at: SourceLocation(file: path, line: 1, column: 1), "The definitions file is empty.")])
            }
            root = node
        } catch let error as YamlError {
            return (nil, [yamlError(error, path)])
        } catch {
            return (nil, [.error("yaml-syntax", at: SourceLocation(file: path), "The YAML could not be read: \(error).")])
        }
        let raw = RawReader(c: context).document(root)
        let directory = (path as NSString).deletingLastPathComponent
        let resolver = Resolver(c: context, baseDirectory: directory.isEmpty ? "." : directory)
        var definitions = resolver.resolve(raw)
        // Read from a file: its sources may read only inside the project folder (PathPolicy).
        definitions?.allowOutside = []
        var seen: Set<Diagnostic> = []
        let diagnostics = context.diagnostics.filter { seen.insert($0).inserted }
        return (diagnostics.contains { $0.severity == .error } ? nil : definitions, diagnostics)
    }

    static func tooLarge(_ path: String, _ size: Int) -> Diagnostic {
        .error("definitions-too-large", at: SourceLocation(file: path),
               "The definitions file is \(size / 1_048_576) MB; the limit is 10 MB.",
               hint: "A definitions file describes indicators, not data; keep data in the source files.")
    }

    static func invalidUTF8(_ bytes: [UInt8], _ path: String) -> Diagnostic {
        // Locate the first byte that does not start a well-formed UTF-8 sequence.
        var line = 1, lineStart = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : (0xC2...0xDF).contains(b) ? 2 : (0xE0...0xEF).contains(b) ? 3 : (0xF0...0xF4).contains(b) ? 4 : 0
            guard length > 0, i + length <= bytes.count,
                  bytes[(i + 1)..<(i + length)].allSatisfy({ (0x80...0xBF).contains($0) }) else { break }
            if b == 10 { line += 1; lineStart = i + 1 }
            i += length
        }
        let column = String(decoding: bytes[lineStart..<min(i, bytes.count)], as: UTF8.self).unicodeScalars.count + 1
        return .error("definitions-encoding", at: SourceLocation(file: path, line: line, column: column),
                      "The definitions file is not valid UTF-8 (it may be saved as Windows-1251 or Latin-1).",
                      hint: "Save the file as UTF-8 in your editor.")
    }

    static func yamlError(_ error: YamlError, _ path: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: path, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .error("yaml-syntax", at: at(mark), "The YAML is not valid: \(problem).")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .error("duplicate-key", at: at(context.mark), "The key `\(duplicates.first ?? "")` appears twice in the same mapping.")
        default:
            return .error("yaml-syntax", at: SourceLocation(file: path), "The YAML could not be read.")
        }
    }
}
