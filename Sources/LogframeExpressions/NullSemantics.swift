import LogframeCore

/// The null rules of the expression language (SPEC section 4), written down once. Every other
/// file calls these functions instead of deciding about nulls itself.
///
/// A condition has three outcomes, `true`, `false` and unknown (`null`, spelled `nil` in a
/// `Bool?`). A `where` filter keeps a row only when its condition is exactly `true`; a rule's
/// `check` fails a row only when it is exactly `false`.
///
/// Comparisons are two-valued: **a comparison with null is false**, never unknown.
///
/// | expression                   | x = null | x = 1  | x = 2  |
/// |------------------------------|----------|--------|--------|
/// | `x == 1`                     | false    | true   | false  |
/// | `x != 1`                     | false    | false  | true   |
/// | `x < 2`, `<=`, `>`, `>=`     | false    | ...    | ...    |
/// | `x in [1, 2]`                | false    | true   | true   |
/// | `x not in [1]`               | false    | false  | true   |
/// | `x is null`                  | true     | false  | false  |
/// | `x is not null`              | false    | true   | true   |
/// | `x + 1`, `-`, `*`, `/`       | null     | 2      | 3      |
/// | `-x`                         | null     | -1     | -2     |
/// | `x / 0`                      | null     | null   | null   |
///
/// `and`, `or` and `not` use Kleene's three-valued logic (N = null):
///
/// | a     | b     | a and b | a or b |
/// |-------|-------|---------|--------|
/// | true  | true  | true    | true   |
/// | true  | false | false   | true   |
/// | true  | N     | N       | true   |
/// | false | true  | false   | true   |
/// | false | false | false   | false  |
/// | false | N     | false   | N      |
/// | N     | true  | N       | true   |
/// | N     | false | false   | N      |
/// | N     | N     | N       | N      |
///
/// `not true` = false, `not false` = true, `not N` = N. Note `not (x == 1)` with x null is
/// `not false` = true: the comparison already decided "false".
///
/// Functions:
/// - `year`, `quarter`, `month`, `days`, `lower`, `upper`, `trim`, `length` of null are null.
/// - `contains(s, sub)`, `starts_with(s, p)`: predicates like comparisons, so null input -> false.
/// - `has(choices, "x")`: null choices (or null option) -> false.
/// - `coalesce(a, b, ...)`: the first non-null argument, else null.
/// - `if(cond, a, b)`: `a` when cond is true; `b` when cond is false or null.
enum NullSemantics {
    // MARK: Kleene logic

    @inline(__always)
    static func not(_ a: Bool?) -> Bool? {
        guard let a else { return nil }
        return !a
    }

    /// `a and b`; `b` is evaluated only when `a` is not false.
    @inline(__always)
    static func and(_ a: Bool?, _ b: () -> Bool?) -> Bool? {
        if a == false { return false }
        let right = b()
        if right == false { return false }
        if a == nil || right == nil { return nil }
        return true
    }

    /// `a or b`; `b` is evaluated only when `a` is not true.
    @inline(__always)
    static func or(_ a: Bool?, _ b: () -> Bool?) -> Bool? {
        if a == true { return true }
        let right = b()
        if right == true { return true }
        if a == nil || right == nil { return nil }
        return false
    }

    /// The truth of a value: `.bool(b)` is b, anything else (null) is unknown.
    @inline(__always)
    static func truth(_ value: Value) -> Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    @inline(__always)
    static func value(_ truth: Bool?) -> Value {
        guard let truth else { return .null }
        return .bool(truth)
    }

    // MARK: Comparisons (null -> false)

    /// Three-way order of two non-null values of one comparable kind; nil when either is null
    /// or the kinds differ (the binder rules the latter out).
    @inline(__always)
    static func order(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return compareNumbers(x, y)
        case (.text(let x), .text(let y)): return compareText(x, y)
        case (.date(let x), .date(let y)):
            return x.daysSinceEpoch < y.daysSinceEpoch ? -1 : (x.daysSinceEpoch == y.daysSinceEpoch ? 0 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        default: return nil
        }
    }

