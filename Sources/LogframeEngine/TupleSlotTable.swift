/// A hash map from distinct-tuple ids (non-negative Int32) to slots, with open addressing and a
/// multiplicative hash.
///
/// It replaces `Dictionary<Int32, Int32>` on the hottest path of the pass (one lookup per row,
/// distinct aggregate and breakdown cell): the standard dictionary hashes with SipHash, which
/// cost more than the rest of the update together on the reference benchmark.
struct TupleSlotTable {
    private var keys: [Int32]
    private var values: [Int32]
    private(set) var count = 0
    private var mask: Int

    init() {
        keys = Array(repeating: -1, count: 16)
        values = Array(repeating: 0, count: 16)
        mask = 15
    }

    @inline(__always)
    private static func home(_ key: Int32, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: key)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot stored for `key`, or nil.
    @inline(__always)
    func slot(for key: Int32) -> Int32? {
        var i = TupleSlotTable.home(key, mask)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k < 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for a key that is not in the table yet.
    @inline(__always)
    mutating func insert(_ key: Int32, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = TupleSlotTable.home(key, mask)
        while keys[i] >= 0 { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
        count += 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: -1, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (k, v) in zip(oldKeys, oldValues) where k >= 0 {
            var i = TupleSlotTable.home(k, mask)
            while keys[i] >= 0 { i = (i + 1) & mask }
            keys[i] = k
            values[i] = v
        }
    }
}
