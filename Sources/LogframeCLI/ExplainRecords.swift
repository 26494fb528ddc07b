import LogframeCore
import LogframeData
import LogframeDefinitions
import LogframeEngine

/// The records an indicator's filters match, found by the engine's own `CountingPlan`: the
/// accepted rows of the indicator's sources (and of the indicators its `$ID`s name) that the
/// plan admits to a bucket (dated on or before the as-of date within a programme period, or
/// from an undated source) and that at least one of the indicator's aggregates matches.
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

    static func find(indicator: IndicatorDefinition, definitions: Definitions, asOf: CivilDate,
                     period: Period?, limit: Int) -> [SourceRecords] {
        let plan = CountingPlan(definitions: definitions, asOf: asOf)
        guard let index = plan.indicatorIndex(indicator.id) else { return [] }
        let periodBucket = period.flatMap { definitions.programme.periods.firstIndex(of: $0) }
        var out: [SourceRecords] = []
        for id in plan.sources(ofIndicator: index) {
            guard let sourcePlan = plan.source(id) else { continue }
            let source = sourcePlan.source
            let aggregates = sourcePlan.aggregates(ownedBy: index)
            let keySlots = source.key.compactMap { name in source.scope.field(named: name).map { (name, $0.slot) } }
            var matched = 0
            var records: [Record] = []
            let result = SourceReader(source: source, definitions: definitions).read { row, context in
                guard let bucket = sourcePlan.admit(row) else { return }
                if let periodBucket, sourcePlan.isDated, bucket != periodBucket { return }
                guard aggregates.contains(where: { sourcePlan.matches(row, aggregate: $0) }) else { return }
                matched += 1
                if records.count < limit {
                    records.append(Record(fileIndex: context.fileIndex, line: context.line,
                                          key: keySlots.map { "\($0.0)=\(shown(row[$0.1].description, field: $0.0, of: source))" }.joined(separator: ", ")))
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

/// A key value as `explain --rows` lists it: masked when the field is personal (docs/data-protection.md).
private func shown(_ value: String, field: String, of source: SourceDefinition) -> String {
    source.fields.first { $0.id == field }?.personal == true ? PersonalValue.mask(value) : value
}
