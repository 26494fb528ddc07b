import LogframeCore
import LogframeDefinitions
import LogframeExpressions

/// Which records a figure covers: a set of time buckets of one breakdown cell.
private struct Selection {
    /// Period buckets included.
    var buckets: Range<Int>
    /// Whether undated records are included (the current value and the last cumulative only).
    var undated: Bool
    /// For `$ID` of a reported indicator: the period whose entered value applies, and whether cumulative.
    var reportedPeriod: Int?
    var cumulative: Bool
}

extension Engine {
    /// Every indicator's figures, computed from what the pass found.
    static func figures(_ plan: CountingPlan, _ totals: CellTotals) -> EngineResult {
        Figures(counting: plan, totals: totals).result()
    }
}

/// Turns `CellTotals` into figures: period and cumulative values, breakdown cells, overlap,
/// expected value, progress and status. Reads only the plan and the totals.
private struct Figures {
    let counting: CountingPlan
    let totals: CellTotals
    var log: DiagnosticLog

    init(counting: CountingPlan, totals: CellTotals) {
        self.counting = counting
        self.totals = totals
        log = totals.log
    }

    var plan: EnginePlan { counting.formulas }
    var definitions: Definitions { counting.definitions }
    var asOf: CivilDate { counting.asOf }
    var periods: [Period] { counting.periods }
    var reportedPeriodCount: Int { counting.reportedPeriodCount }
    var undatedBucket: Int { counting.undatedBucket }
    var categories: [DimensionCategories] { totals.categories }
    /// cells[aggregate][breakdown][key]
    var cells: [[[CellKey: CellTotal]]] { totals.cells }

    consuming func result() -> EngineResult {
        for dimension in categories where dimension.overflowed {
            log.append(.error("dimension-too-many-categories", at: dimension.definition.location,
                              "Dimension `\(dimension.definition.id)` has more than \(DimensionCategories.limit) categories, so its breakdowns are left out of the report.",
                              hint: "Break down by a field with fewer values (a district rather than a person), or by bands."))
        }
        for (index, aggregate) in plan.aggregates.enumerated()
        where cells[index].contains(where: { $0.values.contains { $0.sumOverflowed } }) {
            let indicator = plan.indicators[aggregate.owners[0]].definition
            log.append(.error("sum-overflow", at: indicator.location,
                              "The sum in `\(indicator.id)` is too large to compute exactly, so it is shown as n/a.",
                              hint: "Check the source for values with too many digits (a typo such as an extra string of zeros)."))
        }
        var indicators: [IndicatorFigures] = []
        for index in plan.indicators.indices {
            indicators.append(figures(for: index))
        }
        var result = EngineResult(asOf: asOf, periods: Array(periods.prefix(reportedPeriodCount)), sources: totals.sources,
                            indicators: indicators, log: log)
        result.rowsReadOnSecondThread = totals.rowsReadOnSecondThread
        return result
    }

