import Foundation
import LogframeCore
import LogframeDefinitions
import Testing
@testable import LogframeData

// Files as M&E officers get them from HDX and Kobo (issue 11, items 4 and 5): a header under a
// title, HXL hashtags, repeated labels, numbers with thousands separators and decimal commas,
// placeholders for "no value", repeat groups dated by their submission. Definitions are loaded
// from YAML, so each test goes from the keys to the rows.

/// Loads `yaml` (written to the fixture's `defs/logframe.yml`; data paths `../data/...`), which
/// must be valid, and reads source `id`.
func readYAML(_ fixture: Fixture, _ yaml: String, source id: String = "s", splitAt minimum: Int? = nil) -> ReadOutcome {
    let path = fixture.base + "/logframe.yml"
    try! yaml.write(toFile: path, atomically: true, encoding: .utf8)
    let loaded = DefinitionsLoader.load(path: path)
    guard let definitions = loaded.definitions, let source = definitions.source(id) else {
        Issue.record("definitions refused: \(loaded.diagnostics.map(\.message))")
        return ReadOutcome(result: SourceReadResult())
    }
    let reader = SourceReader(source: source, definitions: definitions)
    var rows: [[Value]] = []
    var contexts: [RecordContext] = []
    final class Part { var rows: [[Value]] = [] }
    let makeHalf: (() -> ParallelHalf)? = minimum.map { minimum in
        reader.parallelMinimumBytes = minimum
        return {
            let part = Part()
            return ParallelHalf(consume: { part.rows.append($0) }, commit: { rows += part.rows })
        }
    }
    let result = reader.read(splitting: makeHalf) { row, context in
        rows.append(row)
        contexts.append(context)
    }
    #expect(result.rowsRead == result.rowsUsed + result.rowsRejected)
    return ReadOutcome(rows: rows, contexts: contexts, result: result)
}

/// A source `s` over `data/s.csv`: `keys` at source level (4 spaces), `fields` at 6 spaces.
func csvDefs(_ keys: String = "", fields: String) -> String {
    """
    logframe: 1
    programme: {id: P, title: T, start: 2021-01-01, end: 2022-12-31, periods: years}
    sources:
      s:
        path: ../data/s.csv
    \(keys)
        fields:
    \(fields)
    """
}

func integer(_ n: Int) -> Value { .number(ExactDecimal(n)) }

@Suite struct HeaderRowTests {
    @Test func theHeaderUnderATitleAndGroupLabels() {
        let fixture = Fixture()
        // Line 1 a title (one cell), line 2 group labels (another width), line 3 the header,
        // line 4 HXL tags, data from line 5; line 6 has a bad number.
        fixture.write("s.csv", "Drought response, 2022\nLOCATION,,FIGURES,\nWoreda,Region,Target,Reached\n#adm3,#adm1,#targeted,#reached\nErob,Tigray,96,\nAtsbi,Tigray,x1,3\n")
        let outcome = read(fixtureYAML: fixture, csvDefs("    header_row: 3", fields: "      woreda: {column: Woreda}\n      target: {column: Target, type: integer}"))
        #expect(outcome.rows == [[text("Erob"), integer(96)]])
        #expect(outcome.contexts.map(\.line) == [5])
        #expect(outcome.codes == ["field-type"])
        #expect(outcome.diagnostics.first?.location?.line == 6 && outcome.diagnostics.first?.location?.column == 14)
        // The title, the group row, the header and the HXL row are not data rows.
        #expect((outcome.result.rowsRead, outcome.result.rowsUsed, outcome.result.rowsRejected) == (2, 1, 1))
    }

