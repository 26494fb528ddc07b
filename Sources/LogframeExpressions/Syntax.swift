import LogframeCore

/// The syntax tree of one expression, as written. Shared by every pass (parse, bind, evaluate).
///
/// `range` is a range of UTF-8 byte offsets into the expression's text; the definitions loader
/// maps it to a line and column in the YAML file.
public indirect enum SyntaxKind: Sendable, Hashable {
    case literal(Value)
    /// A field, possibly qualified by a parent source: `age`, `households.district`.
    case field(String)
    /// `$OP1.1`: another indicator's value in the same period and breakdown cell.
    case indicator(String)
    case list([Syntax])
    case unary(UnaryOperator, Syntax)
    case binary(BinaryOperator, Syntax, Syntax)
    /// `x is null` (`negated: false`) and `x is not null` (`negated: true`).
    case isNull(Syntax, negated: Bool)
    /// A function call; `filter` is the `where` clause, allowed only on aggregates.
    case call(name: String, arguments: [Syntax], filter: Syntax?)
}

public struct Syntax: Sendable, Hashable {
    public var kind: SyntaxKind
    public var range: Range<Int>
    /// Levels of the tree below and including this node (a literal is 1). Every pass over the
    /// tree recurses this deep, so the parser refuses trees deeper than `Syntax.maxDepth`.
    public private(set) var depth: Int

    public init(_ kind: SyntaxKind, range: Range<Int>) {
        self.kind = kind
        self.range = range
        switch kind {
        case .literal, .field, .indicator: depth = 1
        case .list(let items): depth = 1 + items.reduce(0) { max($0, $1.depth) }
        case .unary(_, let a), .isNull(let a, _): depth = 1 + a.depth
        case .binary(_, let a, let b): depth = 1 + max(a.depth, b.depth)
        case .call(_, let arguments, let filter):
            depth = 1 + max(arguments.reduce(0) { max($0, $1.depth) }, filter?.depth ?? 0)
        }
    }

    /// The deepest tree an expression may have (a chain of 200 `+` or `or`, or 200 levels of
    /// nesting): every later pass (binder, type checker, evaluator, formula builder, printer)
    /// recurses once per level, and this keeps them far from the end of the stack.
    public static let maxDepth = 200
    /// The most parentheses, brackets, calls, `not` and unary `-` open at once.
    public static let maxNesting = 64
    /// The longest expression text, in UTF-8 bytes.
    public static let maxLength = 100_000
}

public enum UnaryOperator: String, Sendable, Hashable {
    case not, negate = "-"
}

public enum BinaryOperator: String, Sendable, Hashable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in` = "in", notIn = "not in"
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

/// A problem in an expression, located by UTF-8 byte offsets into the expression text.
public struct ExpressionError: Error, Sendable, Hashable {
    /// Stable kebab-case code: `expression-syntax`, `unknown-field`, `unknown-function`,
    /// `unknown-indicator`, `expression-type`, `aggregate-misuse`, `wrong-argument-count`.
    public var code: String
    public var message: String
    public var hint: String?
    public var range: Range<Int>

    public init(code: String, message: String, hint: String? = nil, range: Range<Int>) {
        self.code = code
        self.message = message
        self.hint = hint
        self.range = range
    }
}

// MARK: - Binding contract

/// What a row expression can see: the fields of one source, each at a fixed slot of the row.
///
/// Slot layout (shared with LogframeData and LogframeEngine): the source's own fields in
/// declaration order, then, for a source with a `parent`, the parent's fields in the parent's
/// declaration order, named `parentSourceId.field`.
public struct RowScope: Sendable {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var slot: Int
        public var type: ValueType
        public init(name: String, slot: Int, type: ValueType) {
            self.name = name
            self.slot = slot
            self.type = type
        }
    }

    public var fields: [Field]
    private var byName: [String: Field]

    public init(fields: [Field]) {
        self.fields = fields
        self.byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func field(named name: String) -> Field? { byName[name] }
}

// MARK: - Value formulas

/// The aggregate functions of `value` expressions.
public enum AggregateFunction: String, Sendable, Hashable {
    case count, sum, avg, min, max, distinct
}

/// One aggregate call in a `value` expression, e.g. `distinct(person_id where age < 18)`.
/// Arguments and filter are row expressions, bound per source by the engine/definitions.
public struct AggregateCall: Sendable, Hashable {
    public var function: AggregateFunction
    public var arguments: [Syntax]
    public var filter: Syntax?
    public var range: Range<Int>

    public init(function: AggregateFunction, arguments: [Syntax], filter: Syntax?, range: Range<Int>) {
        self.function = function
        self.arguments = arguments
        self.filter = filter
        self.range = range
    }
}

/// The indicator-level shape of a `value` expression: arithmetic over aggregates, numbers and
/// other indicators. `percent` and `ratio` are kept as nodes so their parts reach the report.
public indirect enum Formula: Sendable, Hashable {
    /// Index into `ValueFormula.aggregates`.
    case aggregate(Int)
    case number(ExactDecimal)
    case indicator(String, range: Range<Int>)
    case percent(Formula, Formula)
    case ratio(Formula, Formula)
    case arithmetic(BinaryOperator, Formula, Formula)
    case negate(Formula)
}

public struct ValueFormula: Sendable, Hashable {
    public var formula: Formula
    public var aggregates: [AggregateCall]

    public init(formula: Formula, aggregates: [AggregateCall]) {
        self.formula = formula
        self.aggregates = aggregates
    }
}

/// Several expression errors at once (binding reports every problem it finds).
public struct ExpressionErrors: Error, Sendable, Hashable {
    public var errors: [ExpressionError]
    public init(_ errors: [ExpressionError]) { self.errors = errors }
}
