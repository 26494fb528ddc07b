import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// A readable progress report in Markdown: a progress table per result, then each indicator's
/// periods and breakdowns, then the data sources with their row reconciliation.
public enum MarkdownReport {
    public static func render(definitions: Definitions, result: EngineResult, language: String = "en") -> String {
        let format = DisplayFormat(language: language)
        let figuresById = Dictionary(result.indicators.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let programme = definitions.programme
        var out = "# \(escape(programme.title.text(language)))\n\n"
        var facts = ["**\(escape(programme.id))**"]
        if let donor = programme.donor { facts.append("Donor: \(escape(donor))") }
        if let implementer = programme.implementer { facts.append("Implementer: \(escape(implementer))") }
        facts.append("Programme \(programme.start) to \(programme.end)")
        facts.append("Figures as of **\(result.asOf)**")
        out += facts.joined(separator: " · ") + "\n\n"

        // Summary of statuses.
        var counts: [Status: Int] = [:]
        for figures in result.indicators { counts[figures.status, default: 0] += 1 }
        let order: [Status] = [.achieved, .onTrack, .atRisk, .offTrack, .noTarget, .noData]
        out += "| Status | Indicators |\n|---|---:|\n"
        for status in order where counts[status, default: 0] > 0 {
            out += "| \(format.status(status)) | \(counts[status]!) |\n"
        }
        out += "\n"

        for resultDefinition in definitions.results {
            let depth = depthOf(resultDefinition, in: definitions)
            out += String(repeating: "#", count: min(2 + depth, 6)) + " \(format.level(resultDefinition.level)) \(escape(resultDefinition.id)): \(escape(resultDefinition.title.text(language)))\n\n"
            let indicators = definitions.indicators.filter { $0.result == resultDefinition.id }
            guard !indicators.isEmpty else { continue }
            out += "| Indicator | Unit | Baseline | Target | Current | Progress | Status |\n"
            out += "|---|---|---:|---:|---:|---:|---|\n"
            for indicator in indicators {
                guard let figures = figuresById[indicator.id] else { continue }
                let percent = figures.countingUnit == "percent"
                let cells = [
                    "**\(escape(indicator.id))** \(escape(indicator.title.text(language)))",
                    escape(indicator.unit?.text(language) ?? ""),
                    benchmark(indicator.baseline, format, indicator.decimals, percent),
                    benchmark(indicator.target, format, indicator.decimals, percent),
                    format.number(figures.current.value, decimals: indicator.decimals, percent: percent),
                    format.number(figures.progress, decimals: 1, percent: true),
                    format.status(figures.status),
                ]
                out += "| " + cells.joined(separator: " | ") + " |\n"
            }
            out += "\n"
            for indicator in indicators {
                guard let figures = figuresById[indicator.id] else { continue }
                out += details(indicator, figures, format, language)
            }
        }

        out += "## Data sources\n\n"
        out += "Every row is accounted for: rows read = rows used + rows rejected. Rows dated after the as-of date are used by later reports, not this one.\n\n"
        out += "| Source | Rows read | Used | Rejected | After as-of | Files (SHA-256) |\n|---|---:|---:|---:|---:|---|\n"
        for source in result.sources {
            let files = source.files.map { "`\(escape($0.path))` (\($0.sha256.prefix(12))…)" }.joined(separator: "<br>")
            out += "| \(escape(source.id)) | \(source.rowsRead) | \(source.rowsUsed) | \(source.rowsRejected) | \(source.rowsAfterAsOf) | \(files) |\n"
        }
        out += "\nData problems found: \(result.log.errorCount) errors, \(result.log.warningCount) warnings"
        out += result.log.errorCount + result.log.warningCount > 0 ? " (run `logframe validate` for the list).\n" : ".\n"
        out += "\n---\n*n/a: no data, or a ratio whose denominator is zero; never counted as 0. Cumulative figures and breakdown cells are recomputed from the records, never added up from other figures; rounding happens only in this display.*\n"
        return out
    }

    private static func details(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures, _ format: DisplayFormat, _ language: String) -> String {
        let percent = figures.countingUnit == "percent"
        var out = "**\(escape(indicator.id)) \(escape(indicator.title.text(language)))**"
        if let text = indicator.expressionText { out += ": `\(text.replacingOccurrences(of: "`", with: "'"))`" }
        out += ", \(format.countingUnit(figures.countingUnit))"
        out += indicator.cumulative ? "; cumulative." : "; a level (latest period with data)."
        if !figures.rowsMatched.isEmpty {
            out += " Rows matched: " + figures.rowsMatched.map { "\(escape($0.source)) \($0.rows)" }.joined(separator: ", ") + "."
        }
        out += "\n\n"
        if !figures.periods.isEmpty {
            out += "| Period | Value | Cumulative | Target |\n|---|---:|---:|---:|\n"
            for period in figures.periods {
                out += "| \(escape(period.period.id)) | \(format.number(period.value.value, decimals: indicator.decimals, percent: percent)) | \(format.number(period.cumulative.value, decimals: indicator.decimals, percent: percent)) | \(period.target.map { format.number($0, decimals: indicator.decimals, percent: percent) } ?? "") |\n"
            }
            out += "\n"
        }
        for breakdown in figures.breakdowns {
            out += "By \(breakdown.dimensions.joined(separator: " × "))"
            if let overlap = breakdown.overlap, !overlap.isZero {
                out += " (overlap \(format.number(overlap)): counted in more than one cell, so the cells add up to more than the total)"
            }
            out += ":\n\n"
            let header = breakdown.dimensions.map(escape) + figures.periods.map { escape($0.period.id) } + ["Current"]
            out += "| " + header.joined(separator: " | ") + " |\n"
            out += "|" + String(repeating: "---|", count: breakdown.dimensions.count) + String(repeating: "---:|", count: figures.periods.count + 1) + "\n"
            for cell in breakdown.cells {
                let labels = cell.label.map { escape($0.label.text(language)) }
                let values = cell.periods.map { format.number($0.value, decimals: indicator.decimals, percent: percent) }
                out += "| " + (labels + values + [format.number(cell.value.value, decimals: indicator.decimals, percent: percent)]).joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }
        return out
    }

    private static func benchmark(_ benchmark: Benchmark?, _ format: DisplayFormat, _ decimals: Int?, _ percent: Bool) -> String {
        guard let benchmark else { return format.notAvailable }
        var text = format.number(benchmark.value, decimals: decimals, percent: percent)
        if let date = benchmark.date { text += " (\(date))" }
        return text
    }

    private static func depthOf(_ result: ResultDefinition, in definitions: Definitions) -> Int {
        var depth = 0
        var parent = result.parent
        while let id = parent, depth < 8 {
            depth += 1
            parent = definitions.results.first { $0.id == id }?.parent
        }
        return depth
    }

    /// Escapes text from the user's files so it cannot break the table or inject HTML.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            case "*", "_", "`", "[", "]", "\\": out += "\\" + String(ch)
            default: out.append(ch)
            }
        }
        return out
    }
}
