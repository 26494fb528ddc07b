import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// The EU logframe matrix (grant contract Annex "Logical Framework"): Results chain |
/// Indicators | Baseline | Current value | Targets | Sources and means of verification |
/// Assumptions, grouped Impact, Outcomes, Outputs, Activities; F/M values under each figure of
/// an indicator with a sex breakdown.
enum EUStyle {
    static func build(_ model: ReportModel) -> ReportDocument {
        let kit = StyleKit(model)
        let codes = kit.euCodes()
        let header = [[
            HeaderCell(kit.t(.resultsChain)), HeaderCell(kit.t(.indicators)), HeaderCell(kit.t(.baselineYear)),
            HeaderCell(kit.t(.currentValueDate) + ": " + kit.date(model.asOf)), HeaderCell(kit.t(.status)), HeaderCell(kit.t(.targetsYear)),
            HeaderCell(kit.t(.sourcesVerification)), HeaderCell(kit.t(.assumptions)),
        ]]
        var rows: [Row] = []
        var footnotes: [String] = []
        let groups: [(ResultLevel, LabelKey)] = [(.impact, .euImpact), (.outcome, .euOutcome), (.output, .euOutputs), (.activity, .euActivities)]
        for (level, label) in groups {
            let results = model.definitions.results.filter { $0.level == level }
            guard !results.isEmpty else { continue }
            rows.append(Row(.group(depth: 0), [.text(kit.t(label))] + Array(repeating: .spanned, count: 7)))
            for r in results {
                let code = codes[r.id] ?? r.id
                let chainText = code + (code == r.id ? "" : " (\(r.id))") + ": " + r.title.text(kit.language)
                let indicators = kit.indicators.filter { $0.0.result == r.id }
                if indicators.isEmpty {
                    rows.append(Row(.data, [.text(chainText), .text(kit.t(.noIndicators)), .empty, .empty, .empty, .empty, .empty, .empty]))
                }
                for (n, (indicator, figures, verdict)) in indicators.enumerated() {
                    // The results chain cell heads its first indicator only (merged, as in the EU template).
                    let chain = n == 0 ? chainText : ""
                    let targets = kit.targetSchedule(indicator).map { item in
                        item.final ? kit.valueText(item.value, indicator, figures) + " (\(item.date.map { String($0.year) } ?? item.label))"
                                   : "\(item.label): " + kit.valueText(item.value, indicator, figures)
                    }
                    // In words for the donor; source ids and file hashes are in the audit appendix.
                    let sources = kit.meansOfVerification(indicator)
                    rows.append(Row(.data, [
                        .text(chain),
                        .text("\(indicator.id) \(indicator.title.text(kit.language))"),
                        kit.benchmarkCell(indicator.baseline, indicator, yearOnly: true),
                        kit.figureCell(figures.current, indicator, figures),
                        kit.statusCell(verdict.status, style: "eu"),
                        .text(targets.isEmpty ? kit.format.notAvailable : targets.joined(separator: "; ")),
                        .text(sources),
                        .text(kit.text(indicator.assumptions)),
                    ]))
                    if let sex = kit.sexBreakdown(figures) {
                        for cell in sex.cells {
                            let missing = cell.key.contains { $0.category == nil }
                            if missing, cell.value.suppressed == nil, cell.value.value?.isZero ?? true { continue }
                            rows.append(Row(.detail, [
                                .empty, .text("\(indicator.id) · \(kit.cellLabel(cell))"), .empty,
                                kit.figureCell(cell.value, indicator, figures), .empty, .empty, .empty, .empty,
                            ]))
                        }
                        footnotes += kit.breakdownNotes(indicator, figures, only: [sex.dimensions])
                    }
                }
            }
        }
        footnotes = [kit.t(.sexNote), kit.t(.codeNote)] + footnotes
        // The sex lines are in the matrix; every other breakdown is referred to the annex.
        if let reference = kit.annexReference(shown: { _, b in b.dimensions.count == 1 && kit.isSexDimension(b.dimensions[0]) }) {
            footnotes.append(reference)
        }
        var sections = [Section(heading: kit.t(.logframeMatrix), blocks: [.table(Table(name: "logframe", header: header, rows: rows, footnotes: footnotes))])]
        if let annex = kit.breakdownSection(withPeriods: false) { sections.append(annex) }
        if let trends = kit.trendsSection() { sections.append(trends) }
        return kit.document(style: "eu", styleTitle: .styleEU, sections: sections)
    }
}

extension StyleKit {
    /// Is this dimension the person's sex (id or field `sex`/`gender`)?
    func isSexDimension(_ id: String) -> Bool {
        let names = ["sex", "gender"]
        if names.contains(id.lowercased()) { return true }
        if let d = definitions.dimension(id), case .field(let field) = d.kind { return names.contains(field.lowercased()) }
        return false
    }

    /// The indicator's one-dimension sex breakdown, if declared.
    func sexBreakdown(_ figures: IndicatorFigures) -> BreakdownFigures? {
        figures.breakdowns.first { $0.dimensions.count == 1 && isSexDimension($0.dimensions[0]) }
    }
}
