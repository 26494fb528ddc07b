import Dispatch
import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeExpressions

/// One file read for a source.
public struct SourceFileInfo: Sendable {
    /// Path as shown to the user (joined to the definitions folder, normalised lexically).
    public var path: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    /// Data rows in the file (header, HXL row and blank lines excluded) = used + rejected.
    public var rowsRead: Int
    public var rowsUsed: Int
    public var rowsRejected: Int

    public init(path: String, sha256: String, rowsRead: Int, rowsUsed: Int = 0, rowsRejected: Int = 0) {
        self.path = path; self.sha256 = sha256; self.rowsRead = rowsRead
        self.rowsUsed = rowsUsed; self.rowsRejected = rowsRejected
    }
}

/// Where an accepted record came from.
public struct RecordContext: Sendable {
    /// Index into `SourceReadResult.files`.
    public var fileIndex: Int
    /// Physical line on which the record starts.
    public var line: Int

    public init(fileIndex: Int, line: Int) {
        self.fileIndex = fileIndex
        self.line = line
    }
}

public struct SourceReadResult: Sendable {
    public var files: [SourceFileInfo]
    /// rowsRead = rowsUsed + rowsRejected, over all files.
    public var rowsRead: Int
    public var rowsUsed: Int
    public var rowsRejected: Int
    public var log: DiagnosticLog
    /// Of `rowsUsed`, rows read on a second thread (a speed detail; the figures never depend on it).
    public var rowsReadOnSecondThread = 0

    public init(files: [SourceFileInfo] = [], rowsRead: Int = 0, rowsUsed: Int = 0, rowsRejected: Int = 0, log: DiagnosticLog = DiagnosticLog()) {
        self.files = files; self.rowsRead = rowsRead; self.rowsUsed = rowsUsed; self.rowsRejected = rowsRejected; self.log = log
    }
}

/// Streams the records of one source: finds its files, checks their encoding, scans the CSV,
/// types and validates every cell, applies the date, key and rule checks, and hands each
/// accepted row to the caller.
///
/// A row is rejected (counted, excluded, explained by one or more error diagnostics) when a
/// cell breaks its field's type or constraints, its date is missing or outside the programme,
/// its key was already seen, a rule with severity `error` fails, or the CSV row itself is
/// malformed. A file that cannot be used as a whole (missing, unreadable, not UTF-8, binary,
/// a declared column missing) contributes no rows and says so.
public final class SourceReader {
    public let source: SourceDefinition
    public let definitions: Definitions
    private let decoders: [FieldDecoder]
    /// Row slot of each own field, in declaration order.
    let slots: [Int]
    let slotCount: Int
    let keySlots: [Int]
    private let dateFieldIndex: Int?
    /// Slot of a parent's date field the rows are dated by (`date: households.survey_date`),
    /// checked after the join (ParentDate.swift).
    let parentDateSlot: Int?
    /// Parent join: the child's slot holding the parent key, and (parent slot, child slot) pairs.
    private var parentKeySlot: Int?
    private var parentSlots: [(from: Int, to: Int)] = []
    /// Parent rows by the text of their key (nil when the source has no parent).
    private var parentRows: [String: [Value]]?
    /// Set for XML sources once the record and field paths are checked.
    private var xmlReader: XMLRecordReader?
    /// Set while `read(splitting:_:)` runs.
    private var makeHalf: (() -> ParallelHalf)?
    /// Own fields (indices into `source.fields`) left undecoded by `decodeOnly(slots:)`.
    private(set) var unreadFields: [Int] = []

    public init(source: SourceDefinition, definitions: Definitions) {
        self.source = source
        self.definitions = definitions
        decoders = source.fields.map { FieldDecoder(field: $0, maxCellBytes: definitions.maxCellBytes) }
        slots = source.fields.enumerated().map { index, field in source.scope.field(named: field.id)?.slot ?? index }
        slotCount = max(source.fields.count, (source.scope.fields.map(\.slot).max() ?? -1) + 1, (slots.max() ?? -1) + 1)
        keySlots = source.key.compactMap { id in source.fieldIndex(id).map { source.scope.field(named: id)?.slot ?? $0 } }
        dateFieldIndex = source.dateField.flatMap { source.fieldIndex($0) }
        parentDateSlot = source.isDatedByParent ? source.dateField.flatMap { source.scope.field(named: $0)?.slot } : nil
        personalFields = source.fields.indices.filter { source.fields[$0].personal }
        personalKey = source.hasPersonalKey
    }

