import LogframeCore
import LogframeExpressions

/// The running state of one aggregate in one breakdown cell, per time bucket.
///
/// Buckets are the programme's periods in order, then one bucket for undated records. Counts and
/// sums per bucket are additive, so cumulative figures can be recomputed from them exactly;
/// distinct counts keep, per distinct tuple, the set of buckets it occurred in, so cumulative
/// distinct counts are recomputed from the tuples and never summed from period counts
/// (counting rule 2).
final class CellAccumulator {
    let bucketCount: Int
    /// Rows that passed the filter, per bucket.
    var matched: [Int]
    /// Non-null inputs per bucket (sum, avg, min, max).
    var inputs: [Int]
    var sums: [ExactDecimal]
    var extremes: [ExactDecimal?]
    /// Distinct tuple id -> index of its first word in `bucketWords`.
    var distinctSlots: [Int32: Int32] = [:]
    var bucketWords: [UInt64] = []
    let wordsPerTuple: Int

    init(function: AggregateFunction, bucketCount: Int) {
        self.bucketCount = bucketCount
        matched = Array(repeating: 0, count: bucketCount)
        switch function {
        case .sum, .avg:
            inputs = Array(repeating: 0, count: bucketCount)
            sums = Array(repeating: .zero, count: bucketCount)
            extremes = []
        case .min, .max:
            inputs = Array(repeating: 0, count: bucketCount)
            sums = []
            extremes = Array(repeating: nil, count: bucketCount)
        case .count, .distinct:
            inputs = []
            sums = []
            extremes = []
        }
        wordsPerTuple = (bucketCount + 63) / 64
    }

    @inline(__always)
    func addDistinct(tuple: Int32, bucket: Int) {
        let base: Int
        if let slot = distinctSlots[tuple] {
            base = Int(slot)
        } else {
            base = bucketWords.count
            distinctSlots[tuple] = Int32(truncatingIfNeeded: base)
            bucketWords.append(contentsOf: repeatElement(0, count: wordsPerTuple))
        }
        bucketWords[base + bucket >> 6] |= 1 << UInt64(bucket & 63)
    }

    /// The aggregate's value over the records in `buckets` (a set of bucket indices given as a
    /// predicate over the range), recomputed from the per-bucket state.
    func value(of function: AggregateFunction, in buckets: Range<Int>, plus extra: Int? = nil) -> ExactDecimal? {
        var selected = Array(buckets)
        if let extra { selected.append(extra) }
        switch function {
        case .count:
            return ExactDecimal(selected.reduce(0) { $0 + matched[$1] })
        case .sum:
            return selected.reduce(ExactDecimal.zero) { $0 + sums[$1] }
        case .avg:
            let n = selected.reduce(0) { $0 + inputs[$1] }
            guard n > 0 else { return nil }
            return selected.reduce(ExactDecimal.zero) { $0 + sums[$1] } / ExactDecimal(n)
        case .min:
            return selected.compactMap { extremes[$0] }.min()
        case .max:
            return selected.compactMap { extremes[$0] }.max()
        case .distinct:
            return ExactDecimal(distinctCount(in: selected))
        }
    }

    func distinctCount(in buckets: [Int]) -> Int {
        guard !buckets.isEmpty else { return 0 }
        // A mask per word of the buckets asked for, then one pass over the tuples.
        var mask = Array(repeating: UInt64(0), count: wordsPerTuple)
        for bucket in buckets { mask[bucket >> 6] |= 1 << UInt64(bucket & 63) }
        var count = 0
        var base = 0
        let words = bucketWords
        while base < words.count {
            for w in 0..<wordsPerTuple where words[base + w] & mask[w] != 0 {
                count += 1
                break
            }
            base += wordsPerTuple
        }
        return count
    }

    func matchedRows(in buckets: Range<Int>, plus extra: Int? = nil) -> Int {
        buckets.reduce(0) { $0 + matched[$1] } + (extra.map { matched[$0] } ?? 0)
    }
}

/// All cells of one breakdown of one aggregate, found by a packed key of category indices.
final class BreakdownAccumulator {
    let function: AggregateFunction
    let bucketCount: Int
    var cells: [UInt64: CellAccumulator] = [:]

    init(function: AggregateFunction, bucketCount: Int) {
        self.function = function
        self.bucketCount = bucketCount
    }

    @inline(__always)
    func cell(_ key: UInt64) -> CellAccumulator {
        if let cell = cells[key] { return cell }
        let cell = CellAccumulator(function: function, bucketCount: bucketCount)
        cells[key] = cell
        return cell
    }

    /// Packs up to four category indices (16 bits each) into one key.
    @inline(__always)
    static func pack(_ categories: [Int32], dimensions: [Int]) -> UInt64 {
        var key: UInt64 = 0
        for dimension in dimensions {
            key = key << 16 | UInt64(UInt16(truncatingIfNeeded: categories[dimension]))
        }
        return key
    }
}
