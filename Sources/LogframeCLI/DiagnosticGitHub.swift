import LogframeCore

/// Diagnostics as GitHub Actions workflow commands, which the runner turns into annotations on
/// the pull request's files:
///
///     ::error file=services.csv,line=7,col=14,title=field-not-in-list::"Agcabedi" in column centre ...
///
/// Escaping follows the runner's rules: in the message `%`, CR and LF become `%25`, `%0D`, `%0A`;
/// in property values `:` and `,` also become `%3A` and `%2C`. A hint follows the message on its
/// own line (an encoded LF). A diagnostic's notes follow as `::notice` annotations at their own
/// places.
enum DiagnosticGitHub {
    static func render(_ log: DiagnosticLog) -> String {
        var out = ""
        for d in log.sorted {
            var properties = locationProperties(d.location)
            properties.append("title=" + escapeProperty(d.code))
            var message = d.message
            if let hint = d.hint { message += "\nhint: " + hint }
            out += "::\(command(d.severity)) \(properties.joined(separator: ","))::\(escapeData(message))\n"
            // A note is an annotation of its own, on its own line of its file.
            for note in d.notes {
                out += "::notice \((locationProperties(note.location) + ["title=" + escapeProperty(d.code)]).joined(separator: ","))::\(escapeData(note.message))\n"
            }
        }
        for (key, count) in log.suppressed.sorted(by: { $0.key < $1.key }) {
            var properties: [String] = []
            if !key.file.isEmpty { properties.append("file=" + escapeProperty(key.file)) }
            properties.append("title=" + escapeProperty(key.code))
            let noun = key.severity == .error ? (count == 1 ? "error" : "errors") : (count == 1 ? "warning" : "warnings")
            out += "::\(command(key.severity)) \(properties.joined(separator: ","))::\(escapeData("and \(count) more \(key.code) \(noun) in this file"))\n"
        }
        return out
    }

    static func locationProperties(_ location: SourceLocation?) -> [String] {
        guard let location, !location.file.isEmpty else { return [] }
        var properties = ["file=" + escapeProperty(location.file)]
        if let line = location.line {
            properties.append("line=\(line)")
            if let column = location.column { properties.append("col=\(column)") }
        }
        return properties
    }

    static func command(_ severity: Diagnostic.Severity) -> String {
        severity == .error ? "error" : "warning"
    }

    static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