    @Test func withoutHeaderRowTheTitleIsTheHeader() {
        let fixture = Fixture()
        fixture.write("s.csv", "Drought response 2022\nWoreda,Target\nErob,96\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      woreda: {column: Woreda}"))
        #expect(outcome.codes == ["missing-column"])
    }

    @Test func aQuotedTitleOverSeveralLinesAndAnEmptyRowAboveTheHeader() {
        let fixture = Fixture()
        // Lines 1-2: one quoted cell; line 3 `,,` (all empty); the header on line 4; `;` delimited
        // although the title has commas.
        fixture.write("s.csv", "\"Report, draft\nsecond line\"\n,,\nWoreda;Target\nErob;96\n")
        let outcome = read(fixtureYAML: fixture, csvDefs("    header_row: 4", fields: "      woreda: {column: Woreda}\n      target: {column: Target, type: integer}"))
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [[text("Erob"), integer(96)]])
        #expect(outcome.contexts.map(\.line) == [5])
    }

    @Test(arguments: [
        (2, 1, "Line 2 of FILE is inside a quoted cell of the row that starts on line 1, so it cannot be the header row (`header_row: 2`); no rows of this file were read"),
        (5, 5, "Line 5 of FILE is blank, so it cannot be the header row (`header_row: 5`); the next row starts on line 6; no rows of this file were read"),
        (9, 1, "FILE has no row on line 9 or below, where the header row was expected (`header_row: 9`); no rows of this file were read"),
    ])
    func aHeaderRowThatIsNotOne(_ row: Int, _ line: Int, _ message: String) {
        let fixture = Fixture()
        fixture.write("s.csv", "\"Report\nsecond line\"\nWoreda\nErob\n\nTarget\n")
        let outcome = read(fixtureYAML: fixture, csvDefs("    header_row: \(row)", fields: "      woreda: {column: Woreda}"))
        #expect(outcome.codes == ["csv-header-row"])
        #expect(outcome.diagnostics.first?.message == message.replacingOccurrences(of: "FILE", with: fixture.shown("s.csv")))
        #expect(outcome.diagnostics.first?.location?.line == line)
        #expect(outcome.result.rowsRead == 0)
    }
}

@Suite struct ColumnSelectorTests {
    static let sheet = "Woreda,Region,Affected,Target,Affected,Target,Note\n"
        + "#adm3+name,#adm1+name,#inneed+health,#targeted+health,#inneed+esnfi,#target,\n"
        + "Erob,Tigray,10,5,7,3,a\n"

