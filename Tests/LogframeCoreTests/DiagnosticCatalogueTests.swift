import Foundation
import Testing
import LogframeCore

/// The diagnostic codes are a contract (CI annotations, tools and users' scripts match on them):
/// the sources report exactly the codes of `DiagnosticCode`, and docs/validation.md lists
/// exactly those.
@Suite("Diagnostic catalogue")
struct DiagnosticCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every kebab-case code the sources pass where a diagnostic is made: `.error("…"`,
    /// `.warning("…"`, `fail("…"`, `ExpressionError(code: "…"`, and the codes field problems
    /// are reported with (`return "…"` in FieldDecoder), by file.
    static func codesInSources() throws -> [String: [String]] {
        let patterns = [
            #"(?:error|warning|fail)\(\s*"([a-z0-9]+(?:-[a-z0-9]+)+)""#,
            #"Diagnostic\(\.(?:error|warning),\s*"([a-z0-9]+(?:-[a-z0-9]+)+)""#,
            #"code:\s*"([a-z0-9]+(?:-[a-z0-9]+)+)""#,
            #"code\s*=\s*"([a-z0-9]+(?:-[a-z0-9]+)+)""#,
        ].map { try! NSRegularExpression(pattern: $0) }
        let fieldProblem = try NSRegularExpression(pattern: #"return "([a-z0-9]+(?:-[a-z0-9]+)+)""#)
        var found: [String: [String]] = [:]
        let sources = root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            var regexes = patterns
            if url.lastPathComponent == "FieldDecoder.swift" { regexes.append(fieldProblem) }
            for regex in regexes {
                for match in regex.matches(in: text, range: range) {
                    let code = String(text[Range(match.range(at: 1), in: text)!])
                    found[code, default: []].append(url.path.replacingOccurrences(of: root.path + "/", with: ""))
                }
            }
        }
        return found
    }

    /// The codes in the table of docs/validation.md's "Codes" section.
    static func codesInDocs() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/validation.md"), encoding: .utf8)
        guard let start = text.range(of: "\n## Codes\n") else { return [] }
        let section = text[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        return section[..<end].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
    }

    @Test("The sources report only catalogued codes, and every catalogued code is reported somewhere")
    func sourcesMatchCatalogue() throws {
        let used = try Self.codesInSources()
        #expect(used.count >= 50, "the scan found \(used.count) codes: has the way diagnostics are made changed?")
        let catalogue = Set(DiagnosticCode.allCases.map(\.rawValue))
        for (code, files) in used.sorted(by: { $0.key < $1.key }) where !catalogue.contains(code) {
            Issue.record("`\(code)` (\(Set(files).sorted().joined(separator: ", "))) is not in DiagnosticCode")
        }
        for code in catalogue.sorted() where used[code] == nil {
            Issue.record("`\(code)` is in DiagnosticCode but no source reports it")
        }
    }

    @Test("docs/validation.md lists every code once, and no other")
    func docsListEveryCode() throws {
        let documented = try Self.codesInDocs()
        let catalogue = DiagnosticCode.allCases.map(\.rawValue)
        #expect(documented.count == Set(documented).count, "listed twice: \(documented.filter { c in documented.filter { $0 == c }.count > 1 })")
        for code in catalogue where !documented.contains(code) {
            Issue.record("`\(code)` is missing from the Codes table of docs/validation.md")
        }
        for code in documented where !catalogue.contains(code) {
            Issue.record("docs/validation.md lists `\(code)`, which is not in DiagnosticCode")
        }
    }

    @Test("Codes are stable kebab-case")
    func kebabCase() {
        for code in DiagnosticCode.allCases {
            #expect(code.rawValue.range(of: #"^[a-z0-9]+(-[a-z0-9]+)+$"#, options: .regularExpression) != nil, "\(code.rawValue)")
        }
    }
}
