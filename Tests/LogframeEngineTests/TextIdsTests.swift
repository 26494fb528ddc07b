import Testing
@testable import LogframeEngine

/// `TextIds` gives each distinct text (short texts kept in the slot, long ones in the arena)
/// one id, keeps it through growth, and lists every text with its id.
@Suite("Tuple ids of field text")
struct TextIdsTests {
    /// Every text hashes alike: only the byte comparison tells them apart.
    enum Colliding: TextHasher {
        static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { 42 }
    }

    @Test("Equal texts share an id, different texts do not, across growth")
    func ids() {
        check(TextIds(), texts: Self.texts)
    }

    @Test("The same when every hash collides")
    func collisions() {
        check(TextIdTable<Colliding>(), texts: Array(Self.texts.prefix(300)) + Array(Self.texts.suffix(320)))
    }

    // Short and long, ASCII and Azerbaijani, texts that differ only past byte 8 or byte 16, the empty text.
    static let texts = (0..<5000).map { "BEN-\($0)" } + (0..<500).map { "Ağcabədi rayonu, kənd \($0)" }
        + ["", "0123456789abcdef", "0123456789abcdef0", "0123456789abcdef1", "Şəki"] + (0..<300).map { "district-\($0)" }

    func check<H: TextHasher>(_ table: TextIdTable<H>, texts: [String]) {
        var table = table
        var next: Int32 = 0
        var expected: [String: Int32] = [:]
        for round in 0..<2 {
            for text in texts {
                let id = table.id(of: text, next: next)
                if let known = expected[text] {
                    #expect(id == known, "\(text) in round \(round)")
                } else {
                    #expect(id == next, "\(text) is new")
                    expected[text] = id
                    next += 1
                }
            }
        }
        #expect(table.count == texts.count)
        var listed: [String: Int32] = [:]
        var order: [Int32] = []
        table.forEach(idLimit: Int(next)) { bytes, id in
            order.append(id)
            listed[String(decoding: bytes, as: UTF8.self)] = id
        }
        #expect(order == order.sorted())
        #expect(listed == expected)
        // The read-only reader (the two-thread merge's lookups) finds the same ids, and only them.
        let slots = table.slotsById(idLimit: Int(next))
        table.withReader { reader in
            for (text, id) in expected {
                var text = text
                let found = text.withUTF8 { reader.id(of: UnsafeRawBufferPointer($0)) }
                #expect(found == id, "\(text)")
                let back = reader.withBytes(atSlot: slots[Int(id)]) { String(decoding: $0, as: UTF8.self) }
                #expect(back == text)
            }
            for absent in ["BEN-5000", "0123456789abcdeg", "Ağcabədi rayonu, kənd 500", "district-300x", " "] {
                var absent = absent
                #expect(absent.withUTF8 { reader.id(of: UnsafeRawBufferPointer($0)) } == -1, "\(absent)")
            }
        }
    }
}
