import CPrefetch
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
    /// Further (tuple, group) pairs, in two shards: the tuples of even pages and those of odd
    /// pages, so that the two threads of a merge (`absorb`) each add to their own.
    private let shards = (OverflowShard(), OverflowShard())

    /// The overflow entries (tuple, group), shard by shard.
    var overflow: [(tuple: Int32, group: Int32)] { shards.0.entries + shards.1.entries }

    init(columns: Int) {
        self.columns = columns
        stride = columns + 1
    }

    deinit { for page in pages { page?.deallocate() } }

    /// The shard of tuple `t`'s further groups.
    @inline(__always)
    private func shard(_ t: Int) -> OverflowShard {
        (t >> FineTuples.pageShift) & 1 == 0 ? shards.0 : shards.1
    }

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

    /// Asks for tuple `t`'s record, when its page exists (see `lf_prefetch`).
    @inline(__always)
    func prefetch(tuple t: Int32) {
        let t = Int(t)
        guard t < tupleCount, let page = pages[t >> FineTuples.pageShift] else { return }
        lf_prefetch(page + (t & (FineTuples.pageSize - 1)) * stride)
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
        // The same tuple in another group (moved district, had a birthday: at 10M rows about
        // one person in two).
        shard(Int(tuple)).add(tuple: tuple, group: group, columns: columns, column: column, bits: bits)
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
    ///
    /// With `parallel`, on two threads: this table's tuples are shared out by page (even pages
    /// to one thread, odd pages to the other, as the overflow shards are); each thread visits
    /// the other table's tuples and overflow entries in order and updates the records and the
    /// overflow shard it owns. Without, the same two visits one after the other, so the table
    /// ends up the same either way.
    func absorb(_ other: FineTuples, tupleMap: [Int32], groupMap: [Int], parallel: Bool = false) {
        precondition(other.columns == columns)
        // Every page the merge writes, allocated before it starts: the threads only write records.
        for t in 0..<other.tupleCount {
            guard let record = other.record(t), record[0] != UInt64.max else { continue }
            _ = recordForUpdate(Int(tupleMap[t]))
        }
        let otherShards = [other.shards.0, other.shards.1]
        for shard in otherShards {
            for entry in shard.entries { _ = recordForUpdate(Int(tupleMap[Int(entry.tuple)])) }
        }
        let columns = self.columns, stride = self.stride, otherTuples = other.tupleCount
        pages.withUnsafeBufferPointer { mine in
        other.pages.withUnsafeBufferPointer { theirs in
        tupleMap.withUnsafeBufferPointer { tupleMap in
        groupMap.withUnsafeBufferPointer { groupMap in
            let shared = SharedMerge(mine: mine, theirs: theirs, tupleMap: tupleMap, groupMap: groupMap,
                                     shards: (shards.0, shards.1), otherShards: otherShards)
            onTwoThreads(parallel) { part in
                let shard = part == 0 ? shared.shards.0 : shared.shards.1
                for t in 0..<otherTuples {
                    guard let page = shared.theirs[t >> FineTuples.pageShift] else { continue }
                    let record = page + (t & (FineTuples.pageSize - 1)) * stride
                    guard record[0] != UInt64.max else { continue }
                    let target = Int(shared.tupleMap[t])
                    guard (target >> FineTuples.pageShift) & 1 == part else { continue }
                    FineTuples.merge(into: shared.mine, shard, target, group: Int(shared.groupMap[Int(record[0])]), bits: record + 1,
                                     columns: columns, stride: stride)
                }
                for theirShard in shared.otherShards {
                    theirShard.bits.withUnsafeBufferPointer { bits in
                        for (i, entry) in theirShard.entries.enumerated() {
                            let target = Int(shared.tupleMap[Int(entry.tuple)])
                            guard (target >> FineTuples.pageShift) & 1 == part else { continue }
                            FineTuples.merge(into: shared.mine, shard, target, group: Int(shared.groupMap[Int(entry.group)]),
                                             bits: bits.baseAddress! + i * columns, columns: columns, stride: stride)
                        }
                    }
                }
            }
        } } } }
    }

    /// What both threads of a parallel merge use, as plain pointers and objects: each thread
    /// writes only its own pages' records and its own shard.
    private struct SharedMerge: @unchecked Sendable {
        let mine: UnsafeBufferPointer<UnsafeMutablePointer<UInt64>?>
        let theirs: UnsafeBufferPointer<UnsafeMutablePointer<UInt64>?>
        let tupleMap: UnsafeBufferPointer<Int32>
        let groupMap: UnsafeBufferPointer<Int>
        let shards: (OverflowShard, OverflowShard)
        let otherShards: [OverflowShard]
    }

    /// `add(tuple:group:column:bits:)` for each column with bits, on a record whose page exists
    /// (`shard` is the target's).
    @inline(__always)
    private static func merge(into pages: UnsafeBufferPointer<UnsafeMutablePointer<UInt64>?>, _ shard: OverflowShard, _ target: Int,
                              group: Int, bits: UnsafePointer<UInt64>, columns: Int, stride: Int) {
        let record = pages[target >> pageShift]! + (target & (pageSize - 1)) * stride
        guard (0..<columns).contains(where: { bits[$0] != 0 }) else { return }
        if record[0] == UInt64.max {
            record[0] = UInt64(group)
            for c in 1...columns { record[c] = 0 }
        }
        if record[0] == UInt64(group) {
            for column in 0..<columns { record[1 + column] |= bits[column] }
        } else {
            shard.add(tuple: Int32(target), group: group, columns: columns, bits: bits)
        }
    }

    /// The further groups of each tuple, gathered by a counting sort of the overflow entries
    /// into tuple order, with their bits: the sweep then reads them in sequence (reading them
    /// through an index into the shards cost a cache miss per entry and column).
    struct OverflowOrder {
        /// `start[t]..<start[t + 1]`: tuple t's entries in `groups` (and in `bits`, `columns`
        /// words each).
        fileprivate let start: [Int]
        fileprivate let groups: [Int32]
        fileprivate let bits: [UInt64]
    }

    func overflowOrder() -> OverflowOrder {
        var start = Array(repeating: 0, count: tupleCount + 1)
        for shard in [shards.0, shards.1] {
            for entry in shard.entries { start[Int(entry.tuple) + 1] += 1 }
        }
        for t in 0..<tupleCount { start[t + 1] += start[t] }
        let total = shards.0.entries.count + shards.1.entries.count
        var groups = Array(repeating: Int32(0), count: total)
        // At least one word, so the sweep always has a pointer to hand on (read only for entries).
        var bits = Array(repeating: UInt64(0), count: max(1, total * columns))
        var next = start
        for shard in [shards.0, shards.1] {
            for (i, entry) in shard.entries.enumerated() {
                let k = next[Int(entry.tuple)]
                next[Int(entry.tuple)] += 1
                groups[k] = entry.group
                for c in 0..<columns { bits[k * columns + c] = shard.bits[i * columns + c] }
            }
        }
        return OverflowOrder(start: start, groups: groups, bits: bits)
    }

    /// Each tuple once, in id order: its first group, its bits there per column, and its further
    /// groups (people who moved between groups) with their bits (`columns` words each). Reads
    /// only, so several threads may sweep one table at once.
    func sweep(_ order: OverflowOrder, _ body: (_ firstGroup: Int, _ bits: UnsafePointer<UInt64>,
                                                _ otherGroups: UnsafeBufferPointer<Int32>, _ otherBits: UnsafePointer<UInt64>) -> Void) {
        // Page by page, through plain pointers (an array property read per tuple is retained).
        let columns = columns
        order.start.withUnsafeBufferPointer { start in
        order.groups.withUnsafeBufferPointer { otherGroups in
        order.bits.withUnsafeBufferPointer { otherBits in
            let bitsBase = otherBits.baseAddress!
            pages.withUnsafeBufferPointer { pages in
                for (p, page) in pages.enumerated() {
                    guard let page else { continue }
                    let base = p << FineTuples.pageShift
                    for i in 0..<min(FineTuples.pageSize, tupleCount - base) {
                        let record = page + i * stride
                        let first = record[0]
                        guard first != UInt64.max else { continue }
                        let from = start[base + i], to = start[base + i + 1]
                        body(Int(first), record + 1, UnsafeBufferPointer(rebasing: otherGroups[from..<to]), bitsBase + from * columns)
                    }
                }
            }
        } } }
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
        for shard in [shards.0, shards.1] {
            for (i, entry) in shard.entries.enumerated() {
                let bits = shard.bits[i * columns + column]
                if bits != 0 { body(entry.tuple, Int(entry.group), bits) }
            }
        }
    }
}

