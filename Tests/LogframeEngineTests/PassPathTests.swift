import Foundation
import Testing
import LogframeCore
@testable import LogframeEngine
import LogframeReport

/// The pass has two ways of filling breakdown cells: through fine groups (the fast path) and
/// row by row (the general path, for more than four dimensions or 63 periods). Every figure must
/// be the same either way.
@Suite("Pass paths")
struct PassPathTests {
    static let indicators = """
          - {id: C, title: Records, value: count(), by: [sex, district, age, child, [sex, age]]}
          - {id: P, title: People, value: distinct(person), by: [sex, district, age, child, [sex, district]]}
          - {id: T, title: Pairs, value: "distinct(person, service)", by: [district]}
          - {id: H, title: Hours, value: sum(hours where service != "psych"), by: [sex, [sex, age]]}
          - {id: A, title: Average, value: avg(hours), by: [district]}
          - {id: MN, title: Least, value: min(hours), by: [sex]}
          - {id: MX, title: Most, value: max(age), by: [district, child]}
          - id: PCT
            title: Share with a disability
            value: percent(distinct(person where disability), distinct(person))
            by: [sex, district]
          - {id: L, title: Level, value: count(where service == "legal"), cumulative: false, by: [sex]}
          - {id: D, title: Derived, value: $C - $L, by: [sex]}
    """

    static let log = rows + """
    8,2021-03-03,P2,M,Füzuli,legal,17,yes,1.255
    9,2021-08-09,P2,M,Ağcabədi,psych,18,yes,2
    10,2021-12-01,P5,,,legal,,,

    """

    @Test("Fine groups and row-by-row cells give byte-identical reports", arguments: ["quarterly", "monthly", "years"])
    func samePaths(periods: String) throws {
        let f = try fixture(Self.indicators, periods: periods, csv: Self.log)
        for asOf in ["2021-05-01", "2021-12-31"] {
            let fast = Engine.run(definitions: f.definitions, asOf: CivilDate(iso: asOf)!)
            let general = Engine.run(definitions: f.definitions, asOf: CivilDate(iso: asOf)!, options: EngineOptions(rowByRowCells: true))
            let a = JSONReport.build(definitions: f.definitions, result: fast).serialized()
            let b = JSONReport.build(definitions: f.definitions, result: general).serialized()
            #expect(a == b, "periods \(periods), as of \(asOf)")
            #expect(fast.indicator("P").currentText != "n/a")
        }
    }

    /// A seeded log of about 3,000 records: people recur in other districts, ages and quarters;
    /// hours have more decimals later in the file (`rising`) or earlier (so the two threads'
    /// sums have different scales, either way round); a few
    /// rows are rejected (bad dates, unknown districts, duplicate ids).
    static func generatedLog(rows: Int, rising: Bool) -> String {
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let districts = ["Füzuli", "Ağcabədi", "Tərtər", "Tərtər", ""]
        var text = "id,date,person,sex,district,service,age,disability,hours\n"
        for i in 1...rows {
            let id = i % 877 == 0 ? i - 100 : i
            let date = i % 1013 == 0 ? "2021-02-30" : String(format: "2021-%02d-%02d", 1 + next(12), 1 + next(28))
            let district = i % 1300 == 0 ? "Bakı" : districts[next(5)]
            let hours = ["", "\(next(9))", "\(next(9)).\(next(10))", "\(next(9)).\(next(100))", "\(next(9)).\(next(1000))"][next((i < rows / 2) == rising ? 3 : 5)]
            text += "\(id),\(date),P\(next(400)),\(["F", "M", ""][next(3)]),\(district),\(["legal", "psych", "business"][next(3)]),"
            text += "\(next(80)),\(["yes", "no", ""][next(3)]),\(hours)\n"
        }
        return text
    }

    @Test("A CSV file read on two threads gives the report of one thread", arguments: [1, 20_000, 60_000], [true, false])
    func splitFiles(minimum: Int, rising: Bool) throws {
        let f = try fixture(Self.indicators, periods: "quarterly", csv: Self.generatedLog(rows: 3000, rising: rising))
        for asOf in ["2021-05-01", "2021-12-31"] {
            let date = CivilDate(iso: asOf)!
            let one = Engine.run(definitions: f.definitions, asOf: date, options: EngineOptions(parallelMinimumBytes: nil))
            let two = Engine.run(definitions: f.definitions, asOf: date, options: EngineOptions(parallelMinimumBytes: minimum))
            let general = Engine.run(definitions: f.definitions, asOf: date, options: EngineOptions(rowByRowCells: true, parallelMinimumBytes: nil))
            let a = JSONReport.build(definitions: f.definitions, result: one).serialized()
            let b = JSONReport.build(definitions: f.definitions, result: two).serialized()
            let c = JSONReport.build(definitions: f.definitions, result: general).serialized()
            #expect(a == b, "split at \(minimum) bytes, as of \(asOf)")
            // The split really happened: rows were read, and adopted, on the second thread.
            #expect(two.rowsReadOnSecondThread > 0 && one.rowsReadOnSecondThread == 0)
            #expect(a == c, "row by row, as of \(asOf)")
            #expect(one.log.errorCount > 0)
            #expect(one.indicator("P").currentText != "n/a")
        }
    }

    /// A source whose every person is new (the second thread's people all added to the first
    /// thread's table at the merge), and a second source read after it, whose tuple ids start
    /// far from 0.
    @Test("Split reads with many new people, and a later source, equal one thread")
    func manyPeopleAndLaterSource() throws {
        var log = "id,date,person,sex,district,service,age,disability,hours\n"
        for i in 1...6000 { log += "\(i),2021-\(String(format: "%02d", 1 + i % 12))-05,N\(i),\(i % 3 == 0 ? "F" : "M"),Füzuli,legal,\(i % 70),no,1\n" }
        let extra = """
          visits:
            path: visits.csv
            date: date
            fields: {date: date, person: text, service: text}
        """
        let yaml = programme(extraSources: extra, dimensions: dimensions, indicators: """
              - {id: N, title: New people, value: distinct(person), by: [sex], source: services}
              - {id: V, title: Visitors, value: distinct(person where service == "legal"), source: visits}
        """)
        let f = try Fixture(yaml, files: ["services.csv": log, "visits.csv": "date,person,service\n2021-03-01,N5,legal\n2021-04-01,X1,legal\n2021-04-02,X1,psych\n"])
        let date = CivilDate(iso: "2021-12-31")!
        let one = Engine.run(definitions: f.definitions, asOf: date, options: EngineOptions(parallelMinimumBytes: nil))
        let two = Engine.run(definitions: f.definitions, asOf: date, options: EngineOptions(parallelMinimumBytes: 1000))
        #expect(JSONReport.build(definitions: f.definitions, result: one).serialized()
                == JSONReport.build(definitions: f.definitions, result: two).serialized())
        #expect(two.rowsReadOnSecondThread > 1000)
        #expect(one.indicator("N").currentText == "6000")
        #expect(one.indicator("V").currentText == "2")
    }
}
