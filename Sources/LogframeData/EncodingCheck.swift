import Dispatch
import Foundation

/// A whole-file check, before any row is read, that the bytes are UTF-8 text.
///
/// A file in another encoding is refused as a whole rather than row by row: an Excel
/// "Unicode text" export (UTF-16) or a Windows-1251/1252 file is wrong everywhere, and reading
/// the rows that happen to be ASCII would silently drop the others. ASCII runs are skipped eight
/// bytes at a time; full UTF-8 validation runs only where a byte >= 0x80 appears.
enum EncodingCheck {
    enum Outcome: Equatable {
        case utf8
        /// UTF-16 text (by byte-order mark or by the pattern of its NUL bytes).
        case utf16
        /// NUL bytes in a file that is not UTF-16: not a text file. Offset of the first NUL.
        case binary(offset: Int)
        /// Offset of the first byte that is not part of a valid UTF-8 sequence.
        case invalidUTF8(offset: Int)
    }

    /// - Parameter checked: called now and then with how many bytes are checked so far, so the
    ///   caller can let go of the pages behind (bounded memory on big files).
    static func inspect(_ bytes: UnsafeBufferPointer<UInt8>, checked: ((Int) -> Void)? = nil) -> Outcome {
        let count = bytes.count
        if count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return .utf16
        }
        guard bytes.baseAddress != nil, count > 0 else { return .utf8 }
        return inspect(bytes, from: 0, to: count, checked: checked)
    }

    /// As `inspect(_:checked:)`, with the second half of a large file checked on another thread
    /// at the same time (from a character boundary). The answer is the same: the first problem
    /// in file order, if any. `checked` is called by this thread only.
    /// `release(start, end)` is called by the other thread for the pages it has checked.
    static func inspectInParallel(_ bytes: UnsafeBufferPointer<UInt8>, minimum: Int, checked: ((Int) -> Void)? = nil,
                                  release: @escaping @Sendable (Int, Int) -> Void) -> Outcome {
        let count = bytes.count
        guard count >= minimum, count >= 2, !((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) else {
            return inspect(bytes, checked: checked)
        }
        // A UTF-8 sequence starts at a byte that is not a continuation byte (at most 3 back).
        var middle = count / 2
        for _ in 0..<3 where middle > 0 && bytes[middle] & 0xC0 == 0x80 { middle -= 1 }
        guard middle > 0 else { return inspect(bytes, checked: checked) }
        let later = ParallelOutcome()
        let done = DispatchSemaphore(value: 0)
        let shared = SharedBytes(bytes)
        let thread = Thread { [middle] in
            later.outcome = inspect(shared.bytes, from: middle, to: shared.bytes.count,
                                    checked: { release(middle, $0 - (1 << 20)) })
            done.signal()
        }
        thread.start()
        let first = inspect(bytes, from: 0, to: middle, checked: checked)
        done.wait()
        return first == .utf8 ? later.outcome ?? .utf8 : first
    }

    private final class ParallelOutcome: @unchecked Sendable {  // written before `done` is signalled, read after
        var outcome: Outcome?
    }

    private struct SharedBytes: @unchecked Sendable {  // read-only for the duration of the check
        let bytes: UnsafeBufferPointer<UInt8>
        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
    }

    /// Checks `bytes[start..<end]`; `start` is a character boundary. A sequence that begins
    /// before `end` is checked whole (it may run past `end`).
    private static func inspect(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, checked: ((Int) -> Void)?) -> Outcome {
        let count = end
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        var i = start
        var nextReport = start + MappedFile.releaseStride
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        while i < count {
            if i >= nextReport {
                checked?(i)
                nextReport += MappedFile.releaseStride
            }
            if i + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let hasZero = (word &- ones) & ~word & high
                if word & high == 0 && hasZero == 0 {
                    i += 8
                    continue
                }
            }
            let byte = bytes[i]
            if byte == 0 {
                return looksLikeUTF16(bytes) ? .utf16 : .binary(offset: i)
            }
            if byte < 0x80 {
                i += 1
                continue
            }
            let length = validSequenceLength(bytes, at: i)
            if length == 0 { return .invalidUTF8(offset: i) }
            i += length
        }
        return .utf8
    }

    /// Many NUL bytes, nearly all at even or all at odd offsets: UTF-16 text without a BOM.
    static func looksLikeUTF16(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let sample = min(bytes.count, 4096)
        var even = 0, odd = 0
        for i in 0..<sample where bytes[i] == 0 {
            if i % 2 == 0 { even += 1 } else { odd += 1 }
        }
        let nuls = even + odd
        return nuls * 4 >= sample && max(even, odd) * 10 >= nuls * 9
    }

    /// Length of the valid UTF-8 sequence starting at `i` (a byte >= 0x80), or 0 when invalid:
    /// stray continuation bytes, overlong forms, surrogates and code points above U+10FFFF.
    @inline(__always)
    static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let count = bytes.count
        let b0 = bytes[i]
        func continuation(_ k: Int) -> Bool { i + k < count && bytes[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard continuation(1), continuation(2) else { return 0 }
            let b1 = bytes[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return 0 }   // overlong
            if b0 == 0xED && b1 >= 0xA0 { return 0 }  // UTF-16 surrogates
            return 3
        case 0xF0...0xF4:
            guard continuation(1), continuation(2), continuation(3) else { return 0 }
            let b1 = bytes[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { return 0 }   // overlong
            if b0 == 0xF4 && b1 >= 0x90 { return 0 }  // above U+10FFFF
            return 4
        default:
            return 0
        }
    }
}

/// Physical line and column of a byte offset, computed only when a diagnostic needs them.
///
/// A line ends at LF, CRLF or a lone CR. The column counts Unicode scalars (UTF-8 lead bytes;
/// in invalid UTF-8 every non-continuation byte) from the start of the line, 1-based.
enum LineLocator {
    /// Scans from `from` (an offset known to start physical line `line`) to `offset`.
    static func locate(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, line startLine: Int) -> (line: Int, column: Int) {
        var line = startLine
        var lineStart = start
        var i = start
        let end = min(offset, bytes.count)
        while i < end {
            let byte = bytes[i]
            if byte == 0x0A {
                line += 1
                lineStart = i + 1
            } else if byte == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                    if i + 1 >= end { break }  // offset points at the LF of a CRLF: same line
                    i += 1
                }
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        var j = lineStart
        while j < end {
            if bytes[j] & 0xC0 != 0x80 { column += 1 }
            j += 1
        }
        return (line, column)
    }
}
