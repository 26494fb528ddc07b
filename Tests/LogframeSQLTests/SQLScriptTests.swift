import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeExpressions
import LogframeSQL
import Testing

/// Golden scripts (read them when re-recording: `LOGFRAME_RECORD=1 swift test --filter LogframeSQLTests`)
/// and the dialect traps of issue 12, each checked in the text the compiler writes. The scripts
/// run for real on DuckDB in Tests/sql (and parse with sqlglot in all three dialects).
@Suite struct SQLScriptTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let traps = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../sql/fixtures/traps.yml").standardized.path
    static let record = ProcessInfo.processInfo.environment["LOGFRAME_RECORD"] == "1"

    static func script(_ path: String, _ dialect: SQLDialectName) throws -> SQLScript.Output {
        let (definitions, problems) = DefinitionsLoader.load(path: path)
        #expect(problems.filter { $0.severity == .error }.isEmpty, "\(problems)")
        let defs = try #require(definitions)
        return SQLScript.compile(defs, dialect: dialect, asOf: CivilDate(iso: "2021-05-31")!)
    }

    @Test(arguments: SQLDialectName.allCases)
    func goldenScripts(_ dialect: SQLDialectName) throws {
        let out = try Self.script(Self.golden.appendingPathComponent("small.yml").path, dialect)
        let sql = try #require(out.sql)
        let file = Self.golden.appendingPathComponent("small.\(dialect.rawValue).sql")
        if Self.record { try sql.write(to: file, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(sql == expected, "small.\(dialect.rawValue).sql differs; re-record with LOGFRAME_RECORD=1 and read the diff")
    }

    @Test func sparkQuotesIdentifiersWithBackticks() throws {
        let sql = try #require(try Self.script(Self.traps, .spark).sql)
        // Spark reads "x" as a string literal: every column and table is in backticks.
        #expect(sql.contains("FROM `traps_people`"))
        #expect(sql.contains("trim(BOTH concat(' ', chr(9)) FROM CAST(`when` AS STRING))"))
        #expect(!sql.contains("\"when\"") && !sql.contains("\"traps_people\""))
        let postgres = try #require(try Self.script(Self.traps, .postgres).sql)
        #expect(postgres.contains("FROM \"traps_people\""))
    }

    @Test func divisionIsExactAndNeverRaises() throws {
        // PostgreSQL's 5/2 is 2; Spark (ANSI) raises on 1/0: both sides become decimals, zero null.
        for dialect in SQLDialectName.allCases {
            let sql = try #require(try Self.script(Self.traps, dialect).sql)
            #expect(sql.contains("(CAST(v2 AS DECIMAL(38, 10)) / NULLIF(CAST(v3 AS DECIMAL(38, 10)), 0))"), "\(dialect)")
            #expect(sql.contains("(CAST(v2 AS DECIMAL(38, 10)) / NULLIF(CAST(CAST(2 AS DECIMAL(38, 0)) AS DECIMAL(38, 10)), 0))"))
        }
    }

    @Test func datesAreCheckedBeforeTheyAreMade() throws {
        // PostgreSQL's to_date raises on 31.02.2021: no date function sees an impossible date.
        for dialect in SQLDialectName.allCases {
            let sql = try #require(try Self.script(Self.traps, dialect).sql)
            #expect(!sql.contains("to_date") && !sql.contains("strptime") && !sql.contains("to_timestamp"))
            #expect(sql.contains("BETWEEN 1 AND CASE WHEN"), "day checked against the month's length")
            #expect(sql.contains("% 400 = 0 THEN 29 ELSE 28 END"))
        }
    }

    @Test func emptyCellsAreNullAndTextIsNFC() throws {
        let duck = try #require(try Self.script(Self.traps, .duckdb).sql)
        // A typed column is read as its text (CAST to text is a no-op on a text column).
        #expect(duck.contains("NULLIF(nfc_normalize(trim(CAST(\"t\" AS VARCHAR), ' ' || chr(9))), '') AS t5"))
        let pg = try #require(try Self.script(Self.traps, .postgres).sql)
        // ASCII text (as many bytes as characters) is already NFC and skips normalize().
        #expect(pg.contains("NULLIF(CASE WHEN octet_length(CAST(\"t\" AS VARCHAR)) = length(CAST(\"t\" AS VARCHAR)) THEN btrim(CAST(\"t\" AS VARCHAR), ' ' || chr(9)) ELSE normalize(btrim(CAST(\"t\" AS VARCHAR), ' ' || chr(9)), NFC) END, '') AS t5"))
        let spark = try Self.script(Self.traps, .spark)
        #expect(spark.diagnostics.contains { $0.code == "sql-no-nfc" })
    }

    @Test func postgresOrdersTextByCodePoint() throws {
        let scope: (String) -> ExpressionSQL.Column? = { $0 == "s" ? ("s", .text) : nil }
        let pg = ExpressionSQL(dialect: SQLDialect(.postgres), columns: scope)
        #expect(try pg.condition(Self.parse("s < \"b\"")) == "COALESCE((s COLLATE \"C\" < 'b'), FALSE)")
        let duck = ExpressionSQL(dialect: SQLDialect(.duckdb), columns: scope)
        #expect(try duck.condition(Self.parse("s < \"b\"")) == "COALESCE((s < 'b'), FALSE)")
    }

    static func parse(_ text: String) throws -> Syntax {
        try ExpressionParser.parse(text).get()
    }

    /// The translation of logframe's null rules, written out (the same truth tables run on DuckDB
    /// against the local engine in Tests/sql/test_sql_duckdb.py::test_traps_truth_tables_and_rejections).
    @Test func nullRulesTranslation() throws {
        let scope: (String) -> ExpressionSQL.Column? = {
            switch $0 {
            case "x": return ("x", .integer)
            case "b": return ("b", .boolean)
            default: return nil
            }
        }
        let e = ExpressionSQL(dialect: SQLDialect(.duckdb), columns: scope)
        let one = "CAST(1 AS DECIMAL(38, 0))"
        // Comparisons with null are false, not unknown.
        #expect(try e.condition(Self.parse("x == 1")) == "COALESCE((x = \(one)), FALSE)")
        #expect(try e.condition(Self.parse("not (x == 1)")) == "(NOT COALESCE((x = \(one)), FALSE))")
        // Null elements of a list never match, so `not in` can be true.
        #expect(try e.condition(Self.parse("x not in [1, null]")) == "COALESCE((x NOT IN (\(one))), FALSE)")
        #expect(try e.condition(Self.parse("x in [null]")) == "FALSE")
        #expect(try e.condition(Self.parse("x not in [null]")) == "(x IS NOT NULL)")
        // Kleene and/or/not are SQL's own.
        #expect(try e.condition(Self.parse("b and not b or x is null")) == "((b AND (NOT b)) OR (x IS NULL))")
        #expect(try e.condition(Self.parse("if(b, 1, 0) == 1")) == "COALESCE(((CASE WHEN b THEN \(one) ELSE CAST(0 AS DECIMAL(38, 0)) END) = \(one)), FALSE)")
    }
}
