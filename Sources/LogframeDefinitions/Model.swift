import LogframeCore
import LogframeExpressions

// The resolved definitions model: validated, with defaults applied, expressions parsed and bound.
// Every later stage reads only these types. The raw, as-written YAML shapes stay private to the
// loader (RawModel.swift).

/// Text a reader sees, in one or more languages (`{en: ..., az: ...}`), or one plain string.
public struct LocalizedText: Sendable, Hashable {
    /// Language code -> text, NFC-normalised. A plain string is stored under "".
    public var values: [String: String]

    public init(_ plain: String) { values = ["": plain] }
    public init(values: [String: String]) { self.values = values }

    /// The text in `language`, else English, else the plain string, else any (sorted by code).
    public func text(_ language: String = "en") -> String {
        values[language] ?? values["en"] ?? values[""] ?? values.sorted { $0.key < $1.key }.first?.value ?? ""
    }
}

public struct Definitions: Sendable {
    /// Path of the definitions file as given on the command line.
    public var file: String
    /// Directory against which source paths are resolved.
    public var baseDirectory: String
    /// Paths outside the project folder that sources may read (`--allow-outside`; see
    /// `PathPolicy` in LogframeData). Definitions read from a file (`DefinitionsLoader`) start
    /// with `[]`: their sources are confined to the project folder. nil (definitions built in
    /// code, as in tests) confines nothing.
    public var allowOutside: [String]? = nil
    /// The longest cell (in bytes) a source may have; a longer one is a `cell-too-large` error
    /// (`--max-cell-bytes` sets it).
    public var maxCellBytes = Definitions.defaultMaxCellBytes
    public static let defaultMaxCellBytes = 1 << 20
    public var programme: Programme
    public var sources: [SourceDefinition]
    public var dimensions: [DimensionDefinition]
    /// The results chain, flattened in document (pre-)order; `parent` links the tree.
    public var results: [ResultDefinition]
    /// Every indicator, in document order.
    public var indicators: [IndicatorDefinition]
    /// The `exports.iati` publisher details, when the definitions give them.
    public var iati: IATIPublisher?

    /// The same definitions with no field treated as personal: `--show-personal`, on a local
    /// terminal, shows the values in diagnostics and listings (docs/data-protection.md).
    public func revealingPersonalValues() -> Definitions {
        var copy = self
        for s in copy.sources.indices {
            for f in copy.sources[s].fields.indices { copy.sources[s].fields[f].personal = false }
        }
        return copy
    }

    public init(file: String, baseDirectory: String, programme: Programme, sources: [SourceDefinition],
                dimensions: [DimensionDefinition], results: [ResultDefinition], indicators: [IndicatorDefinition]) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.programme = programme
        self.sources = sources
        self.dimensions = dimensions
        self.results = results
        self.indicators = indicators
    }

    public func source(_ id: String) -> SourceDefinition? { sources.first { $0.id == id } }
    public func dimension(_ id: String) -> DimensionDefinition? { dimensions.first { $0.id == id } }

    /// The longest chain of `$ID` references an indicator may start: the loader refuses longer
    /// ones (`indicator-references-too-deep`), and the engine, which inlines each referenced
    /// formula, relies on it.
    public static let maxReferenceDepth = 30
}

public struct Programme: Sendable {
    public var id: String
    public var title: LocalizedText
    public var donor: String?
    public var implementer: String?
    public var country: String?
    public var start: CivilDate
    public var end: CivilDate
    public var currency: String?
    public var budgetTotal: ExactDecimal?
    public var budgetDonor: ExactDecimal?
    /// The reporting periods, cut from start..end (first and last may be partial).
    public var periods: [Period]
    /// Month (1-12) in which a (fiscal) year starts.
    public var yearStarts: Int
    public var onTrackThreshold: ExactDecimal   // default 0.85
    public var atRiskThreshold: ExactDecimal    // default 0.5
    /// `status.tolerance`: when set, status is judged by the IPTT rule (on track within this
    /// share of the expected value, off track below it) instead of the two thresholds.
    public var statusTolerance: ExactDecimal?
    /// How `periods` cut the programme; nil for a written list of periods.
    public var periodKind: PeriodKind?
    /// Where `periods` is written (else the programme), for diagnostics about the calendar.
    public var periodsLocation: SourceLocation?
    /// `privacy.min_cell` of the programme: counts and distinct counts from 1 to `minCell - 1`
    /// are suppressed in every report (docs/data-protection.md). Nil or below 2: no suppression.
    public var minCell: Int?

