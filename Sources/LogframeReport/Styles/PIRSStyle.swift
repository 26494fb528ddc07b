import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// Performance indicator reference sheets: one section per indicator with its definition, unit,
/// computation in words and as written, numerator and denominator, disaggregations, source and
/// means of verification, frequency, baseline, targets and known data limitations; then a
/// summary table (one row per indicator), which is the CSV export.
enum PIRSStyle {
    static func build(_ model: ReportModel) -> ReportDocument {
        let kit = StyleKit(model)
        var sections: [Section] = []
        var rows: [Row] = []
        let frequency = kit.frequency()
        for (indicator, figures, verdict) in kit.indicators {
            let result = kit.resultDefinition(indicator.result)
            let words = indicator.expressionText.map { ExpressionWords.describe($0, language: kit.language) } ?? kit.t(.reportedByHand)
            let disaggregations = indicator.breakdowns.map(kit.dimensionNames).joined(separator: "; ")
            var sources = kit.text(indicator.meansOfVerification)
            if sources.isEmpty { sources = kit.t(.meansOfVerificationNone) }
            var sourceIds: [String] = []
            if case .computed(_, let ids) = indicator.computation {
                sourceIds = ids
                let files = model.sources.filter { ids.contains($0.id) }.flatMap { s in s.files.map { $0.sha256.isEmpty ? "\(s.id): \($0.path)" : "\(s.id): \($0.path) (SHA-256 \($0.sha256.prefix(12)))" } }
                sources += " [" + (files.isEmpty ? ids.joined(separator: ", ") : files.joined(separator: "; ")) + "]"
            }
            let targets = kit.targetSchedule(indicator).map { item in
                "\(item.final ? kit.t(.final) + " " : "")\(item.date.map(kit.date) ?? item.label): \(kit.valueText(item.value, indicator, figures))"
            }
            let limitations = kit.limitations(indicator, figures, sourceIds: sourceIds)
            var list: [(term: String, description: String)] = [
                (kit.t(.resultsChain), result.map { "\(Localization.level($0.level, kit.language)) \($0.id): \($0.title.text(kit.language))" } ?? indicator.result),
                (kit.t(.definition), indicator.definition.map { $0.text(kit.language) } ?? indicator.title.text(kit.language)),
                (kit.t(.unit), kit.text(indicator.unit).isEmpty ? kit.format.notAvailable : kit.text(indicator.unit)),
                (kit.t(.countingUnit), kit.format.countingUnit(figures.countingUnit)),
                (kit.t(.computationWords), words),
                (kit.t(.computationWritten), indicator.expressionText ?? kit.t(.reportedByHand)),
            ]
            if figures.countingUnit == "percent" || figures.countingUnit == "ratio", let text = indicator.expressionText,
               let parts = ExpressionWords.ratioParts(text) {
                list.append((kit.t(.numerator), ExpressionWords.describe(parts.0, language: kit.language) + " = " + kit.format.number(figures.current.numerator)))
                list.append((kit.t(.denominator), ExpressionWords.describe(parts.1, language: kit.language) + " = " + kit.format.number(figures.current.denominator)))
            }
            list += [
                (kit.t(.disaggregations), disaggregations.isEmpty ? kit.t(.none) : disaggregations),
                (kit.t(.sourcesVerification), sources),
                (kit.t(.frequency), frequency),
                (kit.t(.baseline), kit.benchmarkText(indicator.baseline, indicator)),
                (kit.t(.targetsMilestones), targets.isEmpty ? kit.format.notAvailable : targets.joined(separator: "; ")),
                (kit.t(.status), "\(StatusWords.word(verdict.status, style: "pirs", language: kit.language)) (\(kit.date(model.asOf)))"),
                (kit.t(.direction), kit.t(indicator.direction == .increase ? .increase : .decrease)),
                (kit.t(.cumulativeOrNot), kit.t(indicator.cumulative ? .cumulative : .notCumulative)),
                (kit.t(.sdgLinks), indicator.sdg.isEmpty ? kit.t(.none) : indicator.sdg.joined(separator: ", ")),
            ]
            if !figures.rowsMatched.isEmpty {
                list.append((kit.t(.rowsMatched), figures.rowsMatched.map { "\($0.source): \(kit.format.number(ExactDecimal($0.rows)))" }.joined(separator: "; ")))
            }
            list.append((kit.t(.limitations), limitations.joined(separator: " ")))
            sections.append(Section(heading: "\(indicator.id) \(indicator.title.text(kit.language))", blocks: [.definitionList(list)] + kit.charts(indicator, figures)))
            rows.append(Row(.data, [
                .text(indicator.id), .text(indicator.title.text(kit.language)), .text(list[1].description), .text(kit.text(indicator.unit)),
                .text(words), .text(indicator.expressionText ?? ""), .text(disaggregations), .text(sources), .text(frequency),
                kit.valueCell(indicator.baseline?.value, indicator, figures), kit.valueCell(indicator.target?.value, indicator, figures),
                kit.statusCell(verdict.status, style: "pirs"),
                .text(limitations.joined(separator: " ")),
            ]))
        }
        let header = [[
            HeaderCell("ID"), HeaderCell(kit.t(.indicator)), HeaderCell(kit.t(.definition)), HeaderCell(kit.t(.unit)),
            HeaderCell(kit.t(.computationWords)), HeaderCell(kit.t(.computationWritten)), HeaderCell(kit.t(.disaggregations)),
            HeaderCell(kit.t(.sourcesVerification)), HeaderCell(kit.t(.frequency)), HeaderCell(kit.t(.baseline)),
            HeaderCell(kit.t(.target)), HeaderCell(kit.t(.status)), HeaderCell(kit.t(.limitations)),
        ]]
        sections.append(Section(heading: kit.t(.stylePIRS), blocks: [.table(Table(name: "pirs", header: header, rows: rows))]))
        if let annex = kit.breakdownSection(withPeriods: false) { sections.append(annex) }
        return kit.document(style: "pirs", styleTitle: .stylePIRS, sections: sections)
    }
}

