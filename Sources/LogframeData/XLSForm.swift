import CLibXML2
import Foundation
import LogframeCore
import ZIPFoundation

/// An XLSForm (the spreadsheet ODK and KoboToolbox forms are written in), read for
/// `logframe init`: the `survey` sheet's questions with their group and repeat paths, the
/// `choices` sheet's lists, and the `settings` sheet's form id and root name.
public struct XLSForm: Sendable {
    public struct Question: Sendable {
        /// The XLSForm type's first word: `integer`, `select_one`, `date`, ...
        public var type: String
        /// The choice list of a `select_one` / `select_multiple` question.
        public var list: String?
        public var name: String
        /// Path relative to its record: groups above it, then its name (`meeting/date`).
        public var path: String
        /// The repeat it belongs to (absolute record path), nil for the submission itself.
        public var repeatPath: String?
        /// The label, in the first label column that has one.
        public var label: String?
        public var required: Bool
        /// `or_other` after the list name: any text is allowed.
        public var orOther: Bool
    }

    public struct Choice: Sendable {
        public var name: String
        /// Label by language code (`en`, `az`) when the column says it (`label::English (en)`),
        /// else under "".
        public var labels: [String: String]
    }

    public var file: String
    /// The root element of a submission: the settings sheet's `name`, else `data` (pyxform's default).
    public var rootName = "data"
    public var formID: String?
    public var title: String?
    public var questions: [Question] = []
    public var choices: [String: [Choice]] = [:]
    /// Repeat groups' absolute record paths, outermost first.
    public var repeats: [String] = []

    /// Question types that hold no data in a submission.
    static let noData: Set<String> = ["note", "begin", "end", "begin_group", "end_group", "begin_repeat", "end_repeat"]