    public init(id: String, title: LocalizedText, donor: String?, implementer: String?, country: String?,
                start: CivilDate, end: CivilDate, currency: String?, budgetTotal: ExactDecimal?, budgetDonor: ExactDecimal?,
                periods: [Period], yearStarts: Int, onTrackThreshold: ExactDecimal, atRiskThreshold: ExactDecimal,
                statusTolerance: ExactDecimal? = nil, periodsLocation: SourceLocation? = nil, periodKind: PeriodKind? = nil) {
        self.id = id; self.title = title; self.donor = donor; self.implementer = implementer; self.country = country
        self.start = start; self.end = end; self.currency = currency; self.budgetTotal = budgetTotal
        self.budgetDonor = budgetDonor; self.periods = periods; self.yearStarts = yearStarts
        self.onTrackThreshold = onTrackThreshold; self.atRiskThreshold = atRiskThreshold
        self.statusTolerance = statusTolerance
        self.periodKind = periodKind
        self.periodsLocation = periodsLocation
    }

    /// The (fiscal) year id, e.g. "2021", containing a date.
    public func yearId(of date: CivilDate) -> String {
        let (y, m, _) = date.components
        return String(m >= yearStarts ? y : y - 1)
    }

    /// The date a period id or a (fiscal) year id ends on (a milestone's or reported value's
    /// date); nil for an id that is neither.
    public func endDate(ofPeriodOrYear id: String) -> CivilDate? {
        periods.first { $0.id == id }?.end ?? endOfYear(id)
    }

    /// Last day of the (fiscal) year with this id, clipped to the programme end.
    public func endOfYear(_ yearId: String) -> CivilDate? {
        guard let y = Int(yearId), let start = CivilDate(year: y, month: yearStarts, day: 1) else { return nil }
        return min(start.adding(months: 12).adding(days: -1), end)
    }
}

/// A reporting period: `2021-Q1`, `2021-S2`, `2021-M03`, `2021`, or a custom id.
public struct Period: Sendable, Hashable {
    public var id: String
    public var start: CivilDate
    public var end: CivilDate
    public init(id: String, start: CivilDate, end: CivilDate) {
        self.id = id
        self.start = start
        self.end = end
    }
}

// MARK: - Sources

public struct SourceDefinition: Sendable {
    public enum Format: String, Sendable { case csv, xml }

    public var id: String
    /// `path` as written (a file or a glob), relative to the definitions file.
    public var path: String
    public var format: Format
    /// CSV delimiter byte; nil = detect among `,` `;` tab `|`.
    public var delimiter: UInt8?
    /// Field ids forming the unique key; empty = no key.
    public var key: [String]
    /// Field id whose date places a record in a period; nil = undated source.
    public var dateField: String?
    /// XML: path of local element names of a record, e.g. `/meetings/meeting`.
    public var record: String?
    public var fields: [FieldDefinition]
    public var rules: [RuleDefinition]
    public var parent: ParentLink?
    /// Slot layout of this source's rows (own fields, then parent fields); see `RowScope`.
    public var scope: RowScope
    public var location: SourceLocation
    /// CSV: the physical line (1-based, as a text editor numbers lines) on which the header row
    /// starts; the lines above it are skipped. Nil: the first non-blank line.
    public var headerRow: Int?
    /// `table:` the database table (or `schema.table`) holding this source's rows for
    /// `logframe sql`; nil = a table named as the source id. Ignored by the local reader.
    public var table: String?

