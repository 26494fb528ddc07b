import ArgumentParser
import Foundation
import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeEngine
import LogframeReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compute every indicator and write the progress report.")

    @OptionGroup var options: DefinitionsOptions

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("as-of"), help: "Report date (YYYY-MM-DD). Default: programme end or today, whichever is earlier.")
    var asOf: String?

    @Option(help: "Report style: eu, undp, unicef, iptt, pirs or sdg. Default: the programme's donor style.")
    var style: String?

    @Option(help: "Output format: md, csv, html, xlsx or json. Default: from the output file's extension, else md.")
    var format: String?

    @Option(help: "Language: en or az.")
    var lang: String = "en"

    @Option(name: [.customShort("o"), .long], help: "Write the report to this file (atomically; never one of the run's input files) instead of standard output.")
    var output: String?

    static let formats = ["json", "md", "csv", "html", "xlsx"]
    static let styles = ReportStyles.all

    func validate() throws {
        if let asOf, CivilDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a date written YYYY-MM-DD, for example 2021-12-31 (got \"\(asOf)\").")
        }
        if let format = resolvedFormat, !Self.formats.contains(format) {
            throw ValidationError("Unknown format \"\(format)\"; use md, csv, html, xlsx or json.")
        }
        if let style, !Self.styles.contains(style) {
            throw ValidationError("Unknown style \"\(style)\"; use one of \(Self.styles.joined(separator: ", ")).")
        }
        if !["en", "az"].contains(lang) {
            throw ValidationError("Unknown language \"\(lang)\"; use en or az.")
        }
        // An XLSX workbook is binary: printed on a terminal it is noise and can garble it.
        // A usage error (exit 2, SPEC section 2): nothing was read yet.
        if resolvedFormat == "xlsx", output == nil, isatty(1) != 0 {
            throw ValidationError("An XLSX workbook cannot be shown on a terminal. Write it to a file with -o, for example: -o report.xlsx (or redirect: > report.xlsx).")
        }
    }

    var resolvedFormat: String? {
        if let format { return format }
        guard let output else { return nil }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        switch ext {
        case "markdown": return "md"
        case "htm": return "html"
        case "": return nil
        default: return ext
        }
    }

    func run() throws {
        var frontend = Frontend(strict: options.strict)
        guard let definitions = frontend.loadDefinitions(options) else {
            frontend.printDiagnostics()
            throw ExitCode(1)
        }
        // Checked (and the temporary file created) before the computation; see SafeOutput.
        var sink: SafeOutput?
        if let output {
            do {
                sink = try SafeOutput(path: output, inputs: SafeOutput.inputs(of: definitions))
            } catch let failure as SafeOutput.Failure {
                frontend.printDiagnostics()
                FileHandle.standardError.write(Data("\(output): error: \(failure.message) [\(failure.code)]\n".utf8))
                throw ExitCode(1)
            }
        }
        defer { sink?.discard() }
        var result: EngineResult
        if let url = database.engine {
            guard let computed = frontend.computeInDatabase(definitions, asOf: asOf, url: url) else {
                frontend.printDiagnostics()
                throw ExitCode(1)
            }
            result = computed
        } else {
            result = frontend.compute(definitions, asOf: asOf)
        }
        // A report names data files as the definitions do, relative to the definitions file
        // (absolute when written so), so it is the same byte for byte whatever the working
        // directory and however the definitions file was named on the command line.
        for s in result.sources.indices where database.engine == nil && !(definitions.source(result.sources[s].id)?.path.hasPrefix("/") ?? true) {
            for f in result.sources[s].files.indices {
                result.sources[s].files[f].path = PathPolicy.relative(result.sources[s].files[f].path, toFolder: definitions.baseDirectory)
            }
        }

        // Built once; the JSON report is its serialisation and every style reads it.
        let model = ReportModel(definitions: definitions, result: result, language: lang)
        let bytes: Data
        switch resolvedFormat ?? "md" {
        case "json":
            // The JSON report is the style-neutral model: --style does not apply.
            bytes = Data(JSONReport.build(model).serialized().utf8)
        case let format:
            let chosen = style ?? ReportStyles.defaultStyle(forDonor: definitions.programme.donor)
            let document = ReportStyles.build(style: chosen, model: model)
            switch format {
            case "csv": bytes = Data(CSVRenderer.render(document).utf8)
            case "html": bytes = Data(HTMLRenderer.render(document).utf8)
            case "xlsx":
                do {
                    bytes = try XLSXRenderer.render(document)
                } catch let tooLarge as XLSXRenderer.TooLarge {
                    frontend.printDiagnostics()
                    FileHandle.standardError.write(Data("error: cannot build the XLSX workbook: \(tooLarge) [xlsx-too-large]\n  = hint: Use --format csv or html, or fewer (longer) periods.\n".utf8))
                    throw ExitCode(1)
                } catch {
                    frontend.printDiagnostics()
                    FileHandle.standardError.write(Data("error: cannot build the XLSX workbook: \(error) [xlsx-failed]\n".utf8))
                    throw ExitCode(1)
                }
            default: bytes = Data(MarkdownRenderer.render(document).utf8)
            }
        }
        frontend.printDiagnostics()
        if let sink {
            do {
                try sink.commit(bytes)
            } catch let failure as SafeOutput.Failure {
                FileHandle.standardError.write(Data("\(sink.path): error: \(failure.message) [\(failure.code)]\n".utf8))
                throw ExitCode(1)
            }
        } else {
            FileHandle.standardOutput.write(bytes)
        }
        if frontend.exitCode != 0 { throw ExitCode(frontend.exitCode) }
    }
}

enum Today {
    /// Today's date in UTC.
    static var date: CivilDate {
        let seconds = Int(Date().timeIntervalSince1970)
        return CivilDate(daysSinceEpoch: Int32(seconds / 86_400))
    }
}
