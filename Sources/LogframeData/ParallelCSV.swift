import Foundation
import LogframeCore

// Reading one CSV file on two threads.
//
// A CSV file cannot be cut at an arbitrary line break: the break may sit inside a quoted cell,
// and only a scan from the start knows. So the cut is speculative. The second thread starts at
// the first line break after the middle of what is left and reads rows until the first one that
// would need a diagnostic (a bad cell, a rule, a duplicate key, a ragged row) or the end of the
// file; it reports nothing itself. The calling thread reads from the start. When its rows end
// exactly where the second thread began, and no key was seen on both sides, the second thread's
// rows are exactly the file's rows there: they are adopted, and the calling thread carries on
// where the second thread stopped (so every diagnostic is produced by the calling thread, in
// file order, with its true line). Otherwise the second thread's work is dropped and the calling
// thread reads on as if it had never started. Either way, what remains is split again.
//
// The two threads rarely take the same time for the same bytes (the file's digest, on a third
// thread, takes its CPU from one of them), so neither waits for the other: when the reading
// thread reaches the second thread's start it asks it to stop at its next row boundary and
// adopts what it read so far; and when the second thread is done first while the reading thread
// still has far to go before that start, the bytes in between are split again. Every part ends
// at the start of the next (`limit`), and parts are adopted in file order.

/// The consumer of the rows of a part of a file read on a second thread.
public struct ParallelHalf {
    /// Called on the second thread for each accepted row of the part, in file order.
    public var consume: ([Value]) -> Void
    /// Called on the reading thread when the part's rows are adopted, at their place in the
    /// file (after every earlier row was given to the reader's body). Not called when dropped.
    public var commit: () -> Void

    public init(consume: @escaping ([Value]) -> Void, commit: @escaping () -> Void) {
        self.consume = consume
        self.commit = commit
    }
}

/// A part of a CSV file being read on a thread of its own.
final class HalfRead: @unchecked Sendable {  // shared state is guarded by `lock` or handed over by `done`
    struct Outcome {
        /// Offset of the first row not read (a row with a problem, or the end of the file).
        var end: Int
        /// Physical line of `end`, counting `start` as line 1.
        var line: Int
        /// Rows read and given to the consumer.
        var rows: Int
        /// Keys of those rows, lines counted from `start` as line 1.
        var keys: KeyIndex
    }

    let start: Int
    /// The part ends at the first row that starts at or after this offset (the next part's
    /// start, or the end of the file).
    let limit: Int
    let consumer: ParallelHalf
    private let lock = NSLock()
    private var cancelled = false
    private var stopRequested = false
    private var finished = false
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Outcome?

    /// The row start where a second thread may begin: the first line break after the middle of
    /// `offset..<limit`, when at least `minimum` bytes remain before `limit`.
    static func split(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int, to limit: Int, minimum: Int) -> Int? {
        guard limit - offset >= minimum, minimum > 0 else { return nil }
        var i = offset + (limit - offset) / 2
        while i < limit, bytes[i] != 0x0A { i += 1 }
        return i + 1 < limit ? i + 1 : nil
    }

    private let reader: SourceReader
    private let file: MappedFile
    private let columns: [Int]
    private let delimiter: UInt8
    private let fieldCount: Int
    private let display: String
    private let fileIndex: Int

    init(reader: SourceReader, file: MappedFile, start: Int, limit: Int, columns: [Int], delimiter: UInt8, fieldCount: Int,
         display: String, fileIndex: Int, consumer: ParallelHalf) {
        self.reader = reader
        self.file = file
        self.start = start
        self.limit = limit
        self.columns = columns
        self.delimiter = delimiter
        self.fieldCount = fieldCount
        self.display = display
        self.fileIndex = fileIndex
        self.consumer = consumer
        let thread = Thread { [self] in run() }
        thread.stackSize = 16 << 20
        thread.start()
    }

