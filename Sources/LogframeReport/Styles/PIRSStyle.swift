import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeExpressions

/// Performance indicator reference sheets: one section per indicator with its definition, unit,
/// computation in words and as written, numerator and denominator, disaggregations, source and
/// means of verification, frequency, baseline, targets and known data limitations; then a
/// summary table (one row per indicator), which is the CSV export.
enum PIRSStyle {
    static func build(_ model: ReportModel) -> ReportDocument {
        let kit = StyleKit(model)
        var sections: [Section] = []
        var rows: [Row] = []
        let frequency = kit.frequency()
        for (indicator, figures, verdict) in kit.indicators {
            let result = kit.resultDefinition(indicator.result)
            let words = indicator.expressionText.map { ExpressionWords.describe($0, language: kit.language, mode: .plain, names: kit.expressionNames) }
                ?? kit.t(.reportedByHand)
            let disaggregations = indicator.breakdowns.map(kit.dimensionNames).joined(separator: "; ")
            // In words for the donor: source ids, file paths and hashes are in the audit appendix.
            var sources = kit.text(indicator.meansOfVerification)
            var sourceIds: [String] = []
            if case .computed(_, let ids) = indicator.computation {
                sourceIds = ids
                let files = ids.map(kit.sourceWords).joined(separator: "; ")
                sources = sources.isEmpty ? files : "\(sources) (\(kit.t(.dataFiles)): \(files))"
            }
            if sources.isEmpty { sources = kit.t(.meansOfVerificationNone) }
            let targets = kit.targetSchedule(indicator).map { item in
                "\(item.final ? kit.t(.final) + " " : "")\(item.date.map(kit.date) ?? item.label): \(kit.valueText(item.value, indicator, figures))"
            }
            let limitations = kit.limitations(indicator, figures, sourceIds: sourceIds)
            var list: [(term: String, description: String)] = [
                (kit.t(.resultsChain), result.map { "\(Localization.level($0.level, kit.language)) \($0.id): \($0.title.text(kit.language))" } ?? indicator.result),
                (kit.t(.definition), indicator.definition.map { $0.text(kit.language) } ?? indicator.title.text(kit.language)),
                (kit.t(.unit), kit.text(indicator.unit).isEmpty ? kit.format.notAvailable : kit.text(indicator.unit)),
                (kit.t(.countingUnit), kit.format.countingUnit(figures.countingUnit)),
                (kit.t(.computationWords), words),
            ]
            if figures.countingUnit == "percent" || figures.countingUnit == "ratio", let text = indicator.expressionText,
               case .success(let syntax) = ExpressionParser.parse(text), let parts = ExpressionWords.ratioParts(syntax) {
                let say = ExpressionWords(text: text, language: kit.language, mode: .plain, names: kit.expressionNames)
                list.append((kit.t(.numerator), say.words(parts.0) + " = " + kit.partText(figures.current.numerator, figures.current)))
                list.append((kit.t(.denominator), say.words(parts.1) + " = " + kit.partText(figures.current.denominator, figures.current)))
            }
            list += [
                (kit.t(.disaggregations), disaggregations.isEmpty ? kit.t(.none) : kit.disaggregationsWithFigures(indicator, figures)),
                (kit.t(.sourcesVerification), sources),
                (kit.t(.frequency), frequency),
                (kit.t(.baseline), kit.benchmarkText(indicator.baseline, indicator)),
                (kit.t(.targetsMilestones), targets.isEmpty ? kit.format.notAvailable : targets.joined(separator: "; ")),
                (kit.t(.status), "\(StatusWords.word(verdict.status, style: "pirs", language: kit.language)) (\(kit.date(model.asOf)))"),
                (kit.t(.direction), kit.t(indicator.direction == .increase ? .increase : .decrease)),
                (kit.t(.cumulativeOrNot), kit.t(indicator.cumulative ? .cumulative : .notCumulative)),
                (kit.t(.sdgLinks), indicator.sdg.isEmpty ? kit.t(.none) : indicator.sdg.joined(separator: ", ")),
            ]
            if !figures.rowsMatched.isEmpty {
                list.append((kit.t(.rowsMatched), figures.rowsMatched.map { "\(kit.sourceWords($0.source)): \(figures.rowsMatchedSuppressed.map { kit.suppressedMark($0, indicator) } ?? kit.format.number(ExactDecimal($0.rows)))" }.joined(separator: "; ")))
            }
            list.append((kit.t(.limitations), limitations.joined(separator: " ")))
            sections.append(Section(heading: "\(indicator.id) \(indicator.title.text(kit.language))", blocks: [.definitionList(list)] + kit.charts(indicator, figures)))
            rows.append(Row(.data, [
                .text(indicator.id), .text(indicator.title.text(kit.language)), .text(list[1].description), .text(kit.text(indicator.unit)),
                .text(words), .text(disaggregations), .text(sources), .text(frequency),
                kit.valueCell(indicator.baseline?.value, indicator, figures), kit.valueCell(indicator.target?.value, indicator, figures),
                kit.statusCell(verdict.status, style: "pirs"),
                .text(limitations.joined(separator: " ")),
            ]))
        }
        let header = [[
            HeaderCell("ID"), HeaderCell(kit.t(.indicator)), HeaderCell(kit.t(.definition)), HeaderCell(kit.t(.unit)),
            HeaderCell(kit.t(.computationWords)), HeaderCell(kit.t(.disaggregations)),
            HeaderCell(kit.t(.sourcesVerification)), HeaderCell(kit.t(.frequency)), HeaderCell(kit.t(.baseline)),
            HeaderCell(kit.t(.target)), HeaderCell(kit.t(.status)), HeaderCell(kit.t(.limitations)),
        ]]
        sections.append(Section(heading: kit.t(.stylePIRS), blocks: [.table(Table(name: "pirs", header: header, rows: rows))]))
        if let annex = kit.breakdownSection(withPeriods: false) { sections.append(annex) }
        return kit.document(style: "pirs", styleTitle: .stylePIRS, sections: sections)
    }
}

