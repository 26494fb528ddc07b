#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch
import LogframeCore
import LogframeData

/// Tuple ids of text values read straight from a field, keyed by their UTF-8 bytes.
///
/// The readers normalise every text cell to NFC, and two NFC strings are equal exactly when
/// their bytes are, so the bytes can be hashed and compared directly: no SipHash, no Unicode
/// comparison, and about 30 bytes per person where a `[Value: Int32]` entry took about 50 plus
/// its share of empty buckets. Values computed by an expression (which need not be NFC) keep
/// going through `Value`'s own hashing.
/// How `TextIds` hashes bytes (a type parameter so tests can force collisions).
protocol TextHasher {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64
}

enum ByteHasher: TextHasher {
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { ByteHash.hash(bytes) }
}

typealias TextIds = TextIdTable<ByteHasher>

struct TextIdTable<Hasher: TextHasher> {
    /// One slot of the open-addressing table (32 bytes). Texts of up to 16 bytes (most ids and
    /// categories) are kept in the slot itself, so finding one reads one slot: a single cache
    /// miss at 10M rows. Longer texts keep their bytes in `arena`.
    fileprivate struct Slot {
        /// The text's bytes, zero-padded, when it is short.
        var low: UInt64 = 0
        var high: UInt64 = 0
        var tag: UInt32 = 0
        /// Byte length, or -1 for an empty slot.
        var length: Int32 = -1
        var id: Int32 = -1
        /// For a long text: index into `starts`.
        var entry: Int32 = -1
    }

