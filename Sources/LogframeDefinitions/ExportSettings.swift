import Foundation
import LogframeCore
import Yams

// MARK: - Resolved model

/// The publisher details an IATI 2.03 activity file needs beyond the programme itself: the
/// definitions file's `exports: {iati: ...}` block (docs/exports-iati.md).
///
/// Everything the IATI schema or its activity rules require is required here, so a missing
/// detail is a located error when the definitions load, never a file the IATI validator rejects.
public struct IATIPublisher: Sendable {
    public struct Organisation: Sendable {
        /// IATI organisation identifier (`XM-DAC-41114`); optional for participating organisations.
        public var ref: String?
        /// OrganisationType code (`40` multilateral, `21` international NGO ...).
        public var type: String?
        /// IATI OrganisationRole (1 funding, 2 accountable, 3 extending, 4 implementing); participating only.
        public var role: String?
        public var name: LocalizedText?
    }

    public struct Sector: Sendable {
        public var code: String
        /// SectorVocabulary; `1` (OECD DAC 5-digit) unless written.
        public var vocabulary: String
        public var percentage: ExactDecimal?
    }

    /// The activity's `iati-identifier`, normally the reporting organisation's ref, `-`, a local id.
    public var identifier: String
    public var reportingOrg: Organisation
    public var participatingOrgs: [Organisation]
    public var description: LocalizedText
    /// ActivityStatus code (2 implementation ...).
    public var activityStatus: String
    public var sectors: [Sector]
    /// ISO 3166-1 alpha-2; `programme.country` unless written.
    public var recipientCountry: String
    /// ISO 639-1 code written as the activity's `xml:lang`; `en` unless written.
    public var language: String
    /// `actual_start` / `actual_end` (ActivityDateType 2 and 4); planned dates are the programme's.
    public var actualStart: CivilDate?
    public var actualEnd: CivilDate?
    /// Where the `exports.iati` block is, for diagnostics of the export.
    public var location: SourceLocation
}

// MARK: - Reading

extension Keys {
    static let exports = ["iati"]
    static let iati = ["identifier", "reporting_org", "participating_orgs", "description", "activity_status", "sector",
                       "recipient_country", "language", "actual_start", "actual_end"]
    static let reportingOrg = ["ref", "type", "name"]
    static let participatingOrg = ["ref", "type", "role", "name"]
    static let sector = ["code", "vocabulary", "percentage"]
}

/// IATI codelist values the reader checks (IATI-Codelists 2.03).
enum IATICodes {
    static let organisationType = ["10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90"]
    static let organisationRole = ["1", "2", "3", "4"]
    static let activityStatus = ["1", "2", "3", "4", "5", "6"]
    static let sectorVocabulary = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "99", "98"]
}

extension RawReader {
    /// `exports:`; nil when the block is absent or unreadable (its problems are reported).
    func exports(_ node: Node, programmeCountry: String?) -> IATIPublisher? {
        guard let map = MappingReader(node, "exports", keys: Keys.exports, context: c) else { return nil }
        guard let iati = map["iati"] else { return nil }
        return iatiPublisher(iati, programmeCountry: programmeCountry)
    }

