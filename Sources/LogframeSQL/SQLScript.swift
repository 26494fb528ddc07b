import LogframeCore
import LogframeDefinitions
import LogframeExpressions

/// `logframe sql`: compiles resolved definitions to one SQL script (a single `WITH ... SELECT`)
/// returning, in long format, the exact building blocks of every figure (docs/sql.md).
///
/// Output columns (one row each, sorted):
///
/// | column | meaning |
/// |---|---|
/// | `kind` | `cell`, `first_seen`, `matched`, `source` |
/// | `id` | aggregate id `IND#n` (n = 1-based aggregate of the indicator's value), indicator id, source id |
/// | `bucket` | period index into `programme.periods` (0-based); -1 = undated records; NULL for `matched`/`source` |
/// | `breakdown` | `*` = the total; else the breakdown's dimension ids joined by `,` |
/// | `k1`..`k3` | the cell's category keys, one per dimension; NULL = "not recorded" (or no such dimension) |
/// | `n` | `cell`: rows matched; `first_seen`: tuples first seen in this bucket; `matched`/`source`: rows |
/// | `inputs` | `cell`: matched rows whose input is not null (all arguments for `distinct`) |
/// | `distinct_count` | `cell` of a `distinct`: distinct tuples in the bucket |
/// | `sum_value`, `min_value`, `max_value` | `cell` of `sum`/`avg`/`min`/`max`: exact decimals, NULL without input |
public struct SQLScript {
    public static let maxCrossTab = 3
    /// Problems listed row by row per source (`problem_row`); the rest are only counted.
    public static let listedProblems = 20
    /// Buckets per BIGINT of a distinct count's bit mask of buckets (bit 63 and negation stay unused).
    public static let maskBits = 62

    public struct Output: Sendable {
        /// The script, or nil when nothing at all could be compiled.
        public var sql: String?
        public var diagnostics: [Diagnostic]
    }

    public static func compile(_ definitions: Definitions, dialect: SQLDialectName, asOf: CivilDate) -> Output {
        var compiler = Compiler(defs: definitions, D: SQLDialect(dialect), asOf: asOf)
        return compiler.run()
    }
}

private struct Compiler {
    let defs: Definitions
    let D: SQLDialect
    let asOf: CivilDate
    var diagnostics: [Diagnostic] = []
    var ctes: [String] = []
    var parts: [String] = []
    /// Source id -> its index (CTE prefix `s<i>`), for sources compiled.
    var compiled: [String: Int] = [:]
    /// Child source id -> its parent join (SQLParentJoin.swift).
    var joins: [String: SQLParentJoin] = [:]
    /// The indicators' aggregates, grouped by sources, dimensions and breakdowns.
    var groups: [AggregateGroup] = []
    /// Source index -> the conditions of the rows matched by each indicator reading it.
    var matched: [Int: [String]] = [:]

    init(defs: Definitions, D: SQLDialect, asOf: CivilDate) {
        self.defs = defs; self.D = D; self.asOf = asOf
    }

    mutating func run() -> SQLScript.Output {
        if !D.supportsNFC {
            diagnostics.append(.warning("sql-no-nfc", at: SourceLocation(file: defs.file),
                "Spark SQL has no Unicode normalisation: text is compared as loaded, so load it in NFC (as logframe's reader makes it)",
                hint: "Normalise the files to NFC before loading them (e.g. uconv -x NFC), or texts with accents may not match."))
        }
        for i in SQLParentJoin.compileOrder(defs.sources) { compileSource(defs.sources[i], index: i) }
        for indicator in defs.indicators { compileIndicator(indicator) }
        for (i, group) in groups.enumerated() { emitGroup(group, index: i) }
        for (s, conditions) in matched.sorted(by: { $0.key < $1.key }) {
            let cols = conditions.enumerated().map { "COUNT(CASE WHEN \($1) THEN 1 END) AS m\($0)" }
            ctes.append("s\(s)_matched AS (SELECT \(cols.joined(separator: ", ")) FROM s\(s)_rows lf_r)")
        }
        guard !parts.isEmpty else { return SQLScript.Output(sql: nil, diagnostics: diagnostics) }
        ctes.append("lf_parts AS (\n" + parts.joined(separator: "\n  UNION ALL\n") + "\n)")
        let sql = "WITH\n" + ctes.joined(separator: ",\n") + "\nSELECT * FROM lf_parts\n" +
            "ORDER BY kind, id, bucket NULLS FIRST, breakdown, k1 NULLS FIRST, k2 NULLS FIRST, k3 NULLS FIRST\n"
        return SQLScript.Output(sql: sql, diagnostics: diagnostics)
    }

    // MARK: Periods

    /// The bucket (period index) of a date, NULL outside every period: comparisons with the
    /// periods' first days, nested as a balanced search tree (about log2(periods) comparisons a
    /// row). The resolver makes the periods follow each other without gaps or overlaps over the
    /// programme, and no dialect's date arithmetic is needed. A range join against a VALUES
    /// table of the periods did the same, but DuckDB sorted every row for it (a tenth of the
    /// bench query).
    func bucket(of date: String) -> String {
        let periods = defs.programme.periods
        guard !periods.isEmpty else { return "CAST(NULL AS INTEGER)" }
        func tree(_ lo: Int, _ hi: Int) -> String {
            if lo == hi {
                let p = periods[lo]
                return "CASE WHEN \(date) BETWEEN \(D.date(p.start)) AND \(D.date(p.end)) THEN \(lo) END"
            }
            let mid = (lo + hi + 1) / 2
            return "CASE WHEN \(date) < \(D.date(periods[mid].start)) THEN \(tree(lo, mid - 1)) ELSE \(tree(mid, hi)) END"
        }
        return tree(0, periods.count - 1)
    }

    // MARK: Sources

    func text(_ i: Int) -> String { "t\(i)" }
    func typed(_ i: Int) -> String { "v\(i)" }

