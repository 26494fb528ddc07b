import LogframeCore
import LogframeExpressions

// The fast path of the pass: a GROUP BY at the finest grain.
//
// Each row falls in exactly one fine group: its categories on every dimension any aggregate of
// the source breaks down by. Counts, sums and extremes go into that group's counters, one flat
// array per kind indexed by (group, aggregate, bucket), so a row costs one group lookup instead
// of one cell lookup per aggregate and breakdown. Each distinct tuple remembers the fine groups
// and buckets it occurred in. After the pass, `project` adds the groups into the breakdown cells
// (counts and exact sums are additive) and hands each tuple's bucket bits to every cell its
// groups fall in, so distinct figures are still recomputed per tuple (counting rule 2).
//
// Used when the needed dimensions fit a 64-bit group key (at most four) and the buckets fit one
// 64-bit word (at most 63 periods); otherwise the pass updates the cells row by row.

/// A growable buffer of trivial values, without the exclusivity and uniqueness checks that a
/// Swift array inside a class pays on every update.
struct FlatBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int
    private let fill: Element

    init(fill: Element, capacity: Int = 64) {
        self.fill = fill
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// Appends `n` copies of the fill value.
    mutating func grow(by n: Int) {
        if count + n > capacity {
            var newCapacity = capacity * 2
            while newCapacity < count + n { newCapacity *= 2 }
            let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
            newBase.moveInitialize(from: base, count: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }
        (base + count).initialize(repeating: fill, count: n)
        count += n
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// Counters of every fine group of one source's pass.
final class FineGroups {
    let aggregateCount: Int
    let bucketCount: Int
    /// The needed dimensions, in key order (first is the most significant 16 bits).
    let dimensions: [Int]
    private(set) var keys: [CellKey] = []
    private var index = IntegerSlotTable()
    private let stride: Int
    var matched: FlatBuffer<Int>
    var inputs: FlatBuffer<Int>
    var sums: FlatBuffer<Int128>
    var extremes: FlatBuffer<ExactDecimal?>
    /// Fractional digits of each aggregate's sums (all its groups and buckets share it).
    var sumScale: [Int]

    init(aggregateCount: Int, bucketCount: Int, dimensions: [Int]) {
        self.aggregateCount = aggregateCount
        self.bucketCount = bucketCount
        self.dimensions = dimensions
        stride = aggregateCount * bucketCount
        matched = FlatBuffer(fill: 0)
        inputs = FlatBuffer(fill: 0)
        sums = FlatBuffer(fill: 0)
        extremes = FlatBuffer(fill: nil)
        sumScale = Array(repeating: 0, count: aggregateCount)
    }

    deinit {
        matched.free(); inputs.free(); sums.free(); extremes.free()
    }

    /// The group of a row with these categories (indexed by dimension).
    @inline(__always)
    func group(for categories: UnsafeMutableBufferPointer<Int32>) -> Int {
        let key = CellKey(categories: categories, dimensions: dimensions)
        if let slot = index.slot(for: key.packed) { return Int(slot) }
        let group = keys.count
        index.insert(key.packed, Int32(group))
        keys.append(key)
        matched.grow(by: stride); inputs.grow(by: stride); sums.grow(by: stride); extremes.grow(by: stride)
        return group
    }

    @inline(__always)
    func slot(group: Int, aggregate: Int, bucket: Int) -> Int {
        group * stride + aggregate * bucketCount + bucket
    }

    /// Aggregates whose sums no longer fit 128 bits (see `CellAccumulator.sumOverflowed`).
    private(set) var sumOverflowed: Set<Int> = []

    /// Rescales an aggregate's sums to `scale` fractional digits (more than it has now).
    private func raiseScale(aggregate: Int, to scale: Int) {
        var overflow = false
        for group in 0..<keys.count {
            for bucket in 0..<bucketCount {
                let i = self.slot(group: group, aggregate: aggregate, bucket: bucket)
                sums[i] = ScaledSum.rescaled(sums[i], from: sumScale[aggregate], to: scale, overflow: &overflow)
            }
        }
        if overflow { sumOverflowed.insert(aggregate) }
        sumScale[aggregate] = scale
    }

    @inline(__always)
    func addSum(_ value: ExactDecimal, aggregate: Int, at slot: Int) {
        if value.scale > sumScale[aggregate] {
            // Rare: a value with more decimals than any before.
            raiseScale(aggregate: aggregate, to: value.scale)
        }
        var overflow = false
        let addend = ScaledSum.rescaled(value.significand, from: value.scale, to: sumScale[aggregate], overflow: &overflow)
        sums[slot] = ScaledSum.add(sums[slot], addend, overflow: &overflow)
        if overflow { sumOverflowed.insert(aggregate) }
        inputs[slot] += 1
    }

    @inline(__always)
    func addExtreme(_ value: ExactDecimal, at slot: Int, keepSmaller: Bool) {
        inputs[slot] += 1
        extremes[slot] = keptExtreme(extremes[slot], value, keepSmaller: keepSmaller)
    }

    /// Adds the counters of another pass's groups (same aggregates and buckets): `groupMap[g]`
    /// is this pass's group for `other`'s group g; `kept[a]` is what aggregate a keeps.
    func absorb(_ other: FineGroups, groupMap: [Int], kept: [KeptState]) {
        for a in 0..<aggregateCount where other.sumScale[a] > sumScale[a] {
            raiseScale(aggregate: a, to: other.sumScale[a])
        }
        sumOverflowed.formUnion(other.sumOverflowed)
        for (from, to) in groupMap.enumerated() {
            for a in 0..<aggregateCount {
                for bucket in 0..<bucketCount {
                    let source = other.slot(group: from, aggregate: a, bucket: bucket)
                    let target = slot(group: to, aggregate: a, bucket: bucket)
                    guard other.matched[source] > 0 else { continue }
                    matched[target] += other.matched[source]
                    let inputs = other.inputs[source]
                    guard inputs > 0 else { continue }
                    self.inputs[target] += inputs
                    switch kept[a] {
                    case .extreme(let keepSmaller):
                        if let value = other.extremes[source] {
                            extremes[target] = keptExtreme(extremes[target], value, keepSmaller: keepSmaller)
                        }
                    case .sum:
                        var overflow = false
                        let addend = ScaledSum.rescaled(other.sums[source], from: other.sumScale[a], to: sumScale[a], overflow: &overflow)
                        sums[target] = ScaledSum.add(sums[target], addend, overflow: &overflow)
                        if overflow { sumOverflowed.insert(a) }
                    case .matchedOnly, .tuples:
                        break
                    }
                }
            }
        }
    }

    /// Writes a group key's categories into a buffer indexed by dimension.
    func unpack(_ key: CellKey, into categories: UnsafeMutableBufferPointer<Int32>) {
        key.unpack(dimensions: dimensions, into: categories)
    }
}

/// For the distinct aggregates of one source's pass that count the same tuples (the same
/// argument list, e.g. every `distinct(beneficiary_id ...)`): for each tuple, the fine groups it
/// occurred in and, per group and aggregate ("column"), the set of buckets (one 64-bit word).
///
/// Laid out for the row loop, which touches one tuple per row: a tuple's first group and its
/// bits for every column sit side by side in one record (`columns + 1` words, one cache line
/// for up to seven aggregates), indexed by the tuple id itself. A table per aggregate cost one
/// cache miss per aggregate per row, and memory per aggregate per tuple.
final class FineTuples {
    let columns: Int
    private let stride: Int
    /// Per tuple id, `stride` words: [first group (all ones = not seen), bits of column 0, ...],
    /// in pages of `pageSize` tuples, allocated as tuple ids reach them: memory grows
    /// with the people seen, never copied, with at most one partly used page (a doubling array
    /// held up to twice the records, and three times while it copied).
    /// Pages are allocated when a tuple id in them is first added: tuple ids are shared by all
    /// the sources of a run, so a later source's tables start far from id 0.
    private var pages: [UnsafeMutablePointer<UInt64>?] = []
    private static let pageShift = 15
    private static let pageSize = 1 << pageShift
    /// Tuple ids with a record (a whole number of pages).
    private var tupleCount = 0
    /// Further (tuple, group) pairs: key tuple << 32 | group -> index into `overflow`.
    private var overflowIndex = IntegerSlotTable()
    private(set) var overflow: [(tuple: Int32, group: Int32)] = []
    /// `columns` words per overflow entry.
    private var overflowBits: [UInt64] = []

    init(columns: Int) {
        self.columns = columns
        stride = columns + 1
    }

    deinit { for page in pages { page?.deallocate() } }

    /// The record of tuple `t` (below `tupleCount`), or nil when its page was never allocated
    /// (no tuple of it was added).
    @inline(__always)
    private func record(_ t: Int) -> UnsafeMutablePointer<UInt64>? {
        pages[t >> FineTuples.pageShift].map { $0 + (t & (FineTuples.pageSize - 1)) * stride }
    }

    /// The record of tuple `t`, allocating its page if needed.
    @inline(__always)
    private func recordForUpdate(_ t: Int) -> UnsafeMutablePointer<UInt64> {
        if t >= tupleCount { grow(to: t + 1) }
        if let record = record(t) { return record }
        let page = UnsafeMutablePointer<UInt64>.allocate(capacity: FineTuples.pageSize * stride)
        page.initialize(repeating: UInt64.max, count: FineTuples.pageSize * stride)
        pages[t >> FineTuples.pageShift] = page
        return record(t)!
    }

    /// Records that `tuple` occurred in `group` for `column` in the buckets whose bits are set.
    @inline(__always)
    func add(tuple: Int32, group: Int, column: Int, bits: UInt64) {
        let record = recordForUpdate(Int(tuple))
        if record[0] == UInt64.max {
            record[0] = UInt64(group)
            for c in 1...columns { record[c] = 0 }
        }
        if record[0] == UInt64(group) {
            record[1 + column] |= bits
            return
        }
        // The same tuple in another group (moved district, had a birthday): rare.
        let key = UInt64(UInt32(bitPattern: tuple)) << 32 | UInt64(UInt32(group))
        if let slot = overflowIndex.slot(for: key) {
            overflowBits[Int(slot) * columns + column] |= bits
        } else {
            overflowIndex.insert(key, Int32(overflow.count))
            overflow.append((tuple, Int32(group)))
            overflowBits.append(contentsOf: repeatElement(0, count: columns))
            overflowBits[overflowBits.count - columns + column] = bits
        }
    }

    private func grow(to count: Int) {
        while tupleCount < count {
            pages.append(nil)
            tupleCount += FineTuples.pageSize
        }
    }

    /// Adds another pass's table for the same aggregates (same columns): its tuple t is this
    /// table's `tupleMap[t]`, its group g this pass's `groupMap[g]`. One visit per tuple and
    /// group for all columns together.
    func absorb(_ other: FineTuples, tupleMap: [Int32], groupMap: [Int]) {
        precondition(other.columns == columns)
        for t in 0..<other.tupleCount {
            guard let record = other.record(t), record[0] != UInt64.max else { continue }
            add(tuple: tupleMap[t], group: groupMap[Int(record[0])], bits: record + 1)
        }
        other.overflowBits.withUnsafeBufferPointer { bits in
            for (i, entry) in other.overflow.enumerated() {
                add(tuple: tupleMap[Int(entry.tuple)], group: groupMap[Int(entry.group)], bits: bits.baseAddress! + i * columns)
            }
        }
    }

    private func add(tuple: Int32, group: Int, bits: UnsafePointer<UInt64>) {
        for column in 0..<columns where bits[column] != 0 {
            add(tuple: tuple, group: group, column: column, bits: bits[column])
        }
    }

    /// The further groups of each tuple, gathered by a counting sort of the overflow entries.
    struct OverflowOrder {
        /// `order[start[t]..<start[t + 1]]` are tuple t's overflow entries.
        fileprivate let start: [Int]
        fileprivate let order: [Int]
    }

    func overflowOrder() -> OverflowOrder {
        let (start, order) = overflowByTuple()
        return OverflowOrder(start: start, order: order)
    }

    /// Each tuple once, in id order: its first group, its bits there per column, and the range
    /// of its further groups (people who moved between groups) for `overflowEntry`. Reads only,
    /// so several threads may sweep one table at once.
    func sweep(_ order: OverflowOrder, _ body: (_ firstGroup: Int, _ bits: UnsafePointer<UInt64>, _ others: Range<Int>) -> Void) {
        let start = order.start
        for t in 0..<tupleCount {
            guard let record = self.record(t) else { continue }
            let first = record[0]
            guard first != UInt64.max else { continue }
            body(Int(first), record + 1, start[t]..<start[t + 1])
        }
    }

    /// The group and the bits of `column` of a further group given by `sweep`.
    @inline(__always)
    func overflowEntry(_ order: OverflowOrder, _ k: Int, column: Int) -> (group: Int, bits: UInt64) {
        let i = order.order[k]
        return (Int(overflow[i].group), overflowBits[i * columns + column])
    }

    /// Overflow entry indices sorted by tuple: `order[start[t]..<start[t + 1]]` are tuple t's.
    private func overflowByTuple() -> (start: [Int], order: [Int]) {
        var start = Array(repeating: 0, count: tupleCount + 1)
        for entry in overflow { start[Int(entry.tuple) + 1] += 1 }
        for t in 0..<tupleCount { start[t + 1] += start[t] }
        var order = Array(repeating: 0, count: overflow.count)
        var next = start
        for (i, entry) in overflow.enumerated() {
            order[next[Int(entry.tuple)]] = i
            next[Int(entry.tuple)] += 1
        }
        return (start, order)
    }

    /// Every (tuple, group, bucket bits) entry of `column` with at least one bit.
    func forEachEntry(column: Int, _ body: (Int32, Int, UInt64) -> Void) {
        for t in 0..<tupleCount {
            guard let record = self.record(t) else { continue }
            let first = record[0]
            guard first != UInt64.max else { continue }
            let bits = record[1 + column]
            if bits != 0 { body(Int32(t), Int(first), bits) }
        }
        for (i, entry) in overflow.enumerated() {
            let bits = overflowBits[i * columns + column]
            if bits != 0 { body(entry.tuple, Int(entry.group), bits) }
        }
    }
}

/// Where a distinct aggregate's tuples are kept: a table shared with the other aggregates that
/// count the same tuples, and its column there.
struct DistinctColumn {
    let table: FineTuples
    let column: Int
}
