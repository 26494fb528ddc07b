import LogframeCore
import LogframeDefinitions

// Donor verdicts: the judgements a report makes about an indicator's figures (% met, status,
// traffic light, change since the previous period), decided once here from the engine's
// figures so that every style only words them. Styles never compute a verdict of their own.

/// A milestone or the final target, with the date it is due.
public struct ScheduledTarget: Sendable, Equatable {
    /// The milestone's period or year id; for the final target, its year.
    public var label: String
    public var value: ExactDecimal
    /// When it is due (nil for a milestone id that names no period or year).
    public var date: CivilDate?
    public var final: Bool

    public init(label: String, value: ExactDecimal, date: CivilDate?, final: Bool) {
        self.label = label; self.value = value; self.date = date; self.final = final
    }
}

/// How the figure to date compares with what was expected by the as-of date, within a tolerance
/// (the IPTT's on-track column).
public enum TrackVerdict: String, Sendable {
    case onTrack = "on-track"
    case abovePlan = "above-plan"
    case belowPlan = "below-plan"
    case noTarget = "no-target"
    case noData = "no-data"
}

/// A traffic light (UNDP's status column).
public enum TrafficLight: String, Sendable {
    case green, amber, red, grey
}

/// Every verdict a report prints about one indicator.
public struct IndicatorVerdict: Sendable {
    /// The indicator's one status, printed by every style in its own words: the engine's
    /// thresholds (or the tolerance rule when the programme sets `status.tolerance`); at and
    /// after the programme end a missed target is `notAchieved`, never on track.
    public var status: Status
    /// 100 x (current - baseline) / (target - baseline).
    public var progress: ExactDecimal?
    /// % met of each reported period that has a target due (nil where none is due).
    public var periodPercentMet: [ExactDecimal?]
    /// On track within `status.tolerance` of the expected value (the IPTT's rule); the status
    /// follows it only when the programme sets `status.tolerance`.
    public var track: TrackVerdict
    /// The milestones and final target in date order.
    public var schedule: [ScheduledTarget]
    /// The latest milestone due by the as-of date, else the next one (`milestoneIsNext`).
    public var milestone: ScheduledTarget?
    public var milestoneIsNext: Bool
    /// 100 x (current - baseline) / (milestone - baseline); without a usable baseline, current / milestone.
    public var percentOfMilestone: ExactDecimal?
    /// The status as a traffic light: green achieved or on track, amber at risk, red off track or
    /// not achieved, grey no target or no data.
    public var light: TrafficLight
    /// % of the final target achieved: the life-of-programme % met (every style prints this one).
    public var percentOfTarget: ExactDecimal?
    /// Cumulative value of the last reported period minus that of the one before.
    public var change: ExactDecimal?
}

public enum Verdicts {
    static let hundred = ExactDecimal(100)

    /// All verdicts for one indicator's figures at the result's as-of date.
    public static func decide(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures, programme: Programme,
                              asOf: CivilDate) -> IndicatorVerdict {
        let current = figures.current.value
        let target = indicator.target?.value
        let schedule = schedule(indicator, programme: programme)
        let due = schedule.last { ($0.date ?? programme.end) <= asOf }
        let reference = due ?? schedule.first
        let share = percentOf(current, reference?.value, baseline: indicator.baseline?.value)
        var change: ExactDecimal?
        if figures.periods.count >= 2, let now = figures.periods[figures.periods.count - 1].cumulative.value,
           let before = figures.periods[figures.periods.count - 2].cumulative.value {
            change = now - before
        }
        let track = track(current: current, expected: figures.expected, direction: indicator.direction,
                          tolerance: programme.statusTolerance ?? ExactDecimal(1) - programme.onTrackThreshold)
        let thresholds = thresholdStatus(current: current, expected: figures.expected, targets: Targets(definition: indicator, programme: programme),
                                         onTrack: programme.onTrackThreshold, atRisk: programme.atRiskThreshold)
        let status = status(thresholds, track: track, programme: programme, asOf: asOf)
        return IndicatorVerdict(
            status: status,
            progress: figures.progress,
            periodPercentMet: figures.periods.map { period in
                period.target.flatMap {
                    percentMet(indicator.cumulative ? period.cumulative.value : period.value.value, $0,
                               direction: indicator.direction, baseline: indicator.baseline?.value)
                }
            },
            track: track,
            schedule: schedule,
            milestone: reference,
            milestoneIsNext: due == nil && reference != nil,
            percentOfMilestone: share,
            light: light(status),
            percentOfTarget: percentMet(current, target, direction: indicator.direction, baseline: indicator.baseline?.value),
            change: change)
    }

