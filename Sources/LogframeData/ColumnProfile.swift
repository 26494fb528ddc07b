import Foundation
import CLibXML2
import LogframeCore

/// What a column's values look like, from a sample of the data: the groundwork of
/// `logframe init`, which writes a definitions skeleton from it.
///
/// A value counts for a type only when the reader would accept it for that type (the same
/// parsers as `FieldDecoder`, the same date formats as `CivilDate.Format`), so a field typed from
/// a profile reads its sample without a type error.
public struct ColumnProfile: Sendable {
    public enum InferredType: Sendable, Hashable, CustomStringConvertible {
        /// Every sampled cell was empty.
        case empty
        case boolean
        case integer
        case number
        case date(CivilDate.Format)
        case text

        public var description: String {
            switch self {
            case .empty, .text: return "text"
            case .boolean: return "boolean"
            case .integer: return "integer"
            case .number: return "number"
            case .date: return "date"
            }
        }
    }

    /// The column as the data names it (CSV header, or XML path relative to the record).
    public let name: String
    /// Non-empty cells seen.
    public private(set) var filled = 0
    /// Empty cells seen.
    public private(set) var blanks = 0
    /// Distinct values (NFC, trimmed) with their counts, up to `distinctLimit`.
    public private(set) var counts: [String: Int] = [:]
    /// More distinct values than `distinctLimit` were seen.
    public private(set) var overflowed = false
    /// The first value seen that is not of each candidate type, with the row it was on.
    public private(set) var firstNonInteger: (value: String, row: Int)?
    public private(set) var firstNonNumber: (value: String, row: Int)?
    public private(set) var firstNonDate: (value: String, row: Int)?
    private var integerCount = 0, numberCount = 0, booleanCount = 0, dateCount = 0
    private var sawLeadingZero = false
    private var sawBooleanWord = false
    /// Date formats every non-empty value so far parses in, in preference order.
    private var dateFormats: [CivilDate.Format]
    private var datesByFormat: [CivilDate.Format: ClosedRange<CivilDate>] = [:]
    private var numbers: ClosedRange<ExactDecimal>?
    /// While every value is different: each value's row (a key candidate). Dropped at the
    /// first repeat, which `firstRepeat` keeps.
    private var rowsOfValues: [String: Int]? = [:]
    /// The first value seen twice, with the rows of both.
    public private(set) var firstRepeat: (value: String, firstRow: Int, row: Int)?

    public let distinctLimit: Int

    /// The date layouts `init` tries, in the order it prefers them when several fit every value
    /// (day-first before month-first: the convention in Azerbaijan and most of the world).
    public static let candidateDateFormats: [CivilDate.Format] = [
        "yyyy-MM-dd", "dd.MM.yyyy", "dd/MM/yyyy", "MM/dd/yyyy", "dd-MM-yyyy", "MM-dd-yyyy", "yyyy/MM/dd", "MM.dd.yyyy",
    ].compactMap { $0 == "yyyy-MM-dd" ? .iso : CivilDate.Format(pattern: $0) }

    public init(name: String, distinctLimit: Int = 50) {
        self.name = name
        self.distinctLimit = distinctLimit
        dateFormats = ColumnProfile.candidateDateFormats
    }

