import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeExpressions

/// The state of one thread's share of a source's pass, fed one accepted row at a time.
///
/// With fine groups (`groups` set), every update goes to this accumulator's own groups and tuple
/// tables, so a second accumulator can read another part of the same file on another thread and
/// be merged afterwards (`absorb`): counts and exact sums add, extremes compare, and each distinct
/// tuple's bucket bits are OR-ed per fine group, so the figures do not depend on how the rows were
/// shared out. Without fine groups (the general path) rows update the breakdown cells directly,
/// and only one accumulator may run.
final class RowAccumulator {
    let plan: SourcePlan
    /// cells[a]: the breakdown accumulators of the plan's aggregate a (row-by-row path and `Pass.project`).
    let cells: [[BreakdownAccumulator]]
    /// This accumulator's categories: the pass's own for the main accumulator, fresh ones (merged
    /// by key in `absorb`) for one on a second thread.
    let categories: [DimensionCategories]
    let groups: FineGroups?
    let tuplesOf: [DistinctColumn?]
    // Tuple ids, dense from 0 across the three tables: text read straight from a field,
    // other single values, and tuples of several values.
    var textIds = TextIds()
    var tupleIds: [Value: Int32] = [:]
    var multiTupleIds: [[Value]: Int32] = [:]
    private var nextTupleId: Int32 { Int32(textIds.count + tupleIds.count + multiTupleIds.count) }

    private(set) var afterAsOf = 0
    /// Tuples whose ids `flushPending` looked up (the other side's too, after `absorb`).
    private(set) var tuplesLookedUpInBatches = 0
    /// First bucket holding an accepted, in-range record (Int.max = none).
    private(set) var firstBucket = Int.max
    private(set) var sawUndated = false
    /// Records matched per indicator of the plan.
    var matchedCount: [Int] { Array(matchedCounts) }

    // Per-row state in plain buffers (an array property of a class is retained, and checked for
    // uniqueness, at each access in the row loop).
    private let matchedCounts: UnsafeMutableBufferPointer<Int>
    private let matchedStamp: UnsafeMutableBufferPointer<Int>
    private var rowNumber = 0
    private let rowCategories: UnsafeMutableBufferPointer<Int32>
    /// Per filter, for this row: 0 = not computed yet, 1 = true, 2 = false.
    private let filterState: UnsafeMutableBufferPointer<UInt8>
    /// Per argument list, for this row: a number, a tuple id, or nothing (null).
    private let argumentStamp: UnsafeMutableBufferPointer<Int>
    private let argumentNumber: UnsafeMutableBufferPointer<ExactDecimal?>
    private let argumentTuple: UnsafeMutableBufferPointer<Int32>
    /// Per argument list: the field slot when it is one plain field reference (else -1).
    private let argumentSlot: UnsafeMutableBufferPointer<Int>
    private var tuple: [Value] = []
    /// Distinct tuples of one plain text field, set aside for a batch (`PendingTuples`), or
    /// nil when they are counted row by row.
    private let pending: PendingTuples?

    // The plan flattened into buffers of plain values, read per row and per aggregate without
    // reference counting (each class or array touched in the row loop cost a retain and a
    // release; together about a fifth of a report's CPU).
    private let count: Int
    /// Per aggregate: what it keeps, its filter (-1 = none), argument list (-1 = none), owners.
    private let keptOf: UnsafeMutableBufferPointer<KeptState>
    private let filterOf: UnsafeMutableBufferPointer<Int32>
    private let argumentsOf: UnsafeMutableBufferPointer<Int32>
    private let ownersStart: UnsafeMutableBufferPointer<Int32>
    private let ownerList: UnsafeMutableBufferPointer<Int32>
    private let filters: UnsafeMutableBufferPointer<RowExpression>
    /// The same filters flattened where they are conjunctions of field tests (else nil),
    /// borrowed from the plan's `flatFilters` (`plan` keeps them alive): taking a
    /// `FlatCondition` out of a buffer per filter test retained its storage.
    private let flatFilters: UnsafeMutableBufferPointer<FlatCondition.Borrowed?>
    /// Fine-group tuple tables per aggregate (nil for the row-by-row path and non-distinct).
    private let tuplesTable: UnsafeMutableBufferPointer<(table: Unmanaged<FineTuples>, column: Int)?>
    private unowned(unsafe) let fineGroups: FineGroups?
    /// Needed dimensions with their readers and categories.
    private let needed: UnsafeMutableBufferPointer<(dimension: Int, reader: DimensionReader, categories: Unmanaged<DimensionCategories>)>
    /// Elements of `needed` in use (the buffer has room for at least one).
    private let neededCount: Int
    /// Per needed dimension: the field slot when the dimension is a field (else -1), and the
    /// categories of its texts by their bytes (texts straight from a field are NFC), so a
    /// row's category costs no `String` hashing.
    private let neededField: UnsafeMutableBufferPointer<Int>
    private let categoryOfText: UnsafeMutableBufferPointer<TextIds>

