import CLibXML2
import Foundation
import LogframeCore
import LogframeDefinitions

/// One XML record as raw field texts, before typing: `values[i]` is the text of field `i` of the
/// source (nil when the path matched nothing), `lines[i]` the line of the element it came from.
struct XMLRecord {
    var line: Int
    var values: [String?]
    var lines: [Int]
    /// Shallowest depth whose ancestor fields are filled in (the record's own depth at first).
    var filledDepth: Int = 0
}

/// A field path relative to the record: `ups` times `..`, then child element local names, then
/// an optional attribute (`@name`). `child/@attr`, `../@attr`, `../../meta/instanceID`, `.`.
struct XMLFieldPath: Equatable {
    var ups: Int
    var steps: [String]
    var attribute: String?

    /// Nil when the path is not of the supported form.
    init?(_ text: String) {
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "" { return nil }   // absolute paths are not supported
        ups = 0
        steps = []
        attribute = nil
        while parts.first == ".." { ups += 1; parts.removeFirst() }
        for (index, part) in parts.enumerated() {
            if part == "." { continue }
            if part.hasPrefix("@") {
                guard index == parts.count - 1, part.count > 1 else { return nil }
                attribute = XMLFieldPath.localName(String(part.dropFirst()))
                continue
            }
            guard !part.isEmpty, part != "..", !part.contains("[") else { return nil }
            steps.append(XMLFieldPath.localName(part))
        }
    }

    /// `ns:name` -> `name` (namespaces are matched by local name).
    static func localName(_ name: String) -> String {
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name
    }
}

/// Why reading an XML file stopped early.
enum XMLStop {
    case malformed(line: Int, message: String)
    case doctype(line: Int, what: String)
    case tooLarge
}

/// Deny-all loader for external entities and DTDs: nothing outside the document is ever read.
private let installDenyAllEntityLoader: Void = {
    xmlSetExternalEntityLoader { _, _, _ in nil }
}()

/// Streams the records of one XML document with libxml2's `xmlTextReader` in bounded memory.
///
/// A record is an element whose path of local names from the root equals the source's `record`.
/// While inside it, the texts and attributes its fields name are collected. Fields that reach up
/// to an ancestor (`../x`, `../../meta/instanceID`) resolve when that ancestor closes, because
/// ODK writes `meta` after the repeats: the records of the outermost ancestor any field reaches
/// are buffered until it closes (one submission, never the whole file), then emitted in order.
///
/// Security: no DTD loading, no entity substitution, no network, a deny-all external entity
/// loader, and any DOCTYPE or entity reference stops the file with `xml-doctype-refused`.
struct XMLRecordReader {
    let recordPath: [String]
    let fields: [XMLFieldPath?]
    /// Depth (root = 0) of the element each field is anchored at.
    private let anchorDepth: [Int]
    private let recordDepth: Int
    /// Shallowest anchor depth of a field that may come after the record: records are emitted
    /// when the element at this depth closes.
    private let emitDepth: Int
    /// Ancestor attributes (`../@id`) are known before the record starts: no need to wait.
    private let knownAtRecordEnd: [Bool]

    init(record: String, fields: [XMLFieldPath?]) {
        let components = record.split(separator: "/").map { XMLFieldPath.localName(String($0)) }
        let depth = components.count - 1
        let anchors = fields.map { path in path.map { depth - $0.ups } ?? -1 }
        let known = fields.map { path in path.map { $0.ups == 0 || ($0.steps.isEmpty && $0.attribute != nil) } ?? true }
        recordPath = components
        self.fields = fields
        recordDepth = depth
        anchorDepth = anchors
        knownAtRecordEnd = known
        emitDepth = Swift.min(anchors.indices.filter { anchors[$0] >= 0 && !known[$0] }.map { anchors[$0] }.min() ?? depth, depth)
    }

    private final class ErrorBox {
        var first: (line: Int, message: String)?
    }

    private struct OpenElement {
        var name: String
        /// Stack prefix equals the record path up to this depth.
        var onRecordPath: Bool
        /// Fields whose value is this element's text, collected from its text children.
        var textTargets: [Int]
        var text: String
        var line: Int
    }

