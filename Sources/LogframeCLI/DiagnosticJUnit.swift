import LogframeCore

/// Diagnostics as a JUnit XML report, for CI systems that show test results (GitLab, Jenkins,
/// Azure DevOps, GitHub test-report actions). Each checked file is one test case: the
/// definitions file (class `definitions`), each data file (class `source.ID`), and any other file
/// a diagnostic names. A file with errors (or, with `--strict`, warnings) fails: its `<failure>`
/// lists every diagnostic of the file, one per line as `validate --format text` prints the first
/// line of each. Warnings of a passing file, and a data file's row counts, go to `<system-out>`.
enum DiagnosticJUnit {
    static func render(_ log: DiagnosticLog, summary: ValidationSummary) -> String {
        let files = summary.files(for: log)
        var byFile: [String: [Diagnostic]] = [:]
        for d in log.sorted {
            let file = d.location?.file ?? ""
            byFile[file.isEmpty ? summary.definitionsFile : file, default: []].append(d)
        }
        var suppressedByFile: [String: [(DiagnosticLog.SuppressedKey, Int)]] = [:]
        for (key, count) in log.suppressed.sorted(by: { $0.key < $1.key }) {
            suppressedByFile[key.file.isEmpty ? summary.definitionsFile : key.file, default: []].append((key, count))
        }

        var cases = ""
        var failures = 0
        for file in files {
            let diagnostics = byFile[file] ?? []
            let suppressed = suppressedByFile[file] ?? []
            var errors = diagnostics.filter { $0.severity == .error }.count
            var warnings = diagnostics.count - errors
            for (key, count) in suppressed {
                if key.severity == .error { errors += count } else { warnings += count }
            }
            let source = summary.sources.first { $0.files.contains { $0.path == file } }
            let classname = file == summary.definitionsFile ? "definitions" : source.map { "source.\($0.id)" } ?? "files"
            var lines = diagnostics.map(line)
            for (key, count) in suppressed {
                let noun = key.severity == .error ? (count == 1 ? "error" : "errors") : (count == 1 ? "warning" : "warnings")
                lines.append("\(file): \(key.severity.rawValue): and \(count) more \(key.code) \(noun) in this file [\(key.code)]")
            }
            var systemOut: [String] = []
            if let info = source?.files.first(where: { $0.path == file }) {
                systemOut.append("\(info.rowsRead) rows read, \(info.rowsUsed) used, \(info.rowsRejected) rejected; sha256 \(info.sha256)")
            }
            let fails = errors > 0 || (summary.strict && warnings > 0)
            cases += "    <testcase classname=\"\(escape(classname))\" name=\"\(escape(file))\""
            if !fails && lines.isEmpty && systemOut.isEmpty {
                cases += "/>\n"
                continue
            }
            cases += ">\n"
            if fails {
                failures += 1
                let message = "\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")"
                cases += "      <failure message=\"\(escape(message))\" type=\"\(escape(firstCode(diagnostics, suppressed)))\">"
                cases += escape(lines.joined(separator: "\n")) + "</failure>\n"
            } else {
                systemOut = lines + systemOut
            }
            if !systemOut.isEmpty {
                cases += "      <system-out>" + escape(systemOut.joined(separator: "\n")) + "</system-out>\n"
            }
            cases += "    </testcase>\n"
        }
        let counts = "tests=\"\(files.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\""
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="logframe validate" \(counts)>
          <testsuite name="\(escape(summary.definitionsFile))" \(counts)>
        \(cases)  </testsuite>
        </testsuites>

        """
    }

    /// One diagnostic on one line: `path:line:col: severity: message [code] (hint: ...)`, then
    /// each note: `(note: path:line:col: message)`.
    static func line(_ d: Diagnostic) -> String {
        var text = d.location.map { $0.description + ": " } ?? ""
        text += "\(d.severity.rawValue): \(d.message) [\(d.code)]"
        if let hint = d.hint { text += " (hint: \(hint))" }
        for note in d.notes {
            text += " (note: " + (note.location.map { $0.description + ": " } ?? "") + note.message + ")"
        }
        return text
    }

    private static func firstCode(_ diagnostics: [Diagnostic], _ suppressed: [(DiagnosticLog.SuppressedKey, Int)]) -> String {
        diagnostics.first { $0.severity == .error }?.code ?? suppressed.first?.0.code ?? diagnostics.first?.code ?? "warning"
    }

    /// XML text and attribute escaping (`XMLEscaper.junit`).
    static func escape(_ text: String) -> String {
        XMLEscaper.junit.escape(text)
    }
}
