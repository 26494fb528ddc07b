import LogframeCore
import Testing
@testable import LogframeExpressions

/// Canonical, fully parenthesised rendering of a syntax tree, for precedence tests.
func canonical(_ syntax: Syntax) -> String {
    switch syntax.kind {
    case .literal(let value):
        switch value {
        case .text(let t): return "\"" + t.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        default: return value.description
        }
    case .field(let name): return name
    case .indicator(let id): return "$" + id
    case .list(let elements): return "[" + elements.map(canonical).joined(separator: ", ") + "]"
    case .unary(.not, let a): return "(not \(canonical(a)))"
    case .unary(.negate, let a): return "(-\(canonical(a)))"
    case .binary(let op, let a, let b): return "(\(canonical(a)) \(op.rawValue) \(canonical(b)))"
    case .isNull(let a, let negated): return "(\(canonical(a)) is \(negated ? "not " : "")null)"
    case .call(let name, let arguments, let filter):
        var inner = arguments.map(canonical).joined(separator: ", ")
        if let filter { inner += (inner.isEmpty ? "" : " ") + "where " + canonical(filter) }
        return "\(name)(\(inner))"
    }
}

func canonical(_ formula: Formula) -> String {
    switch formula {
    case .aggregate(let i): return "agg\(i)"
    case .number(let n): return n.description
    case .indicator(let id, _): return "$" + id
    case .percent(let a, let b): return "percent(\(canonical(a)), \(canonical(b)))"
    case .ratio(let a, let b): return "ratio(\(canonical(a)), \(canonical(b)))"
    case .arithmetic(let op, let a, let b): return "(\(canonical(a)) \(op.rawValue) \(canonical(b)))"
    case .negate(let a): return "(-\(canonical(a)))"
    }
}

func canonical(_ call: AggregateCall) -> String {
    canonical(Syntax(.call(name: call.function.rawValue, arguments: call.arguments, filter: call.filter), range: call.range))
}

/// The part of `text` a UTF-8 byte range covers.
func covered(_ text: String, _ range: Range<Int>) -> String {
    let bytes = Array(text.utf8)
    guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return "<out of range \(range)>" }
    return String(decoding: bytes[range], as: UTF8.self)
}

func num(_ text: String) -> Value { .number(ExactDecimal(parsing: text)!) }
func date(_ text: String) -> Value { .date(CivilDate(iso: text)!) }

/// A services-like source: slot = position.
let testFields: [(String, ValueType, Value)] = [
    ("age", .integer, num("30")),
    ("sex", .text, .text("F")),
    ("service", .text, .text("legal")),
    ("visit_date", .date, date("2021-03-31")),
    ("disability", .boolean, .bool(true)),
    ("referrals", .choices, .choices(["health", "cash"])),
    ("hours", .number, num("2.5")),
    ("person_id", .text, .text("P1")),
    ("households.district", .text, .text("Tərtər")),
    ("name", .text, .text("  Ağcabədi ")),
    ("p", .boolean, .null),
    ("q", .boolean, .null),
    ("n", .integer, .null),
    ("t", .text, .null),
    ("d", .date, .null),
    ("c", .choices, .null),
    ("end_date", .date, date("2021-04-30")),
]

let testScope = RowScope(fields: testFields.enumerated().map { RowScope.Field(name: $1.0, slot: $0, type: $1.1) })

func row(_ overrides: [String: Value] = [:]) -> [Value] {
    testFields.map { overrides[$0.0] ?? $0.2 }
}

func parse(_ text: String) throws -> Syntax {
    switch ExpressionParser.parse(text) {
    case .success(let s): return s
    case .failure(let e): throw e
    }
}

func bind(_ text: String) throws -> RowExpression {
    switch RowBinder.bind(try parse(text), in: testScope) {
    case .success(let e): return e
    case .failure(let e): throw e
    }
}

/// Parses, binds and evaluates; also checks `matches` agrees with `evaluate`.
func evaluate(_ text: String, _ overrides: [String: Value] = [:]) throws -> Value {
    let expression = try bind(text)
    let r = row(overrides)
    let value = expression.evaluate(r)
    #expect(expression.matches(r) == (value == .bool(true)), "matches disagrees with evaluate for \(text)")
    return value
}

/// The errors of parsing and binding `text` as a row expression.
func rowErrors(_ text: String) -> [ExpressionError] {
    switch ExpressionParser.parse(text) {
    case .failure(let e): return [e]
    case .success(let s):
        switch RowBinder.bind(s, in: testScope) {
        case .success: return []
        case .failure(let e): return e.errors
        }
    }
}

func formulaErrors(_ text: String) -> [ExpressionError] {
    switch ExpressionParser.parse(text) {
    case .failure(let e): return [e]
    case .success(let s):
        switch FormulaBuilder.build(s) {
        case .success: return []
        case .failure(let e): return e.errors
        }
    }
}
