import Testing
import LogframeCore
@testable import LogframeDefinitions

func date(_ s: String) -> CivilDate { CivilDate(iso: s)! }

struct PeriodCase: Sendable, CustomStringConvertible {
    var start: String, end: String, kind: PeriodKind, yearStarts: Int
    var ids: [String]
    var first: (String, String)
    var last: (String, String)
    var description: String { "\(kind) \(start)..\(end) ys\(yearStarts)" }
}

let periodCases: [PeriodCase] = [
    PeriodCase(start: "2021-01-01", end: "2022-12-31", kind: .quarterly, yearStarts: 1,
               ids: ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"],
               first: ("2021-01-01", "2021-03-31"), last: ("2022-10-01", "2022-12-31")),
    PeriodCase(start: "2021-02-15", end: "2021-12-31", kind: .quarterly, yearStarts: 7,
               ids: ["2020-Q3", "2020-Q4", "2021-Q1", "2021-Q2"],
               first: ("2021-02-15", "2021-03-31"), last: ("2021-10-01", "2021-12-31")),
    PeriodCase(start: "2021-02-15", end: "2021-05-10", kind: .monthly, yearStarts: 7,
               ids: ["2021-M02", "2021-M03", "2021-M04", "2021-M05"],
               first: ("2021-02-15", "2021-02-28"), last: ("2021-05-01", "2021-05-10")),
    PeriodCase(start: "2020-03-01", end: "2021-12-31", kind: .semesters, yearStarts: 1,
               ids: ["2020-S1", "2020-S2", "2021-S1", "2021-S2"],
               first: ("2020-03-01", "2020-06-30"), last: ("2021-07-01", "2021-12-31")),
    PeriodCase(start: "2020-03-01", end: "2021-12-31", kind: .semesters, yearStarts: 7,
               ids: ["2019-S2", "2020-S1", "2020-S2", "2021-S1"],
               first: ("2020-03-01", "2020-06-30"), last: ("2021-07-01", "2021-12-31")),
    PeriodCase(start: "2021-01-01", end: "2022-12-31", kind: .years, yearStarts: 1,
               ids: ["2021", "2022"], first: ("2021-01-01", "2021-12-31"), last: ("2022-01-01", "2022-12-31")),
    PeriodCase(start: "2021-01-01", end: "2022-12-31", kind: .years, yearStarts: 7,
               ids: ["2020", "2021", "2022"], first: ("2021-01-01", "2021-06-30"), last: ("2022-07-01", "2022-12-31")),
    PeriodCase(start: "2024-02-29", end: "2024-02-29", kind: .quarterly, yearStarts: 4,
               ids: ["2023-Q4"], first: ("2024-02-29", "2024-02-29"), last: ("2024-02-29", "2024-02-29")),
]

@Test(arguments: periodCases)
func periodCalendar(_ c: PeriodCase) {
    let periods = PeriodCalendar.periods(start: date(c.start), end: date(c.end), kind: c.kind, yearStarts: c.yearStarts)
    #expect(periods.map(\.id) == c.ids)
    #expect(periods.first.map { ($0.start.description, $0.end.description) } ?? ("", "") == c.first)
    #expect(periods.last.map { ($0.start.description, $0.end.description) } ?? ("", "") == c.last)
    // Contiguous, no gaps.
    for (a, b) in zip(periods, periods.dropFirst()) { #expect(a.end.adding(days: 1) == b.start) }
}

@Test func monthlyCountsAndEmptyRange() {
    #expect(PeriodCalendar.periods(start: date("2021-01-01"), end: date("2022-12-31"), kind: .monthly, yearStarts: 1).count == 24)
    #expect(PeriodCalendar.periods(start: date("2021-01-02"), end: date("2021-01-01"), kind: .monthly, yearStarts: 1).isEmpty)
    #expect(PeriodCalendar.periods(start: date("9999-11-01"), end: date("9999-12-31"), kind: .years, yearStarts: 1).map(\.id) == ["9999"])
}

@Test func bandKeys() {
    #expect(DimensionBands.keys([18, 25, 60].map(ExactDecimal.init)) == ["<18", "18-24", "25-59", "60+"])
    #expect(DimensionBands.keys([ExactDecimal(parsing: "1.5")!, ExactDecimal(3)]) == ["<1.5", "1.5-<3", "3+"])
    #expect(DimensionBands.keys([ExactDecimal(5)]) == ["<5", "5+"])
}

@Test func didYouMean() {
    #expect(DidYouMean.closest(to: "valu", among: Keys.indicator, .definitionsName) == "value")
    #expect(DidYouMean.closest(to: "means", among: Keys.indicator, .definitionsName) == "means_of_verification")
    #expect(DidYouMean.closest(to: "zzzzzz", among: Keys.indicator, .definitionsName) == nil)
}
