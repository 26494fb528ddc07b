import LogframeCore
import LogframeDefinitions
import LogframeExpressions

/// What is counted, in one place: built once from the resolved definitions, before any record
/// is read. Every rule that decides whether and where a record counts lives here or in the
/// types it holds:
///
/// - which indicators own which aggregates, with `$ID` references inlined (`EnginePlan`,
///   Plan.swift): a derived indicator accumulates the aggregates of the indicators it names
///   with its own breakdowns;
/// - per source (`SourcePlan`): the aggregates reading it, their bound filters and arguments
///   (bound once by the loader and shared where written alike), their breakdowns, and the
///   dimensions those need;
/// - the period bucket of a record (`SourcePlan.admit`): its period by date, the undated
///   bucket for a source without dates, nothing after the as-of date or outside the programme;
/// - whether a record counts for an aggregate (`SourcePlan.matches`): its `where` filter.
///
/// The executor (Engine.swift, RowAccumulator.swift, FineGroups.swift) runs the plan over the
/// records into `CellTotals`; `Figures` (Finalize.swift) turns those into figures. `explain
/// --rows` lists records with the same `admit` and `matches`.
public struct CountingPlan {
    let definitions: Definitions
    let asOf: CivilDate
    /// Indicators and aggregates, `$ID`s inlined.
    let formulas: EnginePlan
    /// One per source of the definitions, in their order.
    let sources: [SourcePlan]
    let periods: [Period]
    /// Periods up to the one containing the as-of date.
    let reportedPeriodCount: Int
    /// Buckets: one per period, then the undated bucket.
    var bucketCount: Int { periods.count + 1 }
    var undatedBucket: Int { periods.count }

    public init(definitions: Definitions, asOf: CivilDate) {
        self.definitions = definitions
        self.asOf = asOf
        formulas = EnginePlan(definitions: definitions)
        periods = definitions.programme.periods
        reportedPeriodCount = periods.prefix { $0.start <= asOf }.count
        let table = BucketTable(periods: periods)
        let formulas = self.formulas
        sources = definitions.sources.map {
            SourcePlan(source: $0, formulas: formulas, definitions: definitions, bucketOfDay: table,
                       bucketCount: definitions.programme.periods.count + 1, asOf: asOf)
        }
    }

    public func source(_ id: String) -> SourcePlan? { sources.first { $0.source.id == id } }

    /// The index of an indicator (its position in the definitions).
    public func indicatorIndex(_ id: String) -> Int? { formulas.indicators.firstIndex { $0.definition.id == id } }

    /// The sources an indicator's value reads, its `$ID`s' sources included, in the order met.
    public func sources(ofIndicator index: Int) -> [String] { formulas.indicators[index].sources }

    /// The categories declared for a dimension by the field's `in:` list (or boolean type) in
    /// the given sources, or by its bands; a condition (`age < 18`) declares both answers.
    func declaredCategories(_ dimension: DimensionDefinition, sources: [String]) -> [String] {
        switch dimension.kind {
        case .field(let name):
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            let field: FieldDefinition?
            if parts.count == 2, let parent = definitions.source(parts[0]) {
                field = parent.fields.first { $0.id == parts[1] }
            } else {
                field = nil
            }
            var keys: [String] = []
            let fields = field.map { [$0] } ?? sources.compactMap { definitions.source($0)?.fields.first { $0.id == name } }
            for field in fields {
                let declared = field.allowed.map { $0.compactMap(DimensionCategories.key(of:)) } ?? (field.type == .boolean ? ["true", "false"] : [])
                for key in declared where !keys.contains(key) { keys.append(key) }
            }
            return keys
        case .bands:
            return []
        case .expression:
            let isCondition = sources.contains { dimension.boundExpression[$0]?.type == .boolean }
            return isCondition ? ["true", "false"] : []
        }
    }
}

/// One aggregate as seen by one source's records.
struct PlannedAggregate {
    /// Index into `EnginePlan.aggregates` (and into `CellTotals.cells`).
    let index: Int
    let function: AggregateFunction
    /// Indicators counting a record this aggregate matches (`rowsMatched`).
    let owners: [Int]
    /// Whether the aggregate reads this one source only (not a union of several).
    let singleSource: Bool
    /// Index into the source's distinct filters (identical filters are evaluated once per row).
    let filter: Int?
    /// Index into the source's distinct argument lists (evaluated once per row).
    let arguments: Int?
    /// Dimension indices per breakdown; breakdown 0 is the total.
    let breakdowns: [[Int]]
}

