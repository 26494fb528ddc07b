import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport

/// The report model as one IATI 2.03 `iati-activities` document (docs/exports-iati.md).
///
/// The programme is the activity; each result with reported indicators a `result`; each
/// indicator an `indicator` with one `period` per reported period, and target-only periods for
/// milestones and the final target after the as-of date. A cumulative indicator's actual is the
/// running total to the period's end (recomputed from the records, never a sum of periods), a
/// level's the period value. No data is left out, never written as 0 or "N/A". Elements follow
/// the schema's `xsd:sequence` order.
public enum IATIExport {
    /// The document, or the diagnostic that stops the export (no `exports.iati` block).
    public static func render(_ model: ReportModel) -> Result<String, ExportRefused> {
        guard let publisher = model.definitions.iati else { return .failure(ExportRefused([detailsMissing(definitionsFile: model.definitions.file)])) }
        var w = Writer(model: model, publisher: publisher)
        w.document()
        return .success(w.out)
    }

    /// Definitions without `exports.iati`: checked before anything is computed.
    public static func detailsMissing(definitionsFile: String) -> Diagnostic {
        .error("iati-details-missing", at: SourceLocation(file: definitionsFile, line: 1, column: 1),
               "An IATI file needs the publisher's details, which the definitions do not give: there is no `exports.iati` block.",
               hint: "Add `exports: {iati: {identifier, reporting_org: {ref, type, name}, participating_orgs, description, activity_status, sector}}`; docs/exports-iati.md lists each key.")
    }

    struct Writer {
        let model: ReportModel
        let publisher: IATIPublisher
        var out = ""
        var depth = 0

        var language: String { publisher.language }

        init(model: ReportModel, publisher: IATIPublisher) {
            self.model = model
            self.publisher = publisher
        }

        mutating func line(_ text: String) {
            out += String(repeating: "  ", count: depth) + text + "\n"
        }

        mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
            line("<\(name)\(XMLText.attributes(attributes))>")
            depth += 1
        }

        mutating func close(_ name: String) {
            depth -= 1
            line("</\(name)>")
        }

        mutating func empty(_ name: String, _ attributes: [(String, String?)]) {
            line("<\(name)\(XMLText.attributes(attributes))/>")
        }

        /// `narrative` elements: the activity language first (no `xml:lang`), then the others by code.
        mutating func narratives(_ text: LocalizedText) {
            let main = text.text(language)
            line("<narrative>\(XMLText.escape(main))</narrative>")
            for (code, value) in text.values.sorted(by: { $0.key < $1.key }) where !code.isEmpty && code != language && value != main {
                line("<narrative\(XMLText.attributes([("xml:lang", code)]))>\(XMLText.escape(value))</narrative>")
            }
        }

        mutating func narrativeElement(_ name: String, _ text: LocalizedText, _ attributes: [(String, String?)] = []) {
            open(name, attributes)
            narratives(text)
            close(name)
        }

        mutating func comment(_ text: String) {
            open("comment")
            line("<narrative>\(XMLText.escape(text))</narrative>")
            close("comment")
        }

        // MARK: - Activity

        mutating func document() {
            let programme = model.programme
            line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            // No user text in the comment: `--` may not appear in one, and escaping does not apply there.
            line("<!-- logframe IATI 2.03 export, as of \(model.asOf) -->")
            open("iati-activities", [("version", "2.03")])
            let currency = programme.currency.flatMap { $0.count == 3 && $0.allSatisfy({ $0.isASCII && $0.isUppercase }) ? $0 : nil }
            open("iati-activity", [("xml:lang", language), ("default-currency", currency)])
            line("<iati-identifier>\(XMLText.escape(publisher.identifier))</iati-identifier>")
            organisation("reporting-org", publisher.reportingOrg)
            narrativeElement("title", programme.title)
            narrativeElement("description", publisher.description, [("type", "1")])
            for org in publisher.participatingOrgs { organisation("participating-org", org) }
            empty("activity-status", [("code", publisher.activityStatus)])
            empty("activity-date", [("type", "1"), ("iso-date", programme.start.description)])
            if let start = publisher.actualStart { empty("activity-date", [("type", "2"), ("iso-date", start.description)]) }
            empty("activity-date", [("type", "3"), ("iso-date", programme.end.description)])
            if let end = publisher.actualEnd { empty("activity-date", [("type", "4"), ("iso-date", end.description)]) }
            empty("recipient-country", [("code", publisher.recipientCountry)])
            for sector in publisher.sectors {
                empty("sector", [("vocabulary", sector.vocabulary), ("code", sector.code), ("percentage", sector.percentage?.description)])
            }
            for result in model.results {
                let indicators = model.indicators.filter { $0.definition.result == result.id }
                if !indicators.isEmpty { self.result(result, indicators) }
            }
            close("iati-activity")
            close("iati-activities")
        }

