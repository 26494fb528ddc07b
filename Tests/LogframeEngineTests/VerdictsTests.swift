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

    static let lightCases: [(String?, TrafficLight)] = [
        ("100", .green), ("140", .green), ("99.9", .amber), ("50", .amber), ("49.99", .red), ("-3", .red), (nil, .grey),
    ]

    @Test("UNDP traffic light from the % of milestone", arguments: 0..<lightCases.count)
    func light(_ i: Int) {
        #expect(Verdicts.light(Self.d(Self.lightCases[i].0)) == Self.lightCases[i].1)
    }

    // (current, target, progress, direction) -> % of target
    static let percentOfTargetCases: [(String?, String?, String?, Direction, String?)] = [
        ("30", "120", "10", .increase, "25"),
        ("30", "0", nil, .increase, nil),
        (nil, "120", nil, .increase, nil),
        ("30", "10", "40", .decrease, "40"),              // a decrease reads its progress
    ]

    @Test("UNICEF % of target achieved", arguments: 0..<percentOfTargetCases.count)
    func percentOfTarget(_ i: Int) {
        let c = Self.percentOfTargetCases[i]
        #expect(Verdicts.percentOfTarget(Self.d(c.0), Self.d(c.1), progress: Self.d(c.2), direction: c.3) == Self.d(c.4))
    }
}
