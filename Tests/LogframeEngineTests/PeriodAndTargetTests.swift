import Foundation
import Testing
import LogframeCore
import LogframeEngine
import LogframeReport

// Same rows as CountingRuleTests (`rows`): as of 2021-09-30 there are 6 records:
// Q1 rows 1-2, Q2 rows 3-5, Q3 row 6.

@Suite("Periods, targets and status")
struct PeriodAndTargetTests {
    @Test("Expected value, progress and status through a milestone (hand-computed)")
    func milestonesAndStatus() throws {
        let f = try fixture("""
              - id: I
                title: Services
                value: count()
                baseline: 0
                target: {value: 12, date: 2021-12-31}
                milestones: {2021-Q2: 4}
        """)
        let i = f.run(asOf: "2021-09-30").indicator("I")
        // Expected: 4 at 2021-06-30, then linear to 12 at 2021-12-31: 4 + 8 x 92/184 = 8.
        #expect(i.expected == ExactDecimal(8))
        #expect(i.currentText == "6")
        #expect(i.progress == ExactDecimal(50))   // 100 x 6 / 12
        #expect(f.status("I", asOf: "2021-09-30") == .atRisk)              // 6 / 8 = 0.75: under 0.85, at least 0.5
        #expect(i.periods.map { $0.target?.description ?? "-" } == ["-", "4", "-"])
    }

    @Test("Expected value is rounded once (multiply, then divide)")
    func expectedRounding() throws {
        let f = try fixture("""
              - id: I
                title: Services
                value: count()
                target: {value: 10, date: 2021-12-31}
        """)
        // 10 x 272 / 364 = 7.472527472527472527472..., rounded once to 18 places.
        #expect(f.run(asOf: "2021-09-30").indicator("I").expected?.description == "7.472527472527472527")
    }

    @Test("Status thresholds", arguments: [
        ("5", "achieved"),     // current 6 passes the final target
        ("7", "on-track"),     // due now (as-of = target date): 6/7 = 0.857
        ("11", "at-risk"),     // 6/11 = 0.545
        ("100", "off-track"),  // 6/100
    ])
    func statusThresholds(target: String, status: String) throws {
        let f = try fixture("""
              - id: I
                title: Services
                value: count()
                baseline: 0
                target: {value: \(target), date: 2021-09-30}
        """)
        #expect(f.status("I", asOf: "2021-09-30").rawValue == status)
    }

    @Test("Decrease direction: progress is the share of the planned fall")
    func decrease() throws {
        let f = try fixture("""
              - id: I
                title: Services
                value: count()
                direction: decrease
                baseline: 10
                target: {value: 2, date: 2021-09-30}
        """)
        let i = f.run(asOf: "2021-09-30").indicator("I")
        #expect(i.progress == ExactDecimal(50))  // 100 x (6 - 10) / (2 - 10)
        #expect(f.status("I", asOf: "2021-09-30") == .atRisk)
    }

    @Test("No target: progress null, status no-target")
    func noTarget() throws {
        let f = try fixture("      - {id: I, title: Services, value: count()}\n")
        let i = f.run(asOf: "2021-09-30").indicator("I")
        #expect(i.progress == nil)
        #expect(i.expected == nil)
        #expect(f.status("I", asOf: "2021-09-30") == .noTarget)
    }

    @Test("A level (cumulative: false) shows the latest period with data")
    func level() throws {
        let f = try fixture("""
              - {id: L, title: Legal this period, value: count(where service == "legal"), cumulative: false}
        """)
        let i = f.run(asOf: "2021-09-30").indicator("L")
        // Legal rows: Q1 2, Q2 2, Q3 none: the latest period with a matching record is Q2.
        #expect(i.periodValues == ["2", "2", "0"])
        #expect(i.currentText == "2")
        // A level's "cumulative" is its value as of each period: the latest period with data so far.
        #expect(i.cumulativeValues == ["2", "2", "2"])
    }

