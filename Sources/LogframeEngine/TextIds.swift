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
    /// One slot of the open-addressing table: the entry, its id and 32 bits of its hash side by
    /// side, so a probe reads one slot and, on a tag match, the entry's bytes (two cache misses
    /// at 10M rows, where separate arrays cost five).
    private struct Slot {
        var tag: UInt32 = 0
        /// Index into `starts`, or -1 for an empty slot.
        var entry: Int32 = -1
        var id: Int32 = -1
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    /// Entry i's bytes are `arena[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []

    private(set) var count = 0

    /// The id of `text`, taking `next` (and remembering it) when the text is new.
    @inline(__always)
    mutating func id(of text: String, next: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { id(of: UnsafeRawBufferPointer($0), next: next) }
    }

    mutating func id(of bytes: UnsafeRawBufferPointer, next: Int32) -> Int32 {
        let hash = ByteHash.hash(bytes)
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let probe = slots[slot]
            if probe.entry < 0 { break }
            if probe.tag == tag, equals(Int(probe.entry), bytes) { return probe.id }
            slot = (slot + 1) & mask
        }
        let entry = count
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        count += 1
        if count * 4 > slots.count * 3 {
            grow()
            mask = slots.count - 1
            slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot].entry >= 0 { slot = (slot + 1) & mask }
        }
        slots[slot] = Slot(tag: tag, entry: Int32(entry), id: next)
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
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        arena.withUnsafeBytes { stored in
            for item in old where item.entry >= 0 {
                let entry = Int(item.entry)
                let bytes = UnsafeRawBufferPointer(rebasing: stored[starts[entry]..<starts[entry + 1]])
                var slot = Int(truncatingIfNeeded: ByteHash.hash(bytes)) & mask
                while slots[slot].entry >= 0 { slot = (slot + 1) & mask }
                slots[slot] = item
            }
        }
    }

    /// Every entry's bytes with its id (in no particular order).
    func forEach(_ body: (UnsafeRawBufferPointer, Int32) -> Void) {
        arena.withUnsafeBytes { stored in
            for item in slots where item.entry >= 0 {
                let entry = Int(item.entry)
                body(UnsafeRawBufferPointer(rebasing: stored[starts[entry]..<starts[entry + 1]]), item.id)
            }
        }
    }
}
