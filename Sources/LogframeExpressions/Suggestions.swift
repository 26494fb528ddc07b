/// "Did you mean" hints: the closest known name within an edit distance of 2.
enum Suggestions {
    /// Levenshtein distance over Unicode scalars.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

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
