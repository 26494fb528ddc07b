import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// UNDP results framework progress: Results | Indicators | Data source | Baseline (value, year)
/// | Milestones and targets by year, final | Achieved by year and cumulative | % of milestone |
/// Status in UNDP's traffic lights.
enum UNDPStyle {
    static func build(_ input: ReportInput) -> ReportDocument {
        let kit = StyleKit(input)
        let header = [[
            HeaderCell(kit.t(.results)), HeaderCell(kit.t(.indicators)), HeaderCell(kit.t(.dataSource)),
            HeaderCell(kit.t(.baselineValueYear)), HeaderCell(kit.t(.milestonesTargets)), HeaderCell(kit.t(.achievedByYear)),
            HeaderCell(kit.t(.percentOfMilestone)), HeaderCell(kit.t(.undpStatusLegend)),
        ]]
        // The last reported period of each (fiscal) year.
        var lastOfYear: [(year: String, index: Int)] = []
        for (i, p) in input.result.periods.enumerated() {
            let year = input.definitions.programme.yearId(of: p.start)
            if let last = lastOfYear.last, last.year == year { lastOfYear[lastOfYear.count - 1].index = i } else { lastOfYear.append((year, i)) }
        }
        var rows: [Row] = []
        var footnotes: [String] = []
        for r in input.definitions.results {
            let indicators = kit.indicators.filter { $0.0.result == r.id }
            guard !indicators.isEmpty else { continue }
            let resultText = "\(Localization.level(r.level, kit.language)) \(r.id): \(r.title.text(kit.language))"
            for (position, (indicator, figures)) in indicators.enumerated() {
                var source = kit.text(indicator.meansOfVerification)
                if case .computed(_, let ids) = indicator.computation {
                    source += (source.isEmpty ? "" : " ") + "[\(ids.joined(separator: ", "))]"
                } else if source.isEmpty {
                    source = kit.t(.reportedByHand)
                }
                let schedule = kit.targetSchedule(indicator)
                let milestones = schedule.map { item in
                    "\(item.final ? "\(kit.t(.final)) \(item.date.map { String($0.year) } ?? item.label)" : item.label): \(kit.valueText(item.value, indicator, figures))"
                }
                var achieved: [String] = []
                for (year, index) in lastOfYear where index < figures.periods.count {
                    achieved.append("\(year): \(kit.valueText(figures.periods[index].cumulative.value, indicator, figures))")
                }
                achieved.append("\(indicator.cumulative ? kit.t(.cumulative).lowercased() : kit.t(.currentValue).lowercased()): \(kit.valueText(figures.current.value, indicator, figures))")

                // The latest milestone due by the as-of date, else the next one.
                let due = schedule.last { ($0.date ?? input.definitions.programme.end) <= input.result.asOf }
                let reference = due ?? schedule.first
                if due == nil, let next = reference {
                    footnotes.append(kit.t(.milestoneNext, indicator.id, next.final ? "\(kit.t(.final)) \(next.label)" : next.label))
                }
                let share = percentOf(figures.current.value, reference?.value, baseline: indicator.baseline?.value)
                rows.append(Row(.data, [
                    // The result is named once, on its first indicator (as in UNDP's template); the
                    // CSV renderer repeats it on every row.
                    position == 0 ? .text(resultText) : .empty,
                    .text("\(indicator.id) \(indicator.title.text(kit.language))"), .text(source),
                    .text(kit.benchmarkText(indicator.baseline, indicator, yearOnly: true)),
                    .text(milestones.isEmpty ? kit.format.notAvailable : milestones.joined(separator: "; ")),
                    .text(achieved.joined(separator: "; ")),
                    kit.shareCell(share),
                    light(share, indicator.direction, kit),
                ]))
            }
        }
        footnotes = [kit.t(.undpNote), [kit.t(.green), kit.t(.amber), kit.t(.red), kit.t(.grey)].joined(separator: "; ")] + footnotes
        var sections = [Section(heading: kit.t(.results), blocks: [.table(Table(name: "results-framework", header: header, rows: rows, footnotes: footnotes))])]
        if let trends = kit.trendsSection() { sections.append(trends) }
        return kit.document(style: "undp", styleTitle: .styleUNDP, sections: sections)
    }

    /// 100 x (current - baseline) / (milestone - baseline); with no usable baseline, current / milestone.
    static func percentOf(_ current: ExactDecimal?, _ milestone: ExactDecimal?, baseline: ExactDecimal?) -> ExactDecimal? {
        guard let current, let milestone else { return nil }
        if let baseline, milestone != baseline, let q = (current - baseline) / (milestone - baseline) { return q * ExactDecimal(100) }
        guard !milestone.isZero, let q = current / milestone else { return nil }
        return q * ExactDecimal(100)
    }

    /// green: milestone reached; amber: 50-99 %; red: under 50 %; grey: insufficient data.
    static func light(_ share: ExactDecimal?, _ direction: Direction, _ kit: StyleKit) -> Cell {
        guard let share else { return .status(word: kit.t(.lightGrey), colour: .grey) }
        if share >= ExactDecimal(100) { return .status(word: kit.t(.lightGreen), colour: .green) }
        if share >= ExactDecimal(50) { return .status(word: kit.t(.lightAmber), colour: .amber) }
        return .status(word: kit.t(.lightRed), colour: .red)
    }
}
