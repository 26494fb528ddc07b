import Foundation
import Testing
import LogframeCore
import LogframeEngine
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
}
