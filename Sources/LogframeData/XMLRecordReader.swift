import CLibXML2
import Foundation
import LogframeCore
import LogframeDefinitions

/// One XML record as raw field texts, before typing, lent to `emit` for the duration of the call:
/// `values[i]` holds the UTF-8 bytes of field `i` of the source (nil when the path matched
/// nothing), `lines[i]` the line of the element it came from (the record's line when nil).
struct XMLRecord {
    var line: Int
    var values: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>?>
    var lines: UnsafeBufferPointer<Int>

    /// The bytes of a field that matched nothing: read as empty text.
    nonisolated(unsafe) static let empty: UnsafeBufferPointer<UInt8> = {
        let byte = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        byte.initialize(to: 0)
        return UnsafeBufferPointer(start: byte, count: 0)
    }()
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
enum XMLStop: Equatable {
    case malformed(line: Int, message: String)
    case doctype(line: Int, what: String)
}

/// Deny-all loader for external entities and DTDs: nothing outside the document is ever read.
private let installDenyAllEntityLoader: Void = {
    xmlInitParser()
    xmlSetExternalEntityLoader { _, _, _ in nil }
}()

/// Streams the records of one XML document with libxml2's SAX2 push parser in bounded memory.
///
/// A record is an element whose path of local names from the root equals the source's `record`.
/// While inside it, the texts and attributes its fields name are collected. Fields that reach up
/// to an ancestor (`../x`, `../../meta/instanceID`) resolve when that ancestor closes, because
/// ODK writes `meta` after the repeats: the records of the outermost ancestor any field reaches
/// are buffered until it closes (one submission, never the whole file), then emitted in order.
///
/// No tree is built: element and attribute names are compared as libxml2 dictionary pointers,
/// and only the texts of elements a field names are kept. The checks libxml2's tree builder made
/// for `xmlTextReader` (which this reader replaced) are kept: nesting deeper than
/// `xmlParserMaxDepth`, a text node over `XML_MAX_TEXT_LENGTH` and `xml:id` values that are not
/// NCNames or repeat stop or fail the file with the same messages.
///
/// Security: no DTD loading, no entity substitution, no network, a deny-all external entity
/// loader, and any DOCTYPE or entity reference stops the file with `xml-doctype-refused`.
struct XMLRecordReader {
    let recordPath: [String]
    let fields: [XMLFieldPath?]
    /// Depth (root = 0) of the element each field is anchored at.
    fileprivate let anchorDepth: [Int]
    fileprivate let recordDepth: Int
    /// Shallowest anchor depth of a field that may come after the record: records are emitted
    /// when the element at this depth closes.
    fileprivate let emitDepth: Int
    /// Ancestor attributes (`../@id`) are known before the record starts: no need to wait.
    fileprivate let knownAtRecordEnd: [Bool]

    /// Bytes handed to the parser per call.
    static let chunkSize = 16 << 10
    /// The parser copies what it is handed, so the pages behind can go early: every 4 MB, all
    /// but the last 4 MB (the file's digest, running at the same time, keeps its own window).
    static let releaseStride = 4 << 20

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

