import Foundation
import LogframeCore
import LogframeExpressions

/// Checks the raw definitions' cross-references and builds the resolved model.
struct Resolver {
    let c: LoadContext
    let baseDirectory: String

    func resolve(_ doc: RawDocument) -> Definitions? {
        let programme = doc.programme.flatMap(resolveProgramme)
        var sources = resolveSources(doc.sources)
        var dimensions = doc.dimensions.compactMap(resolveDimension)
        // An `expr` dimension is bound once per source it can be read from; indicators that
        // break down by it report the binding errors of their own sources (checkDimension).
        for d in dimensions.indices {
            guard case .expression(let syntax) = dimensions[d].kind else { continue }
            for source in sources {
                if case .success(let bound) = RowBinder.bind(syntax, in: source.scope) { dimensions[d].boundExpression[source.id] = bound }
            }
        }
        var results: [ResultDefinition] = []
        var rawIndicators: [(RawIndicator, String)] = []
        var seenIds: [String: SourceLocation] = [:]
        func claim(_ id: Located<String>) {
            if let first = seenIds[id.value] {
                c.error("duplicate-id", at: id.location, "The id `\(id.value)` is already used (line \(first.line ?? 0)).",
                        hint: "Every result and indicator needs its own id.")
            } else {
                seenIds[id.value] = id.location
            }
        }
        func flatten(_ raw: RawResult, parent: String?) {
            guard let id = raw.id else { return }
            claim(id)
            if let level = raw.level, let title = raw.title {
                results.append(ResultDefinition(id: id.value, level: level, title: title, parent: parent, location: raw.location))
            }
            for indicator in raw.indicators {
                if let iid = indicator.id { claim(iid) }
                rawIndicators.append((indicator, id.value))
            }
            for child in raw.results { flatten(child, parent: id.value) }
        }
        for raw in doc.results { flatten(raw, parent: nil) }

        let indicatorIds = rawIndicators.compactMap { $0.0.id?.value }
        let validPeriodIds: Set<String> = programme.map { p in
            Set(p.periods.map(\.id)).union(PeriodCalendar.yearIds(start: p.start, end: p.end, yearStarts: p.yearStarts))
        } ?? []
        var references: [String: [(String, SourceLocation)]] = [:]
        var indicators: [IndicatorDefinition] = []
        for (raw, result) in rawIndicators {
            if let resolved = resolveIndicator(raw, result: result, sources: sources, dimensions: dimensions,
                                               rawDimensions: doc.dimensions, indicatorIds: indicatorIds,
                                               periodIds: programme == nil ? nil : validPeriodIds, references: &references) {
                indicators.append(resolved)
            }
        }
        for i in indicators.indices where indicators[i].minCell == nil {
            indicators[i].minCell = programme?.minCell
        }
        sources = markPersonalFields(sources, raws: doc.sources, dimensions: dimensions, indicators: indicators)
        checkPersonalBreakdowns(sources, dimensions: dimensions, indicators: indicators)
        checkCycles(indicators.map(\.id), references)
        if let programme { checkTargetDates(indicators, programme) }
        checkUnused(sources: sources, dimensions: dimensions, indicators: indicators)
        if let programme { checkUndated(sources: sources, raws: doc.sources, indicators: indicators, programme: programme) }

        guard !c.hasErrors, let programme else { return nil }
        var definitions = Definitions(file: c.file, baseDirectory: baseDirectory, programme: programme, sources: sources,
                                      dimensions: dimensions, results: results, indicators: indicators)
        definitions.iati = doc.iati
        return definitions
    }

    /// A final target dated outside the programme cannot be reported against (milestones are
    /// period or year ids, checked where they are read).
    func checkTargetDates(_ indicators: [IndicatorDefinition], _ programme: Programme) {
        for indicator in indicators {
            guard let date = indicator.target?.date, date < programme.start || date > programme.end else { continue }
            c.error("target-outside-programme", at: indicator.location,
                    "The target of `\(indicator.id)` is dated \(date), outside the programme (\(programme.start) to \(programme.end)).",
                    hint: "Date the final target within the programme, usually its end date.")
        }
    }

