import LogframeCore
import LogframeExpressions

/// Something the SQL compiler cannot (yet) express; becomes a located diagnostic.
public struct SQLUnsupported: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Translates logframe row expressions to SQL with logframe's null rules (SPEC section 4,
/// NullSemantics.swift), not SQL's:
///
/// - a comparison, `in`, `not in`, `contains`, `starts_with` and `has` with a null side is
///   **false**, where SQL says unknown: each is wrapped in `COALESCE(..., FALSE)`;
/// - `and`, `or`, `not` are Kleene logic in both, so once comparisons are two-valued the SQL
///   operators give logframe's truth table (`not (x == 1)` with x null is `not false` = true);
/// - null elements of an `in` list never match (SQL's `x NOT IN (1, NULL)` is never true), so
///   they are dropped at compile time;
/// - arithmetic with null is null in both; division by zero is null (`NULLIF`), never an error
///   (Spark ANSI) and never integer division (PostgreSQL `5/2` = 2);
/// - a `where` filter keeps a row only when its condition is true (SQL's `WHERE` does the same);
///   a rule fails a row only when its check is false (`NOT (check)` is true).
public struct ExpressionSQL {
    public typealias Column = (sql: String, type: ValueType)
    public let dialect: SQLDialect
    /// Field name (as in the source's scope) -> SQL column of its typed value.
    public let columns: (String) -> Column?

    public init(dialect: SQLDialect, columns: @escaping (String) -> Column?) {
        self.dialect = dialect
        self.columns = columns
    }

    /// A condition: true, false or (Kleene) null.
    public func condition(_ syntax: Syntax) throws -> String {
        let (sql, type) = try value(syntax)
        guard type == .boolean || type == .null else { throw SQLUnsupported("the condition is not true/false") }
        return sql
    }

