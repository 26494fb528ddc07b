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
        public var orgUnit: String
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

            // The options of a cell's categories, in the order of `dimensions`; nil (with a
            // problem) when one has no option.
            func options(_ cell: CellFigures, _ dimensions: [String]) -> [Pair]? {
                var options: [Pair] = []
                for dimension in dimensions {
                    guard let entry = cell.key.first(where: { $0.dimension == dimension }),
                          let category = mapping.categories[dimension] else { return nil }
                    let key = entry.category
                    if let option = category.options[key] {
                        options.append(Pair(category: category.code, option: option))
                    } else {
                        let known = category.options.keys.compactMap { $0 }
                        let hint = key.flatMap { DidYouMean.closest(to: $0, among: known, .definitionsName) }.map { "Did you mean `\($0)` (the data has `\(key!)`)?" }
                            ?? "Add `\(key ?? "~"): OPTION_CODE` to the options of `\(dimension)`."
                        problem(.error("map-option-missing", at: category.optionsLocation,
                                       "The options of `\(dimension)` have none for \(key.map { "`\($0)`" } ?? "\"not recorded\""), a category of \(report.id)'s breakdown: DHIS2 would refuse the value or the cells would no longer add up.",
                                       hint: hint))
                        return nil
                    }
                }
                return options
            }
            // The org unit of a cell's category of the org-unit dimension; nil for "not recorded"
            // without one (those records are in the programme's total only).
            func orgUnit(_ cell: CellFigures, _ units: DHIS2Mapping.OrgUnits) -> String? {
                guard let entry = cell.key.first(where: { $0.dimension == units.dimension }) else { return nil }
                let key = entry.category
                if let unit = units.options[key] { return unit }
                if let key {
                    problem(.error("map-option-missing", at: units.optionsLocation,
                                   "The org units of `\(units.dimension)` have none for `\(key)`, a category of \(report.id)'s breakdown.",
                                   hint: "Add `\(key): ORG_UNIT_CODE` to `org_units.options`."))
                }
                return nil
            }

            for (p, period) in periods.enumerated() where p < figures.periods.count {
                let figure = figures.periods[p]
                let span = "\(figure.period.start)..\(figure.period.end)"
                let home = mapping.orgUnit
                append(&values, indicatorMapping.period, figure.value, period, [], home,
                       comment: "logframe \(report.id): \(figures.countingUnit), period value \(span)")
                append(&values, indicatorMapping.cumulative, figure.cumulative, period, [], home,
                       comment: "logframe \(report.id): \(figures.countingUnit), cumulative \(model.programme.start)..\(figure.period.end)")
                for b in indicatorMapping.breakdowns {
                    guard let breakdown = figures.breakdowns.first(where: { $0.dimensions == b.by }) else { continue }
                    for cell in breakdown.cells {
                        guard let options = options(cell, b.by) else { continue }
                        append(&values, b.period, cell.periods[p], period, options, home, comment: nil)
                        if p < cell.cumulative.count { append(&values, b.cumulative, cell.cumulative[p], period, options, home, comment: nil) }
                    }
                }
                // Per org unit: the indicator's breakdown by the org-unit dimension gives each unit's
                // total, and its cross-tab with a mapped breakdown each unit's cells (recomputed
                // from the records like every cell, never split from the programme's figures).
                guard let units = mapping.orgUnits else { continue }
                if let byUnit = figures.breakdowns.first(where: { $0.dimensions == [units.dimension] }) {
                    for cell in byUnit.cells {
                        guard let unit = orgUnit(cell, units) else { continue }
                        append(&values, indicatorMapping.period, cell.periods[p], period, [], unit, comment: nil)
                        if p < cell.cumulative.count { append(&values, indicatorMapping.cumulative, cell.cumulative[p], period, [], unit, comment: nil) }
                    }
                }
                for b in indicatorMapping.breakdowns where !b.by.contains(units.dimension) {
                    let wanted = Set(b.by + [units.dimension])
                    guard let breakdown = figures.breakdowns.first(where: { $0.dimensions.count == wanted.count && Set($0.dimensions) == wanted })
                    else { continue }
                    for cell in breakdown.cells {
                        guard let unit = orgUnit(cell, units), let options = options(cell, b.by) else { continue }
                        append(&values, b.period, cell.periods[p], period, options, unit, comment: nil)
                        if p < cell.cumulative.count { append(&values, b.cumulative, cell.cumulative[p], period, options, unit, comment: nil) }
                    }
                }
            }
        }
        return problems.isEmpty ? .success(values) : .failure(ExportRefused(problems))
    }

    /// No data (a null figure) is left out; a 0 is sent.
    static func append(_ values: inout [DataValue], _ elements: DHIS2Mapping.DataElements?, _ figure: Figure,
                       _ period: DHIS2Period, _ options: [Pair], _ orgUnit: String, comment: String?) {
        switch elements {
        case .value(let code)?:
            if let value = figure.value {
                values.append(DataValue(dataElement: code, period: period, orgUnit: orgUnit, options: options, value: value.description, comment: comment))
            }
        case .parts(let numerator, let denominator)?:
            // Parts exist only where the ratio has them; a zero denominator is still sent (it is a real 0).
            if let n = figure.numerator { values.append(DataValue(dataElement: numerator, period: period, orgUnit: orgUnit, options: options, value: n.description, comment: comment)) }
            if let d = figure.denominator { values.append(DataValue(dataElement: denominator, period: period, orgUnit: orgUnit, options: options, value: d.description, comment: comment)) }
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
            if value.orgUnit != mapping.orgUnit { fields.append(("orgUnit", .string(value.orgUnit))) }
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
            out += [value.dataElement, value.period.dxf2, value.orgUnit, value.categoryOptionCombo, mapping.attributeOptionCombo,
                    value.value, nil, nil, value.comment, "false"].map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    static func adx(_ values: [DataValue], mapping: DHIS2Mapping, model: ReportModel) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"\(model.asOf)T00:00:00Z\">\n"
        // One group per period and org unit, in the order the values come.
        var order: [[String]] = []
        var groups: [[String]: [DataValue]] = [:]
        for value in values {
            guard let period = value.period.adx else { continue }
            let key = [period, value.orgUnit]
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(value)
        }
        for key in order {
            let attributes = [("orgUnit", Optional(key[1])), ("period", key[0]), ("dataSet", mapping.dataSet)]
                + mapping.attributeOptions.map { ($0.category, Optional($0.option)) }
            out += "  <group\(XMLText.attributes(attributes))>\n"
            for value in groups[key]! {
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
