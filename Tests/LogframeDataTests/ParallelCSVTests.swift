import Foundation
import LogframeCore
import LogframeDefinitions
import Testing
@testable import LogframeData

/// A CSV file read on two threads (ParallelCSV.swift) must give exactly what one thread gives:
/// the same rows in the same order (the second thread's rows slotted in where they were
/// adopted), the same diagnostics with the same lines, the same counts.
@Suite("Reading a CSV file on two threads")
struct ParallelCSVTests {
    /// A seeded activity log: people recur across the file; `dirty` adds bad dates, ragged
    /// rows, duplicate keys far apart, quoted cells with line breaks and doubled quotes, and
    /// rows that break a warning rule.
    static func log(rows: Int, dirty: Bool) -> String {
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var text = "id,date,person,sex,service,hours\n"
        for i in 1...rows {
            let id = dirty && i % 997 == 0 && i > rows / 2 ? "R\(i - rows / 2)" : "R\(i)"
            var date = String(format: "2021-%02d-%02d", 1 + next(12), 1 + next(28))
            if dirty && i % 701 == 0 { date = "2021-13-40" }
            var service = ["legal", "psych", "business"][next(3)]
            if i % 613 == 0 { service = "\"legal\nadvice\"" }
            if i % 409 == 0 { service = "\"the \"\"best\"\" one\"" }
            let hours = dirty ? "\(next(7)).\(next(100))" : "\(next(5)).\(next(10))"
            if dirty && i % 1201 == 0 {
                text += "\(id),\(date),P\(next(300)),\(["F", "M"][next(2)])\n"
                continue
            }
            text += "\(id),\(date),P\(next(300)),\(["F", "M", ""][next(3)]),\(service),\(hours)\n"
        }
        return text
    }

    struct Read {
        var rows: [[Value]] = []
        var diagnostics: [String] = []
        var counts: [Int] = []
        var adopted = 0
        /// Parts read on the second thread and adopted.
        var parts = 0
    }

    /// Reads the same file on one thread (nil) and split at each minimum size.
    static func read(_ text: String, minimums: [Int?]) -> [Read] {
        let fixture = Fixture()
        fixture.write("log.csv", text)
        return minimums.map { read(fixture, minimum: $0) }
    }

    /// `mainPause` and `partPause` (microseconds per row) slow one thread down, to steer which
    /// one reaches the end of its share first.
    static func read(_ fixture: Fixture, minimum: Int?, mainPause: UInt32 = 0, partPause: UInt32 = 0) -> Read {
        let source = makeSource("log.csv", [field("id", .text), field("date", .date), field("person", .text),
                                            field("sex", .text, allowed: [.text("F"), .text("M")]),
                                            field("service", .text), field("hours", .number)],
                                key: ["id"], date: "date", rules: [("hours <= 5", .warning, "More than 5 hours")])
        let reader = SourceReader(source: source, definitions: makeDefinitions(fixture, [source]))
        var read = Read()
        final class Part { var rows: [[Value]] = [] }
        let makeHalf: (() -> ParallelHalf)? = minimum.map { minimum in
            reader.parallelMinimumBytes = minimum
            return {
                let part = Part()
                return ParallelHalf(consume: { if partPause > 0 { usleep(partPause) }; part.rows.append($0) },
                                    commit: { read.rows += part.rows; read.adopted += part.rows.count; read.parts += 1 })
            }
        }
        let result = reader.read(splitting: makeHalf) { row, _ in
            if mainPause > 0 { usleep(mainPause) }
            read.rows.append(row)
        }
        read.diagnostics = result.log.diagnostics.map { "\($0.severity) \($0.code) \($0.location?.description ?? "") \($0.message) \($0.hint ?? "")" }
        read.counts = [result.rowsRead, result.rowsUsed, result.rowsRejected] + result.files.flatMap { [$0.rowsRead, $0.rowsUsed, $0.rowsRejected] }
        return read
    }

