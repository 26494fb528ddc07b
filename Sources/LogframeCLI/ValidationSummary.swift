import LogframeCore
import LogframeData

/// What `validate` found besides the diagnostics: the definitions file and, per source, its
/// files and row counts. Shared by the machine-readable diagnostics formats.
struct ValidationSummary {
    struct Source {
        var id: String
        var files: [SourceFileInfo]
        var rowsRead: Int
        var rowsUsed: Int
        var rowsRejected: Int
    }

    var definitionsFile: String
    var sources: [Source] = []
    /// Whether warnings fail the run (`--strict`).
    var strict: Bool

    /// Every file a diagnostic can point to, definitions first, then the sources' files in
    /// declaration order, then any other file a diagnostic names (a missing file, say).
    func files(for log: DiagnosticLog) -> [String] {
        var files = [definitionsFile]
        for source in sources {
            for file in source.files where !files.contains(file.path) { files.append(file.path) }
        }
        var seen = Set(files)
        for diagnostic in log.sorted {
            let file = diagnostic.location?.file ?? ""
            if !file.isEmpty, seen.insert(file).inserted { files.append(file) }
        }
        for key in log.suppressed.keys.sorted() where !key.file.isEmpty && seen.insert(key.file).inserted {
            files.append(key.file)
        }
        return files
    }
}
