import LogframeCore

/// The names the language knows, for checks and "did you mean" hints.
enum FunctionNames {
    static let row = ["year", "quarter", "month", "days", "lower", "upper", "trim", "contains",
                      "starts_with", "length", "coalesce", "has", "if"]
    static let aggregates = AggregateFunction.allNames
    static let indicatorLevel = ["percent", "ratio"]
    static let all = row + aggregates + indicatorLevel
}

extension AggregateFunction {
    static let allNames = ["count", "sum", "avg", "min", "max", "distinct"]
}

/// Resolves names against a `RowScope` and type-checks, producing a `Node` tree. Reports every
/// problem it finds; a sub-expression with an error gets no type (`nil`) so that one mistake
/// does not cascade into several messages.
struct Binder {
    let scope: RowScope
    var errors: [ExpressionError] = []

    struct Bound {
        var node: Node
        var type: ValueType
    }

    init(scope: RowScope) { self.scope = scope }

    private mutating func fail(_ code: String, _ message: String, hint: String? = nil, at range: Range<Int>) -> Bound? {
        errors.append(ExpressionError(code: code, message: message, hint: hint, range: range))
        return nil
    }

    private mutating func typeError(_ message: String, hint: String? = nil, at range: Range<Int>) -> Bound? {
        fail("expression-type", message, hint: hint, at: range)
    }

    // MARK: Descriptions for messages

    /// `text "sex"`, `the text "18"`, `a number`, `an integer`.
    static func describe(_ syntax: Syntax, _ type: ValueType) -> String {
        switch syntax.kind {
        case .field(let name): return "\(type) \"\(name)\""
        case .literal(.text(let t)): return "the text \"\(t)\""
        case .literal(.number): return "a number"
        case .literal(.null): return "null"
        default: return describe(type)
        }
    }

    static func describe(_ type: ValueType) -> String {
        switch type {
        case .text: return "text"
        case .integer: return "an integer"
        case .number: return "a number"
        case .date: return "a date"
        case .boolean: return "a boolean"
        case .choices: return "a multi-select (choices) value"
        case .list: return "a list"
        case .null: return "null"
        }
    }

    /// The single type of two branches (`if`, `coalesce`): null joins anything, integer and
    /// number join as number.
    static func unify(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == .null { return b }
        if b == .null { return a }
        if a == b { return a }
        if a.isNumeric && b.isNumeric { return .number }
        return nil
    }

    // MARK: Binding

    mutating func bind(_ syntax: Syntax) -> Bound? {
        switch syntax.kind {
        case .literal(let value):
            return literal(value)
        case .field(let name):
            guard let field = scope.field(named: name) else {
                return unknownField(name, at: syntax.range)
            }
            return Bound(node: .slot(field.slot), type: field.type)
        case .indicator(let id):
            return fail("aggregate-misuse", "`$\(id)` can only be used in an indicator's value",
                        hint: "a filter, rule or dimension looks at one row; another indicator's value is not a row field",
                        at: syntax.range)
        case .list:
            return typeError("a list can only follow `in` or `not in`", hint: "e.g. sex in [\"F\", \"M\"]", at: syntax.range)
        case .unary(.negate, let operand):
            if case .literal(.number(let n)) = operand.kind {
                return Bound(node: .constant(.number(-n)), type: n.isInteger ? .integer : .number)
            }
            guard let a = bind(operand) else { return nil }
            guard a.type.isNumeric || a.type == .null else {
                return typeError("cannot negate \(Binder.describe(operand, a.type))", hint: "`-` works on numbers; use `not` to negate a condition", at: operand.range)
            }
            return Bound(node: .negate(a.node), type: a.type == .null ? .integer : a.type)
        case .unary(.not, let operand):
            guard let a = condition(operand, of: "not") else { return nil }
            return Bound(node: .not(a.node), type: .boolean)
        case .binary(let op, let left, let right):
            return binary(op, left, right, syntax)
        case .isNull(let operand, let negated):
            guard let a = bind(operand) else { return nil }
            return Bound(node: .isNull(a.node, negated: negated), type: .boolean)
        case .call(let name, let arguments, let filter):
            return call(name, arguments, filter, syntax)
        }
    }

    private func literal(_ value: Value) -> Bound {
        switch value {
        case .null: return Bound(node: .constant(.null), type: .null)
        case .bool: return Bound(node: .constant(value), type: .boolean)
        case .number(let n): return Bound(node: .constant(value), type: n.isInteger ? .integer : .number)
        case .text(let t): return Bound(node: .constant(.text(TextNormalization.nfc(t))), type: .text)
        case .date: return Bound(node: .constant(value), type: .date)
        case .choices: return Bound(node: .constant(value), type: .choices)
        case .list: return Bound(node: .constant(value), type: .list)
        }
    }

