#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogframeCore
import LogframeData

/// Tuple ids of text values read straight from a field, keyed by their UTF-8 bytes.
///
/// The readers normalise every text cell to NFC, and two NFC strings are equal exactly when
/// their bytes are, so the bytes can be hashed and compared directly: no SipHash, no Unicode
/// comparison, and about 30 bytes per person where a `[Value: Int32]` entry took about 50 plus
/// its share of empty buckets. Values computed by an expression (which need not be NFC) keep
/// going through `Value`'s own hashing.
struct TextIds {
    /// Open addressing, linear probing: entry index, or -1 for an empty slot.
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    private var hashes: [UInt32] = []
    /// Entry i's bytes are `arena[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    /// The tuple id given to each entry.
    private(set) var ids: [Int32] = []

    var count: Int { ids.count }

    /// The id of `text`, taking `next` (and remembering it) when the text is new.
    @inline(__always)
    mutating func id(of text: String, next: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { id(of: UnsafeRawBufferPointer($0), next: next) }
    }

    mutating func id(of bytes: UnsafeRawBufferPointer, next: Int32) -> Int32 {
        let hash = ByteHash.hash(bytes)
        let short = UInt32(truncatingIfNeeded: hash >> 32)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == short, equals(entry, bytes) { return ids[entry] }
            slot = (slot + 1) & mask
        }
        let entry = ids.count
        hashes.append(short)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        ids.append(next)
        if (entry + 1) * 4 > slots.count * 3 {
            grow()
            mask = slots.count - 1
            slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
        }
        slots[slot] = Int32(entry)
        return next
    }

    @inline(__always)
    private func equals(_ entry: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[entry], end = starts[entry + 1]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBytes { stored in
            bytes.count == 0 || memcmp(stored.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        arena.withUnsafeBytes { stored in
            for entry in 0..<ids.count {
                let bytes = UnsafeRawBufferPointer(rebasing: stored[starts[entry]..<starts[entry + 1]])
                var slot = Int(truncatingIfNeeded: ByteHash.hash(bytes)) & mask
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(entry)
            }
        }
    }

    /// Every entry's bytes with its id, in the order they were added.
    func forEach(_ body: (UnsafeRawBufferPointer, Int32) -> Void) {
        arena.withUnsafeBytes { stored in
            for entry in 0..<ids.count {
                body(UnsafeRawBufferPointer(rebasing: stored[starts[entry]..<starts[entry + 1]]), ids[entry])
            }
        }
    }
}
