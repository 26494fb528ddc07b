import LogframeCore

/// Splits a `value` expression into indicator-level arithmetic (`Formula`) over aggregate calls,
/// which keep their arguments and filter as row-level `Syntax` for the engine to bind per source.
struct FormulaSplitter {
    var aggregates: [AggregateCall] = []
    /// Range-free keys of `aggregates`, to give identical calls one index.
    private var keys: [AggregateKey] = []
    var errors: [ExpressionError] = []

    private struct AggregateKey: Hashable {
        var function: AggregateFunction
        var arguments: [Syntax]
        var filter: Syntax?
    }

    private mutating func fail(_ code: String, _ message: String, hint: String? = nil, at range: Range<Int>) -> Formula? {
        errors.append(ExpressionError(code: code, message: message, hint: hint, range: range))
        return nil
    }

    mutating func split(_ syntax: Syntax) -> Formula? {
        switch syntax.kind {
        case .literal(.number(let n)):
            return .number(n)
        case .literal(let value):
            return fail("expression-type", "a value must be a number, not \(Binder.describe(syntax, Binder.literalType(value)))",
                        hint: "compute the value from aggregates, e.g. count() or distinct(person_id)", at: syntax.range)
        case .indicator(let id):
            return .indicator(id, range: syntax.range)
        case .field(let name):
            return fail("aggregate-misuse", "the field `\(name)` must be aggregated in an indicator's value",
                        hint: "wrap it in an aggregate, e.g. sum(\(name)), or count records with count(where ...)", at: syntax.range)
        case .list:
            return fail("expression-type", "a value cannot be a list", hint: nil, at: syntax.range)
        case .isNull:
            return fail("aggregate-misuse", "a condition cannot be an indicator's value",
                        hint: "filter rows inside an aggregate, e.g. count(where x is null)", at: syntax.range)
        case .unary(.negate, let operand):
            if case .literal(.number(let n)) = operand.kind { return .number(-n) }
            guard let inner = split(operand) else { return nil }
            return .negate(inner)
        case .unary(.not, _):
            return fail("aggregate-misuse", "a condition cannot be an indicator's value",
                        hint: "filter rows inside an aggregate, e.g. count(where not x)", at: syntax.range)
        case .binary(let op, let left, let right):
            switch op {
            case .add, .subtract, .multiply, .divide:
                let a = split(left), b = split(right)
                guard let a, let b else { return nil }
                return .arithmetic(op, a, b)
            default:
                return fail("aggregate-misuse", "a condition (\"\(op.rawValue)\") cannot be an indicator's value",
                            hint: "filter rows inside an aggregate, e.g. count(where age >= 18)", at: syntax.range)
            }
        case .call(let name, let arguments, let filter):
            return call(name, arguments, filter, syntax)
        }
    }

