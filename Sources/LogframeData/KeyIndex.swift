import LogframeCore

/// Remembers where each key tuple was first seen, to reject later duplicates.
///
/// Stores a 128-bit hash of the typed key values (two independently seeded 64-bit hashes of a
/// canonical byte encoding), not the values themselves: 24 bytes per key whatever its length, in an open-addressing table.
/// Two different keys are taken for one only if both hashes collide; for n keys the chance is
/// about n^2 / 2^129 (below 10^-26 for ten million rows), far below the chance of a disk error.
struct KeyIndex {
    struct Hash128: Hashable {
        var low: UInt64
        var high: UInt64
    }

    struct FirstSeen {
        var fileIndex: Int32
        var line: Int32
    }

    /// One slot of the table: a key hash and where it was first seen (24 bytes, one cache line
    /// visit per probe). A (0, 0) hash marks an empty slot.
    private struct Slot {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var first = FirstSeen(fileIndex: 0, line: 0)
        var isEmpty: Bool { low == 0 && high == 0 }
    }

    /// Open addressing over the (already uniformly distributed) hash.
    private var table = [Slot](repeating: Slot(), count: 1024)
    private var count = 0
    private var buffer: [UInt8] = []

    /// Encodes the values at `slots` canonically and hashes them; nil when a component is null
    /// (an empty key cannot collide: `required` is the check for missing keys).
    mutating func hash(_ row: [Value], slots: [Int]) -> Hash128? {
        buffer.removeAll(keepingCapacity: true)
        for slot in slots {
            switch row[slot] {
            case .null:
                return nil
            case .bool(let flag):
                buffer.append(1); buffer.append(flag ? 1 : 0)
            case .number(let number):
                buffer.append(2)
                appendInteger(UInt64(truncatingIfNeeded: number.significand))
                appendInteger(UInt64(truncatingIfNeeded: number.significand >> 64))
                appendInteger(UInt64(number.scale))
            case .text(var text):
                buffer.append(3)
                appendInteger(UInt64(text.utf8.count))
                text.withUTF8 { buffer.append(contentsOf: $0) }
            case .date(let date):
                buffer.append(4)
                appendInteger(UInt64(UInt32(bitPattern: date.daysSinceEpoch)))
            case .choices(let options):
                buffer.append(5)
                appendInteger(UInt64(options.count))
                for var option in options {
                    appendInteger(UInt64(option.utf8.count))
                    option.withUTF8 { buffer.append(contentsOf: $0) }
                }
            case .list:
                buffer.append(6)
            }
        }
        var hash = buffer.withUnsafeBytes { bytes in
            Hash128(low: ByteHash.hash(bytes, seed: 0x243F_6A88_85A3_08D3), high: ByteHash.hash(bytes, seed: 0x1319_8A2E_0370_7344))
        }
        if hash.low == 0 && hash.high == 0 { hash.low = 1 }
        return hash
    }

    private mutating func appendInteger(_ value: UInt64) {
        var v = value
        for _ in 0..<8 {
            buffer.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Records the key if new; returns where it was first seen if not.
    mutating func insert(_ hash: Hash128, fileIndex: Int, line: Int) -> FirstSeen? {
        if (count + 1) * 2 > table.count { grow() }
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash.low) & mask
        while !table[slot].isEmpty {
            if table[slot].low == hash.low && table[slot].high == hash.high { return table[slot].first }
            slot = (slot + 1) & mask
        }
        table[slot] = Slot(low: hash.low, high: hash.high,
                           first: FirstSeen(fileIndex: Int32(truncatingIfNeeded: fileIndex), line: Int32(truncatingIfNeeded: line)))
        count += 1
        return nil
    }

    /// Where a key was first seen, if it was.
    func firstSeen(_ hash: Hash128) -> FirstSeen? {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash.low) & mask
        while !table[slot].isEmpty {
            if table[slot].low == hash.low && table[slot].high == hash.high { return table[slot].first }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Every key recorded, with where it was first seen (in no particular order).
    func forEach(_ body: (Hash128, FirstSeen) -> Void) {
        for slot in table where !slot.isEmpty { body(Hash128(low: slot.low, high: slot.high), slot.first) }
    }

    var isEmpty: Bool { count == 0 }

    private mutating func grow() {
        let old = table
        table = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = table.count - 1
        for entry in old where !entry.isEmpty {
            var slot = Int(truncatingIfNeeded: entry.low) & mask
            while !table[slot].isEmpty { slot = (slot + 1) & mask }
            table[slot] = entry
        }
    }
}
