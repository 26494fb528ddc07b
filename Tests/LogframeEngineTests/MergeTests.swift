import Testing
import LogframeCore
@testable import LogframeEngine

/// The merge of a second thread's fine groups (`FineGroups.absorb`), hand-computed.
@Suite("Merging fine groups")
struct MergeTests {
    static func group(_ groups: FineGroups, category: Int32) -> Int {
        let categories = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 1)
        defer { categories.deallocate() }
        categories[0] = category
        return groups.group(for: categories)
    }

    @Test("Sums at different scales add exactly, whichever side has more decimals")
    func sumsAlignScales() {
        let mine = FineGroups(aggregateCount: 2, bucketCount: 2, dimensions: [0])
        let theirs = FineGroups(aggregateCount: 2, bucketCount: 2, dimensions: [0])
        let g = Self.group(mine, category: 1)
        // Aggregate 0: 1.5 here, 0.125 there -> 1.625 (this side rescaled to 3 decimals).
        mine.addSum(ExactDecimal(significand: 15, scale: 1), aggregate: 0, at: mine.slot(group: g, aggregate: 0, bucket: 1))
        // Aggregate 1: 2.25 here, 3 there -> 5.25 (the other side's 3 scaled up to 300).
        mine.addSum(ExactDecimal(significand: 225, scale: 2), aggregate: 1, at: mine.slot(group: g, aggregate: 1, bucket: 1))
        // The other side has a group this side lacks (category 2) and the shared one (category 1).
        let t2 = Self.group(theirs, category: 2)
        let t1 = Self.group(theirs, category: 1)
        theirs.addSum(ExactDecimal(significand: 125, scale: 3), aggregate: 0, at: theirs.slot(group: t1, aggregate: 0, bucket: 1))
        theirs.addSum(ExactDecimal(significand: 3, scale: 0), aggregate: 1, at: theirs.slot(group: t1, aggregate: 1, bucket: 1))
        theirs.addSum(ExactDecimal(significand: 7, scale: 0), aggregate: 1, at: theirs.slot(group: t2, aggregate: 1, bucket: 0))
        for slot in [theirs.slot(group: t1, aggregate: 0, bucket: 1), theirs.slot(group: t1, aggregate: 1, bucket: 1),
                     theirs.slot(group: t2, aggregate: 1, bucket: 0)] { theirs.matched[slot] += 1 }
        mine.matched[mine.slot(group: g, aggregate: 0, bucket: 1)] += 1
        mine.matched[mine.slot(group: g, aggregate: 1, bucket: 1)] += 1

        let g2 = Self.group(mine, category: 2)
        mine.absorb(theirs, groupMap: [g2, g], kept: [.sum, .sum])
        #expect(mine.sumScale == [3, 2])
        #expect(mine.sums[mine.slot(group: g, aggregate: 0, bucket: 1)] == 1625)
        #expect(mine.sums[mine.slot(group: g, aggregate: 1, bucket: 1)] == 525)
        #expect(mine.sums[mine.slot(group: g2, aggregate: 1, bucket: 0)] == 700)
        #expect(mine.inputs[mine.slot(group: g, aggregate: 0, bucket: 1)] == 2)
        #expect(mine.matched[mine.slot(group: g, aggregate: 1, bucket: 1)] == 2)
        #expect(mine.matched[mine.slot(group: g2, aggregate: 1, bucket: 0)] == 1)
    }

    @Test("Extremes keep the smaller (min) or larger (max) of the two sides")
    func extremes() {
        let mine = FineGroups(aggregateCount: 2, bucketCount: 1, dimensions: [0])
        let theirs = FineGroups(aggregateCount: 2, bucketCount: 1, dimensions: [0])
        let g = Self.group(mine, category: 1), t = Self.group(theirs, category: 1)
        for (groups, group, values) in [(mine, g, [4, 4]), (theirs, t, [2, 9])] {
            for a in 0..<2 {
                let slot = groups.slot(group: group, aggregate: a, bucket: 0)
                groups.matched[slot] += 1
                groups.addExtreme(ExactDecimal(values[a]), at: slot, keepSmaller: a == 0)
            }
        }
        mine.absorb(theirs, groupMap: [g], kept: [.extreme(keepSmaller: true), .extreme(keepSmaller: false)])
        #expect(mine.extremes[mine.slot(group: g, aggregate: 0, bucket: 0)] == ExactDecimal(2))
        #expect(mine.extremes[mine.slot(group: g, aggregate: 1, bucket: 0)] == ExactDecimal(9))
        #expect(mine.inputs[mine.slot(group: g, aggregate: 1, bucket: 0)] == 2)
    }
}

