import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// Disaggregation in every style (issue 11 item 1): every declared breakdown of every indicator
/// as one annex table, the same in every style and format. Per breakdown a heading row, one row
/// per cell (categories in the engine's order, "not recorded" included), and where the overlap is
/// not zero (people of a distinct count in several cells) a line with that number. Styles with
/// period columns add the cells' period values.
extension StyleKit {
    /// Name of the annex table (and of its XLSX sheet).
    static let breakdownTableName = "disaggregation"

    func breakdownSection(withPeriods: Bool) -> Section? {
        let periods = withPeriods ? model.periods : []
        var header = [HeaderCell(t(.disaggregations)), HeaderCell(t(.breakdownBy)), HeaderCell(t(.currentValue))]
        header += periods.map { HeaderCell($0.id) }
        var rows: [Row] = []
        for (indicator, figures, _) in indicators {
            for breakdown in figures.breakdowns {
                let heading = t(.breakdownTitle, "\(indicator.id) \(indicator.title.text(language))", dimensionNames(breakdown.dimensions))
                rows.append(Row(.group(depth: 0), [.text(heading)] + Array(repeating: .spanned, count: header.count - 1)))
                // Every row names its breakdown too, so that the CSV (which drops heading rows) stays tidy.
                let by = dimensionNames(breakdown.dimensions)
                for cell in breakdown.cells {
                    var cells: [Cell] = [.text(breakdownRowLabel(indicator, cell)), .text(by), figureCell(cell.value, indicator, figures)]
                    for i in periods.indices {
                        cells.append(i < cell.periods.count ? figureCell(cell.periods[i], indicator, figures) : .notAvailable)
                    }
                    rows.append(Row(.data, cells))
                }
                if let mark = breakdown.overlapSuppressed {
                    rows.append(Row(.total, [.text("\(indicator.id) · \(t(.overlapRow))"), .text(by), .text(suppressedMark(mark, indicator))]
                                    + Array(repeating: Cell.empty, count: withPeriods ? model.periods.count : 0)))
                } else if let overlap = breakdown.overlap, !overlap.isZero {
                    rows.append(Row(.total, [.text("\(indicator.id) · \(t(.overlapRow))"), .text(by), .number(overlap, decimals: 0)]
                                    + Array(repeating: Cell.empty, count: periods.count)))
                }
            }
        }
        guard !rows.isEmpty else { return nil }
        var footnotes = [t(.breakdownAnnexNote)]
        if withPeriods { footnotes.append(t(.breakdownPeriodNote)) }
        return Section(heading: t(.breakdownAnnex), blocks: [.table(Table(name: Self.breakdownTableName, header: [header], rows: rows, footnotes: footnotes, csvAnnex: true))])
    }

    /// `OP1.1 · Female × Children (under 18)`: the row label of a breakdown cell.
    func breakdownRowLabel(_ indicator: IndicatorDefinition, _ cell: CellFigures) -> String {
        "\(indicator.id) · \(cellLabel(cell))"
    }
}

// MARK: - Breakdowns in the main table, and folding long ones into the annex

extension StyleKit {
    /// A breakdown of more cells than this is folded: the main table names it and points to the
    /// annex instead of listing its cells (issue 11: "more than about 12 cells").
    static let foldAbove = 12

    func isFolded(_ breakdown: BreakdownFigures) -> Bool { breakdown.cells.count > Self.foldAbove }

    /// `OP1.1 · by District × Case type: 15 cells, in Annex: disaggregation`: the main table's
    /// line for a folded breakdown.
    func foldedReference(_ indicator: IndicatorDefinition, _ breakdown: BreakdownFigures) -> String {
        "\(indicator.id) · " + t(.foldedBreakdown, t(.byInline, dimensionNames(breakdown.dimensions)),
                                 format.number(ExactDecimal(breakdown.cells.count)), t(.breakdownAnnex))
    }

    /// A breakdown in one line with its figures: `Female = 300, Male = 250, not recorded = 9`
    /// (`=`, since a label may end in a number: `<5 = 169`), and the overlap when people fall in
    /// several cells.
    func breakdownFiguresText(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures, _ breakdown: BreakdownFigures) -> String {
        var text = breakdown.cells.map { "\(cellLabel($0)) = \(valueText($0.value.value, indicator, figures))" }.joined(separator: ", ")
        if let overlap = breakdown.overlap, !overlap.isZero { text += " (\(t(.overlapRow)): \(format.number(overlap)))" }
        return text
    }

    /// The main table's footnote pointing to the annex for the breakdowns it does not show:
    /// `More breakdowns, cell by cell, in Annex: disaggregation: OP1.1 by Age, by Centre; ...`.
    /// `shown` says which breakdowns the table shows itself.
    func annexReference(shown: (IndicatorDefinition, BreakdownFigures) -> Bool = { _, _ in false }) -> String? {
        var parts: [String] = []
        for (indicator, figures, _) in indicators {
            let rest = figures.breakdowns.filter { !shown(indicator, $0) }
            guard !rest.isEmpty else { continue }
            parts.append("\(indicator.id) " + rest.map { t(.byInline, dimensionNames($0.dimensions)) }.joined(separator: ", "))
        }
        return parts.isEmpty ? nil : t(.annexReference, t(.breakdownAnnex), parts.joined(separator: "; "))
    }
}
