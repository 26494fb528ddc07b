import LogframeEngine

/// How each style words the one status of an indicator (`IndicatorVerdict.status`). A style
/// chooses words and colours only; the status itself is decided in LogframeEngine/Verdicts.swift.
/// Within a style the words are distinct, so a reader (and a test) can tell the status back.
public enum StatusWords {
    public static func word(_ status: Status, style: String, language: String) -> String {
        let standard = Localization.status(status, language)
        switch style {
        case "iptt":
            switch status {
            case .onTrack: return Localization.text(.ipttOnTrack, language)
            case .offTrack: return Localization.text(.ipttBelow, language)
            default: return standard
            }
        case "undp":
            // The traffic light with the status it stands for: `green (on track)`.
            return "\(Localization.text(lightKey(Verdicts.light(status)), language)) (\(standard))"
        default:
            return standard
        }
    }

    public static func colour(_ status: Status) -> StatusColour {
        switch status {
        case .achieved: return .blue
        case .onTrack: return .green
        case .atRisk: return .amber
        case .offTrack, .notAchieved: return .red
        case .noTarget, .noData: return .grey
        }
    }

    static func lightKey(_ light: TrafficLight) -> LabelKey {
        switch light {
        case .green: return .lightGreen
        case .amber: return .lightAmber
        case .red: return .lightRed
        case .grey: return .lightGrey
        }
    }

    static func lightColour(_ light: TrafficLight) -> StatusColour {
        switch light {
        case .green: return .green
        case .amber: return .amber
        case .red: return .red
        case .grey: return .grey
        }
    }
}

extension StyleKit {
    /// The indicator's status in the style's words and colour.
    func statusCell(_ status: Status, style: String) -> Cell {
        let word = StatusWords.word(status, style: style, language: language)
        if style == "undp" { return .status(word: word, colour: StatusWords.lightColour(Verdicts.light(status))) }
        return .status(word: word, colour: StatusWords.colour(status))
    }
}
