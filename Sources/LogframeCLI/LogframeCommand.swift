import LogframeCore
import ArgumentParser
import Foundation

/// The `logframe` command: thin subcommands over one frontend (`Frontend`) that owns the stages
/// and the diagnostics.
public struct LogframeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "logframe",
        abstract: "Compute a programme's indicators from its activity logs and write donor progress reports.",
        version: "0.1.0",
        subcommands: [InitCommand.self, ReportCommand.self, ValidateCommand.self, ExplainCommand.self, SQLCommand.self])

    public init() {}

    /// Runs the command line with SPEC section 2's exit codes: 0 success, 1 problems in the
    /// user's files, 2 usage errors (ArgumentParser's own default would be 64).
    public static func runMain(arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .failure ? 1 : 2)
        }
    }
}

/// Options every command that reads a definitions file shares.
struct DefinitionsOptions: ParsableArguments {
    @Argument(help: "The programme's definitions file (YAML).")
    var definitions: String

    @Flag(help: "Treat warnings as errors (exit code 1).")
    var strict = false

    @Option(name: .customLong("allow-outside"), help: ArgumentHelp(
        "Let sources read files in this folder (or this file) although it is outside the project folder. Repeatable.",
        valueName: "path"))
    var allowOutside: [String] = []

    @Option(name: .customLong("max-cell-bytes"), help: ArgumentHelp(
        "The longest cell a data file may have, in bytes (default 1048576, 1 MiB); a longer cell is an error.",
        valueName: "bytes"))
    var maxCellBytes: Int?

    @Flag(name: .customLong("show-personal"), help: ArgumentHelp(
        "Show personal values (names, phone numbers, ids) in diagnostics and listings instead of masking them. Local terminal use only: refused when CI is set or the output is not a terminal (see --force-show-personal)."))
    var showPersonal = false

    @Flag(name: .customLong("force-show-personal"), help: ArgumentHelp(
        "Show personal values even in CI or into a file or pipe. Never use this in a public CI log."))
    var forceShowPersonal = false

    func validate() throws {
        if let maxCellBytes, maxCellBytes < 1 { throw ValidationError("--max-cell-bytes must be a positive number of bytes.") }
        if showPersonal, !forceShowPersonal, let reason = PersonalDisplay.refusal(environment: ProcessInfo.processInfo.environment) {
            throw ValidationError("--show-personal is for a local terminal only: \(reason). Personal values stay masked; use --force-show-personal if you really mean it (never in a public CI log).")
        }
    }

    /// Whether personal values are shown unmasked in this run.
    var revealsPersonal: Bool { showPersonal || forceShowPersonal }
}

/// When `--show-personal` is refused (docs/data-protection.md).
enum PersonalDisplay {
    static func refusal(environment: [String: String], stdoutIsTerminal: Bool = isatty(1) == 1,
                        stderrIsTerminal: Bool = isatty(2) == 1) -> String? {
        if let ci = environment["CI"], !ci.isEmpty, !["false", "0", "no"].contains(ci.lowercased()) {
            return "CI is set (CI=\(ControlCharacters.quote(ci, limit: 20)))"
        }
        if !stdoutIsTerminal || !stderrIsTerminal { return "the output is not a terminal" }
        return nil
    }
}
