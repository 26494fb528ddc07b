import Foundation
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
        let plan = CountingPlan(definitions: definitions, asOf: asOf)
        return figures(plan, totals(plan, options: options, progress: progress))
    }

    /// Runs the plan over every source's records: the executor, whatever path it takes (fine
    /// groups or row by row, one thread or two) gives the same totals.
    static func totals(_ plan: CountingPlan, options: EngineOptions, progress: ((String) -> Void)? = nil) -> CellTotals {
        var pass = Pass(plan: plan, options: options)
        for source in plan.sources {
            progress?("reading \(source.source.id)")
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
    /// CSV files of at least this many bytes are read on two threads (nil: one thread). Tests
    /// lower it to split small files.
    public var parallelMinimumBytes: Int? = 8 << 20
    /// Decode every declared field, even those no figure reads (tests compare both ways).
    public var decodeEveryField = false
    public init(rowByRowCells: Bool = false, parallelMinimumBytes: Int? = 8 << 20, decodeEveryField: Bool = false) {
        self.rowByRowCells = rowByRowCells
        self.parallelMinimumBytes = parallelMinimumBytes
        self.decodeEveryField = decodeEveryField
    }

    /// The default options, except that `LOGFRAME_SPLIT_BYTES` (a byte count; 0 = never) sets
    /// the size from which CSV files are split between two threads. For tests that run the
    /// command line on small files; users have no reason to set it.
    public static func fromEnvironment(_ environment: [String: String]) -> EngineOptions {
        var options = EngineOptions()
        if let text = environment["LOGFRAME_SPLIT_BYTES"], let bytes = Int(text), bytes >= 0 {
            options.parallelMinimumBytes = bytes == 0 ? nil : bytes
        }
        return options
    }
}

/// The executor: runs a `CountingPlan` over each source's records, through fine groups or row
/// by row, on one thread or two, and hands over the `CellTotals`.
struct Pass {
    let plan: CountingPlan
    let categories: [DimensionCategories]
    /// accumulators[aggregate][breakdown]
    var accumulators: [[BreakdownAccumulator]]
    var totals: CellTotals
    var textIds = TextIds()
    var tupleIds: [Value: Int32] = [:]
    var multiTupleIds: [[Value]: Int32] = [:]
    let options: EngineOptions

    init(plan: CountingPlan, options: EngineOptions = EngineOptions()) {
        self.plan = plan
        self.options = options
        categories = plan.definitions.dimensions.map { DimensionCategories(definition: $0) }
        let buckets = plan.bucketCount
        accumulators = plan.formulas.aggregates.map { aggregate in
            aggregate.breakdowns.map { BreakdownAccumulator(function: aggregate.function, bucketCount: buckets, dimensions: $0) }
        }
        totals = CellTotals(cells: [], categories: categories,
                            rowsMatched: Array(repeating: [:], count: plan.formulas.indicators.count))
    }

    /// The totals, once every source is read.
    func finish() -> CellTotals {
        var totals = self.totals
        totals.cells = accumulators.map { $0.map { $0.totals() } }
        return totals
    }

    // MARK: - Reading one source

    mutating func read(_ plan: SourcePlan) {
        let source = plan.source
        let definitions = self.plan.definitions
        let cells = plan.aggregates.map { accumulators[$0.index] }
        let fast = !options.rowByRowCells && plan.neededDimensions.count <= 4 && plan.bucketCount <= 64
        /// An accumulator reading this source's categories into `categories`.
        func accumulator(_ categories: [DimensionCategories], fineGroups: Bool) -> RowAccumulator {
            RowAccumulator(plan: plan, categories: categories, cells: cells, fineGroups: fineGroups)
        }
        let main = accumulator(categories, fineGroups: fast)
        // Moved in and back (not copied): a second reference would make the first insert copy
        // the whole table, for every source.
        swap(&main.textIds, &textIds)
        swap(&main.tupleIds, &tupleIds)
        swap(&main.multiTupleIds, &multiTupleIds)
        let reader = SourceReader(source: source, definitions: definitions)
        if let minimum = options.parallelMinimumBytes { reader.parallelMinimumBytes = minimum }
        // Fields no figure reads are checked but not turned into values.
        if !options.decodeEveryField { reader.decodeOnly(slots: plan.slotsRead) }
        // With fine groups, a large file's later part may be read on the second core into an
        // accumulator of its own, merged when the reader adopts that part (ParallelCSV.swift).
        let makeHalf: (() -> ParallelHalf)? = fast && reader.splitsLargeFiles && options.parallelMinimumBytes != nil ? {
            let part = accumulator(definitions.dimensions.map { DimensionCategories(definition: $0) }, fineGroups: true)
            return ParallelHalf(consume: part.process, commit: { main.absorb(part) })
        } : nil
        // Where parsing costs more than accumulating (XML), reading on a second thread pays
        // (1M records: 14.1 s -> 8.8 s); CSV files are instead split between two threads that
        // each parse and accumulate (docs/performance.md).
        let result = reader.parsingOutweighsCounting ? RowPipeline.read(reader, main.process)
                                                     : reader.read(splitting: makeHalf) { row, _ in main.process(row) }
        main.flushPending()
        if let groups = main.groups { Pass.project(groups, main.tuplesOf, plan.aggregates, cells) }
        swap(&main.textIds, &textIds)
        swap(&main.tupleIds, &tupleIds)
        swap(&main.multiTupleIds, &multiTupleIds)
        if main.firstBucket != Int.max { totals.firstBucket[source.id] = main.firstBucket }
        if main.sawUndated { totals.hasUndated[source.id] = true }
        for indicator in main.matchedCount.indices where self.plan.formulas.indicators[indicator].sources.contains(source.id) {
            totals.rowsMatched[indicator][source.id, default: 0] += main.matchedCount[indicator]
        }
        totals.log.merge(result.log)
        totals.rowsReadOnSecondThread += result.rowsReadOnSecondThread
        totals.tuplesLookedUpInBatches += main.tuplesLookedUpInBatches
        totals.sources.append(SourceFigures(id: source.id, files: result.files.map { ($0.path, $0.sha256) },
                                            rowsRead: result.rowsRead, rowsUsed: result.rowsUsed,
                                            rowsRejected: result.rowsRejected, rowsAfterAsOf: main.afterAsOf))
    }

    /// Adds the fine groups of a source's pass into the breakdown cells: counts and exact sums
    /// add up; each distinct tuple's bucket bits go to every cell its groups fall in. A cell is
    /// created only where the aggregate matched a record, as in the row-by-row path.
    private static func project(_ groups: FineGroups, _ tuplesOf: [DistinctColumn?], _ aggregates: [PlannedAggregate],
                                _ cells: [[BreakdownAccumulator]]) {
        let categories = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, (groups.dimensions.max() ?? 0) + 1))
        categories.initialize(repeating: 0)
        defer { categories.deallocate() }
        let buckets = groups.bucketCount
        // Single-source distinct counts, by tuple table: (column, cell of each fine group) per
        // aggregate and breakdown, tallied in one sweep over each table's tuples.
        var tallies: [ObjectIdentifier: (table: FineTuples, targets: [(column: Int, cells: [Unmanaged<CellAccumulator>])])] = [:]
        for (a, aggregate) in aggregates.enumerated() {
            for (g, key) in groups.keys.enumerated() {
                let first = groups.slot(group: g, aggregate: a, bucket: 0)
                guard (0..<buckets).contains(where: { groups.matched[first + $0] > 0 }) else { continue }
                groups.unpack(key, into: categories)
                for accumulator in cells[a] {
                    let cell = accumulator.cell(for: categories)
                    for bucket in 0..<buckets {
                        let slot = first + bucket
                        let matched = groups.matched[slot]
                        guard matched > 0 else { continue }
                        cell.matched[bucket] += matched
                        switch aggregate.function.kept {
                        case .matchedOnly, .tuples:
                            break
                        case .sum:
                            cell.addSum(significand: groups.sums[slot], scale: groups.sumScale[a], inputs: groups.inputs[slot], bucket: bucket)
                            if groups.sumOverflowed.contains(a) { cell.markSumOverflow() }
                        case .extreme(let keepSmaller):
                            cell.mergeExtreme(groups.extremes[slot], inputs: groups.inputs[slot], bucket: bucket, keepSmaller: keepSmaller)
                        }
                    }
                }
            }
            guard let tuples = tuplesOf[a] else { continue }
            if aggregate.singleSource {
                // Every record of this aggregate was in this pass, so each tuple's bits per cell
                // are final: they are counted straight into the cells' tallies below, with no
                // per-cell table of tuples (which at 10M rows held every person once per cell).
                // A group whose rows all failed this aggregate's filter gets no cell (its
                // categories must not appear in the breakdown, as on the row-by-row path): its
                // tuples have no bits in this column, so a stand-in cell that is never read takes
                // its place in the flat table.
                let matchedGroups = groups.keys.indices.map { g in
                    let first = groups.slot(group: g, aggregate: a, bucket: 0)
                    return (0..<buckets).contains { groups.matched[first + $0] > 0 }
                }
                for accumulator in cells[a] {
                    let unused = CellAccumulator(function: .distinct, bucketCount: buckets)
                    let cells = groups.keys.enumerated().map { g, key in
                        guard matchedGroups[g] else { return Unmanaged.passRetained(unused) }
                        groups.unpack(key, into: categories)
                        return Unmanaged.passRetained(accumulator.cell(for: categories))
                    }
                    tallies[ObjectIdentifier(tuples.table), default: (tuples.table, [])].targets.append((tuples.column, cells))
                }
            } else {
                // A union: the same tuple may come again from another source's pass, so cells keep
                // tuple tables that merge the bits across passes.
                tuples.table.forEachEntry(column: tuples.column) { tuple, g, bits in
                    groups.unpack(groups.keys[g], into: categories)
                    for accumulator in cells[a] {
                        accumulator.cell(for: categories).addDistinct(tuple: tuple, bits: bits)
                    }
                }
            }
        }
        // Tallies are counts, so the order of the tables does not matter. Each target has cells
        // of its own, so half of a table's targets are tallied on a second thread.
        for (table, targets) in tallies.values {
            let order = table.overflowOrder()
            let half = targets.count / 2
            if half > 0 {
                let later = UncheckedBox((table, order, Array(targets[half...])))
                let done = DispatchSemaphore(value: 0)
                Thread {
                    tallyDistinct(later.value.0, later.value.1, later.value.2)
                    done.signal()
                }.start()
                tallyDistinct(table, order, Array(targets[..<half]))
                done.wait()
            } else {
                tallyDistinct(table, order, targets)
            }
            for target in targets { for cell in target.cells { cell.release() } }
        }
    }

    /// Adds each tuple of a single-source table to the distinct tallies of the cells its groups
    /// fall in: once per cell, even when the person was in several groups of that cell.
    private static func tallyDistinct(_ table: FineTuples, _ order: FineTuples.OverflowOrder,
                                      _ targetList: [(column: Int, cells: [Unmanaged<CellAccumulator>])]) {
        // Flat copies for the sweep: target t's cell for group g is local cell
        // cellOf[t * groups + g] (several groups may fall in one cell). Counts go to plain local
        // tallies (`LocalTallies`), added to the cells once at the end: updating the cells' own
        // tallies per tuple retained and checked their arrays, a fifth of the sweep's time.
        let groupCount = targetList.first?.cells.count ?? 0
        let columns = targetList.map(\.column)
        var distinctCells: [Unmanaged<CellAccumulator>] = []
        var localOf: [ObjectIdentifier: Int32] = [:]
        let cellOf: [Int32] = targetList.flatMap(\.cells).map { cell in
            let key = ObjectIdentifier(cell.takeUnretainedValue())
            if let local = localOf[key] { return local }
            localOf[key] = Int32(distinctCells.count)
            distinctCells.append(cell)
            return Int32(distinctCells.count - 1)
        }
        guard let bucketCount = distinctCells.first?.takeUnretainedValue().bucketCount else { return }
        let tallies = LocalTallies(cells: distinctCells.count, bucketCount: bucketCount)
        defer { tallies.deallocate() }
        var merged: [(cell: Int32, bits: UInt64)] = []
        columns.withUnsafeBufferPointer { columns in cellOf.withUnsafeBufferPointer { cellOf in
        let stride = table.columns
        table.sweep(order) { first, bits, otherGroups, otherBits in
            if otherGroups.isEmpty {
                for t in 0..<columns.count {
                    let b = bits[columns[t]]
                    if b != 0 { tallies.add(b, cell: Int(cellOf[t * groupCount + first])) }
                }
                return
            }
            for t in 0..<columns.count {
                let column = columns[t]
                merged.removeAll(keepingCapacity: true)
                if bits[column] != 0 { merged.append((cellOf[t * groupCount + first], bits[column])) }
                for k in otherGroups.indices {
                    let b = otherBits[k * stride + column]
                    guard b != 0 else { continue }
                    let cell = cellOf[t * groupCount + Int(otherGroups[k])]
                    if let i = merged.firstIndex(where: { $0.cell == cell }) {
                        merged[i].bits |= b
                    } else {
                        merged.append((cell, b))
                    }
                }
                for entry in merged { tallies.add(entry.bits, cell: Int(entry.cell)) }
            }
        }
        } }
        for (local, cell) in distinctCells.enumerated() where tallies.counted(cell: local) {
            cell._withUnsafeGuaranteedRef { $0.addDistinctTally(tallies.tally(cell: local)) }
        }
    }
}

