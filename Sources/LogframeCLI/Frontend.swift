import Foundation
import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeEngine

/// Wires the stages for the commands and owns what they print about problems.
struct Frontend {
    var strict: Bool
    var diagnostics = DiagnosticLog()

    init(strict: Bool) { self.strict = strict }

    /// Loads the definitions a command's shared options name, with their `--allow-outside` and
    /// `--max-cell-bytes`.
    mutating func loadDefinitions(_ options: DefinitionsOptions) -> Definitions? {
        let definitions = loadDefinitions(options.definitions, allowOutside: options.allowOutside, maxCellBytes: options.maxCellBytes)
        return options.revealsPersonal ? definitions?.revealingPersonalValues() : definitions
    }

    /// Loads the definitions; on errors prints them and returns nil. `allowOutside` are the
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

    /// Computes every indicator as of `asOf` (YYYY-MM-DD; by default the programme's end or
    /// today, whichever is earlier), with a progress line on a terminal, and keeps the pass's
    /// diagnostics.
    mutating func compute(_ definitions: Definitions, asOf: String?) -> EngineResult {
        let date = asOf.flatMap { CivilDate(iso: $0) } ?? min(definitions.programme.end, Today.date)
        let progress = ProgressLine()
        let result = Engine.run(definitions: definitions, asOf: date, options: Frontend.engineOptions, progress: progress.update)
        progress.finish()
        diagnostics.merge(result.log)
        return result
    }

    /// The exit code for what was found: 1 for any error (or warning with --strict).
    var exitCode: Int32 {
        if diagnostics.errorCount > 0 { return 1 }
        if strict && diagnostics.warningCount > 0 { return 1 }
        return 0
    }

    func printDiagnostics() {
        let text = DiagnosticText.render(diagnostics)
        if !text.isEmpty { FileHandle.standardError.write(Data(text.utf8)) }
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
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)…".utf8))
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
