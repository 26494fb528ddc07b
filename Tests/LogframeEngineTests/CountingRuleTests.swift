import Foundation
import Testing
import LogframeCore
import LogframeEngine
import LogframeReport

// Each counting rule of SPEC section 1 against answers computed by hand from the rows below.
//
// Quarterly programme 2021. Rows (id, date, person, sex, district, service, age, disability, hours):
//   1  2021-01-10  P1  F  Füzuli    legal      30  no   1.10
//   2  2021-02-10  P1  F  Füzuli    legal      30  no   2.20
//   3  2021-04-05  P1  F  Tərtər    legal      30  no
//   4  2021-04-06  P2  M  Tərtər    business   12  yes  0.70
//   5  2021-05-01  P3     Füzuli    legal      70  yes  3
//   6  2021-07-01  P1  F  Füzuli    psych      30  no   0.10
//   7  2021-11-30  P4  F  Ağcabədi  legal         no   0.20
// As of 2021-09-30: row 7 is after the as-of date; Q4 is not reported.
let rows = """
id,date,person,sex,district,service,age,disability,hours
1,2021-01-10,P1,F,Füzuli,legal,30,no,1.10
2,2021-02-10,P1,F,Füzuli,legal,30,no,2.20
3,2021-04-05,P1,F,Tərtər,legal,30,no,
4,2021-04-06,P2,M,Tərtər,business,12,yes,0.70
5,2021-05-01,P3,,Füzuli,legal,70,yes,3
6,2021-07-01,P1,F,Füzuli,psych,30,no,0.10
7,2021-11-30,P4,F,Ağcabədi,legal,,no,0.20

"""

let dimensions = """
  sex: {field: sex, labels: {F: Female, M: Male}}
  district: {field: district}
  age: {field: age, bands: [18, 60]}
  child: {expr: age < 18, labels: {true: Children, false: Adults}}

"""

func fixture(_ indicators: String, periods: String = "quarterly", csv: String = rows) throws -> Fixture {
    try Fixture(programme(periods: periods, dimensions: dimensions, indicators: indicators), files: ["services.csv": csv])
}

@Suite("Counting rules")
struct CountingRuleTests {
    @Test("Rule 1: count() counts records, distinct() counts people")
    func countingUnit() throws {
        let f = try fixture("""
              - {id: RECORDS, title: Services, value: count()}
              - {id: PEOPLE, title: People, value: distinct(person)}
              - {id: PAIRS, title: People x service, value: "distinct(person, service)"}
        """)
        let r = f.run(asOf: "2021-09-30")
        #expect(r.indicator("RECORDS").currentText == "6")
        #expect(r.indicator("PEOPLE").currentText == "3")
        #expect(r.indicator("PAIRS").currentText == "4")  // P1 legal, P2 business, P3 legal, P1 psych
        #expect(r.indicator("RECORDS").countingUnit == "records")
        #expect(r.indicator("PEOPLE").countingUnit == "distinct")
    }

    @Test("Rule 2: cumulative distinct people are recomputed, not summed")
    func cumulativeDistinct() throws {
        let f = try fixture("      - {id: I, title: People, value: distinct(person)}\n")
        let i = f.run(asOf: "2021-09-30").indicator("I")
        // Q1 {P1}, Q2 {P1, P2, P3}, Q3 {P1}; cumulative {P1}, {P1,P2,P3}, {P1,P2,P3}.
        #expect(i.periodValues == ["1", "3", "1"])
        #expect(i.cumulativeValues == ["1", "3", "3"])  // a sum would give 1, 4, 5
        #expect(i.currentText == "3")
    }

