import Foundation
import Testing
@testable import LogframeCLI

/// What `--engine` reads back from psql's COPY output: NULL and empty text stay apart.
@Suite("Database engine client output")
struct DatabaseEngineTests {
    @Test func quotedEmptyIsTextUnquotedEmptyIsNull() {
        let rows = QuotedCSV.parse(Data("a,\"\",,\"x,y\"\n\"q\"\"r\",\n\"line\nbreak\",z\r\n".utf8))
        #expect(rows == [["a", "", nil, "x,y"], ["q\"r", nil], ["line\nbreak", "z"]])
    }

    @Test func urls() {
        #expect(DatabaseEngine(url: "duckdb:") == nil)
        #expect(DatabaseEngine(url: "mysql://x") == nil)
        if case .duckdb(let path) = DatabaseEngine(url: "duckdb:/data/x.duckdb") { #expect(path == "/data/x.duckdb") } else { Issue.record("duckdb") }
        if case .postgres = DatabaseEngine(url: "postgres://u@h/db?sslmode=require") {} else { Issue.record("postgres") }
        if case .spark(let folder) = DatabaseEngine(url: "spark") { #expect(folder == nil) } else { Issue.record("spark") }
    }
}
