import Foundation
import LogframeCore
import Yams

/// Shared state while reading one definitions file: the file name, the collected diagnostics,
/// and the source text (for mapping expression offsets back to lines and columns).
final class LoadContext {
    let file: String
    let source: SourceText
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, text: String) {
        self.file = file
        self.source = SourceText(text)
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    func error(_ code: String, at location: SourceLocation?, _ message: String, hint: String? = nil) {
        diagnostics.append(.error(code, at: location, message, hint: hint))
    }

    func warning(_ code: String, at location: SourceLocation?, _ message: String, hint: String? = nil) {
        diagnostics.append(.warning(code, at: location, message, hint: hint))
    }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    // MARK: Scalars

    /// A scalar's text, or nil (with an `invalid-value` error) for a mapping or a list.
    func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("invalid-value", at: location(node), "\(what) must be a single value, not \(describe(node)).")
            return nil
        }
        return scalar.string
    }

    /// A non-empty scalar string, NFC-normalised.
    func nonEmptyString(_ node: Node, _ what: String) -> String? {
        guard let text = string(node, what) else { return nil }
        if isNull(node) || text.trimmingCharacters(in: .whitespaces).isEmpty {
            error("invalid-value", at: location(node), "\(what) must not be empty.")
            return nil
        }
        return TextNormalization.nfc(text)
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "`\(s.string)`"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Text a reader sees: a string or a map of language code -> string.
    func localized(_ node: Node, _ what: String) -> LocalizedText? {
        switch node {
        case .scalar:
            guard let text = nonEmptyString(node, what) else { return nil }
            return LocalizedText(text)
        case .mapping(let mapping):
            var values: [String: String] = [:]
            for (key, value) in mapping {
                guard let language = string(key, "A language code") else { continue }
                guard let text = nonEmptyString(value, "\(what) (\(language))") else { continue }
                values[language] = text
            }
            if mapping.count == 0 {
                error("invalid-value", at: location(node), "\(what) must not be empty.")
                return nil
            }
            return values.isEmpty ? nil : LocalizedText(values: values)
        default:
            error("invalid-value", at: location(node), "\(what) must be text or a map of language to text, like {en: ..., az: ...}.")
            return nil
        }
    }

    func date(_ node: Node, _ what: String) -> CivilDate? {
        guard let text = string(node, what) else { return nil }
        guard let date = CivilDate(iso: text.trimmingCharacters(in: .whitespaces)), text.count == 10 || text.count == 11 else {
            error("invalid-value", at: location(node), "\(what) must be a date written as YYYY-MM-DD, not `\(text)`.")
            return nil
        }
        return date
    }

    func decimal(_ node: Node, _ what: String) -> ExactDecimal? {
        guard let text = string(node, what) else { return nil }
        guard let value = ExactDecimal(parsing: text.trimmingCharacters(in: .whitespaces)) else {
            error("invalid-value", at: location(node), "\(what) must be a number, not `\(text)`.")
            return nil
        }
        return value
    }

    func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            error("invalid-value", at: location(node), "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not `\(text)`.")
            return nil
        }
        return value
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard let text = string(node, what) else { return nil }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            error("invalid-value", at: location(node), "\(what) must be true or false, not `\(text)`.")
            return nil
        }
    }

    /// One of `choices` (exact spelling), with a did-you-mean hint otherwise.
    func choice(_ node: Node, _ what: String, _ choices: [String]) -> String? {
        guard let text = string(node, what) else { return nil }
        guard choices.contains(text) else {
            let hint = DidYouMean.closest(to: text, among: choices, .definitionsName).map { "Did you mean `\($0)`?" }
                ?? "Use one of: " + choices.joined(separator: ", ") + "."
            error("invalid-value", at: location(node), "\(what) must be one of \(choices.joined(separator: ", ")), not `\(text)`.", hint: hint)
            return nil
        }
        return text
    }

    /// A scalar or a list of scalars, as located strings.
    func stringList(_ node: Node, _ what: String) -> [Located<String>] {
        switch node {
        case .sequence(let sequence):
            return sequence.compactMap { item in nonEmptyString(item, what).map { Located($0, location(item)) } }
        default:
            return nonEmptyString(node, what).map { [Located($0, location(node))] } ?? []
        }
    }

    func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error("invalid-value", at: location(node), "\(what) must be a list.")
            return nil
        }
        return Array(sequence)
    }

    /// An expression written as a YAML scalar, remembered with its node for error locations.
    func expression(_ node: Node, _ what: String) -> ExpressionText? {
        guard case .scalar(let scalar) = node else {
            error("invalid-value", at: location(node), "\(what) must be an expression written as text, not \(describe(node)).",
                  hint: "An expression starting with `[`, `{` or `*` must be quoted.")
            return nil
        }
        if isNull(node) || scalar.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            error("invalid-value", at: location(node), "\(what) must not be empty.")
            return nil
        }
        return ExpressionText(text: scalar.string, scalar: scalar, location: location(node))
    }

    /// The file location of a UTF-8 byte offset inside an expression scalar.
    func location(in expression: ExpressionText, byteOffset: Int) -> SourceLocation {
        guard let mark = expression.scalar.mark,
              let (line, column) = source.position(ofValueOffset: byteOffset, value: expression.text,
                                                   style: expression.scalar.style, line: mark.line, column: mark.column)
        else { return expression.location }
        return SourceLocation(file: file, line: line, column: column)
    }
}

struct Located<T> {
    var value: T
    var location: SourceLocation
    init(_ value: T, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

struct ExpressionText {
    var text: String
    var scalar: Node.Scalar
    var location: SourceLocation
}

/// A mapping read with a fixed set of recognised keys: unknown keys are reported (with a
/// did-you-mean hint) as soon as the reader is made.
struct MappingReader {
    let node: Node
    let what: String
    private(set) var entries: [(key: String, keyNode: Node, value: Node)] = []
    private let context: LoadContext

    /// Nil (with an `invalid-value` error) when `node` is not a mapping.
    init?(_ node: Node, _ what: String, keys: [String], context: LoadContext) {
        self.node = node
        self.what = what
        self.context = context
        guard case .mapping(let mapping) = node else {
            if context.isNull(node) {
                context.error("invalid-value", at: context.location(node), "\(what) is empty; it must be a mapping of keys to values.")
            } else {
                context.error("invalid-value", at: context.location(node), "\(what) must be a mapping of keys to values, not \(context.describe(node)).")
            }
            return nil
        }
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                context.error("invalid-value", at: context.location(keyNode), "A key in \(what) must be a plain name.")
                continue
            }
            let key = scalar.string
            if !keys.isEmpty, !keys.contains(key) {
                let hint = DidYouMean.closest(to: key, among: keys, .definitionsName).map { "Did you mean `\($0)`?" }
                    ?? "Known keys: " + keys.joined(separator: ", ") + "."
                context.error("unknown-key", at: context.location(keyNode), "Unknown key `\(key)` in \(what).", hint: hint)
                continue
            }
            entries.append((key, keyNode, value))
        }
    }

    subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }

    func keyNode(_ key: String) -> Node? { entries.first { $0.key == key }?.keyNode }

    /// The value of a required key, or nil with a `missing-key` error at the mapping.
    func require(_ key: String) -> Node? {
        if let value = self[key] { return value }
        context.error("missing-key", at: context.location(node), "\(what.prefix(1).uppercased() + what.dropFirst()) is missing the required key `\(key)`.")
        return nil
    }
}
