import LogframeCore

/// The regular ways to cut a programme into reporting periods.
public enum PeriodKind: String, Sendable, CaseIterable {
    case monthly, quarterly, semesters, years

    /// Length of one period in months.
    public var months: Int {
        switch self {
        case .monthly: return 1
        case .quarterly: return 3
        case .semesters: return 6
        case .years: return 12
        }
    }
}

public enum PeriodCalendar {
    /// Cuts `start...end` into periods of `kind`, with (fiscal) years starting in month
    /// `yearStarts` (1-12). The first and last periods are clipped to `start` and `end`.
    ///
    /// Ids: quarters `2021-Q1`..`Q4` and semesters `2021-S1`, `S2` count from the fiscal year's
    /// first month, and `2021` is the fiscal year; the year in an id is the calendar year in which
    /// that fiscal year *starts* (with `yearStarts: 7`, July 2020 - June 2021 is `2020`, and
    /// February 2021 is in `2020-Q3`). Months are `2021-M03`: always the calendar year and month
    /// number, whatever `yearStarts` is. Empty when `end < start`.
    public static func periods(start: CivilDate, end: CivilDate, kind: PeriodKind, yearStarts: Int) -> [Period] {
        guard start <= end, (1...12).contains(yearStarts) else { return [] }
        let length = kind.months
        let perYear = 12 / length
        let startMonths = start.year * 12 + start.month - 1
        // Fiscal year containing start, and the index of the period within it.
        var fiscalYear = start.month >= yearStarts ? start.year : start.year - 1
        let fiscalStartMonths = fiscalYear * 12 + yearStarts - 1
        var index = (startMonths - fiscalStartMonths) / length
        var periodMonths = fiscalStartMonths + index * length
        if kind == .monthly { periodMonths = startMonths }
        var result: [Period] = []
        while true {
            guard let periodStart = firstDay(months: periodMonths), periodStart <= end else { break }
            let nextMonths = periodMonths + length
            let periodEnd = firstDay(months: nextMonths)?.adding(days: -1) ?? CivilDate(year: 9999, month: 12, day: 31)!
            let id: String
            switch kind {
            case .monthly:
                id = pad(periodMonths / 12, 4) + "-M" + pad(periodMonths % 12 + 1, 2)
            case .quarterly:
                id = pad(fiscalYear, 4) + "-Q\(index + 1)"
            case .semesters:
                id = pad(fiscalYear, 4) + "-S\(index + 1)"
            case .years:
                id = pad(fiscalYear, 4)
            }
            result.append(Period(id: id, start: max(periodStart, start), end: min(periodEnd, end)))
            periodMonths = nextMonths
            if kind != .monthly {
                index += 1
                if index == perYear { index = 0; fiscalYear += 1 }
            }
        }
        return result
    }

    /// The fiscal year ids (`2020`, `2021`, ...) that overlap `start...end`.
    public static func yearIds(start: CivilDate, end: CivilDate, yearStarts: Int) -> [String] {
        periods(start: start, end: end, kind: .years, yearStarts: yearStarts).map(\.id)
    }

    private static func firstDay(months: Int) -> CivilDate? {
        CivilDate(year: months / 12, month: months % 12 + 1, day: 1)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