    /// Leaves undecoded the own fields outside `read` (the row slots the caller will look at)
    /// that the reader does not need either (key, date, rules; nothing of a source with a
    /// parent) and whose cells nothing but the empty and size checks can refuse (plain text,
    /// no `in:`, `pattern:` or `missing`). Their cells are still checked, with the same
    /// diagnostics; the rows hold null in their slots. Call before reading.
    public func decodeOnly(slots read: Set<Int>) {
        guard source.parent == nil else { return }
        var needed = read.union(keySlots)
        if let dateFieldIndex { needed.insert(slots[dateFieldIndex]) }
        for rule in source.rules { needed.formUnion(rule.bound.slots) }
        for (index, decoder) in decoders.enumerated() where !needed.contains(slots[index]) && decoder.checksOnlyPresence {
            decoder.skipValues()
            unreadFields.append(index)
        }
    }

    /// Indices of the fields holding personal values: masked in messages and quoted lines.
    let personalFields: [Int]
    /// A key field is personal: a duplicate key is reported without its value.
    let personalKey: Bool

    /// Streams every record of every file of the source. `body` receives only accepted rows,
    /// laid out by `source.scope` slots (own fields in declaration order; then, when the source
    /// has a `parent`, the joined parent row's fields, named `parent.field` in the scope).
    public func read(_ body: (_ row: [Value], _ context: RecordContext) -> Void) -> SourceReadResult {
        read(splitting: nil, body)
    }

    /// Whether `read(splitting:_:)` may read part of a large file on a second thread (CSV files;
    /// an XML file can only be parsed from its start).
    public var splitsLargeFiles: Bool { source.format == .csv }

    /// Whether parsing this source's records costs more than counting them (XML, through
    /// libxml2), so that the caller gains by reading on one thread and counting on another
    /// (`RowPipeline` in the engine) rather than by splitting files.
    public var parsingOutweighsCounting: Bool { source.format == .xml }

    /// Files of at least this many bytes are read on two threads when the caller can take rows
    /// from a second thread (`read(splitting:_:)`).
    public var parallelMinimumBytes = 8 << 20

    /// As `read(_:)`, but a large CSV file's later part may be read on a second thread: each
    /// time, `makeHalf` gives the consumer of that part's rows (see `ParallelHalf`). `body` then
    /// sees only the other rows. Every diagnostic, count and row is what `read(_:)` gives.
    public func read(splitting makeHalf: (() -> ParallelHalf)?,
                     _ body: (_ row: [Value], _ context: RecordContext) -> Void) -> SourceReadResult {
        self.makeHalf = makeHalf
        defer { self.makeHalf = nil }
        var result = SourceReadResult()
        if source.format == .xml {
            guard let record = source.record, record.hasPrefix("/"), record.count > 1 else {
                result.log.append(.error("xml-record-missing", at: source.location,
                                         "XML source \(source.id) needs `record:`, the path of the element that is one record",
                                         hint: "For example record: /meetings/meeting (element names from the root, without namespace prefixes)."))
                return result
            }
            var paths: [XMLFieldPath?] = []
            for field in source.fields {
                let path = XMLFieldPath(field.xmlPath)
                if path == nil || path!.ups > record.split(separator: "/").count - 1 {
                    result.log.append(.error("xml-path-invalid", at: field.location,
                                             "The path \"\(field.xmlPath)\" of field \(field.id) cannot be read relative to the record \(record)",
                                             hint: "Use child, child/grandchild, @attr, child/@attr, ../@attr or ../../meta/instanceID (`..` at most once per element above the record)."))
                    return result
                }
                paths.append(path)
            }
            xmlReader = XMLRecordReader(record: record, fields: paths)
        }
        if let link = source.parent {
            guard loadParent(link, log: &result.log) else { return result }
        }
        for decoder in decoders {
            if let pattern = decoder.invalidPattern {
                result.log.append(.error("field-pattern-invalid", at: decoder.field.location,
                                         "The pattern of field \(decoder.field.id) is not a valid regular expression: \(pattern)"))
            }
        }
        var keys = KeyIndex()
        var row = [Value](repeating: .null, count: slotCount)
        filePaths = []
        for path in resolvePaths(&result.log) {
            readFile(path, into: &result, keys: &keys, row: &row, body: body)
        }
        return result
    }

