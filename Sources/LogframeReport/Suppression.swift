import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine

// Small-cell suppression (docs/data-protection.md): a transform of the report model, applied
// once before any renderer, so every style, every format and every export reads the same
// withheld figures.
//
// Per indicator with `privacy.min_cell` m >= 2 that counts records, distinct values, or a
// percentage or ratio of such counts:
// 1. primary: every published figure (current, period value, cumulative value, breakdown cell,
//    cell period value, overlap, rows matched) whose count (for a ratio: its numerator or its
//    denominator) is from 1 to m - 1;
// 2. complementary: every additive relation a reader can form from published figures (cells and
//    total with the overlap, cells of a period and the period value, a cross-tab's cells and its
//    margin, cumulative minus previous cumulative (and the period value for record counts), the
//    current value and the last cumulative value, a cell's periods and its value) is checked:
//    for each withheld small figure in it, the range a reader can deduce from the published
//    members, knowing a small figure is 1..m-1 and a complementary one at least m, must hold at
//    least two values, and the withheld members' sum, when a reader can compute it, must not be
//    small either. While that fails, the smallest published non-zero member is withheld too
//    (cells before totals). Relations are checked one by one until nothing changes.

/// The small-cell suppression of a report model.
public enum SmallCellSuppression {
    /// The model with small counts withheld. `internal`: values kept (flags set) for the
    /// `--internal` JSON report only.
    public static func apply(_ model: ReportModel, internal keepValues: Bool = false) -> ReportModel {
        var model = model
        var applied = false
        for i in model.indicators.indices {
            guard let minCell = model.indicators[i].definition.minCell, minCell >= 2,
                  applies(to: model.indicators[i].figures.countingUnit) else { continue }
            applied = true
            var figures = model.indicators[i].figures
            var solver = Solver(figures: figures, minCell: minCell, cumulative: model.indicators[i].definition.cumulative)
            solver.run()
            solver.write(into: &figures, keepValues: keepValues)
            model.indicators[i].figures = figures
            model.indicators[i].keepsWithheldValues = keepValues
            if !keepValues, figures.current.suppressed != nil {
                // Progress, % met and status are worked out from the current value: withheld too
                // (the verdicts see no current value, so the status is no-data).
                var judged = figures
                judged.progress = nil
                model.indicators[i].figures = judged
                model.indicators[i].verdict = Verdicts.decide(model.indicators[i].definition, judged,
                                                              programme: model.programme, asOf: model.asOf)
            } else if !keepValues {
                model.indicators[i].verdict = Verdicts.decide(model.indicators[i].definition, figures,
                                                              programme: model.programme, asOf: model.asOf)
            }
        }
        if applied { model.suppression = ReportModel.SuppressionApplied(internalValues: keepValues) }
        return model
    }

    /// Counting units whose figures count records or people (or are ratios of such counts).
    static func applies(to countingUnit: String) -> Bool {
        ["records", "distinct", "percent", "ratio"].contains(countingUnit)
    }
}

// MARK: - The solver

/// One published figure of an indicator.
enum FigureSlot: Hashable {
    case current
    case period(Int)
    case cumulative(Int)
    case overlap(Int)
    case cell(Int, Int)
    case cellPeriod(Int, Int, Int)
}

struct Solver {
    enum State { case published, small, complementary }

    /// A reader-visible equation: the signed members sum to zero, up to a hidden remainder
    /// (people counted twice, new people, undated records) that is never published.
    struct Relation {
        var members: [(slot: FigureSlot, sign: Double)]
        var layer: Int
        /// The hidden remainder is itself a count about people to protect (new people in a period).
        var protectsRemainder: Bool
    }

    var figures: IndicatorFigures
    let minCell: Int
    /// Value layers: 0 = the value of a count; for a ratio 0 = numerator, 1 = denominator.
    let layers: Int
    var state: [FigureSlot: State] = [:]
    var relations: [Relation] = []
    var rowsMatchedSmall = false