    // Where a row's bucket is (copied from the plan: read per row without touching the plan).
    private let dateSlot: Int?
    private let asOf: CivilDate
    private let bucketOfDay: BucketTable
    private let undatedBucket: Int

    init(plan: SourcePlan, categories: [DimensionCategories], cells: [[BreakdownAccumulator]], fineGroups: Bool) {
        self.plan = plan
        dateSlot = plan.dateSlot
        asOf = plan.asOf
        bucketOfDay = plan.bucketOfDay
        undatedBucket = plan.bucketCount - 1
        self.cells = cells
        self.categories = categories
        let readers = plan.readers(numberedBy: categories)
        groups = fineGroups ? FineGroups(aggregateCount: plan.aggregates.count, bucketCount: plan.bucketCount, dimensions: plan.neededDimensions) : nil
        tuplesOf = fineGroups ? RowAccumulator.distinctColumns(plan.aggregates) : Array(repeating: nil, count: plan.aggregates.count)
        func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
            buffer.initialize(repeating: value)
            return buffer
        }
        matchedCounts = buffer(plan.indicatorCount, 0)
        matchedStamp = buffer(plan.indicatorCount, -1)
        rowCategories = .allocate(capacity: max(1, plan.dimensionCount))
        rowCategories.initialize(repeating: 0)
        filterState = buffer(plan.filters.count, 0)
        argumentStamp = buffer(plan.argumentLists.count, -1)
        argumentNumber = buffer(plan.argumentLists.count, nil)
        argumentTuple = buffer(plan.argumentLists.count, -1)
        argumentSlot = buffer(plan.argumentLists.count, -1)
        for (a, arguments) in plan.argumentLists.enumerated() where arguments.count == 1 {
            argumentSlot[a] = arguments[0].fieldSlot ?? -1
        }
        let aggregates = plan.aggregates
        count = aggregates.count
        keptOf = .allocate(capacity: max(1, count))
        filterOf = .allocate(capacity: max(1, count))
        argumentsOf = .allocate(capacity: max(1, count))
        ownersStart = .allocate(capacity: count + 1)
        ownerList = .allocate(capacity: max(1, aggregates.reduce(0) { $0 + $1.owners.count }))
        var next = 0
        for (a, aggregate) in aggregates.enumerated() {
            keptOf.initializeElement(at: a, to: aggregate.function.kept)
            filterOf.initializeElement(at: a, to: aggregate.filter.map(Int32.init) ?? -1)
            argumentsOf.initializeElement(at: a, to: aggregate.arguments.map(Int32.init) ?? -1)
            ownersStart.initializeElement(at: a, to: Int32(next))
            for owner in aggregate.owners {
                ownerList.initializeElement(at: next, to: Int32(owner))
                next += 1
            }
        }
        ownersStart.initializeElement(at: count, to: Int32(next))
        filters = .allocate(capacity: max(1, plan.filters.count))
        _ = filters.initialize(from: plan.filters)
        flatFilters = .allocate(capacity: max(1, plan.filters.count))
        _ = flatFilters.initialize(from: plan.flatFilters.map { $0?.borrowed })
        tuplesTable = .allocate(capacity: max(1, count))
        for a in 0..<count {
            tuplesTable.initializeElement(at: a, to: tuplesOf[a].map { (Unmanaged.passUnretained($0.table), $0.column) })
        }
        self.fineGroups = groups
        pending = PendingTuples(plan: plan, tuplesOf: tuplesOf, argumentSlot: argumentSlot)
        needed = .allocate(capacity: max(1, plan.neededDimensions.count))
        neededCount = plan.neededDimensions.count
        neededField = .allocate(capacity: max(1, neededCount))
        categoryOfText = .allocate(capacity: max(1, neededCount))
        for (i, dimension) in plan.neededDimensions.enumerated() {
            needed.initializeElement(at: i, to: (dimension, readers[dimension], Unmanaged.passUnretained(categories[dimension])))
            if case .field(let slot) = readers[dimension] {
                neededField.initializeElement(at: i, to: slot)
            } else {
                neededField.initializeElement(at: i, to: -1)
            }
            categoryOfText.initializeElement(at: i, to: TextIds())
        }
    }

    /// One tuple table per argument list of the distinct aggregates, a column per aggregate.
    private static func distinctColumns(_ aggregates: [PlannedAggregate]) -> [DistinctColumn?] {
        var columnsOf: [Int: Int] = [:]
        var columnOf: [Int?] = []
        for aggregate in aggregates {
            guard aggregate.function.kept == .tuples, let arguments = aggregate.arguments else { columnOf.append(nil); continue }
            columnOf.append(columnsOf[arguments, default: 0])
            columnsOf[arguments, default: 0] += 1
        }
        let tables = columnsOf.mapValues { FineTuples(columns: $0) }
        return zip(aggregates, columnOf).map { aggregate, column in
            column.map { DistinctColumn(table: tables[aggregate.arguments!]!, column: $0) }
        }
    }

    deinit {
        rowCategories.deallocate()
        matchedCounts.deallocate(); matchedStamp.deallocate(); filterState.deallocate()
        argumentStamp.deallocate(); argumentNumber.deallocate(); argumentTuple.deallocate(); argumentSlot.deallocate()
        keptOf.deallocate(); filterOf.deallocate(); argumentsOf.deallocate()
        ownersStart.deallocate(); ownerList.deallocate()
        // Only the first `plan.filters.count` and `plan.neededDimensions.count` were initialized
        // (the buffers have room for at least one).
        filters.baseAddress!.deinitialize(count: plan.filters.count)
        filters.deallocate()
        flatFilters.deallocate()
        tuplesTable.deallocate()
        needed.baseAddress!.deinitialize(count: neededCount)
        needed.deallocate()
        neededField.deallocate()
        categoryOfText.baseAddress!.deinitialize(count: neededCount)
        categoryOfText.deallocate()
    }

    func process(_ row: [Value]) {
        let bucket = SourcePlan.bucket(of: row, dateSlot: dateSlot, asOf: asOf, table: bucketOfDay, undated: undatedBucket)
        if bucket < 0 {
            if bucket == SourcePlan.afterAsOf { afterAsOf += 1 }
            return
        }
        if bucket == undatedBucket {
            sawUndated = true
        } else if bucket < firstBucket {
            firstBucket = bucket
        }
        rowNumber += 1
        if let pending, pending.isFull { flushPending() }
        for i in 0..<neededCount {
            // Borrowed, not retained: the accumulator's `categories` keeps them alive.
            if neededField[i] >= 0, case .text(let text) = row[neededField[i]] {
                rowCategories[needed[i].dimension] = categoryOfText[i].id(of: text) {
                    needed[i].categories._withUnsafeGuaranteedRef { $0.index(of: .text(text)) }
                }
                continue
            }
            rowCategories[needed[i].dimension] = needed[i].categories._withUnsafeGuaranteedRef {
                RowAccumulator.category(of: row, reader: needed[i].reader, categories: $0)
            }
        }
        for i in filterState.indices { filterState[i] = 0 }
        guard let groups = fineGroups else {
            processRowByRow(row, bucket: bucket)
            return
        }
        Unmanaged.passUnretained(groups)._withUnsafeGuaranteedRef { accumulate(row, bucket: bucket, into: $0) }
    }

    /// The fine-group path of `process`.
    @inline(__always)
    private func accumulate(_ row: [Value], bucket: Int, into groups: FineGroups) {
        let group = groups.group(for: rowCategories)
        for a in 0..<count {
            let f = Int(filterOf[a])
            if f >= 0 {
                if filterState[f] == 0 {
                    filterState[f] = matches(f, row) ? 1 : 2
                }
                if filterState[f] == 2 { continue }
            }
            countMatch(a)
            let kept = keptOf[a]
            let slot = groups.slot(group: group, aggregate: a, bucket: bucket)
            groups.matched[slot] += 1
            let arguments = Int(argumentsOf[a])
            guard arguments >= 0 else { continue }
            if kept == .tuples, let pending {
                deferTuple(pending, aggregate: a, arguments: arguments, group: group, bucket: bucket, row)
                continue
            }
            if argumentStamp[arguments] != rowNumber {
                argumentStamp[arguments] = rowNumber
                computeArguments(arguments, distinct: kept == .tuples, row)
            }
            switch kept {
            case .matchedOnly:
                break
            case .sum:
                if let input = argumentNumber[arguments] { groups.addSum(input, aggregate: a, at: slot) }
            case .extreme(let keepSmaller):
                if let input = argumentNumber[arguments] { groups.addExtreme(input, at: slot, keepSmaller: keepSmaller) }
            case .tuples:
                let tupleId = argumentTuple[arguments]
                if tupleId >= 0 {
                    let distinct = tuplesTable[a]!
                    distinct.table._withUnsafeGuaranteedRef {
                        $0.add(tuple: tupleId, group: group, column: distinct.column, bits: UInt64(1) << UInt64(bucket))
                    }
                }
            }
        }
    }

    /// Sets this row's tuple of `arguments` (one plain text field) aside for the batch, with
    /// the aggregate's column.
    @inline(__always)
    private func deferTuple(_ pending: PendingTuples, aggregate a: Int, arguments: Int, group: Int, bucket: Int, _ row: [Value]) {
        let distinct = tuplesTable[a]!
        if argumentStamp[arguments] != rowNumber {
            argumentStamp[arguments] = rowNumber
            switch row[argumentSlot[arguments]] {
            case .text(let text):
                argumentTuple[arguments] = pending.append(text, table: distinct.table, group: group, bits: UInt64(1) << UInt64(bucket))
            case .null:
                argumentTuple[arguments] = -1
            default:
                // Not expected (the field is of type text): counted at once, correctly, though
                // its id is then given before those of the batch.
                computeArguments(arguments, distinct: true, row)
                argumentTuple[arguments] = argumentTuple[arguments] >= 0 ? -2 - argumentTuple[arguments] : -1
            }
        }
        let entry = argumentTuple[arguments]
        if entry >= 0 {
            pending.mark(Int(entry), column: distinct.column)
        } else if entry <= -2 {
            distinct.table._withUnsafeGuaranteedRef {
                $0.add(tuple: -2 - entry, group: group, column: distinct.column, bits: UInt64(1) << UInt64(bucket))
            }
        }
    }

    /// Counts the tuples set aside: ids given in row order, as row by row, then every record
    /// updated; each step asks for the memory of a lookup a few entries ahead of it.
    func flushPending() {
        guard let pending, pending.count > 0 else { return }
        let count = pending.count, ahead = PendingTuples.ahead
        for i in 0..<count { pending.hashes[i] = pending.withBytes(i) { TextIds.hash($0) } }
        for i in 0..<count {
            if i + ahead < count { textIds.prefetch(hash: pending.hashes[i + ahead]) }
            pending.ids[i] = pending.withBytes(i) { textIds.id(of: $0, hash: pending.hashes[i], next: nextTupleId) }
        }
        for i in 0..<count {
            if i + ahead < count {
                pending.tables[i + ahead]._withUnsafeGuaranteedRef { $0.prefetch(tuple: pending.ids[i + ahead]) }
            }
            let id = pending.ids[i], group = pending.groups[i], bits = pending.bits[i]
            var columns = pending.columns[i]
            pending.tables[i]._withUnsafeGuaranteedRef { table in
                while columns != 0 {
                    let column = columns.trailingZeroBitCount
                    columns &= columns - 1
                    table.add(tuple: id, group: group, column: column, bits: bits)
                }
            }
        }
        tuplesLookedUpInBatches += count
        pending.removeAll()
    }

    @inline(__always)
    private func matches(_ f: Int, _ row: [Value]) -> Bool {
        if let flat = flatFilters[f] { return flat.matches(row) }
        return filters[f].matches(row)
    }

    /// Counts the row once for each indicator that owns aggregate `a`.
    @inline(__always)
    private func countMatch(_ a: Int) {
        for i in Int(ownersStart[a])..<Int(ownersStart[a + 1]) {
            let owner = Int(ownerList[i])
            if matchedStamp[owner] != rowNumber {
                matchedStamp[owner] = rowNumber
                matchedCounts[owner] += 1
            }
        }
    }

    /// The general path: every breakdown cell of every aggregate updated for the row.
    private func processRowByRow(_ row: [Value], bucket: Int) {
        for a in 0..<count {
            let kept = keptOf[a]
            let f = Int(filterOf[a])
            if f >= 0 {
                if filterState[f] == 0 {
                    filterState[f] = matches(f, row) ? 1 : 2
                }
                if filterState[f] == 2 { continue }
            }
            countMatch(a)
            // Compute the input once per row, then update every cell it belongs to.
            var input: ExactDecimal? = nil
            var tupleId: Int32 = -1
            let arguments = Int(argumentsOf[a])
            if arguments >= 0 {
                let a = arguments
                if argumentStamp[a] != rowNumber {
                    argumentStamp[a] = rowNumber
                    computeArguments(a, distinct: kept == .tuples, row)
                }
                input = argumentNumber[a]
                tupleId = argumentTuple[a]
            }
            for accumulator in cells[a] {
                let cell = accumulator.cell(for: rowCategories)
                cell.matched[bucket] += 1
                switch kept {
                case .matchedOnly:
                    break
                case .sum:
                    if let input { cell.add(input, bucket: bucket) }
                case .extreme(let keepSmaller):
                    if let input { cell.addExtreme(input, bucket: bucket, keepSmaller: keepSmaller) }
                case .tuples:
                    if tupleId >= 0 { cell.addDistinct(tuple: tupleId, bucket: bucket) }
                }
            }
        }
    }

    /// Evaluates argument list `a` for this row: a tuple id for a distinct count, else a number.
    /// The common cases, one plain field (a text for a distinct count, a number for the
    /// others), are inlined into the row loop; the rest is `computeGeneralArguments`.
    @inline(__always)
    private func computeArguments(_ a: Int, distinct: Bool, _ row: [Value]) {
        let slot = argumentSlot[a]
        if slot >= 0 {
            if distinct {
                if case .text(let text) = row[slot] {
                    argumentTuple[a] = textIds.id(of: text, next: nextTupleId)
                    return
                }
            } else {
                // The value of a plain field reference is its cell (`RowExpression.fieldSlot`).
                if case .number(let n) = row[slot] { argumentNumber[a] = n } else { argumentNumber[a] = nil }
                return
            }
        }
        computeGeneralArguments(a, distinct: distinct, row)
    }

    @inline(never)
    private func computeGeneralArguments(_ a: Int, distinct: Bool, _ row: [Value]) {
        let arguments = plan.argumentLists[a]
        guard distinct else {
            if case .number(let n) = arguments[0].evaluate(row) {
                argumentNumber[a] = n
            } else {
                argumentNumber[a] = nil
            }
            return
        }
        argumentTuple[a] = -1
        if arguments.count == 1 {
            let value = arguments[0].evaluate(row)
            if !value.isNull { argumentTuple[a] = id(of: value) }
            return
        }
        tuple.removeAll(keepingCapacity: true)
        for argument in arguments {
            let value = argument.evaluate(row)
            if value.isNull { return }
            tuple.append(value)
        }
        argumentTuple[a] = id(of: tuple)
    }

    private func id(of value: Value) -> Int32 {
        if let id = tupleIds[value] { return id }
        let id = nextTupleId
        tupleIds[value] = id
        return id
    }

    private func id(of tuple: [Value]) -> Int32 {
        if let id = multiTupleIds[tuple] { return id }
        let id = nextTupleId
        multiTupleIds[tuple] = id
        return id
    }

    @inline(__always)
    static func category(of row: [Value], reader: DimensionReader, categories: DimensionCategories) -> Int32 {
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

    // MARK: - Merging

    /// Tuples from which `absorb` shares its work between two threads: low, so that the
    /// cross-check's small splits take the two-thread merge too (a thread from the pool costs
    /// microseconds).
    static let parallelMergeMinimum = 256

    /// What the two threads of the tuple lookup in `absorb` read and write (each its own ids).
    private struct SharedLookup: @unchecked Sendable {
        let map: UnsafeMutableBufferPointer<Int32>
        let theirs: TextIds.Reader
        let mine: TextIds.Reader
    }

    /// Adds what `other` (an accumulator of the same plan, fed other rows of the source)
    /// gathered. Both must use fine groups.
    func absorb(_ other: RowAccumulator) {
        guard let groups, let otherGroups = other.groups else {
            preconditionFailure("only fine-group accumulators can be merged")
        }
        // This side's rows came first: their tuples take their ids before the other side's.
        flushPending()
        other.flushPending()
        // Categories: other's category numbers -> this accumulator's, by key.
        var categoryMap: [[Int32]] = Array(repeating: [], count: plan.dimensionCount)
        for dimension in plan.neededDimensions {
            let mine = categories[dimension], theirs = other.categories[dimension]
            if theirs.overflowed { mine.markOverflowed() }
            categoryMap[dimension] = theirs.keys.indices.map { i in
                i == Int(DimensionCategories.notRecorded) ? DimensionCategories.notRecorded : mine.index(of: theirs.keys[i])
            }
        }
        // Fine groups: other's group -> this accumulator's group, by mapped categories.
        var groupMap: [Int] = []
        groupMap.reserveCapacity(otherGroups.keys.count)
        for key in otherGroups.keys {
            otherGroups.unpack(key, into: rowCategories)
            for dimension in plan.neededDimensions {
                let local = rowCategories[dimension]
                rowCategories[dimension] = local == DimensionCategories.tooMany ? local : categoryMap[dimension][Int(local)]
            }
            groupMap.append(groups.group(for: rowCategories))
        }
        groups.absorb(otherGroups, groupMap: groupMap, kept: plan.aggregates.map(\.function.kept))
        // Distinct tuples: other's ids -> this accumulator's, in other's id order.
        let otherCount = Int(other.nextTupleId)
        if otherCount > 0, tuplesOf.contains(where: { $0 != nil }) {
            // At 10M rows this is about 2M people looked up in a table of as many, on both cores
            // when large: each thread reads the other side's table in slot order (a sequential
            // read) and looks up the texts of its half of the ids here (reads only). Then the new
            // texts are added in the other side's id order (in slot order they would pile up in
            // long probe runs), so every tuple gets the id a one-thread merge gives it.
            // tupleMap[id]: this side's id; -2 - slot for a text not here yet (slot in other's
            // table); -1 for a tuple that is not a field's text.
            let parallel = otherCount >= RowAccumulator.parallelMergeMinimum
            var tupleMap = [Int32](repeating: -1, count: otherCount)
            tupleMap.withUnsafeMutableBufferPointer { map in
                other.textIds.withReader { theirs in
                    textIds.withReader { mine in
                        let shared = SharedLookup(map: map, theirs: theirs, mine: mine)
                        let half = Int32(otherCount / 2), count = Int32(otherCount)
                        onTwoThreads(parallel) { part in
                            let ids = part == 0 ? 0..<half : half..<count
                            shared.theirs.forEach { slot, id in
                                guard ids.contains(id) else { return }
                                let found = shared.theirs.withBytes(atSlot: slot) { shared.mine.id(of: $0) }
                                shared.map[Int(id)] = found >= 0 ? found : -2 - slot
                            }
                        }
                    }
                }
            }
            other.textIds.withReader { theirs in
                for id in 0..<otherCount where tupleMap[id] <= -2 {
                    tupleMap[id] = theirs.withBytes(atSlot: -2 - tupleMap[id]) { textIds.id(of: $0, next: nextTupleId) }
                }
            }
            other.textIds = TextIds()
            var single = [Value?](repeating: nil, count: other.tupleIds.isEmpty ? 0 : otherCount)
            for (value, id) in other.tupleIds { single[Int(id)] = value }
            var multi = [[Value]?](repeating: nil, count: other.multiTupleIds.isEmpty ? 0 : otherCount)
            for (tuple, id) in other.multiTupleIds { multi[Int(id)] = tuple }
            // The other side's tables are not needed any more: let them go before this side's grow.
            other.tupleIds = [:]
            other.multiTupleIds = [:]
            for id in 0..<otherCount where tupleMap[id] < 0 {
                if !single.isEmpty, let value = single[id] {
                    tupleMap[id] = self.id(of: value)
                } else if !multi.isEmpty, let tuple = multi[id] {
                    tupleMap[id] = self.id(of: tuple)
                }
            }
            // The tables correspond one to one (same plan, same argument lists and columns).
            var absorbed: Set<ObjectIdentifier> = []
            for (a, tuples) in other.tuplesOf.enumerated() {
                guard let tuples, let mine = tuplesOf[a], absorbed.insert(ObjectIdentifier(tuples.table)).inserted else { continue }
                precondition(tuples.column == mine.column)
                mine.table.absorb(tuples.table, tupleMap: tupleMap, groupMap: groupMap, parallel: parallel)
            }
        }
        afterAsOf += other.afterAsOf
        tuplesLookedUpInBatches += other.tuplesLookedUpInBatches
        firstBucket = min(firstBucket, other.firstBucket)
        sawUndated = sawUndated || other.sawUndated
        for i in matchedCounts.indices { matchedCounts[i] += other.matchedCounts[i] }
    }
}
