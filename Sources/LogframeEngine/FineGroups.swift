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
    private(set) var keys: [UInt64] = []
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
        var key: UInt64 = 0
        for dimension in dimensions {
            key = key << 16 | UInt64(UInt16(truncatingIfNeeded: categories[dimension]))
        }
        if let slot = index.slot(for: key) { return Int(slot) }
        let group = keys.count
        index.insert(key, Int32(group))
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
        let factor = power10(scale - sumScale[aggregate])
        for group in 0..<keys.count {
            for bucket in 0..<bucketCount {
                let i = self.slot(group: group, aggregate: aggregate, bucket: bucket)
                let (m, overflow) = sums[i].multipliedReportingOverflow(by: factor)
                if overflow { sumOverflowed.insert(aggregate) }
                sums[i] = m
            }
        }
        sumScale[aggregate] = scale
    }

    @inline(__always)
    func addSum(_ value: ExactDecimal, aggregate: Int, at slot: Int) {
        if value.scale > sumScale[aggregate] {
            // Rare: a value with more decimals than any before.
            raiseScale(aggregate: aggregate, to: value.scale)
        }
        let scale = sumScale[aggregate]
        var addend = value.significand
        if value.scale < scale {
            let (m, overflow) = addend.multipliedReportingOverflow(by: power10(scale - value.scale))
            if overflow { sumOverflowed.insert(aggregate) }
            addend = m
        }
        let (total, overflow) = sums[slot].addingReportingOverflow(addend)
        if overflow { sumOverflowed.insert(aggregate) }
        sums[slot] = total
        inputs[slot] += 1
    }

    @inline(__always)
    func addExtreme(_ value: ExactDecimal, at slot: Int, keepSmaller: Bool) {
        inputs[slot] += 1
        if let current = extremes[slot], keepSmaller ? current <= value : current >= value { return }
        extremes[slot] = value
    }

    /// Adds the counters of another pass's groups (same aggregates and buckets): `groupMap[g]`
    /// is this pass's group for `other`'s group g; `keepSmaller[a]` says how aggregate a's
    /// extremes compare (nil when it keeps none).
    func absorb(_ other: FineGroups, groupMap: [Int], keepSmaller: [Bool?]) {
        var factor = [Int128](repeating: 1, count: aggregateCount)
        for a in 0..<aggregateCount {
            if other.sumScale[a] > sumScale[a] { raiseScale(aggregate: a, to: other.sumScale[a]) }
            factor[a] = power10(sumScale[a] - other.sumScale[a])
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
                    if let keep = keepSmaller[a] {
                        if let value = other.extremes[source],
                           extremes[target].map({ keep ? value < $0 : value > $0 }) ?? true {
                            extremes[target] = value
                        }
                        continue
                    }
                    let (addend, overflow1) = other.sums[source].multipliedReportingOverflow(by: factor[a])
                    let (total, overflow2) = sums[target].addingReportingOverflow(addend)
                    if overflow1 || overflow2 { sumOverflowed.insert(a) }
                    sums[target] = total
                }
            }
        }
    }

    /// Category index of `dimension` within a group key.
    func category(of key: UInt64, dimension position: Int) -> Int32 {
        Int32((key >> UInt64(16 * (dimensions.count - 1 - position))) & 0xFFFF)
    }

    /// Writes a group key's categories into a buffer indexed by dimension.
    func unpack(_ key: UInt64, into categories: UnsafeMutableBufferPointer<Int32>) {
        for (position, dimension) in dimensions.enumerated() {
            categories[dimension] = category(of: key, dimension: position)
        }
    }
}

/// For one distinct aggregate in one source's pass: for each tuple, the fine groups it occurred
/// in and, per group, the set of buckets (one 64-bit word).
final class FineTuples {
    /// Global tuple id -> local index (-1 = not seen by this aggregate).
    private var localOfGlobal = FlatBuffer<Int32>(fill: -1)
    private(set) var globalOfLocal: [Int32] = []
    /// The first group each tuple occurred in, and its bucket bits there.
    private var primaryGroup = FlatBuffer<Int32>(fill: -1)
    private var primaryBits = FlatBuffer<UInt64>(fill: 0)
    /// Further (tuple, group) pairs: key local << 32 | group -> index into `overflowBits`.
    private var overflowIndex = IntegerSlotTable()
    private(set) var overflow: [(local: Int32, group: Int32)] = []
    private var overflowBits: [UInt64] = []

    deinit {
        localOfGlobal.free(); primaryGroup.free(); primaryBits.free()
    }

    /// Records that the tuple occurred in `group` in the buckets whose bits are set.
    @inline(__always)
    func add(tuple global: Int32, group: Int, bits bit: UInt64) {
        let g = Int(global)
        if g >= localOfGlobal.count { localOfGlobal.grow(by: g + 1 - localOfGlobal.count) }
        var local = localOfGlobal[g]
        if local < 0 {
            local = Int32(globalOfLocal.count)
            localOfGlobal[g] = local
            globalOfLocal.append(global)
            primaryGroup.grow(by: 1)
            primaryBits.grow(by: 1)
            primaryGroup[Int(local)] = Int32(group)
        }
        if primaryGroup[Int(local)] == Int32(group) {
            primaryBits[Int(local)] |= bit
            return
        }
        // The same tuple in another group (moved district, had a birthday): rare.
        let key = UInt64(UInt32(bitPattern: local)) << 32 | UInt64(UInt32(group))
        if let slot = overflowIndex.slot(for: key) {
            overflowBits[Int(slot)] |= bit
        } else {
            overflowIndex.insert(key, Int32(overflowBits.count))
            overflow.append((local, Int32(group)))
            overflowBits.append(bit)
        }
    }

    /// Each tuple once, with all its (group, bucket bits) entries: the first group, then the
    /// others (people who moved between groups), gathered by a counting sort of the overflow.
    func forEachTuple(_ body: (Int32, ArraySlice<(group: Int, bits: UInt64)>) -> Void) {
        let tuples = globalOfLocal.count
        var start = Array(repeating: 0, count: tuples + 1)
        for entry in overflow { start[Int(entry.local) + 1] += 1 }
        for i in 0..<tuples { start[i + 1] += start[i] }
        var sorted = Array(repeating: (group: 0, bits: UInt64(0)), count: overflow.count)
        var next = start
        for (i, entry) in overflow.enumerated() {
            sorted[next[Int(entry.local)]] = (Int(entry.group), overflowBits[i])
            next[Int(entry.local)] += 1
        }
        var entries: [(group: Int, bits: UInt64)] = []
        for local in 0..<tuples {
            entries.removeAll(keepingCapacity: true)
            entries.append((Int(primaryGroup[local]), primaryBits[local]))
            entries.append(contentsOf: sorted[start[local]..<start[local + 1]])
            body(globalOfLocal[local], entries[...])
        }
    }

    /// Every (global tuple, group, bucket bits) entry.
    func forEachEntry(_ body: (Int32, Int, UInt64) -> Void) {
        for local in 0..<globalOfLocal.count {
            body(globalOfLocal[local], Int(primaryGroup[local]), primaryBits[local])
        }
        for (i, entry) in overflow.enumerated() {
            body(globalOfLocal[Int(entry.local)], Int(entry.group), overflowBits[i])
        }
    }
}