    /// Parses `bytes` (`path` names it for libxml2), calling `emit` for every record in document
    /// order. Returns why it stopped early, if it did. `consumed` is called now and then with an
    /// offset below which the caller can let go of the pages.
    func read(bytes: UnsafeBufferPointer<UInt8>, path: String, consumed: ((Int) -> Void)? = nil,
              emit: (XMLRecord) -> Void) -> XMLStop? {
        _ = installDenyAllEntityLoader
        return withoutActuallyEscaping(emit) { emit in
            let session = XMLSAXSession(self, emit: emit)
            defer { session.deallocate() }
            return session.parse(bytes, path: path, consumed: consumed)
        }
    }
}

// MARK: - The parse

/// A growable byte buffer in manually managed memory (no uniqueness checks on the hot path).
/// Offsets into it stay valid; pointers only until the next append.
private struct ByteBuffer {
    var base: UnsafeMutablePointer<UInt8>
    var count = 0
    var capacity: Int

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafePointer<UInt8>, count n: Int) {
        if count + n > capacity { grow(to: count + n) }
        (base + count).update(from: bytes, count: n)
        count += n
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    mutating func grow(to needed: Int) {
        var size = Swift.max(capacity * 2, 64)
        while size < needed { size *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = size
    }

    func buffer(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: end - start)
    }

    func deallocate() { base.deallocate() }
}

/// Lists of small integers (or pointers) in manually managed memory: `items[offsets[i] ..< offsets[i + 1]]`
/// is list `i`. Read on every element without reference counting.
private struct FlatLists<Element> {
    let offsets: UnsafeMutablePointer<Int>
    let items: UnsafeMutablePointer<Element>
    let count: Int

    init(_ lists: [[Element]]) {
        count = lists.count
        offsets = .allocate(capacity: lists.count + 1)
        let all = lists.flatMap { $0 }
        items = .allocate(capacity: Swift.max(all.count, 1))
        items.initialize(from: all, count: all.count)
        var offset = 0
        for (i, list) in lists.enumerated() {
            offsets[i] = offset
            offset += list.count
        }
        offsets[lists.count] = offset
    }

    func deallocate() {
        offsets.deallocate()
        items.deallocate()
    }
}

/// A copy of `array` in manually managed memory (at least one element, so never empty).
private func manualCopy<T>(_ array: [T], padding: T) -> UnsafeMutablePointer<T> {
    let pointer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(array.count, 1))
    pointer.initialize(from: array, count: array.count)
    if array.isEmpty { pointer.initialize(to: padding) }
    return pointer
}

/// An element open in the document.
private struct OpenElement {
    /// Local name, interned in the parser's dictionary.
    var name: UnsafePointer<xmlChar>?
    /// Stack prefix equals the record path up to this depth.
    var onRecordPath: Bool
    var line: Int
    /// Fields whose value is this element's text: `targets[targetStart..<targetEnd]`.
    var targetStart: Int
    var targetEnd: Int
    /// Where this element's text starts in `text` (it runs to the end while the element is on top).
    var textStart: Int
}

/// The state of one parse, reached from libxml2's callbacks through the parser context's
/// `_private` pointer. Everything the callbacks read per element lives in manually managed
/// memory, so the hot path does no reference counting.
private final class XMLSAXSession {
    private let fieldCount: Int
    private let recordDepth: Int
    private let emitDepth: Int
    private let recordNames: [String]
    private let fieldPaths: [XMLFieldPath?]
    private let emit: (XMLRecord) -> Void

    /// Per field: depth (root = 0) of the element it is anchored at (-1: no path).
    private let anchorDepth: UnsafeMutablePointer<Int>
    /// Per field: its value is known when the record closes.
    private let knownAtRecordEnd: UnsafeMutablePointer<Bool>
    /// Per field: the path ends in an attribute.
    private let isAttribute: UnsafeMutablePointer<Bool>
    /// Per field: the attribute is `xmlns` (the default namespace declaration).
    private let attributeIsXmlns: UnsafeMutablePointer<Bool>
    /// Fields answered by an element at each depth (anchor depth + number of steps).
    private let fieldsAtDepth: FlatLists<Int>
    /// Fields anchored at each depth 0...recordDepth.
    private let fieldsAnchoredAt: FlatLists<Int>

    // Names as dictionary pointers, looked up once the parser (and its dictionary) exists.
    private var recordNamePointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?>
    private var stepPointers: FlatLists<UnsafePointer<xmlChar>?>
    private var attributePointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?>
    /// Parallel to `fieldsAtDepth.items`: the field's last step (nil: no steps, any element).
    private var lastStepPointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?>
    private var xmlPrefix: UnsafePointer<xmlChar>?
    private var idName: UnsafePointer<xmlChar>?

