import Foundation
import LogframeCore
import Yams

// The definitions as written: every value located, nothing cross-checked yet. `RawReader` builds
// these from the YAML node tree; `Resolver` checks references and builds the resolved model.

struct RawDocument {
    var version: Located<Int>?
    var programme: RawProgramme?
    var sources: [RawSource] = []
    var dimensions: [RawDimension] = []
    var results: [RawResult] = []
    /// `exports.iati`, already checked (ExportSettings.swift).
    var iati: IATIPublisher?
    var location: SourceLocation
}

enum RawPeriods {
    case kind(PeriodKind, SourceLocation)
    case list([(id: Located<String>, start: CivilDate, end: CivilDate, location: SourceLocation)], SourceLocation)
}

struct RawProgramme {
    var id: String?
    var title: LocalizedText?
    var donor: String?
    var implementer: String?
    var country: String?
    var start: Located<CivilDate>?
    var end: Located<CivilDate>?
    var currency: String?
    var budgetTotal: ExactDecimal?
    var budgetDonor: ExactDecimal?
    var periods: RawPeriods?
    var yearStarts: Int?
    var onTrack: Located<ExactDecimal>?
    var atRisk: Located<ExactDecimal>?
    var tolerance: Located<ExactDecimal>?
    /// `privacy: {min_cell: N}`: the small-cell threshold of every count and distinct count.
    var minCell: Int?
    var location: SourceLocation
}

struct RawField {
    var id: Located<String>
    var type: ValueType = .text
    var typeLocation: SourceLocation
    var column: Located<String>?
    var position: Located<Int>?
    var path: String?
    var format: Located<CivilDate.Format>?
    var required = false
    var allowed: [(text: String, location: SourceLocation)]?
    var min: Located<ExactDecimal>?
    var max: Located<ExactDecimal>?
    var pattern: Located<String>?
    var number = RawNumberKeys()
    var missing: [String]?
    /// `personal: true|false`; nil when not declared.
    var personal: Bool?
}

/// `thousands`, `decimal` as written on a source or a field.
struct RawNumberKeys {
    var thousands: Located<NumberFormat.Separator>?
    var decimal: Located<NumberFormat.Mark>?
    var isEmpty: Bool { thousands == nil && decimal == nil }
}

struct RawRule {
    var check: ExpressionText?
    var severity: Diagnostic.Severity = .error
    var message: String?
    var location: SourceLocation
}

struct RawSource {
    var id: Located<String>
    var path: Located<String>?
    var format: SourceDefinition.Format?
    var delimiter: UInt8?
    var key: [Located<String>] = []
    var date: Located<String>?
    var record: String?
    var table: String?
    var fields: [RawField] = []
    var rules: [RawRule] = []
    var parentSource: Located<String>?
    var parentKey: Located<String>?
    var parentLocation: SourceLocation?
    var headerRow: Located<Int>?
    var number = RawNumberKeys()
    var missing: [String]?
    /// `date: none`: undated on purpose (no `undated-source` warning).
    var undatedOnPurpose = false
}

struct RawDimension {
    var id: Located<String>
    var field: Located<String>?
    var expr: ExpressionText?
    var bands: [Located<ExactDecimal>]?
    var bandsLocation: SourceLocation?
    var labels: [(key: Located<String>, label: LocalizedText)] = []
    /// The breakdown's name in reports (`Sex`, `Cins`); reports fall back to the id.
    var title: LocalizedText?
}

struct RawResult {
    var id: Located<String>?
    var level: ResultLevel?
    var title: LocalizedText?
    var results: [RawResult] = []
    var indicators: [RawIndicator] = []
    var location: SourceLocation
}

struct RawIndicator {
    var id: Located<String>?
    var title: LocalizedText?
    var unit: LocalizedText?
    var sources: [Located<String>]?
    var value: ExpressionText?
    var reported: [(id: Located<String>, value: ExactDecimal?)]?
    var by: [[Located<String>]] = []
    var cumulative = true
    var direction: Direction = .increase
    var decimals: Int?
    var baseline: Benchmark?
    var target: Benchmark?
    var milestones: [(id: Located<String>, value: ExactDecimal)] = []
    var sdg: [String] = []
    var meansOfVerification: LocalizedText?
    var assumptions: LocalizedText?
    var definition: LocalizedText?
    /// `privacy: {min_cell: N}` on the indicator (0 turns suppression off for it).
    var minCell: Int?
    var location: SourceLocation
}

