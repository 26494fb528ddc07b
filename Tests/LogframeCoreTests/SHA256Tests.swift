import Foundation
@testable import LogframeCore
import Testing

/// Every test that hashes runs twice: `forcePortable: false` is what reports use (the SHA
/// extensions where the CPU has them), `true` the portable C compression.
private let bothPaths = [false, true]

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ], bothPaths)
    func standardVectors(vector: (input: String, expected: String), forcePortable: Bool) {
        #expect(digest(Array(vector.input.utf8), forcePortable: forcePortable) == vector.expected)
    }

    @Test(arguments: bothPaths)
    func oneMillionA(forcePortable: Bool) {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(digest(bytes, forcePortable: forcePortable) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths on either side of the padding (55/56 bytes) and block (64 bytes) edges, over bytes
    /// that differ from one position to the next. The digests were computed with Python's
    /// `hashlib.sha256(bytes((i * 31 + 7) & 0xff for i in range(n)))` when this test was written.
    @Test(arguments: [
        (1, "ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879"),
        (55, "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b"),
        (56, "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63"),
        (57, "5b46e502092be01b1100193e089fdda95638c12e19a1d24f308eb2c3d3ae849d"),
        (63, "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076"),
        (64, "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd"),
        (65, "788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0"),
        (119, "3d610547d68216dedf7435a4fb6260353911f6b3fd3f18805ddb8be285d726fe"),
        (120, "1f80156a804cb7862ad113e8200e9d74499723e7c7854d5f48776d3148e09656"),
        (127, "192409cd280e14b743642ad1343fbd3e82d9305de72c078117745a679210cc3d"),
        (128, "cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356"),
        (129, "81e89a7b2911aaa7795f9e3d4910cb47d6cd2b00d83b8399481527261a1a7519"),
        (300, "4ebe2a8bd5ece93fb899b68e8a5fe64464b2058a5ddca6c079bc907930aa3003"),
        (4097, "bb37fb3430fb3bc003f70512ee0189aec84b029b221885c8f16280d1b935483e"),
    ], bothPaths)
    func lengthsAroundBlockEdgesMatchHashlib(vector: (length: Int, expected: String), forcePortable: Bool) {
        let bytes = (0..<vector.length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        #expect(digest(bytes, forcePortable: forcePortable) == vector.expected)
    }

    @Test(arguments: bothPaths)
    func streamingInOddChunksMatchesOneShot(forcePortable: Bool) {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = SHA256(forcePortable: forcePortable)
        var i = 0
        var step = 1
        while i < bytes.count {
            let end = min(bytes.count, i + step)
            hasher.update(Array(bytes[i..<end]))
            i = end
            step = step % 97 + 13
        }
        #expect(hasher.finalizeHex() == digest(bytes, forcePortable: forcePortable))
    }

    @Test(arguments: bothPaths)
    func paddingBoundaries(forcePortable: Bool) {
        // Lengths around the 55/56/64-byte padding edges must all round-trip through streaming.
        for n in [55, 56, 57, 63, 64, 65, 119, 120] {
            let bytes = [UInt8](repeating: 0x61, count: n)
            var h = SHA256(forcePortable: forcePortable)
            h.update(Array(bytes.prefix(n / 2)))
            h.update(Array(bytes.dropFirst(n / 2)))
            #expect(h.finalizeHex() == digest(bytes, forcePortable: forcePortable))
        }
    }

    /// Random lengths cut at random points: the pieces are passed in place, so the compression
    /// gets runs of several blocks at odd addresses, and partial blocks are completed from the
    /// next piece.
    @Test(arguments: bothPaths)
    func randomSplitsMatchOneShot(forcePortable: Bool) {
        var generator = SplitMix64(seed: 20261122)
        for _ in 0..<500 {
            let bytes = randomBytes(count: Int.random(in: 0...300, using: &generator), using: &generator)
            let cuts = randomCuts(in: bytes.count, using: &generator)
            #expect(digest(bytes, cutAt: cuts, forcePortable: forcePortable) == digest(bytes, forcePortable: forcePortable),
                    "length \(bytes.count), cuts \(cuts)")
        }
    }

    /// Two independent compressions on the same machine: the SHA-NI one against the portable
    /// one, over many lengths, contents and splits. Skipped where the CPU has no SHA extensions
    /// (both would be the portable code); `detectionAgreesWithTheKernel` guards that skip.
    @Test(.enabled(if: SHA256.usesSHAExtensions))
    func shaExtensionsAgreeWithPortableCode() {
        var generator = SplitMix64(seed: 7)
        for round in 0..<2_000 {
            let count = round < 1_900 ? Int.random(in: 0...300, using: &generator) : Int.random(in: 0...20_000, using: &generator)
            let bytes = randomBytes(count: count, using: &generator)
            let cuts = randomCuts(in: bytes.count, using: &generator)
            #expect(digest(bytes, cutAt: cuts, forcePortable: false) == digest(bytes, forcePortable: true),
                    "length \(bytes.count), cuts \(cuts)")
        }
    }

    #if os(Linux) && arch(x86_64)
    /// The CPUID check must see what the kernel sees, or the cross-check above would be skipped
    /// (or the SHA-NI path taken on a CPU without it) without anyone noticing.
    @Test func detectionAgreesWithTheKernel() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }.map { $0.split(separator: " ") } ?? []
        #expect(SHA256.usesSHAExtensions == flags.contains("sha_ni"))
    }
    #endif
}

// MARK: - Helpers

private func digest(_ bytes: [UInt8], forcePortable: Bool) -> String {
    var hasher = SHA256(forcePortable: forcePortable)
    hasher.update(bytes)
    return hasher.finalizeHex()
}

/// The digest of `bytes` fed as the consecutive pieces between `cuts` (sorted offsets), each
/// passed as a view into `bytes` rather than a copy.
private func digest(_ bytes: [UInt8], cutAt cuts: [Int], forcePortable: Bool) -> String {
    var hasher = SHA256(forcePortable: forcePortable)
    bytes.withUnsafeBytes { raw in
        var start = 0
        for end in cuts + [raw.count] {
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            start = end
        }
    }
    return hasher.finalizeHex()
}

private func randomBytes(count: Int, using generator: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}

/// Up to four cut points, possibly repeated (an empty piece) or at either end.
private func randomCuts(in count: Int, using generator: inout SplitMix64) -> [Int] {
    (0..<Int.random(in: 0...4, using: &generator)).map { _ in Int.random(in: 0...count, using: &generator) }.sorted()
}

/// A seeded generator (SplitMix64), so a failing case comes back on every run.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
