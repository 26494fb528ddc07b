import Foundation
import Testing
import LogframeCore
import LogframeData
@testable import LogframeEngine

/// The executor has three ways to fill `CellTotals`: fine groups projected into the cells after
/// the pass, every cell updated row by row, and a CSV file split between two threads whose fine
/// groups are merged. They must hand the figures exactly the same totals: the same cells, and
/// in each the same matched rows, inputs, exact sums, extremes and distinct summaries per
/// bucket. Compared before any figure is computed, so a difference cannot hide behind a
/// figure that happens not to read it.
@Suite("CellTotals: fine groups, row by row and split agree")
struct CellTotalsDifferentialTests {
    /// Every kind of aggregate, with filters, bands, an expression dimension, cross-tabs of two
    /// and three dimensions, unions of two sources, an undated source, and `$ID` references
    /// (to a single-source and to a union indicator, and through two levels).
    static let indicators = """
          - {id: C, title: Records, value: count(), source: services, by: [sex, district, age, child, [sex, age], [sex, district, child]]}
          - {id: P, title: People, value: distinct(person), source: services, by: [sex, district, age, child, [sex, district]]}
          - {id: PF, title: People with a disability, value: distinct(person where disability), source: services, by: [district, [sex, age]]}
          - {id: PR, title: Older women, value: distinct(person where age > 75 and sex == "F"), source: services, by: [district, [sex, age]]}
          - {id: T, title: Pairs, value: "distinct(person, service)", source: services, by: [district]}
          - {id: H, title: Hours, value: sum(hours where service != "psych"), source: services, by: [sex, [sex, age]]}
          - {id: A, title: Average, value: avg(hours), source: services, by: [district]}
          - {id: MN, title: Least, value: min(hours), source: services, by: [sex]}
          - {id: MX, title: Most, value: max(age), source: services, by: [district, child]}
          - id: PCT
            title: Share with a disability
            value: percent(distinct(person where disability), distinct(person))
            source: services
            by: [sex, district]
          - {id: L, title: Level, value: count(where service == "legal"), cumulative: false, source: services, by: [sex]}
          - {id: D, title: Derived, value: $C - $L, by: [sex]}
          - {id: U, title: Reached, value: distinct(person), source: [services, outreach], by: [sex, district, [sex, child]]}
          - {id: UH, title: Hours reached, value: sum(hours), source: [services, outreach], by: [sex]}
          - {id: UM, title: Oldest reached, value: max(age where sex == "F"), source: [services, outreach], by: [district]}
          - {id: DU, title: Reached beyond services, value: $U - $P, by: [sex, district]}
          - {id: DD, title: Two levels, value: "ratio($DU, $C)", by: [sex]}
          - {id: R, title: Referrals, value: count(), source: referrals, by: [district]}
          - {id: RP, title: People referred, value: distinct(person), source: [referrals, services], by: [sex]}
    """

    static let sources = """
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
      referrals:
        path: referrals.csv
        fields:
          person: text
          sex: {type: text, in: [F, M]}
          district: text
    """

    /// A seeded outreach log: some of the services' people again, some new, in other districts.
    static func outreachLog(rows: Int) -> String {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var text = "id,date,person,sex,district,service,age,disability,hours\n"
        for i in 1...rows {
            text += "o\(i),2021-\(String(format: "%02d", 1 + next(12)))-\(String(format: "%02d", 1 + next(28))),P\(next(600)),"
            text += "\(["F", "M", ""][next(3)]),\(["Füzuli", "Tərtər", "Xocavənd", ""][next(4)]),outreach,\(next(90)),"
            text += "\(["yes", "no"][next(2)]),\(["", "1", "0.25", "2.125"][next(4)])\n"
        }
        return text
    }

    static let referrals = "person,sex,district\nP1,F,Füzuli\nP7,M,Tərtər\nP9,,\nP450,F,Xocavənd\n"

