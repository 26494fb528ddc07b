import LogframeCore
import Testing

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func standardVectors(input: String, expected: String) {
        #expect(SHA256.hex(Array(input.utf8)) == expected)
    }

    @Test func oneMillionA() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(bytes) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInOddChunksMatchesOneShot() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = SHA256()
        var i = 0
        var step = 1
        while i < bytes.count {
            let end = min(bytes.count, i + step)
            hasher.update(Array(bytes[i..<end]))
            i = end
            step = step % 97 + 13
        }
        #expect(hasher.finalizeHex() == SHA256.hex(bytes))
    }

    @Test func paddingBoundaries() {
        // Lengths around the 55/56/64-byte padding edges must all round-trip through streaming.
        for n in [55, 56, 57, 63, 64, 65, 119, 120] {
            let bytes = [UInt8](repeating: 0x61, count: n)
            var h = SHA256()
            h.update(Array(bytes.prefix(n / 2)))
            h.update(Array(bytes.dropFirst(n / 2)))
            #expect(h.finalizeHex() == SHA256.hex(bytes))
        }
    }
}
