import CSHA256

/// SHA-256 (FIPS 180-4), used to fingerprint input files in reports.
///
/// Streaming: `update` may be called any number of times; `finalize` returns the 32-byte digest.
/// Whole blocks go straight from the caller's buffer to the C compression (`CSHA256`), which
/// uses the x86-64 SHA extensions when the CPU has them: the digest of a large input runs
/// beside the row reader, and the portable code kept a core busy for seconds per gigabyte.
/// Only a partial block is copied, so hashing a memory-mapped file allocates nothing per block.
///
///     SHA256.hex(Array("abc".utf8))  // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
public struct SHA256: Sendable {
    /// H0...H7. A homogeneous tuple is laid out as a C array, so the C code updates it in place.
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// Bytes of a partial block waiting for more input (at most 63 are ever kept).
    private var pending: [UInt8] = []
    private var totalLength: UInt64 = 0
    private let forcePortable: Bool

    public init() {
        self.init(forcePortable: false)
    }

    /// A hasher that never uses the SHA extensions, so tests can hold the two compressions
    /// against each other on a machine that has them.
    init(forcePortable: Bool) {
        self.forcePortable = forcePortable
        pending.reserveCapacity(64)
    }

    /// Whether `SHA256()` compresses with the x86-64 SHA extensions on this machine.
    static var usesSHAExtensions: Bool { csha256_has_shani() != 0 }

    /// Hex digest (lowercase) of bytes.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(Array(bytes))
        return hasher.finalizeHex()
    }

    /// Hex digest (lowercase) of a raw buffer (e.g. a memory-mapped file).
    public static func hex(_ buffer: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(buffer)
        return hasher.finalizeHex()
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        totalLength &+= UInt64(buffer.count)
        var offset = 0
        let count = buffer.count
        if !pending.isEmpty {
            let take = min(64 - pending.count, count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            offset = take
            if pending.count == 64 {
                pending.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let wholeBlocks = (count - offset) / 64
        if wholeBlocks > 0 {
            compress(base + offset, blocks: wholeBlocks)
            offset += wholeBlocks * 64
        }
        if offset < count {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: count - offset))
        }
    }

    /// The 32-byte digest. The hasher must not be updated afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalLength &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBytes { compress($0.baseAddress!, blocks: $0.count / 64) }
        pending.removeAll()
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for word in words {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    public mutating func finalizeHex() -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in finalize() {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Runs `blocks` 64-byte blocks at `data` through the compression function.
    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        let portable = forcePortable
        withUnsafeMutablePointer(to: &state) { tuple in
            tuple.withMemoryRebound(to: UInt32.self, capacity: 8) { words in
                if portable {
                    csha256_compress_blocks_portable(words, data, blocks)
                } else {
                    csha256_compress_blocks(words, data, blocks)
                }
            }
        }
    }
}
