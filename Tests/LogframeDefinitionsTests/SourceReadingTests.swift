import Foundation
import Testing
import LogframeCore
@testable import LogframeDefinitions

// The keys that say how a source's files are read (issue 11, items 4 and 5): `header_row`,
// columns by HXL hashtag or `position`, `thousands`/`decimal`, `missing`, and `date:` from a
// parent. Each option resolves to the model; each mistake is a located error.

/// One CSV source `woredas` (lines 8-), fields given as YAML lines at 6 spaces; `periods` decides
/// whether the undated warning can apply.
func readingDefs(source: String = "", fields: String, periods: String = "years", extraSources: String = "") -> String {
    """
    logframe: 1
    programme: {id: P, title: T, start: 2022-01-01, end: 2022-12-31, periods: \(periods)}
    sources:
      woredas:
        path: eth.csv
        date: none
    \(source)
        fields:
    \(fields)
    \(extraSources)
    results:
      - id: R
        level: output
        title: R
        indicators:
          - {id: I, title: I, source: woredas, value: count()}
    """
}

private func field(_ d: Definitions?, _ id: String) -> FieldDefinition? {
    d?.source("woredas")?.fields.first { $0.id == id }
}

private func only(_ r: (definitions: Definitions?, diagnostics: [Diagnostic]), _ code: String) -> Diagnostic? {
    #expect(r.definitions == nil, "expected a refusal")
    let d = r.diagnostics.first { $0.code == code }
    #expect(d != nil, "no \(code) in:\n\(describe(r.diagnostics))")
    #expect(d?.severity == .error)
    return d
}

@Suite struct SourceReadingKeys {
    @Test func headerRowHashtagsPositionNumbersAndMissingResolve() throws {
        let r = load(readingDefs(source: """
                header_row: 2
                thousands: space
                missing: ["-", "N/A", ""]
            """, fields: """
                  woreda: {column: "#adm3+code", required: true}
                  region: {column: "#ADM1 +name"}
                  targeted: {column: "#targeted+total", type: integer}
                  esnfi: {position: 21, type: integer}
                  share: {type: number, decimal: ",", thousands: "."}
                  plain: {type: number, missing: []}
                  label: {type: text, missing: "n/a"}
            """))
        #expect(r.diagnostics.isEmpty, "\(describe(r.diagnostics))")
        let d = try #require(r.definitions)
        #expect(d.source("woredas")?.headerRow == 2)
        #expect(field(d, "woreda")?.selector == .hashtag(HXLTag("#adm3+code")!))
        // Letter case and spaces do not matter in a hashtag; attributes are a set.
        #expect(field(d, "region")?.selector == .hashtag(HXLTag("#adm1+name")!))
        #expect(HXLTag("#ADM1 +name")?.description == "#adm1+name")
        #expect(field(d, "esnfi")?.selector == .position(21))
        #expect(field(d, "esnfi")?.column == "21")   // messages say "in column 21"
        #expect(field(d, "targeted")?.numberFormat == NumberFormat(thousands: .space, decimal: .dot))
        // Field keys over source keys.
        #expect(field(d, "share")?.numberFormat == NumberFormat(thousands: .dot, decimal: .comma))
        // Source number keys apply to numeric fields only.
        #expect(field(d, "woreda")?.numberFormat == nil)
        #expect(field(d, "woreda")?.missing == ["-", "N/A", ""])
        #expect(field(d, "plain")?.missing == [])
        #expect(field(d, "label")?.missing == ["n/a"])
        #expect(field(d, "label")?.selector == .name("label"))
    }

    @Test(arguments: [(" ", NumberFormat.Separator.space), ("space", .space), ("nbsp", .space), ("\u{00A0}", .space),
                      (",", .comma), ("comma", .comma), (".", .dot), ("'", .apostrophe)])
    func thousandsSpellings(_ written: String, _ expected: NumberFormat.Separator) throws {
        let decimal = expected == .dot ? ", decimal: comma" : (expected == .comma ? ", decimal: \".\"" : "")
        let r = load(readingDefs(fields: "      n: {type: integer, thousands: \"\(written)\"\(decimal)}"))
        #expect(r.diagnostics.isEmpty, "\(describe(r.diagnostics))")
        #expect(field(r.definitions, "n")?.numberFormat?.thousands == expected)
    }

