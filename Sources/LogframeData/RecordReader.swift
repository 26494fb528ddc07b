import LogframeCore

/// The input seam: how a format hands one record to `SourceReader`.
///
/// A record reader yields, for each declared field of the source (by its index in declaration
/// order), the field's text as UTF-8 bytes with the format's escaping undone, and where the
/// record and each field came from (a file line, the line of an XML element; for a database,
/// later, a table key). That is all a format does. Everything that makes a value trustworthy
/// stays in `SourceReader` and runs the same for every format, so a new reader cannot skip it:
/// typing, constraints and NFC normalisation (`FieldDecoder`), the date window, the parent
/// join, the rules, the unique key, the located diagnostics, the row counts and the split of a
/// file between threads (`decodeFields`, `checkRow`).
///
/// Conformers are small structs used as generic parameters, specialised per format: the row
/// loop makes no existential call and no allocation per field.
protocol RecordReader {
    /// Where the record starts (a physical line), for its diagnostics and for `explain`.
    var line: Int { get }
    /// Calls `body` with the text of field `index`, valid only during the call. A field the
    /// record does not have is empty text.
    mutating func withText<R>(ofField index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
    /// Where field `index`'s text was read, for a diagnostic about it.
    func location(ofField index: Int) -> SourceLocation
    /// The characters field `index` occupies on its line, to hide when the line is quoted
    /// (a personal value); nil when they cannot be told apart on one line.
    func maskedSpan(ofField index: Int) -> MaskedSpan?
}

/// A CSV row: the scanner's cells, picked by the column each field was matched to.
struct CSVRecord: RecordReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    /// Per field, the index of its column in the header.
    let columns: [Int]
    private var unquoted = UnquoteBuffer()
    /// The current row's cells, where it starts and on which line.
    private var cells: [CSVField] = []
    private var rowStart = 0
    private(set) var line = 0

    init(bytes: UnsafeBufferPointer<UInt8>, file: String, columns: [Int]) {
        self.bytes = bytes
        self.file = file
        self.columns = columns
    }

    /// Moves to the row the scanner has just read.
    @inline(__always)
    mutating func load(_ scanner: inout CSVScanner) {
        scanner.lendFields(to: &cells)
        rowStart = scanner.rowStart
        line = scanner.rowLine
    }

    @inline(__always)
    mutating func withText<R>(ofField index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        unquoted.withBytes(of: cells[columns[index]], in: bytes, body)
    }

    func location(ofField index: Int) -> SourceLocation {
        let (l, c) = LineLocator.locate(cells[columns[index]].cellStart, in: bytes, from: rowStart, line: line)
        return SourceLocation(file: file, line: l, column: c)
    }

    func maskedSpan(ofField index: Int) -> MaskedSpan? {
        let cell = cells[columns[index]]
        let end = cell.isQuoted ? min(cell.end + 1, bytes.count) : cell.end
        guard cell.cellStart <= end else { return nil }
        var length = 0
        for offset in cell.cellStart..<end {
            let byte = bytes[offset]
            if byte == 0x0A || byte == 0x0D { return nil }   // a cell over several lines
            if byte & 0xC0 != 0x80 { length += 1 }
        }
        let location = location(ofField: index)
        guard let line = location.line, let column = location.column else { return nil }
        return MaskedSpan(line: line, column: column, length: length)
    }
}

/// An XML record: each field's text as matched by its path, and the line of the element or
/// attribute it came from.
struct XMLRecordFields: RecordReader {
    let record: XMLRecord
    let file: String

    var line: Int { record.line }

    @inline(__always)
    mutating func withText<R>(ofField index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(record.values[index] ?? XMLRecord.empty)
    }

    func location(ofField index: Int) -> SourceLocation {
        SourceLocation(file: file, line: record.lines[index], column: 1)
    }

    /// An XML element's line is not split into fields here: its lines are not quoted.
    func maskedSpan(ofField index: Int) -> MaskedSpan? { nil }
}