        mutating func organisation(_ name: String, _ org: IATIPublisher.Organisation) {
            let attributes = [("ref", org.ref), ("type", org.type), ("role", org.role)]
            if let text = org.name {
                narrativeElement(name, text, attributes)
            } else {
                empty(name, attributes)
            }
        }

        // MARK: - Results

        static func resultType(_ level: ResultLevel) -> String {
            switch level {
            case .impact: return "3"
            case .outcome: return "2"
            case .output: return "1"
            case .activity: return "9"
            }
        }

        mutating func result(_ result: ResultDefinition, _ indicators: [IndicatorReport]) {
            open("result", [("type", Self.resultType(result.level))])
            var title = result.title
            for (code, text) in title.values { title.values[code] = "\(result.id): \(text)" }
            narrativeElement("title", title)
            for indicator in indicators { self.indicator(indicator) }
            close("result")
        }

        /// Counts and sums add up across activities and periods; nothing else does.
        static func aggregatable(_ countingUnit: String) -> Bool { countingUnit == "records" || countingUnit == "sum" }

        mutating func indicator(_ report: IndicatorReport) {
            let definition = report.definition, figures = report.figures
            let isPercent = figures.countingUnit == "percent"
            open("indicator", [("measure", isPercent ? "2" : "1"),
                               ("ascending", definition.direction == .increase ? "1" : "0"),
                               ("aggregation-status", Self.aggregatable(figures.countingUnit) ? "1" : "0")])
            narrativeElement("title", definition.title)
            narrativeElement("description", LocalizedText(description(report)))
            empty("reference", [("vocabulary", "99"), ("code", definition.id)])
            for sdg in definition.sdg { empty("reference", [("vocabulary", "9"), ("code", sdg)]) }
            if let baseline = definition.baseline, let value = baseline.value {
                let year = baseline.date?.year ?? model.programme.start.year
                let attributes = [("year", String(year)), ("iso-date", baseline.date?.description), ("value", value.description)]
                if baseline.date == nil {
                    open("baseline", attributes)
                    comment("No baseline date was given; the year is the programme's start year.")
                    close("baseline")
                } else {
                    empty("baseline", attributes)
                }
            }
            for (p, period) in figures.periods.enumerated() { self.period(report, p, period) }
            // Milestones and the final target due after the as-of date: target-only periods.
            let reported = Set(figures.periods.map(\.period.id))
            for period in model.programme.periods where !reported.contains(period.id) && period.start > model.asOf {
                guard let target = TargetSchedule.target(of: definition, programme: model.programme, at: period) else { continue }
                open("period")
                empty("period-start", [("iso-date", period.start.description)])
                empty("period-end", [("iso-date", period.end.description)])
                empty("target", [("value", target.description)])
                close("period")
            }
            close("indicator")
        }