    public init(id: String, path: String, format: Format, delimiter: UInt8?, key: [String], dateField: String?,
                record: String?, fields: [FieldDefinition], rules: [RuleDefinition], parent: ParentLink?,
                scope: RowScope, location: SourceLocation, headerRow: Int? = nil, table: String? = nil) {
        self.table = table
        self.id = id; self.path = path; self.format = format; self.delimiter = delimiter; self.key = key
        self.dateField = dateField; self.record = record; self.fields = fields; self.rules = rules
        self.parent = parent; self.scope = scope; self.location = location; self.headerRow = headerRow
    }

    /// The date field is a parent field joined to each row (`date: households.survey_date`), not
    /// one of the source's own fields.
    public var isDatedByParent: Bool {
        guard let dateField else { return false }
        return fieldIndex(dateField) == nil && scope.field(named: dateField) != nil
    }

    public func fieldIndex(_ id: String) -> Int? { fields.firstIndex { $0.id == id } }

    /// A field of the unique key holds personal values: a duplicate key is named by its length
    /// only, wherever it is reported (docs/data-protection.md).
    public var hasPersonalKey: Bool {
        key.contains { id in fields.first { $0.id == id }?.personal == true }
    }
}

public struct ParentLink: Sendable {
    /// The parent source's id.
    public var source: String
    /// Field of this (child) source holding the parent's key.
    public var key: String
    public init(source: String, key: String) {
        self.source = source
        self.key = key
    }
}

public struct FieldDefinition: Sendable {
    public var id: String
    /// CSV column header (defaults to the id).
    public var column: String
    /// XML path relative to the record (defaults to the id), e.g. `@id`, `meta/instanceID`.
    public var xmlPath: String
    public var type: ValueType
    /// For `date` fields; ISO (`yyyy-MM-dd`) by default.
    public var dateFormat: CivilDate.Format
    public var required: Bool
    /// `in:` allowed values, converted to the field's type (NFC text), in the order written.
    public var allowed: [Value]?
    public var min: ExactDecimal?
    public var max: ExactDecimal?
    /// `pattern:` a regular expression the whole text value must match.
    public var pattern: String?
    public var location: SourceLocation
    /// CSV: how the column is found in the header (by name, by HXL hashtag, or by position).
    public var selector: ColumnSelector
    /// `integer` and `number` fields: thousands separator and decimal mark of the data (field
    /// keys over source keys); nil: plain digits with a point for decimals.
    public var numberFormat: NumberFormat?
    /// Cell texts read as "no value" (null), besides the empty cell (`missing:`, the field's
    /// list over the source's), NFC, trimmed of spaces, compared exactly.
    public var missing: [String]
    /// A personal value (a name, a phone number, a national id, a free-text note, the person
    /// key of a `distinct`): never printed in a report, a diagnostic or an explain listing
    /// (docs/data-protection.md).
    public var personal = false

    public init(id: String, column: String, xmlPath: String, type: ValueType, dateFormat: CivilDate.Format = .iso,
                required: Bool = false, allowed: [Value]? = nil, min: ExactDecimal? = nil, max: ExactDecimal? = nil,
                pattern: String? = nil, location: SourceLocation, selector: ColumnSelector? = nil,
                numberFormat: NumberFormat? = nil, missing: [String] = []) {
        self.id = id; self.column = column; self.xmlPath = xmlPath; self.type = type; self.dateFormat = dateFormat
        self.required = required; self.allowed = allowed; self.min = min; self.max = max; self.pattern = pattern
        self.location = location; self.selector = selector ?? .name(column)
        self.numberFormat = numberFormat; self.missing = missing
    }
}

/// How a CSV field's column is found in the header.
public enum ColumnSelector: Sendable, Hashable {
    /// The header label (exact, then ignoring letter case).
    case name(String)
    /// An HXL hashtag with attributes, from the hashtag row under the header: `#targeted+total`.
    case hashtag(HXLTag)
    /// The column's number, counting from 1 at the left (`position: 21`), for repeated labels.
    case position(Int)
}

