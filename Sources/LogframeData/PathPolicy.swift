#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which files a definitions file may make logframe read (docs/validation.md, "Running validate
/// on untrusted pull requests").
///
/// A source path, once its symbolic links are resolved, must lie inside the *project folder*:
/// the root of the git work tree holding the definitions file (the nearest folder at or above
/// the definitions file's folder that has a `.git` entry; a CI checkout always has one), or,
/// outside any git work tree (a project unpacked from an archive), the folder above the
/// definitions file's folder, so the usual layout of `indicators/` beside `samples/` or `data/`
/// works. Folders given with `--allow-outside` are allowed too.
/// Nothing of a refused file is opened, so nothing of it can reach a diagnostic.
public struct PathPolicy: Sendable {
    /// The project folder, canonical (absolute, no symbolic links).
    public let projectRoot: String
    /// Canonical folders or files allowed besides the project folder.
    public let extraRoots: [String]

    /// `definitionsDirectory` is the folder of the definitions file as the user named it;
    /// `allowOutside` are the `--allow-outside` paths (relative to the working directory).
    public init(definitionsDirectory: String, allowOutside: [String] = []) {
        let base = PathPolicy.canonical(definitionsDirectory.isEmpty ? "." : definitionsDirectory)
            ?? PathPolicy.absolute(definitionsDirectory.isEmpty ? "." : definitionsDirectory)
        projectRoot = PathPolicy.workTreeRoot(containing: base) ?? PathPolicy.dirname(base)
        extraRoots = allowOutside.map { PathPolicy.canonical($0) ?? PathPolicy.absolute($0) }
    }

    /// Whether a canonical path is inside the project folder or an allowed path.
    public func allows(_ canonicalPath: String) -> Bool {
        ([projectRoot] + extraRoots).contains { root in
            root == "/" || canonicalPath == root || canonicalPath.hasPrefix(root + "/")
        }
    }

    /// The verdict on a path about to be opened.
    public enum Verdict: Equatable, Sendable {
        /// Open this canonical path (symbolic links resolved).
        case inside(String)
        /// The path does not exist (or a link dangles) and lexically stays inside: report it missing.
        case missing
        /// The path leads outside the project folder: refuse without opening it.
        case outside
    }

    public func check(_ path: String) -> Verdict {
        if let resolved = PathPolicy.canonical(path) {
            return allows(resolved) ? .inside(resolved) : .outside
        }
        // Missing: judge the deepest existing folder above it, so `../../nothing` is still refused.
        var parent = PathPolicy.absolute(path)
        while parent != "/" {
            parent = PathPolicy.dirname(parent)
            if let resolved = PathPolicy.canonical(parent) { return allows(resolved) ? .missing : .outside }
        }
        return allows("/") ? .missing : .outside
    }

    /// The folder part of a glob pattern before its first wildcard component (`data/*/x.csv` ->
    /// `data`), which must itself be inside before the pattern is expanded.
    public static func fixedPrefix(ofGlob pattern: String) -> String {
        var kept: [Substring] = []
        for part in pattern.split(separator: "/", omittingEmptySubsequences: false) {
            if part.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) { break }
            kept.append(part)
        }
        let joined = kept.joined(separator: "/")
        if joined.isEmpty { return pattern.hasPrefix("/") ? "/" : "." }
        return joined
    }

    // MARK: - Paths

    /// `realpath(3)`: absolute, symbolic links and `.`/`..` resolved; nil when it does not exist.
    public static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The path made absolute against the working directory and folded lexically.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return SourcePaths.normalize(path) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let cwd = getcwd(&buffer, buffer.count) != nil ? String(cString: buffer) : "/"
        return SourcePaths.normalize(cwd + "/" + path)
    }

    /// `path` written relative to `folder` (both as the user wrote them, relative to the working
    /// directory or absolute), lexically: what a definitions file in `folder` would write to
    /// name the file, whatever the working directory.
    public static func relative(_ path: String, toFolder folder: String) -> String {
        let target = absolute(path).split(separator: "/")
        let base = absolute(folder.isEmpty ? "." : folder).split(separator: "/")
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The nearest folder at or above `directory` (canonical) holding a `.git` folder or file.
    static func workTreeRoot(containing directory: String) -> String? {
        var folder = directory
        while true {
            var info = stat()
            if lstat(folder == "/" ? "/.git" : folder + "/.git", &info) == 0 { return folder }
            if folder == "/" { return nil }
            folder = dirname(folder)
        }
    }
}