    /// Milestones then the final target, sorted by date (undated milestones last).
    public static func schedule(_ indicator: IndicatorDefinition, programme: Programme) -> [ScheduledTarget] {
        var out = indicator.milestones.map {
            ScheduledTarget(label: $0.id, value: $0.value, date: programme.endDate(ofPeriodOrYear: $0.id), final: false)
        }
        if let target = indicator.target, let value = target.value {
            let d = target.date ?? programme.end
            out.append(ScheduledTarget(label: String(d.year), value: value, date: d, final: true))
        }
        let never = CivilDate(daysSinceEpoch: .max)
        return out.enumerated().sorted { a, b in
            let x = a.element.date ?? never, y = b.element.date ?? never
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// actual / target x 100; for a decrease with a baseline, (baseline - actual) / (baseline - target) x 100.
    public static func percentMet(_ actual: ExactDecimal?, _ target: ExactDecimal?, direction: Direction, baseline: ExactDecimal?) -> ExactDecimal? {
        guard let actual, let target else { return nil }
        if direction == .decrease, let baseline {
            return ((baseline - actual) / (baseline - target)).map { $0 * hundred }
        }
        return (actual / target).map { $0 * hundred }
    }

    /// Within the tolerance of the expected value: on track; beyond it in the good direction:
    /// above plan; otherwise below plan.
    public static func track(current: ExactDecimal?, expected: ExactDecimal?, direction: Direction, tolerance: ExactDecimal) -> TrackVerdict {
        guard let current else { return .noData }
        guard let expected, !expected.isZero, let ratio = current / expected else { return .noTarget }
        let low = ExactDecimal(1) - tolerance, high = ExactDecimal(1) + tolerance
        if ratio >= low && ratio <= high { return .onTrack }
        let better = direction == .increase ? ratio > high : ratio < low
        return better ? .abovePlan : .belowPlan
    }

    /// 100 x (current - baseline) / (milestone - baseline); with no usable baseline, current / milestone.
    public static func percentOf(_ current: ExactDecimal?, _ milestone: ExactDecimal?, baseline: ExactDecimal?) -> ExactDecimal? {
        guard let current, let milestone else { return nil }
        if let baseline, milestone != baseline, let q = (current - baseline) / (milestone - baseline) { return q * hundred }
        guard !milestone.isZero, let q = current / milestone else { return nil }
        return q * hundred
    }

    /// SPEC section 5's status: `achieved` when the final target is met in the indicator's
    /// direction; otherwise, with r = (current - baseline) / (expected - baseline), on track from
    /// `onTrack`, at risk from `atRisk`, off track below; `no-target`, `no-data`.
    static func thresholdStatus(current: ExactDecimal?, expected: ExactDecimal?, targets: Targets,
                                onTrack: ExactDecimal, atRisk: ExactDecimal) -> Status {
        guard let current else { return .noData }
        guard let finalTarget = targets.finalTarget else { return .noTarget }
        switch targets.definition.direction {
        case .increase: if current >= finalTarget { return .achieved }
        case .decrease: if current <= finalTarget { return .achieved }
        }
        guard let expected, let baseline = targets.baseline else { return .noData }
        // Nothing was expected yet (as-of at the very start): no shortfall to measure.
        guard let r = (current - baseline) / (expected - baseline) else { return .onTrack }
        if r >= onTrack { return .onTrack }
        if r >= atRisk { return .atRisk }
        return .offTrack
    }

    /// The one status. `thresholdStatus` decides `achieved`, `no-target` and `no-data`; otherwise the
    /// thresholds' on-track / at-risk / off-track, or with `status.tolerance` on track within the
    /// tolerance (or ahead) and off track below it. At and after the programme end a target not
    /// achieved is `notAchieved`.
    public static func status(_ engine: Status, track: TrackVerdict, programme: Programme, asOf: CivilDate) -> Status {
        var status = engine
        if programme.statusTolerance != nil, [.onTrack, .atRisk, .offTrack].contains(engine) {
            switch track {
            case .onTrack, .abovePlan: status = .onTrack
            case .belowPlan: status = .offTrack
            case .noTarget, .noData: status = engine   // nothing expected yet: the engine's verdict
            }
        }
        if asOf >= programme.end, [.onTrack, .atRisk, .offTrack].contains(status) { status = .notAchieved }
        return status
    }

    public static func light(_ status: Status) -> TrafficLight {
        switch status {
        case .achieved, .onTrack: return .green
        case .atRisk: return .amber
        case .offTrack, .notAchieved: return .red
        case .noTarget, .noData: return .grey
        }
    }
}
