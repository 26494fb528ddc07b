import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// UNICEF results table: Indicator | Target | Cumulative results | Target achieved (%) | Change
/// since the previous period, with girls and boys (sex by age under 18) and children with
/// disabilities where the indicator declares those breakdowns.
enum UNICEFStyle {
    static func build(_ model: ReportModel) -> ReportDocument {
        let kit = StyleKit(model)
        let header = [[
            HeaderCell(kit.t(.indicator)), HeaderCell(kit.t(.target)), HeaderCell(kit.t(.cumulativeResults)),
            HeaderCell(kit.t(.targetAchieved)), HeaderCell(kit.t(.status)), HeaderCell(kit.t(.changeSincePrevious)),
        ]]
        var rows: [Row] = []
        var footnotes = [kit.t(.unicefNote)]
        for r in model.definitions.results {
            let indicators = kit.indicators.filter { $0.0.result == r.id }
            guard !indicators.isEmpty else { continue }
            rows.append(Row(.group(depth: 0), [.text("\(Localization.level(r.level, kit.language)) \(r.id): \(r.title.text(kit.language))")] + Array(repeating: .spanned, count: 5)))
            for (indicator, figures, verdict) in indicators {
                rows.append(Row(.data, [
                    .text("\(indicator.id) \(indicator.title.text(kit.language))"),
                    kit.valueCell(indicator.target?.value, indicator, figures),
                    kit.figureCell(figures.current, indicator, figures),
                    kit.shareCell(verdict.percentOfTarget),
                    kit.statusCell(verdict.status, style: "unicef"),
                    // Signed; percentages change in percentage points (`+7.1 pp`, `+7,1 f.b.`).
                    verdict.change.map { kit.changeCell($0, indicator, figures) } ?? .notAvailable,
                ]))
                let girlsBoys = kit.girlsAndBoys(indicator, figures)
                // An indicator about children without a girls/boys split: say so (UNICEF asks for
                // it). Indicators about adults, staff or families get no girls/boys line at all.
                if girlsBoys.isEmpty, kit.countsOnlyChildren(indicator) {
                    rows.append(Row(.detail, [.text("\(indicator.id) · \(kit.t(.girls)) / \(kit.t(.boys))"), .empty, .text(kit.t(.notDisaggregatedSexAge)), .empty, .empty, .empty]))
                }
                for (label, value) in girlsBoys {
                    rows.append(Row(.detail, [.text("\(indicator.id) · \(label)"), .empty, kit.figureCell(value, indicator, figures), .empty, .empty, .empty]))
                }
                if let disabled = kit.childrenWithDisabilities(indicator, figures) {
                    rows.append(Row(.detail, [.text("\(indicator.id) · \(kit.t(.childrenWithDisabilities))"), .empty, kit.figureCell(disabled.value, indicator, figures), .empty, .empty, .empty]))
                    footnotes += kit.breakdownNotes(indicator, figures, only: [disabled.dimensions])
                }
                if let sex = kit.sexBreakdown(figures), !girlsBoys.isEmpty { footnotes += kit.breakdownNotes(indicator, figures, only: [sex.dimensions]) }
            }
        }
        // Girls, boys and children with disabilities are in the table; every breakdown, cell by cell, in the annex.
        if let reference = kit.annexReference() { footnotes.append(reference) }
        var sections = [Section(heading: kit.t(.results), blocks: [.table(Table(name: "results", header: header, rows: rows, footnotes: footnotes))])]
        if let annex = kit.breakdownSection(withPeriods: false) { sections.append(annex) }
        if let trends = kit.trendsSection() { sections.append(trends) }
        return kit.document(style: "unicef", styleTitle: .styleUNICEF, sections: sections)
    }
}

extension StyleKit {
    /// A change of the indicator's value, signed, in percentage points for percentages.
    func changeCell(_ change: ExactDecimal, _ indicator: IndicatorDefinition, _ figures: IndicatorFigures) -> Cell {
        let percent = isPercent(indicator, figures)
        return .change(change, decimals: places(change, indicator.decimals, percent: percent), unit: percent ? t(.percentagePoints) : nil)
    }

    /// Does the indicator count only children under 18 (a single count/distinct filtered on `age < 18`)?
    func countsOnlyChildren(_ indicator: IndicatorDefinition) -> Bool {
        guard let text = indicator.expressionText?.replacingOccurrences(of: " ", with: "") else { return false }
        let single = (text.hasPrefix("distinct(") || text.hasPrefix("count(")) && !text.contains("$")
            && !(indicator.expressionText ?? "").contains(" or ") && text.filter({ $0 == "(" }).count == 1
        return single && (text.contains("whereage<18") || text.contains("andage<18") || text.contains("whereage<=17") || text.contains("andage<=17"))
    }

    /// Is this dimension "under 18" (a condition like `age < 18`, or age bands with a `<18` band)?
    func under18Key(_ dimension: String) -> String? {
        guard let d = definitions.dimension(dimension) else { return nil }
        switch d.kind {
        case .bands(_, let bounds):
            return bounds.first == ExactDecimal(18) ? d.labels.first?.key : nil
        case .expression:
            let looksChild = dimension.lowercased().contains("child") || dimension.lowercased().contains("18")
                || d.labels.contains { $0.key == "true" && $0.label.text("en").contains("18") }
            return looksChild ? "true" : nil
        case .field:
            return nil
        }
    }

    /// Girls and boys under 18: from a sex x under-18 cross-tab, else from the sex breakdown of an
    /// indicator that counts only children. Empty when neither is declared.
    func girlsAndBoys(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures) -> [(String, Figure)] {
        for b in figures.breakdowns where b.dimensions.count == 2 {
            guard let s = b.dimensions.firstIndex(where: isSexDimension) else { continue }
            let other = b.dimensions[1 - s]
            guard let childKey = under18Key(other) else { continue }
            func cell(_ sex: String) -> Figure {
                b.cells.first { $0.key[s].category == sex && $0.key[1 - s].category == childKey }?.value ?? .none
            }
            return [(t(.girls), cell("F")), (t(.boys), cell("M"))]
        }
        if countsOnlyChildren(indicator), let sex = sexBreakdown(figures) {
            func cell(_ key: String) -> Figure { sex.cells.first { $0.key[0].category == key }?.value ?? .none }
            return [(t(.girls), cell("F")), (t(.boys), cell("M"))]
        }
        return []
    }

    /// Children with disabilities: the `true` cell of a disability breakdown of an indicator counting only children.
    func childrenWithDisabilities(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures) -> (value: Figure, dimensions: [String])? {
        guard countsOnlyChildren(indicator) else { return nil }
        for b in figures.breakdowns where b.dimensions.count == 1 {
            let id = b.dimensions[0]
            var field = id
            if let d = definitions.dimension(id), case .field(let f) = d.kind { field = f }
            guard id.lowercased().contains("disab") || field.lowercased().contains("disab") else { continue }
            return (b.cells.first { $0.key[0].category == "true" }?.value ?? .none, b.dimensions)
        }
        return nil
    }
}