    /// Sources no indicator reads and dimensions no indicator breaks down by are warnings: often a
    /// typo elsewhere, or something left behind. (`validate` still checks an unused source's files.)
    /// A file with no computed indicator at all only describes data files to validate: no warning.
    func checkUnused(sources: [SourceDefinition], dimensions: [DimensionDefinition], indicators: [IndicatorDefinition]) {
        guard indicators.contains(where: { if case .computed = $0.computation { return true } else { return false } }) else { return }
        var used = Set<String>()
        for indicator in indicators {
            if case .computed(_, let ids) = indicator.computation { used.formUnion(ids) }
        }
        for source in sources where used.contains(source.id) {
            if let parent = source.parent?.source { used.insert(parent) }
        }
        for source in sources where !used.contains(source.id) {
            c.warning("unused-source", at: source.location, "No indicator is computed from source `\(source.id)`.",
                      hint: "Name it in an indicator's `source`, or remove it; `validate` still checks its files.")
        }
        let usedDimensions = Set(indicators.flatMap { $0.breakdowns.joined() })
        for dimension in dimensions where !usedDimensions.contains(dimension.id) {
            c.warning("unused-dimension", at: dimension.location, "No indicator is broken down by dimension `\(dimension.id)`.",
                      hint: "Add it to an indicator's `by`, or remove it.")
        }
    }

    // MARK: Programme and periods

    func resolveProgramme(_ raw: RawProgramme) -> Programme? {
        let yearStarts = raw.yearStarts ?? 1
        let onTrack = raw.onTrack?.value ?? ExactDecimal(significand: 85, scale: 2)
        let atRisk = raw.atRisk?.value ?? ExactDecimal(significand: 5, scale: 1)
        if atRisk > onTrack {
            c.error("invalid-value", at: raw.atRisk?.location ?? raw.onTrack?.location,
                    "`status.at_risk` (\(atRisk)) must not be above `status.on_track` (\(onTrack)).")
        }
        if let tolerance = raw.tolerance {
            if tolerance.value <= .zero || tolerance.value >= ExactDecimal(1) {
                c.error("invalid-value", at: tolerance.location,
                        "`status.tolerance` (\(tolerance.value)) must be above 0 and below 1, for example 0.15 for the IPTT's 15 % rule.")
            } else if raw.onTrack != nil || raw.atRisk != nil {
                c.error("invalid-value", at: tolerance.location,
                        "`status.tolerance` replaces `status.on_track` and `status.at_risk`; give either the tolerance or the thresholds.",
                        hint: "Remove `on_track` and `at_risk` to judge status within the tolerance, or remove `tolerance`.")
            }
        }
        guard let id = raw.id, let title = raw.title, let start = raw.start, let end = raw.end else { return nil }
        guard start.value <= end.value else {
            c.error("invalid-value", at: end.location, "The programme ends (\(end.value)) before it starts (\(start.value)).")
            return nil
        }
        var periods: [Period] = []
        switch raw.periods {
        case nil:
            periods = PeriodCalendar.periods(start: start.value, end: end.value, kind: .quarterly, yearStarts: yearStarts)
        case .kind(let kind, _)?:
            periods = PeriodCalendar.periods(start: start.value, end: end.value, kind: kind, yearStarts: yearStarts)
        case .list(let list, let location)?:
            var ids: Set<String> = []
            var previous: Period?
            for item in list {
                if ids.contains(item.id.value) {
                    c.error("duplicate-id", at: item.id.location, "The period id `\(item.id.value)` is used twice.")
                }
                ids.insert(item.id.value)
                if item.end < item.start {
                    c.error("invalid-value", at: item.location, "Period `\(item.id.value)` ends (\(item.end)) before it starts (\(item.start)).")
                    continue
                }
                if item.start < start.value || item.end > end.value {
                    c.error("invalid-value", at: item.location,
                            "Period `\(item.id.value)` (\(item.start) to \(item.end)) is not inside the programme (\(start.value) to \(end.value)).")
                }
                if let previous, item.start <= previous.end {
                    c.error("invalid-value", at: item.location,
                            "Period `\(item.id.value)` starts on \(item.start), before the previous period `\(previous.id)` ends (\(previous.end)).",
                            hint: "List periods in date order, without overlaps.")
                } else if let previous, item.start > previous.end.adding(days: 1) {
                    // A record dated in a gap would belong to no period and silently drop out of every figure.
                    c.error("invalid-value", at: item.location,
                            "Period `\(item.id.value)` starts on \(item.start), but the previous period `\(previous.id)` ends on \(previous.end): records dated in between would belong to no period.",
                            hint: "Make each period start the day after the previous one ends.")
                }
                let period = Period(id: item.id.value, start: item.start, end: item.end)
                periods.append(period)
                previous = period
            }
            if list.isEmpty { c.error("invalid-value", at: location, "The list of `periods` is empty.") }
            if let first = periods.first, let last = periods.last, first.start != start.value || last.end != end.value {
                c.error("invalid-value", at: location,
                        "The periods cover \(first.start) to \(last.end), but the programme runs from \(start.value) to \(end.value): records outside the periods would belong to none.",
                        hint: "Start the first period on the programme's start date and end the last one on its end date.")
            }
        }
        var programme = Programme(id: id, title: title, donor: raw.donor, implementer: raw.implementer, country: raw.country,
                                  start: start.value, end: end.value, currency: raw.currency, budgetTotal: raw.budgetTotal,
                                  budgetDonor: raw.budgetDonor, periods: periods, yearStarts: yearStarts,
                                  onTrackThreshold: onTrack, atRiskThreshold: atRisk, statusTolerance: raw.tolerance?.value,
                                  periodsLocation: {
                                      switch raw.periods {
                                      case .kind(_, let location)?, .list(_, let location)?: return location
                                      case nil: return raw.location
                                      }
                                  }(),
                                  periodKind: {
                                      switch raw.periods {
                                      case nil: return .quarterly
                                      case .kind(let kind, _)?: return kind
                                      case .list?: return nil
                                      }
                                  }())
        programme.minCell = raw.minCell
        return programme
    }