    // MARK: - Files

    private struct ResolvedPath {
        var open: String
        var display: String
    }

    private func resolvePaths(_ log: inout DiagnosticLog) -> [ResolvedPath] {
        let joined = SourcePaths.join(definitions.baseDirectory, source.path)
        let policy = definitions.allowOutside.map { PathPolicy(definitionsDirectory: definitions.baseDirectory, allowOutside: $0) }
        var paths: [String]
        if SourcePaths.hasGlob(source.path) && !FileManager.default.fileExists(atPath: joined) {
            // The folder a pattern starts from must be inside before anything is listed.
            if let policy, policy.check(PathPolicy.fixedPrefix(ofGlob: joined)) == .outside {
                log.append(outside(SourcePaths.normalize(joined)))
                return []
            }
            paths = SourcePaths.expand(joined)
            if paths.isEmpty {
                log.append(.error("file-not-found", at: source.location,
                                  "No file matches \(SourcePaths.normalize(joined)) (source \(source.id))",
                                  hint: "Paths are relative to the folder of the definitions file (\(displayBase))."))
            }
        } else {
            paths = [joined]
        }
        return paths.compactMap { path in
            let display = SourcePaths.normalize(path)
            switch policy?.check(path) ?? .missing {
            case .inside(let canonical): return ResolvedPath(open: canonical, display: display)
            case .missing: return ResolvedPath(open: path, display: display)
            case .outside:
                log.append(outside(display))
                return nil
            }
        }
    }

    /// A source path that leads outside the project folder: refused unopened, so the diagnostic
    /// can quote nothing of the file.
    private func outside(_ display: String) -> Diagnostic {
        .error("path-outside-project", at: source.location,
               "The path \(display) of source \(source.id) leads outside the project folder (the git work tree of the definitions file; without git, the folder above the definitions file's folder); logframe reads no file there",
               hint: "Keep data files inside the project (the git work tree of the definitions file), or, if you trust this definitions file, pass --allow-outside with the folder to read.")
    }

    /// The files this source would read (globs expanded, symbolic links resolved), leaving out
    /// those the path policy refuses; for the CLI's check that no output overwrites an input.
    public func inputPaths() -> [String] {
        var log = DiagnosticLog()
        return resolvePaths(&log).map(\.open)
    }

    private var displayBase: String {
        definitions.baseDirectory.isEmpty ? "." : definitions.baseDirectory
    }

    private func readFile(_ path: ResolvedPath, into result: inout SourceReadResult, keys: inout KeyIndex,
                          row: inout [Value], body: ([Value], RecordContext) -> Void) {
        let file: MappedFile
        switch MappedFile.open(path.open) {
        case .success(let opened):
            file = opened
        case .failure(.notFound):
            result.log.append(.error("file-not-found", at: source.location,
                                     "The file \(path.display) of source \(source.id) does not exist",
                                     hint: "Paths are relative to the folder of the definitions file (\(displayBase))."))
            return
        case .failure(.isDirectory):
            result.log.append(.error("file-unreadable", at: source.location,
                                     "\(path.display) (source \(source.id)) is a folder, not a file",
                                     hint: "Use a glob such as \(path.display)/*.csv to read every file in it."))
            return
        case .failure(.notRegular):
            result.log.append(.error("file-unreadable", at: source.location,
                                     "\(path.display) (source \(source.id)) is not a regular file (a device, pipe or socket); logframe reads only regular files",
                                     hint: "Save the data to a file and point `path:` at it."))
            return
        case .failure(.unreadable(let reason)):
            result.log.append(.error("file-unreadable", at: source.location,
                                     "The file \(path.display) of source \(source.id) cannot be read: \(reason)"))
            return
        }

        // Fingerprint the file on another core while the rows are read.
        let digest = DigestTask(file)
        let fileIndex = result.files.count
        result.files.append(SourceFileInfo(path: path.display, sha256: "", rowsRead: 0))
        filePaths.append(path.display)
        var info = FileCounts()
        let keptBefore = result.log.diagnostics.count
        defer {
            // Any other diagnostic on a line of this file (a ragged row, a bad byte) is not
            // quoted: its line may hold personal values in cells that could not be located.
            if !personalFields.isEmpty {
                result.log.updateDiagnostics(from: keptBefore) { diagnostic in
                    if diagnostic.sourceQuote == .line, diagnostic.location?.file == path.display { diagnostic.sourceQuote = .none }
                }
            }
        }
        if let xmlReader {
            readXMLRecords(xmlReader, file, open: path.open, display: path.display, fileIndex: fileIndex,
                           counts: &info, log: &result.log, keys: &keys, row: &row, body: body)
        } else {
            readRows(file, display: path.display, fileIndex: fileIndex, counts: &info, log: &result.log,
                     keys: &keys, row: &row, body: body)
        }
        result.files[fileIndex].sha256 = digest.wait()
        result.files[fileIndex].rowsRead = info.read
        result.files[fileIndex].rowsUsed = info.used
        result.files[fileIndex].rowsRejected = info.rejected
        result.rowsRead += info.read
        result.rowsUsed += info.used
        result.rowsRejected += info.rejected
        result.rowsReadOnSecondThread += info.adopted
        withExtendedLifetime(file) {}
    }