    // Open elements.
    private var stack: UnsafeMutablePointer<OpenElement>
    private var stackCapacity = 64
    private var depth = 0
    private var targets: UnsafeMutablePointer<Int>
    private var targetCapacity = 64
    private var targetCount = 0
    /// Texts of the open elements that are targets, one after the other.
    private var text = ByteBuffer(capacity: 4096)

    // Values of the fields anchored at each depth, for the element open at that depth:
    // `valueStart[f] ..< valueEnd[f]` in `anchored[anchorDepth[f]]`; start -1 = nothing yet.
    private let anchored: UnsafeMutablePointer<ByteBuffer>
    private let valueStart: UnsafeMutablePointer<Int>
    private let valueEnd: UnsafeMutablePointer<Int>
    private let valueLine: UnsafeMutablePointer<Int>

    // Records waiting for an ancestor's fields (only when emitDepth < recordDepth).
    private var pendingBytes = ByteBuffer(capacity: 4096)
    private var pendingStart: [Int] = []
    private var pendingEnd: [Int] = []
    private var pendingFieldLine: [Int] = []
    private var pendingLine: [Int] = []
    private var pendingFilled: [Int] = []

    // What `emit` is lent.
    private let viewValues: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>?>
    private let viewLines: UnsafeMutablePointer<Int>

    // The tree builder's checks.
    /// libxml2's `xmlParserMaxDepth` (256; logframe never changes it, and never sets XML_PARSE_HUGE).
    private static let parserMaxDepth = 256
    private let maxDepth: Int
    /// Length of the text node libxml2's tree builder would be growing (0: none).
    private var textRun = 0
    private var ids = Set<[UInt8]>()

    private(set) var firstError: (line: Int, message: String)?
    private var stop: XMLStop?
    private var halted = false
    private var context: xmlParserCtxtPtr?

    init(_ reader: XMLRecordReader, emit: @escaping (XMLRecord) -> Void) {
        fieldCount = reader.fields.count
        recordDepth = reader.recordDepth
        emitDepth = reader.emitDepth
        recordNames = reader.recordPath
        fieldPaths = reader.fields
        self.emit = emit
        var atDepth: [[Int]] = []
        var anchoredAt = [[Int]](repeating: [], count: reader.recordPath.count)
        for (index, path) in reader.fields.enumerated() {
            guard let path, reader.anchorDepth[index] >= 0 else { continue }
            let anchor = reader.anchorDepth[index]
            let target = anchor + path.steps.count
            while atDepth.count <= target { atDepth.append([]) }
            atDepth[target].append(index)
            anchoredAt[anchor].append(index)
        }
        fieldsAtDepth = FlatLists(atDepth)
        fieldsAnchoredAt = FlatLists(anchoredAt)
        anchorDepth = manualCopy(reader.anchorDepth, padding: -1)
        knownAtRecordEnd = manualCopy(reader.knownAtRecordEnd, padding: true)
        isAttribute = manualCopy(reader.fields.map { $0?.attribute != nil }, padding: false)
        attributeIsXmlns = manualCopy(reader.fields.map { $0?.attribute == "xmlns" }, padding: false)
        recordNamePointers = manualCopy([UnsafePointer<xmlChar>?](repeating: nil, count: reader.recordPath.count), padding: nil)
        stepPointers = FlatLists(reader.fields.map { [UnsafePointer<xmlChar>?](repeating: nil, count: $0?.steps.count ?? 0) })
        attributePointers = manualCopy([UnsafePointer<xmlChar>?](repeating: nil, count: reader.fields.count), padding: nil)
        lastStepPointers = manualCopy([UnsafePointer<xmlChar>?](repeating: nil, count: atDepth.joined().count), padding: nil)
        stack = .allocate(capacity: stackCapacity)
        targets = .allocate(capacity: targetCapacity)
        anchored = .allocate(capacity: reader.recordPath.count)
        anchored.initialize(from: (0..<reader.recordPath.count).map { _ in ByteBuffer(capacity: 256) }, count: reader.recordPath.count)
        let count = Swift.max(fieldCount, 1)
        valueStart = .allocate(capacity: count)
        valueStart.initialize(repeating: -1, count: count)
        valueEnd = .allocate(capacity: count)
        valueEnd.initialize(repeating: 0, count: count)
        valueLine = .allocate(capacity: count)
        valueLine.initialize(repeating: 0, count: count)
        viewValues = .allocate(capacity: count)
        viewValues.initialize(repeating: nil, count: count)
        viewLines = .allocate(capacity: count)
        viewLines.initialize(repeating: 0, count: count)
        maxDepth = XMLSAXSession.parserMaxDepth
    }