extension StyleKit {
    /// The reporting frequency, from the kind of the programme's period ids.
    func frequency() -> String {
        guard let id = definitions.programme.periods.first?.id else { return t(.customPeriods) }
        if id.count == 4, id.allSatisfy(\.isNumber) { return t(.yearly) }
        if id.contains("-Q") { return t(.quarterly) }
        if id.contains("-S") { return t(.semesters) }
        if id.contains("-M") { return t(.monthly) }
        return t(.customPeriods)
    }

    /// Rows rejected in the indicator's sources, and the "not recorded" share of each breakdown.
    func limitations(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures, sourceIds: [String]) -> [String] {
        var out: [String] = []
        if case .reported = indicator.computation { out.append(t(.reportedByHand)) }
        for s in model.sources where sourceIds.contains(s.id) && s.rowsRejected > 0 {
            out.append(t(.rejectedInSource, s.id, format.number(ExactDecimal(s.rowsRejected)), format.number(ExactDecimal(s.rowsRead))))
        }
        for b in figures.breakdowns where b.dimensions.count == 1 {
            guard let cell = b.cells.first(where: { $0.key[0].category == nil }), let v = cell.value.value, !v.isZero else { continue }
            var share = format.notAvailable
            if let c = figures.current.value, !c.isZero, let q = v / c {
                share = format.number(q * ExactDecimal(100), decimals: 1, percent: true)
            }
            out.append(t(.notRecordedShare, t(.byDimensions, dimensionName(b.dimensions[0])), valueText(v, indicator, figures), share))
        }
        if out.isEmpty { out.append(t(.noLimitations)) }
        return out
    }
}

/// An indicator's `value` in plain words, from the text as written:
/// `distinct(person_id where service == "legal")` -> "number of distinct person_id among records
/// where service == "legal"". Conditions are quoted as written; anything not a simple aggregate,
/// percent or ratio is shown as written.
enum ExpressionWords {
    static func describe(_ text: String, language: String) -> String {
        let az = language == "az"
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let (name, args) = call(trimmed) else {
            if trimmed.hasPrefix("$") { return (az ? "göstəricinin dəyəri " : "the value of ") + trimmed.dropFirst() }
            return trimmed
        }
        switch name {
        case "percent", "ratio":
            guard args.count == 2 else { return trimmed }
            let a = describe(args[0], language: language), b = describe(args[1], language: language)
            if name == "percent" { return az ? "(\(a)) / (\(b)) x 100" : "\(a), as a percentage of \(b)" }
            return az ? "(\(a)) / (\(b))" : "\(a), divided by \(b)"
        case "count", "distinct", "sum", "avg", "min", "max":
            var joined = args.joined(separator: ", ")
            var condition = ""
            if let range = topLevelWhere(joined) {
                condition = String(joined[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                joined = String(joined[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            let records = condition.isEmpty ? (az ? "bütün qeydlər" : "all records") : (az ? "\(condition) şərtini ödəyən qeydlər" : "records where \(condition)")
            switch (name, az) {
            case ("count", false): return condition.isEmpty ? "number of records" : "number of records where \(condition)"
            case ("count", true): return "\(records) sayı"
            case ("distinct", false): return "number of distinct \(joined) among \(records)"
            case ("distinct", true): return "\(records) arasında fərqli \(joined) sayı"
            case ("sum", false): return "sum of \(joined) over \(records)"
            case ("sum", true): return "\(records) üzrə \(joined) cəmi"
            case ("avg", false): return "average of \(joined) over \(records)"
            case ("avg", true): return "\(records) üzrə \(joined) orta dəyəri"
            case ("min", false): return "smallest \(joined) among \(records)"
            case ("min", true): return "\(records) arasında ən kiçik \(joined)"
            case ("max", false): return "largest \(joined) among \(records)"
            default: return "\(records) arasında ən böyük \(joined)"
            }
        default:
            return trimmed
        }
    }

    /// The two arguments of `percent(a, b)` or `ratio(a, b)`.
    static func ratioParts(_ text: String) -> (String, String)? {
        guard let (name, args) = call(text.trimmingCharacters(in: .whitespaces)), name == "percent" || name == "ratio", args.count == 2 else { return nil }
        return (args[0], args[1])
    }

    /// `name(arg, arg)` covering the whole text -> name and top-level arguments.
    static func call(_ text: String) -> (String, [String])? {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return nil }
        let name = String(text[..<open])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        var args: [String] = [], current = "", depth = 0, quote = false
        for ch in inner {
            if ch == "\"" { quote.toggle() }
            if !quote {
                if ch == "(" || ch == "[" { depth += 1 }
                if ch == ")" || ch == "]" { depth -= 1; if depth < 0 { return nil } }
                if ch == ",", depth == 0 { args.append(current.trimmingCharacters(in: .whitespaces)); current = ""; continue }
            }
            current.append(ch)
        }
        guard depth == 0 else { return nil }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty || !args.isEmpty { args.append(current.trimmingCharacters(in: .whitespaces)) }
        return (name, args)
    }

    static func topLevelWhere(_ text: String) -> Range<String.Index>? {
        var depth = 0, quote = false
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            if ch == "\"" { quote.toggle() }
            if !quote {
                if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
                if depth == 0, text[i...].hasPrefix("where "), i == text.startIndex || text[text.index(before: i)] == " " {
                    return i..<text.index(i, offsetBy: 6)
                }
            }
            i = text.index(after: i)
        }
        return nil
    }
}