/// An HXL hashtag (`#adm1+code`): a tag name and a set of attributes, lowercase, spaces removed.
public struct HXLTag: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var attributes: Set<String>

    /// Parses `#tag+attr+attr` (letters, digits and `_`, spaces ignored, any letter case); nil
    /// for anything else.
    public init?(_ text: String) {
        let compact = String(text.unicodeScalars.filter { $0 != " " && $0 != "\t" }).lowercased()
        guard compact.hasPrefix("#") else { return nil }
        let parts = compact.dropFirst().split(separator: "+", omittingEmptySubsequences: false)
        func valid(_ part: Substring) -> Bool {
            guard let first = part.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            return part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }
        guard let head = parts.first, valid(head), parts.dropFirst().allSatisfy(valid) else { return nil }
        name = String(head)
        attributes = Set(parts.dropFirst().map(String.init))
    }

    /// `#name+a+b`, attributes sorted.
    public var description: String { "#" + ([name] + attributes.sorted()).joined(separator: "+") }

    /// HXL matching: the same tag name, and at least this tag's attributes (`#affected` matches
    /// `#affected+total`).
    public func matches(_ column: HXLTag) -> Bool { name == column.name && attributes.isSubset(of: column.attributes) }
}

/// How numbers are written in a source's cells: `80 418`, `1.234,5`, `1,234.5`.
public struct NumberFormat: Sendable, Hashable {
    public enum Separator: String, Sendable, Hashable, CaseIterable {
        /// A space, a no-break space (U+00A0) or a narrow no-break space (U+202F).
        case space, comma, dot, apostrophe
    }
    public enum Mark: String, Sendable, Hashable { case dot, comma }

    /// Nil: no thousands separator.
    public var thousands: Separator?
    public var decimal: Mark

    public init(thousands: Separator?, decimal: Mark) {
        self.thousands = thousands
        self.decimal = decimal
    }

    /// The character as shown to a user: `" "`, `,`, `.`, `'`.
    public static func symbol(_ separator: Separator) -> String {
        switch separator {
        case .space: return " "
        case .comma: return ","
        case .dot: return "."
        case .apostrophe: return "'"
        }
    }

    public static func symbol(_ mark: Mark) -> String { mark == .dot ? "." : "," }

    /// `1 234 567,5` written in this format.
    public var example: String {
        let t = thousands.map(NumberFormat.symbol) ?? ""
        return "1\(t)234\(t)567\(NumberFormat.symbol(decimal))5"
    }
}

public struct RuleDefinition: Sendable {
    public var check: Syntax
    /// Bound against the source's `scope`; evaluates to boolean. A row fails when it is false
    /// (null counts as passing: a rule says nothing about a value that is not recorded).
    public var bound: RowExpression
    public var severity: Diagnostic.Severity
    public var message: String
    public var location: SourceLocation

    public init(check: Syntax, bound: RowExpression, severity: Diagnostic.Severity, message: String, location: SourceLocation) {
        self.check = check; self.bound = bound; self.severity = severity; self.message = message; self.location = location
    }
}

// MARK: - Dimensions

public struct DimensionDefinition: Sendable {
    public enum Kind: Sendable {
        /// Categories are the field's values (declared `in:` order first, then seen values sorted).
        case field(String)
        /// Numeric bands by lower bounds: `[18, 25, 60]` -> `<18`, `18-24`, `25-59`, `60+`.
        case bands(field: String, bounds: [ExactDecimal])
        /// A row expression; categories are its values.
        case expression(Syntax)
    }

    public var id: String
    public var kind: Kind
    /// Category key (the value as text: `F`, `true`, `18-24`) -> label, in display order.
    /// For bands the keys are the generated band names, in band order, always present.
    public var labels: [(key: String, label: LocalizedText)]
    public var location: SourceLocation
    /// The breakdown's name in reports (`title: {en: Sex, az: Cins}`); nil: reports show the id.
    public var title: LocalizedText?
    /// For an `expr` dimension: the expression bound against each source (by id) whose fields
    /// it can be read from, bound once by the loader. A source missing here has no category
    /// for the dimension (its records are "not recorded").
    public var boundExpression: [String: RowExpression] = [:]

    public init(id: String, kind: Kind, labels: [(key: String, label: LocalizedText)], location: SourceLocation, title: LocalizedText? = nil) {
        self.id = id; self.kind = kind; self.labels = labels; self.location = location; self.title = title
    }
}