    @Test("A level with an unknown baseline: no progress, status from the target only")
    func levelWithoutBaseline() throws {
        let f = try fixture("""
              - id: L
                title: Share with a disability
                value: percent(count(where disability), count())
                cumulative: false
                baseline: n/a
                target: 40
              - id: M
                title: Same, target met
                value: percent(count(where disability), count())
                cumulative: false
                target: 20
              - id: C
                title: Services (cumulative, baseline n/a counts from 0)
                value: count()
                baseline: n/a
                target: 12
        """)
        let r = f.run(asOf: "2021-09-30")
        // Latest period with data is Q3: 0 of 1 record.
        #expect(r.indicator("L").currentText == "0")
        #expect(r.indicator("L").progress == nil)
        #expect(r.indicator("L").expected == nil)
        #expect(f.status("L", asOf: "2021-09-30") == .noData)
        #expect(f.status("M", asOf: "2021-09-30") == .noData)  // 0 < 20, and no baseline to measure against
        #expect(r.indicator("C").progress == ExactDecimal(50))
    }

    @Test("Reported values: period values, cumulative sums, levels")
    func reported() throws {
        let f = try fixture("""
              - {id: C, title: Projects completed, reported: {2021-Q1: 2, 2021-Q3: 3}}
              - {id: L, title: Committees active, reported: {2021-Q1: 2, 2021-Q3: 3}, cumulative: false}
              - {id: Y, title: Yearly, reported: {2021: 7}}
        """)
        let r = f.run(asOf: "2021-12-31")
        #expect(r.indicator("C").periodValues == ["2", "n/a", "3", "n/a"])
        #expect(r.indicator("C").cumulativeValues == ["2", "2", "5", "5"])
        #expect(r.indicator("C").currentText == "5")
        #expect(r.indicator("L").currentText == "3")
        #expect(r.indicator("Y").periodValues == ["n/a", "n/a", "n/a", "7"])
        #expect(r.indicator("C").countingUnit == "reported")
    }

    @Test("$ID: a derived indicator is recomputed in each of its own breakdown cells")
    func derived() throws {
        let f = try fixture("""
              - {id: LEGAL, title: Legal, value: count(where service == "legal")}
              - {id: BUSINESS, title: Business, value: count(where service == "business")}
              - id: D
                title: Legal minus business
                value: $LEGAL - $BUSINESS
                by: [sex]
        """)
        let d = f.run(asOf: "2021-09-30").indicator("D")
        #expect(d.currentText == "3")  // 4 legal - 1 business
        #expect(d.breakdown("sex").cellValues == ["F=3", "M=-1", "∅=1"])
        #expect(d.periodValues == ["2", "1", "0"])
    }

    @Test("Several sources: a union counts a person once across both")
    func union() throws {
        let outreach = """
        id,date,person,sex,district,service,age,disability,hours
        o1,2021-03-01,P1,F,Füzuli,outreach,30,no,1
        o2,2021-08-01,P5,M,Tərtər,outreach,40,no,1

        """
        let yaml = programme(extraSources: """
          outreach:
            path: outreach.csv
            key: id
            date: date
            fields:
              id: text
              date: date
              person: text
              sex: {type: text, in: [F, M]}
              district: text
              service: text
              age: integer
              disability: boolean
              hours: number
        """, dimensions: dimensions, indicators: """
              - {id: U, title: People, value: distinct(person), source: [services, outreach], by: [sex]}
              - {id: S, title: Services, value: count(), source: services}
              - {id: D, title: People minus services, value: $U - $S}
        """)
        let f = try Fixture(yaml, files: ["services.csv": rows, "outreach.csv": outreach])
        let r = f.run(asOf: "2021-09-30")
        let u = r.indicator("U")
        #expect(u.currentText == "4")                        // P1, P2, P3, P5
        #expect(u.periodValues == ["1", "3", "2"])           // Q3: P1 (services), P5 (outreach)
        #expect(u.breakdown("sex").cellValues == ["F=1", "M=2", "∅=1"])
        #expect(u.rowsMatched.map(\.rows) == [6, 2])
        // Only `$ID` references: no `source` needed although there are several sources.
        #expect(r.indicator("D").currentText == "-2")
    }

