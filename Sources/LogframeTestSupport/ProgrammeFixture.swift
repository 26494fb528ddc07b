import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport

/// A programme written to a temporary folder, a definitions file and its logs, loaded as a user's
/// would be. Shared by the test targets (it is not part of the `logframe` product).
public struct ProgrammeFixture {
    public let directory: URL
    public let definitions: Definitions

    public enum Failure: Error, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self { case .invalid(let text): return text }
        }
    }

    /// - Parameter files: file name -> contents (CSV or XML text), written beside `defs.yml`.
    public init(_ yaml: String, files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("logframe-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        let path = directory.appendingPathComponent("defs.yml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let (definitions, diagnostics) = DefinitionsLoader.load(path: path)
        guard let definitions else {
            throw Failure.invalid(diagnostics.map { "\($0.location?.description ?? ""): \($0.message) [\($0.code)]" }.joined(separator: "\n"))
        }
        self.definitions = definitions
    }

    public func run(asOf: String, options: EngineOptions = EngineOptions()) -> EngineResult {
        Engine.run(definitions: definitions, asOf: CivilDate(iso: asOf)!, options: options)
    }

    /// The report input, with file paths made relative to the fixture's folder (temporary
    /// folder names differ per run; golden files must not).
    public func input(asOf: String, language: String = "en") -> ReportInput {
        var result = run(asOf: asOf)
        let prefix = directory.path + "/"
        for i in result.sources.indices {
            result.sources[i].files = result.sources[i].files.map { (path: $0.path.replacingOccurrences(of: prefix, with: ""), sha256: $0.sha256) }
        }
        return ReportInput(definitions: definitions, result: result, language: language)
    }
}
