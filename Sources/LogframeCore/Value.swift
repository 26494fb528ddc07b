/// A value in a record or an expression.
///
/// The null rules (SPEC section 4) are written once in `LogframeExpressions`; here a value is
/// just data. Text is NFC-normalised before it becomes a `Value` (see `TextNormalization`).
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// Integers and decimals alike; the static type (`integer` or `number`) lives in `ValueType`.
    case number(ExactDecimal)
    case text(String)
    case date(CivilDate)
    /// A multi-select answer (`choices` field): the selected options, in the order written.
    case choices([String])
    /// A list literal, for `in` and `not in`.
    case list([Value])

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .text(let s): return s
        case .date(let d): return d.description
        case .choices(let c): return c.joined(separator: " ")
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        }
    }

    public static func integer(_ value: Int) -> Value { .number(ExactDecimal(value)) }
}

/// The static type of a field or an expression, checked when the definitions load.
public enum ValueType: String, Sendable, Hashable, CustomStringConvertible {
    case text, integer, number, date, boolean, choices
    /// A list literal's type (elements are checked separately).
    case list
    /// The type of the literal `null`: compatible with everything.
    case null

    public var description: String { rawValue }

    public var isNumeric: Bool { self == .integer || self == .number }
}
