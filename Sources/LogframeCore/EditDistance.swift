import Foundation

/// Levenshtein distance over Unicode scalars, for "did you mean" hints.
///
/// `DidYouMean` (below) is the one "did you mean" helper; its rules say, per kind of name, which
/// candidate is close enough (data values ignore case and diacritics; definitions names also
/// match by prefix; command-line ids allow more edits when longer).
public enum EditDistance {
    public static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    public static func levenshtein(_ a: String, _ b: String) -> Int {
        levenshtein(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }
}

/// "Did you mean" for every stage: one function, with the rule for what is close enough named
/// by what is being matched. All measure with `EditDistance.levenshtein`; among candidates
/// equally close, the first wins.
public enum DidYouMean {
    public enum Rule: Sendable {
        /// Keys and ids of the definitions file: case-insensitive, within 2 edits, else a
        /// candidate that starts with the word or that the word starts with (2 letters or more).
        case definitionsName
        /// Fields and functions in expressions: a candidate equal but for letter case first,
        /// then one within 2 edits; never the word itself.
        case expressionName
        /// Data values and column names: compared with case, diacritics and width folded and
        /// spaces trimmed (`Agcabedi` is one edit from `Ağcabədi`: ə is a letter of its own),
        /// within 1 to 3 edits as the text grows (a third of its length).
        case dataValue
        /// Indicator and period ids on the command line: case-insensitive, within
        /// max(2, a third of the word's length) edits.
        case commandLineId
    }

    public static func closest(to word: String, among candidates: [String], _ rule: Rule) -> String? {
        switch rule {
        case .definitionsName:
            var best: (String, Int)?
            let lower = word.lowercased()
            for candidate in candidates {
                let c = candidate.lowercased()
                var distance = EditDistance.levenshtein(Array(lower.unicodeScalars), Array(c.unicodeScalars))
                if distance > 2 {
                    if lower.count >= 2, c.hasPrefix(lower) || lower.hasPrefix(c) { distance = 3 } else { continue }
                }
                if best == nil || distance < best!.1 { best = (candidate, distance) }
            }
            return best?.0
        case .expressionName:
            if let caseMatch = candidates.first(where: { $0.lowercased() == word.lowercased() && $0 != word }) {
                return caseMatch
            }
            var best: (String, Int)?
            for candidate in candidates where candidate != word {
                let d = EditDistance.levenshtein(word, candidate)
                if d <= 2, best == nil || d < best!.1 { best = (candidate, d) }
            }
            return best?.0
        case .dataValue:
            func fold(_ text: String) -> [Unicode.Scalar] {
                Array(text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
                    .trimmingCharacters(in: .whitespaces).unicodeScalars)
            }
            let target = fold(word)
            guard !target.isEmpty else { return nil }
            var best: (candidate: String, distance: Int)?
            // At most 10,000 candidates: a header of a million columns gets a suggestion from
            // its first names, not a minute of edit distances.
            for candidate in candidates.prefix(10_000) {
                let folded = fold(candidate)
                let distance = folded == target ? 0 : EditDistance.levenshtein(target, folded)
                let allowed = max(1, min(3, max(target.count, folded.count) / 3))
                guard distance <= allowed else { continue }
                if best == nil || distance < best!.distance { best = (candidate, distance) }
            }
            return best?.candidate
        case .commandLineId:
            let w = Array(word.lowercased().unicodeScalars)
            var best: (String, Int)?
            for candidate in candidates {
                let d = EditDistance.levenshtein(w, Array(candidate.lowercased().unicodeScalars))
                if d <= max(2, w.count / 3), best == nil || d < best!.1 { best = (candidate, d) }
            }
            return best?.0
        }
    }
}
