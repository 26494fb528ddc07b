import Foundation
import LogframeCore
import LogframeDefinitions
import Testing
@testable import LogframeData

/// `decodeOnly(slots:)`: fields the caller never reads are checked but not turned into values,
/// and nothing else changes (the same rows in the read slots, the same diagnostics).
@Suite struct DecodeOnlyTests {
    static let fields = [
        field("id", .text), field("note", .text, required: true), field("comment", .text),
        field("code", .text, pattern: "[A-Z]+"), field("kind", .text, allowed: [text("a"), text("b")]),
        field("checked", .text), field("age", .integer), field("visit", .date),
    ]
    static let csv = "id,note,comment,code,kind,checked,age,visit\n"
        + "R1,first,plain,AB,a,ok,3,2021-02-01\n"
        + "R2,,plain,ab,c,ok,4,2021-02-02\n"      // note required; code's pattern; kind's list
        + "R1,again,plain,AB,a,ok,5,2021-02-03\n" // duplicate key
        + "R3,n,plain,AB,b,x,6,2021-13-01\n"      // the rule's warning; a bad date
        + "R4,n,,CD,b,x,7,2021-02-04\n"           // the rule's warning only

    func read(_ fixture: Fixture, only slots: Set<Int>?) -> (rows: [[Value]], diagnostics: [Diagnostic], unread: [Int]) {
        let source = makeSource("s.csv", Self.fields, key: ["id"], date: "visit",
                                rules: [("checked != \"x\"", .warning, "checked is x")])
        let reader = SourceReader(source: source, definitions: makeDefinitions(fixture, [source]))
        if let slots { reader.decodeOnly(slots: slots) }
        var rows: [[Value]] = []
        let result = reader.read { row, _ in rows.append(row) }
        return (rows, result.log.diagnostics, reader.unreadFields)
    }

    @Test func unreadPlainTextIsCheckedButNotDecoded() {
        let fixture = Fixture()
        fixture.write("s.csv", Self.csv)
        let every = read(fixture, only: nil)
        let some = read(fixture, only: [6])  // age
        // id is the key, code has a pattern, kind a list, checked is read by a rule, visit is the
        // date: only note and comment can be left undecoded.
        #expect(some.unread == [1, 2])
        #expect(every.unread.isEmpty)
        #expect(some.diagnostics == every.diagnostics)
        #expect(every.diagnostics.map(\.code).sorted()
                == ["duplicate-key", "field-not-in-list", "field-pattern", "field-required", "field-type", "rule-failed"])
        #expect(every.rows.count == 2 && some.rows.count == 2)
        for (a, b) in zip(every.rows, some.rows) {
            for slot in [0, 3, 4, 5, 6, 7] { #expect(a[slot] == b[slot]) }
            #expect(b[1] == .null && b[2] == .null)
        }
        #expect(every.rows[0][1] == text("first"))
    }
}