    func deallocate() {
        anchorDepth.deallocate()
        knownAtRecordEnd.deallocate()
        isAttribute.deallocate()
        attributeIsXmlns.deallocate()
        fieldsAtDepth.deallocate()
        fieldsAnchoredAt.deallocate()
        recordNamePointers.deallocate()
        stepPointers.deallocate()
        attributePointers.deallocate()
        lastStepPointers.deallocate()
        stack.deallocate()
        targets.deallocate()
        text.deallocate()
        for depth in 0..<recordNames.count { anchored[depth].deallocate() }
        anchored.deallocate()
        pendingBytes.deallocate()
        valueStart.deallocate()
        valueEnd.deallocate()
        valueLine.deallocate()
        viewValues.deallocate()
        viewLines.deallocate()
    }

    // MARK: Driving the parser

    func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String, consumed: ((Int) -> Void)?) -> XMLStop? {
        var handler = XMLSAXSession.handler
        // Like xmlTextReader: the first 4 bytes go in with the context, for encoding detection.
        let created: xmlParserCtxtPtr?
        var offset = 0
        if bytes.count >= 4, let base = bytes.baseAddress {
            created = base.withMemoryRebound(to: CChar.self, capacity: 4) { xmlCreatePushParserCtxt(&handler, nil, $0, 4, path) }
            offset = 4
        } else {
            created = xmlCreatePushParserCtxt(&handler, nil, nil, 0, path)
        }
        guard let ctxt = created else { return .malformed(line: 1, message: "libxml2 could not open the document") }
        context = ctxt
        defer {
            if let doc = ctxt.pointee.myDoc {
                xmlFreeDoc(doc)
                ctxt.pointee.myDoc = nil
            }
            xmlFreeParserCtxt(ctxt)
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
                            | XML_PARSE_NOWARNING.rawValue)
        xmlCtxtUseOptions(ctxt, options)
        ctxt.pointee.vctxt.error = nil
        ctxt.pointee.vctxt.warning = nil
        lookUpNames(ctxt.pointee.dict)
        ctxt.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        defer { ctxt.pointee._private = nil }

        var nextRelease = XMLRecordReader.releaseStride
        var failed = false
        if let base = bytes.baseAddress {
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                while offset < bytes.count {
                    let size = Swift.min(XMLRecordReader.chunkSize, bytes.count - offset)
                    let status = xmlParseChunk(ctxt, chars + offset, Int32(size), 0)
                    offset += size
                    if halted || status != 0 || ctxt.pointee.wellFormed == 0 {
                        failed = true
                        return
                    }
                    if offset > nextRelease, let consumed {
                        consumed(offset - XMLRecordReader.releaseStride)
                        nextRelease = offset + XMLRecordReader.releaseStride
                    }
                }
            }
        }
        if !failed {
            let status = xmlParseChunk(ctxt, nil, 0, 1)
            failed = halted || status != 0 || ctxt.pointee.wellFormed == 0
        }
        if let stop { return stop }
        let parserLine = Int(ctxt.pointee.input?.pointee.line ?? 1)
        if failed {
            return .malformed(line: firstError?.line ?? parserLine, message: firstError?.message ?? "the document is not well-formed XML")
        }
        if let firstError { return .malformed(line: firstError.line, message: firstError.message) }
        if depth > 0 {
            let name = stack[depth - 1].name.map { String(cString: $0) } ?? ""
            return .malformed(line: parserLine, message: "the document ends inside <\(name)>")
        }
        return nil
    }

    private func lookUpNames(_ dict: xmlDictPtr?) {
        func intern(_ name: String) -> UnsafePointer<xmlChar>? {
            name.withCString { chars in
                chars.withMemoryRebound(to: xmlChar.self, capacity: name.utf8.count + 1) { xmlDictLookup(dict, $0, -1) }
            }
        }
        for (depth, name) in recordNames.enumerated() { recordNamePointers[depth] = intern(name) }
        for (index, path) in fieldPaths.enumerated() {
            attributePointers[index] = path?.attribute.flatMap(intern)
            for (step, name) in (path?.steps ?? []).enumerated() { stepPointers.items[stepPointers.offsets[index] + step] = intern(name) }
        }
        for item in 0..<fieldsAtDepth.offsets[fieldsAtDepth.count] {
            let index = fieldsAtDepth.items[item]
            let last = stepPointers.offsets[index + 1] - 1
            lastStepPointers[item] = last >= stepPointers.offsets[index] ? stepPointers.items[last] : nil
        }
        xmlPrefix = intern("xml")
        idName = intern("id")
    }

    private var line: Int {
        Int(context?.pointee.input?.pointee.line ?? 0)
    }

    /// Records an error libxml2's tree builder would have raised, and stops when it is fatal.
    private func fail(_ message: String, fatal: Bool) {
        if firstError == nil { firstError = (line, message) }
        if fatal { halt() }
    }

    private func halt() {
        halted = true
        if let context { xmlStopParser(context) }
    }

    fileprivate func noteError(_ error: UnsafePointer<xmlError>) {
        guard firstError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        firstError = (Int(error.pointee.line), message.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    fileprivate func refuse(_ what: String) {
        if stop == nil { stop = .doctype(line: line, what: what) }
        halt()
    }

    // MARK: Events

    fileprivate func startElement(_ localName: UnsafePointer<xmlChar>?, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?,
                                  namespaceCount: Int,
                                  namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                                  attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        textRun = 0
        if depth > maxDepth {
            fail("Excessive depth in document: \(maxDepth) use XML_PARSE_HUGE option", fatal: true)
            return
        }
        let line = self.line
        if attributeCount > 0, let attributes { checkIDs(attributes, count: attributeCount) }
        var name = localName
        if prefix != nil, uri == nil {
            // An undeclared prefix (already an error): the tree builder named the element
            // `prefix:name`, which matches no path.
            name = xmlDictQLookup(context?.pointee.dict, prefix, localName)
        }
        if depth == stackCapacity { stack = doubled(stack, count: depth, capacity: &stackCapacity) }
        let onPath = (depth == 0 || stack[depth - 1].onRecordPath) && depth <= recordDepth
            && name == recordNamePointers[depth]
        if onPath {
            anchored[depth].count = 0
            for item in fieldsAnchoredAt.offsets[depth]..<fieldsAnchoredAt.offsets[depth + 1] {
                valueStart[fieldsAnchoredAt.items[item]] = -1
            }
        }
        stack[depth] = OpenElement(name: name, onRecordPath: onPath, line: line, targetStart: targetCount,
                                   targetEnd: targetCount, textStart: text.count)
        if depth < fieldsAtDepth.count {
            // Which fields does this element answer? (Most are told apart by the last step's name.)
            let lastNames = lastStepPointers
            var item = fieldsAtDepth.offsets[depth]
            let end = fieldsAtDepth.offsets[depth + 1]
            while item < end {
                let last = lastNames[item]
                if last == nil || last == name {
                    answer(fieldsAtDepth.items[item], line: line, namespaceCount: namespaceCount, namespaces: namespaces,
                           attributeCount: attributeCount, attributes: attributes)
                }
                item &+= 1
            }
            stack[depth].targetEnd = targetCount
        }
        depth += 1
    }

    /// Field `index` is answered by the element just opened (on top of the stack) if the
    /// elements from its anchor down have its steps' names and it has no value yet.
    private func answer(_ index: Int, line: Int, namespaceCount: Int, namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let anchor = anchorDepth[index]
        guard valueStart[index] < 0, stack[anchor].onRecordPath else { return }
        let firstStep = stepPointers.offsets[index]
        let lastStep = stepPointers.offsets[index + 1] - 1
        var step = firstStep
        while step < lastStep {
            if stack[anchor + 1 + step - firstStep].name != stepPointers.items[step] { return }
            step += 1
        }
        if isAttribute[index] {
            storeAttribute(index, anchor: anchor, line: line, namespaceCount: namespaceCount,
                           namespaces: namespaces, attributeCount: attributeCount, attributes: attributes)
            return
        }
        if targetCount == targetCapacity { targets = doubled(targets, count: targetCount, capacity: &targetCapacity) }
        targets[targetCount] = index
        targetCount += 1
    }

    /// The value of the element's attribute `attributePointers[index]`, looked up as
    /// xmlTextReader did: namespace declarations first (`xmlns` names the default one, a prefix
    /// its own), then the attributes.
    private func storeAttribute(_ index: Int, anchor: Int, line: Int, namespaceCount: Int,
                                namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                                attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let wanted = attributePointers[index]
        if namespaceCount > 0, let namespaces {
            for n in 0..<namespaceCount {
                let prefix = namespaces[2 * n]
                guard prefix == nil ? attributeIsXmlns[index] : prefix == wanted else { continue }
                let start = anchored[anchor].count
                if let uri = namespaces[2 * n + 1] {
                    anchored[anchor].append(uri, count: strlen(UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self)))
                }
                setValue(index, start: start, end: anchored[anchor].count, line: line)
                return
            }
        }
        guard attributeCount > 0, let attributes else { return }
        for a in 0..<attributeCount where attributes[5 * a] == wanted {
            let start = anchored[anchor].count
            if let value = attributes[5 * a + 3], let end = attributes[5 * a + 4] {
                appendAttributeValue(value, end, to: &anchored[anchor])
            }
            setValue(index, start: start, end: anchored[anchor].count, line: line)
            return
        }
    }

    @inline(__always)
    private func setValue(_ index: Int, start: Int, end: Int, line: Int) {
        valueStart[index] = start
        valueEnd[index] = end
        valueLine[index] = line
    }

    /// An attribute value as SAX2 hands it over: without entity substitution libxml2 writes a
    /// literal `&` (from `&amp;` or `&#38;`) as `&#38;`, which the tree builder decoded.
    private func appendAttributeValue(_ value: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>, to buffer: inout ByteBuffer) {
        let count = end - value
        var i = 0
        var plain = 0
        while i < count {
            if value[i] == UInt8(ascii: "&"), i + 4 < count, value[i + 1] == UInt8(ascii: "#"), value[i + 2] == UInt8(ascii: "3"),
               value[i + 3] == UInt8(ascii: "8"), value[i + 4] == UInt8(ascii: ";") {
                buffer.append(value + plain, count: i - plain)
                buffer.append(UInt8(ascii: "&"))
                i += 5
                plain = i
            } else {
                i += 1
            }
        }
        buffer.append(value + plain, count: count - plain)
    }

    /// `xml:id` values must be NCNames and unique in the document (libxml2's tree builder checks).
    private func checkIDs(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>, count: Int) {
        for a in 0..<count where attributes[5 * a + 1] == xmlPrefix && attributes[5 * a] == idName {
            guard let start = attributes[5 * a + 3], let end = attributes[5 * a + 4] else { continue }
            let value = Array(UnsafeBufferPointer(start: start, count: end - start))
            let text = String(decoding: value, as: UTF8.self)
            let valid = (value + [0]).withUnsafeBufferPointer { xmlValidateNCName($0.baseAddress, 1) == 0 }
            if !valid { fail("xml:id : attribute value \(text) is not an NCName", fatal: false) }
            if !ids.insert(value).inserted { fail("ID \(text) already defined", fatal: false) }
        }
    }

    @inline(__always)
    fileprivate func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        if textRun > 0, textRun + count > Int(XML_MAX_TEXT_LENGTH) {
            fail("xmlSAX2Characters: huge text node", fatal: true)
            return
        }
        textRun += count
        guard depth > 0 else { return }
        let top = stack[depth - 1]
        if top.targetEnd > top.targetStart { text.append(bytes, count: count) }
    }

    /// A comment or processing instruction: the text after it is a new node.
    fileprivate func otherNode() {
        textRun = 0
    }

    fileprivate func endElement() {
        textRun = 0
        guard depth > 0 else { return }
        depth -= 1
        let element = stack[depth]
        if element.targetEnd > element.targetStart {
            for t in element.targetStart..<element.targetEnd {
                let index = targets[t]
                guard valueStart[index] < 0 else { continue }
                let buffer = anchorDepth[index]
                let start = anchored[buffer].count
                anchored[buffer].append(text.base + element.textStart, count: text.count - element.textStart)
                setValue(index, start: start, end: anchored[buffer].count, line: element.line)
            }
            targetCount = element.targetStart
        }
        text.count = element.textStart
        guard element.onRecordPath, depth <= recordDepth else { return }
        if depth == recordDepth {
            if emitDepth == recordDepth {
                emitRecord(line: element.line)
                return
            }
            appendPending(line: element.line)
        } else if depth >= emitDepth {
            fillPending(depth: depth)
        }
        if depth == emitDepth { emitPending() }
    }

    // MARK: Records

    /// Emits the record that just closed, its values read in place.
    private func emitRecord(line: Int) {
        for index in 0..<fieldCount {
            let anchor = anchorDepth[index]
            if anchor >= 0, knownAtRecordEnd[index], valueStart[index] >= 0 {
                viewValues[index] = anchored[anchor].buffer(valueStart[index], valueEnd[index])
                viewLines[index] = valueLine[index]
            } else {
                viewValues[index] = nil
                viewLines[index] = line
            }
        }
        emit(XMLRecord(line: line, values: UnsafeBufferPointer(start: viewValues, count: fieldCount),
                       lines: UnsafeBufferPointer(start: viewLines, count: fieldCount)))
    }

    private func appendPending(line: Int) {
        pendingLine.append(line)
        pendingFilled.append(recordDepth)
        for index in 0..<fieldCount {
            let anchor = anchorDepth[index]
            if anchor >= 0, knownAtRecordEnd[index], valueStart[index] >= 0 {
                let start = pendingBytes.count
                pendingBytes.append(anchored[anchor].base + valueStart[index], count: valueEnd[index] - valueStart[index])
                pendingStart.append(start)
                pendingEnd.append(pendingBytes.count)
                pendingFieldLine.append(valueLine[index])
            } else {
                pendingStart.append(-1)
                pendingEnd.append(-1)
                pendingFieldLine.append(line)
            }
        }
    }

    /// The element at `depth` closed: the records inside it (filled up to depth + 1) take the
    /// fields anchored at it.
    private func fillPending(depth: Int) {
        for record in pendingFilled.indices where pendingFilled[record] == depth + 1 {
            pendingFilled[record] = depth
            for item in fieldsAnchoredAt.offsets[depth]..<fieldsAnchoredAt.offsets[depth + 1] {
                let index = fieldsAnchoredAt.items[item]
                guard !knownAtRecordEnd[index] else { continue }
                let slot = record * fieldCount + index
                if valueStart[index] >= 0 {
                    let start = pendingBytes.count
                    pendingBytes.append(anchored[depth].base + valueStart[index], count: valueEnd[index] - valueStart[index])
                    pendingStart[slot] = start
                    pendingEnd[slot] = pendingBytes.count
                    pendingFieldLine[slot] = valueLine[index]
                } else {
                    pendingStart[slot] = -1
                }
            }
        }
    }

    private func emitPending() {
        for record in pendingLine.indices {
            for index in 0..<fieldCount {
                let slot = record * fieldCount + index
                viewValues[index] = pendingStart[slot] >= 0 ? pendingBytes.buffer(pendingStart[slot], pendingEnd[slot]) : nil
                viewLines[index] = pendingFieldLine[slot]
            }
            emit(XMLRecord(line: pendingLine[record], values: UnsafeBufferPointer(start: viewValues, count: fieldCount),
                           lines: UnsafeBufferPointer(start: viewLines, count: fieldCount)))
        }
        pendingBytes.count = 0
        pendingStart.removeAll(keepingCapacity: true)
        pendingEnd.removeAll(keepingCapacity: true)
        pendingFieldLine.removeAll(keepingCapacity: true)
        pendingLine.removeAll(keepingCapacity: true)
        pendingFilled.removeAll(keepingCapacity: true)
    }

    // MARK: Callbacks

    /// The session of a parser context (`userData` is the context itself).
    @inline(__always)
    private static func session(_ context: UnsafeMutableRawPointer?) -> Unmanaged<XMLSAXSession>? {
        guard let context, let session = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<XMLSAXSession>.fromOpaque(session)
    }

    nonisolated(unsafe) private static let handler: xmlSAXHandler = {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(truncatingIfNeeded: XML_SAX2_MAGIC)
        // As xmlTextReader's tree builder: a document node, predefined entities only.
        handler.startDocument = xmlSAX2StartDocument
        handler.endDocument = xmlSAX2EndDocument
        handler.getEntity = xmlSAX2GetEntity
        handler.internalSubset = { context, _, _, _ in
            session(context)?._withUnsafeGuaranteedRef { $0.refuse("a DOCTYPE declaration") }
        }
        handler.reference = { context, _ in
            session(context)?._withUnsafeGuaranteedRef { $0.refuse("an entity reference") }
        }
        handler.startElementNs = { context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            session(context)?._withUnsafeGuaranteedRef {
                $0.startElement(localName, prefix: prefix, uri: uri, namespaceCount: Int(namespaceCount), namespaces: namespaces,
                                attributeCount: Int(attributeCount), attributes: attributes)
            }
        }
        handler.endElementNs = { context, _, _, _ in
            session(context)?._withUnsafeGuaranteedRef { $0.endElement() }
        }
        let characters: charactersSAXFunc = { context, bytes, count in
            guard let bytes, count > 0 else { return }
            session(context)?._withUnsafeGuaranteedRef { $0.characters(bytes, Int(count)) }
        }
        handler.characters = characters
        // The same function, so libxml2 never tells "ignorable" blanks apart (as with keepBlanks).
        handler.ignorableWhitespace = characters
        handler.comment = { context, _ in
            session(context)?._withUnsafeGuaranteedRef { $0.otherNode() }
        }
        handler.processingInstruction = { context, _, _ in
            session(context)?._withUnsafeGuaranteedRef { $0.otherNode() }
        }
        handler.serror = { context, error in
            guard let error else { return }
            session(context)?._withUnsafeGuaranteedRef { $0.noteError(UnsafePointer(error)) }
        }
        return handler
    }()
}

/// A manually allocated buffer of twice the capacity, holding the first `count` elements moved
/// from `buffer` (which is freed).
private func doubled<T>(_ buffer: UnsafeMutablePointer<T>, count: Int, capacity: inout Int) -> UnsafeMutablePointer<T> {
    let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
    bigger.moveInitialize(from: buffer, count: count)
    buffer.deallocate()
    capacity *= 2
    return bigger
}
