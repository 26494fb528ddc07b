import LogframeCore
import LogframeDefinitions
import LogframeExpressions

/// A child source's parent join (`parent: {source: households, key: hh}`) in the script, as the
/// local reader makes it (SourceReader's loadParent/joinParent, ParentDate.swift):
///
/// - the joinable parent rows are the parent source's **accepted** rows (`s<k>_acc`: its own cell
///   checks, date window, rules and unique key; rows after the as-of date included, as the local
///   reader reads the whole parent), so a rejected parent row leaves its children orphans;
/// - a child row joins the parent row whose key has the same text as the child's key field, both
///   trimmed, NFC and empty = null as every cell (the local join compares `Value.description`);
///   a null key joins nothing;
/// - the checks run in the local order: cells, the own date window, then (cells and date good)
///   the join (`orphan-parent`), then (joined) the parent's date when the rows are dated by it
///   (`date: households.survey_date`: `date-missing`, `date-outside-programme`), then the rules,
///   then the key. An orphan is read and rejected, never used;
/// - the parent's fields are columns `pv<j>` (its typed `v<j>`),
///   named `households.field` in expressions, filters, dimensions, rules and the date.
struct SQLParentJoin {
    let D: SQLDialect
    let child: SourceDefinition
    let parent: SourceDefinition
    /// CTE prefix of the parent source (`s<k>`).
    let parentPrefix: String
    /// The child's field holding the parent key, and the parent's key field (indices into `fields`).
    let childKey: Int
    let parentKey: Int

    /// An index order of `sources` in which every parent comes before its children: a CTE can
    /// only read the CTEs written before it. Otherwise the definitions' order.
    static func compileOrder(_ sources: [SourceDefinition]) -> [Int] {
        let parents = Set(sources.compactMap { $0.parent?.source })
        let first = sources.indices.filter { parents.contains(sources[$0].id) }
        return first + sources.indices.filter { !parents.contains(sources[$0].id) }
    }

    /// The join of `child`, or why it cannot be written (`compiled`: the prefixes of the sources
    /// already in the script).
    static func make(_ child: SourceDefinition, _ link: ParentLink, definitions: Definitions, dialect: SQLDialect,
                     compiled: [String: Int]) -> Result<SQLParentJoin, SQLUnsupported> {
        guard let parent = definitions.source(link.source), parent.key.count == 1,
              let parentKey = parent.fieldIndex(parent.key[0]), let childKey = child.fieldIndex(link.key) else {
            return .failure(SQLUnsupported("its parent \(link.source), which has no single key field"))
        }
        guard let k = compiled[parent.id] else {
            return .failure(SQLUnsupported("its parent source \(parent.id), which the script leaves out"))
        }
        return .success(SQLParentJoin(D: dialect, child: child, parent: parent, parentPrefix: "s\(k)",
                                      childKey: childKey, parentKey: parentKey))
    }

    func value(_ j: Int) -> String { "pv\(j)" }

    /// `households.field` -> the joined column, for the child's expression scope.
    var columns: [String: ExpressionSQL.Column] {
        var map: [String: ExpressionSQL.Column] = [:]
        for (j, f) in parent.fields.enumerated() { map["\(parent.id).\(f.id)"] = (value(j), f.type) }
        return map
    }

    /// The joined date column when the rows are dated by the parent (`date: households.survey_date`).
    var dateColumn: String? {
        guard child.isDatedByParent, let name = child.dateField,
              let j = parent.fields.firstIndex(where: { "\(parent.id).\($0.id)" == name }) else { return nil }
        return value(j)
    }

    /// `<p>_joined`: every row of `<p>_typed` with its parent's columns (NULL for an orphan;
    /// `lf_parent` = the parent row's line, NULL when no parent row has the key).
    func cte(_ p: String, childValue: String) -> String {
        var cols = ["c.*", "q.lf_line AS lf_parent"]
        for j in parent.fields.indices { cols.append("q.v\(j) AS \(value(j))") }
        return "\(p)_joined AS (SELECT \(cols.joined(separator: ", ")) FROM \(p)_typed c LEFT JOIN \(parentPrefix)_acc q ON \(condition("c.\(childValue)", "q.v\(parentKey)")))"
    }

    /// Keys of the same type compare as values (the same as comparing their texts); keys of two
    /// types compare as the texts the local reader gives them (`Value.description`).
    func condition(_ childValue: String, _ parentValue: String) -> String {
        let ct = child.fields[childKey].type, pt = parent.fields[parentKey].type
        if ct == pt { return "\(childValue) = \(parentValue)" }
        return "\(keyText(ct, childValue)) = \(keyText(pt, parentValue))"
    }

    func keyText(_ type: ValueType, _ v: String) -> String { D.valueText(v, type: type) ?? v }

    /// The checks the join adds to `<p>_checked` (a flag each, true = the row fails it), in order.
    func checks(programme: Programme) -> [String] {
        var out = ["CASE WHEN lf_parent IS NULL THEN TRUE ELSE FALSE END AS bad_orphan"]
        if let date = dateColumn {
            out.append("CASE WHEN \(date) BETWEEN \(D.date(programme.start)) AND \(D.date(programme.end)) THEN FALSE ELSE TRUE END AS bad_pdate")
        }
        return out
    }

    var rejects: [String] { dateColumn == nil ? ["bad_orphan"] : ["bad_orphan", "bad_pdate"] }

    /// The problems the join reports, at `ord` (a row has at most one of them: each needs the
    /// earlier checks passed and rejects the row), for rows `accepted` so far; and the condition
    /// for a row still accepted after them.
    func problemRows(_ p: String, ord: Int, accepted: String, childText: String, keyText: String) -> (rows: [String], accepted: String) {
        // The detail is the key the row names (NULL: it names none), masked in Swift when personal.
        var rows = ["SELECT lf_line, \(ord) AS ord, 'error' AS sev, 'orphan-parent' AS code, \(childText) AS detail, \(keyText) AS key_text FROM \(p)_bad WHERE bad_orphan AND \(accepted)"]
        var now = "\(accepted) AND NOT bad_orphan"
        if let date = dateColumn, let name = child.dateField {
            rows.append("SELECT lf_line, \(ord) AS ord, 'error' AS sev, CASE WHEN \(date) IS NULL THEN 'date-missing' ELSE 'date-outside-programme' END AS code, \(D.string(name)) AS detail, \(keyText) AS key_text FROM \(p)_bad WHERE bad_pdate AND \(now)")
            now += " AND NOT bad_pdate"
        }
        return (rows, now)
    }
}