    private struct FileCounts {
        var read = 0
        var used = 0
        var rejected = 0
        /// Of `used`, rows read on a second thread (`ParallelCSV.swift`).
        var adopted = 0
    }

    // MARK: - Rows

    private func readRows(_ file: MappedFile, display: String, fileIndex: Int, counts: inout FileCounts,
                          log: inout DiagnosticLog, keys: inout KeyIndex, row: inout [Value],
                          body: ([Value], RecordContext) -> Void) {
        let bytes = file.bytes
        guard encodingIsUsable(bytes, display: display, log: &log, checked: file.release(below:), file: file) else { return }
        var scanner = CSVScanner(bytes: bytes, file: display, delimiter: source.delimiter)
        guard scanner.readHeader(log: &log, headerRow: source.headerRow) else { return }
        guard let columns = matchColumns(scanner, display: display, log: &log) else { return }

        var record = CSVRecord(bytes: bytes, file: display, columns: columns)
        var nextRelease = MappedFile.releaseStride
        // The row loop borrows the decoders and reads local copies of the tables: no retain and
        // release of the reader's properties per cell.
        let decoderRefs = decoders.map { Unmanaged.passUnretained($0) }
        let rowSlots = slots
        // Later parts of the file read on a second thread (one at a time), in file order, each up
        // to its first row with a problem or the next part's start (ParallelCSV.swift).
        var halves: [HalfRead] = []
        // Splits what lies between this thread and the next part (or the end of the file) when
        // the second thread is free.
        func splitRest() {
            guard let makeHalf, file.isMemoryMapped, let fieldCount = scanner.fieldCount,
                  halves.allSatisfy({ $0.isDone }) else { return }
            let limit = halves.first?.start ?? bytes.count
            guard let start = HalfRead.split(bytes, from: scanner.offset, to: limit, minimum: parallelMinimumBytes) else { return }
            halves.insert(HalfRead(reader: self, file: file, start: start, limit: limit, columns: columns, delimiter: scanner.delimiter,
                                   fieldCount: fieldCount, display: display, fileIndex: fileIndex, consumer: makeHalf()), at: 0)
        }
        splitRest()
        defer {
            for pending in halves { pending.cancel(); _ = pending.finish() }
        }
        var rowsToCheck = 0
        while true {
            while let pending = halves.first, scanner.offset >= pending.start {
                halves.removeFirst()
                // The speculation holds only if this thread's rows end exactly where the other
                // thread began (not inside a quoted cell) and no key was seen on both sides.
                // Then the other thread need not finish its part: what it read so far is taken.
                let aligned = scanner.offset == pending.start
                if aligned { pending.stop() } else { pending.cancel() }
                let outcome = pending.finish()
                if aligned, let outcome, adopt(outcome.keys, lineOffset: scanner.currentLine - 1, fileIndex: fileIndex, into: &keys) {
                    pending.consumer.commit()
                    counts.read += outcome.rows
                    counts.used += outcome.rows
                    scanner.resume(at: outcome.end, line: scanner.currentLine + outcome.line - 1)
                    counts.adopted += outcome.rows
                    while nextRelease <= outcome.end { nextRelease += MappedFile.releaseStride }
                }
                splitRest()
            }
            if !halves.isEmpty {
                // Now and then: is the second thread done while much is left before its part?
                rowsToCheck -= 1
                if rowsToCheck < 0 { rowsToCheck = 1024; splitRest() }
            }
            let outcome = scanner.nextRow(log: &log)
            if outcome == .end { break }
            if scanner.rowStart >= nextRelease {
                // Keep the current row's pages: its diagnostics may still quote it.
                file.release(below: scanner.rowStart - (1 << 20))
                nextRelease += MappedFile.releaseStride
            }
            counts.read += 1
            if outcome == .rejected {
                counts.rejected += 1
                continue
            }
            record.load(&scanner)
            guard accept(&record, into: &row, decoders: decoderRefs, slots: rowSlots, display: display,
                         fileIndex: fileIndex, log: &log, keys: &keys) else {
                counts.rejected += 1
                continue
            }
            counts.used += 1
            body(row, RecordContext(fileIndex: fileIndex, line: scanner.rowLine))
        }
    }