enum Keys {
    static let top = ["logframe", "programme", "sources", "dimensions", "results", "exports"]
    static let programme = ["id", "title", "donor", "implementer", "country", "start", "end", "currency", "budget",
                            "periods", "year_starts", "status", "privacy"]
    static let privacy = ["min_cell"]
    static let budget = ["total", "donor"]
    static let status = ["on_track", "at_risk", "tolerance"]
    static let period = ["id", "start", "end"]
    static let source = ["path", "format", "delimiter", "key", "date", "record", "table", "fields", "rules", "parent",
                         "header_row", "thousands", "decimal", "missing"]
    static let field = ["type", "column", "position", "path", "format", "required", "in", "min", "max", "pattern",
                        "thousands", "decimal", "missing", "personal"]
    static let rule = ["check", "severity", "message"]
    static let parent = ["source", "key"]
    static let dimension = ["field", "title", "labels", "bands", "expr"]
    static let result = ["id", "level", "title", "results", "indicators"]
    static let indicator = ["id", "title", "unit", "source", "value", "reported", "by", "cumulative", "direction", "decimals",
                            "baseline", "target", "milestones", "sdg", "means_of_verification", "assumptions", "definition", "privacy"]
    static let benchmark = ["value", "date"]
    static let types = ["text", "integer", "number", "date", "boolean", "choices"]
}

/// Reads the composed YAML node tree into the raw model, reporting shape problems.
struct RawReader {
    let c: LoadContext

    func document(_ root: Node) -> RawDocument {
        var doc = RawDocument(location: c.location(root))
        guard let map = MappingReader(root, "the definitions file", keys: Keys.top, context: c) else { return doc }
        if let node = map.require("logframe") {
            if let text = c.string(node, "`logframe` (the format version)") {
                if text == "1" {
                    doc.version = Located(1, c.location(node))
                } else {
                    c.error("unsupported-version", at: c.location(node), "This is definitions format version `\(text)`; this logframe reads version 1.",
                            hint: "Write `logframe: 1`.")
                }
            }
        }
        if let node = map.require("programme") { doc.programme = programme(node) }
        if let node = map["sources"], !c.isNull(node), let sources = MappingReader(node, "sources", keys: [], context: c) {
            for entry in sources.entries {
                if let source = source(id: Located(entry.key, c.location(entry.keyNode)), entry.value) { doc.sources.append(source) }
            }
        }
        if let node = map["dimensions"], !c.isNull(node), let dims = MappingReader(node, "dimensions", keys: [], context: c) {
            for entry in dims.entries {
                if let dim = dimension(id: Located(entry.key, c.location(entry.keyNode)), entry.value) { doc.dimensions.append(dim) }
            }
        }
        if let node = map["results"], !c.isNull(node), let items = c.sequence(node, "`results`") {
            doc.results = items.compactMap(result)
        }
        if let node = map["exports"], !c.isNull(node) { doc.iati = exports(node, programmeCountry: doc.programme?.country) }
        return doc
    }

    // MARK: Programme