    @Test func byHashtagExactOrByAttributesAndByPosition() {
        let fixture = Fixture()
        fixture.write("s.csv", Self.sheet)
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: """
              region: {column: "#adm1+name"}
              health: {column: "#INNEED +health", type: integer}
              woreda: {column: "#adm3"}
              esnfi_inneed: {position: 5, type: integer}
              esnfi_target: {position: 6, type: integer}
              note: {position: 7}
        """))
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [[text("Tigray"), integer(10), text("Erob"), integer(7), integer(3), text("a")]])
        #expect(outcome.contexts.map(\.line) == [3])
    }

    @Test func aRepeatedLabelPointsToPositionAndHashtags() {
        let fixture = Fixture()
        fixture.write("s.csv", Self.sheet)
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      target: {column: Target, type: integer}"))
        #expect(outcome.codes == ["duplicate-column"])
        #expect(outcome.diagnostics.first?.hint == "Rename or remove the repeated column, choose it by its HXL hashtag (`column: \"#...\"`), or by number with `position: 6`.")
    }

    @Test(arguments: [
        ("#inneed", "duplicate-column", 2, "The HXL hashtag #inneed of field x (source s) fits 2 columns of FILE: column 3 (\"Affected\") tagged #inneed+health, column 5 (\"Affected\") tagged #inneed+esnfi; no rows of this file were read"),
        ("#targeted+food", "missing-column", 2, "No column of FILE has the HXL hashtag #targeted+food (field x of source s); no rows of this file were read"),
    ])
    func hashtagThatFitsNoneOrSeveral(_ tag: String, _ code: String, _ line: Int, _ message: String) {
        let fixture = Fixture()
        fixture.write("s.csv", Self.sheet)
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      x: {column: \"\(tag)\"}"))
        #expect(outcome.codes == [code])
        #expect(outcome.diagnostics.first?.message == message.replacingOccurrences(of: "FILE", with: fixture.shown("s.csv")))
        #expect(outcome.diagnostics.first?.location?.line == line)
    }

    @Test func aDuplicatedHashtagSuggestsPosition() {
        let fixture = Fixture()
        fixture.write("s.csv", "A,B\n#inneed,#inneed\n1,2\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      x: {column: \"#inneed\"}"))
        #expect(outcome.codes == ["duplicate-column"])
        #expect(outcome.diagnostics.first?.hint == "The hashtag is repeated in the file: choose the column by number instead, e.g. `position: 1`.")
        #expect(outcome.diagnostics.first?.location?.column == 9)
    }

    @Test func aMisspeltHashtagHasADidYouMean() {
        let fixture = Fixture()
        fixture.write("s.csv", Self.sheet)
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      x: {column: \"#targetd+health\"}"))
        #expect(outcome.codes == ["missing-column"])
        #expect(outcome.diagnostics.first?.hint?.hasPrefix("Did you mean \"#targeted+health\"?") == true, "\(outcome.diagnostics)")
    }

    @Test func hintsForTheSahelSheet() {
        // hdx-python-scraper's hno_2017_sahel_nutrition.csv: a plain #country, an invalid #sector?.
        let fixture = Fixture()
        fixture.write("s.csv", "Country,nutrition,In Need 2017\n#country,#sector?,#inneed\nBurkina Faso,MAM,\"433,412\"\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      country: {column: \"#country+name\"}\n      sector: {column: \"#sector\"}"))
        #expect(outcome.codes == ["missing-column", "missing-column"])
        #expect(outcome.diagnostics.first?.hint?.hasPrefix("Did you mean \"#country\"?") == true)
        #expect(outcome.diagnostics.last?.hint == "Column 2 is tagged \"#sector?\", which is not a valid HXL hashtag; choose that column by its label (column: \"nutrition\") or by `position: 2`.")
    }

    @Test func aHashtagWithoutAnHXLRow() {
        let fixture = Fixture()
        fixture.write("s.csv", "Woreda,Target\nErob,96\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      x: {column: \"#adm3\"}"))
        #expect(outcome.codes == ["missing-column"])
        #expect(outcome.diagnostics.first?.message.contains("has no HXL hashtag row under its header (line 1)") == true)
    }

    @Test func aBadValueInAColumnChosenByPositionNamesItsNumber() {
        let fixture = Fixture()
        fixture.write("s.csv", Self.sheet.replacingOccurrences(of: "Erob,Tigray,10,5,7,3,a", with: "Erob,Tigray,10,5,7x,3,a"))
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      esnfi: {position: 5, type: integer}"))
        #expect(outcome.codes == ["field-type"])
        #expect(outcome.diagnostics.first?.message == "\"7x\" in column 5 (line 3) is not a whole number")
        #expect(outcome.diagnostics.first?.location?.column == 18)
    }

    @Test func aHeaderThatIsTheHashtagRow() {
        let fixture = Fixture()
        fixture.write("s.csv", "Drought 2022\n#adm3+name,#targeted+total\nErob,96\n")
        let outcome = read(fixtureYAML: fixture, csvDefs("    header_row: 2", fields: "      woreda: {column: \"#adm3\"}\n      t: {column: \"#targeted\", type: integer}"))
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.rows == [[text("Erob"), integer(96)]])
    }

    @Test func aPositionPastTheLastColumn() {
        let fixture = Fixture()
        fixture.write("s.csv", "Woreda,Target\nErob,96\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      x: {position: 3}"))
        #expect(outcome.codes == ["missing-column"])
        #expect(outcome.diagnostics.first?.message == "Field x of source s is column 3 (`position: 3`), but the header of \(fixture.shown("s.csv")) has only 2 columns; no rows of this file were read")
    }
}