    private mutating func unknownField(_ name: String, at range: Range<Int>) -> Bound? {
        let names = scope.fields.map(\.name)
        let hint: String
        if let suggestion = DidYouMean.closest(to: name, among: names, .expressionName) {
            hint = "did you mean `\(suggestion)`?"
        } else if names.isEmpty {
            hint = "this source declares no fields"
        } else {
            hint = "available fields: \(Suggestions.list(names))"
        }
        var message = "unknown field `\(name)`"
        if FunctionNames.all.contains(name) { message += " (to call the function, write \(name)(...))" }
        return fail("unknown-field", message, hint: hint, at: range)
    }

    /// Binds an operand that must be a condition (boolean or null).
    private mutating func condition(_ syntax: Syntax, of operatorName: String) -> Bound? {
        guard let a = bind(syntax) else { return nil }
        guard a.type == .boolean || a.type == .null else {
            var hint = "compare it, e.g. x == 1, or test it with `is null`"
            if case .field(let name) = syntax.kind {
                hint = a.type == .text ? "compare it, e.g. \(name) == \"value\"" : a.type == .choices ? "test an option with has(\(name), \"option\")" : "compare it, e.g. \(name) > 0"
            }
            return typeError("`\(operatorName)` needs a true/false condition, not \(Binder.describe(syntax, a.type))", hint: hint, at: syntax.range)
        }
        return a
    }

    private mutating func binary(_ op: BinaryOperator, _ left: Syntax, _ right: Syntax, _ whole: Syntax) -> Bound? {
        switch op {
        case .and, .or:
            let a = condition(left, of: op.rawValue)
            let b = condition(right, of: op.rawValue)
            guard let a, let b else { return nil }
            return Bound(node: op == .and ? .and(a.node, b.node) : .or(a.node, b.node), type: .boolean)
        case .add, .subtract, .multiply, .divide:
            let a = arithmeticOperand(left, op)
            let b = arithmeticOperand(right, op)
            guard let a, let b else { return nil }
            let arithmetic: ArithmeticOperator = switch op {
            case .add: .add
            case .subtract: .subtract
            case .multiply: .multiply
            default: .divide
            }
            let type: ValueType = op != .divide && a.type != .number && b.type != .number ? .integer : .number
            return Bound(node: .arithmetic(arithmetic, a.node, b.node), type: type)
        case .in, .notIn:
            return membership(op == .notIn, left, right, whole)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return comparison(op, left, right, whole)
        }
    }

    private mutating func arithmeticOperand(_ syntax: Syntax, _ op: BinaryOperator) -> Bound? {
        guard let a = bind(syntax) else { return nil }
        guard a.type.isNumeric || a.type == .null else {
            let hint = a.type == .date ? "use days(a, b) for the number of days between two dates" : "arithmetic works on numbers only"
            return typeError("cannot use \"\(op.rawValue)\" with \(Binder.describe(syntax, a.type))", hint: hint, at: syntax.range)
        }
        return a
    }

    private static func comparisonOperator(_ op: BinaryOperator) -> ComparisonOperator {
        switch op {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        default: return .greaterOrEqual
        }
    }

    /// The hint for comparing `a` with `b` when their types differ.
    private static func mismatchHint(_ a: (Syntax, ValueType), _ b: (Syntax, ValueType)) -> String {
        for (x, y) in [(a, b), (b, a)] {
            if x.1 == .text, case .literal(.number(let n)) = y.0.kind {
                return "if the value is text, put it in quotes: \"\(n)\""
            }
            if x.1.isNumeric, case .literal(.text(let t)) = y.0.kind, ExactDecimal(parsing: t) != nil {
                return "numbers are written without quotes: \(t)"
            }
            if x.1 == .date, case .literal(.text(let t)) = y.0.kind, CivilDate(iso: t) != nil {
                return "dates are written without quotes: \(t)"
            }
            if x.1 == .boolean, case .literal(.text(let t)) = y.0.kind, t == "true" || t == "false" {
                return "write true and false without quotes"
            }
        }
        return "both sides of a comparison must have the same type"
    }

