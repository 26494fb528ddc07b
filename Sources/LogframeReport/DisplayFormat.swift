import LogframeCore
import LogframeEngine
import LogframeDefinitions

/// Number and word formatting for people: rounding happens here, once, at display (counting
/// rule 7); null is "n/a", never 0 (counting rule 4).
public struct DisplayFormat: Sendable {
    public var language: String

    public init(language: String) { self.language = language }

    var groupingSeparator: String { language == "az" ? " " : "," }
    var decimalSeparator: String { language == "az" ? "," : "." }
    public var notAvailable: String { "n/a" }

    /// `decimals` from the indicator when given; otherwise whole numbers stay whole and others get
    /// one decimal (percentages) or two.
    public func number(_ value: ExactDecimal?, decimals: Int? = nil, percent: Bool = false) -> String {
        guard let value else { return notAvailable }
        let places = decimals ?? (value.isInteger ? 0 : (percent ? 1 : 2))
        let text = value.formatted(decimals: places, groupingSeparator: groupingSeparator, decimalSeparator: decimalSeparator)
        return percent ? text + "%" : text
    }

    public func status(_ status: Status) -> String {
        switch (status, language) {
        case (.achieved, "az"): return "hədəfə çatılıb"
        case (.onTrack, "az"): return "plan üzrə"
        case (.atRisk, "az"): return "risk altında"
        case (.offTrack, "az"): return "plandan geri"
        case (.noTarget, "az"): return "hədəf yoxdur"
        case (.noData, "az"): return "məlumat yoxdur"
        case (.achieved, _): return "achieved"
        case (.onTrack, _): return "on track"
        case (.atRisk, _): return "at risk"
        case (.offTrack, _): return "off track"
        case (.noTarget, _): return "no target"
        case (.noData, _): return "no data"
        }
    }

    public func level(_ level: ResultLevel) -> String {
        switch (level, language) {
        case (.impact, "az"): return "Təsir"
        case (.outcome, "az"): return "Nəticə"
        case (.output, "az"): return "Məhsul"
        case (.activity, "az"): return "Fəaliyyət"
        case (.impact, _): return "Impact"
        case (.outcome, _): return "Outcome"
        case (.output, _): return "Output"
        case (.activity, _): return "Activity"
        }
    }

    /// What the counting unit means, in words, for the report.
    public func countingUnit(_ unit: String) -> String {
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
