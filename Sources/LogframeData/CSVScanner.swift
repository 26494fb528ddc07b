import LogframeCore

/// One cell of a CSV row: a byte range into the file's buffer, without surrounding quotes.
public struct CSVField: Sendable, Hashable {
    /// Offset of the first content byte (after the opening quote when quoted).
    public var start: Int
    /// Offset one past the last content byte (before the closing quote when quoted).
    public var end: Int
    public var isQuoted: Bool
    /// The content contains doubled quotes (`""`) that stand for one quote each.
    public var needsUnquoting: Bool

    /// Offset where the cell begins as the user sees it (the opening quote when quoted).
    public var cellStart: Int { isQuoted ? start - 1 : start }
}

/// A streaming, byte-level CSV scanner over an in-memory buffer (usually a memory-mapped file).
///
/// RFC 4180 plus what real exports do: a UTF-8 BOM is skipped; lines end with LF, CRLF or a lone
/// CR; quoted fields may contain delimiters, line breaks and doubled quotes; the delimiter is
/// detected among `,` `;` tab `|` from the header line (most frequent outside quotes, ties in
/// that order) unless given; blank lines, and rows whose every cell is empty and unquoted (Excel's
/// `,,,,`), are skipped but counted as physical lines; an HXL hashtag row right under the header
/// is recognised and skipped.
///
/// Rows come out as field byte ranges (no `String` per field) with the physical line on which
/// the row starts. Columns are computed only when a diagnostic needs one.
///
/// Malformed input, as located diagnostics:
/// - `csv-unterminated-quote` (error): a quote opened and never closed; located at the opening
///   quote; the rest of the file is that one rejected row.
/// - `csv-stray-quote`: a quote inside an unquoted cell (`5" screen`) is a *warning* and the quote
///   is kept as a literal character, as spreadsheet programs do; text after a closing quote
///   (`"abc"def`) is an *error* that rejects the row, because the intended value is ambiguous.
/// - `csv-ragged-row` (error): a row with more or fewer cells than the header is rejected.
public struct CSVScanner {
    public enum RowOutcome: Equatable {
        /// A row is in `fields`, starting on physical line `rowLine`.
        case row
        /// A malformed row was consumed; its diagnostics are in the log.
        case rejected
        case end
    }

    public let bytes: UnsafeBufferPointer<UInt8>
    /// Path shown in diagnostics.
    public let file: String
    public private(set) var delimiter: UInt8
    private let delimiterOverride: UInt8?

    /// Cells of the last row returned.
    public private(set) var fields: [CSVField] = []
    /// Physical line (1-based) on which the last row starts.
    public private(set) var rowLine = 0
    /// Offset at which the last row starts.
    public private(set) var rowStart = 0

    /// Header cells, NFC-normalised and trimmed of surrounding spaces.
    public private(set) var header: [String] = []
    public private(set) var headerLine = 0
    /// Line of the HXL hashtag row, when there is one.
    public private(set) var hashtagLine: Int?
    /// Cells of the HXL hashtag row (trimmed, empty where a column has no tag), when there is one.
    public private(set) var hashtags: [String]?

    private var position = 0
    /// Physical line at `position`.
    private var line = 1
    private var expectedFieldCount: Int?

