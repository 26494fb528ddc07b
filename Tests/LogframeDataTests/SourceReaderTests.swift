import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeExpressions
import Testing
@testable import LogframeData

// MARK: - Fixtures

/// A fresh temporary folder per test, holding a definitions folder `defs/` and data files.
final class Fixture {
    let root: URL

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("logframe-data-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: root.appendingPathComponent("defs"), withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Base directory of the definitions (source paths are relative to it).
    var base: String { root.appendingPathComponent("defs").path }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let url = root.appendingPathComponent("data").appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }

    /// The path a diagnostic shows for `data/name`.
    func shown(_ name: String) -> String { root.appendingPathComponent("data").appendingPathComponent(name).path }
}

func field(_ id: String, _ type: ValueType, column: String? = nil, required: Bool = false, allowed: [Value]? = nil,
           min: Int? = nil, max: Int? = nil, pattern: String? = nil, format: String? = nil) -> FieldDefinition {
    FieldDefinition(id: id, column: column ?? id, xmlPath: id, type: type,
                    dateFormat: format.flatMap { CivilDate.Format(pattern: $0) } ?? .iso,
                    required: required, allowed: allowed, min: min.map { ExactDecimal($0) }, max: max.map { ExactDecimal($0) },
                    pattern: pattern, location: SourceLocation(file: "defs/logframe.yml", line: 10, column: 7))
}

let sourceLocation = SourceLocation(file: "defs/logframe.yml", line: 5, column: 3)

func makeSource(_ path: String, _ fields: [FieldDefinition], key: [String] = [], date: String? = nil,
                rules: [(String, Diagnostic.Severity, String)] = [], format: SourceDefinition.Format = .csv,
                delimiter: UInt8? = nil) -> SourceDefinition {
    let scope = RowScope(fields: fields.enumerated().map { .init(name: $1.id, slot: $0, type: $1.type) })
    let boundRules = rules.map { check, severity, message in
        let syntax = try! ExpressionParser.parse(check).get()
        let bound = try! RowBinder.bind(syntax, in: scope).get()
        return RuleDefinition(check: syntax, bound: bound, severity: severity, message: message, location: sourceLocation)
    }
    return SourceDefinition(id: "services", path: "../data/" + path, format: format, delimiter: delimiter, key: key,
                            dateField: date, record: nil, fields: fields, rules: boundRules, parent: nil,
                            scope: scope, location: sourceLocation)
}

func makeDefinitions(_ fixture: Fixture, _ sources: [SourceDefinition]) -> Definitions {
    let programme = Programme(id: "P", title: LocalizedText("Programme"), donor: nil, implementer: nil, country: nil,
                              start: CivilDate(year: 2021, month: 1, day: 1)!, end: CivilDate(year: 2022, month: 12, day: 31)!,
                              currency: nil, budgetTotal: nil, budgetDonor: nil, periods: [], yearStarts: 1,
                              onTrackThreshold: ExactDecimal(significand: 85, scale: 2), atRiskThreshold: ExactDecimal(significand: 5, scale: 1))
    return Definitions(file: fixture.base + "/logframe.yml", baseDirectory: fixture.base, programme: programme,
                       sources: sources, dimensions: [], results: [], indicators: [])
}

struct ReadOutcome {
    var rows: [[Value]] = []
    var contexts: [RecordContext] = []
    var result: SourceReadResult

    var diagnostics: [Diagnostic] { result.log.diagnostics }
    var codes: [String] { diagnostics.map(\.code) }
}

