import LogframeCore
import LogframeDefinitions

/// A logframe period named as DHIS2 names it: the DXF2 period id (`2021Q1`, `2021July`,
/// `202103`) and the ADX period (`2021-01-01/P3M`), or why DHIS2 has no such period.
///
/// DHIS2 period types (dhis-api `*PeriodType.java`): monthly `yyyyMM`; quarterly `yyyyQn`
/// (calendar quarters) and `yyyyNovQn` (November quarters, named by the year they end in);
/// six-monthly `yyyySn` (Jan/Jul), `yyyyAprilSn` (Apr/Oct, named by the start year) and
/// `yyyyNovSn` (Nov/May, named by the year they end in); yearly `yyyy` and financial years
/// `yyyyFeb`, `yyyyApril`, `yyyyJuly`, `yyyyAug`, `yyyySep`, `yyyyOct`, `yyyyNov` named by the
/// start year. ADX (`AdxPeriod.java`) reads `P3M` as a calendar quarter only, `P6M` from
/// January, April, July, October, November or May, and `P1Y` from the months of the
/// financial years above.
public struct DHIS2Period: Sendable, Equatable {
    public var dxf2: String
    /// nil when ADX cannot express it (a November quarter).
    public var adx: String?
    /// The DHIS2 period's own dates, which a programme's first or last period may only cover part of.
    public var start: CivilDate
    public var end: CivilDate
}

public enum DHIS2Periods {
    /// The DHIS2 period of each reported period; for a period DHIS2 has none for, the reason.
    ///
    /// A first or last period that the programme's dates cut short is the DHIS2 period it lies
    /// in: the programme has no records outside its dates, so its value is that period's value.
    public static func map(_ periods: [Period], programme: Programme) -> [Result<DHIS2Period, Refusal>] {
        periods.map { period in
            let months: Int
            let aligned: CivilDate
            if let kind = programme.periodKind {
                months = kind.months
                // The period's own full span: from the boundary (counted from year_starts) at or before its start.
                let (y, m, _) = period.start.components
                let offset = ((m - programme.yearStarts) % months + months) % months
                aligned = CivilDate(year: y, month: m, day: 1)!.adding(months: -offset)
                let fullEnd = aligned.adding(months: months).adding(days: -1)
                let clippedOK = (period.start == aligned || period.start == programme.start)
                    && (period.end == fullEnd || period.end == programme.end)
                guard clippedOK else { return .failure(Refusal(period: period, reason: "it is not a whole \(kind.rawValue) period")) }
            } else {
                // A written list: only a period that is exactly a month, quarter, half-year or year.
                guard period.start.day == 1, let length = [1, 3, 6, 12].first(where: { period.start.adding(months: $0).adding(days: -1) == period.end })
                else { return .failure(Refusal(period: period, reason: "it is not a whole month, quarter, half-year or year")) }
                months = length
                aligned = period.start
            }
            return name(start: aligned, months: months).mapError { Refusal(period: period, reason: $0.reason) }
        }
    }

    public struct Refusal: Error, Sendable {
        public var period: Period
        public var reason: String
    }

    struct Unnamed: Error { var reason: String }

    static func name(start: CivilDate, months: Int) -> Result<DHIS2Period, Unnamed> {
        let (y, m, _) = start.components
        let end = start.adding(months: months).adding(days: -1)
        let adxStart = start.description
        func period(_ dxf2: String, adx: String?) -> Result<DHIS2Period, Unnamed> {
            .success(DHIS2Period(dxf2: dxf2, adx: adx, start: start, end: end))
        }
        let monthNames = [1: "January", 2: "February", 3: "March", 4: "April", 5: "May", 6: "June", 7: "July",
                          8: "August", 9: "September", 10: "October", 11: "November", 12: "December"]
        switch months {
        case 1:
            return period("\(y)\(m < 10 ? "0" : "")\(m)", adx: "\(adxStart)/P1M")
        case 3:
            if [1, 4, 7, 10].contains(m) { return period("\(y)Q\((m - 1) / 3 + 1)", adx: "\(adxStart)/P3M") }
            if [11, 2, 5, 8].contains(m) {
                // November quarters: Nov-Jan is Q1 of the year it ends in.
                let quarter = m == 11 ? 1 : (m + 1) / 3 + 1
                return period("\(m == 11 ? y + 1 : y)NovQ\(quarter)", adx: nil)
            }
            return .failure(Unnamed(reason: "DHIS2 has no quarters starting in \(monthNames[m]!) (only calendar quarters and November quarters)"))
        case 6:
            switch m {
            case 1, 7: return period("\(y)S\(m == 1 ? 1 : 2)", adx: "\(adxStart)/P6M")
            case 4, 10: return period("\(y)AprilS\(m == 4 ? 1 : 2)", adx: "\(adxStart)/P6M")
            case 11, 5: return period("\(m == 11 ? y + 1 : y)NovS\(m == 11 ? 1 : 2)", adx: "\(adxStart)/P6M")
            default:
                return .failure(Unnamed(reason: "DHIS2 has no half-years starting in \(monthNames[m]!) (only January/July, April/October and November/May)"))
            }
        case 12:
            let suffix = [1: "", 2: "Feb", 4: "April", 7: "July", 8: "Aug", 9: "Sep", 10: "Oct", 11: "Nov"]
            guard let s = suffix[m] else {
                return .failure(Unnamed(reason: "DHIS2 has no financial years starting in \(monthNames[m]!)"))
            }
            return period("\(y)\(s)", adx: "\(adxStart)/P1Y")
        default:
            return .failure(Unnamed(reason: "DHIS2 has no periods of \(months) months"))
        }
    }
}
