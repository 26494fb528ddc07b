import LogframeCore
import LogframeExpressions

/// What an aggregate keeps per cell (or fine group) and bucket besides the records matched:
/// the one place that says which state each function needs. The row loops, the merge of two
/// threads and the projection of fine groups switch on this, not on the function.
enum KeptState: Equatable {
    /// count: the records matched only.
    case matchedOnly
    /// sum, avg: an exact sum and its input count.
    case sum
    /// min, max: the extreme and its input count.
    case extreme(keepSmaller: Bool)
    /// distinct: each tuple's bucket bits.
    case tuples
}

extension AggregateFunction {
    var kept: KeptState {
        switch self {
        case .count: return .matchedOnly
        case .sum, .avg: return .sum
        case .min: return .extreme(keepSmaller: true)
        case .max: return .extreme(keepSmaller: false)
        case .distinct: return .tuples
        }
    }
}

/// The arithmetic of exact sums, kept as 128-bit significands at a number of fractional digits
/// that only grows (to that of the value with the most decimals so far): per-bucket cells,
/// fine groups and their merge all rescale and add through these two steps.
enum ScaledSum {
    /// `significand` at `scale` digits, written at `target` (at least `scale`) digits; sets
    /// `overflow` when it no longer fits 128 bits.
    @inline(__always)
    static func rescaled(_ significand: Int128, from scale: Int, to target: Int, overflow: inout Bool) -> Int128 {
        guard target > scale else { return significand }
        let (m, o) = significand.multipliedReportingOverflow(by: power10(target - scale))
        if o { overflow = true }
        return m
    }

    @inline(__always)
    static func add(_ a: Int128, _ b: Int128, overflow: inout Bool) -> Int128 {
        let (total, o) = a.addingReportingOverflow(b)
        if o { overflow = true }
        return total
    }
}

/// The value to keep of a current extreme (nil: none yet) and a new value.
@inline(__always)
func keptExtreme(_ current: ExactDecimal?, _ value: ExactDecimal, keepSmaller: Bool) -> ExactDecimal {
    guard let current else { return value }
    return (keepSmaller ? current <= value : current >= value) ? current : value
}

/// The running state of one aggregate in one breakdown cell, per time bucket.
///
/// Buckets are the programme's periods in order, then one bucket for undated records. Counts and
/// sums per bucket are additive, so cumulative figures can be recomputed from them exactly;
/// distinct counts keep, per distinct tuple, the set of buckets it occurred in, so cumulative
/// distinct counts are recomputed from the tuples and never summed from period counts
/// (counting rule 2).
///
/// Counters live in manually allocated buffers: this state is updated tens of millions of times
/// per run, and plain arrays inside a class pay an exclusivity check and a uniqueness check on
/// every update.
final class CellAccumulator {
    let bucketCount: Int
    /// Rows that passed the filter, per bucket.
    let matched: UnsafeMutableBufferPointer<Int>
    /// Non-null inputs per bucket (sum, avg, min, max).
    let inputs: UnsafeMutableBufferPointer<Int>
    /// Exact sums per bucket as significands at `sumScale` fractional digits (not normalised
    /// per addition: normalising divides a 128-bit integer, which would dominate the pass).
    let sumSignificands: UnsafeMutableBufferPointer<Int128>
    private(set) var sumScale = 0
    let extremes: UnsafeMutableBufferPointer<ExactDecimal?>
    /// Distinct tuple id -> index of its first word in `bucketWords`.
    var distinctSlots = IntegerSlotTable()
    var bucketWords: [UInt64] = []
    let wordsPerTuple: Int