    /// The three sources' logs under definitions with `indicators`.
    static func fixture(periods: String = "quarterly", indicators: String = CellTotalsDifferentialTests.indicators) throws -> Fixture {
        let yaml = programme(periods: periods, extraSources: sources, dimensions: dimensions, indicators: indicators)
        return try Fixture(yaml, files: ["services.csv": PassPathTests.generatedLog(rows: 3000, rising: true),
                                         "outreach.csv": outreachLog(rows: 1500),
                                         "referrals.csv": referrals])
    }

    /// Expects `others` to hold the same sources' figures and cells as `reference`.
    static func expectSame(_ others: [(String, CellTotals)], as reference: (cells: [String: CellTotal], sources: [String]),
                           _ plan: CountingPlan) {
        for (name, other) in others {
            let described = described(other, plan)
            #expect(described.sources == reference.sources, "\(name)")
            #expect(Set(described.cells.keys) == Set(reference.cells.keys), "\(name): cells \(Set(described.cells.keys).symmetricDifference(reference.cells.keys).sorted().prefix(8))")
            for (cell, totals) in reference.cells where described.cells[cell] != nil {
                #expect(described.cells[cell] == totals, "\(name), cell \(cell)")
            }
        }
    }

    /// Totals by category keys (not numbers, which depend on the order categories were met):
    /// "aggregate/breakdown/key|key" -> the cell's totals; plus what the pass found per source.
    static func described(_ totals: CellTotals, _ plan: CountingPlan) -> (cells: [String: CellTotal], sources: [String]) {
        var cells: [String: CellTotal] = [:]
        for (a, aggregate) in plan.formulas.aggregates.enumerated() {
            for (b, dimensions) in aggregate.breakdowns.enumerated() {
                for (key, cell) in totals.cells[a][b] {
                    let names = dimensions.enumerated().map { position, dimension in
                        totals.categories[dimension].key(at: key.category(at: position, of: dimensions.count)) ?? "∅"
                    }
                    let name = "\(a)/\(b)/" + names.joined(separator: "|")
                    #expect(cells[name] == nil, "two cells named \(name)")
                    cells[name] = cell
                }
            }
        }
        var sources = totals.sources.map { "\($0.id): read \($0.rowsRead), used \($0.rowsUsed), rejected \($0.rowsRejected), after \($0.rowsAfterAsOf)" }
        sources.append("first buckets \(totals.firstBucket.sorted { $0.key < $1.key })")
        sources.append("undated \(totals.hasUndated.sorted { $0.key < $1.key })")
        sources.append("matched \(totals.rowsMatched.map { $0.sorted { $0.key < $1.key } })")
        sources.append("diagnostics \(totals.log.diagnostics.map { "\($0.code)@\($0.location?.line ?? 0)" })")
        return (cells, sources)
    }

    @Test("Same totals on every path", arguments: ["quarterly", "monthly"], ["2021-05-01", "2021-12-31"])
    func samePaths(periods: String, asOf: String) throws {
        let f = try Self.fixture(periods: periods)
        let plan = CountingPlan(definitions: f.definitions, asOf: CivilDate(iso: asOf)!)
        let fine = Engine.totals(plan, options: EngineOptions(parallelMinimumBytes: nil))
        let rowByRow = Engine.totals(plan, options: EngineOptions(rowByRowCells: true, parallelMinimumBytes: nil))
        let split = Engine.totals(plan, options: EngineOptions(parallelMinimumBytes: 1000))
        #expect(split.rowsReadOnSecondThread > 0 && fine.rowsReadOnSecondThread == 0, "the split path was taken")
        // The paths above leave the fields no figure reads undecoded (outreach's service); the
        // same with every field decoded.
        let everyField = Engine.totals(plan, options: EngineOptions(parallelMinimumBytes: nil, decodeEveryField: true))
        let splitEveryField = Engine.totals(plan, options: EngineOptions(parallelMinimumBytes: 1000, decodeEveryField: true))

        let reference = Self.described(rowByRow, plan)
        #expect(reference.cells.count > 100)
        #expect(reference.cells.values.contains { $0.distinct != nil && $0.distinct!.perBucket.reduce(0, +) > 0 })
        #expect(reference.cells.values.contains { $0.sumSignificands.contains { $0 != 0 } })
        #expect(reference.cells.values.contains { $0.extremes.contains { $0 != nil } })
        Self.expectSame([("fine groups", fine), ("split", split), ("every field decoded", everyField),
                         ("split, every field decoded", splitEveryField)], as: reference, plan)
    }