    /// Reads `bytes` (or the file at `path` when too large for the in-memory API), calling
    /// `emit` for every record in document order. Returns why it stopped early, if it did.
    /// `consumed` is called now and then with how many bytes libxml2 has consumed, so the caller
    /// can let go of the pages behind.
    func read(bytes: UnsafeBufferPointer<UInt8>, path: String, consumed: ((Int) -> Void)? = nil,
              emit: (XMLRecord) -> Void) -> XMLStop? {
        _ = installDenyAllEntityLoader
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
                            | XML_PARSE_NOWARNING.rawValue)
        let reader: xmlTextReaderPtr?
        if bytes.count < Int(Int32.max), let base = bytes.baseAddress {
            reader = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                xmlReaderForMemory($0, Int32(bytes.count), path, nil, options)
            }
        } else if bytes.isEmpty {
            return .malformed(line: 1, message: "Document is empty")
        } else {
            reader = xmlReaderForFile(path, nil, options)
        }
        guard let reader else { return .malformed(line: 1, message: "libxml2 could not open the document") }
        defer { xmlFreeTextReader(reader) }
        let errors = ErrorBox()
        let box = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let errors = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
            guard errors.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
            errors.first = (Int(error.pointee.line), message.trimmingCharacters(in: .whitespacesAndNewlines))
        }, box)
        defer { withExtendedLifetime(errors) {} }

        let fieldCount = fields.count
        var stack: [OpenElement] = []
        // Values of fields anchored at each depth, for the element currently open at that depth.
        var anchored = [[String?]](repeating: [String?](repeating: nil, count: fieldCount), count: recordPath.count)
        var anchoredLines = [[Int]](repeating: [Int](repeating: 0, count: fieldCount), count: recordPath.count)
        var pending: [XMLRecord] = []
        var readCalls = 0
        var nextRelease = MappedFile.releaseStride

        let elementType = Int32(XML_READER_TYPE_ELEMENT.rawValue)
        let endType = Int32(XML_READER_TYPE_END_ELEMENT.rawValue)
        let textTypes: Set<Int32> = [Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                                      Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue),
                                      Int32(XML_READER_TYPE_WHITESPACE.rawValue)]
        let doctypeType = Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue)
        let entityTypes: Set<Int32> = [Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue), Int32(XML_READER_TYPE_ENTITY.rawValue)]

        func currentLine() -> Int {
            if let node = xmlTextReaderCurrentNode(reader) {
                let line = Int(xmlGetLineNo(node))
                if line > 0 { return line }
            }
            return Int(xmlTextReaderGetParserLineNumber(reader))
        }

        /// Closes the element on top of the stack.
        func close() {
            let element = stack.removeLast()
            let depth = stack.count
            for index in element.textTargets {
                let anchor = anchorDepth[index]
                if anchored[anchor][index] == nil {
                    anchored[anchor][index] = element.text
                    anchoredLines[anchor][index] = element.line
                }
            }
            guard element.onRecordPath, depth <= recordDepth else { return }
            if depth == recordDepth {
                var record = XMLRecord(line: element.line, values: [String?](repeating: nil, count: fieldCount),
                                       lines: [Int](repeating: element.line, count: fieldCount), filledDepth: recordDepth)
                for index in 0..<fieldCount where knownAtRecordEnd[index] && anchorDepth[index] >= 0 {
                    let anchor = anchorDepth[index]
                    record.values[index] = anchored[anchor][index]
                    if anchored[anchor][index] != nil { record.lines[index] = anchoredLines[anchor][index] }
                }
                pending.append(record)
            } else if depth >= emitDepth {
                // Only the records inside this element: they have been filled up to depth + 1.
                for r in pending.indices where pending[r].filledDepth == depth + 1 {
                    pending[r].filledDepth = depth
                    for index in 0..<fieldCount where anchorDepth[index] == depth && !knownAtRecordEnd[index] {
                        pending[r].values[index] = anchored[depth][index]
                        if anchored[depth][index] != nil { pending[r].lines[index] = anchoredLines[depth][index] }
                    }
                }
            }
            if depth == emitDepth {
                for record in pending { emit(record) }
                pending.removeAll(keepingCapacity: true)
            }
        }

        while true {
            let status = xmlTextReaderRead(reader)
            readCalls &+= 1
            if readCalls & 0xFFFF == 0, let consumed {
                let offset = Int(xmlTextReaderByteConsumed(reader))
                if offset > nextRelease {
                    consumed(offset - (1 << 20))
                    nextRelease = offset + MappedFile.releaseStride
                }
            }
            if status == 0 { break }
            if status < 0 {
                let message = errors.first?.message ?? "the document is not well-formed XML"
                return .malformed(line: errors.first?.line ?? Int(xmlTextReaderGetParserLineNumber(reader)), message: message)
            }
            let type = xmlTextReaderNodeType(reader)
            if type == elementType {
                let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
                let depth = stack.count
                let parentOnPath = depth == 0 || stack[depth - 1].onRecordPath
                let onPath = parentOnPath && depth < recordPath.count && recordPath[depth] == name
                let line = currentLine()
                if onPath {
                    for index in 0..<fieldCount { anchored[depth][index] = nil }
                }
                var element = OpenElement(name: name, onRecordPath: onPath, textTargets: [], text: "", line: line)
                stack.append(element)
                // Which fields does this element answer?
                for index in 0..<fieldCount {
                    guard let path = fields[index] else { continue }
                    let anchor = anchorDepth[index]
                    guard anchor >= 0, depth == anchor + path.steps.count, stack[anchor].onRecordPath,
                          anchored[anchor][index] == nil else { continue }
                    var matches = true
                    for (offset, step) in path.steps.enumerated() where stack[anchor + 1 + offset].name != step {
                        matches = false
                        break
                    }
                    guard matches else { continue }
                    if let attribute = path.attribute {
                        if let value = attributeValue(reader, localName: attribute) {
                            anchored[anchor][index] = value
                            anchoredLines[anchor][index] = line
                        }
                    } else {
                        element.textTargets.append(index)
                    }
                }
                stack[depth] = element
                if xmlTextReaderIsEmptyElement(reader) == 1 { close() }
            } else if type == endType {
                if !stack.isEmpty { close() }
            } else if textTypes.contains(type) {
                if let top = stack.indices.last, !stack[top].textTargets.isEmpty,
                   let value = xmlTextReaderConstValue(reader) {
                    stack[top].text += String(cString: value)
                }
            } else if type == doctypeType {
                return .doctype(line: currentLine(), what: "a DOCTYPE declaration")
            } else if entityTypes.contains(type) {
                return .doctype(line: currentLine(), what: "an entity reference")
            }
        }
        if let first = errors.first { return .malformed(line: first.line, message: first.message) }
        if !stack.isEmpty { return .malformed(line: currentLine(), message: "the document ends inside <\(stack.last!.name)>") }
        return nil
    }

    /// The value of the current element's attribute with this local name.
    private func attributeValue(_ reader: xmlTextReaderPtr, localName: String) -> String? {
        guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return nil }
        defer { xmlTextReaderMoveToElement(reader) }
        repeat {
            if let name = xmlTextReaderConstLocalName(reader), String(cString: name) == localName {
                return xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
            }
        } while xmlTextReaderMoveToNextAttribute(reader) == 1
        return nil
    }
}