    /// Decodes every declared field of a record into `row`: the one cell-decoding loop of every
    /// format. A refused cell rejects the row and is reported at its location (capped per file
    /// and code). With `stopAtProblem` (the second thread of a split read, which reports
    /// nothing) the loop stops at the first refused cell and returns nil.
    @inline(__always)
    func decodeFields<Record: RecordReader>(_ record: inout Record, into row: inout [Value],
                                            decoders decoderRefs: [Unmanaged<FieldDecoder>], slots rowSlots: [Int],
                                            display: String, log: inout DiagnosticLog,
                                            stopAtProblem: Bool = false) -> (rejected: Bool, dateFieldFailed: Bool)? {
        var rejected = false
        var dateFieldFailed = false
        for index in 0..<decoderRefs.count {
            let (value, problem) = record.withText(ofField: index) { text in
                decoderRefs[index]._withUnsafeGuaranteedRef { $0.decode(text) }
            }
            row[rowSlots[index]] = value
            guard let problem else { continue }
            if stopAtProblem { return nil }
            rejected = true
            if index == dateFieldIndex { dateFieldFailed = true }
            guard log.keeps(file: display, code: problem.code, severity: .error) else {
                log.countSuppressed(file: display, code: problem.code, severity: .error)
                continue
            }
            let location = record.location(ofField: index)
            let diagnostic = record.withText(ofField: index) { text in
                decoderRefs[index]._withUnsafeGuaranteedRef { $0.diagnostic(for: problem, cell: text, value: value, at: location) }
            }
            log.append(diagnostic)
        }
        return (rejected, dateFieldFailed)
    }

    /// Decodes a record and applies the row checks (`checkRow`): true when it is accepted, and
    /// then `row` holds it.
    @inline(__always)
    func accept<Record: RecordReader>(_ record: inout Record, into row: inout [Value], decoders: [Unmanaged<FieldDecoder>],
                                      slots: [Int], display: String, fileIndex: Int, log: inout DiagnosticLog,
                                      keys: inout KeyIndex) -> Bool {
        let kept = log.diagnostics.count
        let (rejected, dateFieldFailed) = decodeFields(&record, into: &row, decoders: decoders, slots: slots,
                                                       display: display, log: &log)!
        let accepted = checkRow(&row, rejected: rejected, dateFieldFailed: dateFieldFailed,
                                dateLocation: { dateFieldIndex.map { record.location(ofField: $0) } },
                                line: record.line, display: display, fileIndex: fileIndex, log: &log, keys: &keys)
        if !personalFields.isEmpty, log.diagnostics.count > kept {
            // The row's line may be quoted only with its personal cells hidden.
            var spans: [MaskedSpan] = []
            var locatable = true
            for index in personalFields {
                if let span = record.maskedSpan(ofField: index) { spans.append(span) } else { locatable = false }
            }
            let quote: SourceQuote = locatable ? .masked(spans) : .none
            log.updateDiagnostics(from: kept) { $0.sourceQuote = quote }
        }
        return accepted
    }