    private func figures(for index: Int) -> IndicatorFigures {
        let indicator = plan.indicators[index]
        let definition = indicator.definition
        let r = reportedPeriodCount
        var periodFigures: [PeriodFigures] = []
        var current = Figure.none
        var breakdowns: [BreakdownFigures] = []
        let unit: String

        if let formula = indicator.formula {
            unit = countingUnit(formula)
            let dataStart = indicator.sources.compactMap { totals.firstBucket[$0] }.min()
            let anyUndated = indicator.sources.contains { totals.hasUndated[$0] == true }
            // Made only of reported values and constants (`U = $P`): no records to wait for, so
            // its figures are those of the entered values.
            let recordless = formula.aggregateIndices.isEmpty
            // Period and cumulative figures of one cell (key per breakdown; total = breakdown 0, key 0).
            func periodValue(_ p: Int, breakdown: Int, key: CellKey) -> Figure {
                if !recordless { guard let start = dataStart, p >= start else { return .none } }
                return evaluate(formula, breakdown: breakdown, key: key,
                                Selection(buckets: p ..< p + 1, undated: false, reportedPeriod: p, cumulative: false))
            }
            // The period whose value is "current" for a level indicator: the latest with data.
            let aggregates = formula.aggregateIndices
            func hasData(_ p: Int) -> Bool {
                aggregates.contains { cells[$0][0][.total].map { $0.matched[p] > 0 } ?? false }
            }
            let undatedMatched = aggregates.contains { cells[$0][0][.total].map { $0.matched[undatedBucket] > 0 } ?? false }
            // For a level, the latest period with data up to each period.
            var latestWithData: [Int?] = []
            for p in 0 ..< r { latestWithData.append(hasData(p) ? p : latestWithData.last ?? nil) }

            // Cumulative: records from programme start to the period's end, plus undated records
            // (which belong to no single period, so to every cumulative value). For a level
            // (cumulative: false) it is the value of the latest period with data so far.
            func cumulativeValue(_ p: Int, breakdown: Int, key: CellKey) -> Figure {
                if recordless {
                    return evaluate(formula, breakdown: breakdown, key: key,
                                    Selection(buckets: 0 ..< p + 1, undated: false, reportedPeriod: p, cumulative: true))
                }
                if !definition.cumulative {
                    if let q = latestWithData[p] { return periodValue(q, breakdown: breakdown, key: key) }
                    guard undatedMatched else { return .none }
                    return evaluate(formula, breakdown: breakdown, key: key,
                                    Selection(buckets: 0 ..< 0, undated: true, reportedPeriod: p, cumulative: false))
                }
                if !anyUndated { guard let start = dataStart, p >= start else { return .none } }
                return evaluate(formula, breakdown: breakdown, key: key,
                                Selection(buckets: 0 ..< p + 1, undated: anyUndated, reportedPeriod: p, cumulative: true))
            }
            func currentValue(breakdown: Int, key: CellKey) -> Figure {
                guard r > 0 else { return .none }
                return cumulativeValue(r - 1, breakdown: breakdown, key: key)
            }

            for p in 0 ..< r {
                periodFigures.append(PeriodFigures(period: periods[p], value: periodValue(p, breakdown: 0, key: .total),
                                                   cumulative: cumulativeValue(p, breakdown: 0, key: .total), target: nil))
            }
            current = currentValue(breakdown: 0, key: .total)

            for (b, dimensions) in indicator.breakdowns.enumerated() {
                if dimensions.contains(where: { categories[$0].overflowed }) {
                    // Withheld (an error says why): its cells could not all be told apart.
                    breakdowns.append(BreakdownFigures(dimensions: dimensions.map { definitions.dimensions[$0].id },
                                                       overlap: nil, cells: []))
                    continue
                }
                var cells: [CellFigures] = []
                let lists = dimensions.enumerated().map { position, dimension in
                    categoryOrder(dimension: dimension, position: position, of: dimensions.count, breakdown: b + 1,
                                  aggregates: aggregates, sources: indicator.sources)
                }
                for combination in product(lists) {
                    let key = CellKey(combination)
                    let dimensionIds = dimensions.map { definitions.dimensions[$0].id }
                    cells.append(CellFigures(
                        key: zip(dimensionIds, zip(dimensions, combination).map { categories[$0].key(at: $1) }).map { ($0, $1) },
                        label: zip(dimensionIds, zip(dimensions, combination).map { categories[$0].label(at: $1) }).map { ($0, $1) },
                        value: currentValue(breakdown: b + 1, key: key),
                        periods: (0 ..< r).map { periodValue($0, breakdown: b + 1, key: key) },
                        cumulative: (0 ..< r).map { cumulativeValue($0, breakdown: b + 1, key: key) }))
                }
                // The sum of the cells, and so the overlap, exists only when the total and every
                // cell have a value: an n/a cell is no data, not 0.
                var overlap: ExactDecimal? = nil
                if formula.isAdditive(plan.aggregates), let total = current.value {
                    let values = cells.compactMap(\.value.value)
                    if values.count == cells.count { overlap = values.reduce(.zero, +) - total }
                }
                breakdowns.append(BreakdownFigures(dimensions: dimensions.map { definitions.dimensions[$0].id },
                                                   overlap: overlap, cells: cells))
            }
        } else {
            unit = "reported"
            for p in 0 ..< r {
                periodFigures.append(PeriodFigures(period: periods[p], value: Figure(value: reportedValue(index, period: p)),
                                                   cumulative: Figure(value: reportedCumulative(index, upTo: p)), target: nil))
            }
            current = r > 0 ? Figure(value: reportedCumulative(index, upTo: r - 1)) : .none
        }

        let targets = Targets(definition: definition, programme: definitions.programme)
        for p in periodFigures.indices {
            periodFigures[p].target = targets.target(at: periodFigures[p].period)
        }
        let expected = targets.expected(at: asOf)
        let progress = targets.progress(current: current.value)
        let matched = indicator.sources.map { (source: $0, rows: totals.rowsMatched[index][$0] ?? 0) }
        return IndicatorFigures(id: definition.id, current: current, expected: expected, progress: progress,
                                periods: periodFigures, breakdowns: breakdowns, rowsMatched: matched, countingUnit: unit)
    }

    /// The categories an indicator's breakdown shows for one dimension: the dimension's labels
    /// and the field's `in:` list in the indicator's own sources (every declared category, even
    /// if empty), then categories found in its records (sorted), then "not recorded".
    private func categoryOrder(dimension: Int, position: Int, of count: Int, breakdown: Int,
                               aggregates: [Int], sources: [String]) -> [Int32] {
        let dimensionCategories = categories[dimension]
        var declared: [Int32] = []
        for key in dimensionCategories.definition.labels.map(\.key) + counting.declaredCategories(dimensionCategories.definition, sources: sources) {
            let index = dimensionCategories.index(of: key)
            if !declared.contains(index) { declared.append(index) }
        }
        var seen = Set<Int32>()
        for aggregate in aggregates {
            for key in cells[aggregate][breakdown].keys {
                seen.insert(key.category(at: position, of: count))
            }
        }
        seen.subtract(declared)
        seen.remove(DimensionCategories.notRecorded)
        let found = seen.sorted { (dimensionCategories.key(at: $0) ?? "") < (dimensionCategories.key(at: $1) ?? "") }
        return declared + found + [DimensionCategories.notRecorded]
    }