    func programme(_ node: Node) -> RawProgramme? {
        guard let map = MappingReader(node, "programme", keys: Keys.programme, context: c) else { return nil }
        var p = RawProgramme(location: c.location(node))
        p.id = map.require("id").flatMap { c.nonEmptyString($0, "The programme `id`") }
        p.title = map.require("title").flatMap { c.localized($0, "The programme `title`") }
        p.donor = map["donor"].flatMap { c.nonEmptyString($0, "`donor`") }
        p.implementer = map["implementer"].flatMap { c.nonEmptyString($0, "`implementer`") }
        p.country = map["country"].flatMap { c.nonEmptyString($0, "`country`") }
        p.currency = map["currency"].flatMap { c.nonEmptyString($0, "`currency`") }
        if let n = map.require("start"), let d = c.date(n, "The programme `start`") { p.start = Located(d, c.location(n)) }
        if let n = map.require("end"), let d = c.date(n, "The programme `end`") { p.end = Located(d, c.location(n)) }
        if let n = map["budget"], let budget = MappingReader(n, "budget", keys: Keys.budget, context: c) {
            p.budgetTotal = budget["total"].flatMap { c.decimal($0, "`budget.total`") }
            p.budgetDonor = budget["donor"].flatMap { c.decimal($0, "`budget.donor`") }
        }
        if let n = map["year_starts"] { p.yearStarts = c.integer(n, "`year_starts`", in: 1...12) }
        if let n = map["status"], let status = MappingReader(n, "status", keys: Keys.status, context: c) {
            if let v = status["on_track"], let d = c.decimal(v, "`status.on_track`") { p.onTrack = Located(d, c.location(v)) }
            if let v = status["at_risk"], let d = c.decimal(v, "`status.at_risk`") { p.atRisk = Located(d, c.location(v)) }
            if let v = status["tolerance"], let d = c.decimal(v, "`status.tolerance`") { p.tolerance = Located(d, c.location(v)) }
        }
        p.minCell = privacy(map)
        if let n = map["periods"] {
            if case .sequence(let items) = n {
                var list: [(id: Located<String>, start: CivilDate, end: CivilDate, location: SourceLocation)] = []
                for item in items {
                    guard let m = MappingReader(item, "a period", keys: Keys.period, context: c) else { continue }
                    let id = m.require("id").flatMap { n in c.nonEmptyString(n, "A period `id`").map { Located($0, c.location(n)) } }
                    let start = m.require("start").flatMap { c.date($0, "A period `start`") }
                    let end = m.require("end").flatMap { c.date($0, "A period `end`") }
                    if let id, let start, let end { list.append((id, start, end, c.location(item))) }
                }
                p.periods = .list(list, c.location(n))
            } else if let kind = c.choice(n, "`periods`", PeriodKind.allCases.map(\.rawValue)) {
                p.periods = .kind(PeriodKind(rawValue: kind)!, c.location(n))
            }
        }
        return p
    }

    // MARK: Sources

    func source(id: Located<String>, _ node: Node) -> RawSource? {
        guard let map = MappingReader(node, "source `\(id.value)`", keys: Keys.source, context: c) else { return nil }
        var s = RawSource(id: id)
        if let n = map.require("path"), let path = c.nonEmptyString(n, "`path`") { s.path = Located(path, c.location(n)) }
        if let n = map["format"], let f = c.choice(n, "`format`", ["csv", "xml"]) { s.format = SourceDefinition.Format(rawValue: f) }
        if let n = map["delimiter"], let text = c.string(n, "`delimiter`") {
            let d = text.lowercased() == "tab" || text == "\\t" ? "\t" : text
            if d.utf8.count == 1, let byte = d.utf8.first, byte != UInt8(ascii: "\""), byte != 10, byte != 13 {
                s.delimiter = byte
            } else {
                c.error("invalid-value", at: c.location(n), "`delimiter` must be one character such as `,` `;` `|` or `tab`, not `\(text)`.")
            }
        }
        if let n = map["key"] { s.key = c.stringList(n, "`key`") }
        if let n = map["date"], let d = c.nonEmptyString(n, "`date`") {
            if d == "none" { s.undatedOnPurpose = true } else { s.date = Located(d, c.location(n)) }
        }
        if let n = map["header_row"], let row = c.integer(n, "`header_row`", in: 1...1_000_000) { s.headerRow = Located(row, c.location(n)) }
        s.number = numberKeys(map)
        if let n = map["missing"] { s.missing = missingList(n) }
        if let n = map["record"] { s.record = c.nonEmptyString(n, "`record`") }
        if let n = map["table"] { s.table = c.nonEmptyString(n, "`table`") }
        if let n = map["fields"], let fields = MappingReader(n, "the fields of source `\(id.value)`", keys: [], context: c) {
            for entry in fields.entries {
                if let f = field(id: Located(entry.key, c.location(entry.keyNode)), entry.value) { s.fields.append(f) }
            }
        } else if map["fields"] == nil {
            c.error("missing-key", at: c.location(node), "Source `\(id.value)` is missing the required key `fields`.")
        }
        if let n = map["rules"], !c.isNull(n), let items = c.sequence(n, "`rules`") {
            for item in items {
                guard let m = MappingReader(item, "a rule", keys: Keys.rule, context: c) else { continue }
                var rule = RawRule(location: c.location(item))
                rule.check = m.require("check").flatMap { c.expression($0, "`check`") }
                if let sev = m["severity"], let v = c.choice(sev, "`severity`", ["error", "warning"]) {
                    rule.severity = v == "warning" ? .warning : .error
                }
                rule.message = m["message"].flatMap { c.nonEmptyString($0, "`message`") }
                s.rules.append(rule)
            }
        }
        if let n = map["parent"], let m = MappingReader(n, "`parent`", keys: Keys.parent, context: c) {
            s.parentLocation = c.location(n)
            if let v = m.require("source"), let t = c.nonEmptyString(v, "`parent.source`") { s.parentSource = Located(t, c.location(v)) }
            if let v = m.require("key"), let t = c.nonEmptyString(v, "`parent.key`") { s.parentKey = Located(t, c.location(v)) }
        }
        return s
    }

