import CYaml
import LogframeCore

/// Limits checked before a definitions file is composed into a node tree (SPEC section 11).
///
/// The scan runs libyaml's event parser (the same parser Yams uses) once over the text and
/// refuses, in bounded time and memory:
/// - more than `maxAliases` aliases, or aliases whose expansion would add more than
///   `maxExpandedNodes` nodes (`yaml-alias-bomb`, the "billion laughs" shape). Only what aliases
///   add is counted: a large file without aliases is bounded by its size (10 MB), not refused;
/// - mappings/sequences nested deeper than `maxDepth` (`yaml-too-deep`);
/// - YAML syntax errors (`yaml-syntax`), located at libyaml's problem mark;
/// - the same key twice in one mapping (`duplicate-key`), located at the second occurrence.
enum YAMLSafety {
    static let maxBytes = 10 * 1024 * 1024
    static let maxAliases = 100
    static let maxExpandedNodes = 100_000
    static let maxDepth = 64

    private struct Frame {
        var anchor: String?
        var isMapping: Bool
        var size = 1
        var childCount = 0
        /// The mapping's keys so far, each where it was first written.
        var keys: [String: SourceLocation] = [:]
    }

    /// Returns the problems that prevent composing the text; empty when it is safe to compose.
    static func scan(_ text: String, file: String) -> [Diagnostic] {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return [.error("yaml-syntax", at: SourceLocation(file: file), "The YAML parser could not start.")]
        }
        defer { yaml_parser_delete(&parser) }
        var diagnostics: [Diagnostic] = []
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var frames: [Frame] = []
            var anchors: [String: Int] = [:]
            var aliases = 0
            /// Nodes the aliases would add when expanded (nested aliases included).
            var expanded = 0

            func location(_ mark: yaml_mark_t) -> SourceLocation {
                SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
            }
            /// Registers a node beginning; returns whether it is in a mapping-key position.
            func begin() -> Bool {
                guard !frames.isEmpty else { return false }
                let isKey = frames[frames.count - 1].isMapping && frames[frames.count - 1].childCount % 2 == 0
                frames[frames.count - 1].childCount += 1
                return isKey
            }
            func add(_ size: Int) {
                if !frames.isEmpty { frames[frames.count - 1].size += size }
            }
            func cString(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
                guard let pointer else { return nil }
                return String(cString: pointer)
            }

            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    diagnostics.append(syntaxError(parser, file: file))
                    return
                }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    let isKey = begin()
                    add(1)
                    if let anchor = cString(event.data.scalar.anchor) { anchors[anchor] = 1 }
                    if isKey, let value = event.data.scalar.value {
                        let key = String(decoding: UnsafeBufferPointer(start: value, count: event.data.scalar.length), as: UTF8.self)
                        if let first = frames[frames.count - 1].keys[key] {
                            diagnostics.append(.error("duplicate-key", at: location(mark),
                                "The key `\(key)` appears twice in the same mapping.",
                                hint: "Remove or rename one of them; YAML keeps only one value per key.",
                                notes: [.init(at: first, "the first `\(key)` is here")]))
                        } else {
                            frames[frames.count - 1].keys[key] = location(mark)
                        }
                    }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    _ = begin()
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = isMapping ? cString(event.data.mapping_start.anchor) : cString(event.data.sequence_start.anchor)
                    frames.append(Frame(anchor: anchor, isMapping: isMapping))
                    if frames.count > maxDepth {
                        diagnostics.append(.error("yaml-too-deep", at: location(mark),
                            "The definitions nest more than \(maxDepth) levels deep here.",
                            hint: "A definitions file needs only a few levels; check the indentation or brackets."))
                        return
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = frames.popLast() else { break }
                    if let anchor = frame.anchor { anchors[anchor] = frame.size }
                    if !frames.isEmpty { frames[frames.count - 1].size += frame.size }
                case YAML_ALIAS_EVENT:
                    _ = begin()
                    aliases += 1
                    let size = cString(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                    add(size)
                    expanded += size
                    if aliases > maxAliases {
                        diagnostics.append(.error("yaml-alias-bomb", at: location(mark),
                            "The definitions use more than \(maxAliases) YAML aliases (`*name`).",
                            hint: "Write the values out instead of repeating anchors."))
                        return
                    }
                default:
                    break
                }
                if expanded > maxExpandedNodes {
                    diagnostics.append(.error("yaml-alias-bomb", at: location(mark),
                        "The YAML aliases here would expand to more than \(maxExpandedNodes) values.",
                        hint: "A definitions file this large is almost certainly an alias bomb; write the values out."))
                    return
                }
            }
        }
        return diagnostics
    }

    private static func syntaxError(_ parser: yaml_parser_t, file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let mark = parser.problem_mark
        var message = "The YAML is not valid: \(problem)"
        if let context { message += " (\(context))" }
        message += "."
        return .error("yaml-syntax", at: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
                      message, hint: "Check the indentation, colons and quotes on this line and the one before.")
    }
}