    mutating func compileSource(_ source: SourceDefinition, index s: Int) {
        if source.format == .xml {
            diagnostics.append(.error("sql-xml-source", at: source.location,
                "Source \(source.id) is an XML file: logframe sql reads only tables of CSV rows, so it and the indicators that read it are left out of the script",
                hint: "Keep XML sources on the local path (logframe report), or convert them to a table with one column per field."))
            return
        }
        var join: SQLParentJoin?
        if let link = source.parent {
            switch SQLParentJoin.make(source, link, definitions: defs, dialect: D, compiled: compiled) {
            case .success(let made): join = made; joins[source.id] = made
            case .failure(let error): refuse(source, error.message, at: source.location); return
            }
        }
        // Reading options of the local CSV reader that the script does not reproduce yet.
        var unsupported: [String] = []
        if source.headerRow != nil { unsupported.append("`header_row`") }
        for f in source.fields {
            if case .name = f.selector {} else { unsupported.append("field \(f.id) chosen by hashtag or position") }
            if f.numberFormat != nil { unsupported.append("field \(f.id)'s number format (`thousands`/`decimal`)") }
            if !f.missing.isEmpty { unsupported.append("field \(f.id)'s `missing` texts") }
        }
        if !unsupported.isEmpty {
            refuse(source, unsupported.joined(separator: ", ") + " (not built in logframe sql yet)", at: source.location)
            return
        }
        let p = "s\(s)"
        let table = source.table ?? source.id
        let firstCTE = ctes.count
        // 1. Raw text: trimmed, NFC, empty -> NULL (the local reader's cell rules).
        var cols = ["CAST(\(D.ident("_line")) AS BIGINT) AS lf_line"]
        for (i, f) in source.fields.enumerated() {
            cols.append("NULLIF(\(D.cellText(D.castText(D.ident(f.column)))), '') AS \(text(i))")
            // A typed date column's text is ISO, whatever the field's format (a constant).
            if f.type == .date && f.dateFormat != .iso { cols.append("\(D.isDateColumn(D.ident(f.column))) AS k\(i)") }
        }
        ctes.append("\(p)_text AS \(D.recomputed)(SELECT \(cols.joined(separator: ", ")) FROM \(D.relation(table))\(D.barrier))")
        // 2. Typed values and per-field problems.
        var typedCols = ["lf_line"]
        // Only fields whose cells can be refused get a problem column (a plain text field
        // without checks has none).
        var problems: [(field: Int, sql: String)] = []
        for (i, f) in source.fields.enumerated() {
            let (value, problem) = fieldSQL(f, t: text(i), v: typed(i), isDate: "k\(i)")
            typedCols.append("\(value) AS \(typed(i))")
            if let problem { problems.append((i, problem)) }
        }
        ctes.append("\(p)_typed AS \(D.recomputed)(SELECT \(typedCols.joined(separator: ", ")), \((0..<source.fields.count).map(text).joined(separator: ", ")) FROM \(p)_text\(D.barrier))")
        if let join { ctes.append(join.cte(p, childValue: typed(join.childKey))) }
        var checks = problems.map { "\($0.sql) AS bad\($0.field)" }
        let scope = columns(of: source)
        var rejects = problems.map { "bad\($0.field) IS NOT NULL" }
        let fieldsOK = rejects.isEmpty ? "TRUE" : "NOT (\(rejects.joined(separator: " OR ")))"
        // What the local reader reports, row by row: one problem per refused cell, then (cells
        // all good) the date window, then (still accepted) each failing rule, then the key.
        var problemRows: [String] = []
        let noText = "CAST(NULL AS \(D.textType))"
        let keyFields = source.key.compactMap { source.fieldIndex($0) }
        let keyText = keyFields.isEmpty ? noText
            : keyFields.map { "COALESCE(\(text($0)), '')" }.joined(separator: " || ', ' || ")
        // Problem rows are read from `_bad`: the rows refused or warned about, found in one scan.
        for (i, _) in problems {
            problemRows.append("SELECT lf_line, \(i) AS ord, 'error' AS sev, bad\(i) AS code, \(D.string(source.fields[i].column)) AS detail, \(keyText) AS key_text FROM \(p)_bad WHERE bad\(i) IS NOT NULL")
        }
        var warnings: [String] = []
        var order = source.fields.count
        var accepted = fieldsOK
        if let dateField = source.dateField, let di = source.fieldIndex(dateField) {
            checks.append("CASE WHEN \(typed(di)) BETWEEN \(D.date(defs.programme.start)) AND \(D.date(defs.programme.end)) THEN FALSE ELSE TRUE END AS bad_date")
            rejects.append("bad_date")
            problemRows.append("SELECT lf_line, \(order) AS ord, 'error' AS sev, CASE WHEN \(typed(di)) IS NULL THEN 'date-missing' ELSE 'date-outside-programme' END AS code, \(D.string(source.fields[di].column)) AS detail, \(keyText) AS key_text FROM \(p)_bad WHERE bad_date AND \(fieldsOK)")
            accepted = "\(fieldsOK) AND NOT bad_date"
        }
        if let join {
            // Cells and own date good: the parent join, then the parent's date (one problem at
            // most per row, at the date's place in the order).
            checks += join.checks(programme: defs.programme)
            rejects += join.rejects
            let joined = join.problemRows(p, ord: order, accepted: accepted, childText: text(join.childKey), keyText: keyText)
            problemRows += joined.rows
            accepted = joined.accepted
        }
        order += 1
        for (r, rule) in source.rules.enumerated() {
            do {
                let check = try ExpressionSQL(dialect: D, columns: scope).condition(rule.check)
                checks.append("CASE WHEN NOT \(check) THEN TRUE ELSE FALSE END AS bad_rule\(r)")
                if rule.severity == .error { rejects.append("bad_rule\(r)") } else { warnings.append("bad_rule\(r)") }
                let severity = rule.severity == .error ? "error" : "warning"
                problemRows.append("SELECT lf_line, \(order + r) AS ord, '\(severity)' AS sev, 'rule-failed' AS code, \(D.string(rule.message)) AS detail, \(keyText) AS key_text FROM \(p)_bad WHERE bad_rule\(r) AND \(accepted)")
            } catch let error as SQLUnsupported {
                refuse(source, "its rule \"\(rule.message)\": \(error.message)", at: rule.location)
                ctes.removeLast(ctes.count - firstCTE)
                return
            } catch { return }
        }
        order += source.rules.count
        let anyReject = rejects.isEmpty ? "FALSE" : rejects.joined(separator: " OR ")
        let dateColumn = source.dateField.flatMap(source.fieldIndex).map(typed) ?? join?.dateColumn
        // Every row checked once and stored narrow: the typed values, the checks' flags, the
        // texts a problem row names (the key's, the parent key the row gives), the verdict and
        // the bucket. Refused and accepted rows are both read from here (reading the text twice
        // cost a quarter of the bench query on DuckDB).
        let named = Set(keyFields + (join.map { [$0.childKey] } ?? [])).sorted().map(text)
        let kept = ["lf_line"] + source.fields.indices.map(typed) + (join.map { j in j.parent.fields.indices.map(j.value) } ?? [])
            + named + checks.map { $0.components(separatedBy: " AS ").last! }   // each check ends `AS <name>`
        let verdict = "CASE WHEN \(anyReject) THEN 0 ELSE 1 END AS lf_pre, \(dateColumn.map(bucket) ?? "-1") AS lf_bucket"
        let keyCols = keyFields.map(typed)
        // With a key, the numbered rows (`_keyed`) are the stored copy and `_checked` is read once.
        let stored = keyCols.isEmpty ? "\(p)_checked" : "\(p)_keyed"
        ctes.append("\(p)_checked AS \(keyCols.isEmpty ? D.materialized : D.recomputed)(SELECT \(kept.joined(separator: ", ")), \(verdict) FROM (SELECT *, \(checks.isEmpty ? "0 AS lf_none" : checks.joined(separator: ", ")) FROM \(p)_\(join == nil ? "typed" : "joined")\(D.barrier)) lf_c)")
        // 3. Unique key: among rows that passed every other check, the first by line wins.
        // Accepted rows are `lf_pre > 0` and `lf_rn < 2`, not `= 1`: PostgreSQL guesses that an
        // equality on a computed column keeps 1 row in 200 and an inequality 1 in 3, and with
        // the first guess it sorts the million accepted rows for every grouping instead of
        // hashing them (the bench's 1M rows: 32.7 s -> 27.7 s).
        if keyCols.isEmpty {
            ctes.append("\(p)_acc AS \(D.recomputed)(SELECT \(rowColumns(source)) FROM \(p)_checked WHERE lf_pre > 0)")
        } else {
            let allKeys = keyCols.map { "\($0) IS NOT NULL" }.joined(separator: " AND ")
            ctes.append("\(p)_keyed AS \(D.materialized)(SELECT *, ROW_NUMBER() OVER (PARTITION BY lf_pre, CASE WHEN \(allKeys) THEN 0 ELSE lf_line END, \(keyCols.joined(separator: ", ")) ORDER BY lf_line) AS lf_rn FROM \(p)_checked)")
            ctes.append("\(p)_acc AS \(D.recomputed)(SELECT \(rowColumns(source)) FROM \(p)_keyed WHERE lf_pre > 0 AND lf_rn < 2)")
            problemRows.append("SELECT lf_line, \(order) AS ord, 'error' AS sev, 'duplicate-key' AS code, \(noText) AS detail, \(keyText) AS key_text FROM \(p)_keyed WHERE lf_pre = 1 AND lf_rn > 1")
        }
        ctes.append("\(p)_bad AS \(D.materialized)(SELECT * FROM \(stored) WHERE \((["lf_pre = 0"] + warnings).joined(separator: " OR ")))")
        // The problems, counted by severity and code, and the first ones listed with the row's
        // line and key (what `validate --engine` shows instead of file lines).
        if !problemRows.isEmpty {
            ctes.append("\(p)_problems AS (\(problemRows.joined(separator: " UNION ALL ")))")
            ctes.append("\(p)_first AS (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY lf_line, ord) AS lf_pn FROM \(p)_problems) q WHERE q.lf_pn <= \(SQLScript.listedProblems))")
            parts.append(part(kind: "problem", id: source.id, bucket: nil, breakdown: "sev", keys: ["code"], n: "COUNT(*)",
                              from: "\(p)_problems GROUP BY sev, code"))
            parts.append(part(kind: "problem_row", id: source.id, bucket: nil, breakdown: "sev", keys: ["code", "key_text", "detail"],
                              n: "lf_line", inputs: "lf_pn", from: "\(p)_first"))
        }
        // 4. Rows that count: accepted, up to as-of, in their period bucket (-1: undated).
        if let date = dateColumn {
            // The accepted rows are stored once, with their bucket; the counted ones are read
            // from there (a second stored copy of a million rows cost more than the filter).
            ctes.append("\(p)_rows AS \(D.recomputed)(SELECT * FROM \(p)_acc WHERE lf_bucket IS NOT NULL AND \(date) <= \(D.date(asOf)))")
            sourceParts(source, p, afterAsOf: "(SELECT COUNT(*) FROM \(p)_acc WHERE \(date) > \(D.date(asOf)))")
        } else {
            ctes.append("\(p)_rows AS \(D.recomputed)(SELECT * FROM \(p)_acc)")
            sourceParts(source, p, afterAsOf: "0")
        }
        compiled[source.id] = s
    }