func read(_ fixture: Fixture, _ source: SourceDefinition) -> ReadOutcome {
    let reader = SourceReader(source: source, definitions: makeDefinitions(fixture, [source]))
    var rows: [[Value]] = []
    var contexts: [RecordContext] = []
    let result = reader.read { row, context in
        rows.append(row)
        contexts.append(context)
    }
    #expect(result.rowsRead == result.rowsUsed + result.rowsRejected)
    for file in result.files { #expect(file.rowsRead == file.rowsUsed + file.rowsRejected) }
    return ReadOutcome(rows: rows, contexts: contexts, result: result)
}

func text(_ s: String) -> Value { .text(s) }
func number(_ s: String) -> Value { .number(ExactDecimal(parsing: s)!) }
func date(_ s: String) -> Value { .date(CivilDate(iso: s)!) }

let centres: [Value] = [text("Füzuli"), text("Ağcabədi"), text("Tərtər")]

// MARK: - Tests

@Suite struct SourceReaderTests {
    @Test func typesEveryKindOfField() {
        let fixture = Fixture()
        fixture.write("s.csv", "record_id,visit_date,Centre,age,hours,disability,referrals,Full name,extra\n"
            + "R1,31.03.2021, Ağcabədi ,34,2.50,bəli,health cash,\"Doe, \"\"Jo\"\"\",ignored\n"
            + "R2,1.4.2021,Füzuli,,,NO,,,\n")
        let source = makeSource("s.csv", [
            field("record_id", .text), field("visit_date", .date, format: "dd.MM.yyyy"),
            field("centre", .text, column: "Centre", allowed: centres), field("age", .integer, min: 0, max: 120),
            field("hours", .number), field("disability", .boolean),
            field("referrals", .choices, allowed: [text("health"), text("education"), text("cash")]),
            field("full_name", .text, column: "Full name"),
        ], key: ["record_id"], date: "visit_date")
        let outcome = read(fixture, source)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [
            [text("R1"), date("2021-03-31"), text("Ağcabədi"), number("34"), number("2.5"), .bool(true),
             .choices(["health", "cash"]), text("Doe, \"Jo\"")],
            [text("R2"), date("2021-04-01"), text("Füzuli"), .null, .null, .bool(false), .null, .null],
        ])
        #expect(outcome.contexts.map(\.line) == [2, 3])
        #expect(outcome.result.files.count == 1)
        #expect(outcome.result.files[0].path == fixture.shown("s.csv"))
        #expect(outcome.result.files[0].sha256.count == 64)
        #expect((outcome.result.rowsRead, outcome.result.rowsUsed, outcome.result.rowsRejected) == (2, 2, 0))
    }

    @Test func fileHashIsTheSHA256OfItsBytes() {
        let fixture = Fixture()
        let body = "id\n1\n2\n"
        fixture.write("s.csv", body)
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer)]))
        #expect(outcome.result.files.first?.sha256 == SHA256.hex(Array(body.utf8)))
    }

    @Test func badValueAfterMultiLineCellReportsPhysicalLine() {
        let fixture = Fixture()
        fixture.write("s.csv", "id,note,age\n1,\"line one\nline two\nline three\",30\n2,ok,31\n3,ok,abc\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("note", .text), field("age", .integer)]))
        #expect(outcome.contexts.map(\.line) == [2, 5])
        #expect(outcome.diagnostics.count == 1)
        let diagnostic = outcome.diagnostics[0]
        #expect(diagnostic.code == "field-type")
        #expect(diagnostic.location == SourceLocation(file: fixture.shown("s.csv"), line: 6, column: 6))
        #expect(diagnostic.message == "\"abc\" in column age (line 6) is not a whole number")
        #expect((outcome.result.rowsRead, outcome.result.rowsUsed, outcome.result.rowsRejected) == (3, 2, 1))
    }

    @Test(arguments: [
        // (type, cell, message, hint)
        (ValueType.integer, "12.0", "\"12.0\" in column v (line 2) is not a whole number", "Write whole numbers with digits only, e.g. 42."),
        (.integer, "1e3", "\"1e3\" in column v (line 2) is not a whole number", "Write whole numbers with digits only, e.g. 42."),
        (.number, "\"12,5\"", "\"12,5\" in column v (line 2) is not a number",
         "Use a point as the decimal separator and no thousands separators, e.g. 1234.5."),
        // A usual "no value" text: the hint names `missing` (docs/definitions.md).
        (.number, "n/a", "\"n/a\" in column v (line 2) is not a number", "If \"n/a\" means no value here, add `missing: [\"n/a\"]` to the field or its source."),
        (.date, "2021-02-30", "\"2021-02-30\" in column v (line 2) is not a date in the format yyyy-MM-dd", nil),
        (.date, "31.03.2021", "\"31.03.2021\" in column v (line 2) is not a date in the format yyyy-MM-dd", nil),
        (.boolean, "maybe", "\"maybe\" in column v (line 2) is not a yes/no value", "Use true/false, yes/no, 1/0 or bəli/xeyr."),
    ] as [(ValueType, String, String, String?)])
    func typeFailures(type: ValueType, cell: String, message: String, hint: String?) {
        let fixture = Fixture()
        fixture.write("s.csv", "id,v\nA,\(cell)\nB,\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .text), field("v", type)]))
        #expect(outcome.codes == ["field-type"])
        #expect(outcome.diagnostics.first?.location == SourceLocation(file: fixture.shown("s.csv"), line: 2, column: 3))
        #expect(outcome.diagnostics.first?.message == message)
        #expect(outcome.diagnostics.first?.hint == hint)
        #expect(outcome.rows == [[text("B"), .null]])
        #expect((outcome.result.rowsRead, outcome.result.rowsUsed, outcome.result.rowsRejected) == (2, 1, 1))
    }

    @Test(arguments: ["true", "TRUE", "Yes", "y", "1", "bəli", "Bəli"])
    func booleansTrue(cell: String) {
        let bytes = Array(cell.utf8)
        #expect(bytes.withUnsafeBufferPointer { FieldDecoder.parseBoolean($0) } == true)
    }

    @Test(arguments: ["false", "No", "N", "0", "xeyr", "XEYR"])
    func booleansFalse(cell: String) {
        let bytes = Array(cell.utf8)
        #expect(bytes.withUnsafeBufferPointer { FieldDecoder.parseBoolean($0) } == false)
    }

    @Test func constraintFailures() {
        let fixture = Fixture()
        fixture.write("s.csv", """
            id,centre,age,code,refs
            1,Agcabedi,30,AB12,health
            2,füzuli,121,AB12,health
            3,Tərtər,-1,ab12,health
            4,Tərtər,30,AB12,health food
            ,Tərtər,30,AB12,
            6,Tərtər,30,AB12,cash

            """)
        let source = makeSource("s.csv", [
            field("id", .integer, required: true), field("centre", .text, allowed: centres),
            field("age", .integer, min: 0, max: 120), field("code", .text, pattern: "[A-Z]{2}[0-9]+"),
            field("refs", .choices, allowed: [text("health"), text("cash")]),
        ])
        let outcome = read(fixture, source)
        let file = fixture.shown("s.csv")
        let expected: [(String, Int, Int, String, String?)] = [
            ("field-not-in-list", 2, 3, "\"Agcabedi\" in column centre (line 2) is not one of the allowed values: \"Füzuli\", \"Ağcabədi\", \"Tərtər\"",
             "Did you mean \"Ağcabədi\"?"),
            ("field-not-in-list", 3, 3, "\"füzuli\" in column centre (line 3) is not one of the allowed values: \"Füzuli\", \"Ağcabədi\", \"Tərtər\"",
             "Did you mean \"Füzuli\"?"),
            ("field-out-of-range", 3, 10, "121 in column age (line 3) is above the maximum 120", nil),
            ("field-out-of-range", 4, 10, "-1 in column age (line 4) is below the minimum 0", nil),
            ("field-pattern", 4, 13, "\"ab12\" in column code (line 4) does not have the expected form (pattern [A-Z]{2}[0-9]+)", nil),
            ("field-not-in-list", 5, 18, "The option \"food\" in column refs (line 5) is not one of the allowed values: \"health\", \"cash\"",
             "Use one of the values listed, spelled exactly as in the definitions file."),
            ("field-required", 6, 1, "Column id (line 6) is empty, but a value is required", nil),
        ]
        #expect(outcome.diagnostics.count == expected.count)
        for (diagnostic, want) in zip(outcome.diagnostics, expected) {
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.code == want.0)
            #expect(diagnostic.location == SourceLocation(file: file, line: want.1, column: want.2))
            #expect(diagnostic.message == want.3)
            #expect(diagnostic.hint == want.4)
        }
        // Row 3 has two problems and is rejected once.
        #expect((outcome.result.rowsRead, outcome.result.rowsUsed, outcome.result.rowsRejected) == (6, 1, 5))
        #expect(outcome.rows.map { $0[0] } == [number("6")])
    }

    @Test func nfcMakesDecomposedTextEqualToPrecomposed() {
        let fixture = Fixture()
        // "Ağcabədi" with g + combining breve (U+0306); ə is its own letter either way.
        let decomposed = "Ag\u{0306}cabədi"
        #expect(Array(decomposed.utf8) != Array("Ağcabədi".utf8))
        fixture.write("s.csv", "id,centre\n1,\(decomposed)\n2,Ağcabədi\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("centre", .text, allowed: centres)]))
        #expect(outcome.diagnostics.isEmpty)
        #expect(outcome.rows.map { $0[1] } == [text("Ağcabədi"), text("Ağcabədi")])
        if case .text(let s) = outcome.rows[0][1] { #expect(Array(s.utf8) == Array("Ağcabədi".utf8)) }
    }

    @Test func duplicateKeys() {
        let fixture = Fixture()
        fixture.write("s.csv", "id,person,n\nA,p1,1\nB,p1,2\nA,p2,3\nB,p1,4\nB,p1,x\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .text), field("person", .text), field("n", .integer)],
                                               key: ["id", "person"]))
        #expect(outcome.codes == ["duplicate-key", "field-type"])
        #expect(outcome.diagnostics[0].message == "Line 5 repeats the id, person \"B, p1\" already used on line 3")
        #expect(outcome.diagnostics[0].location == SourceLocation(file: fixture.shown("s.csv"), line: 5, column: 1))
        #expect(outcome.rows.map { $0[2] } == [number("1"), number("2"), number("3")])
    }

    @Test func duplicateKeysAcrossFilesOfAGlob() {
        let fixture = Fixture()
        fixture.write("b-2022.csv", "id\n3\n1\n")
        fixture.write("a-2021.csv", "id\n1\n2\n")
        fixture.write("notes.txt", "id\nzzz\n")
        let outcome = read(fixture, makeSource("*-20[0-9][0-9].csv", [field("id", .integer)], key: ["id"]))
        #expect(outcome.result.files.map(\.path) == [fixture.shown("a-2021.csv"), fixture.shown("b-2022.csv")])
        #expect(outcome.result.files.map(\.rowsRead) == [2, 2])
        #expect(outcome.contexts.map(\.fileIndex) == [0, 0, 1])
        #expect(outcome.codes == ["duplicate-key"])
        #expect(outcome.diagnostics[0].message == "Line 3 repeats the id \"1\" already used on line 2 of \(fixture.shown("a-2021.csv"))")
        // The first occurrence is a note with its own place, in the other file.
        #expect(outcome.diagnostics[0].notes == [Diagnostic.Note(at: SourceLocation(file: fixture.shown("a-2021.csv"), line: 2, column: 1),
                                                                 "the id \"1\" is first used here")])
    }

    @Test func datesOutsideTheProgrammeAndMissingDates() {
        let fixture = Fixture()
        fixture.write("s.csv", "id,when\n1,2020-12-31\n2,2021-01-01\n3,\n4,2022-12-31\n5,2023-01-01\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("when", .date)], date: "when"))
        #expect(outcome.codes == ["date-outside-programme", "date-missing", "date-outside-programme"])
        #expect(outcome.diagnostics[0].message == "The date 2020-12-31 in column when (line 2) is outside the programme (2021-01-01 to 2022-12-31)")
        #expect(outcome.diagnostics[0].location == SourceLocation(file: fixture.shown("s.csv"), line: 2, column: 3))
        #expect(outcome.diagnostics[1].message == "Line 4 has no when: every record of source services needs a date to be placed in a period")
        #expect(outcome.rows.map { $0[0] } == [number("2"), number("4")])
    }

    @Test func requiredDateReportsOnlyTheRequiredProblem() {
        let fixture = Fixture()
        fixture.write("s.csv", "id,when\n1,\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("when", .date, required: true)], date: "when"))
        #expect(outcome.codes == ["field-required"])
    }

    @Test func columnsByNameInAnyOrderAndCase() {
        let fixture = Fixture()
        fixture.write("s.csv", "  AGE ,Extra,ID\n30,x,1\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("age", .integer)]))
        #expect(outcome.diagnostics.isEmpty)
        #expect(outcome.rows == [[number("1"), number("30")]])
    }

    @Test func missingColumnWithHint() {
        let fixture = Fixture()
        fixture.write("s.csv", "id,visit_dat,centre\n1,2021-01-01,Füzuli\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("visit_date", .date)]))
        #expect(outcome.codes == ["missing-column"])
        let diagnostic = outcome.diagnostics[0]
        #expect(diagnostic.location == SourceLocation(file: fixture.shown("s.csv"), line: 1, column: 1))
        #expect(diagnostic.message == "Column \"visit_date\" (field visit_date of source services) is missing from the header of \(fixture.shown("s.csv")); no rows of this file were read")
        #expect(diagnostic.hint == "Did you mean \"visit_dat\"? The header has: \"id\", \"visit_dat\", \"centre\"")
        #expect(outcome.rows.isEmpty)
        #expect(outcome.result.files.map(\.rowsRead) == [0])
    }

    @Test func missingFileAndUnmatchedGlob() {
        let fixture = Fixture()
        let missing = read(fixture, makeSource("nope.csv", [field("id", .integer)]))
        #expect(missing.codes == ["file-not-found"])
        #expect(missing.diagnostics[0].location == sourceLocation)
        #expect(missing.diagnostics[0].message == "The file \(fixture.shown("nope.csv")) of source services does not exist")
        #expect(missing.result.files.isEmpty)
        let glob = read(fixture, makeSource("*.csv", [field("id", .integer)]))
        #expect(glob.codes == ["file-not-found"])
        #expect(glob.diagnostics[0].message == "No file matches \(fixture.shown("*.csv")) (source services)")
        let folder = read(fixture, makeSource("", [field("id", .integer)]))
        #expect(folder.codes == ["file-unreadable"])
    }

    @Test func displayPathsAreNormalisedLexically() {
        #expect(SourcePaths.normalize(SourcePaths.join("indicators", "../samples/x.csv")) == "samples/x.csv")
        #expect(SourcePaths.normalize(SourcePaths.join(".", "./a/./b.csv")) == "a/b.csv")
        #expect(SourcePaths.normalize(SourcePaths.join("a", "../../b.csv")) == "../b.csv")
        #expect(SourcePaths.normalize(SourcePaths.join("/x/defs", "../data/s.csv")) == "/x/data/s.csv")
        #expect(SourcePaths.normalize(SourcePaths.join("defs", "/abs/s.csv")) == "/abs/s.csv")
    }

    @Test func emptyFile() {
        let fixture = Fixture()
        fixture.write("s.csv", "")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer)]))
        #expect(outcome.codes == ["csv-empty-file"])
        #expect(outcome.diagnostics[0].message == "\(fixture.shown("s.csv")) is empty: it has no header row")
        #expect(outcome.result.files.map(\.rowsRead) == [0])
    }

    @Test func utf16File() {
        let fixture = Fixture()
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "id,name\r\n1,Əli\r\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        fixture.write("bom.csv", bytes)
        fixture.write("nobom.csv", Array(bytes.dropFirst(2)))
        for name in ["bom.csv", "nobom.csv"] {
            let outcome = read(fixture, makeSource(name, [field("id", .integer)]))
            #expect(outcome.codes == ["encoding-utf16"])
            #expect(outcome.diagnostics[0].message.contains("is UTF-16 text"))
            #expect(outcome.diagnostics[0].hint?.contains("CSV UTF-8") == true)
            #expect(outcome.result.rowsRead == 0)
        }
    }

    @Test func windows1251File() {
        let fixture = Fixture()
        // "id,name\n1,abc\n2,Баку\n" in Windows-1251.
        fixture.write("s.csv", Array("id,name\n1,abc\n2,".utf8) + [0xC1, 0xE0, 0xEA, 0xF3] + [0x0A])
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("name", .text)]))
        #expect(outcome.codes == ["encoding-not-utf8"])
        let diagnostic = outcome.diagnostics[0]
        #expect(diagnostic.location == SourceLocation(file: fixture.shown("s.csv"), line: 3, column: 3))
        #expect(diagnostic.message == "\(fixture.shown("s.csv")) is not valid UTF-8 text (first bad byte on line 3); no rows of this file were read")
        #expect(diagnostic.hint?.contains("Windows-1251") == true)
        #expect(outcome.rows.isEmpty)
    }

    @Test func binaryGarbage() {
        let fixture = Fixture()
        fixture.write("s.csv", Array("id\n1\n".utf8) + [0x50, 0x4B, 0x03, 0x04, 0x00, 0x14, 0x00, 0x06, 0xFF])
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer)]))
        #expect(outcome.codes == ["binary-file"])
        #expect(outcome.diagnostics[0].location?.line == 3)
        #expect(outcome.rows.isEmpty)
    }

    @Test func xmlWithoutRecordPathIsRefused() {
        // XML reading itself is covered in XMLSourceTests.swift.
        let fixture = Fixture()
        let outcome = read(fixture, makeSource("m.xml", [field("id", .integer)], format: .xml))
        #expect(outcome.codes == ["xml-record-missing"])
        #expect(outcome.diagnostics[0].location == sourceLocation)
    }

    @Test func semicolonFileWithHashtagRowAndBOM() {
        let fixture = Fixture()
        fixture.write("s.csv", [0xEF, 0xBB, 0xBF] + Array("id;centre\r\n#meta+id;#adm2\r\n1;Tərtər\r\n2;Füzuli\r\n".utf8))
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("centre", .text, allowed: centres)]))
        #expect(outcome.diagnostics.isEmpty)
        #expect(outcome.contexts.map(\.line) == [3, 4])
        #expect(outcome.result.rowsRead == 2)
    }

    @Test func csvProblemsRejectRowsAndReconcile() {
        let fixture = Fixture()
        fixture.write("s.csv", "id,v\n1,a\n2\n3,\"b\"x\n4,d\n5,\"open\n")
        let outcome = read(fixture, makeSource("s.csv", [field("id", .integer), field("v", .text)]))
        #expect(outcome.codes == ["csv-ragged-row", "csv-stray-quote", "csv-unterminated-quote"])
        #expect(outcome.diagnostics.map { $0.location?.line } == [3, 4, 6])
        #expect((outcome.result.rowsRead, outcome.result.rowsUsed, outcome.result.rowsRejected) == (5, 2, 3))
    }

    @Test func rulesRejectOnErrorAndKeepOnWarning() {
        let fixture = Fixture()
        fixture.write("s.csv", "id,age,service\n1,30,business\n2,12,business\n3,,business\n4,150,legal\n")
        let source = makeSource("s.csv", [field("id", .integer), field("age", .integer), field("service", .text)], rules: [
            ("age >= 18 or service != \"business\"", .warning, "Business support is for adults"),
            ("age is null or age < 120", .error, "Age looks wrong"),
        ])
        let outcome = read(fixture, source)
        // A comparison with null is false (SPEC section 4), so line 4 (no age) fails the warning rule.
        #expect(outcome.codes == ["rule-failed", "rule-failed", "rule-failed"])
        #expect(outcome.diagnostics.map(\.severity) == [.warning, .warning, .error])
        #expect(outcome.diagnostics.map(\.message) == ["Business support is for adults", "Business support is for adults", "Age looks wrong"])
        #expect(outcome.diagnostics.map { $0.location?.line } == [3, 4, 5])
        #expect(outcome.diagnostics.map { $0.location?.column } == [1, 1, 1])
        #expect(outcome.rows.map { $0[0] } == [number("1"), number("2"), number("3")])
        #expect((outcome.result.rowsRead, outcome.result.rowsUsed, outcome.result.rowsRejected) == (4, 3, 1))
    }

    @Test func rowsIncludeNullParentSlots() {
        let fixture = Fixture()
        fixture.write("s.csv", "id\n1\n")
        var source = makeSource("s.csv", [field("id", .integer)])
        source.scope = RowScope(fields: [.init(name: "id", slot: 0, type: .integer), .init(name: "households.size", slot: 1, type: .integer)])
        let outcome = read(fixture, source)
        #expect(outcome.rows == [[number("1"), .null]])
    }

    @Test func manyDistinctTextValuesStayCorrectPastTheCache() {
        let cache = ByteKeyedCache<Int>(maxEntries: 100)
        for i in 0..<1000 {
            let key = Array("value-\(i)".utf8)
            key.withUnsafeBytes { raw in
                let hash = ByteHash.hash(raw)
                if cache.lookup(raw, hash: hash) == nil { cache.insert(raw, hash: hash, payload: i) }
            }
        }
        #expect(cache.count == 100)
        for i in [0, 50, 99] {
            Array("value-\(i)".utf8).withUnsafeBytes { raw in #expect(cache.lookup(raw, hash: ByteHash.hash(raw)) == i) }
        }
        Array("value-500".utf8).withUnsafeBytes { raw in #expect(cache.lookup(raw, hash: ByteHash.hash(raw)) == nil) }
    }
}
