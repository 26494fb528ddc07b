import ArgumentParser
import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeExport
import LogframeReport

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the definitions and every data file; write no report.")

    @OptionGroup var options: DefinitionsOptions

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Diagnostics format: text (on stderr, row counts on stdout), or json, github or junit (on stdout). One of \(DiagnosticsFormat.valueList).",
                               valueName: "format"),
            transform: DiagnosticsFormat.parse)
    var format: DiagnosticsFormat = .text

    @Option(name: .customLong("map"), help: "Also check this DHIS2 mapping file (as `report --format dhis2 --map FILE` would use it).")
    var map: String?

    func run() throws {
        var frontend = Frontend(strict: options.strict)
        var summary = ValidationSummary(definitionsFile: options.definitions, strict: options.strict)
        let definitions = frontend.loadDefinitions(options)
        if let definitions, let url = database.engine {
            // In the database: its rows are checked by the script; the first problems are listed
            // by table row (`_line`) and key, the others counted (DatabaseEngine.swift).
            summary.definitionsFile = definitions.file
            if let result = frontend.computeInDatabase(definitions, asOf: definitions.programme.end.description, url: url) {
                summary.sources = result.sources.map {
                    .init(id: $0.id, files: [], rowsRead: $0.rowsRead, rowsUsed: $0.rowsUsed, rowsRejected: $0.rowsRejected)
                }
                if let map { frontend.checkMapping(map, definitions: definitions, pass: result) }
            }
        } else if let definitions {
            let pass = frontend.check(definitions, into: &summary)
            if let map { frontend.checkMapping(map, definitions: definitions, pass: pass) }
        }
        frontend.printDiagnostics(format, summary: summary)
        if definitions == nil { throw ExitCode(1) }
        try frontend.finish()
    }
}
