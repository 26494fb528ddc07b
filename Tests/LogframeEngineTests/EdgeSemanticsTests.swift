import Foundation
import Testing
import LogframeCore
import LogframeDefinitions
@testable import LogframeEngine
import LogframeReport

// Issue 18 (undeclared categories, overlap of n/a cells, the counting unit of `$ID`) and issue 11
// item 3 (a sum, average, minimum or maximum of no value is n/a), checked against answers worked
// out by hand.

/// The reproducer of issue 18, with more aggregate kinds over the same filter.
/// Rows: A 2022-01-05 F legal n=2; B 2022-01-06 M other n=5; C 2022-02-01 X other (no n).
/// Only row A passes `svc == "legal"`, so the only category found among passing rows is F.
let reproducer = """
logframe: 1
programme: {id: T, title: T, donor: EU, start: 2022-01-01, end: 2022-12-31, periods: quarterly}
sources:
  s:
    path: s.csv
    date: date
    fields: {id: text, date: date, sex: text, svc: text, n: number}
  t:
    path: t.csv
    date: date
    fields: {id: text, date: date, sex: text, svc: text, n: number}
dimensions:
  sex: {field: sex}
results:
  - id: R
    level: output
    title: R
    indicators:
      - {id: D, title: D, source: s, value: 'distinct(id where svc == "legal")', by: sex}
      - {id: C, title: C, source: s, value: 'count(where svc == "legal")', by: sex}
      - {id: S, title: S, source: s, value: 'sum(n where svc == "legal")', by: sex}
      - {id: A, title: A, source: s, value: 'avg(n where svc == "legal")', by: sex}
      - {id: MN, title: MN, source: s, value: 'min(n where svc == "legal")', by: sex}
      - {id: MX, title: MX, source: s, value: 'max(n where svc == "legal")', by: sex}
      - {id: DU, title: DU, source: [s, t], value: 'distinct(id where svc == "legal")', by: sex}
      - {id: P, title: P, reported: {"2022-Q1": 5}}
      - {id: Q, title: Q, value: '$P + $C', by: sex}
      - {id: U, title: U, value: '$D'}
      - {id: V, title: V, value: '$U'}
      - {id: W, title: W, value: '$P'}
      - {id: X, title: X, value: '$D + $C'}
      - {id: PC, title: PC, source: s, value: 'percent(count(where svc == "legal"), count())'}
      - {id: Y, title: Y, value: '$PC'}
"""

let reproducerRows = "id,date,sex,svc,n\nA,2022-01-05,F,legal,2\nB,2022-01-06,M,other,5\nC,2022-02-01,X,other,\n"

/// Three ways through the pass: fine groups, row by row, and a CSV file split between two threads.
let pathOptions: [(String, EngineOptions)] = [
    ("fine groups", EngineOptions(parallelMinimumBytes: nil)),
    ("row by row", EngineOptions(rowByRowCells: true, parallelMinimumBytes: nil)),
    ("split", EngineOptions(parallelMinimumBytes: 1)),
]

@Suite("Edge semantics (issues 18 and 11)")
struct EdgeSemanticsTests {
    static let kinds = ["D", "C", "S", "A", "MN", "MX", "DU"]

    @Test("Undeclared categories are those of rows that passed the filter, for every aggregate kind and path")
    func categoriesOfPassingRows() throws {
        let f = try Fixture(reproducer, files: ["s.csv": reproducerRows, "t.csv": "id,date,sex,svc,n\n"])
        for (name, options) in pathOptions.prefix(2) {
            let r = f.run(asOf: "2022-12-31", options: options)
            for id in Self.kinds {
                let cells = r.indicator(id).breakdown("sex").cells.map { $0.key[0].category ?? "∅" }
                #expect(cells == ["F", "∅"], "\(id) on the \(name) path")
            }
            #expect(r.indicator("D").breakdown("sex").cellValues == ["F=1", "∅=0"])
            #expect(r.indicator("S").breakdown("sex").cellValues == ["F=2", "∅=n/a"])
        }
    }

    /// A file large enough to be split: rows that pass the filter carry F and M; rejected rows
    /// also carry X (only in the first half of the file) and Z (only in the second half, so only
    /// the second thread sees it). Neither may appear in any breakdown.
    static func splitLog() -> String {
        var text = "id,date,sex,svc,n\n"
        for i in 1...4000 {
            let month = String(format: "%02d", 1 + i % 12)
            if i % 3 == 0 {
                text += "R\(i % 700),2022-\(month)-10,\(i < 2000 ? "X" : "Z"),other,\(i % 7)\n"
            } else {
                text += "P\(i % 500),2022-\(month)-11,\(["F", "M", ""][(i / 3) % 3]),legal,\(i % 5 == 0 ? "" : "\(i % 9)")\n"
            }
        }
        return text
    }

