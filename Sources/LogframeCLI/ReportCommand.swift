import ArgumentParser
import Foundation
import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeEngine
import LogframeExport
import LogframeReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compute every indicator and write the progress report.")

    @OptionGroup var options: DefinitionsOptions

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("as-of"), help: "Report date (YYYY-MM-DD). Default: programme end or today, whichever is earlier.")
    var asOf: String?

    @Option(help: ArgumentHelp("Report style: \(ReportStyle.valueList). Default: the programme's donor style.", valueName: "style"),
            transform: ReportStyle.parse)
    var style: ReportStyle?

    @Option(help: ArgumentHelp("Output format: \(ReportFormat.valueList). Default: from the output file's extension, else md.", valueName: "format"),
            transform: ReportFormat.parse)
    var format: ReportFormat?

    @Option(name: .customLong("map"), help: "The DHIS2 mapping file (YAML: data elements, categories, org unit) for --format dhis2, dhis2-csv or adx.")
    var map: String?

    @Option(help: ArgumentHelp("Language: \(ReportLanguage.valueList).", valueName: "lang"), transform: ReportLanguage.parse)
    var lang: ReportLanguage = .en

    @Option(name: [.customShort("o"), .long], help: "Write the report to this file (atomically; never one of the run's input files) instead of standard output.")
    var output: String?

    @Flag(name: .customLong("no-audit"), help: "Leave out the audit appendix (rows by source, input files and their SHA-256) of a donor report. The JSON report always keeps its files.")
    var noAudit = false

    @Flag(name: .customLong("internal"), help: ArgumentHelp(
        "JSON only: keep the real values of figures withheld by small-cell suppression (privacy.min_cell), flagged \"suppressed\". For internal use, never for publication."))
    var internalValues = false

    func validate() throws {
        if let asOf, CivilDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a date written YYYY-MM-DD, for example 2021-12-31 (got \"\(asOf)\").")
        }
        if internalValues, resolvedFormat != .json {
            throw ValidationError("--internal keeps withheld small counts in the JSON report only; use it with --format json (the other formats are for publication).")
        }
        if case .failure(let unknown) = formatFromOutput {
            throw ValidationError(ReportFormat.unknown(unknown.text))
        }
        if resolvedFormat.isDHIS2, map == nil {
            throw ValidationError("--format \(resolvedFormat.rawValue) needs the DHIS2 codes: give the mapping file with --map FILE (docs/exports-dhis2.md).")
        }
        if map != nil, !resolvedFormat.isDHIS2 {
            throw ValidationError("--map is for --format dhis2, dhis2-csv or adx.")
        }
        // An XLSX workbook is binary: printed on a terminal it is noise and can garble it.
        // A usage error (exit 2, SPEC section 2): nothing was read yet.
        if resolvedFormat == .xlsx, output == nil, isatty(1) != 0 {
            throw ValidationError("An XLSX workbook cannot be shown on a terminal. Write it to a file with -o, for example: -o report.xlsx (or redirect: > report.xlsx).")
        }
    }

    /// The format `--output`'s extension names, when `--format` is not given.
    var formatFromOutput: Result<ReportFormat, ReportFormat.UnknownExtension>? {
        guard format == nil, let output else { return nil }
        return ReportFormat.fromExtension(URL(fileURLWithPath: output).pathExtension)
    }

    var resolvedFormat: ReportFormat {
        if let format { return format }
        if case .success(let fromOutput) = formatFromOutput { return fromOutput }
        return .md
    }

    func run() throws {
        var frontend = Frontend(strict: options.strict)
        defer { frontend.printDiagnostics() }
        guard let definitions = frontend.loadDefinitions(options) else { throw ExitCode(1) }
        // The mapping file and the IATI publisher details are checked before anything is
        // computed or written.
        var mapping: DHIS2Mapping?
        if let map {
            guard let loaded = frontend.loadMapping(map, definitions: definitions) else { throw ExitCode(1) }
            mapping = loaded
        }
        if resolvedFormat == .iati, definitions.iati == nil {
            frontend.diagnostics.append(IATIExport.detailsMissing(definitionsFile: definitions.file))
            throw ExitCode(1)
        }
        // Checked (and the temporary file created) before the computation; see SafeOutput.
        var sink: SafeOutput?
        if let output {
            guard let opened = frontend.openOutput(output, inputs: SafeOutput.inputs(of: definitions)) else { throw ExitCode(1) }
            sink = opened
        }
        defer { sink?.discard() }
        var result: EngineResult
        if let url = database.engine {
            guard let computed = frontend.computeInDatabase(definitions, asOf: asOf, url: url) else { throw ExitCode(1) }
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
        let model = ReportModel(definitions: definitions, result: result, language: lang.rawValue, internalValues: internalValues)
        guard let bytes = frontend.render(model, format: resolvedFormat, style: style, mapping: mapping, audit: !noAudit),
              frontend.write(bytes, to: sink) else { throw ExitCode(1) }
        try frontend.finish()
    }
}

enum Today {
    /// Today's date in UTC.
    static var date: CivilDate {
        let seconds = Int(Date().timeIntervalSince1970)
        return CivilDate(daysSinceEpoch: Int32(seconds / 86_400))
    }
}