    /// A value and its static type.
    public func value(_ syntax: Syntax) throws -> Column {
        let D = dialect
        switch syntax.kind {
        case .literal(let v):
            return literal(v)
        case .field(let name):
            guard let column = columns(name) else { throw SQLUnsupported("field `\(name)` is not available in SQL") }
            return column
        case .indicator(let id):
            throw SQLUnsupported("`$\(id)` cannot appear in a row expression")
        case .list:
            throw SQLUnsupported("a list can only follow `in`")
        case .isNull(let inner, let negated):
            let (sql, _) = try value(inner)
            return ("(\(sql) IS \(negated ? "NOT " : "")NULL)", .boolean)
        case .unary(.not, let inner):
            return ("(NOT \(try condition(inner)))", .boolean)
        case .unary(.negate, let inner):
            let (sql, type) = try value(inner)
            return ("(-\(sql))", type)
        case .binary(let op, let a, let b):
            switch op {
            case .and, .or:
                return ("(\(try condition(a)) \(op == .and ? "AND" : "OR") \(try condition(b)))", .boolean)
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
                let (x, tx) = try value(a), (y, ty) = try value(b)
                let sqlOp = [BinaryOperator.equal: "=", .notEqual: "<>", .less: "<", .lessOrEqual: "<=",
                             .greater: ">", .greaterOrEqual: ">="][op]!
                let ordered = op != .equal && op != .notEqual
                let compared = (tx == .text || ty == .text) && ordered ? D.textOrder(x, sqlOp, y) : "(\(x) \(sqlOp) \(y))"
                return (twoValued(compared), .boolean)
            case .in, .notIn:
                let (x, _) = try value(a)
                guard case .list(let items) = b.kind else { throw SQLUnsupported("`in` needs a list, e.g. [\"a\", \"b\"]") }
                var elements: [String] = []
                for item in items {
                    if case .literal(.null) = item.kind { continue }   // null elements never match
                    elements.append(try value(item).sql)
                }
                if elements.isEmpty { return (op == .in ? "FALSE" : "(\(x) IS NOT NULL)", .boolean) }
                return (twoValued("(\(x) \(op == .in ? "IN" : "NOT IN") (\(elements.joined(separator: ", "))))"), .boolean)
            case .add, .subtract, .multiply:
                let (x, tx) = try value(a), (y, ty) = try value(b)
                let symbol = op == .add ? "+" : op == .subtract ? "-" : "*"
                return ("(\(x) \(symbol) \(y))", tx == .integer && ty == .integer ? .integer : .number)
            case .divide:
                let (x, _) = try value(a), (y, _) = try value(b)
                return (D.divide(x, y), .number)
            }
        case .call(let name, let arguments, let filter):
            guard filter == nil else { throw SQLUnsupported("`where` belongs to an aggregate") }
            let args = try arguments.map { try value($0) }
            func arg(_ i: Int) throws -> String {
                guard i < args.count else { throw SQLUnsupported("`\(name)` has too few arguments") }
                return args[i].sql
            }
            switch name {
            case "year": return ("CAST(EXTRACT(YEAR FROM \(try arg(0))) AS \(D.integerDecimalType))", .integer)
            case "quarter": return ("CAST(EXTRACT(QUARTER FROM \(try arg(0))) AS \(D.integerDecimalType))", .integer)
            case "month": return ("CAST(EXTRACT(MONTH FROM \(try arg(0))) AS \(D.integerDecimalType))", .integer)
            case "days": return ("CAST(\(D.daysBetween(try arg(0), try arg(1))) AS \(D.integerDecimalType))", .integer)
            case "lower": return (D.nfc("lower(\(try arg(0)))"), .text)
            case "upper": return (D.nfc("upper(\(try arg(0)))"), .text)
            case "trim": return (D.replaceAll(try arg(0), "^\\s+|\\s+$", ""), .text)
            case "length": return ("CAST(length(\(try arg(0))) AS \(D.integerDecimalType))", .integer)
            case "contains": return (twoValued("(POSITION(\(try arg(1)) IN \(try arg(0))) > 0)"), .boolean)
            case "starts_with":
                let s = try arg(0), p = try arg(1)
                return (twoValued("(substr(\(s), 1, length(\(p))) = \(p))"), .boolean)
            case "has":
                // Choices are stored as their options joined by single spaces.
                let c = try arg(0), o = try arg(1)
                return (twoValued("(POSITION(concat(' ', \(o), ' ') IN concat(' ', \(c), ' ')) > 0)"), .boolean)
            case "coalesce":
                let type = args.map(\.type).first { $0 != .null } ?? .null
                return ("COALESCE(\(args.map(\.sql).joined(separator: ", ")))", type)
            case "if":
                guard arguments.count == 3 else { throw SQLUnsupported("`if` takes 3 arguments") }
                let c = try condition(arguments[0])
                let type = args[1].type == .null ? args[2].type : args[1].type
                return ("(CASE WHEN \(c) THEN \(args[1].sql) ELSE \(args[2].sql) END)", type)
            default:
                throw SQLUnsupported("the function `\(name)` has no SQL translation")
            }
        }
    }

    /// A predicate that is false, never unknown, when one side is null.
    func twoValued(_ sql: String) -> String { "COALESCE(\(sql), FALSE)" }

    func literal(_ v: Value) -> Column {
        switch v {
        case .null: return ("NULL", .null)
        case .bool(let b): return (b ? "TRUE" : "FALSE", .boolean)
        case .number(let n):
            let text = n.description
            let sql = n.scale == 0 ? "CAST(\(text) AS \(dialect.integerDecimalType))" : "CAST(\(text) AS \(dialect.decimalType))"
            return (sql, n.scale == 0 ? .integer : .number)
        case .text(let s): return (dialect.string(TextNormalization.nfc(s)), .text)
        case .date(let d): return (dialect.date(d), .date)
        case .choices(let c): return (dialect.string(c.joined(separator: " ")), .choices)
        case .list: return ("NULL", .list)
        }
    }
}
