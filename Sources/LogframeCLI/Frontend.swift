import ArgumentParser
import Foundation
import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeEngine
import LogframeExport
import LogframeReport

/// Wires the stages for the commands and owns what they print about problems: every error a
/// command reports is a `Diagnostic` rendered here, so a command's `run()` is the few steps it
/// takes (load, compute or check, render, write) and the exit code.
struct Frontend {
    var strict: Bool
    var diagnostics = DiagnosticLog()

    init(strict: Bool) { self.strict = strict }

    // MARK: - Loading and computing

    /// Loads the definitions a command's shared options name, with their `--allow-outside` and
    /// `--max-cell-bytes`.
    mutating func loadDefinitions(_ options: DefinitionsOptions) -> Definitions? {
        let definitions = loadDefinitions(options.definitions, allowOutside: options.allowOutside, maxCellBytes: options.maxCellBytes)
        return options.revealsPersonal ? definitions?.revealingPersonalValues() : definitions
    }

    /// Loads the definitions; on errors keeps them and returns nil. `allowOutside` are the
    /// `--allow-outside` paths sources may read besides the project folder (`PathPolicy`).
    mutating func loadDefinitions(_ path: String, allowOutside: [String] = [], maxCellBytes: Int? = nil) -> Definitions? {
        let (definitions, problems) = DefinitionsLoader.load(path: path)
        diagnostics.append(contentsOf: problems)
        guard var definitions, !problems.contains(where: { $0.severity == .error }) else { return nil }
        definitions.allowOutside = allowOutside
        if let maxCellBytes { definitions.maxCellBytes = maxCellBytes }
        return definitions
    }

