import ArgumentParser
import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeSQL

/// `logframe sql DEFS --dialect postgres|duckdb|spark [--as-of DATE]`: prints one SQL script that
/// computes, inside the database, the exact building blocks of every figure (docs/sql.md).
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print one SQL script that computes the building blocks of every figure inside a database.")

    @OptionGroup var options: DefinitionsOptions

    @Option(help: "The SQL engine: postgres, duckdb or spark.")
    var dialect: String

    @Option(name: .customLong("as-of"), help: "Report date (YYYY-MM-DD). Default: programme end or today, whichever is earlier.")
    var asOf: String?

    func validate() throws {
        if SQLDialectName(rawValue: dialect) == nil {
            throw ValidationError("--dialect must be postgres, duckdb or spark (got \"\(dialect)\").")
        }
        if let asOf, CivilDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a date written YYYY-MM-DD, for example 2021-12-31 (got \"\(asOf)\").")
        }
    }

    func run() throws {
        var frontend = Frontend(strict: options.strict)
        guard let definitions = frontend.loadDefinitions(options) else {
            frontend.printDiagnostics()
            throw ExitCode(1)
        }
        let date = Frontend.asOf(asOf, definitions)
        let output = SQLScript.compile(definitions, dialect: SQLDialectName(rawValue: dialect)!, asOf: date)
        frontend.diagnostics.append(contentsOf: output.diagnostics)
        frontend.printDiagnostics()
        if let sql = output.sql { Frontend.printOutput(sql) }
        if frontend.exitCode != 0 || output.sql == nil { throw ExitCode(1) }
    }
}