    /// `a op b` for the six comparison operators: false when either side is null.
    @inline(__always)
    static func compare(_ op: ComparisonOperator, _ a: Value, _ b: Value) -> Bool {
        // Equality of text is the hot case (`service == "legal"`): no ordering needed.
        if case .text(let x) = a, case .text(let y) = b {
            switch op {
            case .equal: return textEqual(x, y)
            case .notEqual: return !textEqual(x, y)
            default: break
            }
        }
        guard let order = order(a, b) else { return false }
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }

    /// `a in list` (negated: `a not in list`): false when `a` is null; null elements never match.
    @inline(__always)
    static func member(_ a: Value, _ list: Membership, negated: Bool) -> Bool {
        if case .null = a { return false }
        let found = list.contains(a)
        return negated ? !found : found
    }

    // MARK: Arithmetic (null -> null, division by zero -> null)

    @inline(__always)
    static func arithmetic(_ op: ArithmeticOperator, _ a: Value, _ b: Value) -> Value {
        guard case .number(let x) = a, case .number(let y) = b else { return .null }
        switch op {
        case .add: return .number(x + y)
        case .subtract: return .number(x - y)
        case .multiply: return .number(x * y)
        case .divide:
            guard let q = x / y else { return .null }
            return .number(q)
        }
    }

    @inline(__always)
    static func negate(_ a: Value) -> Value {
        guard case .number(let x) = a else { return .null }
        return .number(-x)
    }

    // MARK: Primitive comparisons of non-null values

    @inline(__always)
    static func compareNumbers(_ x: ExactDecimal, _ y: ExactDecimal) -> Int {
        if x.scale == y.scale {
            return x.significand < y.significand ? -1 : (x.significand == y.significand ? 0 : 1)
        }
        return x < y ? -1 : (y < x ? 1 : 0)
    }

    /// Whether two buffers of the same length hold the same bytes, eight at a time (the generic
    /// `elementsEqual` went byte by byte: a `where service == "vocational_training"` cost
    /// about 230 instructions per row).
    @inline(__always)
    static func sameBytes(_ p: UnsafeBufferPointer<UInt8>, _ q: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = p.count
        guard n == q.count else { return false }
        guard n > 0, let a = p.baseAddress, let b = q.baseAddress else { return true }
        if a == b { return true }
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// Exact comparison of UTF-8 bytes (values and literals are NFC already), no allocation.
    @inline(__always)
    static func textEqual(_ x: String, _ y: String) -> Bool {
        let a = x.utf8, b = y.utf8
        guard a.count == b.count else { return false }
        if let equal = a.withContiguousStorageIfAvailable({ pa in
            b.withContiguousStorageIfAvailable { pb in sameBytes(pa, pb) }
        }), let equal {
            return equal
        }
        return a.elementsEqual(b)
    }

    /// Order of UTF-8 bytes, which is Unicode scalar order.
    @inline(__always)
    static func compareText(_ x: String, _ y: String) -> Int {
        if textEqual(x, y) { return 0 }
        return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
    }
}

/// The six comparison operators (`in` and `not in` are `Membership`).
enum ComparisonOperator: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

enum ArithmeticOperator: Sendable {
    case add, subtract, multiply, divide
}

/// The right side of `in`: a list literal, converted once at bind time.
enum Membership: Sendable {
    case values([Value])
    case texts(Set<String>)

    init(_ elements: [Value]) {
        let nonNull = elements.filter { !$0.isNull }
        var texts: [String] = []
        for element in nonNull { if case .text(let t) = element { texts.append(t) } }
        if nonNull.count > 8, texts.count == nonNull.count {
            self = .texts(Set(texts))
        } else {
            self = .values(nonNull)
        }
    }

    @inline(__always)
    func contains(_ value: Value) -> Bool {
        switch self {
        case .texts(let set):
            guard case .text(let t) = value else { return false }
            return set.contains(t)
        case .values(let values):
            for element in values where NullSemantics.compare(.equal, value, element) { return true }
            return false
        }
    }
}