    // MARK: Sources

    func resolveSources(_ raws: [RawSource]) -> [SourceDefinition] {
        let ids = raws.map(\.id.value)
        var fieldsById: [String: [FieldDefinition]] = [:]
        for raw in raws {
            checkReading(raw)
            fieldsById[raw.id.value] = raw.fields.compactMap { resolveField($0, of: raw) }
        }
        var result: [SourceDefinition] = []
        for raw in raws {
            let fields = fieldsById[raw.id.value] ?? []
            let fieldIds = raw.fields.map(\.id.value)
            func checkField(_ name: Located<String>, _ role: String) -> Bool {
                guard fieldIds.contains(name.value) else {
                    let hint = DidYouMean.closest(to: name.value, among: fieldIds, .definitionsName).map { "Did you mean `\($0)`?" }
                        ?? "Declare it under `fields`."
                    c.error("unknown-field", at: name.location, "The \(role) `\(name.value)` is not a field of source `\(raw.id.value)`.", hint: hint)
                    return false
                }
                return true
            }
            for k in raw.key { _ = checkField(k, "key field") }
            if let date = raw.date { checkDateField(date, of: raw, among: raws) }
            var parent: ParentLink?
            var scopeFields = fields.enumerated().map { RowScope.Field(name: $0.element.id, slot: $0.offset, type: $0.element.type) }
            if let ps = raw.parentSource {
                if ps.value == raw.id.value {
                    c.error("invalid-value", at: ps.location, "Source `\(raw.id.value)` cannot be its own parent.")
                } else if let parentFields = fieldsById[ps.value], let parentRaw = raws.first(where: { $0.id.value == ps.value }) {
                    if let pk = raw.parentKey, checkField(pk, "parent key field") {
                        parent = ParentLink(source: ps.value, key: pk.value)
                    }
                    if parentRaw.key.count != 1 {
                        c.error("invalid-value", at: ps.location, "The parent source `\(ps.value)` needs a `key` of exactly one field for rows to join it.")
                    }
                    if parentRaw.parentSource != nil {
                        c.error("invalid-value", at: ps.location, "The parent source `\(ps.value)` has a parent itself; only one level of parent is supported.")
                    }
                    for f in parentFields {
                        scopeFields.append(RowScope.Field(name: ps.value + "." + f.id, slot: scopeFields.count, type: f.type))
                    }
                } else {
                    let hint = DidYouMean.closest(to: ps.value, among: ids, .definitionsName).map { "Did you mean `\($0)`?" }
                    c.error("unknown-source", at: ps.location, "There is no source `\(ps.value)`.", hint: hint)
                }
            }
            let scope = RowScope(fields: scopeFields)
            var rules: [RuleDefinition] = []
            for rawRule in raw.rules {
                guard let check = rawRule.check, let syntax = parse(check) else { continue }
                switch RowBinder.bindCondition(syntax, in: scope, role: "a rule's `check`") {
                case .failure(let errors):
                    for e in errors.errors { report(e, in: check) }
                case .success(let bound):
                    rules.append(RuleDefinition(check: syntax, bound: bound, severity: rawRule.severity,
                                                message: rawRule.message ?? check.text, location: rawRule.location))
                }
            }
            let format = Self.format(of: raw)
            if format == .xml, raw.record == nil, raw.path != nil {
                c.error("missing-key", at: raw.id.location, "XML source `\(raw.id.value)` is missing the required key `record`.",
                        hint: "Give the path of the element that is one record, such as /meetings/meeting.")
            }
            result.append(SourceDefinition(id: raw.id.value, path: raw.path?.value ?? "", format: format, delimiter: raw.delimiter,
                                           key: raw.key.map(\.value), dateField: raw.date?.value, record: raw.record,
                                           fields: fields, rules: rules, parent: parent, scope: scope, location: raw.id.location,
                                           headerRow: raw.headerRow?.value, table: raw.table))
        }
        return result
    }