// MARK: - Results and indicators

public enum ResultLevel: String, Sendable, CaseIterable {
    case impact, outcome, output, activity
}

public struct ResultDefinition: Sendable {
    public var id: String
    public var level: ResultLevel
    public var title: LocalizedText
    public var parent: String?
    public var location: SourceLocation

    public init(id: String, level: ResultLevel, title: LocalizedText, parent: String?, location: SourceLocation) {
        self.id = id; self.level = level; self.title = title; self.parent = parent; self.location = location
    }
}

public enum Direction: String, Sendable { case increase, decrease }

/// A baseline or a target: a value (nil = "n/a") at an optional date.
public struct Benchmark: Sendable, Hashable {
    public var value: ExactDecimal?
    public var date: CivilDate?
    public init(value: ExactDecimal?, date: CivilDate?) {
        self.value = value
        self.date = date
    }
}

/// One aggregate call of an indicator's `value`, bound against one of the indicator's sources:
/// the bound form of `AggregateCall` (same order as `ValueFormula.aggregates`).
public struct BoundAggregateCall: Sendable {
    public var arguments: [RowExpression]
    /// The `where` filter, a boolean (or null) expression.
    public var filter: RowExpression?
    public init(arguments: [RowExpression], filter: RowExpression?) {
        self.arguments = arguments; self.filter = filter
    }
}

public struct IndicatorDefinition: Sendable {
    public enum Computation: Sendable {
        /// A computed indicator; `sources` lists the source ids whose records it aggregates
        /// (a union when several). `$ID` references remain as `Formula.indicator` nodes;
        /// the loader has checked they exist and form no cycle.
        case computed(formula: ValueFormula, sources: [String])
        /// Values entered by hand, by period id or (fiscal) year id, in the order written.
        case reported([(periodOrYear: String, value: ExactDecimal?)])
    }

    public var id: String
    public var result: String
    public var title: LocalizedText
    public var unit: LocalizedText?
    public var computation: Computation
    /// The written `value:` text, for reports and `explain`.
    public var expressionText: String?
    /// Breakdowns: each entry is one dimension id or several (a cross-tab).
    public var breakdowns: [[String]]
    public var cumulative: Bool
    public var direction: Direction
    public var decimals: Int?
    public var baseline: Benchmark?
    public var target: Benchmark?
    /// Period or year id -> target at its end, in the order written.
    public var milestones: [(id: String, value: ExactDecimal)]
    public var sdg: [String]
    public var meansOfVerification: LocalizedText?
    public var assumptions: LocalizedText?
    public var definition: LocalizedText?
    public var location: SourceLocation
    /// A computed indicator's aggregate calls bound once by the loader, per source id (one
    /// entry per call of `ValueFormula.aggregates`). The engine and `explain` read these and
    /// never bind again.
    public var boundCalls: [String: [BoundAggregateCall]] = [:]
    /// The small-cell threshold in force for this indicator: its own `privacy.min_cell`, else
    /// the programme's; nil (or below 2) when nothing is suppressed.
    public var minCell: Int?

    public init(id: String, result: String, title: LocalizedText, unit: LocalizedText?, computation: Computation,
                expressionText: String?, breakdowns: [[String]], cumulative: Bool, direction: Direction, decimals: Int?,
                baseline: Benchmark?, target: Benchmark?, milestones: [(id: String, value: ExactDecimal)], sdg: [String],
                meansOfVerification: LocalizedText?, assumptions: LocalizedText?, definition: LocalizedText?,
                location: SourceLocation) {
        self.id = id; self.result = result; self.title = title; self.unit = unit; self.computation = computation
        self.expressionText = expressionText; self.breakdowns = breakdowns; self.cumulative = cumulative
        self.direction = direction; self.decimals = decimals; self.baseline = baseline; self.target = target
        self.milestones = milestones; self.sdg = sdg; self.meansOfVerification = meansOfVerification
        self.assumptions = assumptions; self.definition = definition; self.location = location
    }
}