    @Test("The categories rule holds on the fine-group, row-by-row and split paths, with the same figures")
    func categoriesOnEveryPath() throws {
        let log = Self.splitLog()
        let f = try Fixture(reproducer, files: ["s.csv": log, "t.csv": "id,date,sex,svc,n\nT1,2022-03-01,Y,other,1\nT2,2022-03-01,F,legal,1\n"])
        var reports: [String] = []
        for (name, options) in pathOptions {
            let r = f.run(asOf: "2022-12-31", options: options)
            if name == "split" { #expect(r.rowsReadOnSecondThread > 0) }
            for id in Self.kinds {
                let cells = r.indicator(id).breakdown("sex").cells.map { $0.key[0].category ?? "∅" }
                #expect(cells == ["F", "M", "∅"], "\(id) on the \(name) path")
            }
            reports.append(JSONReport.build(definitions: f.definitions, result: r).serialized())
        }
        #expect(reports[0] == reports[1], "fine groups = row by row")
        #expect(reports[0] == reports[2], "one thread = split")
    }

    @Test("An overlap exists only when every cell has a value")
    func overlapOfNullCells() throws {
        let f = try Fixture(reproducer, files: ["s.csv": reproducerRows, "t.csv": "id,date,sex,svc,n\n"])
        let r = f.run(asOf: "2022-12-31")
        let q = r.indicator("Q")
        // P has no breakdown, so every cell of $P + $C is n/a; the total is 5 + 1.
        #expect(q.currentText == "6")
        #expect(q.breakdown("sex").cellValues == ["F=n/a", "∅=n/a"])
        #expect(q.breakdown("sex").overlap == nil)
        // A sum whose "not recorded" cell has no value has no sum of cells either.
        #expect(r.indicator("S").breakdown("sex").overlap == nil)
        // Counts and distinct counts of no record are 0, so their cells always add up.
        #expect(r.indicator("C").breakdown("sex").overlap == .zero)
        #expect(r.indicator("D").breakdown("sex").overlap == .zero)
        // No style prints an overlap line for Q (it printed "-6 counted in more than one cell").
        for style in ReportStyles.all {
            let markdown = MarkdownRenderer.render(ReportStyles.build(style: style, input: ReportInput(definitions: f.definitions, result: r, language: "en")))
            #expect(!markdown.contains("counted in more than one cell"), "\(style)")
        }
    }

    @Test("A bare $ID has the referenced indicator's counting unit; arithmetic is derived")
    func countingUnitOfReferences() throws {
        let f = try Fixture(reproducer, files: ["s.csv": reproducerRows, "t.csv": "id,date,sex,svc,n\n"])
        let r = f.run(asOf: "2022-12-31")
        #expect(r.indicator("U").countingUnit == "distinct")
        #expect(r.indicator("V").countingUnit == "distinct")  // $U, where U = $D
        #expect(r.indicator("W").countingUnit == "reported")
        #expect(r.indicator("Y").countingUnit == "percent")
        #expect(r.indicator("X").countingUnit == "derived")
        #expect(r.indicator("Q").countingUnit == "derived")
        // A reference to a reported indicator has its entered values (it has no records to wait for).
        #expect(r.indicator("W").currentText == "5")
        #expect(r.indicator("W").periodValues == ["5", "n/a", "n/a", "n/a"])
        #expect(r.indicator("W").cumulativeValues == ["5", "5", "5", "5"])
        #expect(f.status("W", asOf: "2022-12-31") == f.status("P", asOf: "2022-12-31"))
    }

    // MARK: - No data is not zero (issue 11 item 3)

    @Test("sum, avg, min and max of no value are n/a in every cell, period, cumulative and total; counts stay 0")
    func noValueIsNotZero() throws {
        // Rows: 1 Q1 F legal hours empty; 2 Q2 M psych hours 2; 3 Q2 (no sex) legal hours empty.
        let f = try fixture("""
              - {id: S, title: S, value: sum(hours where service == "legal"), by: [sex], target: 10}
              - {id: A, title: A, value: avg(hours where service == "legal"), by: [sex]}
              - {id: MN, title: MN, value: min(hours where service == "legal")}
              - {id: MX, title: MX, value: max(hours where service == "legal")}
              - {id: H, title: H, value: sum(hours), by: [sex]}
              - {id: C, title: C, value: count(where service == "legal"), by: [sex]}
              - {id: N, title: N, value: distinct(person where service == "nothing"), by: [sex]}
              - {id: SC, title: SC, value: $S + $C, by: [sex]}
              - {id: PS, title: PS, value: "percent($S, $C)"}
              - {id: RS, title: RS, value: "ratio($C, $S)"}
              - {id: L, title: L, value: sum(hours where service == "legal"), cumulative: false}
        """, csv: """
        id,date,person,sex,district,service,age,disability,hours
        1,2021-02-01,P1,F,Füzuli,legal,30,no,
        2,2021-05-01,P2,M,Füzuli,psych,30,no,2
        3,2021-05-02,P3,,Füzuli,legal,30,no,

        """)
        let r = f.run(asOf: "2021-09-30")
        for id in ["S", "A", "MN", "MX", "L"] {
            let i = r.indicator(id)
            #expect(i.periodValues == ["n/a", "n/a", "n/a"], "\(id)")
            #expect(i.cumulativeValues == ["n/a", "n/a", "n/a"], "\(id)")
            #expect(i.currentText == "n/a", "\(id)")
        }
        #expect(r.indicator("S").breakdown("sex").cellValues == ["F=n/a", "M=n/a", "∅=n/a"])
        #expect(r.indicator("S").breakdown("sex").cells.allSatisfy { $0.periods.allSatisfy { $0.value == nil } })
        #expect(f.status("S", asOf: "2021-09-30") == .noData)
        #expect(r.indicator("S").progress == nil)
        // Only M has hours: F and "not recorded" have none, so n/a, and there is no overlap.
        let h = r.indicator("H")
        #expect(h.currentText == "2")
        #expect(h.periodValues == ["n/a", "2", "n/a"])
        #expect(h.cumulativeValues == ["n/a", "2", "2"])
        #expect(h.breakdown("sex").cellValues == ["F=n/a", "M=2", "∅=n/a"])
        #expect(h.breakdown("sex").overlap == nil)
        // A count over no records stays 0, and so does a distinct count over nothing.
        #expect(r.indicator("C").periodValues == ["1", "1", "0"])
        #expect(r.indicator("C").breakdown("sex").cellValues == ["F=1", "M=0", "∅=1"])
        #expect(r.indicator("N").currentText == "0")
        #expect(r.indicator("N").breakdown("sex").cellValues == ["F=0", "M=0", "∅=0"])
        // Arithmetic with n/a is n/a; so is a percentage or ratio with an n/a part.
        #expect(r.indicator("SC").currentText == "n/a")
        #expect(r.indicator("SC").breakdown("sex").cellValues == ["F=n/a", "M=n/a", "∅=n/a"])
        #expect(r.indicator("SC").breakdown("sex").overlap == nil)
        #expect(r.indicator("PS").currentText == "n/a")
        #expect(r.indicator("PS").current.numerator == nil)
        #expect(r.indicator("PS").current.denominator == ExactDecimal(2))
        #expect(r.indicator("RS").currentText == "n/a")
        // The JSON report writes null, never 0.
        let json = JSONReport.build(definitions: f.definitions, result: r).serialized()
        let s = try #require(json.range(of: "\"id\": \"S\"")).upperBound
        let sText = json[s...].prefix(600)
        #expect(sText.contains("\"current\": null"), "\(sText)")
    }

    // MARK: - No negative overlap, ever

    /// Every breakdown of an indicator with an overlap figure: the figure is null or at least 0.
    static func checkOverlaps(_ result: EngineResult, _ what: String) -> Int {
        var checked = 0
        for indicator in result.indicators {
            for breakdown in indicator.breakdowns {
                if let overlap = breakdown.overlap {
                    checked += 1
                    #expect(overlap >= .zero, "\(what): \(indicator.id) by \(breakdown.dimensions) overlap \(overlap)")
                    #expect(breakdown.cells.allSatisfy { $0.value.value != nil }, "\(what): \(indicator.id)")
                }
            }
        }
        return checked
    }

    @Test("No negative overlap in the samples")
    func samplesHaveNoNegativeOverlap() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("indicators")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(files.count >= 5)
        var checked = 0
        for file in files {
            let (definitions, diagnostics) = DefinitionsLoader.load(path: folder.appendingPathComponent(file).path)
            let loaded = try #require(definitions, "\(file): \(diagnostics.map(\.message))")
            for asOf in [loaded.programme.start, loaded.programme.end] {
                checked += Self.checkOverlaps(Engine.run(definitions: loaded, asOf: asOf), "\(file) as of \(asOf)")
            }
        }
        #expect(checked > 10)
    }

