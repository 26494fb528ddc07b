import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeExpressions

/// The records an indicator's filters match, found the way the engine counts `rowsMatched`:
/// accepted rows of the indicator's sources (and of the indicators its `$ID`s name), dated on or
/// before the as-of date within a programme period (or from an undated source), matched by at
/// least one of its aggregates' `where` filters (an aggregate without one matches every row).
struct ExplainRecords {
    struct Record {
        var file = ""
        var fileIndex: Int
        var line: Int
        /// The source's key fields, `field=value`, or empty when the source has no key.
        var key: String
    }

    /// Per source: how many rows matched, and the first `limit` of them in file order.
    struct SourceRecords {
        var source: String
        var matched: Int
        var records: [Record]
    }

    /// (sources, filter) of every aggregate the indicator's value uses, `$ID`s followed.
    static func aggregates(of indicator: IndicatorDefinition, in definitions: Definitions, depth: Int = 0) -> [(sources: [String], filter: Syntax?)] {
        guard depth < 32, case .computed(let formula, let sources) = indicator.computation else { return [] }
        var out = formula.aggregates.map { (sources: sources, filter: $0.filter) }
        func referenced(_ f: Formula) -> [String] {
            switch f {
            case .indicator(let id, _): return [id]
            case .aggregate, .number: return []
            case .percent(let a, let b), .ratio(let a, let b), .arithmetic(_, let a, let b): return referenced(a) + referenced(b)
            case .negate(let a): return referenced(a)
            }
        }
        for id in referenced(formula.formula) {
            if let other = definitions.indicators.first(where: { $0.id == id }) {
                out += aggregates(of: other, in: definitions, depth: depth + 1)
            }
        }
        return out
    }

    static func find(indicator: IndicatorDefinition, definitions: Definitions, asOf: CivilDate,
                     period: Period?, limit: Int) -> [SourceRecords] {
        let aggregates = aggregates(of: indicator, in: definitions)
        var sourceIds: [String] = []
        for aggregate in aggregates {
            for id in aggregate.sources where !sourceIds.contains(id) { sourceIds.append(id) }
        }
        let periods = definitions.programme.periods
        var out: [SourceRecords] = []
        for id in sourceIds {
            guard let source = definitions.source(id) else { continue }
            var matchesAll = false
            var filters: [RowExpression] = []
            for aggregate in aggregates where aggregate.sources.contains(id) {
                guard let filter = aggregate.filter else { matchesAll = true; continue }
                // A filter that does not bind is reported by the engine and counts nothing.
                if case .success(let expression) = RowBinder.bind(filter, in: source.scope) { filters.append(expression) }
            }
            let dateSlot = source.dateField.flatMap { source.scope.field(named: $0)?.slot }
            let keySlots = source.key.compactMap { name in source.scope.field(named: name).map { (name, $0.slot) } }
            var matched = 0
            var records: [Record] = []
            let result = SourceReader(source: source, definitions: definitions).read { row, context in
                if let dateSlot {
                    guard case .date(let date) = row[dateSlot], date <= asOf,
                          periods.contains(where: { $0.start <= date && date <= $0.end }) else { return }
                    if let period, !(period.start <= date && date <= period.end) { return }
                }
                guard matchesAll || filters.contains(where: { $0.matches(row) }) else { return }
                matched += 1
                if records.count < limit {
                    records.append(Record(fileIndex: context.fileIndex, line: context.line,
                                          key: keySlots.map { "\($0.0)=\(row[$0.1].description)" }.joined(separator: ", ")))
                }
            }
            for i in records.indices {
                let index = records[i].fileIndex
                records[i].file = index < result.files.count ? result.files[index].path : source.path
            }
            out.append(SourceRecords(source: id, matched: matched, records: records))
        }
        return out
    }
}
