import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// Indicator performance tracking table: No. | Indicator | Level | Unit | Direction | Cumulative
/// or not | # or % | Baseline | life-of-programme target, actual, % met | on track; then per
/// period target, actual, % met. On track = within (1 - status.on_track) of the target to date,
/// 15 % by default, as TolaData and USAID practice do.
enum IPTTStyle {
    static func build(_ input: ReportInput) -> ReportDocument {
        let kit = StyleKit(input)
        let tolerance = ExactDecimal(1) - input.definitions.programme.onTrackThreshold
        let tolerancePercent = kit.format.number(tolerance * ExactDecimal(100))
        let fixed: [LabelKey] = [.number, .indicator, .level, .unit, .direction, .cumulativeOrNot, .numberOrPercent, .baseline]
        var top = fixed.map { HeaderCell(kit.t($0)) }
        var leaf = fixed.map { _ in HeaderCell("") }
        top.append(HeaderCell(kit.t(.lifeOfProgramme), span: 3))
        leaf += [HeaderCell(kit.t(.target)), HeaderCell(kit.t(.actual)), HeaderCell(kit.t(.percentMet))]
        top.append(HeaderCell(kit.t(.onTrackColumn, tolerancePercent)))
        leaf.append(HeaderCell(""))
        for p in input.result.periods {
            top.append(HeaderCell(p.id, span: 3))
            leaf += [HeaderCell(kit.t(.target)), HeaderCell(kit.t(.actual)), HeaderCell(kit.t(.percentMet))]
        }
        var rows: [Row] = []
        var number = 0
        for (indicator, figures) in kit.indicators {
            number += 1
            let level = kit.resultDefinition(indicator.result).map { Localization.level($0.level, kit.language) } ?? ""
            var cells: [Cell] = [
                .number(ExactDecimal(number), decimals: 0),
                .text("\(indicator.id) \(indicator.title.text(kit.language))"),
                .text(level),
                .text(kit.text(indicator.unit)),
                .text(kit.t(indicator.direction == .increase ? .increase : .decrease)),
                .text(kit.t(indicator.cumulative ? .cumulative : .notCumulative)),
                .text(kit.isPercent(indicator, figures) ? "%" : "#"),
                kit.valueCell(indicator.baseline?.value, indicator, figures),
                kit.valueCell(indicator.target?.value, indicator, figures),
                kit.valueCell(figures.current.value, indicator, figures),
                kit.shareCell(met(figures.current.value, indicator.target?.value, indicator)),
                onTrack(figures, indicator, tolerance, kit),
            ]
            for period in figures.periods {
                let actual = indicator.cumulative ? period.cumulative.value : period.value.value
                if let target = period.target {
                    cells += [kit.valueCell(target, indicator, figures), kit.valueCell(actual, indicator, figures),
                              kit.shareCell(met(actual, target, indicator))]
                } else {
                    cells += [.empty, kit.valueCell(actual, indicator, figures), .empty]
                }
            }
            rows.append(Row(.data, cells))
        }
        var footnotes = [kit.t(.ipttNote, tolerancePercent)]
        for (indicator, figures) in kit.indicators { footnotes += kit.breakdownNotes(indicator, figures) }
        var sections = [Section(heading: kit.t(.styleIPTT), blocks: [.table(Table(name: "iptt", header: [top, leaf], rows: rows, footnotes: footnotes))])]
        if let trends = kit.trendsSection() { sections.append(trends) }
        return kit.document(style: "iptt", styleTitle: .styleIPTT, sections: sections)
    }

    /// actual / target x 100; for a decrease, (baseline - actual) / (baseline - target) x 100.
    static func met(_ actual: ExactDecimal?, _ target: ExactDecimal?, _ indicator: IndicatorDefinition) -> ExactDecimal? {
        guard let actual, let target else { return nil }
        if indicator.direction == .decrease, let baseline = indicator.baseline?.value {
            return ((baseline - actual) / (baseline - target)).map { $0 * ExactDecimal(100) }
        }
        return (actual / target).map { $0 * ExactDecimal(100) }
    }

    /// Within the tolerance of the expected value at the as-of date: on track; beyond it in the
    /// good direction: above plan; otherwise behind plan.
    static func onTrack(_ figures: IndicatorFigures, _ indicator: IndicatorDefinition, _ tolerance: ExactDecimal, _ kit: StyleKit) -> Cell {
        guard let current = figures.current.value, let expected = figures.expected, !expected.isZero,
              let ratio = current / expected else {
            return .status(word: Localization.status(figures.current.value == nil ? .noData : .noTarget, kit.language), colour: .grey)
        }
        let low = ExactDecimal(1) - tolerance, high = ExactDecimal(1) + tolerance
        if ratio >= low && ratio <= high { return .status(word: kit.t(.ipttOnTrack), colour: .green) }
        let better = indicator.direction == .increase ? ratio > high : ratio < low
        return better ? .status(word: kit.t(.ipttAbove), colour: .blue) : .status(word: kit.t(.ipttBelow), colour: .red)
    }
}
