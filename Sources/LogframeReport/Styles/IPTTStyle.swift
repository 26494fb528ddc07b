import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// Indicator performance tracking table: No. | Indicator | Level | Unit | Direction | Cumulative
/// or not | # or % | Baseline | life-of-programme target, actual, % met | on track; then per
/// period target, actual, % met. On track = within (1 - status.on_track) of the target to date,
/// 15 % by default, as TolaData and USAID practice do.
enum IPTTStyle {
    static func build(_ model: ReportModel) -> ReportDocument {
        let kit = StyleKit(model)
        // The status column words the one status; the IPTT's tolerance rule decides it only
        // when the programme sets `status.tolerance`.
        let programme = model.definitions.programme
        let tolerancePercent = programme.statusTolerance.map { kit.format.number($0 * ExactDecimal(100)) }
        let fixed: [LabelKey] = [.number, .indicator, .level, .unit, .direction, .cumulativeOrNot, .numberOrPercent, .baseline]
        var top = fixed.map { HeaderCell(kit.t($0)) }
        var leaf = fixed.map { _ in HeaderCell("") }
        top.append(HeaderCell(kit.t(.lifeOfProgramme), span: 3))
        leaf += [HeaderCell(kit.t(.target)), HeaderCell(kit.t(.actual)), HeaderCell(kit.t(.percentMet))]
        top.append(HeaderCell(tolerancePercent.map { kit.t(.onTrackColumn, $0) } ?? kit.t(.status)))
        leaf.append(HeaderCell(""))
        for p in model.periods {
            top.append(HeaderCell(p.id, span: 3))
            leaf += [HeaderCell(kit.t(.target)), HeaderCell(kit.t(.actual)), HeaderCell(kit.t(.percentMet))]
        }
        var rows: [Row] = []
        var number = 0
        for (indicator, figures, verdict) in kit.indicators {
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
                kit.figureCell(figures.current, indicator, figures),
                kit.shareCell(verdict.percentOfTarget),
                kit.statusCell(verdict.status, style: "iptt"),
            ]
            for (period, met) in zip(figures.periods, verdict.periodPercentMet) {
                let actual = indicator.cumulative ? period.cumulative : period.value
                if let target = period.target {
                    cells += [kit.valueCell(target, indicator, figures), kit.figureCell(actual, indicator, figures),
                              kit.shareCell(met)]
                } else {
                    cells += [.empty, kit.figureCell(actual, indicator, figures), .empty]
                }
            }
            rows.append(Row(.data, cells))
            rows += disaggregatedRows(kit, indicator, figures, columns: cells.count)
        }
        var footnotes = [tolerancePercent.map { kit.t(.ipttNote, $0) }
            ?? kit.t(.ipttNoteThresholds, kit.format.number(programme.onTrackThreshold * ExactDecimal(100)),
                     kit.format.number(programme.atRiskThreshold * ExactDecimal(100)))]
        if kit.indicators.contains(where: { !$0.1.breakdowns.isEmpty }) {
            footnotes.append(kit.t(.ipttBreakdownNote, String(StyleKit.foldAbove), kit.t(.breakdownAnnex)))
        }
        for (indicator, figures, _) in kit.indicators { footnotes += kit.breakdownNotes(indicator, figures) }
        var sections = [Section(heading: kit.t(.styleIPTT), blocks: [.table(Table(name: "iptt", header: [top, leaf], rows: rows, footnotes: footnotes))])]
        // Per period, as the IPTT shows every figure.
        if let annex = kit.breakdownSection(withPeriods: true) { sections.append(annex) }
        if let trends = kit.trendsSection() { sections.append(trends) }
        return kit.document(style: "iptt", styleTitle: .styleIPTT, sections: sections)
    }

    /// The rows under an indicator, as USAID IPTTs show them: one per breakdown cell (`OP1.1 ·
    /// Sex: Female`) with its life-of-programme actual and, for an indicator that is not
    /// cumulative, its value in each period (a cumulative cell value per period would be a sum of
    /// period counts, which counting rule 2 forbids; the annex has the period values). A
    /// breakdown of more than `StyleKit.foldAbove` cells is one line pointing to the annex.
    static func disaggregatedRows(_ kit: StyleKit, _ indicator: IndicatorDefinition, _ figures: IndicatorFigures, columns: Int) -> [Row] {
        let actualColumn = 9, firstPeriodColumn = 12
        var rows: [Row] = []
        for breakdown in figures.breakdowns {
            var cells = Array(repeating: Cell.empty, count: columns)
            if kit.isFolded(breakdown) {
                cells[1] = .text(kit.foldedReference(indicator, breakdown))
                rows.append(Row(.detail, cells))
                continue
            }
            let by = kit.dimensionNames(breakdown.dimensions)
            for cell in breakdown.cells {
                var line = cells
                line[1] = .text("\(indicator.id) · \(by): \(kit.cellLabel(cell))")
                line[actualColumn] = kit.valueCell(cell.value.value, indicator, figures)
                if !indicator.cumulative {
                    for i in cell.periods.indices where firstPeriodColumn + 3 * i + 1 < columns {
                        line[firstPeriodColumn + 3 * i + 1] = kit.valueCell(cell.periods[i].value, indicator, figures)
                    }
                }
                rows.append(Row(.detail, line))
            }
            if let overlap = breakdown.overlap, !overlap.isZero {
                var line = cells
                line[1] = .text("\(indicator.id) · \(by): \(kit.t(.overlapRow))")
                line[actualColumn] = .number(overlap, decimals: 0)
                rows.append(Row(.detail, line))
            }
        }
        return rows
    }
}