    @Test("Same rows, diagnostics and counts as one thread", arguments: [false, true], [1, 300, 4096, 60_000])
    func sameAsOneThread(dirty: Bool, minimum: Int) {
        let text = Self.log(rows: 4000, dirty: dirty)
        let reads = Self.read(text, minimums: [nil, minimum])
        let one = reads[0], two = reads[1]
        #expect(one.rows.count > 3000)
        #expect(two.rows == one.rows, "rows differ")
        #expect(two.diagnostics == one.diagnostics)
        #expect(two.counts == one.counts)
        if dirty { #expect(one.diagnostics.contains { $0.contains("duplicate-key") }) }
        // The split really happened (the file is about 130 kB).
        if minimum <= 4096 { #expect(two.adopted > 0) }
        if minimum == 60_000 { #expect(two.adopted > 0 && two.adopted < one.rows.count) }
    }

    /// Neither thread waits for the other: a second thread that is done early gets the bytes
    /// between the reading thread and its part (split again), and one that is slow is stopped
    /// where the reading thread meets it, the rest split again. Either way several parts are
    /// adopted, and the rows, diagnostics and counts are those of one thread.
    @Test("Parts split again when one thread is slower", arguments: [false, true], [true, false])
    func splitAgain(dirty: Bool, mainIsSlow: Bool) {
        let fixture = Fixture()
        fixture.write("log.csv", Self.log(rows: 4000, dirty: dirty))
        let one = Self.read(fixture, minimum: nil)
        let two = Self.read(fixture, minimum: 2000, mainPause: mainIsSlow ? 50 : 0, partPause: mainIsSlow ? 0 : 50)
        #expect(two.parts >= 2, "parts adopted: \(two.parts)")
        #expect(two.adopted > 0 && two.adopted < one.rows.count)
        #expect(two.rows == one.rows, "rows differ")
        #expect(two.diagnostics == one.diagnostics)
        #expect(two.counts == one.counts)
    }

    @Test("A split inside a quoted cell is detected and the file read on one thread")
    func splitInsideQuotedCell() {
        // One cell holding most of the file, line breaks and all: the middle is inside it.
        let note = (1...2000).map { "line \($0), still the same cell" }.joined(separator: "\n")
        let text = "id,date,person,sex,service,hours\nR1,2021-01-05,P1,F,\"\(note)\",1\nR2,2021-01-06,P2,M,legal,2\n"
        let reads = Self.read(text, minimums: [nil, 1])
        let one = reads[0], two = reads[1]
        #expect(one.rows.count == 2)
        #expect(two.rows == one.rows, "rows differ")
        #expect(two.diagnostics == one.diagnostics)
        #expect(two.counts == one.counts)
    }

    @Test("A key seen on both sides of the split is reported at its line")
    func duplicateAcrossTheSplit() {
        var text = "id,date,person,sex,service,hours\n"
        for i in 1...2000 { text += "R\(i == 1900 ? 5 : i),2021-02-03,P\(i % 50),F,legal,1\n" }
        let reads = Self.read(text, minimums: [nil, 1])
        let one = reads[0], two = reads[1]
        #expect(one.diagnostics.count == 1 && one.diagnostics[0].contains("line 6"))
        #expect(two.rows == one.rows, "rows differ")
        #expect(two.diagnostics == one.diagnostics)
        #expect(two.counts == one.counts)
    }
}

/// The encoding check on two threads must name the same first problem as on one.
@Suite("Checking the encoding on two threads")
struct ParallelEncodingTests {
    static func cases() -> [(String, [UInt8])] {
        // Multi-byte letters everywhere, so the middle falls inside a character for some lengths.
        let text = Array(String(repeating: "Ağcabədi, Şəki, Tərtər — qeyd edilməyib\n", count: 300).utf8)
        var bad1 = text; bad1[1000] = 0xFF
        var bad2 = text; bad2[text.count - 500] = 0xC3; bad2[text.count - 499] = 0x28
        var both = bad1; both[text.count - 10] = 0xFE
        var nul = text; nul[text.count - 700] = 0
        var cut = text; cut.removeLast(1); cut.append(0xC3)  // a sequence cut off at the end
        var straddle = text
        // An invalid sequence right at the middle: a lead byte whose continuation is missing.
        straddle[straddle.count / 2 - 1] = 0xE2; straddle[straddle.count / 2] = 0x41
        return [("valid", text), ("bad in first half", bad1), ("bad in second half", bad2), ("bad in both", both),
                ("NUL in second half", nul), ("cut at the end", cut), ("bad at the middle", straddle),
                ("UTF-16 BOM", [0xFF, 0xFE] + Array(repeating: 0x41, count: 5000))]
    }

    @Test("Tiny inputs, continuation bytes included, are checked as on one thread",
          arguments: [[0x80, 0x80, 0x80], [0x80], [0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC, 0x80], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]] as [[UInt8]])
    func tinyInputs(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            #expect(EncodingCheck.inspectInParallel(buffer, minimum: 1, release: { _, _ in }) == EncodingCheck.inspect(buffer))
        }
    }

    @Test("Same outcome as one thread", arguments: 0..<8)
    func sameOutcome(index: Int) {
        let (name, bytes) = Self.cases()[index]
        for shift in 0..<4 {
            let shifted = Array(bytes.dropLast(shift))
            shifted.withUnsafeBufferPointer { buffer in
                let one = EncodingCheck.inspect(buffer)
                let two = EncodingCheck.inspectInParallel(buffer, minimum: 1, release: { _, _ in })
                #expect(one == two, "\(name), \(shift) bytes shorter")
                if name == "valid" && shift == 0 { #expect(one == .utf8) }
                if name.hasPrefix("bad") { #expect(one != .utf8) }
            }
        }
    }
}