    /// The checks shared by every format once a row's cells are decoded (into `row`, with
    /// `rejected` set when a cell was refused): the date window, the parent join, the rules and
    /// the unique key. True when the row is accepted.
    ///
    /// With `keyOnlyIfClean`, a row that drew any diagnostic (even a warning) does not record its
    /// key: the second thread of a split read stops before such a row, and the reading thread,
    /// which reads it again, must not find its key already taken.
    func checkRow(_ row: inout [Value], rejected: Bool, dateFieldFailed: Bool, dateLocation: () -> SourceLocation?,
                  line: Int, display: String, fileIndex: Int, log: inout DiagnosticLog, keys: inout KeyIndex,
                  keyOnlyIfClean: Bool = false) -> Bool {
        let problemsBefore = log.errorCount + log.warningCount
        var rejected = rejected
        let programme = definitions.programme
        if let dateIndex = dateFieldIndex, !dateFieldFailed {
            // Located only when a diagnostic needs it (finding the column costs a scan of the row).
            func located() -> SourceLocation { dateLocation() ?? SourceLocation(file: display, line: line, column: 1) }
            switch row[slots[dateIndex]] {
            case .date(let date):
                if date < programme.start || date > programme.end {
                    let dateLocation = located()
                    rejected = true
                    log.append(.error("date-outside-programme", at: dateLocation,
                                      "The date \(date) in column \(decoders[dateIndex].field.column) (line \(dateLocation.line ?? line)) is outside the programme (\(programme.start) to \(programme.end))",
                                      hint: "Check the year and the day/month order; the column's format is \(decoders[dateIndex].field.dateFormat)."))
                }
            case .null:
                rejected = true
                log.append(.error("date-missing", at: located(),
                                  "Line \(line) has no \(decoders[dateIndex].field.column): every record of source \(source.id) needs a date to be placed in a period",
                                  hint: "Fill in the date, or mark the field required: true to catch this earlier."))
            default:
                break
            }
        }
        if !rejected, parentRows != nil, !joinParent(&row, line: line, display: display, log: &log) {
            rejected = true
        }
        if !rejected, let slot = parentDateSlot, !checkJoinedDate(row[slot], line: line, display: display, log: &log) {
            rejected = true
        }
        if !rejected {
            for rule in source.rules {
                guard case .bool(false) = rule.bound.evaluate(row) else { continue }
                let location = SourceLocation(file: display, line: line, column: 1)
                if rule.severity == .error {
                    rejected = true
                    log.append(.error("rule-failed", at: location, rule.message))
                } else {
                    log.append(.warning("rule-failed", at: location, rule.message))
                }
            }
        }
        if keyOnlyIfClean, log.errorCount + log.warningCount != problemsBefore { return !rejected }
        if !rejected, !keySlots.isEmpty, let hash = keys.hash(row, slots: keySlots),
           let first = keys.insert(hash, fileIndex: fileIndex, line: line) {
            rejected = true
            let keyText = personalKey ? PersonalValue.mask(keySlots.map { row[$0].description }.joined(separator: ", "))
                : "\"" + keySlots.map { row[$0].description }.joined(separator: ", ") + "\""
            let names = source.key.joined(separator: ", ")
            let sameFile = Int(first.fileIndex) == fileIndex
            let firstFile = sameFile ? display : firstFilePath(Int(first.fileIndex))
            let place = sameFile ? "line \(first.line)" : "line \(first.line) of \(firstFile)"
            log.append(.error("duplicate-key", at: SourceLocation(file: display, line: line, column: 1),
                              "Line \(line) repeats the \(names) \(keyText) already used on \(place)",
                              hint: "Each record must have a unique \(names); remove the duplicate or correct its \(names).",
                              notes: [.init(at: sameFile || Int(first.fileIndex) < filePaths.count ? SourceLocation(file: firstFile, line: Int(first.line), column: 1) : nil,
                                            "the \(names) \(keyText) is first used here")]))
        }
        return !rejected
    }

    // MARK: - XML

