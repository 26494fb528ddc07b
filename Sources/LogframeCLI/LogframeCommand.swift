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

    func validate() throws {
        if let maxCellBytes, maxCellBytes < 1 { throw ValidationError("--max-cell-bytes must be a positive number of bytes.") }
    }
}
