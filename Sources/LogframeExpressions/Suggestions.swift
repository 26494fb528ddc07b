import LogframeCore

/// "Did you mean" hints: the closest known name within an edit distance of 2.
enum Suggestions {
    static func distance(_ a: String, _ b: String) -> Int { EditDistance.levenshtein(a, b) }

    /// The candidate nearest to `name` (case-insensitive matches first), if within distance 2.
    /// Ties go to the earlier candidate.
    static func closest(to name: String, in candidates: [String], maxDistance: Int = 2) -> String? {
        if let caseMatch = candidates.first(where: { $0.lowercased() == name.lowercased() && $0 != name }) {
            return caseMatch
        }
        var best: (String, Int)?
        for candidate in candidates where candidate != name {
            let d = distance(name, candidate)
            if d <= maxDistance, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// `a, b, c` or `a, b, c, ... (12 in all)`.
    static func list(_ names: [String], limit: Int = 8) -> String {
        if names.count <= limit { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + ", ... (\(names.count) in all)"
    }
}