    /// Reads an XLSForm; problems (not an XLSX file, no survey sheet, no type/name columns) come
    /// back as diagnostics.
    public static func read(path: String) -> (XLSForm?, DiagnosticLog) {
        var log = DiagnosticLog()
        let sheets: [String: [[String]]]
        do {
            sheets = try XLSXCells.read(path: path)
        } catch {
            log.append(.error("xlsform-unreadable", at: SourceLocation(file: path),
                              "\(path) cannot be read as an XLSX workbook: \(error)",
                              hint: "Save the form as an Excel workbook (.xlsx)."))
            return (nil, log)
        }
        func sheet(_ name: String) -> [[String]]? {
            sheets.first { $0.key.lowercased() == name }?.value
        }
        guard let survey = sheet("survey"), let header = survey.first else {
            log.append(.error("xlsform-no-survey", at: SourceLocation(file: path), "\(path) has no `survey` sheet: it is not an XLSForm"))
            return (nil, log)
        }
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let typeColumn = columns.firstIndex(of: "type"), let nameColumn = columns.firstIndex(of: "name") else {
            log.append(.error("xlsform-no-survey", at: SourceLocation(file: path, line: 1),
                              "The survey sheet of \(path) has no `type` and `name` columns"))
            return (nil, log)
        }
        let labelColumns = columns.indices.filter { columns[$0] == "label" || columns[$0].hasPrefix("label::") }
        let requiredColumn = columns.firstIndex(of: "required")
        var form = XLSForm(file: path)
        if let settings = sheet("settings"), let keys = settings.first, settings.count > 1 {
            let lowered = keys.map { $0.lowercased() }
            func setting(_ key: String) -> String? {
                guard let i = lowered.firstIndex(of: key), i < settings[1].count else { return nil }
                let value = settings[1][i].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            form.formID = setting("form_id")
            form.title = setting("form_title")
            if let name = setting("name") { form.rootName = name }
        }
        var groups: [(name: String, isRepeat: Bool)] = []
        for (rowIndex, row) in survey.enumerated().dropFirst() {
            func cell(_ i: Int?) -> String {
                guard let i, i < row.count else { return "" }
                return TextNormalization.nfc(row[i].trimmingCharacters(in: .whitespaces))
            }
            let typeText = cell(typeColumn)
            let name = cell(nameColumn)
            if typeText.isEmpty { continue }
            let words = typeText.split(whereSeparator: { $0 == " " }).map(String.init)
            let type = words[0].lowercased()
            if type == "begin" || type == "begin_group" || type == "begin_repeat" {
                let isRepeat = type == "begin_repeat" || (words.count > 1 && words[1].lowercased() == "repeat")
                groups.append((name, isRepeat))
                if isRepeat {
                    form.repeats.append("/" + ([form.rootName] + groups.map(\.name)).joined(separator: "/"))
                }
                continue
            }
            if type == "end" || type == "end_group" || type == "end_repeat" {
                if !groups.isEmpty { groups.removeLast() }
                continue
            }
            if noData.contains(type) || name.isEmpty { continue }
            // The path from the innermost repeat (or the root) down to the question.
            let lastRepeat = groups.lastIndex { $0.isRepeat }
            let inner = groups[(lastRepeat.map { $0 + 1 } ?? 0)...].map(\.name)
            let repeatPath = lastRepeat.map { "/" + ([form.rootName] + groups[...$0].map(\.name)).joined(separator: "/") }
            let label = labelColumns.lazy.map { cell($0) }.first { !$0.isEmpty }
            let required = ["yes", "true", "true()"].contains(cell(requiredColumn).lowercased())
            let list = type.hasPrefix("select_") && words.count > 1 ? words[1] : nil
            let orOther = words.count > 2 && words[2].lowercased() == "or_other"
            form.questions.append(Question(type: type, list: list, name: name, path: (inner + [name]).joined(separator: "/"),
                                           repeatPath: repeatPath, label: label, required: required, orOther: orOther))
            _ = rowIndex
        }
        if let choices = sheet("choices"), let header = choices.first {
            let keys = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let listColumn = keys.firstIndex(of: "list_name") ?? keys.firstIndex(of: "list name")
            let nameColumn = keys.firstIndex(of: "name")
            let labels = keys.indices.filter { keys[$0] == "label" || keys[$0].hasPrefix("label::") }
            if let listColumn, let nameColumn {
                for row in choices.dropFirst() {
                    func cell(_ i: Int) -> String {
                        i < row.count ? TextNormalization.nfc(row[i].trimmingCharacters(in: .whitespaces)) : ""
                    }
                    let list = cell(listColumn), name = cell(nameColumn)
                    guard !list.isEmpty, !name.isEmpty else { continue }
                    var byLanguage: [String: String] = [:]
                    for i in labels where !cell(i).isEmpty {
                        byLanguage[XLSForm.languageCode(keys[i]), default: cell(i)] = byLanguage[XLSForm.languageCode(keys[i])] ?? cell(i)
                    }
                    form.choices[list, default: []].append(Choice(name: name, labels: byLanguage))
                }
            }
        }
        return (form, log)
    }

    /// `label::English (en)` -> `en`; `label::az` -> `az`; `label` -> "".
    static func languageCode(_ column: String) -> String {
        guard let range = column.range(of: "::") else { return "" }
        let language = column[range.upperBound...].trimmingCharacters(in: .whitespaces)
        if let open = language.lastIndex(of: "("), let close = language.lastIndex(of: ")"), open < close {
            return String(language[language.index(after: open)..<close]).lowercased()
        }
        switch language.lowercased() {
        case "english": return "en"
        case "azerbaijani", "azərbaycan", "azeri": return "az"
        default: return language.lowercased()
        }
    }
}

/// The cell texts of every sheet of an XLSX workbook (shared strings, inline strings and
/// numbers as written), by sheet name; rows in order, missing cells as "".
enum XLSXCells {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(path: String) throws -> [String: [[String]]] {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw Failure(description: "not a ZIP package")
        }
        func part(_ name: String) throws -> Data? {
            guard let entry = archive[name] else { return nil }
            guard entry.uncompressedSize <= 64 << 20 else { throw Failure(description: "\(name) is larger than 64 MB") }
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return data
        }
        guard let workbook = try part("xl/workbook.xml") else { throw Failure(description: "no xl/workbook.xml") }
        var targets: [String: String] = [:]
        if let rels = try part("xl/_rels/workbook.xml.rels") {
            XMLTree.parse(rels)?.walk { node in
                if node.name == "Relationship", let id = node.attribute("Id"), let target = node.attribute("Target") {
                    targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                }
            }
        }
        var shared: [String] = []
        if let strings = try part("xl/sharedStrings.xml") {
            XMLTree.parse(strings)?.children.filter { $0.name == "si" }.forEach { shared.append($0.allText(of: "t")) }
        }
        var sheets: [String: [[String]]] = [:]
        var order = 0
        var failure: Error?
        XMLTree.parse(workbook)?.walk { node in
            guard failure == nil, node.name == "sheet", let name = node.attribute("name") else { return }
            order += 1
            let id = node.attribute("id") ?? ""
            let target = targets[id] ?? "xl/worksheets/sheet\(order).xml"
            do {
                guard let data = try part(target), let tree = XMLTree.parse(data) else { return }
                var rows: [[String]] = []
                tree.walk { row in
                    guard row.name == "row" else { return }
                    var cells: [String] = []
                    for cell in row.children where cell.name == "c" {
                        let index = cell.attribute("r").map(columnIndex) ?? cells.count
                        while cells.count < index { cells.append("") }
                        let value: String
                        switch cell.attribute("t") {
                        case "s": value = Int(cell.allText(of: "v")).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
                        case "inlineStr": value = cell.allText(of: "t")
                        default: value = cell.allText(of: "v")
                        }
                        if cells.count == index { cells.append(value) } else { cells[index] = value }
                    }
                    let number = row.attribute("r").flatMap { Int($0) } ?? rows.count + 1
                    while rows.count < number - 1 { rows.append([]) }
                    rows.append(cells)
                }
                sheets[name] = rows
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return sheets
    }

    /// `C12` -> 2.
    static func columnIndex(_ reference: String) -> Int {
        var value = 0
        for scalar in reference.unicodeScalars {
            guard scalar >= "A" && scalar <= "Z" else { break }
            value = value * 26 + Int(scalar.value - 64)
        }
        return max(value - 1, 0)
    }
}

/// A small XML element tree over libxml2 (local names; no DTD, no network, no entities).
struct XMLTree {
    var name: String
    var attributes: [String: String] = [:]
    var children: [XMLTree] = []
    var text = ""

    static func parse(_ data: Data) -> XMLTree? {
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil { return nil }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue)
        let document = data.withUnsafeBytes { bytes -> xmlDocPtr? in
            xmlReadMemory(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, "UTF-8", options)
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        return XMLTree(root)
    }

    init(_ node: xmlNodePtr) {
        name = String(cString: node.pointee.name)
        var attribute = node.pointee.properties
        while let current = attribute {
            if let value = xmlNodeGetContent(current.pointee.children) {
                attributes[String(cString: current.pointee.name)] = String(cString: value)
                free(value)  // libxml2's default allocator is malloc
            }
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                children.append(XMLTree(current))
            } else if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
                      let content = current.pointee.content {
                text += String(cString: content)
            }
            child = current.pointee.next
        }
    }

    func attribute(_ key: String) -> String? { attributes[key] }

    func walk(_ visit: (XMLTree) -> Void) {
        visit(self)
        for child in children { child.walk(visit) }
    }

    /// The text of every descendant element named `element`, joined (rich-text runs).
    func allText(of element: String) -> String {
        var result = ""
        walk { if $0.name == element { result += $0.text } }
        return result
    }
}
