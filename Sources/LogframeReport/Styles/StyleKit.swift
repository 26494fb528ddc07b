import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// The styles and how to pick one.
public enum ReportStyles {
    public static let all = ["eu", "undp", "unicef", "iptt", "pirs", "sdg"]

    public static func build(style: String, input: ReportInput) -> ReportDocument {
        build(style: style, model: ReportModel(input))
    }

    /// A style's document from the report model (styles read nothing else).
    public static func build(style: String, model: ReportModel) -> ReportDocument {
        switch style {
        case "eu": return EUStyle.build(model)
        case "undp": return UNDPStyle.build(model)
        case "unicef": return UNICEFStyle.build(model)
        case "pirs": return PIRSStyle.build(model)
        case "sdg": return SDGStyle.build(model)
        default: return IPTTStyle.build(model)
        }
    }

    /// EU -> eu, UNDP -> undp, UNICEF -> unicef, anything else (or none) -> iptt.
    public static func defaultStyle(forDonor donor: String?) -> String {
        let d = (donor ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        if d == "EU" || d.hasPrefix("EU ") || d.hasPrefix("EU/") || d == "EUROPEAN UNION" { return "eu" }
        if d == "UNDP" || d.hasPrefix("UNDP ") || d.hasPrefix("UNDP/") { return "undp" }
        if d == "UNICEF" || d.hasPrefix("UNICEF ") || d.hasPrefix("UNICEF/") { return "unicef" }
        return "iptt"
    }
}

/// What every style builder shares: words, number cells with the indicator's decimals, the
/// results tree, the title block, charts and the closing notes (reconciliation, hashes).
struct StyleKit {
    let model: ReportModel
    let language: String
    let format: DisplayFormat
    var definitions: Definitions { model.definitions }
    let figuresById: [String: IndicatorFigures]

    init(_ model: ReportModel) {
        self.model = model
        language = model.language == "az" ? "az" : "en"
        format = DisplayFormat(language: language)
        figuresById = Dictionary(model.indicators.map { ($0.id, $0.figures) }, uniquingKeysWith: { a, _ in a })
    }

    func t(_ key: LabelKey, _ arguments: String...) -> String {
        Localization.substitute(Localization.text(key, language), arguments)
    }

    func text(_ localized: LocalizedText?) -> String { localized?.text(language) ?? "" }

    /// Indicators in definitions order that have figures.
    var indicators: [(IndicatorDefinition, IndicatorFigures, IndicatorVerdict)] {
        model.indicators.map { ($0.definition, $0.figures, $0.verdict) }
    }

    func isPercent(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures?) -> Bool {
        figures?.countingUnit == "percent" || indicator.unit?.text("en") == "%"
    }

    /// Display decimals: the indicator's own, else whole numbers as they are, 1 for percentages, 2 otherwise.
    func places(_ value: ExactDecimal, _ decimals: Int?, percent: Bool) -> Int {
        decimals ?? DisplayFormat.defaultDecimals(value, percent: percent)
    }

    /// A figure of the indicator as a cell: n/a for null, never 0.
    func valueCell(_ value: ExactDecimal?, _ indicator: IndicatorDefinition, _ figures: IndicatorFigures?) -> Cell {
        guard let value else { return .notAvailable }
        let percent = isPercent(indicator, figures)
        let d = places(value, indicator.decimals, percent: percent)
        return percent ? .percent(value, decimals: d) : .number(value, decimals: d)
    }

    /// A share (progress, % met) as a percent cell with one decimal.
    func shareCell(_ value: ExactDecimal?) -> Cell {
        guard let value else { return .notAvailable }
        return .percent(value, decimals: 1)
    }

    /// The indicator's figure as display text (for cells that combine several figures).
    func valueText(_ value: ExactDecimal?, _ indicator: IndicatorDefinition, _ figures: IndicatorFigures?) -> String {
        guard let value else { return format.notAvailable }
        let percent = isPercent(indicator, figures)
        return format.number(value, decimals: places(value, indicator.decimals, percent: percent), percent: percent)
    }

    func date(_ d: CivilDate) -> String { format.date(d) }

    func benchmarkText(_ benchmark: Benchmark?, _ indicator: IndicatorDefinition, yearOnly: Bool = false) -> String {
        guard let benchmark, let value = benchmark.value else { return format.notAvailable }
        var text = valueText(value, indicator, figuresById[indicator.id])
        if let d = benchmark.date { text += " (\(yearOnly ? String(d.year) : date(d)))" }
        return text
    }