@Suite struct NumberFormatTests {
    /// Reads one column `n` of the given cells with the given keys; the values, or the error codes.
    static func values(_ cells: [String], type: String = "integer", _ keys: String) -> ([Value], [String], [Int?]) {
        let fixture = Fixture()
        fixture.write("s.csv", "n\n" + cells.map { "\"\($0)\"" }.joined(separator: "\n") + "\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      n: {type: \(type)\(keys)}"))
        return (outcome.rows.map { $0[0] }, outcome.codes, outcome.diagnostics.map { $0.location?.line })
    }

    @Test func spaceThousandsAsHDXWritesThem() {
        let (values, codes, lines) = Self.values(["80 418", "80\u{00A0}418", "1\u{202F}234\u{202F}567", "418", "-3 517", "+1 000", "1 23", "12 3456", " 1 234 "],
                                                  ", thousands: space")
        #expect(values == [integer(80418), integer(80418), integer(1234567), integer(418), integer(-3517), integer(1000), integer(1234)])
        #expect(codes == ["field-type", "field-type"])
        #expect(lines == [8, 9])
    }

    @Test func commaThousandsPointDecimals() {
        let (values, codes, _) = Self.values(["433,412", "1,234,567.25", "12.5", "1,2345", "12,34.5"], type: "number", ", thousands: \",\"")
        #expect(values == [number("433412"), number("1234567.25"), number("12.5")])
        #expect(codes == ["field-type", "field-type"])
    }

    @Test func dotThousandsCommaDecimals() {
        let (values, codes, _) = Self.values(["1.234,5", "0,75", "-2.000", "1,234.5", "1,2,3"], type: "number", ", thousands: dot, decimal: comma")
        #expect(values == [number("1234.5"), number("0.75"), number("-2000")])
        #expect(codes == ["field-type", "field-type"])
    }

    @Test func decimalCommaOnlyAndApostrophes() {
        #expect(Self.values(["1234,5", "7", ",5", "-,25"], type: "number", ", decimal: comma").0
                == [number("1234.5"), number("7"), number("0.5"), number("-0.25")])
        // As without a format: `1,` is `1.` (1) and an exponent is read; a lone mark or sign is not a number.
        #expect(Self.values(["1,", "5e2"], type: "number", ", decimal: comma").0 == [number("1"), number("500")])
        #expect(Self.values([",", "-"], type: "number", ", decimal: comma").1 == ["field-type", "field-type"])
        #expect(Self.values(["1'234'567", "1\u{2019}000"], ", thousands: apostrophe").0 == [integer(1234567), integer(1000)])
        // A whole-number field still refuses a fraction, however it is written.
        #expect(Self.values(["1,5"], ", decimal: comma").1 == ["field-type"])
    }

    @Test func theTypeErrorSaysHowTheFieldIsRead() {
        let fixture = Fixture()
        fixture.write("s.csv", "n,m\n80.418,80 418\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      n: {type: number, thousands: space, decimal: comma}\n      m: integer"))
        #expect(outcome.codes == ["field-type", "field-type"])
        #expect(outcome.diagnostics.first?.hint == "This field is read with thousands separated by a space and a comma for decimals, e.g. 1 234 567,5.")
        // Without the key, the hint names it.
        #expect(outcome.diagnostics.last?.hint == "The number seems to have a space between thousands (80 418); add `thousands: space` to the field or its source to read it.")
    }

    @Test func minMaxAndInApplyToTheNumberRead() {
        let (values, codes, _) = Self.values(["1 000", "2 500", "900"], ", thousands: space, min: 950, in: [1000, 900]")
        #expect(values == [integer(1000)])
        #expect(codes == ["field-not-in-list", "field-out-of-range"])
    }

    @Test func twoThreadsReadTheSameNumbers() {
        let fixture = Fixture()
        var csv = "Title line\nid,n,x\n"
        for i in 1...3000 { csv += "R\(i),\"\(i % 1000) 123,5\",\(i % 7 == 0 ? "-" : "\(i)")\n" }
        fixture.write("s.csv", csv)
        let yaml = csvDefs("    header_row: 2\n    thousands: space\n    decimal: comma\n    missing: [\"-\"]\n    key: id",
                           fields: "      id: text\n      n: number\n      x: integer")
        let one = readYAML(fixture, yaml)
        let two = readYAML(fixture, yaml, splitAt: 1)
        #expect(one.rows.count == 3000)
        #expect(one.diagnostics.count == 0, "\(one.diagnostics.prefix(3).map(\.message))")
        #expect(two.rows == one.rows)
        #expect(one.rows[6] == [text("R7"), number("7123.5"), .null])
        #expect(two.result.rowsReadOnSecondThread > 0)
    }
}

@Suite struct MissingTextTests {
    @Test func placeholdersAreNullPerSourceAndPerField() {
        let fixture = Fixture()
        fixture.write("s.csv", "name,reached,target,note\nErob,-,N/A,-\nAtsbi,n/a,5,N/A\nSaesie,,888,\n")
        let outcome = read(fixtureYAML: fixture, csvDefs("    missing: [\"-\", \"N/A\"]", fields: """
              name: text
              reached: {type: integer, missing: ["-", n/a]}
              target: {type: integer, missing: ["N/A", "888"]}
              note: text
        """))
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        // Compared exactly: `n/a` is missing only where listed; the field's list replaces the source's.
        #expect(outcome.rows == [
            [text("Erob"), .null, .null, .null],
            [text("Atsbi"), .null, integer(5), .null],
            [text("Saesie"), .null, .null, .null],
        ])
    }

    @Test func aPlaceholderInARequiredFieldIsAnEmptyValue() {
        let fixture = Fixture()
        fixture.write("s.csv", "name,n\n-,1\nx,-\n")
        let outcome = read(fixtureYAML: fixture, csvDefs("    missing: [\"-\"]", fields: "      name: {required: true}\n      n: {type: integer, missing: []}"))
        #expect(outcome.codes == ["field-required", "field-type"])
        #expect(outcome.diagnostics.map { $0.location?.line } == [2, 3])
    }

    @Test func withoutMissingAPlaceholderIsDataAndTheHintNamesTheKey() {
        let fixture = Fixture()
        fixture.write("s.csv", "name,n,d\n-,-,2021-01-01\nx,1,N/A\n")
        let outcome = read(fixtureYAML: fixture, csvDefs(fields: "      name: text\n      n: integer\n      d: date"))
        #expect(outcome.codes == ["field-type", "field-type"])
        #expect(outcome.diagnostics.map(\.hint) == ["If \"-\" means no value here, add `missing: [\"-\"]` to the field or its source.",
                                                    "If \"N/A\" means no value here, add `missing: [\"N/A\"]` to the field or its source."])
        #expect(outcome.rows.isEmpty)
    }
}

