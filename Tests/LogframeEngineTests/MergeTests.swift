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
