import LogframeCore
import LogframeDefinitions
import LogframeExpressions

// MARK: - Planned formulas

/// An indicator's value expression after `$ID` references are inlined: arithmetic over the
/// engine's aggregate instances. Inlining (rather than combining finished figures) lets a derived
/// indicator be broken down by its own dimensions and recomputed per cell (counting rule 2).
indirect enum PlannedFormula {
    case aggregate(Int)
    case number(ExactDecimal)
    /// A `reported` indicator referenced with `$ID`: its entered value for the period, total only.
    case reported(indicatorIndex: Int)
    case percent(PlannedFormula, PlannedFormula)
    case ratio(PlannedFormula, PlannedFormula)
    case arithmetic(BinaryOperator, PlannedFormula, PlannedFormula)
    case negate(PlannedFormula)

    /// Whether the formula has an overlap figure (sum of the cells minus the total): counts,
    /// sums and distinct counts, and sums (`+`) of them. For these the overlap is never negative:
    /// every record falls in exactly one cell, so counts and sums add up exactly, and a distinct
    /// tuple counts once in each cell it occurs in. A difference, a negation, a constant or a
    /// reported value (which has no cells) has none: `$A - $B` of distinct counts could give a
    /// negative "overlap" that counts nobody twice.
    func isAdditive(_ aggregates: [AggregateInstance]) -> Bool {
        switch self {
        case .aggregate(let i): return [.count, .sum, .distinct].contains(aggregates[i].function)
        case .number, .reported, .percent, .ratio, .negate: return false
        case .arithmetic(let op, let a, let b):
            return op == .add && a.isAdditive(aggregates) && b.isAdditive(aggregates)
        }
    }

    var aggregateIndices: [Int] {
        switch self {
        case .aggregate(let i): return [i]
        case .number, .reported: return []
        case .percent(let a, let b), .ratio(let a, let b), .arithmetic(_, let a, let b):
            return a.aggregateIndices + b.aggregateIndices
        case .negate(let a): return a.aggregateIndices
        }
    }
}

/// One aggregate the engine accumulates: a call from an indicator's formula, over given sources,
/// broken down by the owning indicator's breakdowns.
struct AggregateInstance {
    var function: AggregateFunction
    var call: AggregateCall
    var sources: [String]
    /// The indicators whose formulas use this aggregate (identical calls over the same sources
    /// and breakdowns are accumulated once and shared).
    var owners: [Int]
    /// Breakdowns as dimension indices; index 0 is always the total (no dimensions).
    var breakdowns: [[Int]]
    /// Where the call is written: indicator index and position in its formula's aggregates, to
    /// find the call's bound form per source (`IndicatorDefinition.boundCalls`).
    var writtenIn: (indicator: Int, call: Int)
}

struct IndicatorPlan {
    var definition: IndicatorDefinition
    var formula: PlannedFormula?
    /// Dimension indices per breakdown, in the definition's order (total not included).
    var breakdowns: [[Int]]
    var sources: [String]
}

// MARK: - Building the plan

struct EnginePlan {
    var indicators: [IndicatorPlan] = []
    var aggregates: [AggregateInstance] = []
    var dimensions: [DimensionDefinition]
    private var sharedAggregates: [SharedAggregateKey: Int] = [:]

    /// What makes two aggregate calls the same accumulation (their written positions aside).
    private struct SharedAggregateKey: Hashable {
        var function: AggregateFunction
        var arguments: [Syntax]
        var filter: Syntax?
        var sources: [String]
        var breakdowns: [[Int]]
    }

