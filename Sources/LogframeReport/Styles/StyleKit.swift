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

    /// A figure as a cell: its value, or the mark of a withheld figure (small-cell suppression).
    func figureCell(_ figure: Figure, _ indicator: IndicatorDefinition, _ figures: IndicatorFigures?) -> Cell {
        if let suppressed = figure.suppressed { return .text(suppressedMark(suppressed, indicator)) }
        return valueCell(figure.value, indicator, figures)
    }

    /// A figure as text: its value, or the mark of a withheld figure.
    func figureText(_ figure: Figure, _ indicator: IndicatorDefinition, _ figures: IndicatorFigures?) -> String {
        if let suppressed = figure.suppressed { return suppressedMark(suppressed, indicator) }
        return valueText(figure.value, indicator, figures)
    }

    /// A numerator or denominator of a figure, or the withheld mark (which part was small is
    /// not said).
    func partText(_ part: ExactDecimal?, _ figure: Figure) -> String {
        figure.suppressed == nil ? format.number(part) : t(.suppressedComplementary)
    }

    /// `<5` for a small count, `x` for a figure withheld to protect one (docs/data-protection.md).
    func suppressedMark(_ suppressed: Suppression, _ indicator: IndicatorDefinition) -> String {
        suppressed == .small ? t(.suppressedSmall, String(indicator.minCell ?? 0)) : t(.suppressedComplementary)
    }

    /// The note under a report whose figures were suppressed, once per threshold.
    func suppressionNotes() -> [Block] {
        guard model.suppression != nil else { return [] }
        let thresholds = Set(model.indicators.compactMap { $0.definition.minCell }.filter { $0 >= 2 }).sorted()
        return thresholds.map { .paragraph(t(.suppressionNote, String($0), String($0 - 1))) }
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

    /// A baseline (or target) with its reference year as a cell: reads `0 (2020)` as before, and
    /// is a number in XLSX. Without a value, the text "n/a".
    func benchmarkCell(_ benchmark: Benchmark?, _ indicator: IndicatorDefinition, yearOnly: Bool = false) -> Cell {
        guard let benchmark, let value = benchmark.value else { return .text(format.notAvailable) }
        let figures = figuresById[indicator.id]
        let note = benchmark.date.map { "(\(yearOnly ? String($0.year) : date($0)))" } ?? ""
        return .annotatedNumber(value, decimals: places(value, indicator.decimals, percent: isPercent(indicator, figures)),
                                percent: isPercent(indicator, figures), note: note,
                                text: benchmarkText(benchmark, indicator, yearOnly: yearOnly))
    }

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

    /// A dimension's name for readers: its `title` in the report's language, else its id in
    /// words (`case_type` -> "Case type"), so that no identifier reaches a donor.
    func dimensionName(_ id: String) -> String {
        if let title = definitions.dimension(id)?.title?.text(language), !title.isEmpty { return title }
        return Self.words(id)
    }

    /// An identifier in words: `case_type` -> "Case type", `ageBand` -> "Age band".
    static func words(_ id: String) -> String {
        var out = ""
        var previous: Character?
        for ch in id {
            if ch == "_" || ch == "-" || ch == "." {
                if out.last != " " { out.append(" ") }
            } else if ch.isUppercase, let p = previous, p.isLowercase {
                out += " " + ch.lowercased()
            } else {
                out.append(out.isEmpty ? Character(ch.uppercased()) : ch)
            }
            previous = ch
        }
        return out.trimmingCharacters(in: .whitespaces)
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
                              sections: sections, notes: notes(), audit: auditSection())
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

    /// The closing notes a donor reads: every row accounted for (counting rule 6), in words and
    /// over all sources; data problems; what n/a means; how dates are written. The per-source
    /// figures and the file hashes are the audit appendix (`auditSection`).
    func notes() -> [Block] {
        var blocks: [Block] = []
        if !model.sources.isEmpty {
            let sum = { (rows: (SourceFigures) -> Int) in ExactDecimal(model.sources.reduce(0) { $0 + rows($1) }) }
            blocks.append(.paragraph(t(.reconciliationAll, format.number(ExactDecimal(model.sources.count)),
                                       format.number(sum(\.rowsRead)), format.number(sum(\.rowsUsed)), format.number(sum(\.rowsRejected)),
                                       format.number(sum(\.rowsAfterAsOf)), date(model.asOf))))
        }
        blocks.append(.paragraph(t(.problems, String(model.errorCount), String(model.warningCount))))
        blocks.append(.paragraph(t(.naNote)))
        blocks += suppressionNotes()
        blocks.append(.paragraph(t(.dateNote)))
        return blocks
    }

    /// The audit appendix, last in every report: rows read, used, rejected and after the as-of
    /// date per source (by the source ids of the definitions file, which an auditor matches
    /// against it), then each input file once with its full SHA-256 and the sources reading it.
    func auditSection() -> Section? {
        guard !model.sources.isEmpty else { return nil }
        let rowsHeader = [[HeaderCell(t(.source)), HeaderCell(t(.fileCount)), HeaderCell(t(.rowsRead)), HeaderCell(t(.rowsUsed)),
                           HeaderCell(t(.rowsRejected)), HeaderCell(t(.rowsAfterAsOf))]]
        let rows = model.sources.map { s in
            Row(.data, [.text(s.id), .number(ExactDecimal(s.files.count), decimals: 0), .number(ExactDecimal(s.rowsRead), decimals: 0),
                        .number(ExactDecimal(s.rowsUsed), decimals: 0), .number(ExactDecimal(s.rowsRejected), decimals: 0),
                        .number(ExactDecimal(s.rowsAfterAsOf), decimals: 0)])
        }
        var blocks: [Block] = [.table(Table(name: "sources", caption: t(.dataSources), header: rowsHeader, rows: rows,
                                            footnotes: [t(.reconciliationRule, date(model.asOf))]))]
        // Each file once, in the order first read; an XML folder read as two sources (a form and
        // its repeat group) is listed once with both.
        var files: [(path: String, sha256: String, sources: [String])] = []
        for s in model.sources {
            for f in s.files {
                if let i = files.firstIndex(where: { $0.path == f.path && $0.sha256 == f.sha256 }) {
                    if !files[i].sources.contains(s.id) { files[i].sources.append(s.id) }
                } else {
                    files.append((f.path, f.sha256, [s.id]))
                }
            }
        }
        if !files.isEmpty {
            let header = [[HeaderCell(t(.file)), HeaderCell("SHA-256"), HeaderCell(t(.source))]]
            blocks.append(.table(Table(name: "files", caption: t(.inputFiles), header: header,
                                       rows: files.map { Row(.data, [.text($0.path), .text($0.sha256), .text($0.sources.joined(separator: ", "))]) })))
        }
        return Section(heading: t(.auditAppendix), blocks: blocks)
    }

    /// A source in words for a donor, when no means of verification is written: its file name,
    /// or the number of files and their folder (`23 files in meetings/`). Never the source id.
    func sourceWords(_ id: String) -> String {
        guard let s = model.sources.first(where: { $0.id == id }), let first = s.files.first else { return t(.meansOfVerificationNone) }
        let name = { (path: String) in path.split(separator: "/").last.map(String.init) ?? path }
        if s.files.count == 1 { return name(first.path) }
        let folder = first.path.split(separator: "/").dropLast().last.map { "\($0)/" } ?? "./"
        return t(.filesIn, format.number(ExactDecimal(s.files.count)), folder)
    }

    /// Means of verification for a donor: as written in the definitions, else the indicator's
    /// data files in words (`sourceWords`), else "reported by hand".
    func meansOfVerification(_ indicator: IndicatorDefinition) -> String {
        let written = text(indicator.meansOfVerification)
        if !written.isEmpty { return written }
        if case .computed(_, let ids) = indicator.computation, !ids.isEmpty {
            return ids.map(sourceWords).joined(separator: "; ")
        }
        return t(.reportedByHand)
    }
}