    /// Adds one cell (its bytes as in the file); `row` is where it was, for notes.
    public mutating func add(_ raw: UnsafeBufferPointer<UInt8>, row: Int) {
        let bytes = FieldDecoder.trimmed(raw)
        if bytes.isEmpty { blanks += 1; return }
        filled += 1
        let text = FieldDecoder.text(bytes)
        if rowsOfValues != nil {
            if let earlier = rowsOfValues![text] {
                firstRepeat = (text, earlier, row)
                rowsOfValues = nil
            } else {
                rowsOfValues![text] = row
            }
        }
        if !overflowed {
            if counts[text] != nil || counts.count < distinctLimit {
                counts[text, default: 0] += 1
            } else {
                overflowed = true
            }
        }
        if let number = FieldDecoder.parseInteger(bytes) {
            integerCount += 1
            if bytes.count > 1, bytes[0] == UInt8(ascii: "0") { sawLeadingZero = true }
            note(number)
        } else if firstNonInteger == nil {
            firstNonInteger = (text, row)
        }
        if FieldDecoder.parseInteger(bytes) == nil {
            var slice = Array(bytes)[...]
            if let number = FieldDecoder.parsePlainDecimal(bytes) ?? ExactDecimal.parse(&slice) {
                numberCount += 1
                note(number)
            } else if firstNonNumber == nil {
                firstNonNumber = (text, row)
            }
        } else {
            numberCount += 1
        }
        if FieldDecoder.parseBoolean(bytes) != nil {
            booleanCount += 1
            if bytes.contains(where: { $0 > UInt8(ascii: "9") }) { sawBooleanWord = true }
        }
        let array = Array(bytes)
        var parsedAny = false
        dateFormats = dateFormats.filter { format in
            guard let date = CivilDate.parse(array[...], format: format) else { return false }
            parsedAny = true
            let range = datesByFormat[format]
            datesByFormat[format] = range.map { min($0.lowerBound, date)...max($0.upperBound, date) } ?? date...date
            return true
        }
        if parsedAny {
            dateCount += 1
        } else if firstNonDate == nil {
            firstNonDate = (text, row)
        }
    }

    public mutating func add(_ text: String, row: Int) {
        var copy = text
        copy.withUTF8 { add($0, row: row) }
    }

    private mutating func note(_ number: ExactDecimal) {
        numbers = numbers.map { min($0.lowerBound, number)...max($0.upperBound, number) } ?? number...number
    }

    // MARK: - Conclusions

    /// The type the sample supports: boolean (yes/no words, or exactly the values 0 and 1),
    /// integer (no leading zeros, which an id or a phone number would lose), number, date,
    /// else text.
    public var type: InferredType {
        guard filled > 0 else { return .empty }
        if booleanCount == filled {
            let values = Set(counts.keys)
            if sawBooleanWord || (!overflowed && values == ["0", "1"]) { return .boolean }
        }
        if integerCount == filled { return sawLeadingZero ? .text : .integer }
        if numberCount == filled { return .number }
        if dateCount == filled, let format = dateFormats.first { return .date(format) }
        return .text
    }

    /// Other date formats that read every sampled value too (e.g. `MM/dd/yyyy` when no day in
    /// the sample is above 12): the choice is a guess the user should check.
    public var ambiguousDateFormats: [CivilDate.Format] {
        guard case .date(let chosen) = type else { return [] }
        return dateFormats.filter { $0 != chosen }
    }

    /// The earliest and latest date, in the chosen format.
    public var dateRange: ClosedRange<CivilDate>? {
        guard case .date(let format) = type else { return nil }
        return datesByFormat[format]
    }

    public var numberRange: ClosedRange<ExactDecimal>? {
        switch type {
        case .integer, .number: return numbers
        default: return nil
        }
    }

    /// Distinct values seen, when all of them are known.
    public var distinctCount: Int? { overflowed ? nil : counts.count }

    /// Every non-empty value is different from every other, and none is empty: a key candidate.
    public var isUnique: Bool { filled > 0 && blanks == 0 && firstRepeat == nil }

    /// How often a category value was seen.
    public func count(of value: String) -> Int { counts[value] ?? 0 }

    /// Rare category values (at most 2 % of the rows, and rarer than the value they resemble)
    /// that differ from a more frequent one by a typo or missing diacritics ("Agcabedi" next
    /// to "Ağcabədi"): `(rare, frequent)` pairs, for a note in the skeleton.
    public func likelyMisspellings(among values: [String]) -> [(rare: String, frequent: String)] {
        var pairs: [(rare: String, frequent: String)] = []
        for value in values {
            let n = count(of: value)
            guard n * 50 <= max(filled, 50) else { continue }
            let others = values.filter { $0 != value && count(of: $0) > n }
            if let match = DidYouMean.closest(to: value, among: others, .dataValue) { pairs.append((value, match)) }
        }
        return pairs
    }

    /// The values of a low-cardinality text column: at most `limit` values, each seen on
    /// average at least twice. Nil for other columns, and always for personal ones.
    /// Most frequent first, ties in code-point order (deterministic).
    public func categories(limit: Int = 20) -> [String]? {
        guard type == .text, !isPersonal, !overflowed, !counts.isEmpty, counts.count <= limit,
              counts.count * 2 <= filled else { return nil }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            .map(\.key)
    }

