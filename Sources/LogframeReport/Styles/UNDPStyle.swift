import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// UNDP results framework progress: Results | Indicators | Data source | Baseline (value, year)
/// | Milestones and targets by year, final | Achieved by year and cumulative | % of milestone |
/// Status in UNDP's traffic lights.
enum UNDPStyle {
    static func build(_ model: ReportModel) -> ReportDocument {
        let kit = StyleKit(model)
        let header = [[
            HeaderCell(kit.t(.results)), HeaderCell(kit.t(.indicators)), HeaderCell(kit.t(.dataSource)),
            HeaderCell(kit.t(.baselineValueYear)), HeaderCell(kit.t(.milestonesTargets)), HeaderCell(kit.t(.achievedByYear)),
            HeaderCell(kit.t(.percentOfMilestone)), HeaderCell(kit.t(.undpStatusLegend)),
        ]]
        // The last reported period of each (fiscal) year.
        var lastOfYear: [(year: String, index: Int)] = []
        for (i, p) in model.periods.enumerated() {
            let year = model.definitions.programme.yearId(of: p.start)
            if let last = lastOfYear.last, last.year == year { lastOfYear[lastOfYear.count - 1].index = i } else { lastOfYear.append((year, i)) }
        }
        var rows: [Row] = []
        var footnotes: [String] = []
        for r in model.definitions.results {
            let indicators = kit.indicators.filter { $0.0.result == r.id }
            guard !indicators.isEmpty else { continue }
            let resultText = "\(Localization.level(r.level, kit.language)) \(r.id): \(r.title.text(kit.language))"
            for (position, (indicator, figures, verdict)) in indicators.enumerated() {
                // In words for the donor; source ids and file hashes are in the audit appendix.
                let source = kit.meansOfVerification(indicator)
                let schedule = verdict.schedule
                let milestones = schedule.map { item in
                    "\(item.final ? "\(kit.t(.final)) \(item.date.map { String($0.year) } ?? item.label)" : item.label): \(kit.valueText(item.value, indicator, figures))"
                }
                var achieved: [String] = []
                for (year, index) in lastOfYear where index < figures.periods.count {
                    achieved.append("\(year): \(kit.figureText(figures.periods[index].cumulative, indicator, figures))")
                }
                achieved.append("\(indicator.cumulative ? kit.t(.cumulative).lowercased() : kit.t(.currentValue).lowercased()): \(kit.figureText(figures.current, indicator, figures))")

                if verdict.milestoneIsNext, let next = verdict.milestone {
                    footnotes.append(kit.t(.milestoneNext, indicator.id, next.final ? "\(kit.t(.final)) \(next.label)" : next.label))
                }
                rows.append(Row(.data, [
                    // The result is named once, on its first indicator (as in UNDP's template); the
                    // CSV renderer repeats it on every row.
                    position == 0 ? .text(resultText) : .empty,
                    .text("\(indicator.id) \(indicator.title.text(kit.language))"), .text(source),
                    kit.benchmarkCell(indicator.baseline, indicator, yearOnly: true),
                    .text(milestones.isEmpty ? kit.format.notAvailable : milestones.joined(separator: "; ")),
                    .text(achieved.joined(separator: "; ")),
                    kit.shareCell(verdict.percentOfMilestone),
                    kit.statusCell(verdict.status, style: "undp"),
                ]))
            }
        }
        footnotes = [kit.t(.undpNote), [kit.t(.green), kit.t(.amber), kit.t(.red), kit.t(.grey)].joined(separator: "; ")] + footnotes
        if let reference = kit.annexReference() { footnotes.append(reference) }
        var sections = [Section(heading: kit.t(.results), blocks: [.table(Table(name: "results-framework", header: header, rows: rows, footnotes: footnotes))])]
        if let annex = kit.breakdownSection(withPeriods: false) { sections.append(annex) }
        if let trends = kit.trendsSection() { sections.append(trends) }
        return kit.document(style: "undp", styleTitle: .styleUNDP, sections: sections)
    }
}
