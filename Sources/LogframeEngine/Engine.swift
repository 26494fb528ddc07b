import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeExpressions

/// Computes every indicator for every reporting period and breakdown cell in one pass per source.
///
/// ```swift
/// let result = Engine.run(definitions: definitions, asOf: CivilDate(iso: "2021-12-31")!)
/// ```
public enum Engine {
    /// - Parameters:
    ///   - asOf: records dated after it are left out; periods after the one containing it are not reported.
    ///   - progress: called with a short description as each source starts (for a progress line).
    public static func run(definitions: Definitions, asOf: CivilDate, progress: ((String) -> Void)? = nil) -> EngineResult {
        run(definitions: definitions, asOf: asOf, options: EngineOptions(), progress: progress)
    }

    public static func run(definitions: Definitions, asOf: CivilDate, options: EngineOptions,
                           progress: ((String) -> Void)? = nil) -> EngineResult {
        var pass = Pass(definitions: definitions, asOf: asOf, options: options)
        for source in definitions.sources {
            progress?("reading \(source.id)")
            pass.read(source)
        }
        return pass.finish()
    }
}

/// How the pass runs; the figures never depend on it.
public struct EngineOptions: Sendable {
    /// Update every breakdown cell row by row instead of through fine groups (FineGroups.swift).
    /// The general path; tests use it to check that both paths give the same figures.
    public var rowByRowCells = false
    public init(rowByRowCells: Bool = false) { self.rowByRowCells = rowByRowCells }
}

/// A bound aggregate as seen by one source's rows.
private final class BoundAggregate {
    let function: AggregateFunction
    let owners: [Int]
    /// Whether the aggregate reads this one source only (not a union of several).
    let singleSource: Bool
    /// Index into the source's distinct filters (identical filters are evaluated once per row).
    let filter: Int?
    /// Index into the source's distinct argument lists (evaluated once per row).
    let arguments: Int?
    let accumulators: [BreakdownAccumulator]

    init(function: AggregateFunction, owners: [Int], singleSource: Bool, filter: Int?, arguments: Int?, accumulators: [BreakdownAccumulator]) {
        self.function = function
        self.owners = owners
        self.singleSource = singleSource
        self.filter = filter
        self.arguments = arguments
        self.accumulators = accumulators
    }
}

/// What the aggregates of one source need per row, deduplicated by their written form.
private struct SourceBinding {
    var aggregates: [BoundAggregate] = []
    var filters: [RowExpression] = []
    var argumentLists: [[RowExpression]] = []
}

private enum DimensionReader {
    case field(slot: Int)
    /// `categories[i]` is the category number of band i, resolved once per source.
    case bands(slot: Int, bounds: [ExactDecimal], categories: [Int32])
    case expression(RowExpression)
    case unavailable
}

struct Pass {
    let definitions: Definitions
    let asOf: CivilDate
    let plan: EnginePlan
    let periods: [Period]
    let reportedPeriodCount: Int
    var undatedBucket: Int { periods.count }
    let categories: [DimensionCategories]
    /// accumulators[aggregate][breakdown]
    var accumulators: [[BreakdownAccumulator]]
    var sourceFigures: [SourceFigures] = []
    /// First bucket holding an accepted, in-range record, per source (nil = none).
    var firstBucket: [String: Int] = [:]
    var hasUndated: [String: Bool] = [:]
    /// rowsMatched[indicator][source]
    var rowsMatched: [[String: Int]]
    var log = DiagnosticLog()
    var tupleIds: [Value: Int32] = [:]
    var multiTupleIds: [[Value]: Int32] = [:]

    let options: EngineOptions