    @Test("Rule 3: percent keeps numerator and denominator, recomputed at every level")
    func ratiosKeepParts() throws {
        let f = try fixture("""
              - id: I
                title: Share with a disability
                value: percent(distinct(person where disability), distinct(person))
                by: [sex]
        """)
        let i = f.run(asOf: "2021-09-30").indicator("I")
        // Q1: 0 of {P1}; Q2: {P2, P3} of {P1, P2, P3}; Q3: 0 of {P1}. Cumulative 2 of 3.
        #expect(i.periods.map { $0.value.numerator?.description } == ["0", "2", "0"])
        #expect(i.periods.map { $0.value.denominator?.description } == ["1", "3", "1"])
        #expect(i.current.numerator == ExactDecimal(2))
        #expect(i.current.denominator == ExactDecimal(3))
        #expect(i.current.value == (ExactDecimal(200) / ExactDecimal(3)))
        // Averaging the period percentages (0, 66.7, 0) would give 22.2: the roll-up is recomputed.
        let sex = i.breakdown("sex")
        #expect(sex.cellValues == ["F=0", "M=100", "∅=100"])
        #expect(sex.overlap == nil)  // summing percentages means nothing
    }

    @Test("Rule 4: no data is not zero")
    func noDataIsNotZero() throws {
        let f = try fixture("""
              - {id: COUNT, title: Count, value: count(where service == "nothing")}
              - {id: AVG, title: Average, value: avg(hours where service == "nothing")}
              - id: RATIO
                title: Ratio
                value: ratio(count(), count(where service == "nothing"))
              - {id: LATE, title: Late, value: count()}
        """, csv: """
        id,date,person,sex,district,service,age,disability,hours
        1,2021-05-10,P1,F,Füzuli,legal,30,no,1

        """)
        let r = f.run(asOf: "2021-09-30")
        // Q1 is before the first record: n/a. After data exists, a count over no records is 0.
        #expect(r.indicator("COUNT").periodValues == ["n/a", "0", "0"])
        #expect(r.indicator("COUNT").currentText == "0")
        #expect(r.indicator("AVG").currentText == "n/a")
        #expect(r.indicator("RATIO").currentText == "n/a")  // zero denominator: never 0, never a crash
        #expect(r.indicator("LATE").periodValues == ["n/a", "1", "0"])
    }

    @Test("Rule 4: an indicator whose source has no records has no data")
    func emptySource() throws {
        let f = try fixture("      - {id: I, title: Count, value: count(), target: 10}\n",
                            csv: "id,date,person,sex,district,service,age,disability,hours\n")
        let i = f.run(asOf: "2021-09-30").indicator("I")
        #expect(i.periodValues == ["n/a", "n/a", "n/a"])
        #expect(i.currentText == "n/a")
        #expect(f.status("I", asOf: "2021-09-30") == .noData)
    }