    @Test("A breakdown shows the declared categories of the indicator's own sources only")
    func categoriesFromOwnSources() throws {
        let yaml = programme(extraSources: """
          trainings:
            path: trainings.csv
            date: date
            fields:
              date: date
              person: text
              district: {type: text, in: [Bərdə, Ağdam]}
        """, dimensions: dimensions, indicators: """
              - {id: S, title: Services, value: count(), source: services, by: [district]}
              - {id: T, title: Trainees, value: distinct(person), source: trainings, by: [district]}
        """)
        let f = try Fixture(yaml, files: ["services.csv": rows, "trainings.csv": "date,person,district\n2021-03-01,P1,Ağdam\n2021-03-02,P2,Şəki\n"])
        let r = f.run(asOf: "2021-09-30")
        #expect(r.indicator("S").breakdown("district").cellValues == ["Füzuli=4", "Ağcabədi=0", "Tərtər=2", "∅=0"])
        // Şəki is not in the `in:` list: rejected, so it does not appear.
        #expect(r.indicator("T").breakdown("district").cellValues == ["Bərdə=0", "Ağdam=1", "∅=0"])
    }

    @Test("An undated source counts in the current value, never in a period")
    func undated() throws {
        let yaml = programme(extraSources: """
          staff:
            path: staff.csv
            fields:
              name: text
              role: {type: text, in: [social worker, psychologist, lawyer]}
        """, indicators: """
              - {id: S, title: Staff, value: count(), source: staff}
              - {id: SW, title: Social workers, value: count(where role == "social worker"), source: staff}
        """)
        let f = try Fixture(yaml, files: ["services.csv": rows, "staff.csv": "name,role\nAynur Məmmədova,social worker\nElçin Həsənov,lawyer\nGülnarə Əliyeva,social worker\n"])
        let r = f.run(asOf: "2021-09-30")
        #expect(r.indicator("S").periodValues == ["n/a", "n/a", "n/a"])
        // Undated records belong to no period, so to every cumulative value.
        #expect(r.indicator("S").cumulativeValues == ["3", "3", "3"])
        #expect(r.indicator("S").currentText == "3")
        #expect(r.indicator("SW").currentText == "2")
    }

    @Test("As-of date: later records and periods are left out")
    func asOf() throws {
        let f = try fixture("      - {id: I, title: Services, value: count()}\n")
        let early = f.run(asOf: "2021-05-01")
        #expect(early.periods.map(\.id) == ["2021-Q1", "2021-Q2"])
        #expect(early.indicator("I").periodValues == ["2", "3"])  // row 5 is dated on the as-of date
        #expect(early.sources[0].rowsAfterAsOf == 2)
        let full = f.run(asOf: "2021-12-31")
        #expect(full.indicator("I").periodValues == ["2", "3", "1", "1"])
    }

    @Test("Monthly, semester and yearly periods", arguments: [
        // Jan row 1, Feb row 2, Apr rows 3-4, May row 5, Jul row 6, Nov row 7.
        ("monthly", ["1", "1", "0", "2", "1", "0", "1", "0", "0", "0", "1", "0"]),
        ("semesters", ["5", "2"]),
        ("years", ["7"]),
    ])
    func periodKinds(kind: String, expected: [String]) throws {
        let f = try fixture("      - {id: I, title: Services, value: count()}\n", periods: kind)
        let i = f.run(asOf: "2021-12-31").indicator("I")
        #expect(i.periodValues == expected)
        if kind == "monthly" {
            #expect(i.periods.map(\.period.id).prefix(3) == ["2021-M01", "2021-M02", "2021-M03"])
        }
    }

    @Test("The JSON report is byte-for-byte deterministic")
    func determinism() throws {
        let f = try fixture("""
              - id: I
                title: People
                value: distinct(person)
                by: [sex, district, [sex, age]]
                target: 10
        """)
        let a = JSONReport.build(definitions: f.definitions, result: f.run(asOf: "2021-09-30")).serialized()
        let b = JSONReport.build(definitions: f.definitions, result: f.run(asOf: "2021-09-30")).serialized()
        #expect(a == b)
        #expect(a.hasPrefix("{\n  \"format\": \"logframe-report/1\","))
    }
}