    private mutating func comparison(_ op: BinaryOperator, _ left: Syntax, _ right: Syntax, _ whole: Syntax) -> Bound? {
        let a = bind(left)
        let b = bind(right)
        guard let a, let b else { return nil }
        if a.type == .null || b.type == .null {
            let other = a.type == .null ? right : left
            let word = op == .notEqual ? "is not null" : "is null"
            return typeError("comparing with null with \"\(op.rawValue)\" is always false",
                             hint: "test for a missing value with `\(Binder.text(of: other)) \(word)`", at: whole.range)
        }
        for (syntax, type) in [(left, a.type), (right, b.type)] where type == .choices || type == .list {
            let hint = type == .choices ? "test one option with has(\(Binder.text(of: syntax)), \"option\")" : "use `in` to test membership in a list"
            return typeError("cannot compare \(Binder.describe(syntax, type)) with \"\(op.rawValue)\"", hint: hint, at: syntax.range)
        }
        let compatible = (a.type.isNumeric && b.type.isNumeric) || a.type == b.type
        guard compatible else {
            return typeError("cannot compare \(Binder.describe(left, a.type)) with \(Binder.describe(right, b.type))",
                             hint: Binder.mismatchHint((left, a.type), (right, b.type)), at: whole.range)
        }
        if a.type == .boolean, op != .equal, op != .notEqual {
            return typeError("cannot order booleans with \"\(op.rawValue)\"", hint: "compare booleans with == or !=", at: whole.range)
        }
        let cop = Binder.comparisonOperator(op)
        switch (a.node, b.node) {
        case (.slot(let i), .constant(let v)):
            return Bound(node: .compareSlot(cop, i, v), type: .boolean)
        case (.constant(let v), .slot(let i)):
            let flipped: ComparisonOperator = switch cop {
            case .less: .greater
            case .lessOrEqual: .greaterOrEqual
            case .greater: .less
            case .greaterOrEqual: .lessOrEqual
            default: cop
            }
            return Bound(node: .compareSlot(flipped, i, v), type: .boolean)
        default:
            return Bound(node: .compare(cop, a.node, b.node), type: .boolean)
        }
    }

    /// A short source-like rendering for hints: the field name, or `x`.
    static func text(of syntax: Syntax) -> String {
        if case .field(let name) = syntax.kind { return name }
        return "x"
    }

    private mutating func membership(_ negated: Bool, _ left: Syntax, _ right: Syntax, _ whole: Syntax) -> Bound? {
        let word = negated ? "not in" : "in"
        let a = bind(left)
        guard case .list(let elements) = right.kind else {
            if let b = bind(right), b.type == .choices, case .field(let name) = right.kind {
                return typeError("the right side of `\(word)` must be a list such as [\"F\", \"M\"]", hint: "to test a multi-select field use has(\(name), \"option\")", at: right.range)
            }
            return typeError("the right side of `\(word)` must be a list such as [\"F\", \"M\"]", hint: nil, at: right.range)
        }
        guard let a else { return nil }
        switch a.type {
        case .choices:
            return typeError("cannot use `\(word)` with \(Binder.describe(left, a.type))", hint: "test one option with has(\(Binder.text(of: left)), \"option\")", at: left.range)
        case .list:
            return typeError("cannot use `\(word)` with \(Binder.describe(left, a.type))", hint: nil, at: left.range)
        case .null:
            return typeError("`null \(word) [...]` is always false", hint: "test for a missing value with `is null`", at: left.range)
        default: break
        }
        var values: [Value] = []
        var ok = true
        for element in elements {
            var value: Value
            switch element.kind {
            case .literal(let v): value = v
            case .unary(.negate, let inner):
                if case .literal(.number(let n)) = inner.kind { value = .number(-n) } else { fallthrough }
            default:
                _ = typeError("list elements must be literal values such as \"F\", 12 or 2021-03-31", hint: nil, at: element.range)
                ok = false
                continue
            }
            if case .text(let t) = value { value = .text(TextNormalization.nfc(t)) }
            let elementType = literal(value).type
            if elementType == .null { continue }
            let compatible = (a.type.isNumeric && elementType.isNumeric) || a.type == elementType
            if !compatible {
                _ = typeError("cannot compare \(Binder.describe(left, a.type)) with \(Binder.describe(element, elementType)) in the list",
                              hint: Binder.mismatchHint((left, a.type), (element, elementType)), at: element.range)
                ok = false
                continue
            }
            values.append(value)
        }
        guard ok else { return nil }
        return Bound(node: .member(a.node, Membership(values), negated: negated), type: .boolean)
    }

    // MARK: Functions

