import Foundation
import LogframeCore
import Yams

// MARK: - Model

/// The DHIS2 codes of one DHIS2 instance for one programme: the `--map FILE` of
/// `report --format dhis2|dhis2-csv|adx` (docs/exports-dhis2.md).
///
/// Codes differ per DHIS2 instance, so they live in their own file, not in the definitions.
/// It is read like the definitions file (every value located, unknown keys with a did-you-mean
/// hint) and checked against the definitions it is used with.
public struct DHIS2Mapping: Sendable {
    /// Where a figure goes: one data element, or for `percent`/`ratio` indicators two, the
    /// numerator's and the denominator's (DHIS2 recomputes the ratio from the parts).
    public enum DataElements: Sendable, Equatable {
        case value(String)
        case parts(numerator: String, denominator: String)
    }

    /// A dimension's DHIS2 category: its code, and the option code of each category key
    /// (`nil` key: the "not recorded" cell, written `~` in the file).
    public struct Category: Sendable {
        public var dimension: String
        public var code: String
        public var options: [String?: String]
        /// The `options:` mapping, where a missing option is reported.
        public var optionsLocation: SourceLocation
    }

    /// The data elements of one indicator breakdown (a category combo in DHIS2).
    public struct Breakdown: Sendable {
        public var by: [String]
        public var period: DataElements?
        public var cumulative: DataElements?
        public var location: SourceLocation
    }

    public struct Indicator: Sendable {
        public var id: String
        /// The indicator's total, its period value per period (`period:`) and its cumulative value
        /// per period (`cumulative:`), each in a data element of its own, never left to DHIS2 to sum.
        public var period: DataElements?
        public var cumulative: DataElements?
        public var breakdowns: [Breakdown]
        public var location: SourceLocation
    }

    /// A dimension whose categories are org units (centres, districts): indicators that break
    /// down by it also send each category's figures to its org unit.
    public struct OrgUnits: Sendable {
        public var dimension: String
        /// Category key -> org unit code; `nil` key: the "not recorded" cell (optional here).
        public var options: [String?: String]
        public var optionsLocation: SourceLocation
    }

    public var file: String
    public var dataSet: String?
    /// The org unit of the programme's totals.
    public var orgUnit: String
    public var orgUnits: OrgUnits?
    /// DXF2 `attributeOptionCombo` (code), e.g. the funder.
    public var attributeOptionCombo: String?
    /// ADX attribute categories of the group, e.g. `FUNDER: UNDP`, in the order written.
    public var attributeOptions: [(category: String, option: String)]
    public var categories: [String: Category]
    /// In the order written.
    public var indicators: [Indicator]
}

// MARK: - Loading

public enum DHIS2MappingLoader {
    static let top = ["dhis2", "data_set", "org_unit", "org_units", "attribute_option_combo", "attribute_options", "categories", "indicators"]
    static let orgUnits = ["dimension", "options"]
    static let category = ["category", "options"]
    static let indicator = ["period", "cumulative", "breakdowns"]
    static let breakdown = ["by", "period", "cumulative"]
    static let parts = ["numerator", "denominator"]

