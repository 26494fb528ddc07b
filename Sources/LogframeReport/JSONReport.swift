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
            ("indicators", .array(model.indicators.map { indicatorJSON($0, language) })),
            ("diagnostics", .object([
                ("errors", .number(String(model.errorCount))),
                ("warnings", .number(String(model.warningCount))),
            ])),
        ])
    }

    static func indicatorJSON(_ report: IndicatorReport, _ language: String) -> JSON {
        let indicator = report.definition, figures = report.figures, verdict = report.verdict
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
            ("rowsMatched", .object(figures.rowsMatched.map { ($0.source, .number(String($0.rows))) })),
            ("periods", .array(figures.periods.map { period in
                .object([
                    ("id", .string(period.period.id)),
                    ("value", number(period.value.value)),
                    ("cumulative", number(period.cumulative.value)),
                    ("target", number(period.target)),
                    ("numerator", number(period.value.numerator)),
                    ("denominator", number(period.value.denominator)),
                ])
            })),
            ("breakdowns", .array(figures.breakdowns.map { breakdown in
                .object([
                    ("by", .array(breakdown.dimensions.map { .string($0) })),
                    ("overlap", number(breakdown.overlap)),
                    ("cells", .array(breakdown.cells.map { cell in
                        .object([
                            ("key", .object(cell.key.map { ($0.dimension, string($0.category)) })),
                            ("label", .object(cell.label.map { ($0.dimension, .string($0.label.text(language))) })),
                            ("value", number(cell.value.value)),
                            ("numerator", number(cell.value.numerator)),
                            ("denominator", number(cell.value.denominator)),
                            ("periods", .array(cell.periods.map { number($0.value) })),
                            ("cumulative", .array(cell.cumulative.map { number($0.value) })),
                        ])
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