    init(definitions: Definitions) {
        dimensions = definitions.dimensions
        let indexById = Dictionary(definitions.indicators.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let dimensionIndex = Dictionary(definitions.dimensions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (ownerIndex, indicator) in definitions.indicators.enumerated() {
            let breakdowns = indicator.breakdowns.map { $0.compactMap { dimensionIndex[$0] } }
            var plan = IndicatorPlan(definition: indicator, formula: nil, breakdowns: breakdowns, sources: [])
            if case .computed = indicator.computation {
                var sources: [String] = []
                plan.formula = inline(indicatorIndex: ownerIndex, owner: ownerIndex, ownerBreakdowns: breakdowns,
                                      definitions: definitions, indexById: indexById, depth: 0, sources: &sources)
                plan.sources = sources
            }
            indicators.append(plan)
        }
    }

    private mutating func inline(indicatorIndex: Int, owner: Int, ownerBreakdowns: [[Int]], definitions: Definitions,
                                 indexById: [String: Int], depth: Int, sources: inout [String]) -> PlannedFormula? {
        let indicator = definitions.indicators[indicatorIndex]
        // The loader refuses cycles and chains longer than this; loaded definitions never stop here.
        guard depth <= Definitions.maxReferenceDepth else { return nil }
        switch indicator.computation {
        case .reported:
            return .reported(indicatorIndex: indicatorIndex)
        case .computed(let valueFormula, let indicatorSources):
            for source in indicatorSources where !sources.contains(source) { sources.append(source) }
            var local: [Int: Int] = [:]
            for (i, call) in valueFormula.aggregates.enumerated() {
                let key = SharedAggregateKey(function: call.function, arguments: call.arguments.map(\.withoutRanges),
                                             filter: call.filter?.withoutRanges, sources: indicatorSources,
                                             breakdowns: [[]] + ownerBreakdowns)
                if let shared = sharedAggregates[key] {
                    local[i] = shared
                    if !aggregates[shared].owners.contains(owner) { aggregates[shared].owners.append(owner) }
                    continue
                }
                local[i] = aggregates.count
                sharedAggregates[key] = aggregates.count
                aggregates.append(AggregateInstance(function: call.function, call: call, sources: indicatorSources,
                                                    owners: [owner], breakdowns: [[]] + ownerBreakdowns,
                                                    writtenIn: (indicatorIndex, i)))
            }
            return convert(valueFormula.formula, local: local, owner: owner, ownerBreakdowns: ownerBreakdowns,
                           definitions: definitions, indexById: indexById, depth: depth, sources: &sources)
        }
    }

    private mutating func convert(_ formula: Formula, local: [Int: Int], owner: Int, ownerBreakdowns: [[Int]],
                                  definitions: Definitions, indexById: [String: Int], depth: Int,
                                  sources: inout [String]) -> PlannedFormula? {
        func recurse(_ f: Formula) -> PlannedFormula? {
            convert(f, local: local, owner: owner, ownerBreakdowns: ownerBreakdowns, definitions: definitions,
                    indexById: indexById, depth: depth, sources: &sources)
        }
        switch formula {
        case .aggregate(let i): return local[i].map { .aggregate($0) }
        case .number(let n): return .number(n)
        case .indicator(let id, _):
            guard let target = indexById[id] else { return nil }
            return inline(indicatorIndex: target, owner: owner, ownerBreakdowns: ownerBreakdowns, definitions: definitions,
                          indexById: indexById, depth: depth + 1, sources: &sources)
        case .percent(let a, let b):
            guard let x = recurse(a), let y = recurse(b) else { return nil }
            return .percent(x, y)
        case .ratio(let a, let b):
            guard let x = recurse(a), let y = recurse(b) else { return nil }
            return .ratio(x, y)
        case .arithmetic(let op, let a, let b):
            guard let x = recurse(a), let y = recurse(b) else { return nil }
            return .arithmetic(op, x, y)
        case .negate(let a):
            return recurse(a).map { .negate($0) }
        }
    }
}

extension Syntax {
    /// The same tree with every range emptied: two expressions written alike (in different
    /// places) compare equal, so the engine evaluates them once per row.
    var withoutRanges: Syntax {
        func strip(_ s: Syntax) -> Syntax { s.withoutRanges }
        let kind: SyntaxKind
        switch self.kind {
        case .literal, .field, .indicator: kind = self.kind
        case .list(let items): kind = .list(items.map(strip))
        case .unary(let op, let a): kind = .unary(op, strip(a))
        case .binary(let op, let a, let b): kind = .binary(op, strip(a), strip(b))
        case .isNull(let a, let negated): kind = .isNull(strip(a), negated: negated)
        case .call(let name, let arguments, let filter): kind = .call(name: name, arguments: arguments.map(strip), filter: filter.map(strip))
        }
        return Syntax(kind, range: 0..<0)
    }
}