    func field(id: Located<String>, _ node: Node) -> RawField? {
        var f = RawField(id: id, typeLocation: c.location(node))
        if case .scalar = node {
            guard let t = c.choice(node, "The type of field `\(id.value)`", Keys.types) else { return nil }
            f.type = ValueType(rawValue: t)!
            return f
        }
        guard let map = MappingReader(node, "field `\(id.value)`", keys: Keys.field, context: c) else { return nil }
        if let n = map["type"] {
            guard let t = c.choice(n, "The type of field `\(id.value)`", Keys.types) else { return nil }
            f.type = ValueType(rawValue: t)!
            f.typeLocation = c.location(n)
        }
        if let n = map["column"], c.isNull(n) {
            // `column: #adm1+name` unquoted: YAML reads the hashtag as a comment.
            c.error("invalid-value", at: c.location(n), "`column` of field `\(id.value)` is empty.",
                    hint: "An HXL hashtag must be quoted, because YAML reads an unquoted # as the start of a comment: column: \"#adm1+name\".")
        } else if let n = map["column"], let text = c.nonEmptyString(n, "`column`") {
            f.column = Located(text, c.location(n))
        }
        if let n = map["position"], let p = c.integer(n, "`position`", in: 1...100_000) { f.position = Located(p, c.location(n)) }
        f.number = numberKeys(map)
        if let n = map["missing"] { f.missing = missingList(n) }
        f.path = map["path"].flatMap { c.nonEmptyString($0, "`path`") }
        if let n = map["format"], let text = c.nonEmptyString(n, "`format`") {
            if f.type != .date {
                c.error("invalid-value", at: c.location(n), "`format` applies only to date fields; field `\(id.value)` is \(f.type).")
            } else if let format = CivilDate.Format(pattern: text) {
                f.format = Located(format, c.location(n))
            } else {
                c.error("invalid-value", at: c.location(n), "The date format `\(text)` is not supported.",
                        hint: "Use day, month and year parts with one separator, such as dd.MM.yyyy, MM/dd/yyyy or yyyy-MM-dd.")
            }
        }
        if let n = map["required"] { f.required = c.bool(n, "`required`") ?? false }
        if let n = map["in"], let items = c.sequence(n, "`in`") {
            f.allowed = items.compactMap { item in c.string(item, "A value in `in`").map { (TextNormalization.nfc($0), c.location(item)) } }
        }
        for key in ["min", "max"] {
            guard let n = map[key] else { continue }
            if !f.type.isNumeric {
                c.error("invalid-value", at: c.location(n), "`\(key)` applies only to integer and number fields; field `\(id.value)` is \(f.type).")
                continue
            }
            if let d = c.decimal(n, "`\(key)`") {
                if key == "min" { f.min = Located(d, c.location(n)) } else { f.max = Located(d, c.location(n)) }
            }
        }
        if let n = map["pattern"], let p = c.string(n, "`pattern`") { f.pattern = Located(p, c.location(n)) }
        if let n = map["personal"] { f.personal = c.bool(n, "`personal`") }
        return f
    }

