import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeExpressions
import Testing
@testable import LogframeData

// MARK: - Helpers

/// Shared real-world fixtures: `<repo>/../shared/data` (the repo root is 3 levels above this file).
let sharedData: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.deletingLastPathComponent().appendingPathComponent("shared/data").standardizedFileURL.path
}()

/// A field of an XML source: `xml` is its path relative to the record.
func xfield(_ id: String, _ type: ValueType = .text, xml: String? = nil, column: String? = nil,
            required: Bool = false, max: Int? = nil) -> FieldDefinition {
    FieldDefinition(id: id, column: column ?? id, xmlPath: xml ?? id, type: type, required: required,
                    max: max.map { ExactDecimal($0) }, location: SourceLocation(file: "defs/logframe.yml", line: 10, column: 7))
}

/// A source with its scope laid out like the resolver does: own fields, then `parent.field`.
func makeSource(id: String, path: String, format: SourceDefinition.Format, record: String? = nil,
                _ fields: [FieldDefinition], key: [String] = [], date: String? = nil,
                parent: (link: ParentLink, fields: [FieldDefinition])? = nil,
                rules: [(String, Diagnostic.Severity, String)] = []) -> SourceDefinition {
    var scopeFields = fields.enumerated().map { RowScope.Field(name: $1.id, slot: $0, type: $1.type) }
    if let parent {
        for f in parent.fields {
            scopeFields.append(.init(name: "\(parent.link.source).\(f.id)", slot: scopeFields.count, type: f.type))
        }
    }
    let scope = RowScope(fields: scopeFields)
    let boundRules = rules.map { check, severity, message in
        let syntax = try! ExpressionParser.parse(check).get()
        let bound = try! RowBinder.bind(syntax, in: scope).get()
        return RuleDefinition(check: syntax, bound: bound, severity: severity, message: message, location: sourceLocation)
    }
    return SourceDefinition(id: id, path: path, format: format, delimiter: nil, key: key, dateField: date,
                            record: record, fields: fields, rules: boundRules, parent: parent?.link,
                            scope: scope, location: sourceLocation)
}

