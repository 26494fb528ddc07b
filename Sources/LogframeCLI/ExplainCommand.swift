import ArgumentParser
import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeExpressions
import LogframeReport

/// `logframe explain DEFS ID`: how one indicator's figures were computed, for a person who must
/// defend the number to an auditor (SPEC section 8). The figures come from `Engine.run`, as in
/// `report`, so they are the report's; `--rows` re-reads the sources to list the records matched.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show how one indicator's figures were computed, down to the records counted.")

    @OptionGroup var options: DefinitionsOptions

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The indicator's id, e.g. OP1.1.")
    var indicator: String

    @Option(help: "Show one reporting period (its id, e.g. 2021-Q3) and, with --rows, only its records.")
    var period: String?

    @Option(help: "List the records matched by the indicator's filters: a number, or all. Default 0 (none).")
    var rows: String = "0"

    @Option(name: .customLong("as-of"), help: "Report date (YYYY-MM-DD). Default: programme end or today, whichever is earlier.")
    var asOf: String?

    @Flag(name: .customLong("internal"), help: ArgumentHelp(
        "Show the real values of figures withheld by small-cell suppression (privacy.min_cell), and allow --rows on such an indicator. For an internal audit, never for a public log."))
    var internalValues = false

    func validate() throws {
        if rows != "all" && (Int(rows).map { $0 < 0 } ?? true) {
            throw ValidationError("--rows takes a number of records or all (got \"\(rows)\").")
        }
        if let asOf, CivilDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a date written YYYY-MM-DD, for example 2021-12-31 (got \"\(asOf)\").")
        }
    }

    func run() throws {
        var frontend = Frontend(strict: options.strict)
        guard let definitions = frontend.loadDefinitions(options) else {
            frontend.printDiagnostics()
            throw ExitCode(1)
        }
        guard let indicator = definitions.indicators.first(where: { $0.id == self.indicator }) else {
            let ids = definitions.indicators.map(\.id)
            var message = "unknown indicator \"\(self.indicator)\""
            if let guess = DidYouMean.closest(to: self.indicator, among: ids, .commandLineId) { message += "; did you mean \"\(guess)\"?" }
            throw frontend.usageError(.error("unknown-indicator", at: nil, message, hint: "the indicators are \(ids.joined(separator: ", "))"))
        }
        let result: EngineResult
        if let url = database.engine {
            // --rows lists records from the files; in a database there are none to re-read.
            if rows != "0" {
                throw frontend.usageError(.error("engine-incomplete", at: nil, "--rows lists records from the data files, so it cannot be used with --engine",
                                                 hint: "Run explain --rows without --engine, on the files the tables were loaded from."))
            }
            guard let computed = frontend.computeInDatabase(definitions, asOf: asOf, url: url) else {
                frontend.printDiagnostics()
                throw ExitCode(1)
            }
            result = computed
        } else {
            result = frontend.compute(definitions, asOf: asOf)
        }

        var selectedPeriod: Period?
        if let period {
            guard let match = result.periods.first(where: { $0.id == period }) else {
                let all = definitions.programme.periods.map(\.id)
                var message = all.contains(period)
                    ? "period \"\(period)\" starts after the as-of date \(result.asOf)"
                    : "unknown period \"\(period)\""
                if !all.contains(period), let guess = DidYouMean.closest(to: period, among: all, .commandLineId) { message += "; did you mean \"\(guess)\"?" }
                throw frontend.usageError(.error("unknown-period", at: nil, message,
                                                 hint: "the periods reported as of \(result.asOf) are \(result.periods.map(\.id).joined(separator: ", "))"))
            }
            selectedPeriod = match
        }
        // The figures every report prints: small-cell suppression applied (docs/data-protection.md).
        let model = ReportModel(definitions: definitions, result: result, language: "en", internalValues: internalValues)
        guard let report = model.indicator(indicator.id) else { throw ExitCode(1) }
        let figures = report.figures
        if (indicator.minCell ?? 0) >= 2, rows != "0", !internalValues {
            throw frontend.usageError(.error("rows-suppressed", at: nil,
                                             "indicator \(indicator.id) is protected by small-cell suppression (privacy.min_cell: \(indicator.minCell ?? 0)), and a list of its records would show how many were counted",
                                             hint: "add --internal for an internal audit (never in a public log)"))
        }

        let limit = rows == "all" ? Int.max : Int(rows) ?? 0
        let records = limit > 0 || rows == "all"
            ? ExplainRecords.find(indicator: indicator, definitions: definitions, asOf: result.asOf, period: selectedPeriod, limit: limit)
            : nil
        let text = ExplainText(definitions: definitions, indicator: indicator, figures: figures, result: result,
                               period: selectedPeriod, records: records, limit: limit, verdict: report.verdict).render()
        frontend.printDiagnostics()
        Frontend.printOutput(text)
        try frontend.finish()
    }
}