    private mutating func call(_ name: String, _ arguments: [Syntax], _ filter: Syntax?, _ whole: Syntax) -> Formula? {
        let nameRange = whole.range.lowerBound ..< min(whole.range.upperBound, whole.range.lowerBound + name.utf8.count)
        if name == "percent" || name == "ratio" {
            var ok = true
            if let filter {
                _ = fail("aggregate-misuse", "`where` can only filter an aggregate (count, sum, avg, min, max, distinct), not `\(name)`",
                         hint: "filter inside the aggregates: \(name)(count(where ...), count())", at: filter.range)
                ok = false
            }
            guard arguments.count == 2 else {
                return fail("wrong-argument-count", "`\(name)` takes 2 arguments, got \(arguments.count)",
                            hint: "write \(name)(numerator, denominator), e.g. \(name)(distinct(person_id where disability), distinct(person_id))", at: nameRange)
            }
            let a = split(arguments[0]), b = split(arguments[1])
            guard ok, let a, let b else { return nil }
            return name == "percent" ? .percent(a, b) : .ratio(a, b)
        }
        guard let function = AggregateFunction(rawValue: name) else {
            if FunctionNames.row.contains(name) {
                return fail("aggregate-misuse", "`\(name)` works on one row; an indicator's value must aggregate rows",
                            hint: "use it inside an aggregate, e.g. sum(\(name)(...)) or count(where \(name)(...) == ...)", at: nameRange)
            }
            let hint: String
            if let suggestion = DidYouMean.closest(to: name, among: FunctionNames.aggregates + FunctionNames.indicatorLevel + FunctionNames.row, .expressionName) {
                hint = "did you mean `\(suggestion)`?"
            } else {
                hint = "a value uses count, sum, avg, min, max, distinct, percent and ratio"
            }
            return fail("unknown-function", "unknown function `\(name)`", hint: hint, at: nameRange)
        }
        var ok = true
        switch function {
        case .count:
            if !arguments.isEmpty {
                _ = fail("wrong-argument-count", "`count` takes no arguments; it counts records",
                         hint: "filter with count(where ...); count people with distinct(person_id)", at: arguments[0].range.lowerBound ..< arguments[arguments.count - 1].range.upperBound)
                ok = false
            }
        case .sum, .avg, .min, .max:
            if arguments.count != 1 {
                _ = fail("wrong-argument-count", "`\(name)` takes 1 argument, got \(arguments.count)",
                         hint: "write \(name)(field) or \(name)(field where condition)", at: nameRange)
                ok = false
            }
        case .distinct:
            if arguments.isEmpty {
                _ = fail("wrong-argument-count", "`distinct` takes at least 1 argument",
                         hint: "write distinct(person_id) to count people", at: nameRange)
                ok = false
            }
        }
        for part in arguments + (filter.map { [$0] } ?? []) {
            if !checkRowLevel(part, inside: name) { ok = false }
        }
        guard ok else { return nil }
        let key = AggregateKey(function: function, arguments: arguments.map(FormulaSplitter.stripped), filter: filter.map(FormulaSplitter.stripped))
        if let index = keys.firstIndex(of: key) { return .aggregate(index) }
        keys.append(key)
        aggregates.append(AggregateCall(function: function, arguments: arguments, filter: filter, range: whole.range))
        return .aggregate(aggregates.count - 1)
    }

    /// Reports aggregates, `percent`/`ratio` and `$ID` nested inside an aggregate's arguments or
    /// filter. Everything else is left to `RowBinder`.
    private mutating func checkRowLevel(_ syntax: Syntax, inside outer: String) -> Bool {
        switch syntax.kind {
        case .literal, .field: return true
        case .indicator(let id):
            _ = fail("aggregate-misuse", "`$\(id)` cannot be used inside `\(outer)`",
                     hint: "combine indicators outside aggregates, e.g. $A - $B", at: syntax.range)
            return false
        case .list(let elements):
            return elements.map { checkRowLevel($0, inside: outer) }.allSatisfy { $0 }
        case .unary(_, let a), .isNull(let a, _):
            return checkRowLevel(a, inside: outer)
        case .binary(_, let a, let b):
            let x = checkRowLevel(a, inside: outer), y = checkRowLevel(b, inside: outer)
            return x && y
        case .call(let name, let arguments, let filter):
            if FunctionNames.aggregates.contains(name) || FunctionNames.indicatorLevel.contains(name) {
                let nameRange = syntax.range.lowerBound ..< min(syntax.range.upperBound, syntax.range.lowerBound + name.utf8.count)
                _ = fail("aggregate-misuse", "`\(name)` cannot be used inside `\(outer)`: aggregates do not nest",
                         hint: "an aggregate's arguments and filter look at one row at a time", at: nameRange)
                return false
            }
            var ok = true
            for part in arguments + (filter.map { [$0] } ?? []) where !checkRowLevel(part, inside: outer) { ok = false }
            return ok
        }
    }

    /// The syntax with every range zeroed, so that equal calls written in two places compare equal.
    static func stripped(_ syntax: Syntax) -> Syntax {
        let kind: SyntaxKind
        switch syntax.kind {
        case .literal, .field, .indicator: kind = syntax.kind
        case .list(let elements): kind = .list(elements.map(stripped))
        case .unary(let op, let a): kind = .unary(op, stripped(a))
        case .binary(let op, let a, let b): kind = .binary(op, stripped(a), stripped(b))
        case .isNull(let a, let negated): kind = .isNull(stripped(a), negated: negated)
        case .call(let name, let arguments, let filter):
            kind = .call(name: name, arguments: arguments.map(stripped), filter: filter.map(stripped))
        }
        return Syntax(kind, range: 0..<0)
    }
}

extension Binder {
    static func literalType(_ value: Value) -> ValueType {
        switch value {
        case .null: return .null
        case .bool: return .boolean
        case .number(let n): return n.isInteger ? .integer : .number
        case .text: return .text
        case .date: return .date
        case .choices: return .choices
        case .list: return .list
        }
    }
}
