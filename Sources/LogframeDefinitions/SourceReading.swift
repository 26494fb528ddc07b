import LogframeCore

// How a source's files are read, beyond types: where the CSV header is (`header_row`), how a
// column is found (by name, HXL hashtag or position), how numbers are written (`thousands`,
// `decimal`) and which cell texts mean "no value" (`missing`). Checked here once, so the reader
// decides per source and per field before the first row.

extension Resolver {
    static func format(of raw: RawSource) -> SourceDefinition.Format {
        raw.format ?? ((raw.path?.value ?? "").lowercased().hasSuffix(".xml") ? .xml : .csv)
    }

    /// The source-level keys: `header_row` is for CSV files; `thousands` and `decimal` must differ.
    func checkReading(_ raw: RawSource) {
        if Self.format(of: raw) == .xml, let row = raw.headerRow {
            c.error("invalid-value", at: row.location, "`header_row` applies to CSV sources only; source `\(raw.id.value)` is XML.",
                    hint: "An XML source says which element is a record with `record`.")
        }
        if let conflict = conflict(raw.number, inherited: RawNumberKeys()) {
            c.error("invalid-value", at: conflict.location, conflict.message, hint: conflict.hint)
        }
    }

    struct FieldReading {
        var selector: ColumnSelector?
        var numberFormat: NumberFormat?
        var missing: [String]
    }

    /// A field's column selector, number format and missing texts, the field's keys over its
    /// source's.
    func fieldReading(_ raw: RawField, of source: RawSource) -> FieldReading {
        var reading = FieldReading(missing: raw.missing ?? source.missing ?? [])
        let isXML = Self.format(of: source) == .xml
        if let position = raw.position {
            if let column = raw.column {
                c.error("invalid-value", at: column.location,
                        "Field `\(raw.id.value)` has both `column` and `position`; keep one.",
                        hint: "`position` picks a column by its number when several columns share a label.")
            } else if isXML {
                c.error("invalid-value", at: position.location, "`position` applies to CSV sources only; source `\(source.id.value)` is XML.",
                        hint: "An XML field is found by its `path`.")
            } else {
                reading.selector = .position(position.value)
            }
        } else if let column = raw.column, column.value.hasPrefix("#") {
            if let tag = HXLTag(column.value) {
                if isXML {
                    c.error("invalid-value", at: column.location, "A hashtag `column` applies to CSV sources only; source `\(source.id.value)` is XML.")
                } else {
                    reading.selector = .hashtag(tag)
                }
            } else {
                c.error("invalid-value", at: column.location,
                        "`\(column.value)` is not an HXL hashtag: a column starting with `#` is looked up in the file's HXL row.",
                        hint: "An HXL hashtag is `#` and a name, then attributes each after a `+`, such as #targeted+total or #adm1+code (letters, digits and _).")
            }
        }
        if !raw.number.isEmpty, !raw.type.isNumeric {
            let location = raw.number.thousands?.location ?? raw.number.decimal?.location
            let key = raw.number.thousands != nil ? "thousands" : "decimal"
            c.error("invalid-value", at: location, "`\(key)` applies only to integer and number fields; field `\(raw.id.value)` is \(raw.type).")
        } else if raw.type.isNumeric {
            let thousands = raw.number.thousands ?? source.number.thousands
            let decimal = raw.number.decimal ?? source.number.decimal
            if thousands != nil || decimal != nil {
                if let conflict = conflict(raw.number, inherited: source.number) {
                    // A conflict made only by the source's keys was reported once, at the source.
                    if !raw.number.isEmpty { c.error("invalid-value", at: conflict.location, conflict.message, hint: conflict.hint) }
                } else {
                    reading.numberFormat = NumberFormat(thousands: thousands?.value, decimal: decimal?.value ?? .dot)
                }
            }
        }
        return reading
    }

    /// A thousands separator that is also the decimal mark (given or default `.`).
    func conflict(_ own: RawNumberKeys, inherited: RawNumberKeys) -> (location: SourceLocation, message: String, hint: String)? {
        guard let thousands = own.thousands ?? inherited.thousands else { return nil }
        let decimal = own.decimal ?? inherited.decimal
        let mark = decimal?.value ?? .dot
        let same = (thousands.value == .comma && mark == .comma) || (thousands.value == .dot && mark == .dot)
        guard same else { return nil }
        let symbol = NumberFormat.symbol(mark)
        let other = mark == .dot ? "," : "."
        if let decimal {
            // Reported at a key this mapping wrote (the decimal mark when it wrote both).
            let location = own.decimal?.location ?? own.thousands?.location ?? decimal.location
            return (location, "`thousands` and `decimal` are both `\(symbol)`; a number cannot use one character for both.",
                    "Numbers like 1.234,5 need `thousands: \".\"` with `decimal: \",\"`; like 1,234.5, `thousands: \",\"` with `decimal: \".\"`.")
        }
        return (own.thousands?.location ?? thousands.location,
                "`thousands: \"\(symbol)\"` needs a different decimal mark, but `decimal` is not given (it defaults to `.`).",
                "Add `decimal: \"\(other)\"` next to it.")
    }

