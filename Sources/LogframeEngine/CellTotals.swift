import LogframeCore
import LogframeExpressions

/// A breakdown cell (or fine group) named by its categories: one 16-bit category number per
/// dimension, the first dimension in the most significant bits. The total, with no
/// dimensions, is key 0; a one-dimension cell's key is its category number.
struct CellKey: Hashable, Sendable {
    var packed: UInt64

    static let total = CellKey(packed: 0)

    init(packed: UInt64) { self.packed = packed }

    /// The key of a record with these categories (indexed by dimension) on `dimensions`.
    @inline(__always)
    init(categories: UnsafeMutableBufferPointer<Int32>, dimensions: [Int]) {
        var key: UInt64 = 0
        for dimension in dimensions {
            key = key << 16 | UInt64(UInt16(truncatingIfNeeded: categories[dimension]))
        }
        packed = key
    }

    /// The key of these category numbers, one per dimension in order.
    init(_ combination: [Int32]) {
        var key: UInt64 = 0
        for category in combination { key = key << 16 | UInt64(UInt16(truncatingIfNeeded: category)) }
        packed = key
    }

    /// The category number at `position` of a key over `count` dimensions.
    @inline(__always)
    func category(at position: Int, of count: Int) -> Int32 {
        Int32((packed >> UInt64(16 * (count - 1 - position))) & 0xFFFF)
    }

    /// Writes the categories into a buffer indexed by dimension.
    func unpack(dimensions: [Int], into categories: UnsafeMutableBufferPointer<Int32>) {
        for (position, dimension) in dimensions.enumerated() {
            categories[dimension] = category(at: position, of: dimensions.count)
        }
    }
}

/// Distinct counts of one cell per bucket and cumulative by period: what every distinct figure
/// is read from (a tuple counts in the cumulative value of every period from the first one it
/// occurs in; tuples of undated records in all of them).
struct DistinctSummary: Equatable, Sendable {
    /// Tuples seen in each bucket (the last bucket is the undated one).
    var perBucket: [Int]
    /// Tuples first seen in a period up to and including p.
    var cumulativeDated: [Int]
    /// Same, counting also tuples seen in undated records.
    var cumulativeWithUndated: [Int]
}

/// What the pass found for one aggregate in one breakdown cell, per bucket (the programme's
/// periods, then the undated bucket): the snapshot every figure is computed from.
struct CellTotal: Equatable {
    /// Records matched (that passed the filter).
    var matched: [Int]
    /// Non-null inputs (sum, avg, min, max; empty for the others).
    var inputs: [Int]
    /// Exact sums as significands at `sumScale` fractional digits (sum, avg; else empty).
    var sumSignificands: [Int128]
    var sumScale: Int
    /// Set when a sum no longer fit 128 bits: the figure is n/a, with an error.
    var sumOverflowed: Bool
    /// Minimum or maximum per bucket (min, max; else empty).
    var extremes: [ExactDecimal?]
    /// For distinct counts.
    var distinct: DistinctSummary?

    var bucketCount: Int { matched.count }

    /// The exact sum of one bucket.
    func sum(at bucket: Int) -> ExactDecimal {
        ExactDecimal(significand: sumSignificands[bucket], scale: sumScale)
    }

    /// Equal when every figure read from them is equal: sums compare by value, whatever the
    /// scale each path kept them at.
    static func == (a: CellTotal, b: CellTotal) -> Bool {
        a.matched == b.matched && a.inputs == b.inputs && a.sumOverflowed == b.sumOverflowed
            && a.extremes == b.extremes && a.distinct == b.distinct
            && a.sumSignificands.count == b.sumSignificands.count
            && a.sumSignificands.indices.allSatisfy { a.sum(at: $0) == b.sum(at: $0) }
    }

    /// The aggregate's value over the records in `buckets` (plus an `extra` bucket, the undated
    /// one), recomputed from the per-bucket totals. Distinct counts are read from the summary,
    /// so the buckets must be one bucket, the undated bucket alone, or periods from the first
    /// (with or without the undated bucket): the selections `Figures` makes.
    func value(of function: AggregateFunction, in buckets: Range<Int>, plus extra: Int? = nil) -> ExactDecimal? {
        var selected = Array(buckets)
        if let extra { selected.append(extra) }
        switch function {
        case .count:
            return ExactDecimal(selected.reduce(0) { $0 + matched[$1] })
        case .sum:
            // No data is not zero: a sum with no non-null input is n/a, like an average.
            guard !sumOverflowed, selected.contains(where: { inputs[$0] > 0 }) else { return nil }
            return sum(selected)
        case .avg:
            guard !sumOverflowed else { return nil }
            let n = selected.reduce(0) { $0 + inputs[$1] }
            guard n > 0 else { return nil }
            return sum(selected) / ExactDecimal(n)
        case .min:
            return selected.compactMap { extremes[$0] }.min()
        case .max:
            return selected.compactMap { extremes[$0] }.max()
        case .distinct:
            guard let summary = distinct else { return .zero }
            let periods = bucketCount - 1
            if extra == nil, buckets.count == 1 { return ExactDecimal(summary.perBucket[buckets.lowerBound]) }
            if buckets.isEmpty, extra == periods { return ExactDecimal(summary.perBucket[periods]) }
            precondition(buckets.lowerBound == 0 && buckets.upperBound > 0 && (extra == nil || extra == periods),
                         "distinct counts are read for one bucket or from the first period on")
            let last = buckets.upperBound - 1
            return ExactDecimal(extra == nil ? summary.cumulativeDated[last] : summary.cumulativeWithUndated[last])
        }
    }

    private func sum(_ buckets: [Int]) -> ExactDecimal {
        ExactDecimal(significand: buckets.reduce(Int128(0)) { $0 + sumSignificands[$1] }, scale: sumScale)
    }
}

/// The snapshot a pass produces and every figure is computed from: per aggregate and breakdown,
/// each cell in which the aggregate matched a record, with its per-bucket totals; the
/// dimensions' categories; per source what was read and from when; per indicator the records
/// matched. Any executor (fine groups, row by row, split between threads; a database later)
/// must fill the same totals: `Figures` reads nothing else.
struct CellTotals {
    /// cells[aggregate][breakdown][key]; breakdown 0 is the total (key `CellKey.total`).
    var cells: [[[CellKey: CellTotal]]]
    /// The category numbering the keys use, one table per dimension.
    var categories: [DimensionCategories]
    /// First bucket holding an accepted, in-range record, per source (absent = none).
    var firstBucket: [String: Int] = [:]
    var hasUndated: [String: Bool] = [:]
    /// rowsMatched[indicator][source]
    var rowsMatched: [[String: Int]]
    var sources: [SourceFigures] = []
    var log = DiagnosticLog()
    var rowsReadOnSecondThread = 0
    /// Distinct tuples whose ids were looked up in batches (`PendingTuples`), for the tests
    /// that check that path is taken.
    var tuplesLookedUpInBatches = 0
}