    @Test func hxlMatchingRules() {
        let pattern = HXLTag("#affected")!
        #expect(pattern.matches(HXLTag("#affected+total")!))
        #expect(!HXLTag("#affected+total")!.matches(HXLTag("#affected")!))
        #expect(!pattern.matches(HXLTag("#inneed")!))
        #expect(HXLTag("#date +reported") == HXLTag("#date+reported"))
        for bad in ["#", "#sector?", "#a++b", "#1st", "adm1", "#adm1+"] { #expect(HXLTag(bad) == nil, "\(bad)") }
    }
}

struct ReadingCase: Sendable, CustomStringConvertible {
    var name: String
    var source: String = ""
    var fields: String
    var code: String
    var line: Int
    var column: Int
    var message: String? = nil
    var hint: String? = nil
    var description: String { name }
}

// Lines: 5 `path`, 6 `date: none`, 7 the first `source` line, then `fields:`; the first field line
// is 8 + the number of `source` lines.
let readingCases: [ReadingCase] = [
    ReadingCase(name: "header_row not a number", source: "    header_row: two", fields: "      a: text",
                code: "invalid-value", line: 7, column: 17, message: "`header_row` must be a whole number from 1 to 1000000, not `two`."),
    ReadingCase(name: "header_row zero", source: "    header_row: 0", fields: "      a: text", code: "invalid-value", line: 7, column: 17),
    ReadingCase(name: "header_row on XML", source: "    format: xml\n    record: /r\n    header_row: 2", fields: "      a: text",
                code: "invalid-value", line: 9, column: 17, message: "`header_row` applies to CSV sources only; source `woredas` is XML."),
    ReadingCase(name: "unknown source key", source: "    header_rows: 2", fields: "      a: text", code: "unknown-key", line: 7, column: 5,
                message: "Unknown key `header_rows` in source `woredas`.", hint: "Did you mean `header_row`?"),
    ReadingCase(name: "unknown field key", fields: "      a: {postion: 3}", code: "unknown-key", line: 9, column: 11,
                hint: "Did you mean `position`?"),
    ReadingCase(name: "thousand misspelt", source: "    thousand: space", fields: "      a: integer", code: "unknown-key", line: 7, column: 5,
                hint: "Did you mean `thousands`?"),
    ReadingCase(name: "not a hashtag", fields: "      a: {column: \"#sector?\"}", code: "invalid-value", line: 9, column: 19,
                message: "`#sector?` is not an HXL hashtag: a column starting with `#` is looked up in the file's HXL row."),
    ReadingCase(name: "position and column", fields: "      a: {column: A, position: 2}", code: "invalid-value", line: 9, column: 19,
                message: "Field `a` has both `column` and `position`; keep one."),
    ReadingCase(name: "position zero", fields: "      a: {position: 0}", code: "invalid-value", line: 9, column: 21,
                message: "`position` must be a whole number from 1 to 100000, not `0`."),
    ReadingCase(name: "position on XML", source: "    format: xml\n    record: /r", fields: "      a: {position: 2}",
                code: "invalid-value", line: 10, column: 21),
    ReadingCase(name: "hashtag on XML", source: "    format: xml\n    record: /r", fields: "      a: {column: \"#adm1\"}",
                code: "invalid-value", line: 10, column: 19),
    ReadingCase(name: "unknown thousands", source: "    thousands: x", fields: "      a: integer", code: "invalid-value", line: 7, column: 16,
                hint: "For numbers written like 80 418 use `thousands: space`; like 80,418 use `thousands: \",\"`."),
    ReadingCase(name: "unknown decimal", fields: "      a: {type: number, decimal: ;}", code: "invalid-value", line: 9, column: 34,
                message: "`decimal` must be `.` (dot) or `,` (comma), not `;`."),
    ReadingCase(name: "thousands equals decimal", source: "    thousands: \",\"\n    decimal: comma", fields: "      a: integer",
                code: "invalid-value", line: 8, column: 14,
                message: "`thousands` and `decimal` are both `,`; a number cannot use one character for both."),
    ReadingCase(name: "thousands dot with the default decimal", source: "    thousands: dot", fields: "      a: integer",
                code: "invalid-value", line: 7, column: 16, hint: "Add `decimal: \",\"` next to it."),
    ReadingCase(name: "field decimal clashing with source thousands", source: "    thousands: comma\n    decimal: dot",
                fields: "      a: {type: number, decimal: comma}", code: "invalid-value", line: 10, column: 34),
    ReadingCase(name: "thousands on a text field", fields: "      a: {type: text, thousands: space}", code: "invalid-value", line: 9, column: 34,
                message: "`thousands` applies only to integer and number fields; field `a` is text."),
    ReadingCase(name: "missing not a list", source: "    missing: {a: 1}", fields: "      a: text", code: "invalid-value", line: 7, column: 14),
    ReadingCase(name: "missing with a list inside", fields: "      a: {missing: [[x]]}", code: "invalid-value", line: 9, column: 21),
]

@Test func anUnquotedHashtagIsAComment() {
    let r = load(readingDefs(fields: "      region:\n        column: #adm1+name"))
    guard let d = only(r, "invalid-value") else { return }
    #expect(d.message == "`column` of field `region` is empty.")
    #expect(d.hint == "An HXL hashtag must be quoted, because YAML reads an unquoted # as the start of a comment: column: \"#adm1+name\".")
    #expect(d.location?.line == 10)
}

@Test(arguments: readingCases)
func readingDiagnostic(_ e: ReadingCase) {
    let r = load(readingDefs(source: e.source, fields: e.fields))
    guard let d = only(r, e.code) else { return }
    #expect(d.location?.line == e.line && d.location?.column == e.column, "at \(d.location?.line ?? 0):\(d.location?.column ?? 0): \(d.message)")
    if let message = e.message { #expect(d.message == message) }
    if let hint = e.hint { #expect(d.hint == hint) }
}

// MARK: - Dates from the parent, and the undated warning

func koboDefs(childDate: String?, periods: String = "quarterly", parentDate: String = "date: survey_date") -> String {
    """
    logframe: 1
    programme: {id: P, title: T, start: 2022-01-01, end: 2022-12-31, periods: \(periods)}
    sources:
      households:
        path: data.csv
        key: index
        \(parentDate)
        fields:
          index: {column: _index, type: integer}
          survey_date: date
          region: text
      children:
        path: repeat.csv
        parent: {source: households, key: parent}
    \(childDate.map { "    date: \($0)" } ?? "")
        fields:
          parent: {column: _parent_index, type: integer}
          age: integer
    results:
      - id: R
        level: output
        title: R
        indicators:
          - {id: C, title: Children, source: children, value: count()}
          - {id: H, title: Households, source: households, value: count()}
    """
}

@Suite struct DatesFromTheParent {
    @Test func aRepeatIsDatedByItsSubmission() throws {
        let r = load(koboDefs(childDate: "households.survey_date"))
        #expect(r.diagnostics.isEmpty, "\(describe(r.diagnostics))")
        let children = try #require(r.definitions?.source("children"))
        #expect(children.dateField == "households.survey_date")
        #expect(children.isDatedByParent)
        #expect(children.scope.field(named: "households.survey_date")?.type == .date)
        #expect(r.definitions?.source("households")?.isDatedByParent == false)
    }

    @Test func theParentFieldMustBeADate() {
        let r = load(koboDefs(childDate: "households.region"))
        guard let d = only(r, "invalid-value") else { return }
        #expect(d.message == "The date field `households.region` must have type `date`, not `text`.")
        #expect(d.location?.line == 15 && d.location?.column == 11)
    }

    @Test func anUnknownParentFieldHasADidYouMean() {
        let r = load(koboDefs(childDate: "households.survey_dat"))
        guard let d = only(r, "unknown-field") else { return }
        #expect(d.hint == "Did you mean `households.survey_date`?")
        #expect(d.location?.line == 15 && d.location?.column == 11)
    }

    @Test func aParentFieldWithoutTheParentPrefixSuggestsIt() {
        let r = load(koboDefs(childDate: "survey_date"))
        guard let d = only(r, "unknown-field") else { return }
        #expect(d.message == "The date field `survey_date` is not a field of source `children`.")
        #expect(d.hint == "Did you mean `households.survey_date`?")
    }

    @Test func anUndatedRepeatOfADatedParentIsWarnedWithTheFix() throws {
        let r = load(koboDefs(childDate: nil))
        #expect(r.definitions != nil)
        let warnings = r.diagnostics.filter { $0.code == "undated-source" }
        #expect(warnings.count == 1, "\(describe(r.diagnostics))")
        let w = try #require(warnings.first)
        #expect(w.severity == .warning)
        #expect(w.location?.line == 12 && w.location?.column == 3)
        #expect(w.message == "Source `children` has no `date`: indicator `C` counts its records in the cumulative figure of every period, also periods before they were collected.")
        #expect(w.hint == "Rows of a repeat group can take their submission's date: `date: households.survey_date`.")
    }

    @Test func noWarningWithOnePeriodOrDateNone() {
        #expect(load(koboDefs(childDate: nil, periods: "years")).diagnostics.isEmpty)
        #expect(load(koboDefs(childDate: "none")).diagnostics.isEmpty)
        // Both undated, the parent read by an indicator as well: two warnings, the roster hint.
        let r = load(koboDefs(childDate: nil, parentDate: ""))
        #expect(r.diagnostics.map(\.code) == ["undated-source", "undated-source"], "\(describe(r.diagnostics))")
        #expect(r.diagnostics.last?.hint == "Rows of a repeat group can take their submission's date: `date: households.survey_date`.")
        #expect(r.diagnostics.first?.hint == "If the records are not tied to a date (a roster, a registry), write `date: none` to say so.")
    }
}