    /// `thousands` and `decimal` of a source or field mapping.
    func numberKeys(_ map: MappingReader) -> RawNumberKeys {
        var keys = RawNumberKeys()
        if let n = map["thousands"], let text = c.string(n, "`thousands`") {
            let names: [String: NumberFormat.Separator] = [
                " ": .space, "space": .space, "\u{00A0}": .space, "nbsp": .space, "\u{202F}": .space,
                ",": .comma, "comma": .comma, ".": .dot, "dot": .dot, "point": .dot, "'": .apostrophe, "apostrophe": .apostrophe]
            if let separator = names[text] ?? names[text.lowercased().trimmingCharacters(in: .whitespaces)] {
                keys.thousands = Located(separator, c.location(n))
            } else {
                c.error("invalid-value", at: c.location(n), "`thousands` must be one of space, nbsp, comma, dot or apostrophe (or the character itself, quoted), not `\(text)`.",
                        hint: "For numbers written like 80 418 use `thousands: space`; like 80,418 use `thousands: \",\"`.")
            }
        }
        if let n = map["decimal"], let text = c.string(n, "`decimal`") {
            let names: [String: NumberFormat.Mark] = [".": .dot, "dot": .dot, "point": .dot, ",": .comma, "comma": .comma]
            if let mark = names[text.lowercased().trimmingCharacters(in: .whitespaces)] {
                keys.decimal = Located(mark, c.location(n))
            } else {
                c.error("invalid-value", at: c.location(n), "`decimal` must be `.` (dot) or `,` (comma), not `\(text)`.")
            }
        }
        return keys
    }

    /// `missing: ["-", "N/A", ""]` (or one text): cell texts that mean "no value", NFC, trimmed.
    func missingList(_ node: Node) -> [String]? {
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else if case .scalar = node { items = [node] } else {
            c.error("invalid-value", at: c.location(node), "`missing` must be a list of texts, like [\"-\", \"N/A\"], not \(c.describe(node)).")
            return nil
        }
        var texts: [String] = []
        for item in items {
            guard let text = c.string(item, "A value in `missing`") else { continue }
            let clean = TextNormalization.nfc(text).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            if !texts.contains(clean) { texts.append(clean) }
        }
        return texts
    }

    // MARK: Dimensions

    func dimension(id: Located<String>, _ node: Node) -> RawDimension? {
        guard let map = MappingReader(node, "dimension `\(id.value)`", keys: Keys.dimension, context: c) else { return nil }
        var d = RawDimension(id: id)
        if let n = map["field"], let t = c.nonEmptyString(n, "`field`") { d.field = Located(t, c.location(n)) }
        d.title = map["title"].flatMap { c.localized($0, "A dimension `title`") }
        if let n = map["expr"] { d.expr = c.expression(n, "`expr`") }
        if let n = map["bands"], let items = c.sequence(n, "`bands`") {
            d.bandsLocation = c.location(n)
            d.bands = items.compactMap { item in c.decimal(item, "A band bound").map { Located($0, c.location(item)) } }
        }
        if let n = map["labels"], let labels = MappingReader(n, "labels", keys: [], context: c) {
            for entry in labels.entries {
                if let label = c.localized(entry.value, "The label of `\(entry.key)`") {
                    d.labels.append((Located(entry.key, c.location(entry.keyNode)), label))
                }
            }
        }
        return d
    }

    // MARK: Results and indicators

    func result(_ node: Node) -> RawResult? {
        guard let map = MappingReader(node, "a result", keys: Keys.result, context: c) else { return nil }
        var r = RawResult(location: c.location(node))
        if let n = map.require("id"), let t = c.nonEmptyString(n, "A result `id`") { r.id = Located(t, c.location(n)) }
        if let n = map.require("level"), let t = c.choice(n, "`level`", ResultLevel.allCases.map(\.rawValue)) { r.level = ResultLevel(rawValue: t) }
        r.title = map.require("title").flatMap { c.localized($0, "A result `title`") }
        if let n = map["results"], !c.isNull(n), let items = c.sequence(n, "`results`") { r.results = items.compactMap(result) }
        if let n = map["indicators"], !c.isNull(n), let items = c.sequence(n, "`indicators`") { r.indicators = items.compactMap(indicator) }
        return r
    }

    func benchmark(_ node: Node, _ what: String) -> Benchmark? {
        if case .mapping = node {
            guard let m = MappingReader(node, what, keys: Keys.benchmark, context: c) else { return nil }
            guard let v = m.require("value") else { return nil }
            let value = numberOrNA(v, "The \(what) `value`")
            let date = m["date"].flatMap { c.date($0, "The \(what) `date`") }
            guard let value else { return nil }
            return Benchmark(value: value.value, date: date)
        }
        return numberOrNA(node, "The \(what)").map { Benchmark(value: $0.value, date: nil) }
    }

