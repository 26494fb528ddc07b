import Testing
import LogframeCore
import LogframeReport
import LogframeTestSupport

/// UNICEF's results table adds girls/boys lines only where they mean something.
@Suite("UNICEF style: girls and boys")
struct UNICEFStyleTests {
    static let yaml = """
    logframe: 1
    programme: {id: U, title: Child protection, donor: UNICEF, start: 2021-01-01, end: 2021-12-31}
    sources:
      people:
        path: people.csv
        date: date
        fields:
          date: date
          person: text
          sex: {type: text, in: [F, M]}
          age: integer
    dimensions:
      sex: {field: sex, labels: {F: Female, M: Male}}
    results:
      - id: OP1
        level: output
        title: Services
        indicators:
          - {id: STAFF, title: Social workers trained, value: distinct(person where age >= 18), by: [sex]}
          - {id: KIDS, title: Children reached, value: distinct(person where age < 18)}
    """

    static let people = "date,person,sex,age\n2021-02-01,A,F,34\n2021-02-02,B,M,9\n2021-02-03,C,F,12\n"

    @Test func onlyChildIndicatorsGetAGirlsAndBoysLine() throws {
        let fixture = try ProgrammeFixture(Self.yaml, files: ["people.csv": Self.people])
        let markdown = MarkdownRenderer.render(ReportStyles.build(style: "unicef", input: fixture.input(asOf: "2021-12-31")))
        // Adults broken down by sex: no girls/boys line, not even "not disaggregated".
        #expect(!markdown.contains("STAFF · Girls"))
        // Children without a sex breakdown: UNICEF asks for the split, so the table says it is missing.
        #expect(markdown.contains("KIDS · Girls (under 18) / Boys (under 18) |  | not disaggregated by sex and age |"))
    }
}

@Test("UNICEF change: signed, percentage points for percentages, plain numbers in CSV")
func unicefChangeCells() throws {
    let en = try Sample.fixture().input(asOf: "2021-09-30")
    let markdown = MarkdownRenderer.render(ReportStyles.build(style: "unicef", input: en))
    #expect(markdown.contains("| 95.2% | on track | +7.1 pp |"))
    #expect(markdown.contains("| 35.0% | on track | +3 |"))
    let csv = CSVRenderer.render(ReportStyles.build(style: "unicef", input: en))
    #expect(csv.contains(",95.2,on track,7.1\r\n") && csv.contains(",35.0,on track,3\r\n"))
    let az = try Sample.fixture().input(asOf: "2021-09-30", language: "az")
    let azMarkdown = MarkdownRenderer.render(ReportStyles.build(style: "unicef", input: az))
    #expect(azMarkdown.contains("| +7,1 f.b. |"))
    let format = DisplayFormat(language: "en")
    #expect(format.signed(ExactDecimal(-2), decimals: 0) == "-2")
    #expect(format.signed(ExactDecimal(0), decimals: 1, unit: "pp") == "0.0 pp")
}
