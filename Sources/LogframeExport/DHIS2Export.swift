import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport

/// The report model as DHIS2 data values (docs/exports-dhis2.md): DXF2 dataValueSets JSON or
/// CSV, or ADX XML, with the codes of a `--map` file.
///
/// Rules: each indicator's total goes to a data element of its own (DHIS2 adds up category
/// options, which is wrong for distinct counts when people overlap); a breakdown's cells go to
/// the breakdown's data element with one option per category, "not recorded" included; a real
/// 0 is sent and no data is not; `percent` and `ratio` figures go as numerator and denominator;
/// periods are named as DHIS2 names them, or the export is refused.
public enum DHIS2Export {
    public enum Format: String, Sendable { case json = "dhis2", csv = "dhis2-csv", adx }

    /// One value to send.
    public struct DataValue: Sendable, Equatable {
        public var dataElement: String
        public var period: DHIS2Period
        /// Category code -> option code, in the breakdown's dimension order; empty for a total.
        public var options: [Pair]
        public var value: String
        public var comment: String?

        /// The category option combo's code: the option codes joined by `_` (docs/exports-dhis2.md).
        public var categoryOptionCombo: String? { options.isEmpty ? nil : options.map(\.option).joined(separator: "_") }
    }

    public struct Pair: Sendable, Equatable {
        public var category: String
        public var option: String
    }

