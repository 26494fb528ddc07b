import LogframeCore

// The public entry points of the expression language. Implementation, one concern per file:
// Lexer.swift, Parser.swift, RowBinder.swift, Evaluator.swift, FormulaBuilder.swift, and the null
// rules (with their truth table) in NullSemantics.swift.

/// A row expression bound to a `RowScope` and type-checked: evaluates against one row.
public struct RowExpression: Sendable {
    /// The static type of the expression's values (`.null` for the literal `null`).
    public var type: ValueType
    let node: Node

    init(type: ValueType, node: Node) {
        self.type = type
        self.node = node
    }

    /// The row slot when the expression is a plain field reference (its value is the field's
    /// decoded cell), else nil.
    public var fieldSlot: Int? {
        if case .slot(let slot) = node { return slot }
        return nil
    }

    /// The row slots the expression reads (so a reader can leave the others undecoded).
    public var slots: Set<Int> {
        var slots: Set<Int> = []
        node.collectSlots(into: &slots)
        return slots
    }
}

public enum ExpressionParser {
    /// Parses an expression; `range`s in the result and error are UTF-8 byte offsets into `text`.
    public static func parse(_ text: String) -> Result<Syntax, ExpressionError> {
        Parser.parse(text)
    }
}

public enum RowBinder {
    /// Binds and type-checks a row-level expression (no aggregates, no `$ID`) against a scope.
    /// Reports every problem found, in text order.
    public static func bind(_ syntax: Syntax, in scope: RowScope) -> Result<RowExpression, ExpressionErrors> {
        var binder = Binder(scope: scope)
        let bound = binder.bind(syntax)
        if let bound, binder.errors.isEmpty {
            return .success(RowExpression(type: bound.type, node: bound.node))
        }
        var errors = binder.errors.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        if errors.isEmpty {
            errors = [ExpressionError(code: "expression-type", message: "the expression could not be checked", range: syntax.range)]
        }
        return .failure(ExpressionErrors(errors))
    }

    /// Binds a condition (a `where` filter, a rule's `check`): like `bind`, and the result must
    /// be boolean. `role` names it in the message, e.g. "a `where` filter".
    public static func bindCondition(_ syntax: Syntax, in scope: RowScope, role: String = "a condition") -> Result<RowExpression, ExpressionErrors> {
        switch bind(syntax, in: scope) {
        case .failure(let errors): return .failure(errors)
        case .success(let expression):
            guard expression.type == .boolean || expression.type == .null else {
                var hint = "compare it, e.g. x == 1, or test it with `is null`"
                if case .field(let name) = syntax.kind {
                    hint = expression.type == .text ? "compare it, e.g. \(name) == \"value\"" : expression.type == .choices ? "test an option with has(\(name), \"option\")" : "compare it, e.g. \(name) > 0"
                }
                return .failure(ExpressionErrors([ExpressionError(
                    code: "expression-type",
                    message: "\(role) must be true or false, not \(Binder.describe(syntax, expression.type))",
                    hint: hint, range: syntax.range)]))
            }
            return .success(expression)
        }
    }
}

public enum FormulaBuilder {
    /// Splits a `value` expression into indicator-level arithmetic over aggregate calls.
    /// Identical aggregate calls share one index.
    public static func build(_ syntax: Syntax) -> Result<ValueFormula, ExpressionErrors> {
        var splitter = FormulaSplitter()
        let formula = splitter.split(syntax)
        if let formula, splitter.errors.isEmpty {
            return .success(ValueFormula(formula: formula, aggregates: splitter.aggregates))
        }
        let errors = splitter.errors.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        return .failure(ExpressionErrors(errors))
    }
}
