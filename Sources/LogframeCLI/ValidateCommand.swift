import ArgumentParser
import Foundation
import LogframeCore
import LogframeData
import LogframeEngine
import LogframeDefinitions

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the definitions and every data file; write no report.")

    @OptionGroup var options: DefinitionsOptions

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Diagnostics format: text (on stderr, row counts on stdout), or json, github or junit (on stdout).")
    var format: String = "text"

    static let formats = ["text", "json", "github", "junit"]
    /// Diagnostics only the engine's pass raises (Finalize.swift), which validate must raise too.
    static let passOnlyCodes: Set<String> = ["dimension-too-many-categories", "sum-overflow"]

    func validate() throws {
        guard Self.formats.contains(format) else {
            throw ValidationError("Unknown diagnostics format \"\(format)\"; use text, json, github or junit.")
        }
    }

    func run() throws {
        var frontend = Frontend(strict: options.strict)
        var summary = ValidationSummary(definitionsFile: options.definitions, strict: options.strict)
        let definitions = frontend.loadDefinitions(options)
        if let definitions, let url = database.engine {
            // In the database: its rows are checked by the script; the first problems are listed
            // by table row (`_line`) and key, the others counted (DatabaseEngine.swift).
            summary.definitionsFile = definitions.file
            let asOf = definitions.programme.end.description
            if let result = frontend.computeInDatabase(definitions, asOf: asOf, url: url) {
                summary.sources = result.sources.map {
                    .init(id: $0.id, files: [], rowsRead: $0.rowsRead, rowsUsed: $0.rowsUsed, rowsRejected: $0.rowsRejected)
                }
            }
        } else if let definitions {
            summary.definitionsFile = definitions.file
            for source in definitions.sources {
                // Large CSV files are checked on both cores (nothing to accumulate: the second
                // thread's rows are only counted); the diagnostics are those of one thread.
                let reader = SourceReader(source: source, definitions: definitions)
                let split = Frontend.engineOptions.parallelMinimumBytes
                if let split { reader.parallelMinimumBytes = split }
                let result = reader.read(splitting: split == nil ? nil : { ParallelHalf(consume: { _ in }, commit: {}) }) { _, _ in }
                frontend.diagnostics.merge(result.log)
                summary.sources.append(.init(id: source.id, files: result.files, rowsRead: result.rowsRead,
                                             rowsUsed: result.rowsUsed, rowsRejected: result.rowsRejected))
            }
        }
        if let definitions, database.engine == nil {
            // What only the computation finds (a dimension with too many categories, a sum too
            // large to keep exactly) would fail `report`: validate runs the pass too, over the
            // whole programme, and keeps those diagnostics (the reader's are already there).
            let pass = Engine.run(definitions: definitions, asOf: definitions.programme.end, options: Frontend.engineOptions)
            for diagnostic in pass.log.sorted where ValidateCommand.passOnlyCodes.contains(diagnostic.code) {
                frontend.diagnostics.append(diagnostic)
            }
        }
        let log = frontend.diagnostics
        switch format {
        case "json":
            FileHandle.standardOutput.write(Data(DiagnosticJSON.render(log, summary: summary).utf8))
        case "github":
            var text = DiagnosticGitHub.render(log)
            for source in summary.sources {
                text += "\(source.id): \(source.rowsRead) rows read, \(source.rowsUsed) used, \(source.rowsRejected) rejected\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        case "junit":
            FileHandle.standardOutput.write(Data(DiagnosticJUnit.render(log, summary: summary).utf8))
        default:
            frontend.printDiagnostics()
            if !summary.sources.isEmpty {
                print(summary.sources.map { "\($0.id): \($0.rowsRead) rows read, \($0.rowsUsed) used, \($0.rowsRejected) rejected" }
                    .joined(separator: "\n"))
            }
        }
        if definitions == nil { throw ExitCode(1) }
        if frontend.exitCode != 0 { throw ExitCode(frontend.exitCode) }
    }
}
