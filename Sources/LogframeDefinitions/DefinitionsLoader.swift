import LogframeCore

// TEMPORARY STUB: the definitions helper replaces this with the real loader.
public enum DefinitionsLoader {
    /// Loads, validates and resolves a definitions file. Gathers every problem; returns nil
    /// definitions when any error was found.
    public static func load(path: String) -> (definitions: Definitions?, diagnostics: [Diagnostic]) {
        fatalError("not implemented")
    }
}
