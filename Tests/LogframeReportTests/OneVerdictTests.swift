import Foundation
import Testing
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport

/// One verdict per figure (issue 11 item 2): over the bundled samples, mid-programme and at the
/// end, every style prints the same status for an indicator, each in its own words, and it is
/// the JSON report's status.
@Suite("One verdict in every style")
struct OneVerdictTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = ["article54", "ecy-social-services", "eu-unicef-child-protection", "right-to-the-city", "undp-crc"]
    static let allStatuses: [Status] = [.achieved, .onTrack, .atRisk, .offTrack, .notAchieved, .noTarget, .noData]

    static func models(_ sample: String) throws -> [ReportModel] {
        let (loaded, diagnostics) = DefinitionsLoader.load(path: root.appendingPathComponent("indicators/\(sample).yml").path)
        let definitions = try #require(loaded, "\(sample): \(diagnostics.map(\.message))")
        let p = definitions.programme
        let middle = CivilDate(daysSinceEpoch: (p.start.daysSinceEpoch + p.end.daysSinceEpoch) / 2)
        return [middle, p.end].map { asOf in
            ReportModel(definitions: definitions, result: Engine.run(definitions: definitions, asOf: asOf), language: "en")
        }
    }

    /// (indicator id, status word) for every status cell of a row that names an indicator.
    static func statusCells(_ document: ReportDocument, ids: [String]) -> [(id: String, word: String)] {
        var out: [(id: String, word: String)] = []
        for section in document.sections {
            for block in section.blocks {
                guard case .table(let table) = block else { continue }
                for row in table.rows {
                    var id: String?
                    for cell in row.cells {
                        guard case .text(let text) = cell else { continue }
                        if let match = ids.filter({ text == $0 || text.hasPrefix($0 + " ") }).max(by: { $0.count < $1.count }) { id = match; break }
                    }
                    guard let id else { continue }
                    for cell in row.cells { if case .status(let word, _) = cell { out.append((id, word)) } }
                }
            }
        }
        return out
    }

    @Test("Each style's words tell the statuses apart", arguments: ReportStyles.all)
    func wordsDistinct(_ style: String) {
        for language in ["en", "az"] {
            let words = Self.allStatuses.map { StatusWords.word($0, style: style, language: language) }
            #expect(Set(words).count == words.count, "\(style) (\(language)) uses one word for two statuses: \(words)")
        }
    }

    @Test("Same status in all six styles and the JSON report", arguments: samples)
    func sameStatus(_ sample: String) throws {
        for model in try Self.models(sample) {
            let ids = model.indicators.map(\.id)
            let json = JSONReport.build(model).serialized()
            for report in model.indicators {
                #expect(json.contains("\"status\": \"\(report.verdict.status.rawValue)\""))
            }
            for style in ReportStyles.all {
                let vocabulary = Dictionary(uniqueKeysWithValues: Self.allStatuses.map { (StatusWords.word($0, style: style, language: "en"), $0) })
                let cells = Self.statusCells(ReportStyles.build(style: style, model: model), ids: ids)
                for report in model.indicators {
                    let printed = cells.filter { $0.id == report.id }
                    // The SDG view lists only indicators linked to an SDG.
                    if style == "sdg" && report.definition.sdg.isEmpty { #expect(printed.isEmpty); continue }
                    #expect(!printed.isEmpty, "\(sample) \(model.asOf) \(style): no status for \(report.id)")
                    for cell in printed {
                        #expect(vocabulary[cell.word] == report.verdict.status,
                                "\(sample) \(model.asOf) \(style): \(report.id) reads \"\(cell.word)\", its status is \(report.verdict.status.rawValue)")
                    }
                }
            }
            // At the programme end nothing is on track, at risk or off track any more.
            if model.asOf >= model.programme.end {
                #expect(model.indicators.allSatisfy { ![.onTrack, .atRisk, .offTrack].contains($0.verdict.status) })
            }
        }
    }
}