/// How a record's category on one dimension is found.
enum DimensionReader {
    case field(slot: Int)
    /// `categories[i]` is the category number of band i, resolved once per category table.
    case bands(slot: Int, bounds: [ExactDecimal], categories: [Int32])
    case expression(RowExpression)
    case unavailable
}

/// What counts in one source: its aggregates with their bound filters and arguments, the
/// dimensions they break down by, and where a record's date and period are.
public struct SourcePlan {
    public let source: SourceDefinition
    var aggregates: [PlannedAggregate] = []
    /// Distinct filters of the aggregates (written alike = evaluated once per record).
    var filters: [RowExpression] = []
    /// The same filters flattened where they are conjunctions of field tests (else nil).
    var flatFilters: [FlatCondition?] = []
    /// Distinct argument lists (distinct tuples and numeric inputs apart even for the same text).
    var argumentLists: [[RowExpression]] = []
    /// The dimensions any aggregate breaks down by, ascending.
    var neededDimensions: [Int] = []
    var dimensionCount: Int
    /// Per dimension of the definitions, how this source's records give its category (band
    /// categories not yet numbered: see `readers(numberedBy:)`).
    private var dimensionReaders: [DimensionReader] = []
    private let bandKeys: [[String]]
    var dateSlot: Int?
    var bucketOfDay: BucketTable
    /// Buckets: one per period, then the undated bucket.
    var bucketCount: Int
    var asOf: CivilDate
    var indicatorCount: Int

    init(source: SourceDefinition, formulas: EnginePlan, definitions: Definitions, bucketOfDay: BucketTable,
         bucketCount: Int, asOf: CivilDate) {
        self.source = source
        self.bucketOfDay = bucketOfDay
        self.bucketCount = bucketCount
        self.asOf = asOf
        dimensionCount = definitions.dimensions.count
        indicatorCount = formulas.indicators.count
        dateSlot = source.dateField.flatMap { source.scope.field(named: $0)?.slot }
        bandKeys = definitions.dimensions.map { $0.labels.map(\.key) }
        var filterIndex: [Syntax: Int] = [:]
        var argumentIndex: [[Syntax]: Int] = [:]
        for (index, aggregate) in formulas.aggregates.enumerated() where aggregate.sources.contains(source.id) {
            // The loader bound every call against every source of its indicator and stops on
            // any error, so a call is missing only from definitions built by hand.
            let (indicator, call) = aggregate.writtenIn
            guard let bound = definitions.indicators[indicator].boundCalls[source.id]?[call] else { continue }
            var filter: Int? = nil
            if let syntax = aggregate.call.filter, let expression = bound.filter {
                let key = syntax.withoutRanges
                if let existing = filterIndex[key] {
                    filter = existing
                } else {
                    filter = filters.count
                    filterIndex[key] = filters.count
                    filters.append(expression)
                }
            }
            var arguments: Int? = nil
            if !aggregate.call.arguments.isEmpty {
                let key = aggregate.call.arguments.map(\.withoutRanges) + [Syntax(.literal(.bool(aggregate.function == .distinct)), range: 0..<0)]
                if let existing = argumentIndex[key] {
                    arguments = existing
                } else {
                    arguments = argumentLists.count
                    argumentIndex[key] = argumentLists.count
                    argumentLists.append(bound.arguments)
                }
            }
            aggregates.append(PlannedAggregate(index: index, function: aggregate.function, owners: aggregate.owners,
                                               singleSource: aggregate.sources.count == 1, filter: filter,
                                               arguments: arguments, breakdowns: aggregate.breakdowns))
        }
        flatFilters = filters.map { FlatCondition($0) }
        neededDimensions = Array(Set(aggregates.flatMap { $0.breakdowns.flatMap { $0 } })).sorted()
        dimensionReaders = definitions.dimensions.map { dimension in
            switch dimension.kind {
            case .field(let name):
                guard let field = source.scope.field(named: name) else { return .unavailable }
                return .field(slot: field.slot)
            case .bands(let name, let bounds):
                guard let field = source.scope.field(named: name) else { return .unavailable }
                return .bands(slot: field.slot, bounds: bounds, categories: [])
            case .expression:
                return dimension.boundExpression[source.id].map { .expression($0) } ?? .unavailable
            }
        }
    }