    // MARK: Results tree

    func resultDefinition(_ id: String) -> ResultDefinition? { definitions.results.first { $0.id == id } }

    func children(of id: String?) -> [ResultDefinition] { definitions.results.filter { $0.parent == id } }

    func depth(_ result: ResultDefinition) -> Int {
        var depth = 0
        var parent = result.parent
        while let id = parent, depth < 16 { depth += 1; parent = resultDefinition(id)?.parent }
        return depth
    }

    /// EU codes (`OO`, `Oc 1`, `Op 1.1`, `A 1.1.1`) from the position in the results tree:
    /// outcomes numbered in document order, outputs within their outcome, activities within
    /// their output. Definitions ids that already look like EU codes are kept.
    func euCodes() -> [String: String] {
        var codes: [String: String] = [:]
        let impacts = definitions.results.filter { $0.level == .impact }
        var outcomeCount = 0
        var outputCount: [String: Int] = [:]
        var activityCount: [String: Int] = [:]
        var impactCount = 0
        for r in definitions.results {
            switch r.level {
            case .impact:
                impactCount += 1
                codes[r.id] = impacts.count > 1 ? "OO \(impactCount)" : "OO"
            case .outcome:
                outcomeCount += 1
                codes[r.id] = "Oc \(outcomeCount)"
            case .output:
                let outcome = ancestor(of: r, level: .outcome)
                let key = outcome?.id ?? ""
                outputCount[key, default: 0] += 1
                let prefix = outcome.flatMap { codes[$0.id] }.map { String($0.dropFirst(3)) + "." } ?? ""
                codes[r.id] = "Op \(prefix)\(outputCount[key]!)"
            case .activity:
                let output = ancestor(of: r, level: .output)
                let key = output?.id ?? ""
                activityCount[key, default: 0] += 1
                let prefix = output.flatMap { codes[$0.id] }.map { String($0.dropFirst(3)) + "." } ?? ""
                codes[r.id] = "A \(prefix)\(activityCount[key]!)"
            }
        }
        for r in definitions.results where Self.looksLikeEUCode(r.id) { codes[r.id] = r.id }
        return codes
    }

    static func looksLikeEUCode(_ id: String) -> Bool {
        let prefixes = ["OO", "Oc ", "Op ", "A "]
        guard let p = prefixes.first(where: { id.hasPrefix($0) }) else { return false }
        let rest = id.dropFirst(p.count)
        if rest.isEmpty { return p == "OO" }
        return rest.allSatisfy { $0.isNumber || $0 == "." || $0 == " " }
    }

    func ancestor(of result: ResultDefinition, level: ResultLevel) -> ResultDefinition? {
        var parent = result.parent
        var guardCount = 0
        while let id = parent, let r = resultDefinition(id), guardCount < 16 {
            if r.level == level { return r }
            parent = r.parent
            guardCount += 1
        }
        return nil
    }

    // MARK: Periods and milestones

    /// End date of a milestone given by period id or (fiscal) year id.
    /// Milestones then the final target, as (label, value, date), sorted by date.
    func targetSchedule(_ indicator: IndicatorDefinition) -> [ScheduledTarget] {
        model.indicator(indicator.id)?.verdict.schedule ?? Verdicts.schedule(indicator, programme: definitions.programme)
    }

    /// Breakdown cells as sub-rows text: (label, value) per cell, "not recorded" last.
    func cellLabel(_ cell: CellFigures) -> String {
        cell.label.map { $0.label.text(language) }.joined(separator: " × ")
    }

    /// A dimension's name for readers: its `title` in the report's language, else its id.
    func dimensionName(_ id: String) -> String {
        definitions.dimension(id)?.title?.text(language) ?? id
    }

    /// The names of a (cross-)breakdown's dimensions: `Sex × child`.
    func dimensionNames(_ ids: [String]) -> String {
        ids.map(dimensionName).joined(separator: " × ")
    }

    /// Footnotes for an indicator's breakdowns: "not recorded" values and overlaps.
    func breakdownNotes(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures, only dimensions: [[String]]? = nil) -> [String] {
        var notes: [String] = []
        for breakdown in figures.breakdowns where dimensions == nil || dimensions!.contains(breakdown.dimensions) {
            let by = dimensionNames(breakdown.dimensions)
            let missing = breakdown.cells.filter { $0.key.contains { $0.category == nil } }
            if breakdown.dimensions.count == 1, let cell = missing.first, let v = cell.value.value, !v.isZero {
                notes.append(t(.notRecordedNote, indicator.id, t(.byDimensions, by), valueText(v, indicator, figures)))
            }
            if let overlap = breakdown.overlap, !overlap.isZero {
                notes.append(t(.overlapNote, indicator.id, t(.byDimensions, by), format.number(overlap)))
            }
        }
        return notes
    }