/// Distinct tallies (`CellAccumulator.DistinctTally`) of a few cells in one plain buffer, for
/// the sweep after a pass: per cell, tuples per bucket, tuples by first dated period, the same
/// for tuples never undated, and tuples counted in every period.
private struct LocalTallies {
    let counts: UnsafeMutablePointer<Int>
    let bucketCount: Int
    let stride: Int

    init(cells: Int, bucketCount: Int) {
        self.bucketCount = bucketCount
        stride = 3 * bucketCount + 1
        counts = .allocate(capacity: max(1, cells * stride))
        counts.initialize(repeating: 0, count: max(1, cells * stride))
    }

    func deallocate() { counts.deallocate() }

    /// Counts one tuple of `cell` from its bucket bits (one word), as `DistinctTally.count`
    /// and `close` do for a cell's own tuples.
    @inline(__always)
    func add(_ bits: UInt64, cell: Int) {
        let base = counts + cell * stride
        let periods = bucketCount - 1
        var first = periods
        var undated = false
        var word = bits
        while word != 0 {
            let bit = word.trailingZeroBitCount
            word &= word - 1
            base[bit] += 1
            if bit == periods { undated = true } else if bit < first { first = bit }
        }
        base[bucketCount + first] += 1
        if undated { base[3 * bucketCount] += 1 } else { base[2 * bucketCount + first] += 1 }
    }

    /// Whether any tuple was counted in `cell` (each tuple adds to its first-period count).
    func counted(cell: Int) -> Bool {
        let base = counts + cell * stride + bucketCount
        return (0..<bucketCount).contains { base[$0] != 0 }
    }

    func tally(cell: Int) -> CellAccumulator.DistinctTally {
        let base = counts + cell * stride
        var tally = CellAccumulator.DistinctTally(bucketCount: bucketCount)
        for b in 0..<bucketCount {
            tally.perBucket[b] = base[b]
            tally.firstDated[b] = base[bucketCount + b]
            tally.firstDatedWithUndated[b] = base[2 * bucketCount + b]
        }
        tally.alwaysCounted = base[3 * bucketCount]
        return tally
    }
}

/// Hands a value to another thread whose use of it is ordered by a semaphore.
private final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
