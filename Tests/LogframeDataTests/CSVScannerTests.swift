import Foundation
import LogframeCore
import Testing
@testable import LogframeData

/// What the scanner made of a buffer: header, rows as strings, the line of each row, the log.
struct Scanned {
    var ok = true
    var header: [String] = []
    var rows: [[String]] = []
    var lines: [Int] = []
    var rejected = 0
    var delimiter: UInt8 = 0
    var hashtagLine: Int?
    var log = DiagnosticLog()

    var codes: [String] { log.diagnostics.map(\.code) }
}

func scan(_ bytes: [UInt8], delimiter: UInt8? = nil) -> Scanned {
    bytes.withUnsafeBufferPointer { buffer in
        var result = Scanned()
        var scanner = CSVScanner(bytes: buffer, file: "t.csv", delimiter: delimiter)
        result.ok = scanner.readHeader(log: &result.log)
        result.header = scanner.header
        result.delimiter = scanner.delimiter
        result.hashtagLine = scanner.hashtagLine
        guard result.ok else { return result }
        while true {
            switch scanner.nextRow(log: &result.log) {
            case .end: return result
            case .rejected: result.rejected += 1
            case .row:
                result.rows.append(scanner.fields.map { scanner.decode($0) })
                result.lines.append(scanner.rowLine)
            }
        }
    }
}

func scan(_ text: String, delimiter: UInt8? = nil) -> Scanned { scan(Array(text.utf8), delimiter: delimiter) }

/// The repository's `../shared/data` folder, found from this file's path.
func sharedData(_ relative: String) -> URL {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("shared/data").appendingPathComponent(relative)
}

