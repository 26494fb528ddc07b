import LogframeCore

// TEMPORARY STUBS: the expression helper replaces this file with the real parser, binder and
// evaluator, keeping exactly these public signatures.

/// A row expression bound to a `RowScope` and type-checked: evaluates against one row.
public struct RowExpression: Sendable {
    public var type: ValueType
    public func evaluate(_ row: [Value]) -> Value { fatalError("not implemented") }
}

public enum ExpressionParser {
    /// Parses an expression; `range`s in the result and error are UTF-8 byte offsets into `text`.
    public static func parse(_ text: String) -> Result<Syntax, ExpressionError> { fatalError("not implemented") }
}

public enum RowBinder {
    /// Binds and type-checks a row-level expression (no aggregates, no `$ID`) against a scope.
    public static func bind(_ syntax: Syntax, in scope: RowScope) -> Result<RowExpression, ExpressionErrors> { fatalError("not implemented") }
}

public enum FormulaBuilder {
    /// Splits a `value` expression into indicator-level arithmetic over aggregate calls.
    public static func build(_ syntax: Syntax) -> Result<ValueFormula, ExpressionErrors> { fatalError("not implemented") }
}