    private func readXMLRecords(_ reader: XMLRecordReader, _ file: MappedFile, open: String, display: String,
                                fileIndex: Int, counts: inout FileCounts, log: inout DiagnosticLog, keys: inout KeyIndex,
                                row: inout [Value], body: ([Value], RecordContext) -> Void) {
        let bytes = file.bytes
        // `decoders` keeps every decoder alive: no reference counting per value.
        let unretained = decoders.map { Unmanaged.passUnretained($0) }
        let rowSlots = slots
        let stop = reader.read(bytes: bytes, path: open, consumed: file.release(below:)) { xmlRecord in
            counts.read += 1
            var record = XMLRecordFields(record: xmlRecord, file: display)
            if accept(&record, into: &row, decoders: unretained, slots: rowSlots, display: display,
                      fileIndex: fileIndex, log: &log, keys: &keys) {
                counts.used += 1
                body(row, RecordContext(fileIndex: fileIndex, line: record.line))
            } else {
                counts.rejected += 1
            }
        }
        switch stop {
        case nil:
            break
        case .malformed(let line, let message):
            log.append(.error("xml-malformed", at: SourceLocation(file: display, line: max(line, 1), column: 1),
                              "\(display) is not well-formed XML (line \(max(line, 1))): \(message); records after this point were not read",
                              hint: "The file may be truncated or not XML at all; re-export or re-download it."))
        case .doctype(let line, let what):
            log.append(.error("xml-doctype-refused", at: SourceLocation(file: display, line: max(line, 1), column: 1),
                              "\(display) contains \(what) (line \(max(line, 1))); DOCTYPEs and entities are refused for safety, so the rest of this file was not read",
                              hint: "Data exports do not need a DOCTYPE: remove the <!DOCTYPE ...> declaration and any &name; references other than &amp; &lt; &gt; &quot; &apos;."))
        }
    }

    // MARK: - Parent join

    /// Reads the parent source fully, keyed by the text of its key field, and prepares the slot
    /// mapping. False (with a diagnostic) when the join cannot be made at all.
    private func loadParent(_ link: ParentLink, log: inout DiagnosticLog) -> Bool {
        guard let parent = definitions.source(link.source), parent.key.count == 1,
              let parentKeySlot = parent.scope.field(named: parent.key[0])?.slot,
              let childKeySlot = source.scope.field(named: link.key)?.slot else {
            log.append(.error("parent-unavailable", at: source.location,
                              "Source \(source.id) cannot join its parent \(link.source): the parent source or its single key field is not defined"))
            return false
        }
        self.parentKeySlot = childKeySlot
        parentSlots = parent.fields.compactMap { field in
            guard let from = parent.scope.field(named: field.id)?.slot,
                  let to = source.scope.field(named: "\(parent.id).\(field.id)")?.slot else { return nil }
            return (from, to)
        }
        var rows: [String: [Value]] = [:]
        // The parent's own diagnostics are reported when the parent source itself is read.
        let parentResult = SourceReader(source: parent, definitions: definitions).read { row, _ in
            let key = row[parentKeySlot]
            if !key.isNull { rows[key.description] = row }
        }
        if parentResult.rowsRead == 0, parentResult.log.errorCount > 0 {
            log.append(.warning("parent-unreadable", at: source.location,
                                "The parent source \(parent.id) of \(source.id) gave no rows, so every row of \(source.id) will be an orphan",
                                hint: "Fix the errors reported for source \(parent.id) first."))
        }
        parentRows = rows
        return true
    }