    let cumulative: Bool

    init(figures: IndicatorFigures, minCell: Int, cumulative: Bool) {
        self.figures = figures
        self.minCell = minCell
        self.cumulative = cumulative
        layers = figures.countingUnit == "percent" || figures.countingUnit == "ratio" ? 2 : 1
        for slot in allSlots { state[slot] = isSmall(slot) ? .small : .published }
        rowsMatchedSmall = figures.rowsMatched.contains { $0.rows >= 1 && $0.rows < minCell }
        buildRelations()
    }

    var allSlots: [FigureSlot] {
        var slots: [FigureSlot] = [.current]
        for t in figures.periods.indices { slots += [.period(t), .cumulative(t)] }
        for (b, breakdown) in figures.breakdowns.enumerated() {
            if breakdown.overlap != nil { slots.append(.overlap(b)) }
            for (k, cell) in breakdown.cells.enumerated() {
                slots.append(.cell(b, k))
                for t in cell.periods.indices { slots.append(.cellPeriod(b, k, t)) }
            }
        }
        return slots
    }

    func figure(_ slot: FigureSlot) -> Figure? {
        switch slot {
        case .current: return figures.current
        case .period(let t): return figures.periods[t].value
        case .cumulative(let t): return figures.periods[t].cumulative
        case .overlap(let b): return figures.breakdowns[b].overlap.map { Figure(value: $0) }
        case .cell(let b, let k): return figures.breakdowns[b].cells[k].value
        case .cellPeriod(let b, let k, let t): return figures.breakdowns[b].cells[k].periods[t]
        }
    }

    /// The count of a slot in a layer, nil when it has none (n/a).
    func value(_ slot: FigureSlot, layer: Int) -> Double? {
        guard let figure = figure(slot) else { return nil }
        let part: ExactDecimal?
        if case .overlap = slot { part = layer == 0 ? figure.value : nil }
        else if layers == 2 { part = layer == 0 ? figure.numerator : figure.denominator }
        else { part = figure.value }
        return part.flatMap { Double($0.description) }
    }

    func isSmall(_ slot: FigureSlot) -> Bool {
        (0..<layers).contains { layer in
            guard let v = value(slot, layer: layer) else { return false }
            return v >= 1 && v < Double(minCell)
        }
    }

    /// Published "totals" are withheld only when no cell can be.
    func isTotal(_ slot: FigureSlot) -> Bool {
        switch slot {
        case .current, .period, .cumulative: return true
        default: return false
        }
    }

    // MARK: Relations