    /// The columns a source's accepted rows keep: every typed value, the joined parent's, and
    /// the row's bucket (-1: the source is undated).
    func rowColumns(_ source: SourceDefinition) -> String {
        var cols = ["lf_line"] + source.fields.indices.map(typed)
        if let join = joins[source.id] { cols += join.parent.fields.indices.map(join.value) }
        cols.append("lf_bucket")
        return cols.joined(separator: ", ")
    }

    mutating func refuse(_ source: SourceDefinition, _ what: String, at location: SourceLocation) {
        diagnostics.append(.error("sql-unsupported", at: location,
            "Source \(source.id) cannot be compiled to SQL because of \(what); it and the indicators that read it are left out of the script"))
    }

    mutating func sourceParts(_ source: SourceDefinition, _ p: String, afterAsOf: String) {
        let counts = [("read", "(SELECT COUNT(*) FROM \(p)_text)"), ("used", "(SELECT COUNT(*) FROM \(p)_acc)"),
                      ("rejected", "(SELECT COUNT(*) FROM \(p)_text) - (SELECT COUNT(*) FROM \(p)_acc)"),
                      ("after_as_of", afterAsOf),
                      // The first period with a counted row (-1: the source is undated; NULL: none).
                      ("first_bucket", "(SELECT MIN(lf_bucket) FROM \(p)_rows)")]
        for (label, count) in counts {
            parts.append(part(kind: "source", id: source.id, bucket: nil, breakdown: "'*'", keys: [D.string(label)], n: count))
        }
    }

