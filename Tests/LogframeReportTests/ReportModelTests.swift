import Foundation
import Testing
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport

/// The report model and its serialisation, the JSON report: golden files that cover the
/// contract in docs/json-report.md, and the verdicts the model carries.
/// Re-record with `LOGFRAME_RECORD=1 swift test --filter ReportModelTests`, then read the diff.
@Suite("Report model and JSON report")
struct ReportModelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let golden = root.appendingPathComponent("Golden")
    static let contract = root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/json-report.md")

    /// Mid-programme (statuses against the expected value) and after the end.
    static let dates = ["2021-09-30", "2023-03-31"]

    /// The sample with a currency and a budget, so that every key of the contract is written.
    static func fixture() throws -> Fixture {
        let yaml = Sample.definitions.replacingOccurrences(of: "  periods: quarterly\n",
                                                           with: "  periods: quarterly\n  currency: EUR\n  budget: {total: 250000, donor: 200000}\n")
        return try Fixture(yaml, files: ["services.csv": Sample.services])
    }

    static func json(asOf: String) throws -> String {
        let input = try fixture().input(asOf: asOf)
        return JSONReport.build(ReportModel(input)).serialized()
    }

    @Test("JSON golden", arguments: dates)
    func jsonGolden(_ asOf: String) throws {
        let text = try Self.json(asOf: asOf)
        let url = Self.golden.appendingPathComponent("report.\(asOf).json")
        if ProcessInfo.processInfo.environment["LOGFRAME_RECORD"] == "1" {
            try Data(text.utf8).write(to: url)
            return
        }
        #expect(text == (try String(contentsOf: url, encoding: .utf8)), "report.\(asOf).json differs; re-record with LOGFRAME_RECORD=1 and read the diff")
    }

    /// The serialisation from the model is the one the CLI writes (`JSONReport.build(definitions:result:)`).
    @Test("One serialisation")
    func oneSerialisation() throws {
        let input = try Self.fixture().input(asOf: "2021-09-30")
        #expect(JSONReport.build(definitions: input.definitions, result: input.result).serialized()
                == JSONReport.build(ReportModel(input)).serialized())
    }

    /// Every key documented in docs/json-report.md appears in the golden files, and every key
    /// the golden files write is documented: the goldens cover the contract.
    @Test("The goldens cover the documented contract")
    func contractCovered() throws {
        let doc = try String(contentsOf: Self.contract, encoding: .utf8)
        var documented = Set<String>()
        var inTable = false
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## Status values") || line.hasPrefix("## Determinism") { inTable = false; continue }
            if line.hasPrefix("#") { inTable = true; continue }
            guard inTable, line.hasPrefix("| `") else { continue }
            let key = line.dropFirst(3).prefix { $0 != "`" }
            if key.allSatisfy({ $0.isLetter || $0.isNumber }) { documented.insert(String(key)) }
            // Inline shapes in the descriptions: `{path, sha256}`, `{value, date}`.
            for shape in line.split(separator: "{").dropFirst() {
                guard let close = shape.firstIndex(of: "}") else { continue }
                let parts = shape[..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) { documented.formUnion(parts) }
            }
        }
        // The counting-unit table lists values, not keys.
        documented.subtract(["records", "distinct", "sum", "percent", "derived", "reported"])
        var written = Set<String>()
        for asOf in Self.dates {
            let text = try Self.json(asOf: asOf)
            var rest = Substring(text)
            while let r = rest.range(of: "\": ") {
                let before = rest[..<r.lowerBound]
                if let q = before.lastIndex(of: "\"") { written.insert(String(before[before.index(after: q)...])) }
                rest = rest[r.upperBound...]
            }
        }
        // Object keys that are data, not contract keys: source ids, dimension ids.
        written.subtract(["services", "sex", "child", "disability"])
        #expect(documented.subtracting(written).sorted() == [], "documented keys missing from the JSON goldens")
        #expect(written.subtracting(documented).sorted() == [], "keys the JSON report writes that docs/json-report.md does not list")
    }

    @Test("The model carries each indicator's verdicts, decided once")
    func verdicts() throws {
        let model = ReportModel(try Sample.fixture().input(asOf: "2021-09-30"))
        #expect(model.indicators.map(\.id) == ["OC1.1", "OC1.2", "OP1.1", "OP1.2", "OP1.3", "A1.1"])
        let op11 = try #require(model.indicator("OP1.1"))
        // The 2021 milestone (10) is not due by 2021-09-30: the next one is the reference.
        #expect(op11.verdict.milestone?.label == "2021")
        #expect(op11.verdict.milestoneIsNext)
        #expect(op11.verdict.schedule.map(\.final) == [false, true])
        #expect(op11.verdict.progress == op11.figures.progress)
        // Change since the previous period: the last two cumulative values.
        let periods = op11.figures.periods
        let last = try #require(periods.last?.cumulative.value), before = try #require(periods.dropLast().last?.cumulative.value)
        #expect(op11.verdict.change == last - before)
        // A level without a target: nothing to judge.
        let op13 = try #require(model.indicator("OP1.3"))
        #expect(op13.verdict.percentOfTarget == nil && op13.verdict.light == .grey && op13.verdict.status == .noTarget)
    }
}