    /// The values, or every problem that stops the export (located in the mapping or definitions file).
    public static func values(_ model: ReportModel, mapping: DHIS2Mapping, format: Format) -> Result<[DataValue], ExportRefused> {
        var problems: [Diagnostic] = []
        var seen: Set<String> = []
        func problem(_ d: Diagnostic) { if seen.insert(d.message).inserted { problems.append(d) } }

        let periodsLocation = model.programme.periodsLocation ?? SourceLocation(file: model.definitions.file)
        var periods: [DHIS2Period] = []
        for mapped in DHIS2Periods.map(model.periods, programme: model.programme) {
            switch mapped {
            case .success(let period):
                if format == .adx, period.adx == nil {
                    problem(.error("map-period-unsupported", at: periodsLocation,
                                   "Period \(period.dxf2) cannot be sent in ADX: ADX quarters are calendar quarters, and this programme's quarters start in November.",
                                   hint: "Use --format dhis2 (dataValueSets), which has November quarters, or report by calendar quarters (`year_starts` 1, 4, 7 or 10)."))
                }
                periods.append(period)
            case .failure(let refusal):
                problem(.error("map-period-unsupported", at: periodsLocation,
                               "Period \(refusal.period.id) (\(refusal.period.start) to \(refusal.period.end)) cannot be sent to DHIS2: \(refusal.reason).",
                               hint: "DHIS2 stores values only for its own period types; report by months, calendar quarters, half-years or financial years that DHIS2 has (docs/exports-dhis2.md)."))
            }
        }
        if format == .adx, mapping.dataSet == nil {
            problem(.error("missing-key", at: SourceLocation(file: mapping.file, line: 1, column: 1),
                           "ADX needs the data set: the mapping file has no `data_set`.", hint: "Add `data_set: CODE` (the DHIS2 data set the values are for)."))
        }

        var values: [DataValue] = []
        for indicatorMapping in mapping.indicators {
            guard let report = model.indicator(indicatorMapping.id) else { continue }
            let figures = report.figures
            let hasParts = figures.countingUnit == "percent" || figures.countingUnit == "ratio"
            func check(_ elements: DHIS2Mapping.DataElements?, at location: SourceLocation) {
                guard let elements else { return }
                switch (elements, hasParts) {
                case (.value, true):
                    problem(.error("invalid-value", at: location,
                                   "`\(report.id)` is a \(figures.countingUnit): it goes to DHIS2 as its numerator and denominator, not as one value.",
                                   hint: "Write `{numerator: CODE, denominator: CODE}`; a DHIS2 indicator #{numerator}/#{denominator} then recomputes it from the parts."))
                case (.parts, false):
                    problem(.error("invalid-value", at: location,
                                   "`\(report.id)` is not a percentage or ratio, so it has no numerator and denominator; map it to one data element."))
                default: break
                }
            }
            check(indicatorMapping.period, at: indicatorMapping.location)
            check(indicatorMapping.cumulative, at: indicatorMapping.location)
            for b in indicatorMapping.breakdowns {
                check(b.period, at: b.location)
                check(b.cumulative, at: b.location)
            }

            for (p, period) in periods.enumerated() where p < figures.periods.count {
                let figure = figures.periods[p]
                let span = "\(figure.period.start)..\(figure.period.end)"
                append(&values, indicatorMapping.period, figure.value, period, [],
                       comment: "logframe \(report.id): \(figures.countingUnit), period value \(span)")
                append(&values, indicatorMapping.cumulative, figure.cumulative, period, [],
                       comment: "logframe \(report.id): \(figures.countingUnit), cumulative \(model.programme.start)..\(figure.period.end)")
                for b in indicatorMapping.breakdowns {
                    guard let breakdown = figures.breakdowns.first(where: { $0.dimensions == b.by }) else { continue }
                    for cell in breakdown.cells {
                        var options: [Pair] = []
                        for (dimension, key) in cell.key {
                            guard let category = mapping.categories[dimension] else { continue }
                            if let option = category.options[key] {
                                options.append(Pair(category: category.code, option: option))
                            } else {
                                let known = category.options.keys.compactMap { $0 }
                                let hint = key.flatMap { DidYouMean.closest(to: $0, among: known, .definitionsName) }.map { "Did you mean `\($0)` (the data has `\(key!)`)?" }
                                    ?? "Add `\(key ?? "~"): OPTION_CODE` to the options of `\(dimension)`."
                                problem(.error("map-option-missing", at: category.optionsLocation,
                                               "The options of `\(dimension)` have none for \(key.map { "`\($0)`" } ?? "\"not recorded\""), a category of \(report.id)'s breakdown: DHIS2 would refuse the value or the cells would no longer add up.",
                                               hint: hint))
                            }
                        }
                        guard options.count == cell.key.count else { continue }
                        append(&values, b.period, cell.periods[p], period, options, comment: nil)
                        if p < cell.cumulative.count { append(&values, b.cumulative, cell.cumulative[p], period, options, comment: nil) }
                    }
                }
            }
        }
        return problems.isEmpty ? .success(values) : .failure(ExportRefused(problems))
    }

    /// No data (a null figure) is left out; a 0 is sent.
    static func append(_ values: inout [DataValue], _ elements: DHIS2Mapping.DataElements?, _ figure: Figure,
                       _ period: DHIS2Period, _ options: [Pair], comment: String?) {
        switch elements {
        case .value(let code)?:
            if let value = figure.value {
                values.append(DataValue(dataElement: code, period: period, options: options, value: value.description, comment: comment))
            }
        case .parts(let numerator, let denominator)?:
            // Parts exist only where the ratio has them; a zero denominator is still sent (it is a real 0).
            if let n = figure.numerator { values.append(DataValue(dataElement: numerator, period: period, options: options, value: n.description, comment: comment)) }
            if let d = figure.denominator { values.append(DataValue(dataElement: denominator, period: period, options: options, value: d.description, comment: comment)) }
        case nil: break
        }
    }

    // MARK: - Rendering

    public static func render(_ model: ReportModel, mapping: DHIS2Mapping, format: Format) -> Result<String, ExportRefused> {
        values(model, mapping: mapping, format: format).map { values in
            switch format {
            case .json: return json(values, mapping: mapping)
            case .csv: return csv(values, mapping: mapping)
            case .adx: return adx(values, mapping: mapping, model: model)
            }
        }
    }

    static func json(_ values: [DataValue], mapping: DHIS2Mapping) -> String {
        var top: [(String, JSON)] = []
        if let dataSet = mapping.dataSet { top.append(("dataSet", .string(dataSet))) }
        top.append(("orgUnit", .string(mapping.orgUnit)))
        if let aoc = mapping.attributeOptionCombo { top.append(("attributeOptionCombo", .string(aoc))) }
        top.append(("dataValues", .array(values.map { value in
            var fields: [(String, JSON)] = [("dataElement", .string(value.dataElement)), ("period", .string(value.period.dxf2))]
            if let coc = value.categoryOptionCombo { fields.append(("categoryOptionCombo", .string(coc))) }
            // A string, as DHIS2 writes values; exact decimals, no exponent.
            fields.append(("value", .string(value.value)))
            if let comment = value.comment { fields.append(("comment", .string(comment))) }
            return .object(fields)
        })))
        return JSON.object(top).serialized()
    }

    static func csv(_ values: [DataValue], mapping: DHIS2Mapping) -> String {
        func field(_ text: String?) -> String {
            guard let text else { return "" }
            if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return text
        }
        var out = "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n"
        for value in values {
            out += [value.dataElement, value.period.dxf2, mapping.orgUnit, value.categoryOptionCombo, mapping.attributeOptionCombo,
                    value.value, nil, nil, value.comment, "false"].map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    static func adx(_ values: [DataValue], mapping: DHIS2Mapping, model: ReportModel) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"\(model.asOf)T00:00:00Z\">\n"
        var order: [String] = []
        var groups: [String: [DataValue]] = [:]
        for value in values {
            guard let period = value.period.adx else { continue }
            if groups[period] == nil { order.append(period) }
            groups[period, default: []].append(value)
        }
        for period in order {
            let attributes = [("orgUnit", mapping.orgUnit), ("period", period), ("dataSet", mapping.dataSet)]
                + mapping.attributeOptions.map { ($0.category, Optional($0.option)) }
            out += "  <group\(XMLText.attributes(attributes))>\n"
            for value in groups[period]! {
                let attributes = [("dataElement", Optional(value.dataElement))] + value.options.map { ($0.category, Optional($0.option)) }
                    + [("value", value.value)]
                out += "    <dataValue\(XMLText.attributes(attributes))/>\n"
            }
            out += "  </group>\n"
        }
        out += "</adx>\n"
        return out
    }
}
