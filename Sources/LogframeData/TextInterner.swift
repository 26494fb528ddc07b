#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast non-cryptographic hashing of byte ranges, without building a `String`.
public enum ByteHash {
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        // MurmurHash3's fmix64 finaliser.
        var h = x
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// A 64-bit hash of the bytes; `seed` selects an independent-looking function.
    @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
        let count = bytes.count
        var h = seed ^ (UInt64(truncatingIfNeeded: count) &* 0x87c3_7b91_1142_53d5)
        guard let base = bytes.baseAddress else { return mix(h) }
        var i = 0
        while i + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ mix(word &+ seed)) &* 0x9FB2_1C65_1E98_DF25
            h = (h << 29) | (h >> 35)
            i += 8
        }
        if i < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ mix(tail &+ seed)) &* 0x9FB2_1C65_1E98_DF25
        }
        return mix(h)
    }
}

/// A cache from a cell's raw bytes to a value built from them once (an NFC `String`, its
/// validation outcome), so that a column repeating a few hundred district names costs one
/// hash and one `memcmp` per row instead of a `String` allocation and normalisation.
///
/// Open addressing with linear probing over a power-of-two slot table; key bytes are copied once
/// into an arena. Holds at most `maxEntries` keys and `maxArenaBytes` key bytes; past either
/// limit lookups still work but nothing new is stored (callers then decode directly).
final class ByteKeyedCache<Payload> {
    private struct Entry {
        var hash: UInt64
        var offset: Int
        var length: Int
    }

    private var slots: [Int32]
    private var mask: Int
    private var entries: [Entry] = []
    private var payloads: [Payload] = []
    private var arena: [UInt8] = []
    let maxEntries: Int
    let maxArenaBytes: Int

    init(maxEntries: Int = 1 << 20, maxArenaBytes: Int = 64 << 20) {
        self.maxEntries = maxEntries
        self.maxArenaBytes = maxArenaBytes
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    var count: Int { entries.count }
    var isFull: Bool { entries.count >= maxEntries || arena.count >= maxArenaBytes }

    @inline(__always)
    func lookup(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Payload? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let index = Int(slots[slot])
                if index < 0 { return nil }
                let entry = entries[index]
                if entry.hash == hash, entry.length == key.count, equalBytes(entry.offset, key) {
                    return payloads[index]
                }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    private func equalBytes(_ offset: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        if key.count == 0 { return true }
        return arena.withUnsafeBytes { arena in
            memcmp(arena.baseAddress! + offset, key.baseAddress!, key.count) == 0
        }
    }

    /// Stores a payload for a key not yet present; does nothing when the cache is full.
    func insert(_ key: UnsafeRawBufferPointer, hash: UInt64, payload: Payload) {
        guard !isFull else { return }
        if (entries.count + 1) * 2 > slots.count { grow() }
        let index = entries.count
        entries.append(Entry(hash: hash, offset: arena.count, length: key.count))
        payloads.append(payload)
        arena.append(contentsOf: key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    private func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
