import ArgumentParser
import LogframeCore
import LogframeReport

/// A command-line option whose values are a fixed list: `--format`, `--style`, `--lang`.
///
/// `--help` lists the values (ArgumentParser shows `allValueStrings`); a wrong value is a usage
/// error (exit 2) that names the valid ones and, when one is close, suggests it with the one
/// did-you-mean helper:
///
///     Unknown format "jsn"; use md, csv, html, xlsx or json. Did you mean "json"?
protocol OptionValue: RawRepresentable, CaseIterable, ExpressibleByArgument, Sendable where RawValue == String {
    /// What the value is, in the error for a wrong one: `format`, `style`, `diagnostics format`.
    static var noun: String { get }
}

extension OptionValue {
    init?(argument: String) { self.init(rawValue: argument) }

    /// The values as a sentence: `md, csv, html, xlsx or json`.
    static var valueList: String {
        let values = allCases.map(\.rawValue)
        guard values.count > 1 else { return values.joined() }
        return values.dropLast().joined(separator: ", ") + " or " + values.last!
    }

    /// The value written `text`, or the usage error for it.
    static func parse(_ text: String) throws -> Self {
        if let value = Self(rawValue: text) { return value }
        throw ValidationError(unknown(text))
    }

    /// The message for a value not in the list.
    static func unknown(_ text: String) -> String {
        var message = "Unknown \(noun) \"\(text)\"; use \(valueList)."
        if let guess = DidYouMean.closest(to: text, among: allCases.map(\.rawValue), .commandLineId) {
            message += " Did you mean \"\(guess)\"?"
        }
        return message
    }
}

/// `report --format`: the output format.
enum ReportFormat: String, OptionValue {
    case md, csv, html, xlsx, json
    /// Exports for the systems donors and governments ingest (LogframeExport).
    case iati, dhis2, dhis2CSV = "dhis2-csv", adx
    static let noun = "format"

    /// The DHIS2 formats, which need the codes of a `--map` file.
    var isDHIS2: Bool { self == .dhis2 || self == .dhis2CSV || self == .adx }

    /// The format an output file's extension names (`report.htm` is HTML), nil without one.
    /// An extension that names no format is returned as written, for the usage error.
    static func fromExtension(_ ext: String) -> Result<ReportFormat, UnknownExtension>? {
        switch ext.lowercased() {
        case "": return nil
        case "markdown": return .success(.md)
        case "htm": return .success(.html)
        case let other: return ReportFormat(rawValue: other).map { .success($0) } ?? .failure(UnknownExtension(text: other))
        }
    }

    struct UnknownExtension: Error { let text: String }
}

/// `report --style`: the donor style (the styles `ReportStyles.all` builds).
enum ReportStyle: String, OptionValue {
    case eu, undp, unicef, iptt, pirs, sdg
    static let noun = "style"
}

/// `report --lang`: the report's language (`Localization.languages`).
enum ReportLanguage: String, OptionValue {
    case en, az
    static let noun = "language"
}

/// `validate --format`: how the diagnostics are written.
enum DiagnosticsFormat: String, OptionValue {
    case text, json, github, junit
    static let noun = "diagnostics format"
}
