import ArgumentParser
import Foundation
import LogframeCore
import LogframeData
import LogframeDefinitions

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the definitions and every data file; compute nothing.")

    @OptionGroup var options: DefinitionsOptions

    @Option(help: "Diagnostics format: text (json, github and junit are planned).")
    var format: String = "text"

    func validate() throws {
        guard format == "text" else {
            throw ValidationError("The \(format) diagnostics format is not available in this version yet; use text.")
        }
    }

    func run() throws {
        var frontend = Frontend(strict: options.strict)
        guard let definitions = frontend.loadDefinitions(options.definitions) else {
            frontend.printDiagnostics()
            throw ExitCode(1)
        }
        var summary: [String] = []
        for source in definitions.sources {
            let result = SourceReader(source: source, definitions: definitions).read { _, _ in }
            frontend.diagnostics.merge(result.log)
            summary.append("\(source.id): \(result.rowsRead) rows read, \(result.rowsUsed) used, \(result.rowsRejected) rejected")
        }
        frontend.printDiagnostics()
        print(summary.joined(separator: "\n"))
        if frontend.exitCode != 0 { throw ExitCode(frontend.exitCode) }
    }
}