    private func run() {
        outcome = reader.readPart(of: file, from: start, limit: limit, columns: columns, delimiter: delimiter, fieldCount: fieldCount,
                                  display: display, fileIndex: fileIndex, consume: consumer.consume,
                                  shouldStop: { lock.withLock { cancelled || stopRequested } })
        lock.withLock { finished = true }
        done.signal()
    }

    /// Asks the thread to stop soon; its outcome will be nil.
    func cancel() {
        lock.withLock { cancelled = true }
    }

    /// Asks the thread to stop at a row boundary soon; its outcome is the rows read until then.
    func stop() {
        lock.withLock { stopRequested = true }
    }

    /// Whether the thread has stopped reading (`finish` will not wait).
    var isDone: Bool { lock.withLock { finished } }

    /// Waits for the thread; nil when it was cancelled.
    func finish() -> Outcome? {
        done.wait()
        return lock.withLock { cancelled } ? nil : outcome
    }
}

extension SourceReader {
    /// The second thread's reading: rows from `start` while they need no diagnostic, up to the
    /// first row that starts at or after `limit`, or until `shouldStop` says so.
    func readPart(of file: MappedFile, from start: Int, limit: Int, columns: [Int], delimiter: UInt8, fieldCount: Int,
                  display: String, fileIndex: Int, consume: ([Value]) -> Void, shouldStop: () -> Bool) -> HalfRead.Outcome {
        let bytes = file.bytes
        var scanner = CSVScanner(bytes: bytes, file: display, delimiter: delimiter, fieldCount: fieldCount, startingAt: start)
        let decoders = source.fields.map { FieldDecoder(field: $0, maxCellBytes: definitions.maxCellBytes) }
        for index in unreadFields { decoders[index].skipValues() }
        // Borrowed per cell, not retained (`decoders` holds them until the end).
        let decoderRefs = decoders.map { Unmanaged.passUnretained($0) }
        var row = [Value](repeating: .null, count: slotCount)
        var keys = KeyIndex()
        var record = CSVRecord(bytes: bytes, file: display, columns: columns)
        let rowSlots = slots
        var log = DiagnosticLog()
        var rows = 0
        var end = start
        var line = 1
        var nextRelease = start + MappedFile.releaseStride
        while true {
            end = scanner.offset
            line = scanner.currentLine
            if end >= limit { break }
            if rows & 255 == 0, shouldStop() { break }
            guard scanner.nextRow(log: &log) == .row, log.errorCount + log.warningCount == 0 else { break }
            record.load(&scanner)
            guard decodeFields(&record, into: &row, decoders: decoderRefs, slots: rowSlots, display: display,
                               log: &log, stopAtProblem: true) != nil else { break }
            guard checkRow(&row, rejected: false, dateFieldFailed: false, dateLocation: { () -> SourceLocation? in nil }, line: scanner.rowLine,
                           display: display, fileIndex: fileIndex, log: &log, keys: &keys, keyOnlyIfClean: true),
                  log.errorCount + log.warningCount == 0 else { break }
            rows += 1
            consume(row)
            if scanner.rowStart >= nextRelease {
                file.release(from: start, below: scanner.rowStart - (1 << 20))
                nextRelease += MappedFile.releaseStride
            }
        }
        withExtendedLifetime(decoders) {}
        return HalfRead.Outcome(end: end, line: line, rows: rows, keys: keys)
    }

    /// Adds the keys of an adopted part (lines counted from its start) to the file's keys; false,
    /// adding nothing, when one of them was already seen (the part must then be read again, by
    /// the reading thread, so that the duplicate is reported at its line).
    func adopt(_ part: KeyIndex, lineOffset: Int, fileIndex: Int, into keys: inout KeyIndex) -> Bool {
        guard !part.isEmpty else { return true }
        var clash = false
        part.forEach { hash, _ in if !clash, keys.firstSeen(hash) != nil { clash = true } }
        guard !clash else { return false }
        part.forEach { hash, first in _ = keys.insert(hash, fileIndex: fileIndex, line: Int(first.line) + lineOffset) }
        return true
    }
}