    func iatiPublisher(_ node: Node, programmeCountry: String?) -> IATIPublisher? {
        guard let map = MappingReader(node, "exports.iati", keys: Keys.iati, context: c) else { return nil }
        let identifier = map.require("identifier").flatMap { c.nonEmptyString($0, "`exports.iati.identifier`") }
        if let text = identifier, text.contains(where: { $0.isWhitespace || $0 == "/" }) {
            c.error("invalid-value", at: c.location(map["identifier"]),
                    "`exports.iati.identifier` (`\(text)`) must not contain spaces or `/`; IATI identifiers are one token.",
                    hint: "Write the reporting organisation's ref, a hyphen and the programme's own id, for example XM-DAC-41114-AZ-UNDP-CRC.")
        }
        var reporting: IATIPublisher.Organisation?
        if let n = map.require("reporting_org") {
            reporting = organisation(n, "exports.iati.reporting_org", keys: Keys.reportingOrg, participating: false)
        }
        var participating: [IATIPublisher.Organisation] = []
        if let n = map.require("participating_orgs"), let items = c.sequence(n, "`exports.iati.participating_orgs`") {
            if items.isEmpty {
                c.error("invalid-value", at: c.location(n), "`exports.iati.participating_orgs` is empty; IATI needs at least one participating organisation.")
            }
            for item in items {
                if let org = organisation(item, "a participating organisation", keys: Keys.participatingOrg, participating: true) {
                    participating.append(org)
                }
            }
        }
        let description = map.require("description").flatMap { c.localized($0, "`exports.iati.description`") }
        let status = map.require("activity_status").flatMap { code($0, "`exports.iati.activity_status`", IATICodes.activityStatus) }
        var sectors: [IATIPublisher.Sector] = []
        if let n = map.require("sector") {
            let items: [Node] = if case .sequence(let list) = n { Array(list) } else { [n] }
            for item in items { if let s = sector(item) { sectors.append(s) } }
            if items.isEmpty { c.error("invalid-value", at: c.location(n), "`exports.iati.sector` is empty; IATI needs a sector (rule 6.2.2).") }
            if sectors.count > 1 {
                let total = sectors.compactMap(\.percentage).reduce(ExactDecimal.zero, +)
                if sectors.contains(where: { $0.percentage == nil }) || total != ExactDecimal(100) {
                    c.error("invalid-value", at: c.location(n),
                            "With several sectors each needs a `percentage`, and they must add up to 100 (they add up to \(total)).",
                            hint: "IATI rule 6.2: sector percentages of one vocabulary sum to 100.")
                }
            }
        }
        var country = programmeCountry
        if let n = map["recipient_country"] { country = c.nonEmptyString(n, "`exports.iati.recipient_country`") }
        if country == nil {
            c.error("missing-key", at: c.location(node),
                    "IATI needs the recipient country: set `programme.country` or `exports.iati.recipient_country`.",
                    hint: "An ISO 3166-1 two-letter code such as AZ (IATI rule 3.7.1).")
        } else if let text = country, !(text.count == 2 && text.allSatisfy({ $0.isASCII && $0.isUppercase })) {
            c.error("invalid-value", at: c.location(map["recipient_country"] ?? node),
                    "The recipient country must be an ISO 3166-1 two-letter code in capitals such as AZ, not `\(text)`.",
                    hint: map["recipient_country"] == nil ? "It comes from `programme.country`; or set `exports.iati.recipient_country`." : nil)
        }
        var language = "en"
        if let n = map["language"], let text = c.nonEmptyString(n, "`exports.iati.language`") {
            if text.count == 2, text.allSatisfy({ $0.isASCII && $0.isLowercase }) {
                language = text
            } else {
                c.error("invalid-value", at: c.location(n), "`exports.iati.language` must be an ISO 639-1 two-letter code such as en or az, not `\(text)`.")
            }
        }
        let actualStart = map["actual_start"].flatMap { c.date($0, "`exports.iati.actual_start`") }
        let actualEnd = map["actual_end"].flatMap { c.date($0, "`exports.iati.actual_end`") }
        if let identifier, let ref = reporting?.ref, !identifier.hasPrefix(ref + "-") {
            c.warning("iati-identifier-prefix", at: c.location(map["identifier"]),
                      "The IATI identifier `\(identifier)` does not start with the reporting organisation's ref `\(ref)` and a hyphen; IATI's validator warns about this (rule 1.1.21).",
                      hint: "Write it as `\(ref)-\(identifier)` unless the identifier was registered otherwise.")
        }
        guard let identifier, let reporting, let description, let status, !sectors.isEmpty, !participating.isEmpty, let country else {
            return nil
        }
        return IATIPublisher(identifier: identifier, reportingOrg: reporting, participatingOrgs: participating,
                             description: description, activityStatus: status, sectors: sectors, recipientCountry: country,
                             language: language, actualStart: actualStart, actualEnd: actualEnd, location: c.location(node))
    }

    private func organisation(_ node: Node, _ what: String, keys: [String], participating: Bool) -> IATIPublisher.Organisation? {
        guard let map = MappingReader(node, what, keys: keys, context: c) else { return nil }
        var org = IATIPublisher.Organisation()
        let refNode = participating ? map["ref"] : map.require("ref")
        org.ref = refNode.flatMap { c.nonEmptyString($0, "The `ref` of \(what)") }
        let typeNode = participating ? map["type"] : map.require("type")
        org.type = typeNode.flatMap { code($0, "The `type` of \(what)", IATICodes.organisationType) }
        if participating {
            org.role = map.require("role").flatMap { code($0, "The `role` of \(what)", IATICodes.organisationRole) }
        }
        let nameNode = participating ? map["name"] : map.require("name")
        org.name = nameNode.flatMap { c.localized($0, "The `name` of \(what)") }
        if participating, map["ref"] == nil, map["name"] == nil {
            c.error("missing-key", at: c.location(node), "A participating organisation needs a `ref` or a `name` (IATI rule 6.10.1).")
            return nil
        }
        return org
    }

    private func sector(_ node: Node) -> IATIPublisher.Sector? {
        if case .scalar = node {
            guard let text = c.nonEmptyString(node, "`exports.iati.sector`") else { return nil }
            return checkedSector(code: text, vocabulary: "1", percentage: nil, at: node)
        }
        guard let map = MappingReader(node, "a sector", keys: Keys.sector, context: c) else { return nil }
        guard let code = map.require("code").flatMap({ c.nonEmptyString($0, "A sector `code`") }) else { return nil }
        let vocabulary = map["vocabulary"].flatMap { self.code($0, "A sector `vocabulary`", IATICodes.sectorVocabulary) } ?? "1"
        let percentage = map["percentage"].flatMap { c.decimal($0, "A sector `percentage`") }
        return checkedSector(code: code, vocabulary: vocabulary, percentage: percentage, at: map["code"] ?? node)
    }

    private func checkedSector(code: String, vocabulary: String, percentage: ExactDecimal?, at node: Node) -> IATIPublisher.Sector? {
        if vocabulary == "1", !(code.count == 5 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber)) {
            c.error("invalid-value", at: c.location(node),
                    "Sector `\(code)` is not an OECD DAC 5-digit purpose code (vocabulary 1), such as 16010 (social protection).",
                    hint: "Give `vocabulary:` if the code is from another sector list.")
            return nil
        }
        return IATIPublisher.Sector(code: code, vocabulary: vocabulary, percentage: percentage)
    }

    /// A code from an IATI codelist, written as a number or text.
    private func code(_ node: Node, _ what: String, _ codes: [String]) -> String? {
        guard let text = c.string(node, what)?.trimmingCharacters(in: .whitespaces) else { return nil }
        guard codes.contains(text) else {
            c.error("invalid-value", at: c.location(node), "\(what) must be one of the IATI codes \(codes.joined(separator: ", ")), not `\(text)`.")
            return nil
        }
        return text
    }
}