    private static var inlineBytes: Int { 16 }
    private var slots = [Slot](repeating: Slot(), count: 1024)
    /// Long entry i's bytes are `arena[starts[i]..<starts[i + 1]]`.
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
        id(of: bytes) { next }
    }

    /// The id of `text`, or the one `make` gives (remembered) when the text is new.
    @inline(__always)
    mutating func id(of text: String, orMake make: () -> Int32) -> Int32 {
        var text = text
        return text.withUTF8 { id(of: UnsafeRawBufferPointer($0), orMake: make) }
    }

    @inline(__always)
    mutating func id(of bytes: UnsafeRawBufferPointer, orMake make: () -> Int32) -> Int32 {
        id(of: bytes, hash: Hasher.hash(bytes), orMake: make)
    }

    /// The hash `id(of:hash:next:)` takes for `bytes`.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { Hasher.hash(bytes) }

    /// Asks for the slot where a text of this hash is looked up first (see `lf_prefetch`).
    /// Mutating though it changes nothing: called on a table held by a class, a non-mutating
    /// method works on a copy, which retains and releases the table's three buffers each time.
    @inline(__always)
    mutating func prefetch(hash: UInt64) {
        slots.withUnsafeBufferPointer { slots in
            lf_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: hash) & (slots.count - 1)))
        }
    }

    /// `id(of:next:)` with the text's hash (`TextIdTable.hash`) computed beforehand.
    @inline(__always)
    mutating func id(of bytes: UnsafeRawBufferPointer, hash: UInt64, next: Int32) -> Int32 {
        id(of: bytes, hash: hash) { next }
    }

    @inline(__always)
    private mutating func id(of bytes: UnsafeRawBufferPointer, hash: UInt64, orMake make: () -> Int32) -> Int32 {
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        let length = Int32(bytes.count)
        let short = bytes.count <= TextIdTable.inlineBytes
        var words: (UInt64, UInt64) = (0, 0)
        if short, bytes.count > 0 {
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        }
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let probe = slots[slot]
            if probe.length < 0 { break }
            if probe.tag == tag, probe.length == length {
                if short ? (probe.low == words.0 && probe.high == words.1) : equals(Int(probe.entry), bytes) {
                    return probe.id
                }
            }
            slot = (slot + 1) & mask
        }
        let next = make()
        var item = Slot(low: words.0, high: words.1, tag: tag, length: length, id: next, entry: -1)
        if !short {
            item.entry = Int32(starts.count - 1)
            arena.append(contentsOf: bytes)
            starts.append(arena.count)
        }
        count += 1
        if count * 4 > slots.count * 3 {
            grow()
            mask = slots.count - 1
            slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot].length >= 0 { slot = (slot + 1) & mask }
        }
        slots[slot] = item
        return next
    }

    @inline(__always)
    private func equals(_ entry: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[entry], end = starts[entry + 1]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBytes { stored in
            memcmp(stored.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    /// Calls `body` with a slot's text bytes.
    private func withBytes<R>(of item: Slot, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if item.length <= Int32(TextIdTable.inlineBytes) {
            var words = (item.low, item.high)
            return withUnsafeBytes(of: &words) { body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(item.length)])) }
        }
        return arena.withUnsafeBytes { stored in
            body(UnsafeRawBufferPointer(rebasing: stored[starts[Int(item.entry)]..<starts[Int(item.entry) + 1]]))
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for item in old where item.length >= 0 {
            var slot = Int(truncatingIfNeeded: withBytes(of: item) { Hasher.hash($0) }) & mask
            while slots[slot].length >= 0 { slot = (slot + 1) & mask }
            slots[slot] = item
        }
    }

    /// Every entry's bytes with its id, in id order (ids below `idLimit`). Not slot order:
    /// inserting texts into another table of the same hash in slot order would pile them into
    /// long probe runs (a merge of 3M new texts took 40 s instead of 1 s).
    func forEach(idLimit: Int, _ body: (UnsafeRawBufferPointer, Int32) -> Void) {
        for index in slotsById(idLimit: idLimit) where index >= 0 {
            let item = slots[Int(index)]
            withBytes(of: item) { body($0, item.id) }
        }
    }

    /// The slot of each id below `idLimit` (-1 = no text has that id), for `Reader.withBytes`.
    func slotsById(idLimit: Int) -> [Int32] {
        var slotOfId = [Int32](repeating: -1, count: idLimit)
        for (index, item) in slots.enumerated() where item.length >= 0 {
            slotOfId[Int(item.id)] = Int32(index)
        }
        return slotOfId
    }

    /// Read-only access to the table through plain pointers: no reference counting, and
    /// several threads may use one reader at once (nothing may change the table meanwhile).
    struct Reader: @unchecked Sendable {
        fileprivate let slots: UnsafeBufferPointer<Slot>
        fileprivate let starts: UnsafeBufferPointer<Int>
        fileprivate let arena: UnsafeBufferPointer<UInt8>

        /// The id of `bytes`, or -1 when the table does not hold them.
        /// The probe repeats the table's own `id(of:orMake:)` on purpose: one shared probe
        /// struct for both was measured 5-8 % slower on the bench's read and was taken back.
        func id(of bytes: UnsafeRawBufferPointer) -> Int32 {
            let hash = Hasher.hash(bytes)
            let tag = UInt32(truncatingIfNeeded: hash >> 32)
            let length = Int32(bytes.count)
            let short = bytes.count <= TextIdTable.inlineBytes
            var words: (UInt64, UInt64) = (0, 0)
            if short, bytes.count > 0 {
                withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
            }
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let probe = slots[slot]
                if probe.length < 0 { return -1 }
                if probe.tag == tag, probe.length == length {
                    if short {
                        if probe.low == words.0 && probe.high == words.1 { return probe.id }
                    } else {
                        let start = starts[Int(probe.entry)]
                        if memcmp(arena.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0 { return probe.id }
                    }
                }
                slot = (slot + 1) & mask
            }
        }

        /// Calls `body` with the slot and id of each text, in slot order.
        func forEach(_ body: (_ slot: Int32, _ id: Int32) -> Void) {
            for index in slots.indices where slots[index].length >= 0 { body(Int32(index), slots[index].id) }
        }

        /// Calls `body` with the text bytes of slot `index` (from `forEach` or `slotsById`).
        func withBytes<R>(atSlot index: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
            let item = slots[Int(index)]
            if item.length <= Int32(TextIdTable.inlineBytes) {
                var words = (item.low, item.high)
                return withUnsafeBytes(of: &words) { body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(item.length)])) }
            }
            let start = starts[Int(item.entry)], end = starts[Int(item.entry) + 1]
            return body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: arena[start..<end])))
        }
    }

    /// Calls `body` with a reader of this table, valid during the call.
    func withReader<R>(_ body: (Reader) -> R) -> R {
        slots.withUnsafeBufferPointer { slots in
            starts.withUnsafeBufferPointer { starts in
                arena.withUnsafeBufferPointer { arena in body(Reader(slots: slots, starts: starts, arena: arena)) }
            }
        }
    }
}
