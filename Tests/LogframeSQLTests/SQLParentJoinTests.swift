import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeSQL
import Testing

/// Parent joins in `logframe sql` (SQLParentJoin.swift): the golden scripts (re-record with
/// `LOGFRAME_RECORD=1 swift test --filter SQLParentJoinTests` and read the diff), and what the
/// join compares. They run for real on DuckDB and PostgreSQL in Tests/engine/test_parent.py.
@Suite struct SQLParentJoinTests {
    @Test(arguments: SQLDialectName.allCases)
    func goldenScripts(_ dialect: SQLDialectName) throws {
        let out = try SQLScriptTests.script(SQLScriptTests.golden.appendingPathComponent("parent.yml").path, dialect)
        #expect(out.diagnostics.filter { $0.severity == .error }.isEmpty, "\(out.diagnostics)")
        let sql = try #require(out.sql)
        let file = SQLScriptTests.golden.appendingPathComponent("parent.\(dialect.rawValue).sql")
        if SQLScriptTests.record { try sql.write(to: file, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(sql == expected, "parent.\(dialect.rawValue).sql differs; re-record with LOGFRAME_RECORD=1 and read the diff")
    }

    /// A definitions file in a fresh folder (the compiler reads no data).
    static func compile(_ yaml: String, _ dialect: SQLDialectName = .duckdb) throws -> SQLScript.Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sqlparent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("defs.yml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try SQLScriptTests.script(path, dialect)
    }

    static func definitions(parentKey: String, childKey: String, parentFormat: String = "") -> String {
        """
        logframe: 1
        programme: {id: P, title: P, start: 2021-01-01, end: 2021-12-31, periods: quarterly}
        sources:
          units:
            path: units.\(parentFormat.isEmpty ? "csv" : "xml")
        \(parentFormat)
            key: code
            fields:
              code: {type: \(parentKey), required: true}
          items:
            path: items.csv
            parent: {source: units, key: unit}
            fields:
              unit: \(childKey)
        results:
          - id: R
            level: output
            title: R
            indicators:
              - {id: I, title: Items, source: items, value: count()}
              - {id: U, title: Units, source: units, value: count()}
        """
    }

    @Test func keysOfOneTypeCompareAsValuesAndOfTwoTypesAsTheirText() throws {
        let same = try #require(try Self.compile(Self.definitions(parentKey: "integer", childKey: "integer")).sql)
        #expect(same.contains("LEFT JOIN s0_acc q ON c.v0 = q.v0"))
        // An integer key joins a text key by the integer's text (007 is "7", as Value.description).
        let mixed = try #require(try Self.compile(Self.definitions(parentKey: "text", childKey: "integer")).sql)
        #expect(mixed.contains("LEFT JOIN s0_acc q ON CAST(CAST(c.v0 AS DECIMAL(38, 0)) AS VARCHAR) = q.v0"))
        // A decimal by its exact value's text, never the engine's `1.5000000000`.
        let decimal = try #require(try Self.compile(Self.definitions(parentKey: "number", childKey: "text"), .spark).sql)
        #expect(decimal.contains("ON c.v0 = CASE WHEN q.v0 IS NOT NULL THEN concat("))
        #expect(!decimal.contains("CAST(q.v0 AS STRING)"))
    }

    @Test func aChildOfARefusedParentIsRefusedToo() throws {
        let out = try Self.compile(Self.definitions(parentKey: "text", childKey: "text", parentFormat: "    record: /units/unit"))
        #expect(out.diagnostics.contains { $0.code == "sql-xml-source" && $0.message.hasPrefix("Source units is an XML file") })
        #expect(out.diagnostics.contains {
            $0.code == "sql-unsupported" && $0.message.contains("Source items cannot be compiled to SQL because of its parent source units, which the script leaves out")
        })
        #expect(out.diagnostics.contains { $0.code == "sql-indicator-left-out" && $0.message.hasPrefix("Indicator I reads items") })
        #expect(out.sql == nil)   // nothing else to compute
    }
}
