import Foundation
import Testing
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport

/// Disaggregation in every donor report (issue 11 item 1): every declared breakdown cell of the
/// samples, with its value, is in every style's annex table, and its label is in every format.
@Suite("Every declared breakdown in every style and format")
struct BreakdownCoverageTests {
    static func value(_ cell: Cell) -> ExactDecimal?? {
        switch cell {
        case .number(let v, _), .percent(let v, _): return .some(v)
        case .notAvailable: return .some(nil)
        default: return nil
        }
    }

    static func label(_ indicator: IndicatorDefinition, _ cell: CellFigures, _ language: String) -> String {
        "\(indicator.id) · " + cell.label.map { $0.label.text(language) }.joined(separator: " × ")
    }

    @Test("Every cell, in order, with its value", arguments: OneVerdictTests.samples)
    func everyCell(_ sample: String) throws {
        for model in try OneVerdictTests.models(sample) {
            let declared = model.indicators.reduce(0) { $0 + $1.figures.breakdowns.reduce(0) { $0 + $1.cells.count } }
            #expect(declared > 0 || sample == "article54", "\(sample) declares no breakdown")
            for style in ReportStyles.all {
                let document = ReportStyles.build(style: style, model: model)
                let tables = document.sections.flatMap(\.blocks).compactMap { block -> Table? in
                    if case .table(let t) = block, t.name == "disaggregation" { return t } else { return nil }
                }
                if declared == 0 { #expect(tables.isEmpty); continue }
                let table = try #require(tables.first, "\(sample) \(style): no disaggregation table")
                var rows = table.rows[...]
                for report in model.indicators {
                    for breakdown in report.figures.breakdowns {
                        for cell in breakdown.cells {
                            let want = Self.label(report.definition, cell, "en")
                            // The next row with this label is the cell's (labels repeat across breakdowns).
                            guard let i = rows.firstIndex(where: { if case .text(want) = $0.cells.first { return true } else { return false } }) else {
                                Issue.record("\(sample) \(model.asOf) \(style): no row for \(want) (by \(breakdown.dimensions))")
                                continue
                            }
                            if let suppressed = cell.value.suppressed {
                                // A withheld cell (privacy.min_cell) shows its mark, never a number.
                                let mark = suppressed == .small ? "<\(report.definition.minCell ?? 0)" : "x"
                                let shown: String? = rows[i].cells.count > 2 ? { if case .text(let t) = rows[i].cells[2] { return t } else { return nil } }() : nil
                                #expect(shown == mark, "\(sample) \(style): \(want) shows \(String(describing: shown)), withheld as \(mark)")
                                rows = rows[(i + 1)...]
                                continue
                            }
                            let got = rows[i].cells.count > 2 ? Self.value(rows[i].cells[2]) : nil
                            #expect(got == .some(cell.value.value), "\(sample) \(style): \(want) shows \(String(describing: got)), the figure is \(String(describing: cell.value.value))")
                            rows = rows[(i + 1)...]
                        }
                    }
                }
            }
        }
    }

    @Test("Every cell label in Markdown, HTML and CSV", arguments: OneVerdictTests.samples)
    func everyFormat(_ sample: String) throws {
        let model = try #require(try OneVerdictTests.models(sample).last)
        for style in ReportStyles.all {
            let document = ReportStyles.build(style: style, model: model)
            let md = MarkdownRenderer.render(document), html = HTMLRenderer.render(document), csv = CSVRenderer.render(document)
            for report in model.indicators {
                for breakdown in report.figures.breakdowns {
                    for cell in breakdown.cells {
                        let label = Self.label(report.definition, cell, "en")
                        #expect(md.contains(MarkdownRenderer.escape(label)), "\(sample) \(style) md: \(label)")
                        #expect(html.contains(HTMLRenderer.escape(label)), "\(sample) \(style) html: \(label)")
                        #expect(csv.contains(label), "\(sample) \(style) csv: \(label)")
                    }
                }
            }
        }
    }
}