    /// Distinct counts of one plain text field look their people up in batches of a few
    /// hundred (`PendingTuples`); a source with a distinct count of two fields (`T` above)
    /// counts row by row. Without `T`, every source takes the batches, with flushes inside the
    /// file, at the split and at its end: the same totals on every path.
    @Test("Same totals with the people looked up in batches", arguments: ["2021-05-01", "2021-12-31"])
    func batchedLookups(asOf: String) throws {
        let indicators = Self.indicators.split(separator: "\n").filter { !$0.contains("id: T,") }.joined(separator: "\n")
        let f = try Self.fixture(periods: "monthly", indicators: indicators)
        let plan = CountingPlan(definitions: f.definitions, asOf: CivilDate(iso: asOf)!)
        let fine = Engine.totals(plan, options: EngineOptions(parallelMinimumBytes: nil))
        let rowByRow = Engine.totals(plan, options: EngineOptions(rowByRowCells: true, parallelMinimumBytes: nil))
        let split = Engine.totals(plan, options: EngineOptions(parallelMinimumBytes: 1000))
        #expect(split.rowsReadOnSecondThread > 0, "the split path was taken")
        // Every accepted row up to the as-of date with a person (of 3000 + 1500 rows).
        #expect(fine.tuplesLookedUpInBatches > 1000 && split.tuplesLookedUpInBatches == fine.tuplesLookedUpInBatches)
        #expect(rowByRow.tuplesLookedUpInBatches == 0)
        let reference = Self.described(rowByRow, plan)
        #expect(reference.cells.values.contains { $0.distinct != nil && $0.distinct!.perBucket.reduce(0, +) > 0 })
        Self.expectSame([("fine groups", fine), ("split", split)], as: reference, plan)
        // With the pairs, the services' people are counted row by row.
        let g = try Self.fixture(periods: "monthly")
        let withPairs = Engine.totals(CountingPlan(definitions: g.definitions, asOf: CivilDate(iso: asOf)!),
                                      options: EngineOptions(parallelMinimumBytes: nil))
        #expect(withPairs.tuplesLookedUpInBatches > 300 && withPairs.tuplesLookedUpInBatches < fine.tuplesLookedUpInBatches - 500)
    }

    /// `explain --rows` lists records with the plan's `admit` and `matches`: over every source
    /// they must find, per indicator, exactly the records the executor counted as matched.
    @Test("admit and matches find the records the executor matched", arguments: ["2021-05-01", "2021-12-31"])
    func admitAndMatches(asOf: String) throws {
        let f = try Self.fixture()
        let plan = CountingPlan(definitions: f.definitions, asOf: CivilDate(iso: asOf)!)
        let totals = Engine.totals(plan, options: EngineOptions())
        var checked = 0
        for (index, indicator) in f.definitions.indicators.enumerated() {
            for id in plan.sources(ofIndicator: index) {
                let source = try #require(plan.source(id))
                let owned = source.aggregates(ownedBy: index)
                var matched = 0
                _ = SourceReader(source: source.source, definitions: f.definitions).read { row, _ in
                    guard source.admit(row) != nil, owned.contains(where: { source.matches(row, aggregate: $0) }) else { return }
                    matched += 1
                }
                #expect(matched == totals.rowsMatched[index][id] ?? 0, "\(indicator.id) in \(id)")
                if matched > 0 { checked += 1 }
            }
        }
        #expect(checked > 20)
    }
}