    init(function: AggregateFunction, bucketCount: Int) {
        self.bucketCount = bucketCount
        func buffer<T>(_ value: T, _ needed: Bool) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: needed ? bucketCount : 0)
            buffer.initialize(repeating: value)
            return buffer
        }
        let sums = function.kept == .sum
        let extreme: Bool
        if case .extreme = function.kept { extreme = true } else { extreme = false }
        matched = buffer(0, true)
        inputs = buffer(0, sums || extreme)
        sumSignificands = buffer(0, sums)
        extremes = buffer(nil, extreme)
        wordsPerTuple = (bucketCount + 63) / 64
    }

    deinit {
        matched.deallocate()
        inputs.deallocate()
        sumSignificands.deallocate()
        extremes.deallocate()
    }

    /// Set when a sum no longer fits 128 bits (absurd data: about 10^20 values of 10^18): the
    /// figure is then n/a, with an error, rather than wrong or a crash.
    private(set) var sumOverflowed = false

    @inline(__always)
    func add(_ value: ExactDecimal, bucket: Int) {
        addSum(significand: value.significand, scale: value.scale, inputs: 1, bucket: bucket)
    }

    /// Adds an exact sum (significand at `scale`) and its input count for one bucket.
    func addSum(significand: Int128, scale: Int, inputs count: Int, bucket: Int) {
        inputs[bucket] += count
        var overflow = false
        if scale > sumScale {
            for i in sumSignificands.indices {
                sumSignificands[i] = ScaledSum.rescaled(sumSignificands[i], from: sumScale, to: scale, overflow: &overflow)
            }
            sumScale = scale
        }
        let addend = ScaledSum.rescaled(significand, from: scale, to: sumScale, overflow: &overflow)
        sumSignificands[bucket] = ScaledSum.add(sumSignificands[bucket], addend, overflow: &overflow)
        if overflow { sumOverflowed = true }
    }

    func markSumOverflow() { sumOverflowed = true }

    /// Merges a fine group's minimum or maximum and input count for one bucket.
    func mergeExtreme(_ value: ExactDecimal?, inputs count: Int, bucket: Int, keepSmaller: Bool) {
        inputs[bucket] += count
        guard let value else { return }
        extremes[bucket] = keptExtreme(extremes[bucket], value, keepSmaller: keepSmaller)
    }

    /// Adds a tuple's bucket bits (one word: at most 64 buckets).
    func addDistinct(tuple: Int32, bits: UInt64) {
        let key = UInt64(UInt32(bitPattern: tuple))
        if let slot = distinctSlots.slot(for: key) {
            bucketWords[Int(slot)] |= bits
        } else {
            distinctSlots.insert(key, Int32(truncatingIfNeeded: bucketWords.count))
            bucketWords.append(bits)
        }
    }

    @inline(__always)
    func addExtreme(_ value: ExactDecimal, bucket: Int, keepSmaller: Bool) {
        inputs[bucket] += 1
        extremes[bucket] = keptExtreme(extremes[bucket], value, keepSmaller: keepSmaller)
    }

    @inline(__always)
    func addDistinct(tuple: Int32, bucket: Int) {
        let base: Int
        let key = UInt64(UInt32(bitPattern: tuple))
        if let slot = distinctSlots.slot(for: key) {
            base = Int(slot)
        } else {
            base = bucketWords.count
            distinctSlots.insert(key, Int32(truncatingIfNeeded: base))
            bucketWords.append(contentsOf: repeatElement(0, count: wordsPerTuple))
        }
        bucketWords[base + bucket >> 6] |= 1 << UInt64(bucket & 63)
    }

    /// Per-tuple counts behind a cell's distinct figures: in which buckets, and from which
    /// period on, each tuple counts. A tuple counts in the cumulative value of every period from
    /// the first one it occurs in (undated tuples in all of them).
    struct DistinctTally {
        var perBucket: [Int]
        var firstDated: [Int]              // index `periods` = never dated
        var firstDatedWithUndated: [Int]
        var alwaysCounted = 0

        init(bucketCount: Int) {
            perBucket = Array(repeating: 0, count: bucketCount)
            firstDated = Array(repeating: 0, count: bucketCount)
            firstDatedWithUndated = Array(repeating: 0, count: bucketCount)
        }

        /// Counts one tuple from its bucket bits (one word: at most 64 buckets per call).
        @inline(__always)
        mutating func count(_ bits: UInt64, wordOffset: Int = 0, first: inout Int, undated: inout Bool) {
            let periods = perBucket.count - 1
            var word = bits
            while word != 0 {
                let bit = wordOffset + word.trailingZeroBitCount
                word &= word - 1
                perBucket[bit] += 1
                if bit == periods { undated = true } else if bit < first { first = bit }
            }
        }

        @inline(__always)
        mutating func close(first: Int, undated: Bool) {
            firstDated[first] += 1
            if undated { alwaysCounted += 1 } else { firstDatedWithUndated[first] += 1 }
        }
    }

    /// Tuples counted straight from the fine groups of a single-source aggregate (no per-cell
    /// table: see `Pass.project`).
    private var directTally: DistinctTally?

    /// Adds the counts of tuples whose bucket bits in this cell are final (they occur in no
    /// other pass), tallied by the sweep after the pass.
    func addDistinctTally(_ other: DistinctTally) {
        guard var tally = directTally else { directTally = other; return }
        directTally = nil
        for b in tally.perBucket.indices {
            tally.perBucket[b] += other.perBucket[b]
            tally.firstDated[b] += other.firstDated[b]
            tally.firstDatedWithUndated[b] += other.firstDatedWithUndated[b]
        }
        tally.alwaysCounted += other.alwaysCounted
        directTally = tally
    }

    /// The cell's totals after the pass (see `CellTotals`).
    func totals(of function: AggregateFunction) -> CellTotal {
        CellTotal(matched: Array(matched), inputs: Array(inputs), sumSignificands: Array(sumSignificands),
                  sumScale: sumScale, sumOverflowed: sumOverflowed, extremes: Array(extremes),
                  distinct: function.kept == .tuples ? distinctSummary() : nil)
    }

    /// Computed once, after the pass, from the direct tally and the per-cell tuple table.
    private func distinctSummary() -> DistinctSummary {
        let periods = bucketCount - 1
        var tally = directTally ?? DistinctTally(bucketCount: bucketCount)
        var base = 0
        let words = bucketWords
        while base < words.count {
            var first = periods
            var undated = false
            for w in 0..<wordsPerTuple {
                tally.count(words[base + w], wordOffset: w * 64, first: &first, undated: &undated)
            }
            tally.close(first: first, undated: undated)
            base += wordsPerTuple
        }
        var cumulativeDated = Array(repeating: 0, count: periods)
        var cumulativeWithUndated = Array(repeating: 0, count: periods)
        var running = 0, runningWithUndated = tally.alwaysCounted
        for p in 0..<periods {
            running += tally.firstDated[p]
            runningWithUndated += tally.firstDatedWithUndated[p]
            cumulativeDated[p] = running
            cumulativeWithUndated[p] = runningWithUndated
        }
        return DistinctSummary(perBucket: tally.perBucket, cumulativeDated: cumulativeDated,
                               cumulativeWithUndated: cumulativeWithUndated)
    }
}

