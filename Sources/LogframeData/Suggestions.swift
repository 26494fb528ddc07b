import Foundation
import LogframeCore

/// "Did you mean" suggestions for typo'd values and column names.
///
/// Candidates are compared after case folding and removing diacritics (`Agcabedi` against
/// `Ağcabədi` folds to `agcabedi` against `agcabədi`: one edit, since ə is a letter of its own,
/// not an e with a mark), by Levenshtein distance over Unicode scalars.
enum Suggestions {
    static func fold(_ text: String) -> [Unicode.Scalar] {
        Array(text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .trimmingCharacters(in: .whitespaces).unicodeScalars)
    }

    /// Candidates compared at most: a header of a million columns gets a suggestion from its
    /// first 10,000 names, not a minute of edit distances.
    static let maxCandidates = 10_000

    /// The closest candidate within a small distance, or nil.
    static func closest(to text: String, among candidates: [String]) -> String? {
        let target = fold(text)
        guard !target.isEmpty else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates.prefix(maxCandidates) {
            let folded = fold(candidate)
            let distance = folded == target ? 0 : levenshtein(target, folded)
            let allowed = max(1, min(3, max(target.count, folded.count) / 3))
            guard distance <= allowed else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.candidate
    }

    static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int { EditDistance.levenshtein(a, b) }

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