    init(definitions: Definitions, asOf: CivilDate, options: EngineOptions = EngineOptions()) {
        self.definitions = definitions
        self.asOf = asOf
        self.options = options
        plan = EnginePlan(definitions: definitions)
        periods = definitions.programme.periods
        reportedPeriodCount = periods.prefix { $0.start <= asOf }.count
        categories = definitions.dimensions.map { DimensionCategories(definition: $0) }
        let buckets = periods.count + 1
        accumulators = plan.aggregates.map { aggregate in
            aggregate.breakdowns.map { BreakdownAccumulator(function: aggregate.function, bucketCount: buckets, dimensions: $0) }
        }
        rowsMatched = Array(repeating: [:], count: plan.indicators.count)
        log.append(contentsOf: plan.problems)
    }

    /// Categories declared for a dimension by the field's `in:` list (or boolean type) in the
    /// given sources, or by its bands.
    static func declaredCategories(_ dimension: DimensionDefinition, _ definitions: Definitions, sources: [String]) -> [String] {
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
        case .expression(let syntax):
            // A condition (`age < 18`) always shows both answers, as a boolean field does.
            let isCondition = sources.contains { id in
                guard let source = definitions.source(id), case .success(let bound) = RowBinder.bind(syntax, in: source.scope) else { return false }
                return bound.type == .boolean
            }
            return isCondition ? ["true", "false"] : []
        }
    }

    // MARK: - Reading one source

    mutating func read(_ source: SourceDefinition) {
        let binding = bindAggregates(for: source)
        let aggregates = binding.aggregates
        let filters = binding.filters
        let argumentLists = binding.argumentLists
        let readers = definitions.dimensions.indices.map { dimensionReader($0, source) }
        let dateSlot = source.dateField.flatMap { source.scope.field(named: $0)?.slot }
        let bucketOfDay = BucketTable(periods: periods)
        let neededDimensions = Array(Set(aggregates.flatMap { $0.accumulators.flatMap(\.dimensions) })).sorted()
        let rowCategories = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, definitions.dimensions.count))
        rowCategories.initialize(repeating: 0)
        defer { rowCategories.deallocate() }
        // Per-row caches: 0 = not computed yet for this row, 1 = true, 2 = false.
        var filterState = [UInt8](repeating: 0, count: filters.count)
        // Per-row cached inputs per argument list: a number, a tuple id, or nothing (null).
        var argumentStamp = [Int](repeating: -1, count: argumentLists.count)
        var argumentNumber = [ExactDecimal?](repeating: nil, count: argumentLists.count)
        var argumentTuple = [Int32](repeating: -1, count: argumentLists.count)
        var afterAsOf = 0
        var firstBucket = Int.max
        var sawUndated = false
        var matchedStamp = Array(repeating: -1, count: plan.indicators.count)
        var matchedCount = Array(repeating: 0, count: plan.indicators.count)
        var rowNumber = 0
        // Moved out and back (not copied): `self` keeping a second reference would make the
        // first insert copy the whole table, for every source.
        var tupleIds: [Value: Int32] = [:]
        var multiTupleIds: [[Value]: Int32] = [:]
        swap(&tupleIds, &self.tupleIds)
        swap(&multiTupleIds, &self.multiTupleIds)
        var tuple: [Value] = []
        let categories = self.categories
        let bucketCount = periods.count + 1
        let fast = !options.rowByRowCells && neededDimensions.count <= 4 && bucketCount <= 64
        let groups = fast ? FineGroups(aggregateCount: aggregates.count, bucketCount: bucketCount, dimensions: neededDimensions) : nil
        let tuplesOf: [FineTuples?] = aggregates.map { fast && $0.function == .distinct ? FineTuples() : nil }

        func process(_ row: [Value]) {
            let bucket: Int
            if let dateSlot {
                guard case .date(let date) = row[dateSlot] else { return }
                if date > asOf { afterAsOf += 1; return }
                guard let b = bucketOfDay.bucket(of: date) else { return }
                bucket = b
                if b < firstBucket { firstBucket = b }
            } else {
                bucket = periods.count
                sawUndated = true
            }
            rowNumber += 1
            for dimension in neededDimensions {
                rowCategories[dimension] = Pass.category(of: row, reader: readers[dimension], categories: categories[dimension])
            }
            for i in filterState.indices { filterState[i] = 0 }
            let group = groups?.group(for: rowCategories) ?? 0
            for a in 0..<aggregates.count {
                let aggregate = aggregates[a]
                if let f = aggregate.filter {
                    if filterState[f] == 0 {
                        filterState[f] = filters[f].matches(row) ? 1 : 2
                    }
                    if filterState[f] == 2 { continue }
                }
                for owner in aggregate.owners where matchedStamp[owner] != rowNumber {
                    matchedStamp[owner] = rowNumber
                    matchedCount[owner] += 1
                }
                // Compute the input once per row, then update every cell it belongs to.
                var input: ExactDecimal? = nil
                var tupleId: Int32 = -1
                if let a = aggregate.arguments {
                    if argumentStamp[a] != rowNumber {
                        argumentStamp[a] = rowNumber
                        let arguments = argumentLists[a]
                        if aggregate.function == .distinct {
                            argumentTuple[a] = -1
                            if arguments.count == 1 {
                                let value = arguments[0].evaluate(row)
                                if !value.isNull {
                                    if let id = tupleIds[value] {
                                        argumentTuple[a] = id
                                    } else {
                                        let id = Int32(tupleIds.count + multiTupleIds.count)
                                        tupleIds[value] = id
                                        argumentTuple[a] = id
                                    }
                                }
                            } else {
                                tuple.removeAll(keepingCapacity: true)
                                var hasNull = false
                                for argument in arguments {
                                    let value = argument.evaluate(row)
                                    if value.isNull { hasNull = true; break }
                                    tuple.append(value)
                                }
                                if !hasNull {
                                    if let id = multiTupleIds[tuple] {
                                        argumentTuple[a] = id
                                    } else {
                                        let id = Int32(tupleIds.count + multiTupleIds.count)
                                        multiTupleIds[tuple] = id
                                        argumentTuple[a] = id
                                    }
                                }
                            }
                        } else if case .number(let n) = arguments[0].evaluate(row) {
                            argumentNumber[a] = n
                        } else {
                            argumentNumber[a] = nil
                        }
                    }
                    input = argumentNumber[a]
                    tupleId = argumentTuple[a]
                }
                if let groups {
                    let slot = groups.slot(group: group, aggregate: a, bucket: bucket)
                    groups.matched[slot] += 1
                    switch aggregate.function {
                    case .count:
                        break
                    case .sum, .avg:
                        if let input { groups.addSum(input, aggregate: a, at: slot) }
                    case .min, .max:
                        if let input { groups.addExtreme(input, at: slot, keepSmaller: aggregate.function == .min) }
                    case .distinct:
                        if tupleId >= 0 { tuplesOf[a]!.add(tuple: tupleId, group: group, bucket: bucket) }
                    }
                    continue
                }
                for accumulator in aggregate.accumulators {
                    let cell = accumulator.cell(for: rowCategories)
                    cell.matched[bucket] += 1
                    switch aggregate.function {
                    case .count:
                        break
                    case .sum, .avg:
                        if let input { cell.add(input, bucket: bucket) }
                    case .min:
                        if let input { cell.addExtreme(input, bucket: bucket, keepSmaller: true) }
                    case .max:
                        if let input { cell.addExtreme(input, bucket: bucket, keepSmaller: false) }
                    case .distinct:
                        if tupleId >= 0 { cell.addDistinct(tuple: tupleId, bucket: bucket) }
                    }
                }
            }
        }
        // XML parsing costs more than accumulating, so reading on a second thread pays (1M records:
        // 14.1 s -> 8.8 s); for CSV the accumulation is the longer half, and copying rows across
        // threads would cost more CPU for no gain in wall time (measured; docs/performance.md).
        let reader = SourceReader(source: source, definitions: definitions)
        let result = source.format == .xml ? RowPipeline.read(reader, process) : reader.read { row, _ in process(row) }
        if let groups { Pass.project(groups, tuplesOf, into: aggregates) }
        self.tupleIds = tupleIds
        self.multiTupleIds = multiTupleIds
        if firstBucket != Int.max { self.firstBucket[source.id] = firstBucket }
        if sawUndated { hasUndated[source.id] = true }
        for indicator in matchedCount.indices where plan.indicators[indicator].sources.contains(source.id) {
            rowsMatched[indicator][source.id, default: 0] += matchedCount[indicator]
        }
        log.merge(result.log)
        sourceFigures.append(SourceFigures(id: source.id, files: result.files.map { ($0.path, $0.sha256) },
                                           rowsRead: result.rowsRead, rowsUsed: result.rowsUsed,
                                           rowsRejected: result.rowsRejected, rowsAfterAsOf: afterAsOf))
    }

    /// Adds the fine groups of a source's pass into the breakdown cells: counts and exact sums
    /// add up; each distinct tuple's bucket bits go to every cell its groups fall in. A cell is
    /// created only where the aggregate matched a record, as in the row-by-row path.
    private static func project(_ groups: FineGroups, _ tuplesOf: [FineTuples?], into aggregates: [BoundAggregate]) {
        let categories = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, (groups.dimensions.max() ?? 0) + 1))
        categories.initialize(repeating: 0)
        defer { categories.deallocate() }
        let buckets = groups.bucketCount
        for (a, aggregate) in aggregates.enumerated() {
            for (g, key) in groups.keys.enumerated() {
                let first = groups.slot(group: g, aggregate: a, bucket: 0)
                guard (0..<buckets).contains(where: { groups.matched[first + $0] > 0 }) else { continue }
                groups.unpack(key, into: categories)
                for accumulator in aggregate.accumulators {
                    let cell = accumulator.cell(for: categories)
                    for bucket in 0..<buckets {
                        let slot = first + bucket
                        let matched = groups.matched[slot]
                        guard matched > 0 else { continue }
                        cell.matched[bucket] += matched
                        switch aggregate.function {
                        case .count, .distinct:
                            break
                        case .sum, .avg:
                            cell.addSum(significand: groups.sums[slot], scale: groups.sumScale[a], inputs: groups.inputs[slot], bucket: bucket)
                            if groups.sumOverflowed.contains(a) { cell.markSumOverflow() }
                        case .min, .max:
                            cell.mergeExtreme(groups.extremes[slot], inputs: groups.inputs[slot], bucket: bucket,
                                              keepSmaller: aggregate.function == .min)
                        }
                    }
                }
            }
            guard let tuples = tuplesOf[a] else { continue }
            if aggregate.singleSource {
                // Every record of this aggregate was in this pass, so each tuple's bits per cell
                // are final: count them straight into the cells' tallies, with no per-cell table
                // of tuples (which at 10M rows held every person once per breakdown cell).
                for accumulator in aggregate.accumulators {
                    var cellOfGroup: [CellAccumulator] = []
                    for key in groups.keys {
                        groups.unpack(key, into: categories)
                        cellOfGroup.append(accumulator.cell(for: categories))
                    }
                    var merged: [(cell: ObjectIdentifier, object: CellAccumulator, bits: UInt64)] = []
                    tuples.forEachTuple { _, entries in
                        if entries.count == 1 {
                            cellOfGroup[entries[entries.startIndex].group].addDistinctTally(entries[entries.startIndex].bits)
                            return
                        }
                        // In several groups: the bits of groups that fall in one cell are one tuple there.
                        merged.removeAll(keepingCapacity: true)
                        for entry in entries {
                            let cell = cellOfGroup[entry.group]
                            if let i = merged.firstIndex(where: { $0.cell == ObjectIdentifier(cell) }) {
                                merged[i].bits |= entry.bits
                            } else {
                                merged.append((ObjectIdentifier(cell), cell, entry.bits))
                            }
                        }
                        for entry in merged { entry.object.addDistinctTally(entry.bits) }
                    }
                }
            } else {
                // A union: the same tuple may come again from another source's pass, so cells keep
                // tuple tables that merge the bits across passes.
                tuples.forEachEntry { tuple, g, bits in
                    groups.unpack(groups.keys[g], into: categories)
                    for accumulator in aggregate.accumulators {
                        accumulator.cell(for: categories).addDistinct(tuple: tuple, bits: bits)
                    }
                }
            }
        }
    }

    private mutating func bindAggregates(for source: SourceDefinition) -> SourceBinding {
        var binding = SourceBinding()
        var filterIndex: [Syntax: Int] = [:]
        var argumentIndex: [[Syntax]: Int] = [:]
        for (index, aggregate) in plan.aggregates.enumerated() where aggregate.sources.contains(source.id) {
            var ok = true
            func bind(_ syntax: Syntax) -> RowExpression? {
                switch RowBinder.bind(syntax, in: source.scope) {
                case .success(let expression): return expression
                case .failure(let errors):
                    ok = false
                    let indicator = plan.indicators[aggregate.owners[0]].definition
                    for error in errors.errors {
                        log.append(.error(error.code, at: indicator.location,
                                          "\(indicator.id): \(error.message) (source \(source.id))", hint: error.hint))
                    }
                    return nil
                }
            }
            var filter: Int? = nil
            if let syntax = aggregate.call.filter {
                let key = syntax.withoutRanges
                if let existing = filterIndex[key] {
                    filter = existing
                } else if let expression = bind(syntax) {
                    filter = binding.filters.count
                    filterIndex[key] = binding.filters.count
                    binding.filters.append(expression)
                }
            }
            var arguments: Int? = nil
            if !aggregate.call.arguments.isEmpty {
                // Distinct tuples and numeric inputs are cached separately even for the same text.
                let key = aggregate.call.arguments.map(\.withoutRanges) + [Syntax(.literal(.bool(aggregate.function == .distinct)), range: 0..<0)]
                if let existing = argumentIndex[key] {
                    arguments = existing
                } else {
                    let bound = aggregate.call.arguments.compactMap(bind)
                    if bound.count == aggregate.call.arguments.count {
                        arguments = binding.argumentLists.count
                        argumentIndex[key] = binding.argumentLists.count
                        binding.argumentLists.append(bound)
                    }
                }
            }
            guard ok else { continue }
            binding.aggregates.append(BoundAggregate(function: aggregate.function, owners: aggregate.owners, singleSource: aggregate.sources.count == 1, filter: filter,
                                                     arguments: arguments, accumulators: accumulators[index]))
        }
        return binding
    }

    private func dimensionReader(_ index: Int, _ source: SourceDefinition) -> DimensionReader {
        let dimension = definitions.dimensions[index]
        switch dimension.kind {
        case .field(let name):
            guard let field = source.scope.field(named: name) else { return .unavailable }
            return .field(slot: field.slot)
        case .bands(let name, let bounds):
            guard let field = source.scope.field(named: name) else { return .unavailable }
            // The loader names every band (DimensionBands.keys) and lists them in `labels`.
            return .bands(slot: field.slot, bounds: bounds, categories: dimension.labels.map { categories[index].index(of: $0.key) })
        case .expression(let syntax):
            guard case .success(let expression) = RowBinder.bind(syntax, in: source.scope) else { return .unavailable }
            return .expression(expression)
        }
    }

    @inline(__always)
    fileprivate static func category(of row: [Value], reader: DimensionReader, categories: DimensionCategories) -> Int32 {
        let value: Value
        switch reader {
        case .field(let slot): value = row[slot]
        case .bands(let slot, let bounds, let bandCategories):
            guard case .number(let n) = row[slot] else { return DimensionCategories.notRecorded }
            let band = Bands.band(of: n, bounds: bounds)
            return band < bandCategories.count ? bandCategories[band] : DimensionCategories.notRecorded
        case .expression(let expression): value = expression.evaluate(row)
        case .unavailable: return DimensionCategories.notRecorded
        }
        return categories.index(of: value)
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