/// The text `explain` prints.
struct ExplainText {
    let definitions: Definitions
    let indicator: IndicatorDefinition
    let figures: IndicatorFigures
    let result: EngineResult
    let period: Period?
    let records: [ExplainRecords.SourceRecords]?
    let limit: Int
    let verdict: IndicatorVerdict

    func n(_ value: ExactDecimal?) -> String { value?.description ?? "n/a" }

    /// A withheld figure's mark (`<5`, or `x` for one withheld to protect a small one); with
    /// `--internal` the real value follows it.
    func mark(_ suppressed: Suppression?, _ real: ExactDecimal?) -> String? {
        guard let suppressed else { return nil }
        let word = suppressed == .small ? "<\(indicator.minCell ?? 0)" : "x"
        return real.map { "\(word) (internal: \($0))" } ?? word
    }

    func f(_ figure: Figure) -> String { mark(figure.suppressed, figure.value) ?? n(figure.value) }
    func part(_ figure: Figure, _ value: ExactDecimal?) -> String { mark(figure.suppressed, value) ?? n(value) }

    var hasParts: Bool {
        figures.current.numerator != nil || figures.current.denominator != nil
            || figures.periods.contains { $0.value.numerator != nil || $0.cumulative.numerator != nil }
    }

    func render() -> String {
        var out = "\(indicator.id)  \(indicator.title.text())\n"
        if let result = definitions.results.first(where: { $0.id == indicator.result }) {
            out += "  result \(result.id) (\(result.level.rawValue)): \(result.title.text())\n"
        }
        out += "\n"
        switch indicator.computation {
        case .computed(_, let sources):
            let written = indicator.expressionText ?? ""
            out += "Value, as written:  \(written)\n"
            let titles = ExpressionWords.Names(indicator: { id in definitions.indicators.first { $0.id == id }?.title.text() })
            out += "In words:           \(ExpressionWords.describe(written, language: "en", mode: .asWritten, names: titles))\n"
            out += "Sources:            \(sources.joined(separator: ", "))\n"
        case .reported:
            out += "Value:              entered by hand, by period (no records are counted)\n"
        }
        out += "Counting unit:      \(figures.countingUnit)\n"
        out += "As of:              \(result.asOf)\n"
        if indicator.cumulative { out += "Cumulative:         yes (the current value is the cumulative value)\n" }

        let matched = Dictionary(figures.rowsMatched.map { ($0.source, $0.rows) }, uniquingKeysWith: +)
        let sourceIds = figures.rowsMatched.map(\.source)
        if !sourceIds.isEmpty {
            out += "\nData files\n"
            for id in sourceIds {
                guard let source = result.sources.first(where: { $0.id == id }) else { continue }
                let matchedText = mark(figures.rowsMatchedSuppressed, nil) ?? String(matched[id] ?? 0)
                out += "  \(id): \(source.rowsRead) rows read, \(source.rowsRejected) rejected, \(matchedText) matched by the indicator's filters"
                out += source.rowsAfterAsOf > 0 ? " (\(source.rowsAfterAsOf) dated after \(result.asOf), left out)\n" : "\n"
                for file in source.files {
                    out += "    \(file.path)  sha256 \(file.sha256)\n"
                }
            }
        }

        let periods = figures.periods.filter { period == nil || $0.period.id == period!.id }
        if !periods.isEmpty {
            out += "\nPeriods\n"
            var table: [[String]] = [["period", "from", "to", "value", "cumulative", "target"] + (hasParts ? ["numerator", "denominator"] : [])]
            for p in periods {
                var row = [p.period.id, p.period.start.description, p.period.end.description, f(p.value), f(p.cumulative), n(p.target)]
                if hasParts { row += [part(p.value, p.value.numerator), part(p.value, p.value.denominator)] }
                table.append(row)
            }
            out += Self.table(table, indent: "  ")
        }

        let periodIndex = period.flatMap { p in figures.periods.firstIndex { $0.period.id == p.id } }
        for breakdown in figures.breakdowns {
            out += "\nBreakdown by \(breakdown.dimensions.joined(separator: " x "))"
            if let withheld = mark(breakdown.overlapSuppressed, breakdown.overlap) {
                out += " (overlap: \(withheld), withheld by small-cell suppression)"
            } else if let overlap = breakdown.overlap {
                out += overlap.isZero ? " (no overlap: the cells add up to the total)"
                                      : " (overlap: \(overlap), counted in more than one cell, so the cells add up to more than the total)"
            }
            out += "\n"
            var table: [[String]] = [[breakdown.dimensions.joined(separator: " x "), periodIndex == nil ? "value" : "value in \(period!.id)"]]
            for cell in breakdown.cells {
                let label = cell.label.map { $0.label.text() }.joined(separator: " x ")
                let value = periodIndex.map { $0 < cell.periods.count ? cell.periods[$0] : Figure.none } ?? cell.value
                var text = f(value)
                if value.numerator != nil || value.denominator != nil { text += " (\(part(value, value.numerator)) / \(part(value, value.denominator)))" }
                table.append([label, text])
            }
            out += Self.table(table, indent: "  ")
        }

        out += "\n"
        var current = f(figures.current)
        if figures.current.numerator != nil || figures.current.denominator != nil {
            current += " (numerator \(part(figures.current, figures.current.numerator)), denominator \(part(figures.current, figures.current.denominator)))"
        }
        out += "Current value:      \(current)\n"
        if let baseline = indicator.baseline {
            out += "Baseline:           \(n(baseline.value))\(baseline.date.map { " (\($0))" } ?? "")\n"
        }
        if let target = indicator.target {
            out += "Target:             \(n(target.value))\(target.date.map { " (\($0))" } ?? "")\n"
        }
        out += "Expected by now:    \(n(figures.expected))\n"
        out += "Progress:           \(figures.progress.map { "\($0)%" } ?? "n/a")\n"
        // The one status every report prints (Verdicts.swift, after suppression), not the engine's interim one.
        out += "Status:             \(verdict.status.rawValue)\n"

        if let records {
            let total = records.reduce(0) { $0 + $1.matched }
            let shown = records.reduce(0) { $0 + $1.records.count }
            out += "\nRecords matched by the indicator's filters\(period.map { " in \($0.id)" } ?? "")"
            out += shown < total ? " (first \(limit) per source of \(total)):\n" : " (\(total)):\n"
            for source in records {
                for record in source.records {
                    out += "  \(record.file):\(record.line)" + (record.key.isEmpty ? "" : "  \(record.key)") + "\n"
                }
                if source.records.count < source.matched {
                    out += "  \(source.source): and \(source.matched - source.records.count) more\n"
                }
            }
        }
        return out
    }

    /// Left-aligned columns, two spaces apart, no trailing spaces.
    static func table(_ rows: [[String]], indent: String) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = indent
            for (c, cell) in row.enumerated() {
                line += cell
                if c + 1 < row.count { line += String(repeating: " ", count: widths[c] - cell.count + 2) }
            }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
