import Testing
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