    func resolveField(_ raw: RawField, of source: RawSource) -> FieldDefinition? {
        var allowed: [Value]?
        if let values = raw.allowed {
            allowed = []
            for (text, location) in values {
                if let value = convert(text, to: raw.type, format: raw.format?.value ?? .iso) {
                    allowed?.append(value)
                } else {
                    c.error("invalid-value", at: location, "`\(text)` in `in` is not a valid \(raw.type) for field `\(raw.id.value)`.")
                }
            }
        }
        if let min = raw.min, let max = raw.max, min.value > max.value {
            c.error("invalid-value", at: max.location, "`max` (\(max.value)) is below `min` (\(min.value)).")
        }
        if let pattern = raw.pattern {
            if raw.type != .text && raw.type != .choices {
                c.error("invalid-value", at: pattern.location, "`pattern` applies only to text fields; field `\(raw.id.value)` is \(raw.type).")
            } else {
                do {
                    _ = try LinearPattern(pattern.value)
                } catch {
                    c.error("invalid-value", at: pattern.location, "The pattern `\(pattern.value)` is not a valid regular expression: \(error.reason).",
                            hint: "Patterns support characters, ., \\d \\w \\s, [a-z] classes, (groups), |, * + ? {n,m}, ^ and $ (docs/definitions.md).")
                }
            }
        }
        // A column chosen by position is named by its number in messages ("in column 20").
        let column = raw.column?.value ?? raw.position.map { String($0.value) } ?? raw.id.value
        let reading = fieldReading(raw, of: source)
        return FieldDefinition(id: raw.id.value, column: column, xmlPath: raw.path ?? raw.id.value,
                               type: raw.type, dateFormat: raw.format?.value ?? .iso, required: raw.required,
                               allowed: allowed, min: raw.min?.value, max: raw.max?.value, pattern: raw.pattern?.value,
                               location: raw.id.location, selector: reading.selector ?? .name(column),
                               numberFormat: reading.numberFormat, missing: reading.missing)
    }