@Suite struct DatedByParentTests {
    static func defs(parentDated: Bool) -> String {
        """
        logframe: 1
        programme: {id: P, title: T, start: 2022-01-01, end: 2022-12-31}
        sources:
          households:
            path: ../data/data.csv
            key: index
        \(parentDated ? "    date: survey_date" : "    date: none")
            fields:
              index: {column: _index, type: integer}
              survey_date: {column: today, type: date, format: MM/dd/yyyy}
          children:
            path: ../data/repeat.csv
            parent: {source: households, key: parent}
            date: households.survey_date
            fields:
              parent: {column: _parent_index, type: integer}
              age: integer
        """
    }

    @Test func aRepeatRowTakesItsSubmissionsDate() {
        let fixture = Fixture()
        fixture.write("data.csv", "_index,today\n1,03/15/2022\n2,\n3,07/01/2023\n4,08/02/2022\n")
        fixture.write("repeat.csv", "age,_parent_index\n4,1\n7,1\n2,2\n9,3\n5,4\n")
        let outcome = readYAML(fixture, Self.defs(parentDated: false), source: "children")
        // Slots: parent, age, then households.index, households.survey_date.
        #expect(outcome.rows == [[integer(1), integer(4), integer(1), date("2022-03-15")],
                                 [integer(1), integer(7), integer(1), date("2022-03-15")],
                                 [integer(4), integer(5), integer(4), date("2022-08-02")]])
        #expect(outcome.codes == ["date-missing", "date-outside-programme"])
        #expect(outcome.diagnostics.map { $0.location?.line } == [4, 5])
        #expect(outcome.diagnostics.first?.message == "Line 4 takes its date from households.survey_date, which is empty in its households record: every record of source children needs a date to be placed in a period")
        #expect(outcome.diagnostics.last?.message == "Line 5 is dated by its households record, whose households.survey_date 2023-07-01 is outside the programme (2022-01-01 to 2022-12-31)")
    }

    @Test func aDatedParentRejectsItsBadDatesAndTheirChildrenAreOrphans() {
        let fixture = Fixture()
        fixture.write("data.csv", "_index,today\n1,03/15/2022\n3,07/01/2023\n")
        fixture.write("repeat.csv", "age,_parent_index\n4,1\n9,3\n")
        let outcome = readYAML(fixture, Self.defs(parentDated: true), source: "children")
        #expect(outcome.rows.count == 1)
        #expect(outcome.codes == ["orphan-parent"])
    }
}

@Suite struct XMLReadingOptionsTests {
    @Test func missingAndNumberFormatApplyToXMLFieldsToo() {
        let fixture = Fixture()
        fixture.write("s.xml", "<data><r><n>1 234,5</n><who>-</who></r><r><n>n/a</n><who>Aida</who></r><r><n>12.34</n><who>B</who></r></data>")
        let yaml = """
        logframe: 1
        programme: {id: P, title: T, start: 2021-01-01, end: 2022-12-31}
        sources:
          s:
            path: ../data/s.xml
            record: /data/r
            date: none
            missing: ["-", "n/a"]
            fields:
              n: {type: number, thousands: space, decimal: comma}
              who: text
        """
        let outcome = readYAML(fixture, yaml)
        #expect(outcome.rows == [[number("1234.5"), .null], [.null, text("Aida")]])
        #expect(outcome.codes == ["field-type"])
    }
}

/// `read` for YAML definitions (the `Fixture` overload reads `SourceDefinition`s built in code).
func read(fixtureYAML fixture: Fixture, _ yaml: String) -> ReadOutcome { readYAML(fixture, yaml) }