    @Test("Rule 5: every category appears, missing values in 'not recorded', cells add up")
    func breakdownsAccountForEveryone() throws {
        let f = try fixture("""
              - id: I
                title: Services
                value: count()
                by: [sex, district, age, child]
        """)
        let i = f.run(asOf: "2021-09-30").indicator("I")
        #expect(i.breakdown("sex").cellValues == ["F=4", "M=1", "∅=1"])
        // Declared districts in `in:` order; Ağcabədi has no rows within the as-of date: 0, not missing.
        #expect(i.breakdown("district").cellValues == ["Füzuli=4", "Ağcabədi=0", "Tərtər=2", "∅=0"])
        #expect(i.breakdown("age").cellValues == ["<18=1", "18-59=4", "60+=1", "∅=0"])
        #expect(i.breakdown("child").cellValues == ["true=1", "false=5", "∅=0"])
        let children = try fixture("""
              - {id: C, title: Children, value: count(where age < 18), by: [child]}
        """).run(asOf: "2021-09-30").indicator("C")
        // No adult record matches, but a condition's "false" category is declared all the same.
        #expect(children.breakdown("child").cellValues == ["true=1", "false=0", "∅=0"])
        for breakdown in i.breakdowns {
            #expect(breakdown.overlap == .zero, "records fall in exactly one cell of \(breakdown.dimensions)")
        }
        #expect(i.breakdown("sex").cells.map { $0.label[0].label.text() } == ["Female", "Male", "not recorded"])
        #expect(i.breakdown("sex").cells.map { $0.periods.map { $0.value?.description ?? "n/a" } }
                == [["2", "1", "1"], ["0", "1", "0"], ["0", "1", "0"]])
    }

    @Test("Rule 5: a person in several cells is shown as overlap, not hidden")
    func overlap() throws {
        let f = try fixture("""
              - id: I
                title: People
                value: distinct(person)
                by: [district, [sex, district]]
        """)
        let i = f.run(asOf: "2021-09-30").indicator("I")
        // P1 was served in Füzuli and in Tərtər: counted in both cells, once in the total.
        #expect(i.currentText == "3")
        #expect(i.breakdown("district").cellValues == ["Füzuli=2", "Ağcabədi=0", "Tərtər=2", "∅=0"])
        #expect(i.breakdown("district").overlap == ExactDecimal(1))
        let cross = i.breakdown("sex", "district")
        #expect(cross.cells.count == 3 * 4)
        #expect(cross.overlap == ExactDecimal(1))
        #expect(cross.cellValues.contains("F/Tərtər=1"))
        #expect(cross.cellValues.contains("∅/Füzuli=1"))
    }

    @Test("Rule 5: no overlap figure where a sum of cells means nothing")
    func overlapOnlyWhenAdditive() throws {
        let f = try fixture("""
              - {id: AVG, title: Average, value: avg(hours), by: [sex]}
              - {id: MAX, title: Largest, value: max(hours), by: [sex]}
              - {id: SUM, title: Hours, value: sum(hours), by: [sex]}
        """)
        let r = f.run(asOf: "2021-09-30")
        #expect(r.indicator("AVG").breakdown("sex").overlap == nil)
        #expect(r.indicator("MAX").breakdown("sex").overlap == nil)
        #expect(r.indicator("MAX").breakdown("sex").cellValues == ["F=2.2", "M=0.7", "∅=3"])
        #expect(r.indicator("SUM").breakdown("sex").overlap == .zero)
    }

    @Test("Rule 6: every row is accounted for")
    func reconciliation() throws {
        let f = try fixture("      - {id: I, title: Legal, value: count(where service == \"legal\")}\n", csv: rows + """
        8,2021-03-01,P9,X,Füzuli,legal,30,no,1
        9,2022-03-01,P9,F,Füzuli,legal,30,no,1
        1,2021-03-01,P9,F,Füzuli,legal,30,no,1
        10,2021-03-01,P9,F,Füzuli,legal,abc,no,1

        """)
        let r = f.run(asOf: "2021-09-30")
        let source = try #require(r.sources.first)
        #expect(source.rowsRead == 11)
        #expect(source.rowsRejected == 4)  // bad sex, outside programme, duplicate id, bad age
        #expect(source.rowsUsed == 7)
        #expect(source.rowsRead == source.rowsUsed + source.rowsRejected)
        #expect(source.rowsAfterAsOf == 1)
        #expect(r.indicator("I").rowsMatched.map(\.rows) == [4])
        #expect(r.log.errorCount == 4)
    }

    @Test("Rule 7: exact sums, rounding only at display")
    func exactSums() throws {
        let f = try fixture("""
              - {id: H, title: Hours, value: sum(hours), decimals: 1}
              - {id: A, title: Average hours, value: avg(hours)}
        """)
        let r = f.run(asOf: "2021-09-30")
        // 1.10 + 2.20 + 0.70 + 3 + 0.10 = 7.1 exactly (binary floating point gives 7.1000000000000005).
        #expect(r.indicator("H").currentText == "7.1")
        #expect(r.indicator("H").periodValues == ["3.3", "3.7", "0.1"])
        #expect(r.indicator("A").currentText == "1.42")  // 7.1 / 5 non-null inputs
        let md = MarkdownRenderer.render(ReportStyles.build(style: "iptt", input: ReportInput(definitions: f.definitions, result: r, language: "en")))
        #expect(md.contains("| 7.1 |"))  // decimals: 1 at display, the exact sum underneath
    }
}