    /// When at least 90 % of the values are of a narrower type than the one inferred, that type
    /// and the first value that spoils it (a likely typo to fix in the data).
    public var nearMiss: (type: String, value: String, row: Int)? {
        guard type == .text, filled >= 10 else { return nil }
        if integerCount * 10 >= filled * 9, !sawLeadingZero, let miss = firstNonInteger {
            return ("whole numbers", miss.value, miss.row)
        }
        if numberCount * 10 >= filled * 9, let miss = firstNonNumber { return ("numbers", miss.value, miss.row) }
        if dateCount * 10 >= filled * 9, let miss = firstNonDate { return ("dates", miss.value, miss.row) }
        return nil
    }

    /// The name looks like it holds personal data (names, phone numbers, national ids, e-mail,
    /// addresses), in English or Azerbaijani.
    public var isPersonal: Bool { ColumnProfile.looksPersonal(name) }

    static let personalWords: Set<String> = [
        "name", "names", "fullname", "firstname", "lastname", "surname", "middlename", "patronymic", "fathername",
        "phone", "phones", "mobile", "telephone", "tel", "cell", "email", "mail", "fin", "pin", "passport", "ssn",
        "address", "street", "birthdate", "dob", "gps", "geopoint", "latitude", "longitude",
        "facilitator", "enumerator", "interviewer", "respondentname", "signature", "photo",
        "ad", "soyad", "soyadı", "ata", "telefon", "ünvan", "unvan", "şəxsiyyət", "vəsiqə",
    ]

    /// True when a word of the name (split at `_`, `-`, `/`, `.`, spaces and camelCase humps), or
    /// two adjacent words joined, is one of `personalWords`.
    public static func looksPersonal(_ name: String) -> Bool {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in name {
            if character == "_" || character == "-" || character == " " || character == "/" || character == "." {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
                continue
            }
            if character.isUppercase, previousLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            previousLower = character.isLowercase
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        let lowered = words.map { $0.lowercased() }
        for (i, word) in lowered.enumerated() {
            if personalWords.contains(word) { return true }
            if i + 1 < lowered.count, personalWords.contains(word + lowered[i + 1]) { return true }
        }
        return false
    }
}

// MARK: - Profiling a CSV file

/// A whole table's profile: its columns in file order and how much of it was read.
public struct TableProfile: Sendable {
    public var file: String
    public var columns: [ColumnProfile]
    /// Data rows read into the profile.
    public var rowsSampled = 0
    /// CSV only: malformed rows (ragged, bad quotes) left out of the sample; the log says which.
    public var rowsRejected = 0
    /// The file has rows past the sample.
    public var truncated = false
    /// CSV only: the delimiter, when it is not a comma.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// XML only: the record element's path, e.g. `/data`.
    public var recordPath: String?

