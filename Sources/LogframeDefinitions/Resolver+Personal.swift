import LogframeCore
import LogframeExpressions

// Which fields hold personal values (docs/data-protection.md). Decided once, when the
// definitions load; the data stage masks them in diagnostics, `explain` in its listings.

/// The name rule of personal fields, for `init` to declare what the loader would mask.
public enum PersonalNames {
    public static func looksPersonal(_ name: String) -> Bool { Resolver.looksPersonal(name) }
}

extension Resolver {
    /// Words in a field's id or column header that usually mean a personal value (English and
    /// Azerbaijani; `fin` is the Azerbaijani personal identification number).
    static let likelyPersonalWords: Set<String> = [
        "name", "names", "surname", "firstname", "lastname", "fullname", "patronymic",
        "phone", "phones", "mobile", "telephone", "tel", "msisdn", "whatsapp", "email", "mail",
        "fin", "pin", "passport", "nid", "ssn", "address", "street",
        "note", "notes", "comment", "comments", "remarks",
        "ad", "soyad", "ata", "telefon", "ünvan", "qeyd", "şərh",
    ]

    /// Whether a field id or header looks personal: one of its words (split at `_`, `-`, spaces,
    /// dots, `+`, `#`, and lower-case/upper-case boundaries) is in `likelyPersonalWords`.
    public static func looksPersonal(_ text: String) -> Bool {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in text {
            if character.isLetter || character.isNumber {
                if character.isUppercase, previousLower, !current.isEmpty { words.append(current); current = "" }
                current.append(character)
                previousLower = character.isLowercase
            } else {
                if !current.isEmpty { words.append(current); current = "" }
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.contains { likelyPersonalWords.contains($0.lowercased()) }
    }

    /// Sets `FieldDefinition.personal`: as declared; else, for a field no dimension reads
    /// (a dimension's field holds categories), true for the person key of a `distinct()` (a
    /// text or integer field given directly as its argument), and true, with a
    /// `personal-field-undeclared` warning, when the name looks personal.
    func markPersonalFields(_ sources: [SourceDefinition], raws: [RawSource], dimensions: [DimensionDefinition],
                            indicators: [IndicatorDefinition]) -> [SourceDefinition] {
        var categoryFields = Set<String>()
        for dimension in dimensions {
            switch dimension.kind {
            case .field(let name), .bands(field: let name, bounds: _): categoryFields.insert(name)
            case .expression: break
            }
        }
        var distinctKeys: [String: Set<String>] = [:]   // source id -> field ids
        for indicator in indicators {
            guard case .computed(let formula, let ids) = indicator.computation else { continue }
            for call in formula.aggregates where call.function == .distinct {
                for argument in call.arguments {
                    guard case .field(let name) = argument.kind else { continue }
                    for id in ids { distinctKeys[id, default: []].insert(name) }
                }
            }
        }
        var result = sources
        for s in result.indices {
            let raw = raws.first { $0.id.value == result[s].id }
            for f in result[s].fields.indices {
                let field = result[s].fields[f]
                let declared = raw?.fields.first { $0.id.value == field.id }?.personal
                if let declared {
                    result[s].fields[f].personal = declared
                } else if categoryFields.contains(field.id) {
                    continue
                } else if distinctKeys[result[s].id]?.contains(field.id) == true, field.type == .text || field.type == .integer {
                    result[s].fields[f].personal = true
                } else if Resolver.looksPersonal(field.id) || (!field.column.hasPrefix("#") && Resolver.looksPersonal(field.column)) {
                    // (An HXL hashtag's `+name` attribute names a place or an organisation.)
                    result[s].fields[f].personal = true
                    c.warning("personal-field-undeclared", at: field.location,
                              "Field `\(field.id)` of source `\(result[s].id)` looks like personal data (a name, a phone number, an id or a note), so its values are masked in every message.",
                              hint: "Declare it: `personal: true` keeps it masked without this warning; `personal: false` if it holds no personal data (a place or an organisation name).")
                }
            }
        }
        return result
    }

    /// A breakdown by a personal field would print personal values as its categories.
    func checkPersonalBreakdowns(_ sources: [SourceDefinition], dimensions: [DimensionDefinition],
                                 indicators: [IndicatorDefinition]) {
        let used = Set(indicators.flatMap { $0.breakdowns.joined() })
        for dimension in dimensions where used.contains(dimension.id) {
            let fieldName: String
            switch dimension.kind {
            case .field(let name): fieldName = name
            case .bands: continue   // categories are bands, not values
            case .expression: continue
            }
            for source in sources {
                guard let field = source.fields.first(where: { $0.id == fieldName }), field.personal else { continue }
                c.error("personal-field-in-breakdown", at: dimension.location,
                        "Dimension `\(dimension.id)` breaks figures down by field `\(fieldName)` of source `\(source.id)`, which holds personal data: its categories would print personal values in reports.",
                        hint: "Break down by a category field instead, or declare the field `personal: false` if its values are not about a person.")
                break
            }
        }
    }
}