    @Test("No negative overlap in generated programmes, including differences of distinct counts")
    func generatedHaveNoNegativeOverlap() throws {
        let indicators = PassPathTests.indicators + """

              - {id: DD, title: Difference, value: $P - $L2, by: [sex, district]}
              - {id: L2, title: Legal people, value: distinct(person where service == "legal"), by: [sex, district]}
              - {id: NEG, title: Negated, value: -$P, by: [sex]}
              - {id: K, title: Constant, value: $C - 1000, by: [sex]}
              - {id: SUMS, title: Sum, value: $P + $L2 + $H, by: [sex, district, [sex, district]]}
        """
        var checked = 0
        for rising in [true, false] {
            let f = try fixture(indicators, csv: PassPathTests.generatedLog(rows: 3000, rising: rising))
            for asOf in ["2021-02-01", "2021-05-01", "2021-12-31"] {
                let r = f.run(asOf: asOf)
                checked += Self.checkOverlaps(r, "generated, as of \(asOf)")
                // A difference of distinct counts would have a negative "overlap": it has none.
                for id in ["DD", "NEG", "K", "D"] {
                    #expect(r.indicator(id).breakdowns.allSatisfy { $0.overlap == nil }, "\(id)")
                }
                #expect(r.indicator("SUMS").breakdown("district").overlap != nil || asOf == "2021-02-01")
            }
        }
        #expect(checked > 20)
    }
}
