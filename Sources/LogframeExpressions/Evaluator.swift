import LogframeCore

/// A bound, type-checked row expression: slot indexes resolved, literals converted, operator and
/// function choices made. Evaluation is a `switch` over this enum; nothing here allocates a
/// `String` for field access or literal comparison.
indirect enum Node: Sendable {
    case constant(Value)
    case slot(Int)

    // Conditions (evaluate to a three-valued truth).
    case compare(ComparisonOperator, Node, Node)
    /// `field op literal`, the commonest filter shape, without recursion.
    case compareSlot(ComparisonOperator, Int, Value)
    case member(Node, Membership, negated: Bool)
    case isNull(Node, negated: Bool)
    case and(Node, Node)
    case or(Node, Node)
    case not(Node)
    case has(Node, Node)
    case contains(Node, Node)
    case startsWith(Node, Node)

    // Values.
    case arithmetic(ArithmeticOperator, Node, Node)
    case negate(Node)
    case year(Node)
    case quarter(Node)
    case month(Node)
    case days(Node, Node)
    case lower(Node)
    case upper(Node)
    case trim(Node)
    case length(Node)
    case coalesce([Node])
    case choose(Node, Node, Node)

    /// Adds the row slots this node reads. Every case is listed (no `default`), so a new kind
    /// of node cannot be forgotten here.
    func collectSlots(into slots: inout Set<Int>) {
        switch self {
        case .constant: break
        case .slot(let slot), .compareSlot(_, let slot, _): slots.insert(slot)
        case .compare(_, let a, let b), .and(let a, let b), .or(let a, let b), .has(let a, let b), .contains(let a, let b),
             .startsWith(let a, let b), .arithmetic(_, let a, let b), .days(let a, let b):
            a.collectSlots(into: &slots); b.collectSlots(into: &slots)
        case .member(let a, _, _), .isNull(let a, _), .not(let a), .negate(let a), .year(let a), .quarter(let a), .month(let a),
             .lower(let a), .upper(let a), .trim(let a), .length(let a):
            a.collectSlots(into: &slots)
        case .coalesce(let nodes):
            for node in nodes { node.collectSlots(into: &slots) }
        case .choose(let a, let b, let c):
            a.collectSlots(into: &slots); b.collectSlots(into: &slots); c.collectSlots(into: &slots)
        }
    }

    var isCondition: Bool {
        switch self {
        case .compare, .compareSlot, .member, .isNull, .and, .or, .not, .has, .contains, .startsWith: return true
        default: return false
        }
    }
}

enum Evaluator {
    static func value(_ node: Node, _ row: [Value]) -> Value {
        switch node {
        case .constant(let v): return v
        case .slot(let i): return row[i]
        case .compare, .compareSlot, .member, .isNull, .and, .or, .not, .has, .contains, .startsWith:
            return NullSemantics.value(truth(node, row))
        case .arithmetic(let op, let a, let b):
            return NullSemantics.arithmetic(op, value(a, row), value(b, row))
        case .negate(let a):
            return NullSemantics.negate(value(a, row))
        case .year(let a):
            guard case .date(let d) = value(a, row) else { return .null }
            return .integer(d.year)
        case .quarter(let a):
            guard case .date(let d) = value(a, row) else { return .null }
            return .integer((d.month - 1) / 3 + 1)
        case .month(let a):
            guard case .date(let d) = value(a, row) else { return .null }
            return .integer(d.month)
        case .days(let a, let b):
            guard case .date(let x) = value(a, row), case .date(let y) = value(b, row) else { return .null }
            return .integer(Int(y.daysSinceEpoch) - Int(x.daysSinceEpoch))
        case .lower(let a):
            guard case .text(let s) = value(a, row) else { return .null }
            return .text(TextNormalization.nfc(s.lowercased()))
        case .upper(let a):
            guard case .text(let s) = value(a, row) else { return .null }
            return .text(TextNormalization.nfc(s.uppercased()))
        case .trim(let a):
            guard case .text(let s) = value(a, row) else { return .null }
            return .text(trimmed(s))
        case .length(let a):
            guard case .text(let s) = value(a, row) else { return .null }
            return .integer(s.count)
        case .coalesce(let nodes):
            for n in nodes {
                let v = value(n, row)
                if !v.isNull { return v }
            }
            return .null
        case .choose(let c, let a, let b):
            return truth(c, row) == true ? value(a, row) : value(b, row)
        }
    }

    static func truth(_ node: Node, _ row: [Value]) -> Bool? {
        switch node {
        case .compareSlot(let op, let i, let literal):
            return NullSemantics.compare(op, row[i], literal)
        case .compare(let op, let a, let b):
            return NullSemantics.compare(op, value(a, row), value(b, row))
        case .member(let a, let list, let negated):
            return NullSemantics.member(value(a, row), list, negated: negated)
        case .isNull(let a, let negated):
            return value(a, row).isNull != negated
        case .and(let a, let b):
            return NullSemantics.and(truth(a, row)) { truth(b, row) }
        case .or(let a, let b):
            return NullSemantics.or(truth(a, row)) { truth(b, row) }
        case .not(let a):
            return NullSemantics.not(truth(a, row))
        case .has(let a, let b):
            guard case .choices(let options) = value(a, row), case .text(let option) = value(b, row) else { return false }
            for o in options where NullSemantics.textEqual(o, option) { return true }
            return false
        case .contains(let a, let b):
            guard case .text(let s) = value(a, row), case .text(let sub) = value(b, row) else { return false }
            return containsBytes(s, sub)
        case .startsWith(let a, let b):
            guard case .text(let s) = value(a, row), case .text(let p) = value(b, row) else { return false }
            return s.utf8.starts(with: p.utf8)
        default:
            return NullSemantics.truth(value(node, row))
        }
    }

    /// Substring search over UTF-8 bytes (exact, as both sides are NFC), without copying.
    static func containsBytes(_ s: String, _ sub: String) -> Bool {
        var s = s, sub = sub
        return s.withUTF8 { hay in
            sub.withUTF8 { needle in
                if needle.isEmpty { return true }
                if needle.count > hay.count { return false }
                let first = needle[0]
                for start in 0...(hay.count - needle.count) where hay[start] == first {
                    var match = true
                    var k = 1
                    while k < needle.count {
                        if hay[start + k] != needle[k] { match = false; break }
                        k += 1
                    }
                    if match { return true }
                }
                return false
            }
        }
    }

    static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let first = sub.first, first.isWhitespace { sub.removeFirst() }
        while let last = sub.last, last.isWhitespace { sub.removeLast() }
        return String(sub)
    }
}

extension RowExpression {
    /// Evaluates the expression against one row (slots as in the `RowScope` it was bound to).
    public func evaluate(_ row: [Value]) -> Value {
        Evaluator.value(node, row)
    }

    /// True only when the expression evaluates to `.bool(true)`: how a `where` filter keeps a row.
    /// Faster than `evaluate(row) == .bool(true)` for conditions.
    public func matches(_ row: [Value]) -> Bool {
        Evaluator.truth(node, row) == true
    }

    /// The three-valued truth of a condition: true, false, or nil (null). A rule's `check` fails a
    /// row only when this is `false`.
    public func truth(_ row: [Value]) -> Bool? {
        Evaluator.truth(node, row)
    }
}
