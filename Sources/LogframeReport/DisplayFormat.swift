import LogframeCore
import LogframeEngine
import LogframeDefinitions

/// Number and word formatting for people: rounding happens here, once, at display (counting
/// rule 7); null is "n/a", never 0 (counting rule 4).
public struct DisplayFormat: Sendable {
    public var language: String

    /// Thousands separator for Azerbaijani: a no-break space (U+00A0), so that `1 234,5` never
    /// wraps across lines in a table cell, in every style and format.
    public var azerbaijaniGrouping: String

    public init(language: String, azerbaijaniGrouping: String = "\u{00A0}") {
        self.language = language
        self.azerbaijaniGrouping = azerbaijaniGrouping
    }

    var groupingSeparator: String { language == "az" ? azerbaijaniGrouping : "," }
    var decimalSeparator: String { language == "az" ? "," : "." }
    public var notAvailable: String { "n/a" }

    /// Decimals shown when the indicator sets none: whole numbers (to six places) stay whole,
    /// others get one decimal (percentages) or two. The one place this rule is written.
    public static func defaultDecimals(_ value: ExactDecimal, percent: Bool) -> Int {
        value.rounded(decimals: 6).isInteger ? 0 : (percent ? 1 : 2)
    }

    /// `decimals` from the indicator when given, else `defaultDecimals`.
    public func number(_ value: ExactDecimal?, decimals: Int? = nil, percent: Bool = false) -> String {
        guard let value else { return notAvailable }
        let places = decimals ?? DisplayFormat.defaultDecimals(value, percent: percent)
        let text = value.formatted(decimals: places, groupingSeparator: groupingSeparator, decimalSeparator: decimalSeparator)
        return percent ? text + "%" : text
    }

    /// A change, signed: `+7.1 pp`, `-2`, `0` (`+7,1 f.b.` in Azerbaijani).
    public func signed(_ value: ExactDecimal, decimals: Int, unit: String? = nil) -> String {
        var text = number(value, decimals: max(decimals, 0))
        if value > .zero, text.contains(where: { $0.isNumber && $0 != "0" }) { text = "+" + text }
        if let unit, !unit.isEmpty { text += " " + unit }
        return text
    }

    /// ISO `2021-12-31` in English; `31.12.2021` in Azerbaijani (the form used in Azerbaijan).
    public func date(_ date: CivilDate) -> String {
        guard language == "az" else { return date.description }
        let (y, m, d) = date.components
        return (d < 10 ? "0" : "") + "\(d)." + (m < 10 ? "0" : "") + "\(m).\(y)"
    }

    /// What the counting unit means, in words, for the report.
    public func countingUnit(_ unit: String) -> String {
        if language == "az" {
            switch unit {
            case "records": return "qeydləri sayır (hər xidmət və ya sessiya bir dəfə)"
            case "distinct": return "fərqli şəxsləri və ya obyektləri sayır (qeydlərin sayından asılı olmayaraq hər biri bir dəfə)"
            case "sum": return "qeyd edilmiş kəmiyyəti cəmləyir"
            case "average": return "qeyd edilmiş kəmiyyətin ortası"
            case "minimum": return "ən kiçik qeyd edilmiş dəyər"
            case "maximum": return "ən böyük qeyd edilmiş dəyər"
            case "percent": return "faiz, surət və məxrəcdən yenidən hesablanır"
            case "ratio": return "nisbət, surət və məxrəcdən yenidən hesablanır"
            case "reported": return "təriflərdə daxil edilmiş dəyərlər, qeydlərdən hesablanmır"
            default: return "digər göstəricilərdən, qeydlər əsasında yenidən hesablanır"
            }
        }
        switch unit {
        case "records": return "counts records (each service or session once)"
        case "distinct": return "counts distinct people or items (each once, however many records)"
        case "sum": return "adds up a recorded quantity"
        case "average": return "averages a recorded quantity"
        case "minimum": return "smallest recorded value"
        case "maximum": return "largest recorded value"
        case "percent": return "percentage, recomputed from its numerator and denominator"
        case "ratio": return "ratio, recomputed from its numerator and denominator"
        case "reported": return "values entered in the definitions, not computed from records"
        default: return "computed from other figures, recomputed from the records"
        }
    }
}