    public init(file: String, columns: [ColumnProfile]) {
        self.file = file
        self.columns = columns
    }
}

public enum TableProfiler {
    /// Profiles the first `sampleRows` data rows of a CSV file with the reader's own scanner
    /// (delimiter detection, quotes, BOM, HXL row). Problems (unreadable file, not UTF-8, no
    /// header) come back as diagnostics and a nil profile.
    public static func profileCSV(path: String, sampleRows: Int = 10_000) -> (TableProfile?, DiagnosticLog) {
        var log = DiagnosticLog()
        let file: MappedFile
        switch MappedFile.open(path) {
        case .success(let opened): file = opened
        case .failure(.notFound):
            log.append(.error("file-not-found", at: SourceLocation(file: path), "The file \(path) does not exist"))
            return (nil, log)
        case .failure(.isDirectory):
            log.append(.error("file-unreadable", at: SourceLocation(file: path), "\(path) is a folder, not a file",
                              hint: "Name one data file, e.g. \(path)/services.csv."))
            return (nil, log)
        case .failure(.notRegular):
            log.append(.error("file-unreadable", at: SourceLocation(file: path), "\(path) is not a regular file",
                              hint: "Give init a data file saved on disk, not a device or a pipe."))
            return (nil, log)
        case .failure(.unreadable(let reason)):
            log.append(.error("file-unreadable", at: SourceLocation(file: path), "Cannot read \(path): \(reason)"))
            return (nil, log)
        }
        switch EncodingCheck.inspect(file.bytes) {
        case .utf8: break
        case .utf16, .binary, .invalidUTF8:
            // The codes the data reader gives the same files (docs/validation.md).
            var code = "encoding-not-utf8"
            if case .binary = EncodingCheck.inspect(file.bytes) { code = "binary-file" }
            log.append(.error(code, at: SourceLocation(file: path), "\(path) is not UTF-8 text",
                              hint: "Save the file as \"CSV UTF-8\" and run init again."))
            return (nil, log)
        }
        var scanner = CSVScanner(bytes: file.bytes, file: path)
        guard scanner.readHeader(log: &log) else { return (nil, log) }
        var profile = TableProfile(file: path, columns: scanner.header.map { ColumnProfile(name: $0) })
        profile.delimiter = scanner.delimiter
        while true {
            let outcome = scanner.nextRow(log: &log)
            if outcome == .end { break }
            guard outcome == .row else { profile.rowsRejected += 1; continue }
            if profile.rowsSampled == sampleRows { profile.truncated = true; break }
            profile.rowsSampled += 1
            for (index, field) in scanner.fields.enumerated() where index < profile.columns.count {
                let cell = scanner.decodeBytes(field)
                cell.withUnsafeBufferPointer { profile.columns[index].add($0, row: scanner.rowLine) }
            }
        }
        withExtendedLifetime(file) {}
        return (profile, log)
    }
}

// MARK: - Profiling ODK/Kobo submissions

extension TableProfiler {
    /// Profiles ODK/KoboToolbox submissions (one XML file each, all of one form). The root
    /// element is the record; its leaf elements and attributes are the columns, named by their
    /// path (`meeting/date`, `@version`). An element that occurs more than once under one parent
    /// in any submission is a repeat group: its leaves become a table of their own, with
    /// `recordPath` set to the repeat's path (`/data/participants/participant`). The record
    /// table comes first, then the repeats in document order.
    public static func profileXML(paths: [String], sampleRows: Int = 10_000) -> ([TableProfile], DiagnosticLog) {
        var log = DiagnosticLog()
        var trees: [(path: String, root: XMLNodeTree)] = []
        for path in paths.prefix(sampleRows) {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            guard let size else {
                log.append(.error("file-not-found", at: SourceLocation(file: path), "The file \(path) does not exist"))
                continue
            }
            guard size <= 64 << 20 else {
                log.append(.error("file-too-large", at: SourceLocation(file: path),
                                  "\(path) is too large for init (\(size >> 20) MB; at most 64 MB)",
                                  hint: "init reads one submission file or a few; give it a smaller sample."))
                continue
            }
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOBLANKS.rawValue
                                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue)
            guard let data = FileManager.default.contents(atPath: path) else {
                log.append(.error("file-unreadable", at: SourceLocation(file: path), "Cannot read \(path)"))
                continue
            }
            // As the reader does (docs/xml-sources.md): no DTD, so no entity can expand.
            if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
                log.append(.error("xml-doctype-refused", at: SourceLocation(file: path),
                                  "\(path) declares a DOCTYPE or entities, which logframe does not read",
                                  hint: "Export the submissions without a DOCTYPE (ODK and KoboToolbox exports have none)."))
                continue
            }
            guard let context = xmlNewParserCtxt() else { continue }
            defer { xmlFreeParserCtxt(context) }
            let parsed = data.withUnsafeBytes { bytes in
                xmlCtxtReadMemory(context, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), path, nil, options)
            }
            // An undeclared namespace prefix is an error for the reader too (not only for libxml2's DOM).
            guard let document = parsed, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0,
                  let root = xmlDocGetRootElement(document) else {
                if let parsed { xmlFreeDoc(parsed) }
                let error = context.pointee.lastError
                let reason = error.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
                let line = error.line > 0 ? Int(error.line) : nil
                log.append(.error("xml-malformed", at: SourceLocation(file: path, line: line),
                                  "\(path) is not a well-formed XML file" + (reason.map { ": \($0)" } ?? "")))
                continue
            }
            trees.append((path, XMLNodeTree(root)))
            xmlFreeDoc(document)
        }
        guard let first = trees.first else { return ([], log) }
        let rootName = first.root.name
        trees = trees.filter { tree in
            if tree.root.name == rootName { return true }
            log.append(.warning("init-other-form", at: SourceLocation(file: tree.path),
                                "\(tree.path) has root element <\(tree.root.name)>, not <\(rootName)>: left out"))
            return false
        }
        // Repeats: element paths (from the root) seen more than once under one parent.
        var repeats: [String] = []
        func findRepeats(_ node: XMLNodeTree, _ path: String) {
            var seen: [String: Int] = [:]
            for child in node.children { seen[child.name, default: 0] += 1 }
            for child in node.children {
                let childPath = path + "/" + child.name
                if (seen[child.name] ?? 0) > 1, !repeats.contains(childPath) { repeats.append(childPath) }
                findRepeats(child, childPath)
            }
        }
        for tree in trees { findRepeats(tree.root, "/" + rootName) }
        // One table per record path; columns in order of first appearance.
        var tables: [(record: String, profile: TableProfile, index: [String: Int])] =
            ([("/" + rootName)] + repeats).map { ($0, TableProfile(file: first.path, columns: []), [:]) }
        func table(for path: String) -> Int {
            tables.indices.last { path == tables[$0].record || path.hasPrefix(tables[$0].record + "/") } ?? 0
        }
        func collect(_ node: XMLNodeTree, _ path: String, into row: inout [(key: String, value: String)], record: String) {
            for (name, value) in node.attributes where path == record {
                row.append(("@" + name, value))
            }
            for child in node.children {
                let childPath = path + "/" + child.name
                if table(for: childPath) != table(for: record) { continue }  // a nested repeat's own rows
                if child.children.isEmpty {
                    row.append((String(childPath.dropFirst(record.count + 1)), child.text))
                } else {
                    collect(child, childPath, into: &row, record: record)
                }
            }
        }
        func instances(_ node: XMLNodeTree, _ path: String, of record: String, _ found: inout [XMLNodeTree]) {
            if path == record { found.append(node); return }
            for child in node.children {
                let childPath = path + "/" + child.name
                if record == childPath || record.hasPrefix(childPath + "/") { instances(child, childPath, of: record, &found) }
            }
        }
        for (number, tree) in trees.enumerated() {
            for t in tables.indices {
                var found: [XMLNodeTree] = []
                instances(tree.root, "/" + rootName, of: tables[t].record, &found)
                for node in found {
                    var row: [(key: String, value: String)] = []
                    collect(node, tables[t].record, into: &row, record: tables[t].record)
                    // Columns in document order of first appearance; a column missing from a
                    // record is a blank there; a leaf repeated in one record counts once (its first).
                    var values: [String: String] = [:]
                    for (key, value) in row where values[key] == nil { values[key] = value }
                    for key in row.map(\.key) where tables[t].index[key] == nil {
                        tables[t].index[key] = tables[t].profile.columns.count
                        var column = ColumnProfile(name: key)
                        for _ in 0..<tables[t].profile.rowsSampled { column.add("", row: 0) }
                        tables[t].profile.columns.append(column)
                    }
                    for (key, i) in tables[t].index { tables[t].profile.columns[i].add(values[key] ?? "", row: number + 1) }
                    tables[t].profile.rowsSampled += 1
                }
            }
        }
        let result = tables.map { entry -> TableProfile in
            var profile = entry.profile
            profile.recordPath = entry.record
            return profile
        }
        return (result, log)
    }
}

/// An XML element as a plain tree: name, attributes (no namespace declarations), element
/// children in order, and its text when it has no element children.
struct XMLNodeTree {
    var name: String
    var attributes: [(String, String)] = []
    var children: [XMLNodeTree] = []
    var text = ""

    init(_ node: xmlNodePtr) {
        name = String(cString: node.pointee.name)
        var attribute = node.pointee.properties
        while let current = attribute {
            let attributeName = String(cString: current.pointee.name)
            if let value = xmlGetProp(node, current.pointee.name) {
                attributes.append((attributeName, TextNormalization.nfc(String(cString: value))))
                free(value)  // libxml2's default allocator is malloc
            }
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { children.append(XMLNodeTree(current)) }
            child = current.pointee.next
        }
        if children.isEmpty, let content = xmlNodeGetContent(node) {
            text = TextNormalization.nfc(String(cString: content))
            free(content)
        }
    }
}
