import LogframeCore

/// Diagnostics as one JSON document (SPEC section 7), keys in a fixed order:
///
///     {"diagnostics": [{"severity", "code", "file", "line", "column", "message", "hint"}],
///      "suppressed": [{"severity", "code", "file", "count"}],
///      "summary": {"errors", "warnings", "sources": [{"id", "rowsRead", "rowsUsed", "rowsRejected", "files"}]}}
///
/// `line`, `column` and `hint` are null when unknown; `file` is null for a problem with no file.
/// A diagnostic with notes (a `duplicate-key`'s first occurrence) has `"notes": [{"file",
/// "line", "column", "message"}]` after its `hint`; one without has no `notes` key.
/// `suppressed` lists, per file and code, the diagnostics beyond the cap of 100 that were
/// counted (in `errors`/`warnings`) but not listed.
enum DiagnosticJSON {
    static func render(_ log: DiagnosticLog, summary: ValidationSummary) -> String {
        func place(_ location: SourceLocation?) -> [(String, JSON)] {
            [("file", location.map { .string($0.file) } ?? .null),
             ("line", location?.line.map { .number(String($0)) } ?? .null),
             ("column", location?.column.map { .number(String($0)) } ?? .null)]
        }
        let diagnostics: [JSON] = log.sorted.map { d in
            var members: [(String, JSON)] = [("severity", .string(d.severity.rawValue)), ("code", .string(d.code))]
            members += place(d.location)
            members += [("message", .string(d.message)), ("hint", d.hint.map { .string($0) } ?? .null)]
            if !d.notes.isEmpty {
                members.append(("notes", .array(d.notes.map { .object(place($0.location) + [("message", .string($0.message))]) })))
            }
            return .object(members)
        }
        let suppressed: [JSON] = log.suppressed.sorted { $0.key < $1.key }.map { key, count in
            .object([
                ("severity", .string(key.severity.rawValue)),
                ("code", .string(key.code)),
                ("file", key.file.isEmpty ? .null : .string(key.file)),
                ("count", .number(String(count))),
            ])
        }
        let sources: [JSON] = summary.sources.map { source in
            .object([
                ("id", .string(source.id)),
                ("rowsRead", .number(String(source.rowsRead))),
                ("rowsUsed", .number(String(source.rowsUsed))),
                ("rowsRejected", .number(String(source.rowsRejected))),
                ("files", .array(source.files.map { file in
                    .object([
                        ("path", .string(file.path)),
                        ("sha256", .string(file.sha256)),
                        ("rowsRead", .number(String(file.rowsRead))),
                        ("rowsUsed", .number(String(file.rowsUsed))),
                        ("rowsRejected", .number(String(file.rowsRejected))),
                    ])
                })),
            ])
        }
        return JSON.object([
            ("diagnostics", .array(diagnostics)),
            ("suppressed", .array(suppressed)),
            ("summary", .object([
                ("errors", .number(String(log.errorCount))),
                ("warnings", .number(String(log.warningCount))),
                ("sources", .array(sources)),
            ])),
        ]).serialized()
    }
}
