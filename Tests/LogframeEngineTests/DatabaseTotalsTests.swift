import Testing
@testable import LogframeEngine

/// The database's rows as `--engine` parses them: decimals exact (never through a float, sums
/// past 18 integer digits included), NULL apart from empty text, keys in NFC.
@Suite("Database building blocks")
struct DatabaseTotalsTests {
    @Test func decimalsAreExact() throws {
        #expect(try DatabaseTotals.decimalParts("-12.5000000000") == (-125_000_000_000, 10))
        #expect(try DatabaseTotals.decimalParts("0.1000000000") == (1_000_000_000, 10))
        let big = try DatabaseTotals.decimalParts("1234567890123456789012345.0000000001")
        #expect(big.0 == Int128("12345678901234567890123450000000001")! && big.1 == 10)
        #expect(throws: BuildingBlock.Malformed.self) { try DatabaseTotals.decimalParts("1e3") }
        #expect(throws: BuildingBlock.Malformed.self) { try DatabaseTotals.decimalParts("0.1E-9") }
        #expect(throws: BuildingBlock.Malformed.self) { try DatabaseTotals.decimalParts("") }
    }

    @Test func nullIsNotEmptyAndKeysAreNFC() throws {
        let cells: [String?] = ["cell", "A#1", "0", "sex", "", nil, "Şe\u{0307}", "3", "3", nil, nil, nil, nil]
        let block = try BuildingBlock(cells: cells)
        #expect(block.keys[0] == "")
        #expect(block.keys[1] == nil)
        #expect(block.keys[2] == "Şė")
        #expect(block.bucket == 0 && block.n == 3 && block.distinctCount == nil)
        #expect(throws: BuildingBlock.Malformed.self) { try BuildingBlock(cells: Array(cells.prefix(12))) }
        var bad = cells
        bad[7] = "3.0"
        #expect(throws: BuildingBlock.Malformed.self) { try BuildingBlock(cells: bad) }
    }
}