    /// The engine's options: the defaults, except the CSV split size when `LOGFRAME_SPLIT_BYTES`
    /// sets it (a testing knob; see docs/performance.md).
    static var engineOptions: EngineOptions {
        EngineOptions.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The as-of date a command's `--as-of` gives (checked by its `validate()`), by default the
    /// programme's end or today, whichever is earlier.
    static func asOf(_ text: String?, _ definitions: Definitions) -> CivilDate {
        text.flatMap { CivilDate(iso: $0) } ?? min(definitions.programme.end, Today.date)
    }

    /// Computes every indicator as of `asOf`, with a progress line on a terminal, and keeps the
    /// pass's diagnostics.
    mutating func compute(_ definitions: Definitions, asOf: String?) -> EngineResult {
        let progress = ProgressLine()
        let result = Engine.run(definitions: definitions, asOf: Frontend.asOf(asOf, definitions),
                                options: Frontend.engineOptions, progress: progress.update)
        progress.finish()
        diagnostics.merge(result.log)
        return result
    }

    /// Diagnostics only the engine's pass raises (Finalize.swift), which validate must raise too.
    static let passOnlyCodes: Set<String> = ["dimension-too-many-categories", "sum-overflow"]

    /// `validate`'s reading: every source read and checked as `report` reads it (large CSV files
    /// on both cores; nothing is accumulated, the second thread's rows are only counted), then
    /// the pass over the whole programme for what only the computation finds (a dimension with
    /// too many categories, a sum too large to keep exactly). The per-source counts go to
    /// `summary`, the diagnostics to the log.
    @discardableResult
    mutating func check(_ definitions: Definitions, into summary: inout ValidationSummary) -> EngineResult {
        summary.definitionsFile = definitions.file
        for source in definitions.sources {
            let reader = SourceReader(source: source, definitions: definitions)
            let split = Frontend.engineOptions.parallelMinimumBytes
            if let split { reader.parallelMinimumBytes = split }
            let result = reader.read(splitting: split == nil ? nil : { ParallelHalf(consume: { _ in }, commit: {}) }) { _, _ in }
            diagnostics.merge(result.log)
            summary.sources.append(.init(id: source.id, files: result.files, rowsRead: result.rowsRead,
                                         rowsUsed: result.rowsUsed, rowsRejected: result.rowsRejected))
        }
        let pass = Engine.run(definitions: definitions, asOf: definitions.programme.end, options: Frontend.engineOptions)
        for diagnostic in pass.log.sorted where Frontend.passOnlyCodes.contains(diagnostic.code) {
            diagnostics.append(diagnostic)
        }
        return pass
    }

    // MARK: - Exports

    /// The DHIS2 mapping file, read and checked against the definitions; nil after its errors.
    mutating func loadMapping(_ path: String, definitions: Definitions) -> DHIS2Mapping? {
        let (mapping, problems) = DHIS2MappingLoader.load(path: path, definitions: definitions)
        diagnostics.append(contentsOf: problems)
        return mapping
    }

    /// `validate --map`: the mapping file's own problems, then what only the figures show (a
    /// category first seen in the data without an option, a period DHIS2 has no id for).
    mutating func checkMapping(_ path: String, definitions: Definitions, pass: EngineResult) {
        guard let mapping = loadMapping(path, definitions: definitions) else { return }
        if case .failure(let refused) = DHIS2Export.values(ReportModel(definitions: definitions, result: pass, language: "en"),
                                                          mapping: mapping, format: .json) {
            diagnostics.append(contentsOf: refused.diagnostics)
        }
    }

    // MARK: - Reports

    /// The report's bytes: the JSON report (style-neutral: `style` does not apply), or the
    /// chosen style (by default the programme donor's) rendered in `format`. Nil after an
    /// error diagnostic (a workbook that cannot be built).
    mutating func render(_ model: ReportModel, format: ReportFormat, style: ReportStyle?,
                         mapping: DHIS2Mapping? = nil, audit: Bool = true) -> Data? {
        switch format {
        case .json: return Data(JSONReport.build(model).serialized().utf8)
        case .iati: return exported(IATIExport.render(model))
        case .dhis2, .dhis2CSV, .adx:
            guard let mapping, let kind = DHIS2Export.Format(rawValue: format.rawValue) else { return nil }
            return exported(DHIS2Export.render(model, mapping: mapping, format: kind))
        case .md, .csv, .html, .xlsx:
            let chosen = style?.rawValue ?? ReportStyles.defaultStyle(forDonor: model.definitions.programme.donor)
            var document = ReportStyles.build(style: chosen, model: model)
            if !audit { document.audit = nil }
            return rendered(document, as: format)
        }
    }

    /// A donor report document in one of the document formats (md, csv, html, xlsx).
    private mutating func rendered(_ document: ReportDocument, as format: ReportFormat) -> Data? {
        switch format {
        case .csv: return Data(CSVRenderer.render(document).utf8)
        case .html: return Data(HTMLRenderer.render(document).utf8)
        case .xlsx:
            do {
                return try XLSXRenderer.render(document)
            } catch let tooLarge as XLSXRenderer.TooLarge {
                diagnostics.append(.error("xlsx-too-large", at: nil, "cannot build the XLSX workbook: \(tooLarge)",
                                          hint: "Use --format csv or html, or fewer (longer) periods."))
            } catch {
                diagnostics.append(.error("xlsx-failed", at: nil, "cannot build the XLSX workbook: \(error)"))
            }
            return nil
        default: return Data(MarkdownRenderer.render(document).utf8)
        }
    }

    /// An export's text, or nil after the diagnostics that refused it (nothing is written).
    private mutating func exported(_ outcome: Result<String, ExportRefused>) -> Data? {
        switch outcome {
        case .success(let text): return Data(text.utf8)
        case .failure(let refused):
            diagnostics.append(contentsOf: refused.diagnostics)
            return nil
        }
    }

    /// Opens `--output` before anything is computed (see `SafeOutput`); nil after an error
    /// diagnostic (an input named as the output, an unwritable folder).
    mutating func openOutput(_ path: String, inputs: [String]) -> SafeOutput? {
        do {
            return try SafeOutput(path: path, inputs: inputs)
        } catch let failure as SafeOutput.Failure {
            diagnostics.append(failure.diagnostic(path))
        } catch {
            diagnostics.append(.error("output-unwritable", at: SourceLocation(file: path), "cannot write \(path): \(error.localizedDescription)"))
        }
        return nil
    }

    /// Writes the bytes to the output opened by `openOutput`, or to standard output without one;
    /// false after an error diagnostic.
    mutating func write(_ bytes: Data, to sink: SafeOutput?) -> Bool {
        guard let sink else {
            FileHandle.standardOutput.write(bytes)
            return true
        }
        do {
            try sink.commit(bytes)
            return true
        } catch let failure as SafeOutput.Failure {
            diagnostics.append(failure.diagnostic(sink.path))
        } catch {
            diagnostics.append(.error("output-unwritable", at: SourceLocation(file: sink.path), "cannot write \(sink.path): \(error.localizedDescription)"))
        }
        return false
    }

    // MARK: - What the commands print

    /// The exit code for what was found: 1 for any error (or warning with --strict).
    var exitCode: Int32 {
        if diagnostics.errorCount > 0 { return 1 }
        if strict && diagnostics.warningCount > 0 { return 1 }
        return 0
    }

    /// Exits with `exitCode` unless it is 0.
    func finish() throws {
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// The diagnostics as text on standard error.
    func printDiagnostics() {
        let text = DiagnosticText.render(diagnostics)
        if !text.isEmpty { Frontend.printError(text) }
    }

    /// The diagnostics in `validate --format`'s format: text on standard error and the row counts
    /// on standard output; the others on standard output (GitHub's followed by the row counts).
    func printDiagnostics(_ format: DiagnosticsFormat, summary: ValidationSummary) {
        let counts = summary.sources.map { "\($0.id): \($0.rowsRead) rows read, \($0.rowsUsed) used, \($0.rowsRejected) rejected\n" }.joined()
        switch format {
        case .json: Frontend.printOutput(DiagnosticJSON.render(diagnostics, summary: summary))
        case .github: Frontend.printOutput(DiagnosticGitHub.render(diagnostics) + counts)
        case .junit: Frontend.printOutput(DiagnosticJUnit.render(diagnostics, summary: summary))
        case .text:
            printDiagnostics()
            Frontend.printOutput(counts)
        }
    }

    /// A usage error found after parsing (an unknown indicator or period): the diagnostic on
    /// standard error, exit code 2 (SPEC section 2).
    func usageError(_ diagnostic: Diagnostic) -> ExitCode {
        Frontend.fail(diagnostic, exitCode: 2)
    }

    /// One diagnostic that ends a command (without the log's count line), and its exit code.
    static func fail(_ diagnostic: Diagnostic, exitCode: Int32 = 1) -> ExitCode {
        var lines = SourceLines()
        printError(DiagnosticText.render(diagnostic, lines: &lines))
        return ExitCode(exitCode)
    }

    /// A line that is not a problem (`init`'s "wrote ..."), on standard error with the diagnostics.
    static func printStatus(_ line: String) {
        printError(line + "\n")
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func printOutput(_ text: String) {
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}

extension SafeOutput.Failure {
    /// The failure as the diagnostic the command prints, located at the output file.
    func diagnostic(_ path: String) -> Diagnostic {
        .error(code, at: SourceLocation(file: path), message)
    }
}

/// Progress on stderr for long runs, only when stderr is a terminal and after about 2 seconds.
final class ProgressLine: @unchecked Sendable {
    private let start = Date()
    private let enabled = isatty(2) != 0
    private var shown = false

    func update(_ message: String) {
        guard enabled, Date().timeIntervalSince(start) > 2 else { return }
        shown = true
        Frontend.printError("\r\u{1B}[K\(message)…")
    }

    func finish() {
        if shown { Frontend.printError("\r\u{1B}[K") }
    }
}