    public init(bytes: UnsafeBufferPointer<UInt8>, file: String, delimiter: UInt8? = nil) {
        self.bytes = bytes
        self.file = file
        self.delimiterOverride = delimiter
        self.delimiter = delimiter ?? UInt8(ascii: ",")
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// A scanner that starts at `offset`, taken to be the start of a row of a file whose header
    /// (`fieldCount` cells, this delimiter) was read by another scanner. Lines count from 1 at
    /// `offset`. Used to read a later part of a file on a second thread (ParallelCSV.swift).
    init(bytes: UnsafeBufferPointer<UInt8>, file: String, delimiter: UInt8, fieldCount: Int, startingAt offset: Int) {
        self.bytes = bytes
        self.file = file
        self.delimiterOverride = delimiter
        self.delimiter = delimiter
        expectedFieldCount = fieldCount
        position = offset
    }

    /// Offset where the next row (or blank line) begins.
    public var offset: Int { position }
    /// Physical line at `offset`.
    public var currentLine: Int { line }
    /// Cells in the header (the count every row must have).
    var fieldCount: Int? { expectedFieldCount }

    /// Swaps the last row's cells into `cells` (and `cells`' old array into the scanner, which
    /// reuses its room for the next row): a copy would share the array, and the next row would
    /// then allocate a new one.
    mutating func lendFields(to cells: inout [CSVField]) {
        swap(&fields, &cells)
    }

    /// Continues at `offset`, on physical line `line`: where another scanner, started at a row
    /// start this one reached, stopped.
    mutating func resume(at offset: Int, line: Int) {
        position = offset
        self.line = line
    }

    // MARK: - Header

    /// Reads the header row (and an HXL row under it). Returns false, with `csv-empty-file`
    /// logged, when the file has no header.
    ///
    /// With `headerRow` (`header_row:`), the rows starting above that physical line are skipped
    /// unread (a title, notes, a row of group labels), and the header must start on it.
    public mutating func readHeader(log: inout DiagnosticLog, headerRow: Int? = nil) -> Bool {
        if let headerRow, !skipPreamble(to: headerRow, log: &log) { return false }
        skipBlankLines()
        guard position < bytes.count else {
            log.append(.error("csv-empty-file", at: SourceLocation(file: file),
                              "\(file) is empty: it has no header row",
                              hint: "The first line of a CSV file must name the columns, e.g. record_id,visit_date,centre"))
            return false
        }
        if delimiterOverride == nil { delimiter = detectDelimiter() }
        var outcome = nextRow(log: &log)
        while outcome == .row && isBlankRow() { outcome = nextRow(log: &log) }
        guard outcome != .end else {
            log.append(.error("csv-empty-file", at: SourceLocation(file: file),
                              "\(file) is empty: it has no header row"))
            return false
        }
        if let headerRow, rowLine != headerRow {
            log.append(.error("csv-header-row", at: SourceLocation(file: file, line: headerRow, column: 1),
                              "Line \(headerRow) of \(file) is blank, so it cannot be the header row (`header_row: \(headerRow)`); the next row starts on line \(rowLine); no rows of this file were read",
                              hint: "Set `header_row` to the line where the column names are, as a text editor numbers the lines."))
            return false
        }
        headerLine = rowLine
        header = fields.map { TextNormalization.nfc(decode($0)).trimmingSpaces() }
        expectedFieldCount = fields.count
        if outcome == .rejected { return false }

        // An HXL hashtag row: every non-empty cell starts with `#`. Peek with a scratch log so
        // that a row which is data after all is scanned (and diagnosed) once, for real, later.
        let savedPosition = position, savedLine = line
        var scratch = DiagnosticLog()
        if nextRow(log: &scratch) == .row, isHashtagRow() {
            hashtagLine = rowLine
            hashtags = fields.map { decode($0).trimmingSpaces() }
        } else {
            position = savedPosition
            line = savedLine
        }
        return true
    }

    /// Skips the rows that start before physical line `headerRow` (cells and widths unchecked,
    /// quotes honoured). False, with `csv-header-row` logged, when a quoted cell runs over that
    /// line or the file ends before it.
    private mutating func skipPreamble(to headerRow: Int, log: inout DiagnosticLog) -> Bool {
        var scratch = DiagnosticLog()
        while line < headerRow {
            if nextRow(log: &scratch) == .end { break }
            if rowLine >= headerRow {
                // A row of empty cells (`,,,`) made `nextRow` read on: give back the row found.
                position = rowStart
                line = rowLine
                break
            }
            if line > headerRow {
                log.append(.error("csv-header-row", at: SourceLocation(file: file, line: rowLine, column: 1),
                                  "Line \(headerRow) of \(file) is inside a quoted cell of the row that starts on line \(rowLine), so it cannot be the header row (`header_row: \(headerRow)`); no rows of this file were read",
                                  hint: "Set `header_row` to the line where the column names start, as a text editor numbers the lines."))
                return false
            }
        }
        guard position < bytes.count else {
            log.append(.error("csv-header-row", at: SourceLocation(file: file, line: 1, column: 1),
                              "\(file) has no row on line \(headerRow) or below, where the header row was expected (`header_row: \(headerRow)`); no rows of this file were read",
                              hint: "Check `header_row`: it is the line number of the column names, as a text editor shows it."))
            return false
        }
        return true
    }

    private func isHashtagRow() -> Bool {
        var sawTag = false
        for field in fields {
            var i = field.start, end = field.end
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            if i == end { continue }
            guard bytes[i] == UInt8(ascii: "#") else { return false }
            sawTag = true
        }
        return sawTag
    }

    private func isBlankRow() -> Bool {
        fields.allSatisfy { !$0.isQuoted && $0.start == $0.end }
    }

    /// Most frequent of `,` `;` tab `|` on the header line, outside quotes; `,` when none.
    private func detectDelimiter() -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
        var counts = [0, 0, 0, 0]
        var inQuotes = false
        var i = position
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes {
                if byte == 0x0A || byte == 0x0D { break }
                if let k = candidates.firstIndex(of: byte) { counts[k] += 1 }
            }
            i += 1
        }
        var best = 0
        for k in 1..<4 where counts[k] > counts[best] { best = k }
        return candidates[best]
    }

    private mutating func skipBlankLines() {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x0A {
                position += 1
            } else if byte == 0x0D {
                position += (position + 1 < bytes.count && bytes[position + 1] == 0x0A) ? 2 : 1
            } else {
                return
            }
            line += 1
        }
    }

    // MARK: - Rows

    /// Scans the next non-blank row into `fields`.
    public mutating func nextRow(log: inout DiagnosticLog) -> RowOutcome {
        let count = bytes.count
        let quote = UInt8(ascii: "\"")
        let delimiter = self.delimiter
        let delimiterBytes = CSVScanner.everyByte(delimiter)
        guard let base = bytes.baseAddress else { return .end }
        while true {
            skipBlankLines()
            guard position < count else { return .end }
            rowStart = position
            rowLine = line
            fields.removeAll(keepingCapacity: true)
            var rejected = false
            var warnedStrayQuote = false
            var i = position
            rowLoop: while true {
                if i < count, bytes[i] == quote {
                    // Quoted field.
                    let openingOffset = i
                    i += 1
                    let contentStart = i
                    var doubled = false
                    var closed = false
                    while i < count {
                        if i + 8 <= count {
                            // Eight bytes at a time up to the next quote or line break.
                            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                            let hits = CSVScanner.bytesEqual(word, CSVScanner.quotes) | CSVScanner.bytesEqual(word, CSVScanner.lineFeeds)
                                | CSVScanner.bytesEqual(word, CSVScanner.returns)
                            if hits == 0 { i += 8; continue }
                            i += hits.trailingZeroBitCount >> 3
                        }
                        let byte = bytes[i]
                        if byte == quote {
                            if i + 1 < count, bytes[i + 1] == quote {
                                doubled = true
                                i += 2
                                continue
                            }
                            closed = true
                            break
                        } else if byte == 0x0A {
                            line += 1
                        } else if byte == 0x0D {
                            if !(i + 1 < count && bytes[i + 1] == 0x0A) { line += 1 }
                        }
                        i += 1
                    }
                    guard closed else {
                        let (l, c) = LineLocator.locate(openingOffset, in: bytes, from: rowStart, line: rowLine)
                        log.append(.error("csv-unterminated-quote", at: SourceLocation(file: file, line: l, column: c),
                                          "A quoted cell that starts on line \(l) is never closed: the file ends inside it",
                                          hint: "Add the missing closing quote (\") or remove the opening one; every quote inside a quoted cell must be doubled (\"\")."))
                        fields.append(CSVField(start: contentStart, end: count, isQuoted: true, needsUnquoting: doubled))
                        position = count
                        return .rejected
                    }
                    let contentEnd = i
                    i += 1  // closing quote
                    if i < count, bytes[i] != delimiter, bytes[i] != 0x0A, bytes[i] != 0x0D {
                        // Text after the closing quote: keep the raw cell, reject the row.
                        let (l, c) = LineLocator.locate(i, in: bytes, from: rowStart, line: rowLine)
                        log.append(.error("csv-stray-quote", at: SourceLocation(file: file, line: l, column: c),
                                          "Line \(l) has text right after a closing quote, so the cell's value is ambiguous",
                                          hint: "Put the whole cell in quotes and double every quote inside it (\"\")."))
                        rejected = true
                        while i < count, bytes[i] != delimiter, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                        fields.append(CSVField(start: contentStart, end: i, isQuoted: true, needsUnquoting: doubled))
                    } else {
                        fields.append(CSVField(start: contentStart, end: contentEnd, isQuoted: true, needsUnquoting: doubled))
                    }
                } else {
                    // Unquoted field: the hot loop. Eight bytes at a time up to the first
                    // delimiter, line end or quote, then byte by byte from there.
                    let start = i
                    while i < count {
                        if i + 8 <= count {
                            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                            let hits = CSVScanner.bytesEqual(word, delimiterBytes) | CSVScanner.bytesEqual(word, CSVScanner.lineFeeds)
                                | CSVScanner.bytesEqual(word, CSVScanner.returns) | CSVScanner.bytesEqual(word, CSVScanner.quotes)
                            if hits == 0 { i += 8; continue }
                            i += hits.trailingZeroBitCount >> 3
                        }
                        let byte = bytes[i]
                        if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
                        if byte == quote, !warnedStrayQuote {
                            warnedStrayQuote = true
                            let (l, c) = LineLocator.locate(i, in: bytes, from: rowStart, line: rowLine)
                            log.append(.warning("csv-stray-quote", at: SourceLocation(file: file, line: l, column: c),
                                                "Line \(l) has a quote inside a cell that does not start with a quote; it is read as a plain character",
                                                hint: "If the quote is meant to enclose the cell, start the cell with it."))
                        }
                        i += 1
                    }
                    fields.append(CSVField(start: start, end: i, isQuoted: false, needsUnquoting: false))
                }
                // After a field: a delimiter, a line end, or the end of the file.
                if i >= count { break rowLoop }
                let byte = bytes[i]
                if byte == delimiter {
                    i += 1
                    continue rowLoop
                }
                if byte == 0x0D, i + 1 < count, bytes[i + 1] == 0x0A { i += 1 }
                i += 1
                line += 1
                break rowLoop
            }
            position = i
            if !rejected, isBlankRow() { continue }
            if let expected = expectedFieldCount, fields.count != expected {
                let fewer = fields.count < expected
                log.append(.error("csv-ragged-row", at: SourceLocation(file: file, line: rowLine, column: 1),
                                  "Line \(rowLine) has \(fields.count) \(fields.count == 1 ? "cell" : "cells") but the header has \(expected); the row is skipped",
                                  hint: fewer ? "A cell or a delimiter may be missing, or a line break inside a cell was not quoted."
                                              : "A value may contain the delimiter (\(Self.delimiterName(delimiter))) without being quoted."))
                return .rejected
            }
            return rejected ? .rejected : .row
        }
    }

    // MARK: - Eight bytes at a time

    static let lineFeeds = everyByte(0x0A)
    static let returns = everyByte(0x0D)
    static let quotes = everyByte(UInt8(ascii: "\""))

    @inline(__always)
    static func everyByte(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// A word with the high bit set in each byte of `word` equal to that of `pattern` (every
    /// byte the same): exact from the lowest byte up to the first equal one, which is all the
    /// scanner reads of it (bytes above a match may be flagged wrongly by the borrow).
    @inline(__always)
    static func bytesEqual(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    // MARK: - Cells

    /// Line and column (Unicode scalars, 1-based) where a cell of the current row begins.
    public func location(of field: CSVField) -> SourceLocation {
        let (l, c) = LineLocator.locate(field.cellStart, in: bytes, from: rowStart, line: rowLine)
        return SourceLocation(file: file, line: l, column: c)
    }

    /// Raw bytes of a cell with doubled quotes undone (allocates; for headers, tests and messages).
    public func decodeBytes(_ field: CSVField) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(field.end - field.start)
        var i = field.start
        while i < field.end {
            let byte = bytes[i]
            out.append(byte)
            i += (field.needsUnquoting && byte == UInt8(ascii: "\"") && i + 1 < field.end && bytes[i + 1] == byte) ? 2 : 1
        }
        return out
    }

    /// A cell as a String (allocates; for headers, tests and messages).
    public func decode(_ field: CSVField) -> String {
        String(decoding: decodeBytes(field), as: UTF8.self)
    }

    static func delimiterName(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: return "tab"
        case UInt8(ascii: ","): return "comma"
        case UInt8(ascii: ";"): return "semicolon"
        case UInt8(ascii: "|"): return "vertical bar"
        default: return "\"\(String(decoding: [byte], as: UTF8.self))\""
        }
    }
}

extension String {
    /// Without leading and trailing ASCII spaces and tabs.
    func trimmingSpaces() -> String {
        let utf8 = self.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while end > start {
            let before = utf8.index(before: end)
            guard utf8[before] == 0x20 || utf8[before] == 0x09 else { break }
            end = before
        }
        if start == utf8.startIndex && end == utf8.endIndex { return self }
        return String(self[start..<end])
    }
}
