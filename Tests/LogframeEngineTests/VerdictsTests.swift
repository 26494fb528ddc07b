import Testing
import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// Each donor verdict rule, one table per rule (Verdicts.swift). A style only words these.
@Suite("Donor verdicts")
struct VerdictsTests {
    static func d(_ text: String?) -> ExactDecimal? { text.map { ExactDecimal(parsing: $0)! } }

    // (actual, target, direction, baseline) -> % met
    static let percentMetCases: [(String?, String?, Direction, String?, String?)] = [
        ("50", "200", .increase, nil, "25"),
        ("200", "200", .increase, "10", "100"),          // an increase ignores the baseline
        ("300", "200", .increase, nil, "150"),
        (nil, "200", .increase, nil, nil),                // no data: n/a, never 0
        ("50", nil, .increase, nil, nil),                 // no target
        ("5", "0", .increase, nil, nil),                  // division by zero: n/a
        ("30", "10", .decrease, "50", "50"),              // halfway from 50 down to 10
        ("10", "10", .decrease, "50", "100"),
        ("60", "10", .decrease, "50", "-25"),             // worse than the baseline
        ("20", "10", .decrease, nil, "200"),              // no baseline: actual / target
    ]

    @Test("IPTT % met", arguments: 0..<percentMetCases.count)
    func percentMet(_ i: Int) {
        let c = Self.percentMetCases[i]
        #expect(Verdicts.percentMet(Self.d(c.0), Self.d(c.1), direction: c.2, baseline: Self.d(c.3)) == Self.d(c.4))
    }

    // (current, expected, direction, tolerance) -> track
    static let trackCases: [(String?, String?, Direction, String, TrackVerdict)] = [
        ("100", "100", .increase, "0.15", .onTrack),
        ("85", "100", .increase, "0.15", .onTrack),       // the low edge is inside
        ("115", "100", .increase, "0.15", .onTrack),      // the high edge is inside
        ("84", "100", .increase, "0.15", .belowPlan),
        ("116", "100", .increase, "0.15", .abovePlan),
        ("116", "100", .decrease, "0.15", .belowPlan),    // more is worse for a decrease
        ("84", "100", .decrease, "0.15", .abovePlan),
        ("70", "100", .increase, "0.30", .onTrack),       // the programme's tolerance
        (nil, "100", .increase, "0.15", .noData),
        ("5", nil, .increase, "0.15", .noTarget),
        ("5", "0", .increase, "0.15", .noTarget),         // nothing expected: nothing to compare
    ]

    @Test("IPTT on track within the tolerance", arguments: 0..<trackCases.count)
    func track(_ i: Int) {
        let c = Self.trackCases[i]
        #expect(Verdicts.track(current: Self.d(c.0), expected: Self.d(c.1), direction: c.2, tolerance: Self.d(c.3)!) == c.4)
    }

    // (current, milestone, baseline) -> % of milestone
    static let percentOfCases: [(String?, String?, String?, String?)] = [
        ("60", "100", "20", "50"),
        ("60", "100", nil, "60"),
        ("60", "20", "20", "300"),                        // milestone equal to the baseline: current / milestone
        ("5", "0", nil, nil),
        (nil, "100", "0", nil),
        ("5", nil, "0", nil),
    ]

    @Test("UNDP % of milestone", arguments: 0..<percentOfCases.count)
    func percentOf(_ i: Int) {
        let c = Self.percentOfCases[i]
        #expect(Verdicts.percentOf(Self.d(c.0), Self.d(c.1), baseline: Self.d(c.2)) == Self.d(c.3))
    }

    static let lightCases: [(Status, TrafficLight)] = [
        (.achieved, .green), (.onTrack, .green), (.atRisk, .amber), (.offTrack, .red), (.notAchieved, .red),
        (.noTarget, .grey), (.noData, .grey),
    ]

    @Test("Traffic light from the one status", arguments: 0..<lightCases.count)
    func light(_ i: Int) {
        #expect(Verdicts.light(Self.lightCases[i].0) == Self.lightCases[i].1)
    }

    static func programme(tolerance: String?) -> Programme {
        Programme(id: "P", title: LocalizedText("P"), donor: nil, implementer: nil, country: nil,
                  start: CivilDate(iso: "2021-01-01")!, end: CivilDate(iso: "2022-12-31")!, currency: nil, budgetTotal: nil,
                  budgetDonor: nil, periods: [], yearStarts: 1, onTrackThreshold: d("0.85")!, atRiskThreshold: d("0.5")!,
                  statusTolerance: d(tolerance))
    }

    // (engine status, IPTT track, status.tolerance, as of) -> the one status
    static let statusCases: [(Status, TrackVerdict, String?, String, Status)] = [
        // The thresholds decide during the programme; the track does not matter without a tolerance.
        (.onTrack, .belowPlan, nil, "2022-06-30", .onTrack),
        (.atRisk, .onTrack, nil, "2022-06-30", .atRisk),
        (.offTrack, .abovePlan, nil, "2022-06-30", .offTrack),
        // With `status.tolerance`, the IPTT rule decides: within or ahead on track, below off track.
        (.atRisk, .onTrack, "0.15", "2022-06-30", .onTrack),
        (.offTrack, .abovePlan, "0.15", "2022-06-30", .onTrack),
        (.onTrack, .belowPlan, "0.15", "2022-06-30", .offTrack),
        (.onTrack, .noTarget, "0.15", "2022-06-30", .onTrack),   // nothing expected yet
        // Achieved, no target and no data are the engine's whatever the rule.
        (.achieved, .belowPlan, "0.15", "2022-06-30", .achieved),
        (.noTarget, .noTarget, nil, "2022-06-30", .noTarget),
        (.noData, .noData, "0.15", "2022-06-30", .noData),
        // At and after the programme end a missed target is not achieved, never on track.
        (.onTrack, .onTrack, nil, "2022-12-31", .notAchieved),
        (.atRisk, .onTrack, nil, "2023-03-31", .notAchieved),
        (.offTrack, .belowPlan, "0.15", "2022-12-31", .notAchieved),
        (.onTrack, .abovePlan, "0.15", "2023-01-01", .notAchieved),
        (.onTrack, .onTrack, nil, "2022-12-30", .onTrack),       // the day before the end
        (.achieved, .onTrack, nil, "2022-12-31", .achieved),
        (.noData, .noData, nil, "2022-12-31", .noData),
        (.noTarget, .noTarget, nil, "2023-01-01", .noTarget),
    ]

    @Test("One status: thresholds, or the tolerance when set; not achieved at the end", arguments: 0..<statusCases.count)
    func status(_ i: Int) {
        let c = Self.statusCases[i]
        #expect(Verdicts.status(c.0, track: c.1, programme: Self.programme(tolerance: c.2), asOf: CivilDate(iso: c.3)!) == c.4)
    }
}