    /// Fills the parent slots of `row` from the parent row its key names; false (with an
    /// `orphan-parent` error) when there is none.
    private func joinParent(_ row: inout [Value], line: Int, display: String, log: inout DiagnosticLog) -> Bool {
        guard let parentRows, let parentKeySlot else { return true }
        let key = row[parentKeySlot]
        if !key.isNull, let parent = parentRows[key.description] {
            for (from, to) in parentSlots { row[to] = parent[from] }
            return true
        }
        let name = source.parent?.key ?? ""
        let parentId = source.parent?.source ?? ""
        let parentKeyPersonal = source.fields.first { $0.id == name }?.personal == true
        log.append(.error("orphan-parent", at: SourceLocation(file: display, line: line, column: 1),
                          key.isNull
                            ? "Line \(line) has no \(name), so it cannot be joined to a record of \(parentId)"
                            : "Line \(line) refers to \(parentId) record \(parentKeyPersonal ? PersonalValue.mask(key.description) : "\"\(key.description)\"") (\(name)), which does not exist",
                          hint: "Check that the \(parentId) file is complete and that \(name) holds the parent's key."))
        return false
    }

    /// Paths of files already read, for messages that point back to an earlier file.
    private var filePaths: [String] = []
    private func firstFilePath(_ index: Int) -> String {
        index < filePaths.count ? filePaths[index] : "an earlier file"
    }

    private func encodingIsUsable(_ bytes: UnsafeBufferPointer<UInt8>, display: String, log: inout DiagnosticLog,
                                  checked: ((Int) -> Void)? = nil, file: MappedFile? = nil) -> Bool {
        // When the caller reads on two threads, the check uses both as well.
        let outcome = makeHalf == nil ? EncodingCheck.inspect(bytes, checked: checked)
                                      : EncodingCheck.inspectInParallel(bytes, minimum: parallelMinimumBytes, checked: checked,
                                                                        release: { [file] in file?.release(from: $0, below: $1) })
        switch outcome {
        case .utf8:
            return true
        case .utf16:
            log.append(.error("encoding-utf16", at: SourceLocation(file: display, line: 1, column: 1),
                              "\(display) is UTF-16 text (Excel's \"Unicode Text\"), not UTF-8; no rows of this file were read",
                              hint: "Open it in Excel and use File > Save As > \"CSV UTF-8 (Comma delimited)\", or in LibreOffice choose Save As > Text CSV with character set Unicode (UTF-8)."))
            return false
        case .binary(let offset):
            let (line, column) = LineLocator.locate(offset, in: bytes, from: 0, line: 1)
            log.append(.error("binary-file", at: SourceLocation(file: display, line: line, column: column),
                              "\(display) contains NUL bytes (first on line \(line)): it is not a text file; no rows of this file were read",
                              hint: "Check that the path points to the CSV export and not to a spreadsheet (.xlsx) or another binary file."))
            return false
        case .invalidUTF8(let offset):
            let (line, column) = LineLocator.locate(offset, in: bytes, from: 0, line: 1)
            log.append(.error("encoding-not-utf8", at: SourceLocation(file: display, line: line, column: column),
                              "\(display) is not valid UTF-8 text (first bad byte on line \(line)); no rows of this file were read",
                              hint: "It is probably Windows-1251 (Cyrillic) or Windows-1252 (Western). Re-save it as UTF-8: in Excel, File > Save As > \"CSV UTF-8 (Comma delimited)\"; in LibreOffice, Save As > Text CSV and pick \"Unicode (UTF-8)\" as the character set."))
            return false
        }
    }

    /// For each declared field, the index of its column in the header (by label, HXL hashtag or
    /// position; `HeaderLocator`). Nil, with an error per field, when any cannot be placed.
    private func matchColumns(_ scanner: CSVScanner, display: String, log: inout DiagnosticLog) -> [Int]? {
        HeaderLocator(source: source, display: display, header: scanner.header, headerLine: scanner.headerLine,
                      hashtags: scanner.hashtags, hashtagLine: scanner.hashtagLine).columns(log: &log)
    }
}

// MARK: - Helpers

/// A cell's bytes with doubled quotes undone, in a reused buffer (no allocation per cell).
struct UnquoteBuffer {
    private var storage: [UInt8] = []

    @inline(__always)
    mutating func withBytes<R>(of field: CSVField, in bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if !field.needsUnquoting {
            return body(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
        }
        storage.removeAll(keepingCapacity: true)
        var i = field.start
        while i < field.end {
            let byte = bytes[i]
            storage.append(byte)
            i += (byte == UInt8(ascii: "\"") && i + 1 < field.end && bytes[i + 1] == byte) ? 2 : 1
        }
        return storage.withUnsafeBufferPointer { body($0) }
    }
}

/// SHA-256 of a file computed on a background thread while its rows are read.
///
/// It hashes the very bytes the rows are read from (the mapping, or the buffer read from a pipe),
/// never the path again: a pipe or a FIFO cannot be read twice, and a file replaced in between
/// must not be fingerprinted for data that was not counted. It lets go of the mapped pages behind
/// it, as the row reader does, so the digest does not hold the file in memory.
private final class DigestTask: @unchecked Sendable {
    private let group = DispatchGroup()
    private var digest = ""

    init(_ file: MappedFile) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            var hasher = SHA256()
            let bytes = UnsafeRawBufferPointer(file.bytes)
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + MappedFile.releaseStride, bytes.count)
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
                file.release(below: offset - (1 << 20))
            }
            digest = hasher.finalizeHex()
            group.leave()
        }
    }

    func wait() -> String {
        group.wait()
        return digest
    }
}