    mutating func buildRelations() {
        let periods = figures.periods.indices
        let records = figures.countingUnit == "records"
        for layer in 0..<layers {
            func add(_ members: [(FigureSlot, Double)], protectsRemainder: Bool = false) {
                relations.append(Relation(members: members.map { (slot: $0.0, sign: $0.1) }, layer: layer,
                                          protectsRemainder: protectsRemainder))
            }
            for (b, breakdown) in figures.breakdowns.enumerated() {
                var total: [(FigureSlot, Double)] = breakdown.cells.indices.map { (.cell(b, $0), 1) }
                if breakdown.overlap != nil, layer == 0 { total.append((.overlap(b), -1)) }
                add(total + [(.current, -1)])
                for t in periods {
                    add(breakdown.cells.indices.map { (.cellPeriod(b, $0, t), 1) } + [(.period(t), -1)])
                }
                for k in breakdown.cells.indices {
                    add([(.cell(b, k), 1)] + breakdown.cells[k].periods.indices.map { (.cellPeriod(b, k, $0), -1) })
                }
                // A cross-tab's cells add up to the cells of a breakdown by fewer of its dimensions.
                for (a, margin) in figures.breakdowns.enumerated() where a != b
                    && margin.dimensions.count < breakdown.dimensions.count
                    && Set(margin.dimensions).isSubset(of: breakdown.dimensions) {
                    for (m, marginCell) in margin.cells.enumerated() {
                        let members = breakdown.cells.indices.filter { k in
                            margin.dimensions.indices.allSatisfy { d in
                                breakdown.cells[k].key.first { $0.dimension == margin.dimensions[d] }?.category
                                    == marginCell.key[d].category
                            }
                        }
                        add(members.map { (.cell(b, $0), 1) } + [(.cell(a, m), -1)])
                        for t in periods {
                            add(members.map { (.cellPeriod(b, $0, t), 1) } + [(.cellPeriod(a, m, t), -1)])
                        }
                    }
                }
            }
            if !cumulative {
                // A level's cumulative figure repeats a period value (the latest with data).
                for t in periods { add([(.cumulative(t), 1), (.period(t), -1)]) }
                if let last = periods.last { add([(.current, 1), (.cumulative(last), -1)]) }
            } else {
                for t in periods {
                    if t == 0 {
                        add([(.cumulative(0), 1), (.period(0), -1)])
                    } else if records {
                        add([(.cumulative(t), 1), (.cumulative(t - 1), -1), (.period(t), -1)])
                    } else {
                        // Distinct people: the difference is the people new in the period.
                        add([(.cumulative(t), 1), (.cumulative(t - 1), -1)], protectsRemainder: true)
                        add([(.cumulative(t), 1), (.period(t), -1)])
                    }
                }
                if let last = periods.last { add([(.current, 1), (.cumulative(last), -1)]) }
            }
        }
    }

    // MARK: Solving

    mutating func run() {
        var changed = true
        var rounds = 0
        while changed && rounds < 10_000 {
            changed = false
            rounds += 1
            for relation in relations {
                if let slot = complement(relation) {
                    state[slot] = .complementary
                    changed = true
                }
            }
        }
    }

    /// The range a reader knows for a withheld figure of this state.
    func range(_ state: State) -> (Double, Double) {
        switch state {
        case .small: return (1, Double(minCell - 1))
        case .complementary: return (Double(minCell), .infinity)
        case .published: return (0, .infinity)
        }
    }

    /// The member to withhold next so that no small figure of the relation is pinned down; nil
    /// when the relation is safe (or nothing more can be withheld).
    func complement(_ relation: Relation) -> FigureSlot? {
        var members: [(slot: FigureSlot?, sign: Double, value: Double, state: State)] = []
        for member in relation.members {
            guard let v = value(member.slot, layer: relation.layer), let s = state[member.slot] else { return nil }
            members.append((member.slot, member.sign, v, s))
        }
        let remainder = -members.reduce(0) { $0 + $1.sign * $1.value }
        if remainder != 0 {
            let small = relation.protectsRemainder && abs(remainder) >= 1 && abs(remainder) < Double(minCell)
            // The remainder is hidden; a reader knows only that it is a count (0 or more).
            members.append((nil, remainder > 0 ? 1 : -1, abs(remainder), small ? .small : .published))
        }
        let hidden = members.indices.filter { members[$0].slot == nil || members[$0].state != .published }
        // A withheld figure must not be worked out exactly, small or complementary (a
        // complementary one found here would unlock a small one in another relation).
        let protected = members.indices.filter { members[$0].state != .published }
        guard !protected.isEmpty else { return nil }
        // K: what the hidden members sum to (signed), known from the published ones.
        let known = members.indices.filter { !hidden.contains($0) }.reduce(0.0) { $0 - members[$1].sign * members[$1].value }
        var pinned = false
        // The withheld members together, when a reader can compute their sum exactly (no
        // hidden remainder, all on one side): a small sum is a small count too.
        let sameSide = Set(hidden.map { members[$0].sign }).count == 1
        if remainder == 0, sameSide, abs(known) >= 1, abs(known) < Double(minCell) { pinned = true }
        for p in protected where !pinned {
            var low = 0.0, high = 0.0
            for h in hidden where h != p {
                let (lo, hi) = members[h].slot == nil && members[h].state == .published ? (0, .infinity) : range(members[h].state)
                if members[h].sign > 0 { low += lo; high += hi } else { low -= hi; high -= lo }
            }
            let (pLow, pHigh) = range(members[p].state)
            var from: Double, to: Double
            if members[p].sign > 0 { from = known - high; to = known - low } else { from = low - known; to = high - known }
            from = max(from, pLow); to = min(to, pHigh)
            if to - from < 1 || (pHigh == .infinity && hidden.count == 1) { pinned = true; break }
        }
        guard pinned else { return nil }
        let candidates = members.filter { $0.slot != nil && $0.state == .published && $0.value > 0 }
        let best = candidates.min { a, b in
            let ta = isTotal(a.slot!), tb = isTotal(b.slot!)
            if ta != tb { return !ta }
            return a.value < b.value
        }
        return best?.slot
    }