    /// A number or `n/a`; the outer optional is nil on error.
    func numberOrNA(_ node: Node, _ what: String) -> (value: ExactDecimal?, Void)? {
        guard let text = c.string(node, what) else { return nil }
        if ["n/a", "N/A", "na", "NA"].contains(text) || c.isNull(node) { return (nil, ()) }
        guard let d = ExactDecimal(parsing: text.trimmingCharacters(in: .whitespaces)) else {
            c.error("invalid-value", at: c.location(node), "\(what) must be a number or `n/a`, not `\(text)`.")
            return nil
        }
        return (d, ())
    }

    func indicator(_ node: Node) -> RawIndicator? {
        guard let map = MappingReader(node, "an indicator", keys: Keys.indicator, context: c) else { return nil }
        var i = RawIndicator(location: c.location(node))
        if let n = map.require("id"), let t = c.nonEmptyString(n, "An indicator `id`") { i.id = Located(t, c.location(n)) }
        i.title = map.require("title").flatMap { c.localized($0, "An indicator `title`") }
        i.unit = map["unit"].flatMap { c.localized($0, "`unit`") }
        if let n = map["source"] { i.sources = c.stringList(n, "`source`") }
        if let n = map["value"] { i.value = c.expression(n, "`value`") }
        if let n = map["reported"], let m = MappingReader(n, "`reported`", keys: [], context: c) {
            i.reported = m.entries.compactMap { entry in
                numberOrNA(entry.value, "The reported value for `\(entry.key)`").map { (Located(entry.key, c.location(entry.keyNode)), $0.value) }
            }
        }
        let idText = i.id?.value ?? "?"
        if map["value"] == nil && map["reported"] == nil {
            c.error("missing-key", at: c.location(node), "Indicator `\(idText)` needs either `value` (computed) or `reported` (entered values).")
        } else if let k = map.keyNode("reported"), map["value"] != nil {
            c.error("invalid-value", at: c.location(k), "Indicator `\(idText)` has both `value` and `reported`; keep one.",
                    hint: "`value` computes the indicator from data; `reported` enters its values by hand.")
        }
        if let n = map["by"] {
            if case .sequence(let entries) = n {
                for entry in entries {
                    let ids = c.stringList(entry, "A breakdown")
                    if !ids.isEmpty { i.by.append(ids) }
                }
            } else {
                i.by = c.stringList(n, "`by`").map { [$0] }
            }
        }
        if let n = map["cumulative"], let b = c.bool(n, "`cumulative`") { i.cumulative = b }
        if let n = map["direction"], let d = c.choice(n, "`direction`", ["increase", "decrease"]) { i.direction = Direction(rawValue: d)! }
        if let n = map["decimals"] { i.decimals = c.integer(n, "`decimals`", in: 0...18) }
        i.baseline = map["baseline"].flatMap { benchmark($0, "baseline") }
        i.target = map["target"].flatMap { benchmark($0, "target") }
        if let n = map["milestones"], let m = MappingReader(n, "`milestones`", keys: [], context: c) {
            i.milestones = m.entries.compactMap { entry in
                c.decimal(entry.value, "The milestone for `\(entry.key)`").map { (Located(entry.key, c.location(entry.keyNode)), $0) }
            }
        }
        if let n = map["sdg"] { i.sdg = c.stringList(n, "`sdg`").map(\.value) }
        i.meansOfVerification = map["means_of_verification"].flatMap { c.localized($0, "`means_of_verification`") }
        i.assumptions = map["assumptions"].flatMap { c.localized($0, "`assumptions`") }
        i.definition = map["definition"].flatMap { c.localized($0, "`definition`") }
        i.minCell = privacy(map)
        return i
    }

    /// `privacy: {min_cell: N}` (docs/data-protection.md): 0 turns suppression off.
    func privacy(_ map: MappingReader) -> Int? {
        guard let n = map["privacy"], let m = MappingReader(n, "`privacy`", keys: Keys.privacy, context: c) else { return nil }
        return m.require("min_cell").flatMap { c.integer($0, "`privacy.min_cell`", in: 0...1000) }
    }
}