    /// The typed value and the problem of one field: the diagnostic code the local reader gives a
    /// refused cell (`field-type`, `field-required`, `field-out-of-range`, `field-not-in-list`,
    /// `field-pattern`, checked in its order), NULL when the cell is accepted.
    /// `isDate` is true when the table's column is a typed date column (not text): its text is
    /// then the engine's ISO date, read as such whatever the field's `format`.
    func fieldSQL(_ f: FieldDefinition, t: String, v: String, isDate: String) -> (String, String?) {
        let value: String
        var checks: [(code: String, ok: String)] = []
        switch f.type {
        case .text, .list, .null:
            value = t
        case .choices:
            value = D.replaceAll(t, "[ \t]+", " ")
        case .integer:
            value = "CASE WHEN \(D.fullMatch(t, "[+-]?[0-9]+")) AND \(D.integerDigits(t)) <= \(ExactDecimal.maxIntegerDigits) THEN CAST(\(t) AS \(D.integerDecimalType)) END"
            checks.append(("field-type", "\(v) IS NOT NULL"))
        case .number:
            value = "CASE WHEN \(D.fullMatch(t, "[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?")) THEN CAST(\(t) AS \(D.decimalType)) END"
            checks.append(("field-type", "\(v) IS NOT NULL"))
            // At most 18 digits before the point, as ExactDecimal reads data.
            checks.append(("field-type", "ABS(\(v)) < CAST(\(D.string("1" + String(repeating: "0", count: ExactDecimal.maxIntegerDigits))) AS \(D.decimalType))"))
        case .boolean:
            // İ lowercases to i + U+0307 (written as a literal: Spark's chr() is byte-sized).
            let yes = ["true", "yes", "y", "1"].map(D.string).joined(separator: ", ")
            let no = ["false", "no", "n", "0", "xeyr"].map(D.string).joined(separator: ", ")
            value = "CASE WHEN lower(\(t)) IN (\(yes)) THEN TRUE WHEN lower(\(t)) IN (\(no)) THEN FALSE WHEN replace(lower(\(t)), \(D.string("\u{307}")), '') = \(D.string("bəli")) THEN TRUE END"
            checks.append(("field-type", "\(v) IS NOT NULL"))
        case .date:
            value = f.dateFormat == .iso ? dateSQL(t, format: .iso)
                : "CASE WHEN \(isDate) THEN \(dateSQL(t, format: .iso)) ELSE \(dateSQL(t, format: f.dateFormat)) END"
            checks.append(("field-type", "\(v) IS NOT NULL"))
        }
        if let min = f.min { checks.append(("field-out-of-range", "\(v) >= \(decimalLiteral(min))")) }
        if let max = f.max { checks.append(("field-out-of-range", "\(v) <= \(decimalLiteral(max))")) }
        if let allowed = f.allowed {
            let items = allowed.compactMap { allowedLiteral($0, type: f.type) }
            if f.type == .choices {
                let options = allowed.map { regexEscape($0.description) }.joined(separator: "|")
                checks.append(("field-not-in-list", D.fullMatch(v, "(\(options))( (\(options)))*")))
            } else if !items.isEmpty {
                checks.append(("field-not-in-list", "\(v) IN (\(items.joined(separator: ", ")))"))
            } else {
                checks.append(("field-not-in-list", "FALSE"))
            }
        }
        if let pattern = f.pattern {
            if f.type == .choices {
                // Every option must match the pattern.
                checks.append(("field-pattern", D.fullMatch(v, "(?:\(pattern))( (?:\(pattern)))*")))
            } else {
                checks.append(("field-pattern", D.fullMatch(t, pattern)))
            }
        }
        if checks.isEmpty && !f.required { return (value, nil) }
        // Nested, not one CASE with AND: a later check may only see a value the earlier ones passed.
        var problem = "CAST(NULL AS \(D.textType))"
        for check in checks.reversed() {
            problem = "CASE WHEN \(check.ok) THEN \(problem) ELSE \(D.string(check.code)) END"
        }
        let whenNull = f.required ? D.string("field-required") : "CAST(NULL AS \(D.textType))"
        return (value, "CASE WHEN \(t) IS NULL THEN \(whenNull) ELSE \(problem) END")
    }

    func allowedLiteral(_ value: Value, type: ValueType) -> String? {
        switch value {
        case .null: return nil
        case .number(let n): return decimalLiteral(n)
        case .text(let s): return D.string(TextNormalization.nfc(s))
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .date(let d): return D.date(d)
        default: return D.string(value.description)
        }
    }

    func decimalLiteral(_ n: ExactDecimal) -> String { "CAST(\(D.string(n.description)) AS \(D.decimalType))" }

    func regexEscape(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A date in `format` parsed without date functions that raise: the text's shape is checked
    /// by one regular expression, the parts are then taken by a regular expression group, or on
    /// PostgreSQL cut out by position (plain string functions: a regular expression per part
    /// costs PostgreSQL a third of a millisecond a row), the day is checked against the month's length (leap years included), and only a
    /// real date reaches `make_date`.
    func dateSQL(_ t: String, format: CivilDate.Format) -> String {
        var pattern = ""
        for (i, part) in format.parts.enumerated() {
            pattern += part == .year ? "([0-9]{4})" : "([0-9]{1,2})"
            if i < 2 { pattern += regexEscape(String(UnicodeScalar(format.separators[i]))) }
        }
        if format == .iso { pattern += "([T ].*)?" }
        // Within the shape, every part is digits and the separators are where POSITION finds them.
        let s0 = D.string(String(UnicodeScalar(format.separators[0])))
        let s1 = D.string(String(UnicodeScalar(format.separators[1])))
        let rest = "substr(\(t), POSITION(\(s0) IN \(t)) + 1)"
        var texts = ["substr(\(t), 1, POSITION(\(s0) IN \(t)) - 1)",
                     "substr(\(rest), 1, POSITION(\(s1) IN \(rest)) - 1)",
                     "substr(\(rest), POSITION(\(s1) IN \(rest)) + 1)"]
        if format == .iso {
            // The day's one or two digits, before an ISO time part.
            let last = texts[2]
            let digits = (0...9).map { "'\($0)'" }.joined(separator: ", ")
            texts[2] = "CASE WHEN substr(\(last), 2, 1) IN (\(digits)) THEN substr(\(last), 1, 2) ELSE substr(\(last), 1, 1) END"
        }
        if !D.cutsDatesByPosition {
            // DuckDB and Spark: regexp_extract is the cheaper one (DuckDB runs it once per
            // distinct text of a dictionary-compressed column; the string functions it does not).
            texts = (1...3).map { D.regexGroup(t, "^" + pattern + "$", $0) }
        }
        var value: [CivilDate.Format.Part: String] = [:]
        for (i, part) in format.parts.enumerated() { value[part] = D.tryInteger(texts[i]) }
        // The parts form a real date: the day checked against the month's length, leap years included.
        func real(_ y: String, _ m: String, _ d: String) -> String {
            let monthLength = "CASE WHEN \(m) IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN \(m) IN (4, 6, 9, 11) THEN 30 " +
                "WHEN (\(y) % 4 = 0 AND \(y) % 100 <> 0) OR \(y) % 400 = 0 THEN 29 ELSE 28 END"
            return "\(y) >= 1 AND \(m) BETWEEN 1 AND 12 AND \(d) BETWEEN 1 AND \(monthLength)"
        }
        let y = value[.year]!, m = value[.month]!, d = value[.day]!
        // Nested CASE, not AND: SQL does not promise to evaluate AND from left to right, and only
        // text of the right shape may reach the integer casts and make_date.
        let general = "CASE WHEN \(D.fullMatch(t, pattern)) THEN CASE WHEN \(real(y, m, d)) THEN \(D.makeDate(year: y, month: m, day: d)) END END"
        guard D.cutsDatesByPosition, format == .iso else { return general }
        // PostgreSQL, ISO dates written in full (2021-06-12, the common case): the parts are at
        // fixed places, so none of the POSITION cuts above is needed.
        let (fy, fm, fd) = (D.tryInteger("substr(\(t), 1, 4)"), D.tryInteger("substr(\(t), 6, 2)"), D.tryInteger("substr(\(t), 9, 2)"))
        return "CASE WHEN length(\(t)) = 10 AND \(D.fullMatch(t, "[0-9]{4}-[0-9]{2}-[0-9]{2}")) THEN CASE WHEN \(real(fy, fm, fd)) THEN " +
            "\(D.makeDate(year: fy, month: fm, day: fd)) END ELSE \(general) END"
    }

    /// Field name -> typed column of a compiled source's rows.
    func columns(of source: SourceDefinition) -> (String) -> ExpressionSQL.Column? {
        var map: [String: ExpressionSQL.Column] = [:]
        for (i, f) in source.fields.enumerated() { map[f.id] = (typed(i), f.type) }
        if let join = joins[source.id] { map.merge(join.columns) { own, _ in own } }
        return { map[$0] }
    }

    // MARK: Indicators

    /// The aggregate calls an indicator's value counts records with, each with its sources:
    /// its own, then those of the indicators it names with `$ID` (inlined, as the local engine
    /// does), in the order met.
    func inlinedCalls(_ indicator: IndicatorDefinition, depth: Int = 0) -> [(call: AggregateCall, sources: [String], writer: String, index: Int)] {
        guard depth < 32, case .computed(let formula, let sources) = indicator.computation else { return [] }
        var calls = formula.aggregates.enumerated().map { (call: $1, sources: sources, writer: indicator.id, index: $0) }
        func walk(_ f: Formula) {
            switch f {
            case .indicator(let id, _):
                if let referenced = defs.indicators.first(where: { $0.id == id }) { calls += inlinedCalls(referenced, depth: depth + 1) }
            case .percent(let a, let b), .ratio(let a, let b), .arithmetic(_, let a, let b): walk(a); walk(b)
            case .negate(let a): walk(a)
            case .aggregate, .number: break
            }
        }
        walk(formula.formula)
        return calls
    }

    mutating func compileIndicator(_ indicator: IndicatorDefinition) {
        guard case .computed(let formula, let ownSources) = indicator.computation else { return }
        let calls = inlinedCalls(indicator)
        guard !calls.isEmpty else { return }
        var sourceIds: [String] = []
        for call in calls { for id in call.sources where !sourceIds.contains(id) { sourceIds.append(id) } }
        let missing = sourceIds.filter { compiled[$0] == nil }
        guard missing.isEmpty else {
            diagnostics.append(.warning("sql-indicator-left-out", at: indicator.location,
                "Indicator \(indicator.id) reads \(missing.joined(separator: ", ")), which the script leaves out, so its building blocks are not in the script"))
            return
        }
        let breakdowns = indicator.breakdowns.filter { !$0.isEmpty }
        if let wide = breakdowns.first(where: { $0.count > SQLScript.maxCrossTab }) {
            diagnostics.append(.error("sql-unsupported", at: indicator.location,
                "Indicator \(indicator.id) has a cross-tab of \(wide.count) dimensions; logframe sql supports up to \(SQLScript.maxCrossTab)"))
            return
        }
        var dims: [String] = []
        for b in breakdowns { for d in b where !dims.contains(d) { dims.append(d) } }
        let sources = sourceIds.compactMap { id in defs.source(id).map { ($0, compiled[id]!) } }
        let own = sources.filter { ownSources.contains($0.0.id) }
        let savedParts = parts.count
        do {
            let ownKeys = try dimensionKeys(dims, sources: own)
            let specs = try formula.aggregates.enumerated().map { n, aggregate in
                try compileAggregate(aggregate, id: "\(indicator.id)#\(n + 1)", sources: own)
            }
            // The calls a `$ID` names, again under this indicator's own breakdowns (as the local
            // engine inlines them): id `THIS/NAMED#n`, over the named indicator's sources.
            var inlined = Set<String>()
            var named: [(specs: [AggregateSpec], sources: [(SourceDefinition, Int)], keys: [[String]])] = []
            for call in calls where call.writer != indicator.id && !breakdowns.isEmpty {
                let id = "\(indicator.id)/\(call.writer)#\(call.index + 1)"
                guard inlined.insert(id).inserted else { continue }
                let over = sources.filter { call.sources.contains($0.0.id) }
                named.append(([try compileAggregate(call.call, id: id, sources: over)], over, try dimensionKeys(dims, sources: over)))
            }
            // Rows matched per indicator and source: within as-of, passing at least one filter.
            // (For `$ID`, the calls of the indicators named, over their own sources.)
            // Counted in one scan per source (`s<i>_matched`, one column per indicator).
            var matchedHere: [(source: String, s: Int, condition: String)] = []
            for (source, s) in sources {
                let expr = ExpressionSQL(dialect: D, columns: columns(of: source))
                var filters: [String] = []
                for (aggregate, over, _, _) in calls where over.contains(source.id) {
                    filters.append(try aggregate.filter.map { try expr.condition($0) } ?? "TRUE")
                }
                matchedHere.append((source.id, s, filters.map { "(\($0))" }.joined(separator: " OR ")))
            }
            for m in matchedHere {
                let column = "m\(matched[m.s, default: []].count)"
                matched[m.s, default: []].append(m.condition)
                parts.append(part(kind: "matched", id: indicator.id, bucket: nil, breakdown: "'*'", keys: [D.string(m.source)],
                                  n: "(SELECT \(column) FROM s\(m.s)_matched)"))
            }
            addAggregates(specs, sources: own, dims: dims, breakdowns: breakdowns, keys: ownKeys)
            for n in named { addAggregates(n.specs, sources: n.sources, dims: dims, breakdowns: breakdowns, keys: n.keys) }
        } catch let error as SQLUnsupported {
            parts.removeLast(parts.count - savedParts)
            diagnostics.append(.error("sql-unsupported", at: indicator.location,
                "Indicator \(indicator.id) cannot be compiled to SQL: \(error.message); its building blocks are left out of the script"))
        } catch {}
    }

    func sanitized(_ id: String) -> String {
        String(id.unicodeScalars.map { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) ? Character($0) : "_" })
    }

    /// The category key (text, NULL = not recorded) of a dimension for one source's rows.
    func dimensionKey(_ dimension: DimensionDefinition, source: SourceDefinition) throws -> String {
        let scope = columns(of: source)
        func key(_ column: ExpressionSQL.Column) -> String {
            // As the local engine keys it (`1.50` is `1.5`), not as written.
            if let text = D.valueText(column.sql, type: column.type) { return text }
            switch column.type {
            case .text, .choices: return "NULLIF(\(column.sql), '')"
            default: return "NULL"
            }
        }
        switch dimension.kind {
        case .field(let name):
            guard let column = scope(name) else { return "CAST(NULL AS \(D.textType))" }
            return key(column)
        case .bands(let name, let bounds):
            guard let column = scope(name) else { return "CAST(NULL AS \(D.textType))" }
            var whens = ["WHEN \(column.sql) IS NULL THEN NULL"]
            for (i, bound) in bounds.enumerated() where i < dimension.labels.count {
                whens.append("WHEN \(column.sql) < \(decimalLiteral(bound)) THEN \(D.string(dimension.labels[i].key))")
            }
            let last = dimension.labels.count > bounds.count ? D.string(dimension.labels[bounds.count].key) : "NULL"
            return "CASE \(whens.joined(separator: " ")) ELSE \(last) END"
        case .expression(let syntax):
            let column = try ExpressionSQL(dialect: D, columns: scope).value(syntax)
            if column.type == .number { throw SQLUnsupported("dimension \(dimension.id) is a decimal expression (its category text is not portable)") }
            return key(column)
        }
    }

    /// One aggregate call compiled for its sources: per source, its filter, its input (sum,
    /// avg, min, max) or its arguments (distinct). Emitted later with the others of its group.
    struct AggregateSpec {
        let id: String
        let kind: AggregateFunction
        /// Per source of the group, in order.
        var filters: [String?] = []
        var inputs: [String?] = []
        var arguments: [[String]] = []
    }

    /// Aggregates over the same sources, dimensions and breakdowns: one scan of their rows and
    /// one aggregation for all of them (docs/sql.md), instead of one per aggregate.
    struct AggregateGroup {
        let sources: [Int]
        let dims: [String]
        let breakdowns: [[String]]
        /// Per source, the category key of each dimension.
        let dimensionKeys: [[String]]
        var aggregates: [AggregateSpec] = []
        var key: String { "\(sources)|\(dims)|\(breakdowns)" }
    }

    func compileAggregate(_ aggregate: AggregateCall, id: String, sources: [(SourceDefinition, Int)]) throws -> AggregateSpec {
        let kind = aggregate.function
        var spec = AggregateSpec(id: id, kind: kind)
        for (source, _) in sources {
            let expr = ExpressionSQL(dialect: D, columns: columns(of: source))
            spec.filters.append(try aggregate.filter.map { try expr.condition($0) })
            switch kind {
            case .count:
                spec.inputs.append(nil); spec.arguments.append([])
            case .sum, .avg, .min, .max:
                guard let argument = aggregate.arguments.first else { throw SQLUnsupported("\(kind.rawValue) needs an argument") }
                let (sql, type) = try expr.value(argument)
                guard type.isNumeric || type == .null else { throw SQLUnsupported("\(kind.rawValue) of a \(type) value") }
                spec.inputs.append("CAST(\(sql) AS \(D.decimalType))"); spec.arguments.append([])
            case .distinct:
                guard !aggregate.arguments.isEmpty else { throw SQLUnsupported("distinct needs an argument") }
                var args: [String] = []
                for argument in aggregate.arguments {
                    let (sql, type) = try expr.value(argument)
                    // Text in a union: one column type for every source; numbers as exact decimals.
                    args.append(type.isNumeric ? "CAST(\(sql) AS \(D.decimalType))" : sql)
                }
                spec.inputs.append(nil); spec.arguments.append(args)
            }
        }
        return spec
    }

    /// The category keys of `dims` for each source (throws when one has no SQL translation).
    func dimensionKeys(_ dims: [String], sources: [(SourceDefinition, Int)]) throws -> [[String]] {
        try sources.map { source, _ in
            try dims.map { d in
                guard let dimension = defs.dimension(d) else { throw SQLUnsupported("unknown dimension \(d)") }
                return try dimensionKey(dimension, source: source)
            }
        }
    }

    mutating func addAggregates(_ specs: [AggregateSpec], sources: [(SourceDefinition, Int)], dims: [String],
                                breakdowns: [[String]], keys: [[String]]) {
        guard !specs.isEmpty else { return }
        let group = AggregateGroup(sources: sources.map(\.1), dims: dims, breakdowns: breakdowns, dimensionKeys: keys)
        if let i = groups.firstIndex(where: { $0.key == group.key }) {
            groups[i].aggregates += specs
        } else {
            groups.append(group)
            groups[groups.count - 1].aggregates = specs
        }
    }

    /// A group's aggregates: its rows (one branch per source: bucket, dimension keys, and per
    /// aggregate a 0/1 flag for its filter and its input), then, per set of distinct arguments,
    /// a first aggregation by cell and argument tuple (the two-level form: a person counted once
    /// per cell without a distinct hash per aggregate), and the cells from it. Aggregates with
    /// no distinct arguments ride along with the first tuple (or get a plain one-level grouping).
    mutating func emitGroup(_ group: AggregateGroup, index gi: Int) {
        let g = "g\(gi)"
        let dims = group.dims
        let dimIndex = Dictionary(uniqueKeysWithValues: dims.enumerated().map { ($1, $0) })
        let aggs = group.aggregates
        // Distinct argument tuples, shared by the aggregates whose arguments are the same SQL.
        var tupleKeys: [String] = []
        var tupleOf: [Int: Int] = [:]
        for (k, a) in aggs.enumerated() where a.kind == .distinct {
            let key = a.arguments.map { $0.joined(separator: "\u{1}") }.joined(separator: "\u{2}")
            if let j = tupleKeys.firstIndex(of: key) { tupleOf[k] = j } else { tupleOf[k] = tupleKeys.count; tupleKeys.append(key) }
        }
        var tupleArity: [Int] = Array(repeating: 0, count: tupleKeys.count)
        for (k, j) in tupleOf { tupleArity[j] = aggs[k].arguments.first?.count ?? 0 }
        func u(_ j: Int) -> [String] { (0..<tupleArity[j]).map { "u\(j)_\($0)" } }
        // 1. Rows: every source's rows that at least one aggregate's filter keeps.
        var branches: [String] = []
        for (si, s) in group.sources.enumerated() {
            var cols = ["lf_bucket AS b"]
            for (i, key) in group.dimensionKeys[si].enumerated() { cols.append("\(key) AS d\(i)") }
            for (k, a) in aggs.enumerated() {
                let filter = a.filters[si]
                cols.append(filter.map { "CASE WHEN \($0) THEN 1 ELSE 0 END" } ?? "1")
                cols[cols.count - 1] += " AS f\(k)"
                if let input = a.inputs[si] {
                    cols.append((filter.map { "CASE WHEN \($0) THEN \(input) END" } ?? input) + " AS x\(k)")
                }
            }
            var done = Set<Int>()
            for (k, j) in tupleOf.sorted(by: { $0.key < $1.key }) where done.insert(j).inserted {
                for (i, arg) in aggs[k].arguments[si].enumerated() { cols.append("\(arg) AS u\(j)_\(i)") }
            }
            let filters = aggs.map { $0.filters[si] }
            let keep = filters.contains { $0 == nil } ? "" : " WHERE " + filters.map { "(\($0!))" }.joined(separator: " OR ")
            // Aliased: Spark would read `s0_rows WHERE (x)` as the alias WHERE with a column list.
            branches.append("SELECT \(cols.joined(separator: ", ")) FROM s\(s)_rows lf_r\(keep)")
        }
        ctes.append("\(g)_rows AS \(D.recomputed)(\(branches.joined(separator: " UNION ALL ")))")

        let flagNames = dims.indices.map { "g\($0)" }
        let flags = dims.indices.map { "GROUPING(d\($0)) AS g\($0)" }
        let dimCols = dims.indices.map { "d\($0)" }
        let cellCols = (["b"] + flagNames + dimCols).joined(separator: ", ")
        let (label, keys) = labels(dims: dims, breakdowns: group.breakdowns, dimIndex: dimIndex)
        let setDims = group.breakdowns.map { $0.map { "d\(dimIndex[$0]!)" } }
        func allArgs(_ j: Int) -> String { u(j).map { "\($0) IS NOT NULL" }.joined(separator: " AND ") }
        func keepAny(_ members: [Int]) -> String? {
            members.contains { aggs[$0].filters.contains { $0 == nil } } ? nil : "(" + members.map { "f\($0) = 1" }.joined(separator: " OR ") + ")"
        }
        // 2. The cells of every aggregate but the distinct counts, in two levels: the rows
        // grouped by bucket and every dimension key (few groups), then those groups by the
        // breakdowns' grouping sets. Counts, sums, minima and maxima add up across the levels;
        // one pass over the rows instead of one per grouping set (PostgreSQL also sorted the
        // rows for them).
        var measures: [String] = [], merged: [String] = []
        for (k, a) in aggs.enumerated() {
            measures.append("SUM(f\(k)) AS n\(k)"); merged.append("SUM(n\(k)) AS n\(k)")
            switch a.kind {
            case .count: break
            case .distinct:
                measures.append("SUM(CASE WHEN \(allArgs(tupleOf[k]!)) THEN f\(k) ELSE 0 END) AS i\(k)")
                merged.append("SUM(i\(k)) AS i\(k)")
            default:
                measures += ["COUNT(x\(k)) AS i\(k)", "SUM(x\(k)) AS s\(k)", "MIN(x\(k)) AS mn\(k)", "MAX(x\(k)) AS mx\(k)"]
                merged += ["SUM(i\(k)) AS i\(k)", "SUM(s\(k)) AS s\(k)", "MIN(mn\(k)) AS mn\(k)", "MAX(mx\(k)) AS mx\(k)"]
            }
        }
        let sets = ([["b"]] + setDims.map { ["b"] + $0 }).map { "(" + $0.joined(separator: ", ") + ")" }
        let cellBy = (["b"] + dimCols).joined(separator: ", ")
        ctes.append("\(g)_cf AS (SELECT \(cellBy), \(measures.joined(separator: ", ")) FROM \(g)_rows GROUP BY \(cellBy))")
        ctes.append("\(g)_c AS \(D.materialized)(SELECT b, \((flags + dimCols).map { $0 + ", " }.joined())\(merged.joined(separator: ", ")) FROM \(g)_cf GROUP BY GROUPING SETS (\(sets.joined(separator: ", "))))")
        for (k, a) in aggs.enumerated() where a.kind != .distinct {
            let from = "\(g)_c WHERE n\(k) > 0"
            if a.kind == .count {
                parts.append(part(kind: "cell", id: a.id, bucket: "b", breakdown: label, keys: keys, n: "n\(k)", inputs: "n\(k)", from: from))
            } else {
                parts.append(part(kind: "cell", id: a.id, bucket: "b", breakdown: label, keys: keys, n: "n\(k)", inputs: "i\(k)",
                                  sum: "s\(k)", min: "mn\(k)", max: "mx\(k)", from: from))
            }
        }
        // 3. Distinct counts, per argument tuple, in two levels: for each (cell, tuple) the
        // buckets it is seen in, as a bit mask per aggregate (bit p = bucket p - 1, so undated
        // rows, bucket -1, are bit 0), then per cell and mask the number of tuples. A bucket's
        // distinct count is the tuples whose mask holds its bit; its first sightings those whose
        // lowest bit it is (cumulative distinct = running sum of first sightings). Grouping by
        // cell and tuple once, not by bucket, cell and tuple and again for the first bucket,
        // keeps the large groupings to one per breakdown (docs/sql.md).
        let positions = defs.programme.periods.count + 1
        let words = (positions + SQLScript.maskBits - 1) / SQLScript.maskBits
        // A bucket position's column of the per-cell sums (`pc<p>`, `fs<p>`), picked per position.
        func pick(_ prefix: String) -> String {
            "CASE lf_q.p " + (0..<positions).map { "WHEN \($0) THEN \(prefix)\($0)" }.joined(separator: " ") + " END"
        }
        if !tupleKeys.isEmpty {
            ctes.append("\(g)_pos AS (" + (0..<positions).map { "SELECT \($0) AS p" }.joined(separator: " UNION ALL ") + ")")
        }
        let cellKeys = flagNames + dimCols
        func groupBy(_ cols: [String]) -> String { cols.isEmpty ? "" : " GROUP BY " + cols.joined(separator: ", ") }
        func select(_ cols: [String]) -> String { cols.map { $0 + ", " }.joined() }
        for j in tupleKeys.indices {
            let members = aggs.indices.filter { tupleOf[$0] == j }
            // Aggregates whose filters are the same SQL share one mask.
            var classes: [[Int]] = []
            for k in members {
                if let c = classes.firstIndex(where: { aggs[$0[0]].filters == aggs[k].filters }) { classes[c].append(k) } else { classes.append([k]) }
            }
            let ucols = u(j)
            let keep = " WHERE " + ([allArgs(j)] + (keepAny(members).map { [$0] } ?? [])).joined(separator: " AND ")
            func mask(_ c: Int, _ w: Int) -> String { "m\(c)_\(w)" }
            // The rows grouped once by every dimension key and the tuple (stored): fewer groups
            // than rows when a tuple is seen in several rows of a cell.
            let seenIn = classes.enumerated().flatMap { c, cls in
                (0..<words).map { w -> String in
                    let inWord = words == 1 ? "" : " AND lf_bp >= \(w * SQLScript.maskBits) AND lf_bp < \((w + 1) * SQLScript.maskBits)"
                    let shift = D.shiftLeftOne(w == 0 ? "lf_bp" : "lf_bp - \(w * SQLScript.maskBits)")
                    return "\(D.bitOr)(CASE WHEN f\(cls[0]) = 1\(inWord) THEN \(shift) ELSE 0 END) AS \(mask(c, w))"
                }
            }
            let fine = "\(g)_f\(j)"
            let fineBy = dimCols + ucols
            ctes.append("\(fine) AS \(D.materialized)(SELECT \(select(fineBy))\(seenIn.joined(separator: ", ")) FROM (SELECT *, b + 1 AS lf_bp FROM \(g)_rows\(keep)) lf_k\(groupBy(fineBy)))")
            // Per breakdown cell and tuple: the masks merged over the cell's dimension keys.
            let merged = classes.indices.flatMap { c in (0..<words).map { "\(D.bitOr)(\(mask(c, $0))) AS \(mask(c, $0))" } }
            let seenSets = ([[]] + setDims).map { "(" + ($0 + ucols).joined(separator: ", ") + ")" }
            ctes.append("\(g)_p\(j) AS \(D.materialized)(SELECT \(select(flags + dimCols))\(merged.joined(separator: ", ")) FROM \(fine) GROUP BY GROUPING SETS (\(seenSets.joined(separator: ", "))))")
            for (c, cls) in classes.enumerated() {
                let m = (0..<words).map { mask(c, $0) }
                // Per cell and mask, the tuples; then per cell each bucket's tuples and first sightings.
                let byMask = "\(g)_mk\(j)_\(c)"
                ctes.append("\(byMask) AS (SELECT \(select(cellKeys + m))COUNT(*) AS lf_n FROM \(g)_p\(j) WHERE " +
                            m.map { "\($0) <> 0" }.joined(separator: " OR ") + groupBy(cellKeys + m) + ")")
                var sums: [String] = []
                for p in 0..<positions {
                    let w = p / SQLScript.maskBits, bit = p % SQLScript.maskBits
                    let isSet = "\(D.bit(m[w], bit)) = 1"
                    sums.append("SUM(CASE WHEN \(isSet) THEN lf_n ELSE 0 END) AS pc\(p)")
                    var lowest = (0..<w).map { "\(m[$0]) = 0" }
                    if bit > 0 { lowest.append("(\(m[w]) & CAST(\((Int64(1) << bit) - 1) AS BIGINT)) = 0") }
                    sums.append("SUM(CASE WHEN \((lowest + [isSet]).joined(separator: " AND ")) THEN lf_n ELSE 0 END) AS fs\(p)")
                }
                let perCell = "\(g)_s\(j)_\(c)"
                ctes.append("\(perCell) AS \(D.materialized)(SELECT \(select(cellKeys))\(sums.joined(separator: ", ")) FROM \(byMask)\(groupBy(cellKeys)))")
                let unpivoted = "SELECT lf_q.p - 1 AS b, \(select(cellKeys))\(pick("pc")) AS dc, \(pick("fs")) AS fs FROM \(perCell), \(g)_pos lf_q"
                ctes.append("\(g)_dc\(j)_\(c) AS (SELECT * FROM (\(unpivoted)) lf_v WHERE dc > 0)")
                for k in cls {
                    parts.append(part(kind: "first_seen", id: aggs[k].id, bucket: "b", breakdown: label, keys: keys, n: "fs",
                                      from: "\(g)_dc\(j)_\(c) WHERE fs > 0"))
                    // The cell: rows and inputs from the one-level grouping, the distinct count from the two-level one.
                    let both = "SELECT \(cellCols), n\(k) AS n, i\(k) AS i, 0 AS dc FROM \(g)_c WHERE n\(k) > 0 UNION ALL " +
                        "SELECT \(cellCols), 0 AS n, 0 AS i, dc FROM \(g)_dc\(j)_\(c)"
                    ctes.append("\(g)_k\(k) AS (SELECT \(cellCols), SUM(n) AS n, SUM(i) AS i, SUM(dc) AS dc FROM (\(both)) lf_u GROUP BY \(cellCols))")
                    parts.append(part(kind: "cell", id: aggs[k].id, bucket: "b", breakdown: label, keys: keys, n: "n", inputs: "i",
                                      distinct: "dc", from: "\(g)_k\(k)"))
                }
            }
        }
    }

    /// The breakdown label and cell keys of a grouping-set row, from its GROUPING() flags.
    func labels(dims: [String], breakdowns: [[String]], dimIndex: [String: Int]) -> (String, [String]) {
        guard !dims.isEmpty else { return ("'*'", []) }
        var labelWhens: [String] = []
        var keyWhens = Array(repeating: [String](), count: SQLScript.maxCrossTab)
        for b in breakdowns.sorted(by: { $0.count > $1.count }) {
            let inSet = Set(b.map { dimIndex[$0]! })
            let test = dims.indices.map { "g\($0) = \(inSet.contains($0) ? 0 : 1)" }.joined(separator: " AND ")
            labelWhens.append("WHEN \(test) THEN \(D.string(b.joined(separator: ",")))")
            for (j, d) in b.enumerated() { keyWhens[j].append("WHEN \(test) THEN d\(dimIndex[d]!)") }
        }
        let label = "CASE \(labelWhens.joined(separator: " ")) ELSE '*' END"
        let keys = keyWhens.map { $0.isEmpty ? "CAST(NULL AS \(D.textType))" : "CASE \($0.joined(separator: " ")) END" }
        return (label, keys)
    }

    func part(kind: String, id: String, bucket: String?, breakdown: String, keys: [String], n: String,
              inputs: String? = nil, distinct: String? = nil, sum: String? = nil, min: String? = nil, max: String? = nil,
              from: String? = nil) -> String {
        let nullText = "CAST(NULL AS \(D.textType))"
        let k = (0..<SQLScript.maxCrossTab).map { $0 < keys.count ? "CAST(\(keys[$0]) AS \(D.textType))" : nullText }
        func big(_ x: String?) -> String { "CAST(\(x ?? "NULL") AS BIGINT)" }
        func dec(_ x: String?) -> String { "CAST(\(x ?? "NULL") AS \(D.decimalType))" }
        let cols = ["CAST(\(D.string(kind)) AS \(D.textType)) AS kind", "CAST(\(D.string(id)) AS \(D.textType)) AS id",
                    "CAST(\(bucket ?? "NULL") AS INTEGER) AS bucket", "CAST(\(breakdown) AS \(D.textType)) AS breakdown",
                    "\(k[0]) AS k1", "\(k[1]) AS k2", "\(k[2]) AS k3", "\(big(n)) AS n", "\(big(inputs)) AS inputs",
                    "\(big(distinct)) AS distinct_count", "\(dec(sum)) AS sum_value", "\(dec(min)) AS min_value", "\(dec(max)) AS max_value"]
        return "  SELECT " + cols.joined(separator: ", ") + (from.map { " FROM \($0)" } ?? "")
    }
}
