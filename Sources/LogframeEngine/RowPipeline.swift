import Foundation
import LogframeCore
import LogframeData

/// Reads a source on a second thread while the pass accumulates on this one.
///
/// Used for XML sources, where parsing (libxml2, path matching, typing, checks) takes longer than
/// accumulating: overlapping the two uses both cores. Accepted rows cross over in batches, in
/// file order, so every figure and diagnostic is what a single thread would produce.
enum RowPipeline {
    static let batchSize = 2048

    static func read(_ reader: SourceReader, _ consume: ([Value]) -> Void) -> SourceReadResult {
        let queue = BatchQueue(capacity: 8)
        let box = ReaderBox(reader)
        let thread = Thread {
            var batch: [[Value]] = []
            batch.reserveCapacity(batchSize)
            let result = box.reader.read { row, _ in
                batch.append(row)
                if batch.count == batchSize {
                    queue.put(batch)
                    batch = []
                    batch.reserveCapacity(batchSize)
                }
            }
            if !batch.isEmpty { queue.put(batch) }
            box.result = result
            queue.close()
        }
        thread.stackSize = 16 << 20
        thread.start()
        while let batch = queue.take() {
            for row in batch { consume(row) }
        }
        // `close()` happened after `result` was set, under the queue's lock.
        return box.result ?? SourceReadResult()
    }
}

/// The reader and its result, handed between the two threads (the reader is used by one
/// thread at a time: the second one, until it closes the queue).
private final class ReaderBox: @unchecked Sendable {
    let reader: SourceReader
    var result: SourceReadResult?
    init(_ reader: SourceReader) { self.reader = reader }
}

/// A bounded first-in first-out queue of row batches between one producer and one consumer.
private final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[[Value]]] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ batch: [[Value]]) {
        condition.lock()
        while batches.count - head >= capacity { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil once the producer has closed the queue and it is empty.
    func take() -> [[Value]]? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !closed { condition.wait() }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = []
        head += 1
        if head > 64 { batches.removeFirst(head); head = 0 }
        condition.broadcast()
        return batch
    }
}
