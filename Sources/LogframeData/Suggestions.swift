import Foundation
import LogframeCore

/// Lists of values for hints ("did you mean" itself is `DidYouMean`, in LogframeCore).
enum Suggestions {
    /// `"a", "b" or "c"` for messages.
    static func list(_ items: [String], limit: Int = 12) -> String {
        let shown = items.prefix(limit).map { "\"\(ControlCharacters.quote($0, limit: 100))\"" }
        let more = items.count > limit ? " (and \(items.count - limit) more)" : ""
        return shown.joined(separator: ", ") + more
    }
}

/// Source paths: joining to the definitions folder, lexical normalisation, glob expansion.
enum SourcePaths {
    static func hasGlob(_ path: String) -> Bool {
        path.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    static func join(_ base: String, _ path: String) -> String {
        if path.hasPrefix("/") || base.isEmpty || base == "." { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    /// Removes `.` components and folds `dir/..` pairs, lexically (symbolic links are not
    /// resolved): `indicators/../samples/x.csv` becomes `samples/x.csv`.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute, parts.isEmpty { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Files matching a glob pattern, sorted bytewise so runs are deterministic.
    static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(matches.gl_pathc) {
            if let cString = matches.gl_pathv[i] { paths.append(String(cString: cString)) }
        }
        return paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
