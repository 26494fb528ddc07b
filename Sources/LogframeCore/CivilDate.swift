/// A calendar date without time or time zone, stored as days since 1970-01-01.
///
/// Activity logs record days, not instants; doing calendar arithmetic on plain day numbers keeps
/// the engine free of time zones and of Foundation's `Calendar` on the hot path.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Creates a date from a proleptic Gregorian year, month (1-12) and day (1-31); nil if invalid.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
              (1...9999).contains(year) else { return nil }
        self.daysSinceEpoch = Int32(CivilDate.daysFromCivil(year: year, month: month, day: day))
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public var components: (year: Int, month: Int, day: Int) {
        CivilDate.civilFromDays(Int(daysSinceEpoch))
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// ISO 8601 form, `2021-03-31`.
    public var description: String {
        let (y, m, d) = components
        return CivilDate.pad(y, 4) + "-" + CivilDate.pad(m, 2) + "-" + CivilDate.pad(d, 2)
    }

    public func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + Int32(days))
    }

    /// The same day `months` months later, clamped to the end of a shorter month.
    public func adding(months: Int) -> CivilDate {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let ny = total / 12, nm = total % 12 + 1
        return CivilDate(year: ny, month: nm, day: min(d, CivilDate.daysInMonth(year: ny, month: nm)))!
    }

    /// Parses `yyyy-MM-dd` exactly.
    public init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let date = CivilDate.parse(bytes[...], format: .iso) else { return nil }
        self = date
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days, exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

// MARK: - Date formats

extension CivilDate {
    /// A date layout such as `yyyy-MM-dd`, `dd.MM.yyyy` or `MM/dd/yyyy`: fixed-order day, month and
    /// year parts separated by single punctuation characters. Day and month may have one or two
    /// digits in the data (`1.3.2021` reads as `dd.MM.yyyy`); the year has four.
    public struct Format: Sendable, Hashable, CustomStringConvertible {
        public enum Part: Sendable, Hashable { case day, month, year }
        public let parts: [Part]
        public let separators: [UInt8]
        public let description: String

        public static let iso = Format(parts: [.year, .month, .day], separators: [UInt8(ascii: "-"), UInt8(ascii: "-")], description: "yyyy-MM-dd")

        init(parts: [Part], separators: [UInt8], description: String) {
            self.parts = parts
            self.separators = separators
            self.description = description
        }

        /// Parses a pattern such as `dd.MM.yyyy`; nil when it is not one of the supported shapes.
        public init?(pattern: String) {
            var parts: [Part] = []
            var separators: [UInt8] = []
            var index = pattern.utf8.startIndex
            let utf8 = pattern.utf8
            while index < utf8.endIndex {
                let c = utf8[index]
                var run = 0
                var j = index
                while j < utf8.endIndex, utf8[j] == c { run += 1; j = utf8.index(after: j) }
                switch c {
                case UInt8(ascii: "d") where run <= 2: parts.append(.day)
                case UInt8(ascii: "M") where run <= 2: parts.append(.month)
                case UInt8(ascii: "y") where run == 4: parts.append(.year)
                case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: " "):
                    guard run == 1 else { return nil }
                    separators.append(c)
                default: return nil
                }
                index = j
            }
            guard parts.count == 3, Set(parts).count == 3, separators.count == 2 else { return nil }
            self.parts = parts
            self.separators = separators
            self.description = pattern
        }
    }

    /// Parses bytes in the given format without allocating. Accepts a trailing ISO time part
    /// (`2021-03-31T10:00:00`, `2021-03-31 10:00`), which is ignored, for the ISO format only.
    public static func parse(_ bytes: ArraySlice<UInt8>, format: Format) -> CivilDate? {
        var values = (0, 0, 0)
        var partIndex = 0
        var i = bytes.startIndex
        while partIndex < 3 {
            let part = format.parts[partIndex]
            var value = 0, digits = 0
            while i < bytes.endIndex, bytes[i] >= 48, bytes[i] <= 57, digits < 4 {
                value = value * 10 + Int(bytes[i] - 48)
                digits += 1
                i += 1
            }
            switch part {
            case .year: guard digits == 4 else { return nil }; values.0 = value
            case .month: guard digits == 1 || digits == 2 else { return nil }; values.1 = value
            case .day: guard digits == 1 || digits == 2 else { return nil }; values.2 = value
            }
            if partIndex < 2 {
                guard i < bytes.endIndex, bytes[i] == format.separators[partIndex] else { return nil }
                i += 1
            }
            partIndex += 1
        }
        if i != bytes.endIndex {
            guard format == .iso, bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: " ") else { return nil }
        }
        return CivilDate(year: values.0, month: values.1, day: values.2)
    }
}
