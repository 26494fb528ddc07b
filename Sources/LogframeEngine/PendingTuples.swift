import LogframeExpressions

/// Distinct tuples of a batch of rows, each one plain text field's value, waiting for their ids
/// (`RowAccumulator.flushPending`): looked up one by one as they came, each lookup of a large
/// table (2.45M people at 10M rows) waits for memory; in a batch, the memory of the lookups a
/// few entries ahead is asked for first, so the waits overlap.
///
/// Used when every distinct aggregate of the source counts one plain text field and each tuple
/// table has at most 64 columns (aggregates), so a row's columns fit in a word; otherwise the
/// tuples are counted row by row. Either way ids are given in row order, so tables, figures
/// and merges are the same.
final class PendingTuples {
    /// Entries per batch.
    static let capacity = 256
    /// How many entries ahead of a lookup its memory is asked for.
    static let ahead = 8

    let texts: UnsafeMutablePointer<String>
    let tables: UnsafeMutablePointer<Unmanaged<FineTuples>>
    let groups: UnsafeMutablePointer<Int>
    let bits: UnsafeMutablePointer<UInt64>
    let columns: UnsafeMutablePointer<UInt64>
    let hashes: UnsafeMutablePointer<UInt64>
    let ids: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    /// Entries a row may add: one per argument list.
    private let perRow: Int

    init?(plan: SourcePlan, tuplesOf: [DistinctColumn?], argumentSlot: UnsafeMutableBufferPointer<Int>) {
        var lists = Set<Int>()
        for (a, aggregate) in plan.aggregates.enumerated() where aggregate.function.kept == .tuples {
            guard let arguments = aggregate.arguments, let distinct = tuplesOf[a], argumentSlot[arguments] >= 0,
                  plan.argumentLists[arguments][0].type == .text, distinct.table.columns <= 64 else { return nil }
            lists.insert(arguments)
        }
        guard !lists.isEmpty else { return nil }
        perRow = lists.count
        let capacity = PendingTuples.capacity + perRow
        texts = .allocate(capacity: capacity)
        tables = .allocate(capacity: capacity)
        groups = .allocate(capacity: capacity)
        bits = .allocate(capacity: capacity)
        columns = .allocate(capacity: capacity)
        hashes = .allocate(capacity: capacity)
        ids = .allocate(capacity: capacity)
    }

    deinit {
        texts.deinitialize(count: count)
        texts.deallocate(); tables.deallocate(); groups.deallocate(); bits.deallocate()
        columns.deallocate(); hashes.deallocate(); ids.deallocate()
    }

    /// Whether a batch must be counted before another row's entries are added.
    var isFull: Bool { count + perRow > PendingTuples.capacity }

    /// Adds an entry (no columns yet) and returns its index.
    @inline(__always)
    func append(_ text: String, table: Unmanaged<FineTuples>, group: Int, bits: UInt64) -> Int32 {
        (texts + count).initialize(to: text)
        tables[count] = table
        groups[count] = group
        self.bits[count] = bits
        columns[count] = 0
        count += 1
        return Int32(count - 1)
    }

    @inline(__always)
    func mark(_ entry: Int, column: Int) { columns[entry] |= UInt64(1) << UInt64(column) }

    @inline(__always)
    func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        texts[i].withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    func removeAll() {
        texts.deinitialize(count: count)
        count = 0
    }
}
