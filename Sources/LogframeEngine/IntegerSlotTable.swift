/// A hash map from integer keys (distinct-tuple ids, packed cell keys) to Int32 slots, with
/// open addressing and a multiplicative hash.
///
/// It replaces `Dictionary` on the hottest paths of the pass (per row, aggregate and breakdown
/// cell): the standard dictionary hashes with SipHash, which on the reference benchmark cost
/// more than the rest of the update together.
struct IntegerSlotTable {
    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [Int32]
    private(set) var count = 0
    private var mask: Int

    init() {
        keys = Array(repeating: IntegerSlotTable.empty, count: 16)
        values = Array(repeating: 0, count: 16)
        mask = 15
    }

    @inline(__always)
    private static func home(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot stored for `key`, or nil. `key` must not be `UInt64.max`.
    @inline(__always)
    func slot(for key: UInt64) -> Int32? {
        var i = IntegerSlotTable.home(key, mask)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == IntegerSlotTable.empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for a key that is not in the table yet.
    @inline(__always)
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = IntegerSlotTable.home(key, mask)
        while keys[i] != IntegerSlotTable.empty { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
        count += 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: IntegerSlotTable.empty, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (k, v) in zip(oldKeys, oldValues) where k != IntegerSlotTable.empty {
            var i = IntegerSlotTable.home(k, mask)
            while keys[i] != IntegerSlotTable.empty { i = (i + 1) & mask }
            keys[i] = k
            values[i] = v
        }
    }
}