    /// The row slots the pass reads: the date, and every field a filter, an argument or a
    /// needed dimension refers to (the reader may leave the others undecoded).
    var slotsRead: Set<Int> {
        var slots: Set<Int> = []
        if let dateSlot { slots.insert(dateSlot) }
        for filter in filters { slots.formUnion(filter.slots) }
        for list in argumentLists { for argument in list { slots.formUnion(argument.slots) } }
        for dimension in neededDimensions {
            switch dimensionReaders[dimension] {
            case .field(let slot), .bands(let slot, _, _): slots.insert(slot)
            case .expression(let expression): slots.formUnion(expression.slots)
            case .unavailable: break
            }
        }
        return slots
    }

    /// Whether the source's records have a date (else they all fall in the undated bucket).
    public var isDated: Bool { dateSlot != nil }

    /// Bucket of a record that is not counted because it is dated after the as-of date.
    static let afterAsOf = -2
    /// Bucket of a record that is not counted because its date is in no programme period.
    static let outsidePeriods = -1

    /// The bucket a record counts in: its period, or the undated bucket for a source without
    /// dates; `afterAsOf` or `outsidePeriods` when it counts nowhere.
    func bucket(of row: [Value]) -> Int {
        SourcePlan.bucket(of: row, dateSlot: dateSlot, asOf: asOf, table: bucketOfDay, undated: bucketCount - 1)
    }

    /// `bucket(of:)` from its parts, for the row loop (which keeps them in its own fields).
    @inline(__always)
    static func bucket(of row: [Value], dateSlot: Int?, asOf: CivilDate, table: BucketTable, undated: Int) -> Int {
        guard let dateSlot else { return undated }
        guard case .date(let date) = row[dateSlot] else { return outsidePeriods }
        if date > asOf { return afterAsOf }
        return table.bucket(of: date) ?? outsidePeriods
    }

    /// The bucket (period index; the number of periods for undated records) an accepted record
    /// counts in, or nil when it counts in none.
    public func admit(_ row: [Value]) -> Int? {
        let bucket = bucket(of: row)
        return bucket >= 0 ? bucket : nil
    }

    /// The aggregates (indices into this plan) whose values an indicator's figures use.
    public func aggregates(ownedBy indicator: Int) -> [Int] {
        aggregates.indices.filter { aggregates[$0].owners.contains(indicator) }
    }

    /// Whether a record passes aggregate `a`'s filter (no filter: every record).
    public func matches(_ row: [Value], aggregate a: Int) -> Bool {
        guard let f = aggregates[a].filter else { return true }
        return matches(row, filter: f)
    }

    @inline(__always)
    func matches(_ row: [Value], filter f: Int) -> Bool {
        if let flat = flatFilters[f] { return flat.matches(row) }
        return filters[f].matches(row)
    }

    /// The dimension readers with band categories numbered in `categories` (one table per
    /// dimension; numbering a band registers its key there).
    func readers(numberedBy categories: [DimensionCategories]) -> [DimensionReader] {
        dimensionReaders.enumerated().map { index, reader in
            guard case .bands(let slot, let bounds, _) = reader else { return reader }
            // The loader names every band (DimensionBands.keys) and lists them in `labels`.
            return .bands(slot: slot, bounds: bounds, categories: bandKeys[index].map { categories[index].index(of: $0) })
        }
    }
}

/// Maps a date to its period's bucket by a table over the programme's days.
struct BucketTable {
    let firstDay: Int32
    let buckets: [Int32]

    init(periods: [Period]) {
        guard let first = periods.first, let last = periods.last else {
            firstDay = 0
            buckets = []
            return
        }
        firstDay = first.start.daysSinceEpoch
        var table = Array(repeating: Int32(-1), count: Int(last.end.daysSinceEpoch - firstDay) + 1)
        for (index, period) in periods.enumerated() {
            for day in period.start.daysSinceEpoch...period.end.daysSinceEpoch {
                table[Int(day - firstDay)] = Int32(index)
            }
        }
        buckets = table
    }

    @inline(__always)
    func bucket(of date: CivilDate) -> Int? {
        let offset = Int(date.daysSinceEpoch - firstDay)
        guard offset >= 0, offset < buckets.count, buckets[offset] >= 0 else { return nil }
        return Int(buckets[offset])
    }
}