@Suite struct CSVScannerTests {
    static let spectrumCases: [String] = {
        let folder = sharedData("csv-spectrum/csvs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
    }()

    @Test func spectrumIsPresent() {
        #expect(Self.spectrumCases.count >= 11)
    }

    /// Each csv-spectrum CSV must give exactly the objects of its JSON twin.
    @Test(arguments: spectrumCases)
    func csvSpectrum(name: String) throws {
        let csv = try Data(contentsOf: sharedData("csv-spectrum/csvs/\(name).csv"))
        let json = try Data(contentsOf: sharedData("csv-spectrum/json/\(name).json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: String]])
        let result = scan([UInt8](csv))
        #expect(result.ok)
        #expect(result.log.diagnostics.isEmpty, "\(result.log.diagnostics)")
        #expect(result.rejected == 0)
        let objects = result.rows.map { row in
            Dictionary(uniqueKeysWithValues: zip(result.header, row))
        }
        #expect(objects == expected)
    }

    @Test func byteOrderMarkIsSkipped() {
        let result = scan([0xEF, 0xBB, 0xBF] + Array("id,name\n1,Ağcabədi\n".utf8))
        #expect(result.header == ["id", "name"])
        #expect(result.rows == [["1", "Ağcabədi"]])
        #expect(result.lines == [2])
    }

    @Test func lineEndings() {
        let crlf = scan("a,b\r\n1,2\r\n\r\n3,4\r\n")
        #expect(crlf.rows == [["1", "2"], ["3", "4"]])
        #expect(crlf.lines == [2, 4])
        let loneCR = scan("a,b\r1,2\r3,4")
        #expect(loneCR.rows == [["1", "2"], ["3", "4"]])
        #expect(loneCR.lines == [2, 3])
        let noFinalNewline = scan("a,b\n1,2")
        #expect(noFinalNewline.rows == [["1", "2"]])
    }

    @Test(arguments: [
        ("a;b;c\n1;2,5;x\n", UInt8(ascii: ";"), ["1", "2,5", "x"]),
        ("a\tb\tc\n1\t2\t3\n", UInt8(0x09), ["1", "2", "3"]),
        ("a|b|c\n1|2|3\n", UInt8(ascii: "|"), ["1", "2", "3"]),
        ("a,b,c\n1,2,3\n", UInt8(ascii: ","), ["1", "2", "3"]),
        ("\"x;y\",b,c\n1,2,3\n", UInt8(ascii: ","), ["1", "2", "3"]),  // delimiters inside quotes do not count
    ])
    func delimiterDetection(text: String, delimiter: UInt8, row: [String]) {
        let result = scan(text)
        #expect(result.delimiter == delimiter)
        #expect(result.rows == [row])
    }

    @Test func delimiterOverride() {
        let result = scan("a;b,c\n1;2,3\n", delimiter: UInt8(ascii: ","))
        #expect(result.header == ["a;b", "c"])
        #expect(result.rows == [["1;2", "3"]])
    }

    @Test func hashtagRowIsSkipped() {
        let result = scan("Organisation,District,Count\n#org, #adm1+name,\n UNDP,Füzuli,3\n")
        #expect(result.hashtagLine == 2)
        #expect(result.rows == [[" UNDP", "Füzuli", "3"]])
        #expect(result.lines == [3])
    }

    @Test func ordinaryRowUnderHeaderIsNotHashtag() {
        let result = scan("a,b\n#1,x\n")
        #expect(result.hashtagLine == nil)
        #expect(result.rows == [["#1", "x"]])
    }

    @Test func blankLinesAndEmptyRowsAreSkippedButCounted() {
        let result = scan("\n\na,b\n\n1,2\n,\n\n3,4\n")
        #expect(result.header == ["a", "b"])
        #expect(result.rows == [["1", "2"], ["3", "4"]])
        #expect(result.lines == [5, 8])
    }

    @Test func physicalLinesAfterQuotedNewlines() {
        let text = "id,note\n1,\"one\ntwo\nthree\"\n2,x\n3,y\n"
        let result = scan(text)
        #expect(result.rows.map { $0[0] } == ["1", "2", "3"])
        #expect(result.lines == [2, 5, 6])
    }

    @Test func raggedRowsAreRejectedAndReadingGoesOn() {
        let result = scan("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
        #expect(result.rows == [["1", "2", "3"], ["10", "11", "12"]])
        #expect(result.rejected == 2)
        let diagnostics = result.log.diagnostics
        #expect(diagnostics.map(\.code) == ["csv-ragged-row", "csv-ragged-row"])
        #expect(diagnostics.map { $0.location?.line } == [3, 4])
        #expect(diagnostics[0].message == "Line 3 has 2 cells but the header has 3; the row is skipped")
        #expect(diagnostics[1].message == "Line 4 has 4 cells but the header has 3; the row is skipped")
    }

    @Test func unterminatedQuoteAtEndOfFile() {
        let result = scan("a,b\n1,2\n3,\"never closed\n4,5\n")
        #expect(result.rows == [["1", "2"]])
        #expect(result.rejected == 1)
        let diagnostic = result.log.diagnostics.first
        #expect(diagnostic?.code == "csv-unterminated-quote")
        #expect(diagnostic?.severity == .error)
        #expect(diagnostic?.location == SourceLocation(file: "t.csv", line: 3, column: 3))
    }

    @Test func strayQuotes() {
        let result = scan("a,b\n1,5\" screen\n2,\"ab\"cd\n3,ok\n")
        #expect(result.rows == [["1", "5\" screen"], ["3", "ok"]])
        #expect(result.rejected == 1)
        let diagnostics = result.log.diagnostics
        #expect(diagnostics.map(\.code) == ["csv-stray-quote", "csv-stray-quote"])
        #expect(diagnostics.map(\.severity) == [.warning, .error])
        #expect(diagnostics.map(\.location) == [SourceLocation(file: "t.csv", line: 2, column: 4),
                                                 SourceLocation(file: "t.csv", line: 3, column: 7)])
    }

    @Test func emptyInputs() {
        for text in ["", "\n\n", "\u{FEFF}", "\r\n"] {
            let result = scan(text)
            #expect(!result.ok)
            #expect(result.codes == ["csv-empty-file"])
        }
        let headerOnly = scan("a,b\n")
        #expect(headerOnly.ok)
        #expect(headerOnly.rows.isEmpty)
    }

    @Test func columnsCountUnicodeScalarsLazily() {
        let bytes = Array("a,b,c\nƏli,\"x\",y\n".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var log = DiagnosticLog()
            var scanner = CSVScanner(bytes: buffer, file: "t.csv")
            let headerRead = scanner.readHeader(log: &log)
            #expect(headerRead)
            let outcome = scanner.nextRow(log: &log)
            #expect(outcome == .row)
            #expect(scanner.fields.map { scanner.location(of: $0).column } == [1, 5, 9])
        }
    }

    /// The scanner skips eight bytes at a time up to the next delimiter, line end or quote:
    /// cells of every length end at every position of a word, in every line ending, and
    /// quoted cells find their line breaks and doubled quotes wherever they fall.
    @Test func cellsOfEveryLengthEndAtEveryOffset() {
        for n in 1...24 {
            let cell = String(repeating: "x", count: n)
            let wide = String(repeating: "ə", count: n / 2) + (n % 2 == 1 ? "y" : "")
            for ending in ["\n", "\r\n", "\r"] {
                let text = "a;b" + ending + cell + ";" + wide + ending + wide + ";" + cell + ending
                let result = scan(text, delimiter: UInt8(ascii: ";"))
                #expect(result.rows == [[cell, wide], [wide, cell]], "length \(n)")
                #expect(result.lines == [2, 3], "length \(n)")
                #expect(result.log.diagnostics.isEmpty)
            }
            let text = "id,note\n1,\"" + cell + "\n" + wide + "\"\"" + cell + "\r\n,\"\n2," + cell + "5\" x\n3,\"" + wide + "\"\n"
            let result = scan(text)
            #expect(result.rows == [["1", cell + "\n" + wide + "\"" + cell + "\r\n,"], ["2", cell + "5\" x"], ["3", wide]], "length \(n)")
            #expect(result.lines == [2, 5, 6], "length \(n)")
            #expect(result.log.diagnostics.map(\.code) == ["csv-stray-quote"])
            #expect(result.log.diagnostics.first?.location == SourceLocation(file: "t.csv", line: 5, column: n + 4))
        }
    }

    @Test func neverCrashesOnGarbage() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("a,;\"\r\n|\t ".utf8) + [0xC3, 0xA4]
        for _ in 0..<300 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let result = scan(bytes)
            _ = result.rows.count
        }
    }
}
