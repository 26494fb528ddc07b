import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// The JSON report, version 1 (SPEC section 9): the stable model every other format derives from.
///
/// Numbers are exact decimals at full precision; absent values are `null`; order follows the
/// definitions file. Keys beyond SPEC section 9 are documented in docs/json-report.md.
public enum JSONReport {
    public static let formatVersion = "logframe-report/1"

    public static func build(definitions: Definitions, result: EngineResult, language: String = "en") -> JSON {
        build(ReportModel(definitions: definitions, result: result, language: language))
    }

    /// The serialisation of the report model.
    public static func build(_ model: ReportModel) -> JSON {
        let programme = model.programme
        let language = model.language
        return .object([
            ("format", .string(formatVersion)),
            ("programme", .object([
                ("id", .string(programme.id)),
                ("title", .string(programme.title.text(language))),
                ("donor", string(programme.donor)),
                ("implementer", string(programme.implementer)),
                ("country", string(programme.country)),
                ("start", .string(programme.start.description)),
                ("end", .string(programme.end.description)),
                ("currency", string(programme.currency)),
                ("budget", programme.budgetTotal == nil && programme.budgetDonor == nil ? .null : .object([
                    ("total", number(programme.budgetTotal)), ("donor", number(programme.budgetDonor)),
                ])),
            ])),
            ("asOf", .string(model.asOf.description)),
            ("periods", .array(model.periods.map { period in
                .object([("id", .string(period.id)), ("start", .string(period.start.description)),
                         ("end", .string(period.end.description))])
            })),
            ("sources", .array(model.sources.map { source in
                .object([
                    ("id", .string(source.id)),
                    ("files", .array(source.files.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256))]) })),
                    ("rowsRead", .number(String(source.rowsRead))),
                    ("rowsUsed", .number(String(source.rowsUsed))),
                    ("rowsRejected", .number(String(source.rowsRejected))),
                    ("rowsAfterAsOf", .number(String(source.rowsAfterAsOf))),
                ])
            })),
            ("results", .array(model.results.map { resultDefinition in
                .object([
                    ("id", .string(resultDefinition.id)),
                    ("level", .string(resultDefinition.level.rawValue)),
                    ("title", .string(resultDefinition.title.text(language))),
                    ("parent", string(resultDefinition.parent)),
                ])
            })),
            ("indicators", .array(model.indicators.map { indicatorJSON($0, language, marks: model.suppression != nil) })),
            ("diagnostics", .object([
                ("errors", .number(String(model.errorCount))),
                ("warnings", .number(String(model.warningCount))),
            ])),
        ] + privacyJSON(model))
    }

    /// `privacy`: present only when small-cell suppression ran (docs/data-protection.md), so
    /// reports of programmes without `privacy:` are unchanged.
    static func privacyJSON(_ model: ReportModel) -> [(String, JSON)] {
        guard let suppression = model.suppression else { return [] }
        let thresholds = Set(model.indicators.compactMap { $0.definition.minCell }.filter { $0 >= 2 }).sorted()
        return [("privacy", .object([
            ("suppression", .string(suppression.internalValues ? "internal" : "applied")),
            ("minCell", thresholds.count == 1 ? .number(String(thresholds[0])) : .array(thresholds.map { .number(String($0)) })),
            ("note", .string(suppression.internalValues
                ? "INTERNAL: withheld figures keep their real values, flagged \"suppressed\"; do not publish this file."
                : "Counts from 1 to minCell - 1, and the figures they could be worked out from, are null with \"suppressed\": true.")),
        ]))]
    }

    /// `"suppressed": true` beside a withheld figure (`marks` only when suppression ran).
    static func flag(_ suppressed: Suppression?, _ key: String = "suppressed", marks: Bool) -> [(String, JSON)] {
        marks ? [(key, .bool(suppressed != nil))] : []
    }

    static func indicatorJSON(_ report: IndicatorReport, _ language: String, marks: Bool = false) -> JSON {
        let indicator = report.definition, figures = report.figures, verdict = report.verdict
        let marks = marks && (indicator.minCell ?? 0) >= 2 && SmallCellSuppression.applies(to: figures.countingUnit)
        let rowsMatched: JSON = figures.rowsMatchedSuppressed != nil && !(report.keepsWithheldValues)
            ? .null : .object(figures.rowsMatched.map { ($0.source, .number(String($0.rows))) })
        return .object([
            ("id", .string(indicator.id)),
            ("result", .string(indicator.result)),
            ("title", .string(indicator.title.text(language))),
            ("unit", string(indicator.unit?.text(language))),
            ("sdg", .array(indicator.sdg.map { .string($0) })),
            ("cumulative", .bool(indicator.cumulative)),
            ("direction", .string(indicator.direction.rawValue)),
            ("decimals", indicator.decimals.map { .number(String($0)) } ?? .null),
            ("countingUnit", .string(figures.countingUnit)),
            ("value", string(indicator.expressionText)),
            ("baseline", benchmark(indicator.baseline)),
            ("target", benchmark(indicator.target)),
            ("milestones", .array(indicator.milestones.map { .object([("id", .string($0.id)), ("value", number($0.value))]) })),
            ("current", number(figures.current.value)),
            ("expected", number(figures.expected)),
            ("progress", number(verdict.progress)),
            ("status", .string(verdict.status.rawValue)),
            ("numerator", number(figures.current.numerator)),
            ("denominator", number(figures.current.denominator)),
            ] + flag(figures.current.suppressed, marks: marks) + [
            ("rowsMatched", rowsMatched),
            ] + flag(figures.rowsMatchedSuppressed, "rowsMatchedSuppressed", marks: marks) + [
            ("periods", .array(figures.periods.map { period in
                .object([
                    ("id", .string(period.period.id)),
                    ("value", number(period.value.value)),
                    ("cumulative", number(period.cumulative.value)),
                    ("target", number(period.target)),
                    ("numerator", number(period.value.numerator)),
                    ("denominator", number(period.value.denominator)),
                ] + flag(period.value.suppressed, marks: marks)
                  + flag(period.cumulative.suppressed, "cumulativeSuppressed", marks: marks))
            })),
            ("breakdowns", .array(figures.breakdowns.map { breakdown in
                .object([
                    ("by", .array(breakdown.dimensions.map { .string($0) })),
                    ("overlap", number(breakdown.overlap)),
                ] + flag(breakdown.overlapSuppressed, "overlapSuppressed", marks: marks) + [
                    ("cells", .array(breakdown.cells.map { cell in
                        .object([
                            ("key", .object(cell.key.map { ($0.dimension, string($0.category)) })),
                            ("label", .object(cell.label.map { ($0.dimension, .string($0.label.text(language))) })),
                            ("value", number(cell.value.value)),
                            ("numerator", number(cell.value.numerator)),
                            ("denominator", number(cell.value.denominator)),
                        ] + flag(cell.value.suppressed, marks: marks) + [
                            ("periods", .array(cell.periods.map { number($0.value) })),
                            ("cumulative", .array(cell.cumulative.map { number($0.value) })),
                        ] + (marks ? [("periodsSuppressed", .array(cell.periods.map { .bool($0.suppressed != nil) })),
                                      ("cumulativeSuppressed", .array(cell.cumulative.map { .bool($0.suppressed != nil) }))] : []))
                    })),
                ])
            })),
        ])
    }

    static func benchmark(_ benchmark: Benchmark?) -> JSON {
        guard let benchmark else { return .null }
        return .object([("value", number(benchmark.value)), ("date", string(benchmark.date?.description))])
    }

    static func number(_ value: ExactDecimal?) -> JSON {
        value.map { .number($0.description) } ?? .null
    }

    static func string(_ value: String?) -> JSON {
        value.map { .string($0) } ?? .null
    }
}