extension StyleKit {
    /// Each breakdown with its cells' current values (`Sex: Female = 300, Male = 250, not
    /// recorded = 9; Age: ...`); a breakdown of more than `foldAbove` cells is named with a pointer to the
    /// annex instead.
    func disaggregationsWithFigures(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures) -> String {
        figures.breakdowns.map { breakdown in
            isFolded(breakdown)
                ? t(.foldedBreakdown, dimensionNames(breakdown.dimensions), format.number(ExactDecimal(breakdown.cells.count)), t(.breakdownAnnex))
                : "\(dimensionNames(breakdown.dimensions)): \(breakdownFiguresText(indicator, figures, breakdown))"
        }.joined(separator: "; ")
    }

    /// The reporting frequency, from the kind of the programme's period ids.
    func frequency() -> String {
        guard let id = definitions.programme.periods.first?.id else { return t(.customPeriods) }
        if id.count == 4, id.allSatisfy(\.isNumber) { return t(.yearly) }
        if id.contains("-Q") { return t(.quarterly) }
        if id.contains("-S") { return t(.semesters) }
        if id.contains("-M") { return t(.monthly) }
        return t(.customPeriods)
    }

    /// Rows rejected in the indicator's sources, and the "not recorded" share of each breakdown.
    func limitations(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures, sourceIds: [String]) -> [String] {
        var out: [String] = []
        if case .reported = indicator.computation { out.append(t(.reportedByHand)) }
        for s in model.sources where sourceIds.contains(s.id) && s.rowsRejected > 0 {
            out.append(t(.rejectedInSource, sourceWords(s.id), format.number(ExactDecimal(s.rowsRejected)), format.number(ExactDecimal(s.rowsRead))))
        }
        for b in figures.breakdowns where b.dimensions.count == 1 {
            guard let cell = b.cells.first(where: { $0.key[0].category == nil }), let v = cell.value.value, !v.isZero else { continue }
            var share = format.notAvailable
            if let c = figures.current.value, !c.isZero, let q = v / c {
                share = format.number(q * ExactDecimal(100), decimals: 1, percent: true)
            }
            out.append(t(.notRecordedShare, t(.byDimensions, dimensionName(b.dimensions[0])), valueText(v, indicator, figures), share))
        }
        if out.isEmpty { out.append(t(.noLimitations)) }
        return out
    }
}

extension StyleKit {
    /// What the words of a computation call the definitions' names (`ExpressionWords`): a field
    /// by the title of the dimension whose categories are its values (in sentence case: `Sex`
    /// -> `sex`; a dimension of bands names the bands, not the field), a field's value by that
    /// dimension's label for it, another indicator by its title; in the report's language.
    var expressionNames: ExpressionWords.Names {
        let dimensions = definitions.dimensions
        let language = self.language
        @Sendable func fieldOf(_ dimension: DimensionDefinition) -> String? {
            if case .field(let field) = dimension.kind { return field }
            return nil
        }
        let indicators = definitions.indicators
        return ExpressionWords.Names(
            field: { field in
                (dimensions.first { fieldOf($0) == field && $0.title != nil }?.title?.text(language)).map(Self.sentenceCase)
            },
            value: { field, value in
                for dimension in dimensions {
                    guard case .field(let f) = dimension.kind, f == field,
                          let label = dimension.labels.first(where: { $0.key == value })?.label else { continue }
                    return label.text(language)
                }
                return nil
            },
            indicator: { id in indicators.first { $0.id == id }?.title.text(language) })
    }

    /// A title inside a sentence: its first letter in lower case when it is an ASCII capital
    /// followed by a lower-case letter (`District` -> `district`; `IDP status` stays).
    static func sentenceCase(_ title: String) -> String {
        let scalars = Array(title.unicodeScalars.prefix(2))
        guard scalars.count == 2, ("A"..."Z").contains(scalars[0]), ("a"..."z").contains(scalars[1]) else { return title }
        return title.prefix(1).lowercased() + title.dropFirst()
    }
}
