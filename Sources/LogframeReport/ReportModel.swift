import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// The report model: what one run reports, built once from the definitions and the engine's
/// result. The JSON report is its serialisation (`JSONReport`), and every style reads it; no
/// style reads `EngineResult` or computes a verdict of its own.
public struct ReportModel: Sendable {
    public var definitions: Definitions
    public var language: String
    public var asOf: CivilDate
    /// Periods from programme start to the one containing the as-of date.
    public var periods: [Period]
    public var sources: [SourceFigures]
    /// Indicators in definitions order that have figures.
    public var indicators: [IndicatorReport]
    public var errorCount: Int
    public var warningCount: Int
    /// Set when small-cell suppression ran on some indicator (`privacy.min_cell`).
    public var suppression: SuppressionApplied?

    /// Small-cell suppression ran (docs/data-protection.md). `internalValues`: the withheld
    /// figures keep their values (the `--internal` JSON report, never for publication).
    public struct SuppressionApplied: Sendable {
        public var internalValues: Bool
    }

    public var programme: Programme { definitions.programme }
    public var results: [ResultDefinition] { definitions.results }

    /// The model of one run, with small-cell suppression applied (`SmallCellSuppression`), so
    /// that every renderer and export reads only publishable figures. `internalValues` keeps
    /// the withheld values (flagged) for the `--internal` JSON report.
    public init(definitions: Definitions, result: EngineResult, language: String, internalValues: Bool = false) {
        self.init(unsuppressed: definitions, result: result, language: language)
        self = SmallCellSuppression.apply(self, internal: internalValues)
    }

    /// The model before suppression (tests of the suppression itself).
    public init(unsuppressed definitions: Definitions, result: EngineResult, language: String) {
        self.definitions = definitions
        self.language = language
        asOf = result.asOf
        periods = result.periods
        sources = result.sources
        errorCount = result.log.errorCount
        warningCount = result.log.warningCount
        let figuresById = Dictionary(result.indicators.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        indicators = definitions.indicators.compactMap { indicator in
            figuresById[indicator.id].map { figures in
                IndicatorReport(definition: indicator, figures: figures,
                                verdict: Verdicts.decide(indicator, figures, programme: definitions.programme, asOf: result.asOf))
            }
        }
    }

    public init(_ input: ReportInput) {
        self.init(definitions: input.definitions, result: input.result, language: input.language)
    }

    public func indicator(_ id: String) -> IndicatorReport? { indicators.first { $0.definition.id == id } }
}

/// One indicator of the report: its definition, its figures and the verdicts on them.
public struct IndicatorReport: Sendable {
    public var definition: IndicatorDefinition
    public var figures: IndicatorFigures
    public var verdict: IndicatorVerdict

    public var id: String { definition.id }
    /// Withheld figures kept their values (`--internal`); set by `SmallCellSuppression`.
    public var keepsWithheldValues = false
}
