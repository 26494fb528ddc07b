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

    init(defs: Definitions, D: SQLDialect, asOf: CivilDate) {
        self.defs = defs; self.D = D; self.asOf = asOf
    }

    mutating func run() -> SQLScript.Output {
        if !D.supportsNFC {
            diagnostics.append(.warning("sql-no-nfc", at: SourceLocation(file: defs.file),
                "Spark SQL has no Unicode normalisation: text is compared as loaded, so load it in NFC (as logframe's reader makes it)",
                hint: "Normalise the files to NFC before loading them (e.g. uconv -x NFC), or texts with accents may not match."))
        }
        periods()
        for i in SQLParentJoin.compileOrder(defs.sources) { compileSource(defs.sources[i], index: i) }
        for indicator in defs.indicators { compileIndicator(indicator) }
        guard !parts.isEmpty else { return SQLScript.Output(sql: nil, diagnostics: diagnostics) }
        ctes.append("lf_parts AS (\n" + parts.joined(separator: "\n  UNION ALL\n") + "\n)")
        let sql = "WITH\n" + ctes.joined(separator: ",\n") + "\nSELECT * FROM lf_parts\n" +
            "ORDER BY kind, id, bucket NULLS FIRST, breakdown, k1 NULLS FIRST, k2 NULLS FIRST, k3 NULLS FIRST\n"
        return SQLScript.Output(sql: sql, diagnostics: diagnostics)
    }

    // MARK: Periods

    mutating func periods() {
        let rows = defs.programme.periods.enumerated().map { i, p in
            "(\(i), \(D.string(p.id)), \(D.date(p.start)), \(D.date(p.end)))"
        }
        ctes.append("lf_periods AS (SELECT * FROM (VALUES\n  " + rows.joined(separator: ",\n  ") +
                    "\n) AS t(bucket, period_id, period_start, period_end))")
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
            cols.append("NULLIF(\(D.nfc(D.trimSpaces(D.ident(f.column)))), '') AS \(text(i))")
        }
        ctes.append("\(p)_text AS (SELECT \(cols.joined(separator: ", ")) FROM \(D.relation(table)))")
        // 2. Typed values and per-field problems.
        var typedCols = ["lf_line"]
        var problems: [String] = []
        for (i, f) in source.fields.enumerated() {
            let (value, problem) = fieldSQL(f, t: text(i), v: typed(i))
            typedCols.append("\(value) AS \(typed(i))")
            problems.append(problem)
        }
        ctes.append("\(p)_typed AS (SELECT \(typedCols.joined(separator: ", ")), \((0..<source.fields.count).map(text).joined(separator: ", ")) FROM \(p)_text)")
        if let join { ctes.append(join.cte(p, childValue: typed(join.childKey))) }
        var checks = problems.enumerated().map { i, problem in "\(problem) AS bad\(i)" }
        let scope = columns(of: source)
        var rejects = (0..<source.fields.count).map { "bad\($0) IS NOT NULL" }
        let fieldsOK = rejects.isEmpty ? "TRUE" : "NOT (\(rejects.joined(separator: " OR ")))"
        // What the local reader reports, row by row: one problem per refused cell, then (cells
        // all good) the date window, then (still accepted) each failing rule, then the key.
        var problemRows: [String] = []
        let noText = "CAST(NULL AS \(D.textType))"
        for (i, f) in source.fields.enumerated() {
            problemRows.append("SELECT lf_line, \(i) AS ord, 'error' AS sev, bad\(i) AS code, \(D.string(f.column)) AS detail FROM \(p)_checked WHERE bad\(i) IS NOT NULL")
        }
        var order = source.fields.count
        var accepted = fieldsOK
        if let dateField = source.dateField, let di = source.fieldIndex(dateField) {
            checks.append("CASE WHEN \(typed(di)) BETWEEN \(D.date(defs.programme.start)) AND \(D.date(defs.programme.end)) THEN FALSE ELSE TRUE END AS bad_date")
            rejects.append("bad_date")
            problemRows.append("SELECT lf_line, \(order) AS ord, 'error' AS sev, CASE WHEN \(typed(di)) IS NULL THEN 'date-missing' ELSE 'date-outside-programme' END AS code, \(D.string(source.fields[di].column)) AS detail FROM \(p)_checked WHERE bad_date AND \(fieldsOK)")
            accepted = "\(fieldsOK) AND NOT bad_date"
        }
        if let join {
            // Cells and own date good: the parent join, then the parent's date (one problem at
            // most per row, at the date's place in the order).
            checks += join.checks(programme: defs.programme)
            rejects += join.rejects
            let joined = join.problemRows(p, ord: order, accepted: accepted, childText: text(join.childKey))
            problemRows += joined.rows
            accepted = joined.accepted
        }
        order += 1
        for (r, rule) in source.rules.enumerated() {
            do {
                let check = try ExpressionSQL(dialect: D, columns: scope).condition(rule.check)
                checks.append("CASE WHEN NOT \(check) THEN TRUE ELSE FALSE END AS bad_rule\(r)")
                if rule.severity == .error { rejects.append("bad_rule\(r)") }
                let severity = rule.severity == .error ? "error" : "warning"
                problemRows.append("SELECT lf_line, \(order + r) AS ord, '\(severity)' AS sev, 'rule-failed' AS code, \(D.string(rule.message)) AS detail FROM \(p)_checked WHERE bad_rule\(r) AND \(accepted)")
            } catch let error as SQLUnsupported {
                refuse(source, "its rule \"\(rule.message)\": \(error.message)", at: rule.location)
                ctes.removeLast(ctes.count - firstCTE)
                return
            } catch { return }
        }
        order += source.rules.count
        let anyReject = rejects.isEmpty ? "FALSE" : rejects.joined(separator: " OR ")
        ctes.append("\(p)_checked AS (SELECT *, CASE WHEN \(anyReject) THEN 0 ELSE 1 END AS lf_pre FROM (SELECT *, \(checks.isEmpty ? "0 AS lf_none" : checks.joined(separator: ", ")) FROM \(p)_\(join == nil ? "typed" : "joined")) lf_c)")
        // 3. Unique key: among rows that passed every other check, the first by line wins.
        let keyFields = source.key.compactMap { source.fieldIndex($0) }
        let keyCols = keyFields.map(typed)
        if keyCols.isEmpty {
            ctes.append("\(p)_acc AS (SELECT * FROM \(p)_checked WHERE lf_pre = 1)")
        } else {
            let allKeys = keyCols.map { "\($0) IS NOT NULL" }.joined(separator: " AND ")
            ctes.append("\(p)_keyed AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY lf_pre, CASE WHEN \(allKeys) THEN 0 ELSE lf_line END, \(keyCols.joined(separator: ", ")) ORDER BY lf_line) AS lf_rn FROM \(p)_checked)")
            ctes.append("\(p)_acc AS (SELECT * FROM \(p)_keyed WHERE lf_pre = 1 AND lf_rn = 1)")
            problemRows.append("SELECT lf_line, \(order) AS ord, 'error' AS sev, 'duplicate-key' AS code, \(noText) AS detail FROM \(p)_keyed WHERE lf_pre = 1 AND lf_rn > 1")
        }
        // The problems, counted by severity and code, and the first ones listed with the row's
        // line and key (what `validate --engine` shows instead of file lines).
        if !problemRows.isEmpty {
            ctes.append("\(p)_problems AS (\(problemRows.joined(separator: " UNION ALL ")))")
            let keyText = keyFields.isEmpty ? noText
                : keyFields.map { "COALESCE(t.\(text($0)), '')" }.joined(separator: " || ', ' || ")
            ctes.append("\(p)_first AS (SELECT q.*, \(keyText) AS key_text FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY lf_line, ord) AS lf_pn FROM \(p)_problems) q JOIN \(p)_text t ON t.lf_line = q.lf_line WHERE q.lf_pn <= \(SQLScript.listedProblems))")
            parts.append(part(kind: "problem", id: source.id, bucket: nil, breakdown: "sev", keys: ["code"], n: "COUNT(*)",
                              from: "\(p)_problems GROUP BY sev, code"))
            parts.append(part(kind: "problem_row", id: source.id, bucket: nil, breakdown: "sev", keys: ["code", "key_text", "detail"],
                              n: "lf_line", inputs: "lf_pn", from: "\(p)_first"))
        }
        // 4. Rows that count: accepted, up to as-of, in their period bucket (-1: undated).
        if let date = source.dateField.flatMap(source.fieldIndex).map(typed) ?? join?.dateColumn {
            ctes.append("\(p)_rows AS (SELECT a.*, p.bucket AS lf_bucket FROM \(p)_acc a JOIN lf_periods p ON a.\(date) BETWEEN p.period_start AND p.period_end WHERE a.\(date) <= \(D.date(asOf)))")
            sourceParts(source, p, afterAsOf: "(SELECT COUNT(*) FROM \(p)_acc WHERE \(date) > \(D.date(asOf)))")
        } else {
            ctes.append("\(p)_rows AS (SELECT a.*, -1 AS lf_bucket FROM \(p)_acc a)")
            sourceParts(source, p, afterAsOf: "0")
        }
        compiled[source.id] = s
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
    func fieldSQL(_ f: FieldDefinition, t: String, v: String) -> (String, String) {
        let value: String
        var checks: [(code: String, ok: String)] = []
        switch f.type {
        case .text, .list, .null:
            value = t
        case .choices:
            value = D.replaceAll(t, "[ \t]+", " ")
        case .integer:
            value = "CASE WHEN \(D.fullMatch(t, "[+-]?[0-9]+")) AND length(\(D.replaceAll(t, "^[+-]?0*", ""))) <= \(ExactDecimal.maxIntegerDigits) THEN CAST(\(t) AS \(D.integerDecimalType)) END"
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
            value = dateSQL(t, format: f.dateFormat)
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

    /// A date in `format` parsed without date functions that raise: the parts are taken by a
    /// regular expression, the day is checked against the month's length (leap years included),
    /// and only a real date reaches `make_date`.
    func dateSQL(_ t: String, format: CivilDate.Format) -> String {
        var pattern = "^"
        var group = [CivilDate.Format.Part: Int]()
        for (i, part) in format.parts.enumerated() {
            pattern += part == .year ? "([0-9]{4})" : "([0-9]{1,2})"
            group[part] = i + 1
            if i < 2 { pattern += regexEscape(String(UnicodeScalar(format.separators[i]))) }
        }
        pattern += format == .iso ? "([T ].*)?$" : "$"
        let y = D.tryInteger(D.regexGroup(t, pattern, group[.year]!))
        let m = D.tryInteger(D.regexGroup(t, pattern, group[.month]!))
        let d = D.tryInteger(D.regexGroup(t, pattern, group[.day]!))
        let monthLength = "CASE WHEN \(m) IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN \(m) IN (4, 6, 9, 11) THEN 30 " +
            "WHEN (\(y) % 4 = 0 AND \(y) % 100 <> 0) OR \(y) % 400 = 0 THEN 29 ELSE 28 END"
        // Nested CASE, not AND: SQL does not promise to evaluate AND from left to right, and only
        // text of the right shape may reach the integer casts and make_date.
        let real = "\(y) >= 1 AND \(m) BETWEEN 1 AND 12 AND \(d) BETWEEN 1 AND \(monthLength)"
        return "CASE WHEN \(D.fullMatch(t, String(pattern.dropFirst().dropLast()))) THEN CASE WHEN \(real) THEN \(D.makeDate(year: y, month: m, day: d)) END END"
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
        let savedCtes = ctes.count, savedParts = parts.count
        do {
            for (n, aggregate) in formula.aggregates.enumerated() {
                try compileAggregate(aggregate, id: "\(indicator.id)#\(n + 1)", cte: "a_\(sanitized(indicator.id))_\(n + 1)",
                                     sources: own, dims: dims, breakdowns: breakdowns)
            }
            // The calls a `$ID` names, again under this indicator's own breakdowns (as the local
            // engine inlines them): id `THIS/NAMED#n`, over the named indicator's sources.
            var inlined = Set<String>()
            for named in calls where named.writer != indicator.id && !breakdowns.isEmpty {
                let id = "\(indicator.id)/\(named.writer)#\(named.index + 1)"
                guard inlined.insert(id).inserted else { continue }
                try compileAggregate(named.call, id: id, cte: "a_\(sanitized(indicator.id))_r\(inlined.count)",
                                     sources: sources.filter { named.sources.contains($0.0.id) }, dims: dims, breakdowns: breakdowns)
            }
            // Rows matched per indicator and source: within as-of, passing at least one filter.
            // (For `$ID`, the calls of the indicators named, over their own sources.)
            for (source, s) in sources {
                let expr = ExpressionSQL(dialect: D, columns: columns(of: source))
                var filters: [String] = []
                for (aggregate, over, _, _) in calls where over.contains(source.id) {
                    filters.append(try aggregate.filter.map { try expr.condition($0) } ?? "TRUE")
                }
                parts.append(part(kind: "matched", id: indicator.id, bucket: nil, breakdown: "'*'", keys: [D.string(source.id)],
                                  n: "(SELECT COUNT(*) FROM s\(s)_rows lf_r WHERE \(filters.map { "(\($0))" }.joined(separator: " OR ")))"))
            }
        } catch let error as SQLUnsupported {
            ctes.removeLast(ctes.count - savedCtes)
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
            switch column.type {
            case .text, .choices: return "NULLIF(\(column.sql), '')"
            case .boolean: return "CASE WHEN \(column.sql) THEN 'true' WHEN NOT \(column.sql) THEN 'false' END"
            case .date: return D.castText(column.sql)
            case .integer: return D.castText("CAST(\(column.sql) AS \(D.integerDecimalType))")
            // As the local engine keys it (`1.50` is `1.5`), not as written.
            case .number: return D.decimalText(column.sql)
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

    mutating func compileAggregate(_ aggregate: AggregateCall, id: String, cte: String,
                                   sources: [(SourceDefinition, Int)], dims: [String], breakdowns: [[String]]) throws {
        let dimIndex = Dictionary(uniqueKeysWithValues: dims.enumerated().map { ($1, $0) })
        let kind = aggregate.function
        var branches: [String] = []
        let argCount = kind == .distinct ? aggregate.arguments.count : 0
        for (source, s) in sources {
            let expr = ExpressionSQL(dialect: D, columns: columns(of: source))
            var cols = ["lf_bucket AS b"]
            for d in dims {
                guard let dimension = defs.dimension(d) else { throw SQLUnsupported("unknown dimension \(d)") }
                cols.append("\(try dimensionKey(dimension, source: source)) AS d\(dimIndex[d]!)")
            }
            switch kind {
            case .count:
                break
            case .sum, .avg, .min, .max:
                guard let argument = aggregate.arguments.first else { throw SQLUnsupported("\(kind.rawValue) needs an argument") }
                let (sql, type) = try expr.value(argument)
                guard type.isNumeric || type == .null else { throw SQLUnsupported("\(kind.rawValue) of a \(type) value") }
                cols.append("CAST(\(sql) AS \(D.decimalType)) AS x")
            case .distinct:
                for (i, argument) in aggregate.arguments.enumerated() {
                    let (sql, type) = try expr.value(argument)
                    // Text in a union: one column type for every source; numbers as exact decimals.
                    let typedSQL = type.isNumeric ? "CAST(\(sql) AS \(D.decimalType))" : sql
                    cols.append("\(typedSQL) AS u\(i)")
                }
            }
            let filter = try aggregate.filter.map { try expr.condition($0) }
            // Aliased: Spark would read `s0_rows WHERE (x)` as the alias WHERE with a column list.
            branches.append("SELECT \(cols.joined(separator: ", ")) FROM s\(s)_rows lf_r" + (filter.map { " WHERE \($0)" } ?? ""))
        }
        ctes.append("\(cte)_rows AS (\(branches.joined(separator: " UNION ALL ")))")

        let flags = dims.indices.map { "GROUPING(d\($0)) AS g\($0)" }
        let dimCols = dims.indices.map { "d\($0)" }
        let sets = ["(b)"] + breakdowns.map { "(b, \($0.map { "d\(dimIndex[$0]!)" }.joined(separator: ", ")))" }
        let args = (0..<argCount).map { "u\($0)" }
        let allArgs = args.map { "\($0) IS NOT NULL" }.joined(separator: " AND ")
        var measures = ["COUNT(*) AS n"]
        switch kind {
        case .count:
            measures += ["COUNT(*) AS inputs", "CAST(NULL AS BIGINT) AS dc", "CAST(NULL AS \(D.decimalType)) AS sx",
                         "CAST(NULL AS \(D.decimalType)) AS mn", "CAST(NULL AS \(D.decimalType)) AS mx"]
        case .sum, .avg, .min, .max:
            measures += ["COUNT(x) AS inputs", "CAST(NULL AS BIGINT) AS dc", "SUM(x) AS sx", "MIN(x) AS mn", "MAX(x) AS mx"]
        case .distinct:
            measures += ["SUM(CASE WHEN \(allArgs) THEN 1 ELSE 0 END) AS inputs",
                         "COUNT(DISTINCT CASE WHEN \(allArgs) THEN \(D.tuple(args)) END) AS dc",
                         "CAST(NULL AS \(D.decimalType)) AS sx", "CAST(NULL AS \(D.decimalType)) AS mn", "CAST(NULL AS \(D.decimalType)) AS mx"]
        }
        ctes.append("\(cte)_cells AS (SELECT b, \((flags + dimCols).map { $0 + ", " }.joined())\(measures.joined(separator: ", ")) FROM \(cte)_rows GROUP BY GROUPING SETS (\(sets.joined(separator: ", "))))")
        let (label, keys) = labels(dims: dims, breakdowns: breakdowns, dimIndex: dimIndex)
        parts.append(part(kind: "cell", id: id, bucket: "b", breakdown: label, keys: keys, n: "n", inputs: "inputs",
                          distinct: "dc", sum: "sx", min: "mn", max: "mx", from: "\(cte)_cells"))
        if kind == .distinct {
            // First bucket each tuple is seen in, per cell: cumulative distinct = running sum of these.
            let fsets = ["(\(args.joined(separator: ", ")))"] +
                breakdowns.map { "(\(($0.map { "d\(dimIndex[$0]!)" } + args).joined(separator: ", ")))" }
            ctes.append("\(cte)_first AS (SELECT \((flags + dimCols).map { $0 + ", " }.joined())MIN(b) AS b FROM \(cte)_rows WHERE \(allArgs) GROUP BY GROUPING SETS (\(fsets.joined(separator: ", "))))")
            let groupBy = (["b"] + dims.indices.map { "g\($0)" } + dimCols).joined(separator: ", ")
            ctes.append("\(cte)_firstn AS (SELECT \((["b"] + dims.indices.map { "g\($0)" } + dimCols).joined(separator: ", ")), COUNT(*) AS n FROM \(cte)_first GROUP BY \(groupBy))")
            parts.append(part(kind: "first_seen", id: id, bucket: "b", breakdown: label, keys: keys, n: "n", from: "\(cte)_firstn"))
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