    private mutating func call(_ name: String, _ arguments: [Syntax], _ filter: Syntax?, _ whole: Syntax) -> Bound? {
        let nameRange = whole.range.lowerBound ..< min(whole.range.upperBound, whole.range.lowerBound + name.utf8.count)
        if FunctionNames.aggregates.contains(name) || FunctionNames.indicatorLevel.contains(name) {
            return fail("aggregate-misuse", "`\(name)` can only be used in an indicator's value",
                        hint: "a filter, rule or dimension looks at one row at a time", at: nameRange)
        }
        guard FunctionNames.row.contains(name) else {
            let hint: String
            if let suggestion = DidYouMean.closest(to: name, among: FunctionNames.all, .expressionName) {
                hint = "did you mean `\(suggestion)`?"
            } else {
                hint = "available functions: \(FunctionNames.row.joined(separator: ", "))"
            }
            return fail("unknown-function", "unknown function `\(name)`", hint: hint, at: nameRange)
        }
        if let filter {
            _ = fail("aggregate-misuse", "`where` can only filter an aggregate (count, sum, avg, min, max, distinct), not `\(name)`",
                     hint: nil, at: filter.range)
        }
        let bound = arguments.map { bind($0) }
        if filter != nil { return nil }

        func count(_ n: Int, _ signature: String) -> Bool {
            if arguments.count == n { return true }
            _ = fail("wrong-argument-count", "`\(name)` takes \(n) argument\(n == 1 ? "" : "s"), got \(arguments.count)",
                     hint: "write \(signature)", at: nameRange)
            return false
        }
        /// Checks argument `i` has one of `types` (null always passes).
        func expect(_ i: Int, _ types: [ValueType], _ what: String) -> Node? {
            guard let b = bound[i] else { return nil }
            guard b.type == .null || types.contains(b.type) else {
                _ = typeError("`\(name)` expects \(what), not \(Binder.describe(arguments[i], b.type))", hint: nil, at: arguments[i].range)
                return nil
            }
            return b.node
        }

        switch name {
        case "year", "quarter", "month":
            guard count(1, "\(name)(date)"), let d = expect(0, [.date], "a date") else { return nil }
            let node: Node = name == "year" ? .year(d) : name == "quarter" ? .quarter(d) : .month(d)
            return Bound(node: node, type: .integer)
        case "days":
            guard count(2, "days(from, to)") else { return nil }
            let a = expect(0, [.date], "dates"), b = expect(1, [.date], "dates")
            guard let a, let b else { return nil }
            return Bound(node: .days(a, b), type: .integer)
        case "lower", "upper", "trim":
            guard count(1, "\(name)(text)"), let s = expect(0, [.text], "text") else { return nil }
            let node: Node = name == "lower" ? .lower(s) : name == "upper" ? .upper(s) : .trim(s)
            return Bound(node: node, type: .text)
        case "length":
            guard count(1, "length(text)"), let s = expect(0, [.text], "text") else { return nil }
            return Bound(node: .length(s), type: .integer)
        case "contains", "starts_with":
            guard count(2, "\(name)(text, \"part\")") else { return nil }
            let a = expect(0, [.text], "text"), b = expect(1, [.text], "text")
            guard let a, let b else { return nil }
            return Bound(node: name == "contains" ? .contains(a, b) : .startsWith(a, b), type: .boolean)
        case "has":
            guard count(2, "has(choices_field, \"option\")") else { return nil }
            var a: Node?
            if let b0 = bound[0] {
                if b0.type == .choices || b0.type == .null {
                    a = b0.node
                } else {
                    let hint = b0.type == .text ? "for a single-choice text field use ==, e.g. \(Binder.text(of: arguments[0])) == \"option\"" : nil
                    _ = typeError("`has` expects a multi-select (choices) field, not \(Binder.describe(arguments[0], b0.type))", hint: hint, at: arguments[0].range)
                }
            }
            let b = expect(1, [.text], "an option as text, e.g. \"health\"")
            guard let a, let b else { return nil }
            return Bound(node: .has(a, b), type: .boolean)
        case "coalesce":
            guard arguments.count >= 2 else {
                return fail("wrong-argument-count", "`coalesce` takes at least 2 arguments, got \(arguments.count)",
                            hint: "write coalesce(a, b, ...): the first value that is not null", at: nameRange)
            }
            guard bound.allSatisfy({ $0 != nil }) else { return nil }
            var type = ValueType.null
            for (i, b) in bound.enumerated() {
                guard let joined = Binder.unify(type, b!.type) else {
                    return typeError("`coalesce` arguments must have one type: \(Binder.describe(arguments[i], b!.type)) does not match \(Binder.describe(type))",
                                     hint: nil, at: arguments[i].range)
                }
                type = joined
            }
            return Bound(node: .coalesce(bound.map { $0!.node }), type: type)
        default: // "if"
            guard count(3, "if(condition, then, else)") else { return nil }
            var c: Node?
            if let b0 = bound[0] {
                if b0.type == .boolean || b0.type == .null {
                    c = b0.node
                } else {
                    _ = typeError("`if` needs a true/false condition first, not \(Binder.describe(arguments[0], b0.type))", hint: nil, at: arguments[0].range)
                }
            }
            guard let c, let a = bound[1], let b = bound[2] else { return nil }
            guard let type = Binder.unify(a.type, b.type) else {
                return typeError("`if` branches must have one type: \(Binder.describe(arguments[1], a.type)) and \(Binder.describe(arguments[2], b.type))",
                                 hint: nil, at: arguments[2].range)
            }
            return Bound(node: .choose(c, a.node, b.node), type: type)
        }
    }
}
