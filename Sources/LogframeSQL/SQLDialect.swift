import LogframeCore

/// The SQL engines `logframe sql` writes for. Every difference between them that the generated
/// script meets is one method of `SQLDialect`; the rest of the compiler writes portable SQL.
public enum SQLDialectName: String, Sendable, CaseIterable {
    case postgres, duckdb, spark
}

/// The engine-specific pieces of the generated script (docs/sql.md lists the traps behind each).
public struct SQLDialect: Sendable {
    public let name: SQLDialectName

    public init(_ name: SQLDialectName) { self.name = name }

    /// Scale of every exact decimal in the script: sums, minima, maxima, number fields.
    public static let decimalScale = 10
    public var decimalType: String { "DECIMAL(38, \(SQLDialect.decimalScale))" }
    public var integerDecimalType: String { "DECIMAL(38, 0)" }
    public var textType: String { name == .spark ? "STRING" : "VARCHAR" }

    /// A quoted identifier. Spark reads `"x"` as a string literal, so it gets backticks.
    public func ident(_ name: String) -> String {
        if self.name == .spark { return "`" + name.replacingOccurrences(of: "`", with: "``") + "`" }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A (possibly schema-qualified) table name, each part quoted.
    public func relation(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { ident(String($0)) }.joined(separator: ".")
    }

    /// A string literal. Spark also treats a backslash as an escape character inside quotes.
    public func string(_ text: String) -> String {
        var body = text.replacingOccurrences(of: "'", with: "''")
        if name == .spark { body = body.replacingOccurrences(of: "\\", with: "\\\\") }
        return "'" + body + "'"
    }

    public func date(_ date: CivilDate) -> String { "DATE '\(date.description)'" }

    /// Trims ASCII spaces and tabs from both ends, as the local reader trims every cell.
    public func trimSpaces(_ sql: String) -> String {
        switch name {
        case .duckdb: return "trim(\(sql), ' ' || chr(9))"
        case .postgres: return "btrim(\(sql), ' ' || chr(9))"
        case .spark: return "trim(BOTH concat(' ', chr(9)) FROM \(sql))"
        }
    }

    /// Unicode NFC, as the local reader normalises text. Spark has no such function: the text
    /// must be NFC when it is loaded (`logframe sql --dialect spark` warns).
    public func nfc(_ sql: String) -> String {
        switch name {
        case .duckdb: return "nfc_normalize(\(sql))"
        case .postgres: return "normalize(\(sql), NFC)"
        case .spark: return sql
        }
    }

    public var supportsNFC: Bool { name != .spark }

    /// A cell's text as the local reader makes it, before the empty test: spaces and tabs
    /// trimmed, NFC. PostgreSQL's `normalize()` costs a microsecond a cell even on ASCII text, so
    /// ASCII text (as many bytes as characters), which NFC leaves as it is, skips it.
    public func cellText(_ raw: String) -> String {
        switch name {
        case .postgres:
            return "CASE WHEN octet_length(\(raw)) = length(\(raw)) THEN \(trimSpaces(raw)) ELSE \(nfc(trimSpaces(raw))) END"
        case .duckdb, .spark:
            return nfc(trimSpaces(raw))
        }
    }

    /// The number of digits of an integer's text already known to be `[+-]?[0-9]+`, leading
    /// zeros not counted.
    public func integerDigits(_ sql: String) -> String {
        switch name {
        case .duckdb, .postgres: return "length(ltrim(\(sql), '+-0'))"
        case .spark: return "length(\(replaceAll(sql, "^[+-]?0*", "")))"
        }
    }

    /// True when the whole text matches the regular expression.
    public func fullMatch(_ sql: String, _ pattern: String) -> String {
        let anchored = "^(?:" + pattern + ")$"
        switch name {
        case .duckdb: return "regexp_full_match(\(sql), \(string(pattern)))"
        case .postgres: return "(\(sql) ~ \(string(anchored)))"
        case .spark: return "(\(sql) RLIKE \(string(anchored)))"
        }
    }

    /// Group `group` (1-based) of the first match of `pattern`.
    public func regexGroup(_ sql: String, _ pattern: String, _ group: Int) -> String {
        switch name {
        case .duckdb, .spark: return "regexp_extract(\(sql), \(string(pattern)), \(group))"
        case .postgres: return "(regexp_match(\(sql), \(string(pattern))))[\(group)]"
        }
    }

    /// Replaces every match (PostgreSQL and DuckDB replace only the first without the `g` flag).
    public func replaceAll(_ sql: String, _ pattern: String, _ replacement: String) -> String {
        switch name {
        case .duckdb, .postgres: return "regexp_replace(\(sql), \(string(pattern)), \(string(replacement)), 'g')"
        case .spark: return "regexp_replace(\(sql), \(string(pattern)), \(string(replacement)))"
        }
    }

    /// A calendar date from integer parts already checked to form a real date (PostgreSQL's
    /// `to_date` raises on 31.02; the caller never lets an impossible date reach this).
    public func makeDate(year: String, month: String, day: String) -> String {
        "make_date(\(year), \(month), \(day))"
    }

    /// Text of digits (or an empty string, which DuckDB's and Spark's regexp_extract give for no
    /// match) as an integer, null rather than an error for anything else.
    public func tryInteger(_ sql: String) -> String {
        switch name {
        case .duckdb: return "TRY_CAST(\(sql) AS INTEGER)"
        case .spark: return "try_cast(\(sql) AS INT)"
        case .postgres: return "CAST(NULLIF(\(sql), '') AS INTEGER)"
        }
    }

    /// Days from `a` to `b`.
    public func daysBetween(_ a: String, _ b: String) -> String {
        switch name {
        case .duckdb: return "date_diff('day', \(a), \(b))"
        case .postgres: return "(\(b) - \(a))"
        case .spark: return "datediff(\(b), \(a))"
        }
    }

    /// `a < b` etc. on text in code-point order: PostgreSQL orders text by the database's
    /// collation (e.g. en_US), logframe by Unicode scalar values.
    public func textOrder(_ a: String, _ op: String, _ b: String) -> String {
        name == .postgres ? "(\(a) COLLATE \"C\" \(op) \(b))" : "(\(a) \(op) \(b))"
    }

    /// Exact decimal division, null for a zero divisor. PostgreSQL's `5/2` on integers is 2 and
    /// Spark's ANSI mode raises on `1/0`, so both sides become decimals and zero becomes null.
    public func divide(_ a: String, _ b: String) -> String {
        "(CAST(\(a) AS \(decimalType)) / NULLIF(CAST(\(b) AS \(decimalType)), 0))"
    }

    /// One value standing for a tuple of distinct arguments (only when all are non-null).
    public func tuple(_ parts: [String]) -> String {
        if parts.count == 1 { return parts[0] }
        switch name {
        case .duckdb, .postgres: return "ROW(" + parts.joined(separator: ", ") + ")"
        case .spark: return "struct(" + parts.joined(separator: ", ") + ")"
        }
    }

    /// `AS MATERIALIZED (...)`: a CTE read by several parts of the script is computed once
    /// (PostgreSQL and DuckDB; Spark has no such hint).
    public var materialized: String { name == .spark ? "" : "MATERIALIZED " }

    /// `AS NOT MATERIALIZED (...)` where the engine would otherwise store a CTE that is cheaper
    /// to compute again (DuckDB stores every CTE read twice; rows of text are costly to store).
    public var recomputed: String { name == .spark ? "" : "NOT MATERIALIZED " }

    /// Appended to a subquery whose columns are read many times: PostgreSQL would otherwise
    /// pull it up and copy each column's expression into every place that reads it (a date's
    /// parsing thirty times a row). `OFFSET 0` keeps it a subquery, computed once a row.
    public var barrier: String { name == .postgres ? " OFFSET 0" : "" }

    /// True when the (table) column holds a date or timestamp rather than text: its text is then
    /// the engine's ISO form (`2021-06-12`, `2021-06-12 00:00:00`). A constant per query.
    public func isDateColumn(_ column: String) -> String {
        switch name {
        case .duckdb: return "(typeof(\(column)) = 'DATE' OR typeof(\(column)) LIKE 'TIMESTAMP%')"
        case .postgres: return "(pg_typeof(\(column))::text = 'date' OR pg_typeof(\(column))::text LIKE 'timestamp%')"
        case .spark: return "(typeof(\(column)) = 'date' OR typeof(\(column)) LIKE 'timestamp%')"
        }
    }

    /// Whether a date's parts are cut out by position rather than taken by regular expression
    /// groups (PostgreSQL's regexp_match allocates an array per call).
    public var cutsDatesByPosition: Bool { name == .postgres }

    /// The bitwise-or aggregate of BIGINTs.
    public var bitOr: String { "bit_or" }

    /// The BIGINT with only bit `position` set (a column expression, 0 to 62).
    public func shiftLeftOne(_ position: String) -> String {
        name == .spark ? "shiftleft(CAST(1 AS BIGINT), \(position))" : "(CAST(1 AS BIGINT) << (\(position)))"
    }

    /// Bit `i` (0 or 1) of a BIGINT mask.
    public func bit(_ mask: String, _ i: Int) -> String {
        name == .spark ? "(shiftright(\(mask), \(i)) & 1)" : "((\(mask) >> \(i)) & 1)"
    }

    public func castText(_ sql: String) -> String { "CAST(\(sql) AS \(textType))" }
}