    /// Reads and checks a mapping file against the definitions; nil mapping on any error.
    public static func load(path: String, definitions: Definitions) -> (mapping: DHIS2Mapping?, diagnostics: [Diagnostic]) {
        let whole = SourceLocation(file: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            return (nil, [.error(exists ? "file-unreadable" : "file-not-found", at: whole,
                                 exists ? "The mapping file `\(path)` cannot be read." : "The mapping file `\(path)` does not exist.")])
        }
        if data.count > DefinitionsLoader.maxFileSize { return (nil, [DefinitionsLoader.tooLarge(path, data.count)]) }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            let located = DefinitionsLoader.invalidUTF8(bytes, path)
            return (nil, [.error("definitions-encoding", at: located.location,
                                 "The mapping file is not valid UTF-8 text (it may be saved as UTF-16, Windows-1251 or Latin-1, or not be a text file).",
                                 hint: "Save the file as UTF-8 in your editor.")])
        }
        return load(text: text, path: path, definitions: definitions)
    }

    public static func load(text: String, path: String, definitions: Definitions) -> (mapping: DHIS2Mapping?, diagnostics: [Diagnostic]) {
        let safety = YAMLSafety.scan(text, file: path)
        if !safety.isEmpty { return (nil, safety) }
        let c = LoadContext(file: path, text: text)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return (nil, [.error("missing-key", at: SourceLocation(file: path, line: 1, column: 1), "The mapping file is empty.",
                                     hint: "Start with `dhis2: 1`, `org_unit:` and `indicators:`.")])
            }
            root = node
        } catch let error as YamlError {
            return (nil, [DefinitionsLoader.yamlError(error, path)])
        } catch {
            return (nil, [.error("yaml-syntax", at: SourceLocation(file: path), "The YAML could not be read: \(error).")])
        }
        let mapping = Reader(c: c, definitions: definitions).mapping(root)
        var seen: Set<Diagnostic> = []
        let diagnostics = c.diagnostics.filter { seen.insert($0).inserted }
        return (c.hasErrors ? nil : mapping, diagnostics)
    }

    struct Reader {
        let c: LoadContext
        let definitions: Definitions

        func mapping(_ root: Node) -> DHIS2Mapping? {
            guard let map = MappingReader(root, "the mapping file", keys: top, context: c) else { return nil }
            if let n = map.require("dhis2"), let version = c.string(n, "`dhis2` (the mapping format version)"), version != "1" {
                c.error("unsupported-version", at: c.location(n), "This is mapping format version `\(version)`; this logframe reads version 1.",
                        hint: "Write `dhis2: 1`.")
            }
            let dataSet = map["data_set"].flatMap { code($0, "`data_set`") }
            let orgUnit = map.require("org_unit").flatMap { code($0, "`org_unit`") }
            let aoc = map["attribute_option_combo"].flatMap { code($0, "`attribute_option_combo`") }
            var attributeOptions: [(category: String, option: String)] = []
            if let n = map["attribute_options"], let m = MappingReader(n, "attribute_options", keys: [], context: c) {
                for entry in m.entries {
                    guard attributeName(entry.key, at: entry.keyNode), let option = code(entry.value, "The option of `\(entry.key)`") else { continue }
                    attributeOptions.append((entry.key, option))
                }
            }
            var categories: [String: DHIS2Mapping.Category] = [:]
            let dimensionIds = definitions.dimensions.map(\.id)
            var orgUnits: DHIS2Mapping.OrgUnits?
            if let n = map["org_units"], let m = MappingReader(n, "org_units", keys: DHIS2MappingLoader.orgUnits, context: c),
               let dimensionNode = m.require("dimension"), let dimension = c.nonEmptyString(dimensionNode, "`org_units.dimension`"),
               let optionsNode = m.require("options"), let options = MappingReader(optionsNode, "the org units of `\(dimension)`", keys: [], context: c) {
                if dimensionIds.contains(dimension) {
                    var result: [String?: String] = [:]
                    for entry in options.entries {
                        let key: String? = c.isNull(entry.keyNode) ? nil : TextNormalization.nfc(entry.key)
                        if let unit = code(entry.value, "The org unit of `\(key ?? "~")`") { result[key] = unit }
                    }
                    orgUnits = DHIS2Mapping.OrgUnits(dimension: dimension, options: result, optionsLocation: c.location(optionsNode))
                } else {
                    let hint = DidYouMean.closest(to: dimension, among: dimensionIds, .definitionsName).map { "Did you mean `\($0)`?" }
                    c.error("unknown-dimension", at: c.location(dimensionNode), "`\(dimension)` is not a dimension of the definitions.", hint: hint)
                }
            }
            if let n = map["categories"], let m = MappingReader(n, "categories", keys: [], context: c) {
                for entry in m.entries {
                    guard dimensionIds.contains(entry.key) else {
                        let hint = DidYouMean.closest(to: entry.key, among: dimensionIds, .definitionsName).map { "Did you mean `\($0)`?" }
                            ?? "The definitions' dimensions are: " + dimensionIds.joined(separator: ", ") + "."
                        c.error("unknown-dimension", at: c.location(entry.keyNode), "`\(entry.key)` is not a dimension of the definitions.", hint: hint)
                        continue
                    }
                    if let category = category(entry.key, entry.value) { categories[entry.key] = category }
                }
            }
            var indicators: [DHIS2Mapping.Indicator] = []
            if let n = map.require("indicators"), let m = MappingReader(n, "indicators", keys: [], context: c) {
                let ids = definitions.indicators.map(\.id)
                for entry in m.entries {
                    guard let definition = definitions.indicators.first(where: { $0.id == entry.key }) else {
                        let hint = DidYouMean.closest(to: entry.key, among: ids, .definitionsName).map { "Did you mean `\($0)`?" }
                        c.error("unknown-indicator", at: c.location(entry.keyNode), "`\(entry.key)` is not an indicator of the definitions.", hint: hint)
                        continue
                    }
                    if let indicator = indicator(definition, entry.value, categories: categories) { indicators.append(indicator) }
                }
                if m.entries.isEmpty { c.error("invalid-value", at: c.location(n), "`indicators` is empty; map at least one indicator to a data element.") }
            }
            guard let orgUnit else { return nil }
            return DHIS2Mapping(file: c.file, dataSet: dataSet, orgUnit: orgUnit, orgUnits: orgUnits, attributeOptionCombo: aoc,
                                attributeOptions: attributeOptions, categories: categories, indicators: indicators)
        }

        func category(_ dimension: String, _ node: Node) -> DHIS2Mapping.Category? {
            guard let map = MappingReader(node, "the category of `\(dimension)`", keys: DHIS2MappingLoader.category, context: c) else { return nil }
            let codeNode = map.require("category")
            let categoryCode = codeNode.flatMap { code($0, "`category`") }
            if let categoryCode, let codeNode, !attributeName(categoryCode, at: codeNode) { return nil }
            guard let optionsNode = map.require("options"),
                  let options = MappingReader(optionsNode, "the options of `\(dimension)`", keys: [], context: c) else { return nil }
            var result: [String?: String] = [:]
            for entry in options.entries {
                let key: String? = c.isNull(entry.keyNode) ? nil : TextNormalization.nfc(entry.key)
                if result.keys.contains(key) {
                    c.error("duplicate-key", at: c.location(entry.keyNode), "The category key `\(key ?? "~")` has two options.")
                    continue
                }
                guard let option = code(entry.value, "The option of `\(key ?? "~")`") else { continue }
                result[key] = option
            }
            if result[nil] == nil {
                c.error("map-option-missing", at: c.location(optionsNode),
                        "The options of `\(dimension)` have none for \"not recorded\": its cell would be refused by DHIS2 or dropped, and the options would no longer add up to the total.",
                        hint: "Add `~: NOT_RECORDED` (the option code of a \"not recorded\" or \"unknown\" option of category \(categoryCode ?? "")).")
            }
            // Declared categories are known now; categories first seen in the data are checked at export.
            if let definition = definitions.dimensions.first(where: { $0.id == dimension }) {
                let declared = Set(definition.labels.map(\.key))
                // Keys of the options that are no declared category: likely misspellings of one.
                let strays = result.keys.compactMap { $0 }.filter { !declared.contains($0) }.sorted()
                for label in definition.labels where result[label.key] == nil {
                    let hint = DidYouMean.closest(to: label.key, among: strays, .definitionsName)
                        .map { "The options have `\($0)`, which is not a category of `\(dimension)`: is it `\(label.key)` misspelt?" }
                        ?? "Add `\(label.key): OPTION_CODE` to the options."
                    c.error("map-option-missing", at: c.location(optionsNode),
                            "The options of `\(dimension)` have none for its category `\(label.key)` (\(label.label.text())).", hint: hint)
                }
            }
            guard let categoryCode else { return nil }
            return DHIS2Mapping.Category(dimension: dimension, code: categoryCode, options: result, optionsLocation: c.location(optionsNode))
        }

        func indicator(_ definition: IndicatorDefinition, _ node: Node, categories: [String: DHIS2Mapping.Category]) -> DHIS2Mapping.Indicator? {
            guard let map = MappingReader(node, "the mapping of `\(definition.id)`", keys: DHIS2MappingLoader.indicator, context: c) else { return nil }
            let period = map["period"].flatMap { dataElements($0, "`period`") }
            let cumulative = map["cumulative"].flatMap { dataElements($0, "`cumulative`") }
            if map["period"] == nil, map["cumulative"] == nil {
                c.error("missing-key", at: c.location(node), "The mapping of `\(definition.id)` needs `period:` or `cumulative:` (or both): the data element of its total.",
                        hint: "The total goes to a data element of its own; DHIS2 must never add up the breakdown cells itself.")
            }
            var breakdowns: [DHIS2Mapping.Breakdown] = []
            if let n = map["breakdowns"], let items = c.sequence(n, "`breakdowns`") {
                for item in items {
                    guard let m = MappingReader(item, "a breakdown of `\(definition.id)`", keys: DHIS2MappingLoader.breakdown, context: c) else { continue }
                    guard let byNode = m.require("by") else { continue }
                    let by = c.stringList(byNode, "`by`").map(\.value)
                    guard definition.breakdowns.contains(by) else {
                        let written = definition.breakdowns.map { "[" + $0.joined(separator: ", ") + "]" }
                        c.error("unknown-dimension", at: c.location(byNode),
                                "`\(definition.id)` has no breakdown by [\(by.joined(separator: ", "))].",
                                hint: written.isEmpty ? "It has no breakdowns." : "Its breakdowns are " + written.joined(separator: ", ") + ".")
                        continue
                    }
                    for dimension in by where categories[dimension] == nil {
                        c.error("missing-key", at: c.location(byNode), "Dimension `\(dimension)` has no DHIS2 category under `categories:`.",
                                hint: "Add `\(dimension): {category: CODE, options: {...}}` to `categories:`.")
                    }
                    let p = m["period"].flatMap { dataElements($0, "`period`") }
                    let cu = m["cumulative"].flatMap { dataElements($0, "`cumulative`") }
                    if m["period"] == nil, m["cumulative"] == nil {
                        c.error("missing-key", at: c.location(item), "A breakdown needs `period:` or `cumulative:` (or both): its data element.")
                    }
                    breakdowns.append(DHIS2Mapping.Breakdown(by: by, period: p, cumulative: cu, location: c.location(item)))
                }
            }
            return DHIS2Mapping.Indicator(id: definition.id, period: period, cumulative: cumulative, breakdowns: breakdowns,
                                          location: c.location(node))
        }

        func dataElements(_ node: Node, _ what: String) -> DHIS2Mapping.DataElements? {
            if case .mapping = node {
                guard let m = MappingReader(node, what, keys: DHIS2MappingLoader.parts, context: c) else { return nil }
                let numerator = m.require("numerator").flatMap { code($0, "`numerator`") }
                let denominator = m.require("denominator").flatMap { code($0, "`denominator`") }
                guard let numerator, let denominator else { return nil }
                return .parts(numerator: numerator, denominator: denominator)
            }
            return code(node, "\(what) (a data element code)").map { .value($0) }
        }

        /// A DHIS2 code or uid: one token without spaces.
        func code(_ node: Node, _ what: String) -> String? {
            guard let text = c.nonEmptyString(node, what) else { return nil }
            if text.contains(where: { $0.isWhitespace || $0 == "," || $0 == "\"" }) {
                c.error("invalid-value", at: c.location(node), "\(what) `\(text)` is not a DHIS2 code: codes have no spaces, commas or quotes.")
                return nil
            }
            return text
        }

        /// ADX names a category by an XML attribute: it must be a valid attribute name.
        func attributeName(_ text: String, at node: Node) -> Bool {
            let scalars = Array(text.unicodeScalars)
            func isStart(_ s: Unicode.Scalar) -> Bool { s == "_" || (s.isASCII && CharacterSet.letters.contains(s)) }
            func isPart(_ s: Unicode.Scalar) -> Bool { isStart(s) || s == "-" || s == "." || ("0"..."9").contains(s) }
            let reserved = ["orgUnit", "period", "dataSet", "dataElement", "value", "comment", "followup", "exported"]
            guard let first = scalars.first, isStart(first), scalars.dropFirst().allSatisfy(isPart), !reserved.contains(text) else {
                c.error("invalid-value", at: c.location(node),
                        "`\(text)` cannot be a DHIS2 category code in ADX: it is written as an XML attribute name, so it must start with a letter and use only letters, digits, `_`, `-` and `.`\(reserved.contains(text) ? " (and not be one of ADX's own attribute names)" : "").")
                return false
            }
            return true
        }
    }
}