    /// Converts a value written in the definitions (`in:` lists) to a field's type.
    func convert(_ text: String, to type: ValueType, format: CivilDate.Format) -> Value? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch type {
        case .text, .choices, .list, .null:
            return .text(TextNormalization.nfc(text))
        case .integer:
            guard let d = ExactDecimal(parsing: trimmed), d.isInteger else { return nil }
            return .number(d)
        case .number:
            return ExactDecimal(parsing: trimmed).map(Value.number)
        case .date:
            let bytes = Array(trimmed.utf8)[...]
            return (CivilDate.parse(bytes, format: .iso) ?? CivilDate.parse(bytes, format: format)).map(Value.date)
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "yes", "1", "bəli": return .bool(true)
            case "false", "no", "0", "xeyr": return .bool(false)
            default: return nil
            }
        }
    }

    // MARK: Dimensions

    func resolveDimension(_ raw: RawDimension) -> DimensionDefinition? {
        let id = raw.id
        if (raw.field == nil) == (raw.expr == nil) {
            c.error(raw.field == nil ? "missing-key" : "invalid-value", at: id.location,
                    "Dimension `\(id.value)` needs exactly one of `field` or `expr`.")
            return nil
        }
        var labels = raw.labels.map { (key: $0.key.value, label: $0.label) }
        let kind: DimensionDefinition.Kind
        if let expr = raw.expr {
            if raw.bands != nil {
                c.error("invalid-value", at: raw.bandsLocation, "`bands` need a numeric `field`, not an `expr`.")
            }
            guard let syntax = parse(expr) else { return nil }
            kind = .expression(syntax)
        } else if let field = raw.field, let bands = raw.bands {
            if bands.isEmpty {
                c.error("invalid-value", at: raw.bandsLocation, "`bands` must list at least one bound.")
                return nil
            }
            for (a, b) in zip(bands, bands.dropFirst()) where b.value <= a.value {
                c.error("invalid-value", at: b.location, "Band bounds must increase: \(b.value) comes after \(a.value).")
                return nil
            }
            let bounds = bands.map(\.value)
            let keys = DimensionBands.keys(bounds)
            var generated = keys.map { (key: $0, label: LocalizedText($0)) }
            for label in raw.labels {
                if let i = keys.firstIndex(of: label.key.value) {
                    generated[i].label = label.label
                } else {
                    c.error("invalid-value", at: label.key.location, "`\(label.key.value)` is not one of the bands of `\(id.value)`.",
                            hint: "The bands are: " + keys.joined(separator: ", ") + ".")
                }
            }
            labels = generated
            kind = .bands(field: field.value, bounds: bounds)
        } else {
            kind = .field(raw.field!.value)
        }
        return DimensionDefinition(id: id.value, kind: kind, labels: labels, location: id.location, title: raw.title)
    }

    // MARK: Indicators

    func resolveIndicator(_ raw: RawIndicator, result: String, sources: [SourceDefinition], dimensions: [DimensionDefinition],
                          rawDimensions: [RawDimension], indicatorIds: [String], periodIds: Set<String>?,
                          references: inout [String: [(String, SourceLocation)]]) -> IndicatorDefinition? {
        guard let id = raw.id else { return nil }
        let title = raw.title
        func checkPeriod(_ p: Located<String>, _ what: String) -> Bool {
            guard let periodIds, !periodIds.contains(p.value) else { return true }
            let hint = DidYouMean.closest(to: p.value, among: periodIds.sorted(), .definitionsName).map { "Did you mean `\($0)`?" }
                ?? "Use a period id such as `\(periodIds.sorted().first ?? "2021")` or a year id."
            c.error("unknown-period", at: p.location, "`\(p.value)` in \(what) is not a period or year of the programme.", hint: hint)
            return false
        }
        // Breakdowns: dimensions must exist; a cross-tab has at most four (the engine keys a cell
        // by four 16-bit category numbers).
        for entry in raw.by where entry.count > 4 {
            c.error("invalid-value", at: entry[0].location,
                    "A cross-tab can combine at most 4 dimensions; this one has \(entry.count).",
                    hint: "Split it into smaller cross-tabs.")
        }
        for entry in raw.by {
            for d in entry where !dimensions.contains(where: { $0.id == d.value }) && !rawDimensions.contains(where: { $0.id.value == d.value }) {
                let hint = DidYouMean.closest(to: d.value, among: rawDimensions.map(\.id.value), .definitionsName).map { "Did you mean `\($0)`?" }
                c.error("unknown-dimension", at: d.location, "There is no dimension `\(d.value)`.", hint: hint)
            }
        }
        let milestones = raw.milestones.filter { checkPeriod($0.id, "`milestones`") }.map { (id: $0.id.value, value: $0.value) }
        var computation: IndicatorDefinition.Computation?
        var boundCalls: [String: [BoundAggregateCall]] = [:]
        if let reported = raw.reported {
            let values = reported.filter { checkPeriod($0.id, "`reported`") }.map { (periodOrYear: $0.id.value, value: $0.value) }
            computation = .reported(values)
            if raw.value == nil, let first = raw.by.first?.first {
                c.error("invalid-value", at: first.location, "Breakdowns (`by`) need a computed indicator (`value`); `\(id.value)` is reported by hand.")
            }
        }
        if let value = raw.value {
            // Sources.
            var sourceIds: [Located<String>] = raw.sources ?? []
            // A value made only of `$ID` references and numbers reads no records of its own: the
            // aggregates it inlines keep their own sources, so it needs no `source`.
            let built = parse(value).map { FormulaBuilder.build($0) }
            let onlyReferences = (try? built?.get())?.aggregates.isEmpty ?? false
            if raw.sources == nil, !onlyReferences {
                if sources.count == 1 {
                    sourceIds = [Located(sources[0].id, id.location)]
                } else {
                    c.error("missing-key", at: id.location,
                            sources.isEmpty ? "Indicator `\(id.value)` is computed, but no `sources` are declared."
                                            : "Indicator `\(id.value)` must name its `source`: there are several sources.",
                            hint: sources.isEmpty ? nil : "Sources: " + sources.map(\.id).joined(separator: ", ") + ".")
                }
            }
            var scopes: [SourceDefinition] = []
            for s in sourceIds {
                if let source = sources.first(where: { $0.id == s.value }) {
                    scopes.append(source)
                } else {
                    let hint = DidYouMean.closest(to: s.value, among: sources.map(\.id), .definitionsName).map { "Did you mean `\($0)`?" }
                    c.error("unknown-source", at: s.location, "There is no source `\(s.value)`.", hint: hint)
                }
            }
            if let built {
                switch built {
                case .failure(let errors):
                    for e in errors.errors { report(e, in: value) }
                case .success(let formula):
                    var refs: [(String, Range<Int>)] = []
                    collectReferences(formula.formula, into: &refs)
                    for (ref, range) in refs {
                        let location = c.location(in: value, byteOffset: range.lowerBound)
                        if indicatorIds.contains(ref) {
                            references[id.value, default: []].append((ref, location))
                        } else {
                            let hint = DidYouMean.closest(to: ref, among: indicatorIds, .definitionsName).map { "Did you mean `$\($0)`?" }
                            c.error("unknown-indicator", at: location, "There is no indicator `\(ref)`.", hint: hint)
                        }
                    }
                    for source in scopes {
                        if let calls = bindAggregates(formula, value, source: source) { boundCalls[source.id] = calls }
                    }
                    computation = .computed(formula: formula, sources: scopes.map(\.id))
                }
            }
            // Dimensions against every source.
            for entry in raw.by {
                for d in entry {
                    guard let dim = dimensions.first(where: { $0.id == d.value }) else { continue }
                    for source in scopes { checkDimension(dim, rawDimensions.first { $0.id.value == d.value }, at: d, source: source) }
                }
            }
        }
        guard let title, let computation else { return nil }
        var indicator = IndicatorDefinition(id: id.value, result: result, title: title, unit: raw.unit, computation: computation,
                                   expressionText: raw.value?.text, breakdowns: raw.by.map { $0.map(\.value) },
                                   cumulative: raw.cumulative, direction: raw.direction, decimals: raw.decimals,
                                   baseline: raw.baseline, target: raw.target, milestones: milestones, sdg: raw.sdg,
                                   meansOfVerification: raw.meansOfVerification, assumptions: raw.assumptions,
                                   definition: raw.definition, location: raw.location)
        indicator.boundCalls = boundCalls
        indicator.minCell = raw.minCell
        return indicator
    }

    func checkDimension(_ dim: DimensionDefinition, _ raw: RawDimension?, at entry: Located<String>, source: SourceDefinition) {
        switch dim.kind {
        case .field(let field), .bands(let field, _):
            guard let f = source.scope.field(named: field) else {
                let hint = DidYouMean.closest(to: field, among: source.scope.fields.map(\.name), .definitionsName).map { "Did you mean `\($0)`?" }
                c.error("unknown-field", at: entry.location,
                        "Dimension `\(dim.id)` uses the field `\(field)`, which source `\(source.id)` does not have.", hint: hint)
                return
            }
            if case .bands = dim.kind, !f.type.isNumeric {
                c.error("expression-type", at: entry.location,
                        "Dimension `\(dim.id)` has `bands`, so its field `\(field)` must be a number; in source `\(source.id)` it is \(f.type).")
            }
        case .expression(let syntax):
            // Bound once in `resolve`; bound again here only to word what went wrong.
            guard dim.boundExpression[source.id] == nil else { return }
            if case .failure(let errors) = RowBinder.bind(syntax, in: source.scope), let expr = raw?.expr {
                for e in errors.errors { report(e, in: expr) }
            }
        }
    }

    /// Binds every aggregate call of `formula` against `source` and checks its types; nil
    /// (with errors reported) when one does not bind.
    func bindAggregates(_ formula: ValueFormula, _ text: ExpressionText, source: SourceDefinition) -> [BoundAggregateCall]? {
        var calls: [BoundAggregateCall] = []
        var ok = true
        for call in formula.aggregates {
            var arguments: [RowExpression] = []
            var filter: RowExpression? = nil
            for argument in call.arguments {
                switch RowBinder.bind(argument, in: source.scope) {
                case .failure(let errors):
                    ok = false
                    for e in errors.errors { report(e, in: text) }
                case .success(let bound):
                    arguments.append(bound)
                    let ok: Bool
                    switch call.function {
                    case .sum, .avg: ok = bound.type.isNumeric || bound.type == .null
                    // Indicator values are numbers: the minimum or maximum of dates has no place in a report.
                    case .min, .max: ok = bound.type.isNumeric || bound.type == .null
                    case .count, .distinct: ok = true
                    }
                    if !ok {
                        c.error("expression-type", at: c.location(in: text, byteOffset: argument.range.lowerBound),
                                "`\(call.function.rawValue)` needs a number, but this is \(bound.type).")
                    }
                }
            }
            if let syntax = call.filter {
                switch RowBinder.bindCondition(syntax, in: source.scope, role: "a `where` filter") {
                case .failure(let errors):
                    ok = false
                    for e in errors.errors { report(e, in: text) }
                case .success(let bound):
                    filter = bound
                }
            }
            calls.append(BoundAggregateCall(arguments: arguments, filter: filter))
        }
        return ok ? calls : nil
    }

    func collectReferences(_ formula: Formula, into refs: inout [(String, Range<Int>)]) {
        switch formula {
        case .aggregate, .number: break
        case .indicator(let id, let range): refs.append((id, range))
        case .percent(let a, let b), .ratio(let a, let b), .arithmetic(_, let a, let b):
            collectReferences(a, into: &refs)
            collectReferences(b, into: &refs)
        case .negate(let a): collectReferences(a, into: &refs)
        }
    }

    /// The longest chain of `$ID` references an indicator may start (`Definitions.maxReferenceDepth`).
    static var maxReferenceDepth: Int { Definitions.maxReferenceDepth }
    /// The most formulas one indicator may inline, counted with repeats (`$A + $A` inlines A
    /// twice): a chain of doubled references would otherwise grow exponentially.
    static let maxInlinedFormulas = 10_000

    /// Reports each cycle of `$ID` references once, as `A -> B -> A`, at the first reference;
    /// without cycles, reports reference chains deeper than `maxReferenceDepth` or inlining more
    /// than `maxInlinedFormulas` formulas. Iterative: a chain of thousands of indicators must
    /// not exhaust the stack.
    func checkCycles(_ ids: [String], _ references: [String: [(String, SourceLocation)]]) {
        var state: [String: Int] = [:]  // 1 = on the stack, 2 = done
        var reported: Set<Set<String>> = []
        var depth: [String: Int] = [:]
        var size: [String: Int] = [:]
        var cycles = false
        for root in ids where state[root] == nil {
            var stack = [root]
            var cursor = [0]
            state[root] = 1
            while let id = stack.last {
                let edges = references[id] ?? []
                let index = cursor[cursor.count - 1]
                if index < edges.count {
                    cursor[cursor.count - 1] += 1
                    let (next, location) = edges[index]
                    if state[next] == 1, let start = stack.firstIndex(of: next) {
                        cycles = true
                        let cycle = Array(stack[start...])
                        if reported.insert(Set(cycle)).inserted {
                            let text = (cycle + [next]).joined(separator: " -> ")
                            c.error("indicator-cycle", at: location, "These indicators refer to each other in a circle: \(text).",
                                    hint: "An indicator cannot depend on itself, directly or through others.")
                        }
                    } else if state[next] == nil {
                        state[next] = 1
                        stack.append(next)
                        cursor.append(0)
                    }
                    continue
                }
                stack.removeLast()
                cursor.removeLast()
                state[id] = 2
                guard !cycles else { continue }
                var deepest = 0, inlined = 1, childTooBig = false
                var deepestAt: SourceLocation?
                for (next, location) in edges {
                    let d = (depth[next] ?? 0) + 1
                    if d > deepest { deepest = d; deepestAt = location }
                    inlined = min(inlined + (size[next] ?? 1), Self.maxInlinedFormulas + 1)
                    if (depth[next] ?? 0) > Self.maxReferenceDepth || (size[next] ?? 1) > Self.maxInlinedFormulas { childTooBig = true }
                }
                depth[id] = deepest
                size[id] = inlined
                guard !childTooBig, let at = deepestAt ?? edges.first?.1 else { continue }
                if deepest > Self.maxReferenceDepth {
                    c.error("indicator-references-too-deep", at: at,
                            "Indicator `\(id)` starts a chain of more than \(Self.maxReferenceDepth) `$ID` references to indicators that refer to others.",
                            hint: "Refer to the aggregates directly instead of through long chains of indicators.")
                } else if inlined > Self.maxInlinedFormulas {
                    c.error("indicator-references-too-deep", at: at,
                            "Indicator `\(id)` would inline more than \(Self.maxInlinedFormulas) formulas through its `$ID` references (references repeated at every level multiply).",
                            hint: "Refer to the aggregates directly instead of repeating references to indicators that repeat theirs.")
                }
            }
        }
    }

    // MARK: Expressions

    func parse(_ text: ExpressionText) -> Syntax? {
        switch ExpressionParser.parse(text.text) {
        case .success(let syntax): return syntax
        case .failure(let error):
            report(error, in: text)
            return nil
        }
    }

    func report(_ error: ExpressionError, in text: ExpressionText) {
        c.error(error.code, at: c.location(in: text, byteOffset: error.range.lowerBound), error.message, hint: error.hint)
    }
}

/// Band names for numeric bounds.
public enum DimensionBands {
    /// `[18, 25, 60]` -> `<18`, `18-24`, `25-59`, `60+`. With integer bounds a band's upper end is
    /// the next bound minus one; when any bound has a fraction, bands read `18-<25.5` ("from 18 to
    /// under 25.5").
    public static func keys(_ bounds: [ExactDecimal]) -> [String] {
        guard let first = bounds.first, let last = bounds.last else { return [] }
        let integers = bounds.allSatisfy(\.isInteger)
        var keys = ["<\(first)"]
        for (a, b) in zip(bounds, bounds.dropFirst()) {
            keys.append(integers ? "\(a)-\(b - ExactDecimal(1))" : "\(a)-<\(b)")
        }
        keys.append("\(last)+")
        return keys
    }
}
