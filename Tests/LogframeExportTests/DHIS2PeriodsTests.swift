import Testing
import LogframeCore
import LogframeDefinitions
import LogframeExport

/// logframe periods named as DHIS2 names them (docs/exports-dhis2.md, "Periods"), one line per
/// calendar: the first and second period of a programme cut by `periods` and `year_starts`.
@Suite("DHIS2 periods")
struct DHIS2PeriodsTests {
    static func programme(_ kind: PeriodKind, yearStarts: Int, start: String, end: String) -> Programme {
        let s = CivilDate(iso: start)!, e = CivilDate(iso: end)!
        return Programme(id: "P", title: LocalizedText("P"), donor: nil, implementer: nil, country: nil, start: s, end: e,
                         currency: nil, budgetTotal: nil, budgetDonor: nil,
                         periods: PeriodCalendar.periods(start: s, end: e, kind: kind, yearStarts: yearStarts),
                         yearStarts: yearStarts, onTrackThreshold: ExactDecimal(1), atRiskThreshold: ExactDecimal(0),
                         periodKind: kind)
    }

    /// (kind, year_starts, programme start, end) -> DXF2 ids and ADX periods of the first two periods;
    /// nil ADX: not expressible in ADX.
    static let cases: [(PeriodKind, Int, String, String, [String], [String?])] = [
        (.monthly, 1, "2021-01-01", "2021-12-31", ["202101", "202102"], ["2021-01-01/P1M", "2021-02-01/P1M"]),
        (.quarterly, 1, "2021-01-01", "2021-12-31", ["2021Q1", "2021Q2"], ["2021-01-01/P3M", "2021-04-01/P3M"]),
        (.quarterly, 7, "2021-07-01", "2022-06-30", ["2021Q3", "2021Q4"], ["2021-07-01/P3M", "2021-10-01/P3M"]),
        (.quarterly, 11, "2021-11-01", "2022-10-31", ["2022NovQ1", "2022NovQ2"], [nil, nil]),
        (.semesters, 1, "2021-01-01", "2021-12-31", ["2021S1", "2021S2"], ["2021-01-01/P6M", "2021-07-01/P6M"]),
        (.semesters, 7, "2021-07-01", "2022-06-30", ["2021S2", "2022S1"], ["2021-07-01/P6M", "2022-01-01/P6M"]),
        (.semesters, 4, "2021-04-01", "2022-03-31", ["2021AprilS1", "2021AprilS2"], ["2021-04-01/P6M", "2021-10-01/P6M"]),
        (.semesters, 11, "2021-11-01", "2022-10-31", ["2022NovS1", "2022NovS2"], ["2021-11-01/P6M", "2022-05-01/P6M"]),
        (.years, 1, "2021-01-01", "2022-12-31", ["2021", "2022"], ["2021-01-01/P1Y", "2022-01-01/P1Y"]),
        (.years, 7, "2021-07-01", "2023-06-30", ["2021July", "2022July"], ["2021-07-01/P1Y", "2022-07-01/P1Y"]),
        (.years, 4, "2021-04-01", "2023-03-31", ["2021April", "2022April"], ["2021-04-01/P1Y", "2022-04-01/P1Y"]),
        // A programme starting mid-quarter: its first period is the DHIS2 quarter it lies in.
        (.quarterly, 1, "2021-02-15", "2021-12-31", ["2021Q1", "2021Q2"], ["2021-01-01/P3M", "2021-04-01/P3M"]),
    ]

    @Test(arguments: cases.indices)
    func namesEachCalendar(_ index: Int) throws {
        let (kind, yearStarts, start, end, dxf2, adx) = Self.cases[index]
        let programme = Self.programme(kind, yearStarts: yearStarts, start: start, end: end)
        let mapped = try DHIS2Periods.map(Array(programme.periods.prefix(2)), programme: programme).map { try $0.get() }
        #expect(mapped.map(\.dxf2) == dxf2)
        #expect(mapped.map(\.adx) == adx)
    }

    /// Calendars DHIS2 has no period type for are refused, never shifted to a neighbouring period.
    @Test(arguments: [(PeriodKind.quarterly, 3, "2021-03-01", "2022-02-28"), (.semesters, 2, "2021-02-01", "2022-01-31"),
                      (.years, 3, "2021-03-01", "2023-02-28")])
    func refusesWhatDHIS2CannotExpress(_ kind: PeriodKind, _ yearStarts: Int, _ start: String, _ end: String) {
        let programme = Self.programme(kind, yearStarts: yearStarts, start: start, end: end)
        for result in DHIS2Periods.map(programme.periods, programme: programme) {
            #expect(throws: DHIS2Periods.Refusal.self) { try result.get() }
        }
    }

    @Test func refusesACustomPeriodThatIsNoDHIS2Period() throws {
        var programme = Self.programme(.quarterly, yearStarts: 1, start: "2021-01-01", end: "2021-12-31")
        programme.periodKind = nil
        programme.periods = [Period(id: "Y1", start: CivilDate(iso: "2021-01-01")!, end: CivilDate(iso: "2021-06-30")!),
                             Period(id: "Y1b", start: CivilDate(iso: "2021-07-01")!, end: CivilDate(iso: "2021-12-15")!)]
        let mapped = DHIS2Periods.map(programme.periods, programme: programme)
        #expect(try mapped[0].get().dxf2 == "2021S1")
        #expect(throws: DHIS2Periods.Refusal.self) { try mapped[1].get() }
    }
}