        func description(_ report: IndicatorReport) -> String {
            let definition = report.definition, figures = report.figures
            var parts: [String] = []
            if let text = definition.definition?.text(language) { parts.append(text) }
            let unit = definition.unit.map { " (unit: \($0.text(language)))" } ?? ""
            let counting: String
            switch figures.countingUnit {
            case "distinct": counting = "Distinct count: each person (or tuple) counts once however many records they have"
            case "records": counting = "Count of records"
            case "sum": counting = "Sum"
            case "average": counting = "Average"
            case "minimum": counting = "Minimum"
            case "maximum": counting = "Maximum"
            case "percent": counting = "Percentage; each actual's comment gives its numerator and denominator"
            case "ratio": counting = "Ratio; each actual's comment gives its numerator and denominator"
            case "reported": counting = "Values reported by the programme, not computed from records"
            default: counting = "Computed from other indicators"
            }
            parts.append(counting + unit + ".")
            if definition.cumulative {
                parts.append("Values are cumulative from the programme start (\(model.programme.start)): each period's actual is the total to the end of that period, recomputed from the records. Use the latest period; do not add periods together.")
            } else {
                parts.append("Each period's actual is the value in that period (a level, not a running total); the latest period is the current value.")
            }
            if let expression = definition.expressionText { parts.append("Computed as: \(expression).") }
            return parts.joined(separator: " ")
        }

        mutating func period(_ report: IndicatorReport, _ p: Int, _ period: PeriodFigures) {
            let definition = report.definition, figures = report.figures
            let total = definition.cumulative ? period.cumulative : period.value
            // A period with no target and no figure at all (before the data begins) says nothing: left out.
            let anyCell = figures.breakdowns.contains { b in
                b.cells.contains { (definition.cumulative ? (p < $0.cumulative.count ? $0.cumulative[p] : .none) : $0.periods[p]).value != nil }
            }
            if period.target == nil, total.value == nil, !anyCell { return }
            open("period")
            empty("period-start", [("iso-date", period.period.start.description)])
            empty("period-end", [("iso-date", period.period.end.description)])
            if let target = period.target { empty("target", [("value", target.description)]) }
            if let value = total.value {
                open("actual", [("value", value.description)])
                var notes: [String] = []
                if let parts = Self.parts(total) { notes.append(parts) }
                if definition.cumulative {
                    let inPeriod = period.value.value.map { " (\($0) in this period)" } ?? ""
                    notes.append("Cumulative from \(model.programme.start) to \(period.period.end)\(inPeriod).")
                }
                // Overlap (counting rule 5) at this period: the cells' sum minus the total, where a sum means something.
                for breakdown in figures.breakdowns where breakdown.overlap != nil && !breakdown.cells.isEmpty {
                    let cells = breakdown.cells.map { definition.cumulative ? (p < $0.cumulative.count ? $0.cumulative[p] : .none) : $0.periods[p] }
                    let values = cells.compactMap(\.value)
                    guard values.count == cells.count else { continue }
                    let overlap = values.reduce(ExactDecimal.zero, +) - value
                    if overlap > .zero {
                        let names = breakdown.dimensions.map(dimensionTitle).joined(separator: " by ")
                        notes.append("By \(names): the cells add up to \(overlap) more than the total, because some are counted in more than one cell; do not add them up.")
                    }
                }
                if !notes.isEmpty { comment(notes.joined(separator: " ")) }
                close("actual")
            }
            for breakdown in figures.breakdowns {
                for cell in breakdown.cells {
                    let figure = definition.cumulative ? (p < cell.cumulative.count ? cell.cumulative[p] : .none) : cell.periods[p]
                    guard let value = figure.value else { continue }
                    open("actual", [("value", value.description)])
                    for (dimension, label) in cell.label {
                        empty("dimension", [("name", dimensionTitle(dimension)), ("value", label.text(language))])
                    }
                    if let parts = Self.parts(figure) { comment(parts) }
                    close("actual")
                }
            }
            close("period")
        }

        func dimensionTitle(_ id: String) -> String {
            model.definitions.dimensions.first { $0.id == id }?.title?.text(language) ?? id
        }

        /// "53 of 460" for a figure with parts.
        static func parts(_ figure: Figure) -> String? {
            guard let numerator = figure.numerator, let denominator = figure.denominator else { return nil }
            return "Numerator \(numerator), denominator \(denominator)."
        }
    }
}
