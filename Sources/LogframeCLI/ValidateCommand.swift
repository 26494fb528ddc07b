import ArgumentParser
import Foundation
import LogframeCore
import LogframeData
import LogframeEngine
import LogframeDefinitions
import LogframeExport
import LogframeReport

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the definitions and every data file; write no report.")

    @OptionGroup var options: DefinitionsOptions

    @Option(help: "Diagnostics format: text (on stderr, row counts on stdout), or json, github or junit (on stdout).")
    var format: String = "text"

    @Option(name: .customLong("map"), help: "Also check this DHIS2 mapping file (as `report --format dhis2 --map FILE` would use it).")
    var map: String?

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
        if let definitions {
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
        if let definitions {
            // What only the computation finds (a dimension with too many categories, a sum too
            // large to keep exactly) would fail `report`: validate runs the pass too, over the
            // whole programme, and keeps those diagnostics (the reader's are already there).
            let pass = Engine.run(definitions: definitions, asOf: definitions.programme.end, options: Frontend.engineOptions)
            for diagnostic in pass.log.sorted where ValidateCommand.passOnlyCodes.contains(diagnostic.code) {
                frontend.diagnostics.append(diagnostic)
            }
            // The mapping file: its own problems, then what only the figures show (a category
            // first seen in the data without an option, a period DHIS2 has no id for).
            if let map {
                let (mapping, problems) = DHIS2MappingLoader.load(path: map, definitions: definitions)
                frontend.diagnostics.append(contentsOf: problems)
                if let mapping, case .failure(let refused) = DHIS2Export.values(ReportModel(definitions: definitions, result: pass, language: "en"),
                                                                                 mapping: mapping, format: .json) {
                    frontend.diagnostics.append(contentsOf: refused.diagnostics)
                }
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