func readSource(_ fixture: Fixture, _ source: SourceDefinition, others: [SourceDefinition] = []) -> ReadOutcome {
    let reader = SourceReader(source: source, definitions: makeDefinitions(fixture, [source] + others))
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

/// Data rows of a CSV file (simple: the expected exports here have no embedded newlines).
func csvRows(_ path: String) -> [[String]] {
    let text = try! String(contentsOfFile: path, encoding: .utf8)
    var rows: [[String]] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: true).dropFirst() {
        rows.append(line.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }
    return rows
}

// MARK: - Tests

@Suite struct XMLSourceTests {
    @Test func siblingRecordsInOneFile() {
        let fixture = Fixture()
        fixture.write("meetings.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <meetings xmlns="urn:example" region="Füzuli">
              <meeting id="M1">
                <date>2021-03-01</date>
                <participants count="8"/>
              </meeting>
              <meeting id="M2"><date>2021-04-02</date><participants count="12"/></meeting>
              <meeting id="M3">
                <date>2021-04-31</date>
                <participants count="3"/>
              </meeting>
              <meeting id="M1"><date>2021-05-01</date><participants count="2"/></meeting>
            </meetings>
            """)
        let source = makeSource(id: "meetings", path: "../data/meetings.xml", format: .xml, record: "/meetings/meeting", [
            xfield("id", xml: "@id"), xfield("date", .date), xfield("participants", .integer, xml: "participants/@count"),
            xfield("region", xml: "../@region"),
        ], key: ["id"], date: "date", rules: [("participants <= 10", .warning, "At most 10 participants")])
        let outcome = readSource(fixture, source)
        #expect(outcome.rows == [
            [text("M1"), date("2021-03-01"), number("8"), text("Füzuli")],
            [text("M2"), date("2021-04-02"), number("12"), text("Füzuli")],
        ])
        #expect(outcome.contexts.map(\.line) == [3, 7])
        #expect(outcome.result.rowsRead == 4 && outcome.result.rowsRejected == 2)
        #expect(outcome.codes.sorted() == ["duplicate-key", "field-type", "rule-failed"], "\(outcome.diagnostics)")
        let typeError = outcome.diagnostics.first { $0.code == "field-type" }
        #expect(typeError?.location?.line == 9)
        #expect(outcome.diagnostics.first { $0.code == "duplicate-key" }?.location?.line == 12)
    }

    @Test func ancestorFieldsAfterTheRecordResolve() {
        let fixture = Fixture()
        // Two submissions in one file; meta/instanceID comes after the repeats, as ODK writes it.
        fixture.write("subs.xml", """
            <all>
            <data id="f"><hh><member><name>A</name><age>3</age></member><member><name>B</name></member></hh>
              <village>V1</village><meta><instanceID>uuid:1</instanceID></meta></data>
            <data id="f"><hh><member><name>C</name><age>40</age></member></hh><meta><instanceID>uuid:2</instanceID></meta></data>
            </all>
            """)
        let source = makeSource(id: "members", path: "../data/subs.xml", format: .xml, record: "/all/data/hh/member", [
            xfield("name"), xfield("age", .integer), xfield("village", xml: "../../village"),
            xfield("submission", xml: "../../meta/instanceID"), xfield("form", xml: "../../@id"),
        ])
        let outcome = readSource(fixture, source)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [
            [text("A"), number("3"), text("V1"), text("uuid:1"), text("f")],
            [text("B"), .null, text("V1"), text("uuid:1"), text("f")],
            [text("C"), number("40"), .null, text("uuid:2"), text("f")],
        ])
        #expect(outcome.contexts.map(\.line) == [2, 2, 4])
    }

    @Test func odkNestedRepeatsMatchTheBriefcaseExport() throws {
        let folder = sharedData + "/odk-central-backend/briefcase-csv-export-cases/should-handle-nested-repeats-with-parent-key-key"
        try #require(FileManager.default.fileExists(atPath: folder), "shared fixtures missing at \(folder)")
        let fixture = Fixture()
        let children = makeSource(id: "children", path: folder + "/submissions/*.xml", format: .xml, record: "/data/children/child", [
            xfield("name"), xfield("age", .integer), xfield("parent_key", xml: "../../meta/instanceID"),
        ])
        let outcome = readSource(fixture, children)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.result.files.count == 3)
        let expected = csvRows(folder + "/expected/multirepeat-child.csv").map { [text($0[0]), number($0[1]), text($0[2])] }
        #expect(outcome.rows == expected)

        let toys = makeSource(id: "toys", path: folder + "/submissions/*.xml", format: .xml, record: "/data/children/child/toy", [
            xfield("name"), xfield("child", xml: "../name"), xfield("submission", xml: "../../../meta/instanceID"),
        ])
        let toyOutcome = readSource(fixture, toys)
        #expect(toyOutcome.diagnostics.isEmpty, "\(toyOutcome.diagnostics)")
        let expectedToys = csvRows(folder + "/expected/multirepeat-toy.csv")
        #expect(toyOutcome.rows.map { $0[0] } == expectedToys.map { text($0[0]) })
        #expect(toyOutcome.rows.map { $0[2].description } == expectedToys.map { String($0[1].prefix { $0 != "/" }) })
        #expect(toyOutcome.rows.first?[1] == text("Billy"))

        let submissions = makeSource(id: "subs", path: folder + "/submissions/*.xml", format: .xml, record: "/data", [
            xfield("key", xml: "meta/instanceID"), xfield("name"), xfield("age", .integer),
        ], key: ["key"])
        let subOutcome = readSource(fixture, submissions)
        let expectedSubs = csvRows(folder + "/expected/multirepeat.csv")
        #expect(subOutcome.rows.map { $0[0] } == expectedSubs.map { text($0[1]) })
    }

    @Test func kobocatNestedRepeatsWithMetaLast() throws {
        let folder = sharedData + "/kobocat/nested_repeats"
        try #require(FileManager.default.fileExists(atPath: folder), "shared fixtures missing at \(folder)")
        let fixture = Fixture()
        let kids = makeSource(id: "kids", path: folder + "/instances/*.xml", format: .xml, record: "/nested_repeats/kids/kids_details", [
            xfield("name", xml: "kids_name"), xfield("age", .integer, xml: "kids_age"),
            xfield("uuid", xml: "../../meta/instanceID"), xfield("address", .integer, xml: "../../address"),
        ])
        let outcome = readSource(fixture, kids)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        // The expected wide export: one row per submission, kids_details[i]/kids_name columns.
        let lines = try String(contentsOfFile: folder + "/nested_repeats.csv", encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let nameColumns = header.indices.filter { header[$0].hasSuffix("/kids_name") && header[$0].hasPrefix("kids/kids_details[") }
        let uuidColumn = try #require(header.firstIndex(of: "_uuid"))
        var expected: [[Value]] = []
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for column in nameColumns where cells[column] != "n/a" && !cells[column].isEmpty {
                expected.append([text(cells[column]), text("uuid:" + cells[uuidColumn])])
            }
        }
        #expect(expected.count == 5)
        #expect(outcome.rows.map { [$0[0], $0[2]] } == expected)
        #expect(outcome.rows.map { $0[3] } == [number("1234"), number("1234"), number("5678"), number("5678"), number("5678")])

        let shots = makeSource(id: "shots", path: folder + "/instances/*.xml", format: .xml,
                               record: "/nested_repeats/kids/kids_details/kids_immunization", [
            xfield("info", xml: "immunization_info"), xfield("kid", xml: "../kids_name"),
            xfield("uuid", xml: "../../../meta/instanceID"),
        ])
        let shotOutcome = readSource(fixture, shots)
        #expect(shotOutcome.diagnostics.isEmpty, "\(shotOutcome.diagnostics)")
        #expect(shotOutcome.rows.count == 11)
        #expect(shotOutcome.rows.first == [text("Polio"), text("Hansel"), text("uuid:0a2a8ef5-5d82-4e43-a267-74037b0e9ea4")])
    }

    @Test func iatiActivities() throws {
        let file = sharedData + "/iati/examples/activity-standard-example-annotated.xml"
        try #require(FileManager.default.fileExists(atPath: file), "shared fixture missing at \(file)")
        let fixture = Fixture()
        let source = makeSource(id: "activities", path: file, format: .xml, record: "/iati-activities/iati-activity", [
            xfield("id", xml: "iati-identifier"), xfield("currency", xml: "@default-currency"),
            xfield("version", xml: "../@version"), xfield("org_ref", xml: "reporting-org/@ref"),
        ], key: ["id"])
        let outcome = readSource(fixture, source)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [[text("AA-AAA-123456789-ABC123"), text("USD"), text("2.03"), text("AA-AAA-123456789")]])
    }

    @Test func billionLaughsIsRefusedFast() {
        let fixture = Fixture()
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        doc += " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        for level in 2...9 {
            doc += " <!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        doc += "]>\n<lolz><r><v a=\"&lol9;\">&lol9;</v></r></lolz>\n"
        fixture.write("lol.xml", doc)
        let source = makeSource(id: "lol", path: "../data/lol.xml", format: .xml, record: "/lolz/r", [xfield("v"), xfield("a", xml: "v/@a")])
        let start = Date()
        let outcome = readSource(fixture, source)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(outcome.rows.isEmpty)
        #expect(outcome.result.log.hasErrors)
        #expect(outcome.codes.contains("xml-doctype-refused") || outcome.codes.contains("xml-malformed"), "\(outcome.codes)")
    }

    @Test func externalEntitiesAreNeverRead() {
        let fixture = Fixture()
        fixture.write("xxe.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE r [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <rs><r><v>&xxe;</v></r></rs>
            """)
        fixture.write("xxe2.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE rs SYSTEM "file:///etc/passwd">
            <rs><r><v>x</v></r></rs>
            """)
        for name in ["xxe.xml", "xxe2.xml"] {
            let source = makeSource(id: "x", path: "../data/" + name, format: .xml, record: "/rs/r", [xfield("v")])
            let outcome = readSource(fixture, source)
            #expect(outcome.rows.isEmpty)
            #expect(outcome.codes == ["xml-doctype-refused"], "\(outcome.diagnostics)")
            let everything = outcome.diagnostics.map { "\($0.message) \($0.hint ?? "")" }.joined()
            #expect(!everything.contains("root:"))
        }
    }

    @Test func truncatedFileKeepsEarlierRecords() {
        let fixture = Fixture()
        // `../@region` is known before each record: records stream out before the root closes.
        fixture.write("t.xml", "<rs region=\"R\">\n<r><v>1</v></r>\n<r><v>2</v></r>\n<r><v>3</v>\n<r><v")
        let source = makeSource(id: "t", path: "../data/t.xml", format: .xml, record: "/rs/r",
                                [xfield("v", .integer), xfield("region", xml: "../@region")])
        let outcome = readSource(fixture, source)
        #expect(outcome.rows == [[number("1"), text("R")], [number("2"), text("R")]])
        #expect(outcome.codes == ["xml-malformed"])
        let diagnostic = outcome.diagnostics.first
        #expect(diagnostic?.location?.file == fixture.shown("t.xml"))
        #expect((diagnostic?.location?.line ?? 0) >= 4)
    }

    @Test func recordsBeforeAFaultAreRead() {
        let fixture = Fixture()
        // The fault is in the same few hundred bytes as the complete records before it.
        fixture.write("f.xml", "<rs>\n<r><v>1</v></r>\n<r><v>2</v></r>\n<r><v>3</w></r>\n<r><v>4</v></r></rs>\n")
        let source = makeSource(id: "f", path: "../data/f.xml", format: .xml, record: "/rs/r", [xfield("v", .integer)])
        let outcome = readSource(fixture, source)
        #expect(outcome.rows == [[number("1")], [number("2")]])
        #expect(outcome.codes == ["xml-malformed"])
        #expect(outcome.diagnostics.first?.location?.line == 4)
        #expect(outcome.diagnostics.first?.message.contains("Opening and ending tag mismatch: v line 4 and w") == true)
    }

    @Test func doctypeIsReportedOnItsOwnLine() {
        let fixture = Fixture()
        fixture.write("d.xml", "<?xml version=\"1.0\"?>\n<!-- export -->\n<!DOCTYPE rs [ <!ENTITY e \"x\"> ]>\n<rs><r><v>&e;</v></r></rs>\n\n\n")
        let source = makeSource(id: "d", path: "../data/d.xml", format: .xml, record: "/rs/r", [xfield("v")])
        let outcome = readSource(fixture, source)
        #expect(outcome.rows.isEmpty)
        #expect(outcome.codes == ["xml-doctype-refused"])
        #expect(outcome.diagnostics.first?.location?.line == 3)
    }

    @Test func treeBuilderLimitsAndChecksAreKept() {
        let fixture = Fixture()
        let source = { (name: String) in makeSource(id: "t", path: "../data/" + name, format: .xml, record: "/rs/r", [xfield("v")]) }
        // libxml2 refuses nesting deeper than 256 elements below the root.
        let deep = "<rs>\n<r><v>a</v></r>\n<r>" + String(repeating: "<a>", count: 256) + String(repeating: "</a>", count: 256) + "</r></rs>"
        fixture.write("deep.xml", deep)
        let deepOutcome = readSource(fixture, source("deep.xml"))
        #expect(deepOutcome.rows == [[text("a")]])
        #expect(deepOutcome.codes == ["xml-malformed"])
        #expect(deepOutcome.diagnostics.first?.message.contains("Excessive depth in document: 256 use XML_PARSE_HUGE option") == true)
        let shallow = "<rs>\n<r><v>a</v></r>\n<r>" + String(repeating: "<a>", count: 255) + String(repeating: "</a>", count: 255) + "</r></rs>"
        fixture.write("shallow.xml", shallow)
        #expect(readSource(fixture, source("shallow.xml")).codes.isEmpty)
        // A text node over 10 MB.
        fixture.write("huge.xml", "<rs><r><v>" + String(repeating: "x", count: 10_000_100) + "</v></r></rs>")
        let huge = readSource(fixture, source("huge.xml"))
        #expect(huge.rows.isEmpty)
        #expect(huge.diagnostics.first?.message.contains("xmlSAX2Characters: huge text node") == true)
        // xml:id values are NCNames, unique in the document; the records are still read.
        fixture.write("ids.xml", "<rs>\n<r xml:id=\"a\"><v>1</v></r>\n<r xml:id=\"a\"><v>2</v></r></rs>")
        let ids = readSource(fixture, source("ids.xml"))
        #expect(ids.rows.count == 2)
        #expect(ids.codes == ["xml-malformed"])
        #expect(ids.diagnostics.first?.location?.line == 3)
        #expect(ids.diagnostics.first?.message.contains("ID a already defined") == true)
        // An undeclared prefix: the element is named `x:r`, which is not a record.
        fixture.write("ns.xml", "<rs>\n<r><v>1</v></r>\n<x:r><v>2</v></x:r>\n<r><v>3</v></r></rs>")
        let ns = readSource(fixture, source("ns.xml"))
        #expect(ns.rows == [[text("1")], [text("3")]])
        #expect(ns.diagnostics.first?.message.contains("Namespace prefix x on r is not defined") == true)
    }

    @Test func attributesAsTheReaderSawThem() {
        let fixture = Fixture()
        // Namespace declarations answer `@xmlns` and `@prefix`, before attributes of that name.
        fixture.write("a.xml", "<rs xmlns=\"urn:d\" xmlns:p=\"urn:p\" p=\"attr\"><r a=\"x &amp; y &#38; z\" b=\" \t1\n2 \"/></rs>")
        let source = makeSource(id: "a", path: "../data/a.xml", format: .xml, record: "/rs/r", [
            xfield("a", xml: "@a"), xfield("b", xml: "@b"), xfield("d", xml: "../@xmlns"), xfield("p", xml: "../@p"),
        ])
        let outcome = readSource(fixture, source)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [[text("x & y & z"), text("1 2"), text("urn:d"), text("urn:p")]])
    }

    @Test func recordLinesPastLine65535() {
        let fixture = Fixture()
        var doc = "<rs>\n"
        for i in 0..<22_000 { doc += "<r id=\"\(i)\">\n<v>1</v>\n</r>\n" }
        doc += "<r id=\"7\">\n<v>1</v>\n</r>\n</rs>\n"
        fixture.write("l.xml", doc)
        let source = makeSource(id: "l", path: "../data/l.xml", format: .xml, record: "/rs/r",
                                [xfield("id", xml: "@id"), xfield("v", .integer)], key: ["id"])
        let outcome = readSource(fixture, source)
        #expect(outcome.codes == ["duplicate-key"])
        #expect(outcome.diagnostics.first?.location?.line == 2 + 22_000 * 3)
        #expect(outcome.contexts.last?.line == 2 + 21_999 * 3)
    }

    @Test func binaryGarbageIsMalformed() {
        let fixture = Fixture()
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0, 0, 0xFF, 0xFE]
        for i in 0..<4096 { bytes.append(UInt8(truncatingIfNeeded: i &* 7919 &+ 13)) }
        fixture.write("g.xml", bytes)
        fixture.write("empty.xml", "")
        for name in ["g.xml", "empty.xml"] {
            let source = makeSource(id: "g", path: "../data/" + name, format: .xml, record: "/rs/r", [xfield("v")])
            let outcome = readSource(fixture, source)
            #expect(outcome.rows.isEmpty)
            #expect(outcome.codes == ["xml-malformed"], "\(outcome.diagnostics)")
        }
    }

    @Test func predefinedEntitiesCharacterReferencesAndCDATA() {
        let fixture = Fixture()
        fixture.write("e.xml", "<rs><r n=\"a &amp; b\"><v>Caf&#233; &lt;1&gt; <![CDATA[x & y]]></v><w>Ağ</w></r></rs>")
        let source = makeSource(id: "e", path: "../data/e.xml", format: .xml, record: "/rs/r",
                                [xfield("v"), xfield("n", xml: "@n"), xfield("w")])
        let outcome = readSource(fixture, source)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [[text("Café <1> x & y"), text("a & b"), text("Ağ")]])
    }

    @Test func invalidPathsAndMissingRecord() {
        let fixture = Fixture()
        fixture.write("a.xml", "<rs><r/></rs>")
        let noRecord = makeSource(id: "a", path: "../data/a.xml", format: .xml, [xfield("v")])
        #expect(readSource(fixture, noRecord).codes == ["xml-record-missing"])
        let tooHigh = makeSource(id: "a", path: "../data/a.xml", format: .xml, record: "/rs/r", [xfield("v", xml: "../../../x")])
        #expect(readSource(fixture, tooHigh).codes == ["xml-path-invalid"])
    }

    @Test func csvParentJoinWithOrphan() {
        let fixture = Fixture()
        fixture.write("households.csv", "_index,village,visit\n1,Ağdam,2021-02-01\n2,Tərtər,2021-03-01\n")
        fixture.write("members.csv", "_index,_parent_index,name,age\n1,1,Aysel,34\n2,1,Rauf,8\n3,2,Leyla,70\n4,9,Orphan,5\n5,,Nobody,1\n")
        let parentFields = [xfield("hh", .integer, column: "_index"), xfield("village"), xfield("visit", .date)]
        let households = makeSource(id: "households", path: "../data/households.csv", format: .csv, parentFields, key: ["hh"])
        let members = makeSource(id: "members", path: "../data/members.csv", format: .csv, [
            xfield("id", .integer, column: "_index"), xfield("parent", .integer, column: "_parent_index"),
            xfield("name"), xfield("age", .integer),
        ], key: ["id"], parent: (ParentLink(source: "households", key: "parent"), parentFields),
           rules: [("age < 60 or households.village != \"Tərtər\"", .warning, "Older member in Tərtər")])
        let outcome = readSource(fixture, members, others: [households])
        #expect(outcome.rows == [
            [number("1"), number("1"), text("Aysel"), number("34"), number("1"), text("Ağdam"), date("2021-02-01")],
            [number("2"), number("1"), text("Rauf"), number("8"), number("1"), text("Ağdam"), date("2021-02-01")],
            [number("3"), number("2"), text("Leyla"), number("70"), number("2"), text("Tərtər"), date("2021-03-01")],
        ])
        #expect(outcome.codes == ["rule-failed", "orphan-parent", "orphan-parent"])
        #expect(outcome.diagnostics.filter { $0.code == "orphan-parent" }.map { $0.location?.line } == [5, 6])
        #expect(outcome.result.rowsRejected == 2)
    }

    @Test func xmlChildJoinsCSVParent() {
        let fixture = Fixture()
        fixture.write("subs.csv", "KEY,village\nuuid:1,V1\n")
        fixture.write("m.xml", "<data><hh><m><n>A</n></m><m><n>B</n></m></hh><meta><instanceID>uuid:1</instanceID></meta></data>")
        fixture.write("m2.xml", "<data><hh><m><n>C</n></m></hh><meta><instanceID>uuid:2</instanceID></meta></data>")
        let parentFields = [xfield("key", column: "KEY"), xfield("village")]
        let subs = makeSource(id: "subs", path: "../data/subs.csv", format: .csv, parentFields, key: ["key"])
        let members = makeSource(id: "members", path: "../data/m*.xml", format: .xml, record: "/data/hh/m", [
            xfield("name", xml: "n"), xfield("parent", xml: "../../meta/instanceID"),
        ], parent: (ParentLink(source: "subs", key: "parent"), parentFields))
        let outcome = readSource(fixture, members, others: [subs])
        #expect(outcome.rows == [
            [text("A"), text("uuid:1"), text("uuid:1"), text("V1")],
            [text("B"), text("uuid:1"), text("uuid:1"), text("V1")],
        ])
        #expect(outcome.codes == ["orphan-parent"])
    }
}