    // MARK: Writing back

    /// A count from 1 to `minCell - 1`.
    func isSmall(_ value: ExactDecimal?) -> Bool {
        guard let value else { return false }
        return value > ExactDecimal(0) && value < ExactDecimal(minCell)
    }

    func write(into figures: inout IndicatorFigures, keepValues: Bool) {
        func mark(_ figure: inout Figure, _ slot: FigureSlot) {
            switch state[slot] {
            case .small?: figure.suppressed = .small
            case .complementary?: figure.suppressed = .complementary
            default: return
            }
            if !keepValues { figure.value = nil; figure.numerator = nil; figure.denominator = nil }
        }
        mark(&figures.current, .current)
        for t in figures.periods.indices {
            mark(&figures.periods[t].value, .period(t))
            mark(&figures.periods[t].cumulative, .cumulative(t))
        }
        for b in figures.breakdowns.indices {
            switch state[.overlap(b)] {
            case .small?: figures.breakdowns[b].overlapSuppressed = .small
            case .complementary?: figures.breakdowns[b].overlapSuppressed = .complementary
            default: break
            }
            if figures.breakdowns[b].overlapSuppressed != nil, !keepValues { figures.breakdowns[b].overlap = nil }
            for k in figures.breakdowns[b].cells.indices {
                mark(&figures.breakdowns[b].cells[k].value, .cell(b, k))
                for t in figures.breakdowns[b].cells[k].periods.indices {
                    mark(&figures.breakdowns[b].cells[k].periods[t], .cellPeriod(b, k, t))
                }
            }
        }
        // Each cell's running totals (`cells[].cumulative`, which the exports publish) are
        // differences away from its period values and, summed over cells, from the indicator's
        // cumulative values. Rather than adding those relations to the solver, they are withheld
        // whole: for every cell of the indicator as soon as any cell figure or overlap is withheld
        // or any running total is itself small.
        let anyCellWithheld = figures.breakdowns.contains { breakdown in
            breakdown.overlapSuppressed != nil || breakdown.cells.contains { cell in
                cell.value.suppressed != nil || cell.periods.contains { $0.suppressed != nil }
                    || cell.cumulative.contains { isSmall($0.value) }
            }
        }
        if anyCellWithheld {
            for b in figures.breakdowns.indices {
                for k in figures.breakdowns[b].cells.indices {
                    for t in figures.breakdowns[b].cells[k].cumulative.indices {
                        var running = figures.breakdowns[b].cells[k].cumulative[t]
                        running.suppressed = isSmall(running.value) ? .small : .complementary
                        if !keepValues { running.value = nil; running.numerator = nil; running.denominator = nil }
                        figures.breakdowns[b].cells[k].cumulative[t] = running
                    }
                }
            }
        }
        // Rows matched count the same records as a count's current value.
        if rowsMatchedSmall || state[.current] != .published {
            figures.rowsMatchedSuppressed = rowsMatchedSmall ? .small : .complementary
        }
    }
}