/// The merge of a second thread's tuple tables (`FineTuples.absorb`), on one thread and on two,
/// against a model of what the merged table must hold.
@Suite("Merging tuple tables")
struct TupleMergeTests {
    /// A seeded generator (SplitMix64), so each run builds the same tables.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Entry: Hashable { let tuple: Int32, group: Int, column: Int }

    /// Adds `count` random (tuple, group, column, bucket) updates to `tables` alike and to `model`.
    static func fill(_ tables: [FineTuples], model: inout [Entry: UInt64], tuples: Int, groups: Int, count: Int,
                     map: (Int32) -> Int32 = { $0 }, groupMap: (Int) -> Int = { $0 }, random: inout Seeded) {
        let columns = tables[0].columns
        for _ in 0..<count {
            let tuple = Int32(Int.random(in: 0..<tuples, using: &random))
            // Most people stay in one group; some move (the overflow table).
            let group = Int.random(in: 0..<10, using: &random) < 8 ? Int(tuple) % groups : Int.random(in: 0..<groups, using: &random)
            let column = Int.random(in: 0..<columns, using: &random)
            let bits = UInt64(1) << UInt64(Int.random(in: 0..<20, using: &random))
            for table in tables { table.add(tuple: tuple, group: group, column: column, bits: bits) }
            model[Entry(tuple: map(tuple), group: groupMap(group), column: column), default: 0] |= bits
        }
    }

    static func entries(_ table: FineTuples) -> [[(Int32, Int, UInt64)]] {
        (0..<table.columns).map { column in
            var list: [(Int32, Int, UInt64)] = []
            table.forEachEntry(column: column) { list.append(($0, $1, $2)) }
            return list
        }
    }

    @Test("On two threads the merged table is exactly the one-thread merge's, and holds every update once")
    func twoThreadsAsOne() {
        var random = Seeded(state: 7)
        let columns = 3, mineTuples = 90_000, theirTuples = 80_000, groups = 12
        let oneThread = FineTuples(columns: columns), twoThreads = FineTuples(columns: columns)
        var model: [Entry: UInt64] = [:]
        Self.fill([oneThread, twoThreads], model: &model, tuples: mineTuples, groups: groups, count: 150_000, random: &random)
        // Their tuples: half are people this side has (ids scattered over its pages), half new
        // ones numbered after them; their groups are numbered the other way round.
        var tupleMap = [Int32](repeating: -1, count: theirTuples)
        var nextNew = Int32(mineTuples)
        for t in 0..<theirTuples {
            if t % 2 == 0 { tupleMap[t] = Int32((t * 7_919) % mineTuples) } else { tupleMap[t] = nextNew; nextNew += 1 }
        }
        let groupMap = (0..<groups).map { groups - 1 - $0 }
        let theirs = FineTuples(columns: columns)
        Self.fill([theirs], model: &model, tuples: theirTuples, groups: groups, count: 120_000,
                  map: { tupleMap[Int($0)] }, groupMap: { groupMap[$0] }, random: &random)
        #expect(theirs.overflow.count > 100, "the test reaches the overflow table")

        oneThread.absorb(theirs, tupleMap: tupleMap, groupMap: groupMap, parallel: false)
        twoThreads.absorb(theirs, tupleMap: tupleMap, groupMap: groupMap, parallel: true)
        let one = Self.entries(oneThread), two = Self.entries(twoThreads)
        for column in 0..<columns {
            #expect(one[column].elementsEqual(two[column]) { $0 == $1 }, "column \(column): same entries in the same order")
            var merged: [Entry: UInt64] = [:]
            for (tuple, group, bits) in two[column] {
                let entry = Entry(tuple: tuple, group: group, column: column)
                #expect(merged[entry] == nil, "one entry per tuple and group")
                merged[entry] = bits
            }
            let expected = model.filter { $0.key.column == column }
            #expect(merged.count == expected.count, "column \(column): as many entries as the model")
            let wrong = expected.filter { merged[$0.key] != $0.value }.count
            #expect(wrong == 0, "column \(column): entries whose bits differ from the model's")
        }
        #expect(oneThread.overflow.elementsEqual(twoThreads.overflow) { $0 == $1 })
    }
}
