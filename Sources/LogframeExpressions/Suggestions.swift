import LogframeCore

/// Lists of names for hints ("did you mean" itself is `DidYouMean`, in LogframeCore).
enum Suggestions {
    /// `a, b, c` or `a, b, c, ... (12 in all)`.
    static func list(_ names: [String], limit: Int = 8) -> String {
        if names.count <= limit { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + ", ... (\(names.count) in all)"
    }
}