/// Further groups of some of a `FineTuples` table's tuples: key tuple << 32 | group -> entry,
/// and per entry the bits of every column.
final class OverflowShard {
    private var index = IntegerSlotTable()
    private(set) var entries: [(tuple: Int32, group: Int32)] = []
    /// `columns` words per entry.
    private(set) var bits: [UInt64] = []

    /// The entry of (tuple, group), made (with no bits) when new.
    @inline(__always)
    private func entry(tuple: Int32, group: Int, columns: Int) -> Int {
        let key = UInt64(UInt32(bitPattern: tuple)) << 32 | UInt64(UInt32(group))
        if let slot = index.slot(for: key) { return Int(slot) }
        index.insert(key, Int32(entries.count))
        entries.append((tuple, Int32(group)))
        bits.append(contentsOf: repeatElement(0, count: columns))
        return entries.count - 1
    }

    func add(tuple: Int32, group: Int, columns: Int, column: Int, bits: UInt64) {
        self.bits[entry(tuple: tuple, group: group, columns: columns) * columns + column] |= bits
    }

    /// The same for every column at once (`bits`: one word per column).
    func add(tuple: Int32, group: Int, columns: Int, bits: UnsafePointer<UInt64>) {
        let base = entry(tuple: tuple, group: group, columns: columns) * columns
        for column in 0..<columns { self.bits[base + column] |= bits[column] }
    }
}

/// Where a distinct aggregate's tuples are kept: a table shared with the other aggregates that
/// count the same tuples, and its column there.
struct DistinctColumn {
    let table: FineTuples
    let column: Int
}
