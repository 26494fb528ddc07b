import Foundation
import Testing
@testable import LogframeCLI
import LogframeReport

/// `--format`, `--style` and `--lang` take a value from a fixed list: `--help` lists it, and a
/// wrong value is a usage error naming the valid ones, with a did-you-mean when one is close.
@Suite("Option values")
struct OptionValueTests {
    @Test("The style and language lists are the report module's")
    func listsMatchTheReportModule() {
        #expect(ReportStyle.allCases.map(\.rawValue) == ReportStyles.all)
        #expect(ReportLanguage.allCases.map(\.rawValue) == Localization.languages)
    }

    @Test("A wrong value names the valid ones and the closest", arguments: [
        (["report", "defs.yml", "--format", "jsn"], #"Unknown format "jsn"; use md, csv, html, xlsx, json, iati, dhis2, dhis2-csv or adx. Did you mean "json"?"#),
        (["report", "defs.yml", "--format", "docx"], #"Unknown format "docx"; use md, csv, html, xlsx, json, iati, dhis2, dhis2-csv or adx."#),
        (["report", "defs.yml", "--style", "unisef"], #"Unknown style "unisef"; use eu, undp, unicef, iptt, pirs or sdg. Did you mean "unicef"?"#),
        (["report", "defs.yml", "--lang", "AZ"], #"Unknown language "AZ"; use en or az. Did you mean "az"?"#),
        (["validate", "defs.yml", "--format", "junt"], #"Unknown diagnostics format "junt"; use text, json, github or junit. Did you mean "junit"?"#),
        (["report", "defs.yml", "-o", "report.docx"], #"Unknown format "docx"; use md, csv, html, xlsx, json, iati, dhis2, dhis2-csv or adx."#),
    ])
    func wrongValue(arguments: [String], message: String) throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": cleanLog])
        let run = try Run(arguments, in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        if !message.contains("Did you mean") { #expect(!run.stderr.contains("Did you mean")) }
    }

    @Test("--help lists the values")
    func helpListsValues() throws {
        let dir = try workspace([:])
        let report = try Run(["report", "--help"], in: dir).stdout.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        #expect(report.contains("Report style: eu, undp, unicef, iptt, pirs or sdg."))
        #expect(report.contains("Output format: md, csv, html, xlsx, json, iati, dhis2, dhis2-csv or adx."))
        #expect(report.contains("Language: en or az."))
        let validate = try Run(["validate", "--help"], in: dir).stdout.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        #expect(validate.contains("One of text, json, github or junit."))
    }

    @Test("An output file's extension picks the format")
    func formatFromExtension() throws {
        #expect(try ReportCommand.parse(["d.yml", "-o", "r.htm"]).resolvedFormat == .html)
        #expect(try ReportCommand.parse(["d.yml", "-o", "r.markdown"]).resolvedFormat == .md)
        #expect(try ReportCommand.parse(["d.yml", "-o", "r.json"]).resolvedFormat == .json)
        #expect(try ReportCommand.parse(["d.yml", "-o", "r.xml", "--format", "csv"]).resolvedFormat == .csv)
        #expect(try ReportCommand.parse(["d.yml"]).resolvedFormat == .md)
    }
}
