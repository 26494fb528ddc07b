import LogframeCore
import LogframeDefinitions

/// Baseline, milestones and target of one indicator, and what follows from them at a date:
/// the expected value, progress and status (SPEC section 5).
///
/// A baseline given as "n/a" (or not given) is 0 for a cumulative indicator, which counts from
/// zero at programme start by construction; for a level it is unknown, and then expected value
/// and progress are null and the status is `achieved` or `no-data` (nothing to measure against).
struct Targets {
    let definition: IndicatorDefinition
    let programme: Programme

    var baseline: ExactDecimal? { definition.baseline?.value ?? (definition.cumulative ? .zero : nil) }
    var finalTarget: ExactDecimal? { definition.target?.value }
    var finalDate: CivilDate { definition.target?.date ?? programme.end }

    /// Milestones with the date they are due (the end of their period or year).
    var milestones: [(date: CivilDate, value: ExactDecimal)] {
        definition.milestones.compactMap { milestone in
            programme.endDate(ofPeriodOrYear: milestone.id).map { ($0, milestone.value) }
        }.sorted { $0.date < $1.date }
    }

    /// The milestone or final target due within a period, if any (the final target wins).
    func target(at period: Period) -> ExactDecimal? {
        if let finalTarget, finalDate >= period.start, finalDate <= period.end { return finalTarget }
        return milestones.last { $0.date >= period.start && $0.date <= period.end }?.value
    }

    /// Linear in time from the baseline at programme start, through each milestone, to the target.
    func expected(at date: CivilDate) -> ExactDecimal? {
        guard let finalTarget, let baseline else { return nil }
        var points: [(date: CivilDate, value: ExactDecimal)] = [(programme.start, baseline)]
        for milestone in milestones where milestone.date > points.last!.date && milestone.date < finalDate {
            points.append(milestone)
        }
        if finalDate > points.last!.date { points.append((finalDate, finalTarget)) } else { points[points.count - 1].value = finalTarget }
        if date <= points[0].date { return points[0].value }
        for (a, b) in zip(points, points.dropFirst()) where date <= b.date {
            let elapsed = ExactDecimal(Int(date.daysSinceEpoch - a.date.daysSinceEpoch))
            let span = ExactDecimal(Int(b.date.daysSinceEpoch - a.date.daysSinceEpoch))
            // Multiply before dividing, so the only rounding is the division's.
            guard let step = ((b.value - a.value) * elapsed) / span else { return b.value }
            return a.value + step
        }
        return points.last!.value
    }

    /// 100 x (current - baseline) / (target - baseline); nil without a target or when they are equal.
    func progress(current: ExactDecimal?) -> ExactDecimal? {
        guard let current, let finalTarget, let baseline else { return nil }
        guard let share = (current - baseline) / (finalTarget - baseline) else { return nil }
        return share * ExactDecimal(100)
    }
}

/// The milestone or final target due within a period, for outputs that list periods beyond the
/// as-of date (an IATI target-only period); the same rule as `PeriodFigures.target`.
public enum TargetSchedule {
    public static func target(of indicator: IndicatorDefinition, programme: Programme, at period: Period) -> ExactDecimal? {
        Targets(definition: indicator, programme: programme).target(at: period)
    }
}