    // MARK: - Formula evaluation

    private func evaluate(_ formula: PlannedFormula, breakdown: Int, key: CellKey, _ selection: Selection) -> Figure {
        switch formula {
        case .percent(let a, let b):
            let numerator = value(a, breakdown: breakdown, key: key, selection)
            let denominator = value(b, breakdown: breakdown, key: key, selection)
            return Figure(value: ratio(numerator.map { $0 * ExactDecimal(100) }, denominator),
                          numerator: numerator, denominator: denominator)
        case .ratio(let a, let b):
            let numerator = value(a, breakdown: breakdown, key: key, selection)
            let denominator = value(b, breakdown: breakdown, key: key, selection)
            return Figure(value: ratio(numerator, denominator), numerator: numerator, denominator: denominator)
        default:
            return Figure(value: value(formula, breakdown: breakdown, key: key, selection))
        }
    }

    private func ratio(_ a: ExactDecimal?, _ b: ExactDecimal?) -> ExactDecimal? {
        guard let a, let b, !b.isZero else { return nil }
        return a / b
    }

    private func value(_ formula: PlannedFormula, breakdown: Int, key: CellKey, _ selection: Selection) -> ExactDecimal? {
        switch formula {
        case .aggregate(let i):
            let function = plan.aggregates[i].function
            guard let cell = cells[i][breakdown][key] else {
                // No record fell in this cell: a count over no records is 0 (records or
                // distinct tuples); a sum, average, minimum or maximum of no value is n/a.
                switch function {
                case .count, .distinct: return .zero
                case .sum, .avg, .min, .max: return nil
                }
            }
            return cell.value(of: function, in: selection.buckets, plus: selection.undated ? undatedBucket : nil)
        case .number(let n):
            return n
        case .reported(let indicator):
            guard breakdown == 0, let p = selection.reportedPeriod else { return nil }
            return selection.cumulative ? reportedCumulative(indicator, upTo: p) : reportedValue(indicator, period: p)
        case .percent(let a, let b):
            return ratio(value(a, breakdown: breakdown, key: key, selection).map { $0 * ExactDecimal(100) },
                         value(b, breakdown: breakdown, key: key, selection))
        case .ratio(let a, let b):
            return ratio(value(a, breakdown: breakdown, key: key, selection), value(b, breakdown: breakdown, key: key, selection))
        case .arithmetic(let op, let a, let b):
            guard let x = value(a, breakdown: breakdown, key: key, selection),
                  let y = value(b, breakdown: breakdown, key: key, selection) else { return nil }
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            default: return nil
            }
        case .negate(let a):
            return value(a, breakdown: breakdown, key: key, selection).map { -$0 }
        }
    }

    /// The counting unit of the outermost part of the formula. `$ID` references are already
    /// inlined, so a bare `$ID` has the referenced indicator's unit (recursively: `$U` where
    /// `U = $D` has D's); arithmetic on them is `derived`.
    private func countingUnit(_ formula: PlannedFormula) -> String {
        switch formula {
        case .reported: return "reported"
        case .aggregate(let i):
            switch plan.aggregates[i].function {
            case .count: return "records"
            case .distinct: return "distinct"
            case .sum: return "sum"
            case .avg: return "average"
            case .min: return "minimum"
            case .max: return "maximum"
            }
        case .percent: return "percent"
        case .ratio: return "ratio"
        default: return "derived"
        }
    }

    // MARK: - Reported values

    /// Entered values by period index; a year id applies to the last period of that year.
    private func reportedByPeriod(_ indicator: Int) -> [Int: ExactDecimal] {
        guard case .reported(let entries) = plan.indicators[indicator].definition.computation else { return [:] }
        var byPeriod: [Int: ExactDecimal] = [:]
        for entry in entries {
            guard let value = entry.value else { continue }
            // A period id ends in that period; a year id in the last period of its year.
            if let end = definitions.programme.endDate(ofPeriodOrYear: entry.periodOrYear),
               let p = periods.lastIndex(where: { $0.start <= end }) {
                byPeriod[p] = value
            }
        }
        return byPeriod
    }

    func reportedValue(_ indicator: Int, period p: Int) -> ExactDecimal? {
        reportedByPeriod(indicator)[p]
    }

    /// Cumulative indicators add up the entered period values; a level shows the latest entered.
    func reportedCumulative(_ indicator: Int, upTo p: Int) -> ExactDecimal? {
        let byPeriod = reportedByPeriod(indicator).filter { $0.key <= p }
        guard !byPeriod.isEmpty else { return nil }
        if plan.indicators[indicator].definition.cumulative {
            return byPeriod.values.reduce(.zero, +)
        }
        return byPeriod.max { $0.key < $1.key }?.value
    }
}

/// Every combination of one element from each list, first list varying slowest.
func product(_ lists: [[Int32]]) -> [[Int32]] {
    var result: [[Int32]] = [[]]
    for list in lists {
        result = result.flatMap { prefix in list.map { prefix + [$0] } }
    }
    return result
}