@inline(__always)
func power10(_ n: Int) -> Int128 {
    var result: Int128 = 1
    for _ in 0..<n { result *= 10 }
    return result
}

/// All cells of one breakdown of one aggregate, found by a packed key of category indices.
/// The total and single-dimension breakdowns also index cells directly by category.
final class BreakdownAccumulator {
    let function: AggregateFunction
    let bucketCount: Int
    let dimensions: [Int]
    /// Every cell by key, for the totals after the pass.
    var cells: [CellKey: CellAccumulator] = [:]
    /// For zero or one dimension: cell by category index (the total uses index 0).
    private var direct: [CellAccumulator?] = []
    /// For cross-tabs: packed key -> index into `crossCells` (no SipHash per row).
    private var crossIndex = IntegerSlotTable()
    private var crossCells: [CellAccumulator] = []

    init(function: AggregateFunction, bucketCount: Int, dimensions: [Int]) {
        self.function = function
        self.bucketCount = bucketCount
        self.dimensions = dimensions
    }

    /// Every cell's totals after the pass.
    func totals() -> [CellKey: CellTotal] { cells.mapValues { $0.totals(of: function) } }

    /// The cell a row with these categories (indexed by dimension) falls in.
    @inline(__always)
    func cell(for categories: UnsafeMutableBufferPointer<Int32>) -> CellAccumulator {
        switch dimensions.count {
        case 0:
            return directCell(0)
        case 1:
            return directCell(Int(categories[dimensions[0]]))
        default:
            let key = CellKey(categories: categories, dimensions: dimensions)
            if let slot = crossIndex.slot(for: key.packed) { return crossCells[Int(slot)] }
            let cell = CellAccumulator(function: function, bucketCount: bucketCount)
            crossIndex.insert(key.packed, Int32(crossCells.count))
            crossCells.append(cell)
            cells[key] = cell
            return cell
        }
    }

    @inline(__always)
    private func directCell(_ index: Int) -> CellAccumulator {
        if index < direct.count, let cell = direct[index] { return cell }
        if index >= direct.count { direct.append(contentsOf: repeatElement(nil, count: index + 1 - direct.count)) }
        let cell = CellAccumulator(function: function, bucketCount: bucketCount)
        direct[index] = cell
        cells[CellKey(packed: UInt64(index))] = cell
        return cell
    }
}
