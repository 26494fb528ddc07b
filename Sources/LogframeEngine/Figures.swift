import LogframeCore
import LogframeDefinitions

// The engine's output: every computed figure, before any rendering or rounding.
// The report module turns these into the JSON report (SPEC section 9) and every other format.

/// A value with, for `percent` and `ratio` indicators, the numerator and denominator it came
/// from (counting rule 3: ratios keep their parts).
public struct Figure: Sendable, Hashable {
    public var value: ExactDecimal?
    public var numerator: ExactDecimal?
    public var denominator: ExactDecimal?
    /// Set by the report's small-cell suppression (LogframeReport/Suppression.swift), never by
    /// the engine: the figure is withheld (its parts are then nil unless the report is internal).
    public var suppressed: Suppression?

    public init(value: ExactDecimal?, numerator: ExactDecimal? = nil, denominator: ExactDecimal? = nil) {
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
    }

    public static let none = Figure(value: nil)
}

/// Why a published figure is withheld (docs/data-protection.md).
public enum Suppression: String, Sendable, Hashable {
    /// A count from 1 to min_cell - 1.
    case small
    /// A larger figure withheld so that a small one cannot be worked out from it.
    case complementary
}

public enum Status: String, Sendable {
    case achieved
    case onTrack = "on-track"
    case atRisk = "at-risk"
    case offTrack = "off-track"
    /// At or after the programme end, the final target was missed (decided in Verdicts.swift).
    case notAchieved = "not-achieved"
    case noTarget = "no-target"
    case noData = "no-data"
}

public struct PeriodFigures: Sendable {
    public var period: Period
    /// Records dated in this period (null before the indicator's data begins).
    public var value: Figure
    /// Records from programme start to this period's end, recomputed from the records.
    public var cumulative: Figure
    /// Milestone or final target falling at this period, if any.
    public var target: ExactDecimal?
}

public struct CellFigures: Sendable {
    /// Dimension id -> category key; nil = not recorded. In the breakdown's dimension order.
    public var key: [(dimension: String, category: String?)]
    /// Dimension id -> display label, in the breakdown's dimension order.
    public var label: [(dimension: String, label: LocalizedText)]
    /// The cell's current value (same rule as the indicator's current value).
    public var value: Figure
    /// Period values of the cell, one per reported period.
    public var periods: [Figure]
    /// Cumulative values of the cell, one per reported period: recomputed from the records up
    /// to each period's end (a running distinct count, never a sum of `periods`); for a level
    /// (`cumulative: false`) the value of the latest period with data so far.
    public var cumulative: [Figure] = []
}

public struct BreakdownFigures: Sendable {
    public var dimensions: [String]
    /// Sum of the cells minus the total, for additive indicators: people counted in several
    /// cells (counting rule 5). Nil where a sum of cells means nothing (percentages, averages).
    public var overlap: ExactDecimal?
    public var cells: [CellFigures]
    /// The overlap is withheld by small-cell suppression (set by the report, not the engine).
    public var overlapSuppressed: Suppression? = nil
}

public struct IndicatorFigures: Sendable {
    public var id: String
    public var current: Figure
    public var expected: ExactDecimal?
    public var progress: ExactDecimal?
    public var periods: [PeriodFigures]
    public var breakdowns: [BreakdownFigures]
    /// Rows (within the as-of date) matched by at least one of the indicator's filters, by source id.
    public var rowsMatched: [(source: String, rows: Int)]
    /// The kind of counting unit of the indicator's value, for reports: `records`, `people`
    /// (distinct), `sum`, `average`, `percent`, `ratio`, `reported`, `derived`.
    public var countingUnit: String
    /// `rowsMatched` is withheld by small-cell suppression (set by the report, not the engine).
    public var rowsMatchedSuppressed: Suppression? = nil
}

public struct SourceFigures: Sendable {
    public var id: String
    public var files: [(path: String, sha256: String)]
    public var rowsRead: Int
    public var rowsUsed: Int
    public var rowsRejected: Int
    /// Accepted rows dated after the as-of date: kept out of every figure of this report.
    public var rowsAfterAsOf: Int
}

public struct EngineResult: Sendable {
    public var asOf: CivilDate
    /// Periods from programme start to the one containing the as-of date.
    public var periods: [Period]
    public var sources: [SourceFigures]
    public var indicators: [IndicatorFigures]
    public var log: DiagnosticLog
    /// Rows read on a second thread, over all sources (for tests of the split read).
    var rowsReadOnSecondThread = 0
}