    // MARK: Title block, charts and notes

    func document(style: String, styleTitle: LabelKey, sections: [Section]) -> ReportDocument {
        let p = definitions.programme
        var subtitle = [t(styleTitle)]
        var facts = ["\(t(.programme)): \(p.id)"]
        if let donor = p.donor { facts.append("\(t(.donor)): \(donor)") }
        if let implementer = p.implementer { facts.append("\(t(.implementer)): \(implementer)") }
        subtitle.append(facts.joined(separator: " · "))
        subtitle.append(t(.programmePeriod, date(p.start), date(p.end)))
        subtitle.append(t(.asOf, date(model.asOf)))
        return ReportDocument(style: style, language: language, title: p.title.text(language), subtitle: subtitle,
                              sections: sections, notes: notes())
    }

    /// Per indicator: period values (cumulative to date for cumulative indicators) with the
    /// targets due at each period, and a progress bar.
    func charts(_ indicator: IndicatorDefinition, _ figures: IndicatorFigures) -> [Block] {
        var blocks: [Block] = []
        let percent = isPercent(indicator, figures)
        if figures.periods.count > 1 {
            let points = figures.periods.map { (label: $0.period.id, value: indicator.cumulative ? $0.cumulative.value : $0.value.value) }
            if points.contains(where: { $0.value != nil }) {
                blocks.append(.chart(Chart(kind: .trend, title: t(.trendTitle, indicator.id), points: points,
                                           targets: figures.periods.map(\.target), unitIsPercent: percent, decimals: indicator.decimals)))
            }
        }
        if let progress = model.indicator(indicator.id)?.verdict.progress {
            blocks.append(.chart(Chart(kind: .bars, title: t(.progressTitle, indicator.id),
                                       points: [(label: indicator.id, value: progress)], unitIsPercent: true, decimals: 1)))
        }
        return blocks
    }

    /// A "Trends" section: one sub-section per indicator with its charts.
    func trendsSection() -> Section? {
        var blocks: [Block] = []
        for (indicator, figures, _) in indicators { blocks += charts(indicator, figures) }
        return blocks.isEmpty ? nil : Section(heading: t(.trends), level: 0, blocks: blocks)
    }

    func notes() -> [Block] {
        var blocks: [Block] = []
        let header = [[HeaderCell(t(.source)), HeaderCell(t(.rowsRead)), HeaderCell(t(.rowsUsed)), HeaderCell(t(.rowsRejected)),
                       HeaderCell(t(.rowsAfterAsOf)), HeaderCell(t(.files))]]
        let rows = model.sources.map { s in
            Row(.data, [.text(s.id), .number(ExactDecimal(s.rowsRead), decimals: 0), .number(ExactDecimal(s.rowsUsed), decimals: 0),
                        .number(ExactDecimal(s.rowsRejected), decimals: 0), .number(ExactDecimal(s.rowsAfterAsOf), decimals: 0),
                        .text(s.files.map { $0.sha256.isEmpty ? $0.path : "\($0.path) (\($0.sha256.prefix(12)))" }.joined(separator: "; "))])
        }
        if !rows.isEmpty {
            blocks.append(.table(Table(name: "sources", caption: t(.dataSources), header: header, rows: rows)))
            for s in model.sources {
                blocks.append(.paragraph(t(.reconciliation, s.id, format.number(ExactDecimal(s.rowsRead)), format.number(ExactDecimal(s.rowsUsed)),
                                           format.number(ExactDecimal(s.rowsRejected)), format.number(ExactDecimal(s.rowsAfterAsOf)),
                                           date(model.asOf))))
            }
            var files: [(term: String, description: String)] = []
            for s in model.sources { for f in s.files { files.append((term: "\(s.id): \(f.path)", description: f.sha256)) } }
            if !files.isEmpty {
                blocks.append(.paragraph(t(.inputFiles)))
                blocks.append(.definitionList(files))
            }
        }
        blocks.append(.paragraph(t(.problems, String(model.errorCount), String(model.warningCount))))
        blocks.append(.paragraph(t(.naNote)))
        blocks.append(.paragraph(t(.dateNote)))
        return blocks
    }
}

