import Testing
import LogframeCore
@testable import LogframeDefinitions

/// `exports.iati`: the publisher details an IATI file needs, checked when the definitions load.
@Suite("exports.iati")
struct ExportSettingsTests {
    /// `minimal()` (25 lines) with an `exports` block from line 26.
    static let block = """

        exports:
          iati:
            identifier: XM-DAC-41114-P
            reporting_org: {ref: XM-DAC-41114, type: 40, name: {en: UNDP, az: BMTP}}
            participating_orgs: [{role: 4, name: Implementer}]
            description: A programme.
            activity_status: 2
            sector: 16010
            recipient_country: AZ
        """

    static func with(_ from: String, _ to: String) -> String { minimal() + block.replacingOccurrences(of: from, with: to) }

    @Test func readsTheBlock() throws {
        let r = load(minimal() + Self.block)
        let iati = try #require(r.definitions?.iati, "\(describe(r.diagnostics))")
        #expect(iati.identifier == "XM-DAC-41114-P")
        #expect(iati.reportingOrg.ref == "XM-DAC-41114" && iati.reportingOrg.type == "40")
        #expect(iati.reportingOrg.name?.text("az") == "BMTP")
        #expect(iati.participatingOrgs.map(\.role) == ["4"])
        #expect(iati.sectors.map(\.code) == ["16010"] && iati.sectors[0].vocabulary == "1")
        #expect(iati.recipientCountry == "AZ" && iati.language == "en")
        #expect(!r.diagnostics.contains { $0.code.hasPrefix("iati") })
        // Without the block the definitions are valid and have no publisher details.
        #expect(load(minimal()).definitions?.iati == nil)
    }

    static let cases: [Expected] = [
        Expected(name: "missing sector", yaml: with("    sector: 16010\n", ""), code: "missing-key", line: 28, column: 5,
                 message: "Exports.iati is missing the required key `sector`."),
        Expected(name: "misspelt key", yaml: with("activity_status", "activty_status"), code: "unknown-key", line: 32, column: 5,
                 hint: "Did you mean `activity_status`?"),
        Expected(name: "organisation type not in the codelist", yaml: with("type: 40", "type: 41"), code: "invalid-value", line: 29, column: 46),
        Expected(name: "not a DAC 5-digit sector", yaml: with("sector: 16010", "sector: 160"), code: "invalid-value", line: 33, column: 13),
        Expected(name: "participating organisation without ref or name", yaml: with("{role: 4, name: Implementer}", "{role: 4}"),
                 code: "missing-key", line: 30, column: 26),
        Expected(name: "no recipient country", yaml: with("    recipient_country: AZ", ""), code: "missing-key", line: 28, column: 5,
                 message: "IATI needs the recipient country: set `programme.country` or `exports.iati.recipient_country`."),
        Expected(name: "sector percentages not adding up", yaml: with("sector: 16010", "sector: [{code: 16010, percentage: 60}, {code: 15150, percentage: 30}]"),
                 code: "invalid-value", line: 33, column: 13),
        Expected(name: "unknown export", yaml: with("  iati:", "  iatii:"), code: "unknown-key", line: 27, column: 3, hint: "Did you mean `iati`?"),
    ]

    @Test(arguments: cases)
    func diagnostics(_ e: Expected) { diagnostic(e) }

    @Test func identifierWithoutTheReportingOrgRefIsAWarning() {
        let r = load(Self.with("identifier: XM-DAC-41114-P", "identifier: AZ-P"))
        let d = r.diagnostics.first { $0.code == "iati-identifier-prefix" }
        #expect(d?.severity == .warning)
        #expect(d?.location?.line == 28 && d?.location?.column == 17)
        #expect(r.definitions?.iati != nil)
    }
}
