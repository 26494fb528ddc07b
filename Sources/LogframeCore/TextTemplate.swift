/// A text with numbered places for arguments: `%1`, `%2`, ... `%9`, replaced in order.
///
/// The localised word tables (the report's labels, the expression words) are written as
/// templates, so a language can put the arguments where its grammar wants them:
/// `"number of records where %1"` and `"%1 şərtini ödəyən qeydlərin sayı"`.
public enum TextTemplate {
    /// Replaces `%1`...`%9` in one pass, so an argument that itself contains `%2` stays as it is.
    public static func fill(_ template: String, _ arguments: [String]) -> String {
        var out = ""
        var chars = template[...]
        while let ch = chars.popFirst() {
            if ch == "%", let digit = chars.first?.wholeNumberValue, digit >= 1, digit <= arguments.count {
                out += arguments[digit - 1]
                chars.removeFirst()
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