    /// `date:` names an own `date` field, or a parent's (`households.survey_date`) for a source
    /// with a `parent`, so that the rows of a repeat group are dated from their submission.
    func checkDateField(_ date: Located<String>, of raw: RawSource, among raws: [RawSource]) {
        let fieldIds = raw.fields.map(\.id.value)
        if let own = raw.fields.first(where: { $0.id.value == date.value }) {
            if own.type != .date {
                c.error("invalid-value", at: date.location, "The date field `\(date.value)` must have type `date`, not `\(own.type)`.")
            }
            return
        }
        if let dot = date.value.firstIndex(of: "."), let parentId = raw.parentSource?.value, date.value[..<dot] == parentId {
            let name = String(date.value[date.value.index(after: dot)...])
            guard let parent = raws.first(where: { $0.id.value == parentId }) else { return }  // reported with `parent`
            guard let field = parent.fields.first(where: { $0.id.value == name }) else {
                let hint = Suggest.closest(name, among: parent.fields.map(\.id.value)).map { "Did you mean `\(parentId).\($0)`?" }
                    ?? "Declare it under the `fields` of source `\(parentId)`."
                c.error("unknown-field", at: date.location, "The date field `\(date.value)`: `\(name)` is not a field of the parent source `\(parentId)`.", hint: hint)
                return
            }
            if field.type != .date {
                c.error("invalid-value", at: date.location, "The date field `\(date.value)` must have type `date`, not `\(field.type)`.")
            }
            return
        }
        var candidates = fieldIds
        if let parentId = raw.parentSource?.value, let parent = raws.first(where: { $0.id.value == parentId }) {
            candidates += parent.fields.map { "\(parentId).\($0.id.value)" }
        }
        // A parent's field written without the parent's id is the likeliest slip.
        let parentSpelling = candidates.first { $0.hasSuffix("." + date.value) }
        let hint = (parentSpelling ?? Suggest.closest(date.value, among: candidates)).map { "Did you mean `\($0)`?" }
            ?? (raw.parentSource.map { "Declare it under `fields`, or use a date of the parent, such as `\($0.value).survey_date`." }
                ?? "Declare it under `fields`.")
        c.error("unknown-field", at: date.location, "The date field `\(date.value)` is not a field of source `\(raw.id.value)`.", hint: hint)
    }

    /// An undated source read by a computed indicator of a programme with several periods: its
    /// records count in every cumulative figure from the first period on, also in periods before
    /// they were collected. Worth a warning unless the source says `date: none`.
    func checkUndated(sources: [SourceDefinition], raws: [RawSource], indicators: [IndicatorDefinition], programme: Programme) {
        guard programme.periods.count > 1 else { return }
        var readers: [String: [String]] = [:]
        for indicator in indicators {
            if case .computed(_, let ids) = indicator.computation {
                for id in ids where !(readers[id]?.contains(indicator.id) ?? false) { readers[id, default: []].append(indicator.id) }
            }
        }
        for source in sources where source.dateField == nil {
            guard let names = readers[source.id], let raw = raws.first(where: { $0.id.value == source.id }), !raw.undatedOnPurpose,
                  raw.path != nil else { continue }
            let listed = names.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
            var hint = "If the records are not tied to a date (a roster, a registry), write `date: none` to say so."
            if let parent = source.parent, let parentSource = sources.first(where: { $0.id == parent.source }) {
                let dated = parentSource.dateField.flatMap { parentSource.fieldIndex($0) }.map { parentSource.fields[$0].id }
                    ?? parentSource.fields.first(where: { $0.type == .date })?.id
                if let dated {
                    hint = "Rows of a repeat group can take their submission's date: `date: \(parent.source).\(dated)`."
                }
            }
            c.warning("undated-source", at: source.location,
                      "Source `\(source.id)` has no `date`: \(names.count == 1 ? "indicator" : "indicators") \(listed) \(names.count == 1 ? "counts" : "count") its records in the cumulative figure of every period, also periods before they were collected.",
                      hint: hint)
        }
    }
}
