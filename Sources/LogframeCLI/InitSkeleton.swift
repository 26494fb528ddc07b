import Foundation
import LogframeCore
import LogframeData
import LogframeDefinitions

/// The definitions skeleton `logframe init` writes: YAML text built from column profiles.
/// Every choice it makes from the data is explained in a comment; what only the user can know
/// (titles, targets) is marked TODO. docs/init.md describes the rules.
struct InitSkeleton {
    struct Source {
        var profile: TableProfile
        /// The file (or glob) as the definitions file will name it.
        var path: String
    }

    /// One field of a source as it will be written.
    struct Field {
        var id: String
        var column: String
        var profile: ColumnProfile?
        /// A field taken from the parent record of an XML repeat (`../../meta/instanceID`).
        var parentPath: String?
        var parentType: ColumnProfile.InferredType?
        /// From an XLSForm: the question, and its choices for a select.
        var question: XLSForm.Question?
        var choices: [XLSForm.Choice]?
        /// The `type:` written for a form question or a fixed field (`meta/instanceID`).
        var declaredType: String?
        /// CSV: the column's number (1 = leftmost), when its header is empty or repeated.
        var position: Int?
    }

    struct Plan {
        var id: String
        var source: Source
        var fields: [Field]
        var key: String?
        var date: String?
        var notes: [String] = []
        /// XML record path, when it does not come from the profile (XLSForm sources).
        var record: String?
    }

    var sources: [Source]
    /// XLSForms, each with the path (glob) its submissions will have.
    var forms: [(form: XLSForm, path: String, pathIsGuess: Bool)] = []
    /// The submissions given with a form (their record table), for the programme's dates.
    var formData: [TableProfile] = []
    /// Set when writing to standard output: what the paths are relative to.
    var relativeTo: String?

    // MARK: - Planning

    private func plan() -> [Plan] {
        var plans: [Plan] = []
        var usedIds: Set<String> = []
        var rootPlan: Plan?
        for source in sources {
            let profile = source.profile
            var id = InitSkeleton.identifier(from: sourceName(source))
            while usedIds.contains(id) { id += "_2" }
            usedIds.insert(id)
            var fieldIds: Set<String> = []
            let isXML = profile.recordPath != nil
            let lastComponents = profile.columns.map { $0.name.split(separator: "/").last.map(String.init) ?? $0.name }
            var fields: [Field] = []
            for (i, column) in profile.columns.enumerated() {
                var base: String
                if isXML {
                    let last = lastComponents[i]
                    if column.name == "@id" { base = "form_id" }
                    else if column.name == "@version" { base = "form_version" }
                    else { base = lastComponents.filter({ $0 == last }).count > 1 ? column.name : last }
                } else {
                    base = column.name.isEmpty ? "column_\(i + 1)" : column.name
                }
                var fieldId = InitSkeleton.identifier(from: base)
                while fieldIds.contains(fieldId) { fieldId += "_2" }
                fieldIds.insert(fieldId)
                var field = Field(id: fieldId, column: column.name, profile: column)
                if !isXML, column.name.isEmpty || profile.columns.filter({ $0.name == column.name }).count > 1 {
                    field.position = i + 1
                }
                fields.append(field)
            }
            var plan = Plan(id: id, source: source, fields: fields)
            // The key: a column whose every value differs, read to the end of the file.
            if !profile.truncated, profile.rowsSampled > 1 {
                let candidates = fields.filter { f in
                    guard let p = f.profile else { return false }
                    // Text or whole numbers only: two spellings of one date or number would be one key value.
                    return p.isUnique && p.blanks == 0 && (p.type == .text || p.type == .integer)
                }
                let named = candidates.first { $0.id.lowercased().hasSuffix("id") }
                plan.key = (named ?? (isXML ? nil : candidates.first))?.id
            }
            // ODK's submission id identifies a submission, even when only one was given.
            if isXML, plan.key == nil, profile.recordPath == rootRecord,
               let instance = fields.first(where: { $0.column == "meta/instanceID" && $0.profile?.blanks == 0 }) {
                plan.key = instance.id
            }
            // The date: a date column without blanks, one named like a date first.
            let dated = fields.filter { f in
                guard let p = f.profile, case .date = p.type else { return false }
                return p.blanks == 0
            }
            plan.date = (dated.first { $0.id.lowercased().contains("date") } ?? dated.first)?.id
            if plan.date == nil, fields.contains(where: { if case .date = $0.profile?.type { return true }; return false }) {
                plan.notes.append("TODO: no date column is filled on every row; fill the dates, then replace `date: none` with `date: FIELD`.")
            }
            // An XML repeat: the submission's key and date, from the parent record.
            if let record = profile.recordPath, let root = rootPlan, let rootRecord = root.source.profile.recordPath,
               record.hasPrefix(rootRecord + "/") {
                let depth = record.dropFirst(rootRecord.count + 1).split(separator: "/").count
                let up = String(repeating: "../", count: depth)
                var added: [Field] = []
                for parentId in [root.key, root.date].compactMap({ $0 }) {
                    guard let parent = root.fields.first(where: { $0.id == parentId }) else { continue }
                    var fieldId = parentId == root.key ? "submission" : parentId
                    while fieldIds.contains(fieldId) { fieldId = "submission_" + fieldId }
                    fieldIds.insert(fieldId)
                    added.append(Field(id: fieldId, column: parent.column, profile: nil, parentPath: up + parent.column,
                                       parentType: parent.profile?.type))
                    if parentId == root.date { plan.date = fieldId }
                }
                plan.fields = added + plan.fields
                plan.notes.append("One record per entry of the repeat \(record); the submission's fields are read from its parent (\(up)).")
            } else if profile.recordPath != nil, rootPlan == nil {
                rootPlan = plan
            }
            // A repeat whose entries hold only nested repeats has no field of its own.
            if plan.fields.isEmpty { continue }
            plans.append(plan)
        }
        for entry in forms { plans += formPlans(entry.form, path: entry.path, guess: entry.pathIsGuess, usedIds: &usedIds) }
        return plans
    }

    /// The sources of an XLSForm: the submission, and one per repeat, typed from the questions.
    private func formPlans(_ form: XLSForm, path: String, guess: Bool, usedIds: inout Set<String>) -> [Plan] {
        var plans: [Plan] = []
        let root = "/" + form.rootName
        var rootKey: Field?, rootDate: Field?
        for record in [root] + form.repeats {
            let isRoot = record == root
            let baseName = isRoot ? (form.formID ?? URL(fileURLWithPath: form.file).deletingPathExtension().lastPathComponent)
                : String(record.split(separator: "/").last ?? "repeat")
            var id = InitSkeleton.identifier(from: baseName)
            while usedIds.contains(id) { id += "_2" }
            usedIds.insert(id)
            var fieldIds: Set<String> = []
            var fields: [Field] = []
            func unique(_ base: String) -> String {
                var fieldId = InitSkeleton.identifier(from: base)
                while fieldIds.contains(fieldId) { fieldId += "_2" }
                fieldIds.insert(fieldId)
                return fieldId
            }
            if isRoot {
                var key = Field(id: unique("instance_id"), column: "meta/instanceID", profile: nil)
                key.declaredType = "text"
                fields.append(key)
                rootKey = key
            } else {
                let depth = record.dropFirst(root.count + 1).split(separator: "/").count
                let up = String(repeating: "../", count: depth)
                for parent in [rootKey, rootDate].compactMap({ $0 }) {
                    var field = Field(id: unique(parent.id == rootKey?.id ? "submission" : parent.id), column: parent.column,
                                      profile: nil, parentPath: up + parent.column)
                    field.declaredType = parent.declaredType
                    fields.append(field)
                }
            }
            let questions = form.questions.filter { $0.repeatPath == (isRoot ? nil : record) && $0.type != "audit" }
            for question in questions {
                var field = Field(id: unique(question.name), column: question.path, profile: nil)
                field.question = question
                field.choices = question.list.flatMap { form.choices[$0] }
                field.declaredType = InitSkeleton.formType(question.type)
                fields.append(field)
            }
            var plan = Plan(id: id, source: Source(profile: TableProfile(file: form.file, columns: []), path: path), fields: fields)
            plan.record = record
            if isRoot {
                plan.key = rootKey?.id
                let dates = fields.filter { $0.question?.type == "date" }
                let date = dates.first { $0.id.lowercased().contains("date") } ?? dates.first
                    ?? fields.first { ["today", "start"].contains($0.question?.type ?? "") }
                plan.date = date?.id
                rootDate = date
                plan.notes.append("From the XLSForm \(URL(fileURLWithPath: form.file).lastPathComponent)\(form.title.map { " (\($0))" } ?? ""): the submissions' types; values are not checked against data yet.")
                if guess { plan.notes.append("TODO: where the submissions are (one XML file each, as ODK Collect or KoboToolbox exports them).") }
            } else {
                plan.date = fields.first { $0.id == rootDate?.id && $0.parentPath != nil }?.id
                    ?? fields.first { $0.parentPath != nil && $0.column == rootDate?.column }?.id
                plan.notes.append("One record per entry of the repeat \(record); the submission's fields are read from its parent.")
            }
            plans.append(plan)
        }
        return plans
    }

    /// The field type for an XLSForm question type.
    static func formType(_ type: String) -> String {
        switch type {
        case "integer": return "integer"
        case "decimal", "range": return "number"
        case "date", "datetime", "today", "start", "end": return "date"
        case "select_multiple": return "choices"
        default: return "text"
        }
    }

    private func sourceName(_ source: Source) -> String {
        if let record = source.profile.recordPath, let last = record.split(separator: "/").last {
            if record.split(separator: "/").count > 1 && rootRecord != record { return String(last) }
            let file = URL(fileURLWithPath: source.profile.file).deletingPathExtension().lastPathComponent
            // ODK names submission files FORM_DATE_TIME: keep the form's name.
            let trimmed = file.replacingOccurrences(of: #"[_-]\d{4}-\d{2}-\d{2}.*$"#, with: "", options: .regularExpression)
            return trimmed.isEmpty ? String(last) : trimmed
        }
        return URL(fileURLWithPath: source.profile.file).deletingPathExtension().lastPathComponent
    }

    private var rootRecord: String? { sources.lazy.compactMap(\.profile.recordPath).first }

    // MARK: - Rendering

    func render() -> String {
        let plans = plan()
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }

        var files: [String] = []
        for plan in plans where !files.contains(plan.source.path) { files.append(plan.source.path) }
        files += forms.map { URL(fileURLWithPath: $0.form.file).lastPathComponent + " (XLSForm)" }
        line("# Definitions skeleton written by `logframe init` from \(files.joined(separator: ", ")).")
        line("# The field types, `in:` lists, key and date come from the data; check each, and fill in what is")
        line("# marked TODO. Then run: logframe validate THIS-FILE (docs/definitions.md describes every key).")
        if let relativeTo {
            line("# Paths are relative to \(relativeTo): save this file there, or correct the paths.")
        }
        line("logframe: 1")

        // Programme: the months the data covers.
        let ranges = plans.compactMap { plan -> ClosedRange<CivilDate>? in
            guard let date = plan.date, let field = plan.fields.first(where: { $0.id == date }) else { return nil }
            if let range = field.profile?.dateRange { return range }
            // A form's date question: its range in the submissions given with the form.
            guard field.question != nil else { return nil }
            return formData.lazy.compactMap { $0.columns.first { $0.name == field.column }?.dateRange }.first
        }
        let first = ranges.map(\.lowerBound).min(), last = ranges.map(\.upperBound).max()
        let programmeId = InitSkeleton.programmeId(plans.first?.id ?? "programme")
        line("programme:")
        line("  id: \(programmeId)  # TODO: the programme's reference")
        line("  title: \(yamlScalar("TODO: the programme's title"))  # or {en: ..., az: ...}")
        line("  # donor: EU  # EU, UNDP, UNICEF, USAID, ...: picks the default report style")
        if let first, let last {
            let start = CivilDate(year: first.year, month: first.month, day: 1)!
            let end = CivilDate(year: last.year, month: last.month, day: CivilDate.daysInMonth(year: last.year, month: last.month))!
            line("  start: \(start)  # TODO: the programme's start; the data's first date is \(first)")
            line("  end: \(end)  # TODO: the programme's end; the data's last date is \(last)")
        } else {
            let year = Today.date.year
            line("  start: \(year)-01-01  # TODO: no dated records in the data; the programme's start")
            line("  end: \(year)-12-31  # TODO: the programme's end")
        }
        line("  periods: quarterly  # or monthly, semesters, years")
        line()

        line("sources:")
        for plan in plans {
            let profile = plan.source.profile
            line("  \(plan.id):")
            let sampled = plan.fields.contains(where: { $0.question != nil || $0.declaredType != nil }) && profile.columns.isEmpty
                ? "the form's questions" : profile.truncated ? "the first \(profile.rowsSampled) \(profile.recordPath == nil ? "rows" : "records") (the file has more)"
                : "\(profile.rowsSampled) \(profile.recordPath == nil ? "row" : "record")\(profile.rowsSampled == 1 ? "" : "s")"
            line("    # typed from \(sampled)")
            if profile.rowsRejected > 0 {
                line("    # TODO: \(profile.rowsRejected) malformed row\(profile.rowsRejected == 1 ? " was" : "s were") left out (init's messages say where); validate rejects \(profile.rowsRejected == 1 ? "it" : "them") too")
            }
            for note in plan.notes { line("    # \(note)") }
            line("    path: \(yamlScalar(plan.source.path))")
            if let record = plan.record ?? profile.recordPath { line("    record: \(yamlScalar(record))") }
            if profile.recordPath == nil, profile.delimiter != UInt8(ascii: ",") {
                line("    delimiter: \(profile.delimiter == 0x09 ? "tab" : yamlScalar(String(UnicodeScalar(profile.delimiter))))")
            }
            if let key = plan.key { line("    key: \(key)  # every value differs: a repeated one will reject its row") }
            if let date = plan.date {
                line("    date: \(date)  # places each record in a period")
            } else {
                line("    date: none  # TODO: undated (a register, a roster): its records count in every period's cumulative figure")
            }
            line("    fields:")
            for field in plan.fields { line("      " + fieldLine(field, plan: plan, isXML: (plan.record ?? profile.recordPath) != nil)) }
        }
        line()

        // Dimensions: likely breakdowns, each once, by field name.
        var dimensions: [(id: String, text: String, fields: Set<String>)] = []
        for plan in plans {
            for field in plan.fields {
                let text: String?
                if let profile = field.profile {
                    text = profile.isPersonal ? nil : dimension(for: field, profile: profile)
                } else {
                    text = formDimension(for: field)
                }
                guard let text else { continue }
                if let i = dimensions.firstIndex(where: { $0.id == field.id }) {
                    dimensions[i].fields.insert(plan.id)
                } else {
                    dimensions.append((field.id, text, [plan.id]))
                }
            }
        }
        if dimensions.isEmpty {
            line("# dimensions:  # TODO: breakdowns, e.g. sex: {field: sex, labels: {F: Female, M: Male}}")
        } else {
            line("dimensions:  # likely breakdowns; see docs/definitions.md for labels and bands")
            for dimension in dimensions { line("  \(dimension.id): \(dimension.text)") }
        }
        line()

        // An example indicator per source (an unused source or dimension draws a warning).
        line("results:")
        line("  - id: OP1")
        line("    level: output")
        line("    title: \(yamlScalar("TODO: the output these indicators measure"))")
        line("    indicators:")
        for (number, chosen) in plans.enumerated() {
        let person = personField(chosen)
        let by = dimensions.filter { $0.fields.contains(chosen.id) }.map(\.id)
        line("      - id: OP1.\(number + 1)")
        if let person {
            line("        title: \(yamlScalar("TODO: People reached (\(chosen.id))"))")
            line("        source: \(chosen.id)")
            line("        value: distinct(\(person))  # each \(person) counts once; see docs/counting-rules.md")
        } else {
            line("        title: \(yamlScalar("TODO: Records of \(chosen.id)"))")
            line("        source: \(chosen.id)")
            line("        value: count()  # records; docs/expressions.md lists distinct(), sum(), percent(), ...")
        }
        if !by.isEmpty { line("        by: [\(by.joined(separator: ", "))]") }
        line("        # baseline: {value: 0, date: YYYY-MM-DD}  # TODO")
        line("        # target: {value: 100, date: YYYY-MM-DD}  # TODO: without a target there is no status")
        line("        means_of_verification: \(yamlScalar("TODO: where the figure comes from (\(URL(fileURLWithPath: chosen.source.path).lastPathComponent))"))")
        }
        return out
    }

    private func fieldLine(_ field: Field, plan: Plan, isXML: Bool) -> String {
        var parts: [String] = []
        var comments: [String] = []
        if let declared = field.declaredType { return formFieldLine(field, type: declared, plan: plan) }
        if let parentPath = field.parentPath {
            parts.append("path: \(yamlScalar(parentPath))")
            parts.append("type: \(field.parentType?.description ?? "text")")
            if case .date(let format) = field.parentType, format != .iso { parts.append("format: \(format)") }
            parts.append("required: true")
            comments.append("from the submission")
            return "\(field.id): {\(parts.joined(separator: ", "))}  # \(comments.joined(separator: "; "))"
        }
        if let declared = field.declaredType { return formFieldLine(field, type: declared, plan: plan) }
        guard let profile = field.profile else { return "\(field.id): text" }
        if isXML {
            if field.column != field.id { parts.append("path: \(yamlScalar(field.column))") }
        } else if let position = field.position {
            parts.append("position: \(position)")
            comments.append(field.column.isEmpty ? "no header: chosen by its position" : "the header \(yamlScalar(field.column)) repeats: chosen by its position")
        } else if field.column != field.id {
            parts.append("column: \(yamlScalar(field.column))")
        }
        let type = profile.type
        parts.append("type: \(type.description)")
        switch type {
        case .date(let format):
            if format != .iso { parts.append("format: \(format)") }
            if let range = profile.dateRange { comments.append("\(range.lowerBound) to \(range.upperBound)") }
            let others = profile.ambiguousDateFormats
            if !others.isEmpty {
                comments.append("TODO: every date also reads as \(others.map(\.description).joined(separator: " or ")); check the day/month order")
            }
        case .integer, .number:
            if let range = profile.numberRange { comments.append("\(range.lowerBound) to \(range.upperBound)") }
        case .boolean:
            comments.append("yes/no")
        case .empty:
            comments.append("TODO: empty in the sample, so typed text; give its real type")
        case .text:
            if let values = profile.categories() {
                parts.append("in: [\(values.map(yamlScalar).joined(separator: ", "))]")
                let misspelt = profile.likelyMisspellings(among: values)
                if misspelt.isEmpty {
                    comments.append("the values seen")
                } else {
                    let pairs = misspelt.map { "\(yamlScalar($0.rare)) (\(profile.count(of: $0.rare))x) looks like \(yamlScalar($0.frequent))" }
                    comments.append("TODO: the values seen; \(pairs.joined(separator: ", ")): correct the data, then drop it here")
                }
            } else if let count = profile.distinctCount {
                comments.append("\(count) distinct values")
            } else {
                comments.append("many distinct values")
            }
        }
        if field.id == plan.key || field.id == plan.date { parts.append("required: true") }
        if profile.isPersonal {
            // Declared, so the loader masks it without a personal-field-undeclared warning.
            parts.append("personal: true")
            comments.insert("personal data: never in an in: list or a breakdown; keep it out of reports", at: 0)
        } else if PersonalNames.looksPersonal(field.id) || PersonalNames.looksPersonal(field.column) && !field.column.hasPrefix("#") {
            parts.append("personal: false")
            comments.insert("TODO: named like personal data but its values look like categories; say personal: true if they are about a person", at: 0)
        }
        if let miss = profile.nearMiss {
            comments.append("TODO: mostly \(miss.type), but \(yamlScalar(miss.value)) (\(isXML ? "submission" : "line") \(miss.row)) is not: fix the data, then retype")
        }
        if profile.blanks > 0 && type != .empty {
            comments.append("\(profile.blanks) of \(profile.blanks + profile.filled) empty")
        }
        let body = parts == ["type: text"] ? "text" : parts.count == 1 ? String(parts[0].dropFirst(6)) : "{\(parts.joined(separator: ", "))}"
        return "\(field.id): \(body)" + (comments.isEmpty ? "" : "  # " + comments.joined(separator: "; "))
    }

    // MARK: - Breakdowns

    static let sexWords: Set<String> = ["sex", "gender", "cins", "cinsi", "cinsiyyət", "gender_of_respondent"]
    static let placeWords: Set<String> = ["district", "region", "rayon", "province", "governorate", "county", "city",
                                          "centre", "center", "woreda", "zone", "state", "oblast", "municipality", "bölgə", "şəhər", "admin1", "admin2"]
    static let ageWords: Set<String> = ["age", "yaş", "yas", "age_years"]
    static let disabilityWords: Set<String> = ["disability", "disabled", "əlillik", "has_disability"]

    private func dimension(for field: Field, profile: ColumnProfile) -> String? {
        let name = field.id.lowercased()
        let words = Set(name.split(separator: "_").map(String.init))
        if InitSkeleton.sexWords.contains(name), let values = profile.categories() {
            return "{field: \(field.id), title: {en: Sex, az: Cins}\(InitSkeleton.sexLabels(values))}"
        }
        if InitSkeleton.ageWords.contains(name), profile.type == .integer || profile.type == .number {
            return "{field: \(field.id), title: {en: Age group, az: Yaş qrupu}, bands: [18, 25, 60]}  # TODO: the donor's age bands"
        }
        if InitSkeleton.disabilityWords.contains(name), profile.type == .boolean {
            return "{field: \(field.id), title: {en: Disability, az: Əlillik}, labels: {true: {en: With disability, az: Əlilliyi olan}, false: {en: Without disability, az: Əlilliyi olmayan}}}"
        }
        if !InitSkeleton.placeWords.isDisjoint(with: words), profile.categories() != nil {
            let title = words.contains("district") || words.contains("rayon") ? ", title: {en: District, az: Rayon}"
                : words.contains("region") || words.contains("bölgə") ? ", title: {en: Region, az: Region}" : ""
            return "{field: \(field.id)\(title)}"
        }
        return nil
    }

    private func formFieldLine(_ field: Field, type: String, plan: Plan) -> String {
        var parts: [String] = []
        var comments: [String] = []
        let path = field.parentPath ?? field.column
        if path != field.id { parts.append("path: \(yamlScalar(path))") }
        parts.append("type: \(type)")
        if field.id == plan.key || field.id == plan.date || field.parentPath != nil { parts.append("required: true") }
        if let question = field.question {
            let personal = ColumnProfile.looksPersonal(question.name)
                || ["geopoint", "geotrace", "geoshape", "image", "audio", "video", "phonenumber", "deviceid", "email", "simserial", "subscriberid", "username"].contains(question.type)
            if let choices = field.choices, !question.orOther, !personal, !choices.isEmpty {
                parts.append("in: [\(choices.map { yamlScalar($0.name) }.joined(separator: ", "))]")
            }
            if personal || PersonalNames.looksPersonal(field.id) {
                parts.append("personal: true")
                comments.append("personal data: never in an in: list or a breakdown; keep it out of reports")
            }
            if let label = question.label { comments.append(label.replacingOccurrences(of: "\n", with: " ")) }
            if question.required { comments.append("required in the form (when relevant)") }
            if ["datetime", "start", "end"].contains(question.type) { comments.append("date and time: the time is ignored") }
        } else if field.parentPath != nil {
            comments.append("from the submission")
        } else if field.id == plan.key {
            comments.append("ODK's submission id: every submission has one")
        }
        return "\(field.id): {\(parts.joined(separator: ", "))}" + (comments.isEmpty ? "" : "  # " + comments.joined(separator: "; "))
    }

    /// A breakdown for a form question: sex and place selects (with the choices' labels), age.
    private func formDimension(for field: Field) -> String? {
        guard let question = field.question, !ColumnProfile.looksPersonal(question.name) else { return nil }
        let name = field.id.lowercased()
        let words = Set(name.split(separator: "_").map(String.init))
        if InitSkeleton.ageWords.contains(name), question.type == "integer" || question.type == "decimal" {
            return "{field: \(field.id), title: {en: Age group, az: Yaş qrupu}, bands: [18, 25, 60]}  # TODO: the donor's age bands"
        }
        guard question.type == "select_one", let choices = field.choices, !choices.isEmpty else { return nil }
        let title: String
        if InitSkeleton.sexWords.contains(name) {
            title = ", title: {en: Sex, az: Cins}"
        } else if !InitSkeleton.placeWords.isDisjoint(with: words) {
            title = words.contains("district") || words.contains("rayon") ? ", title: {en: District, az: Rayon}" : ""
        } else {
            return nil
        }
        let labels = choices.compactMap { choice -> String? in
            let known = choice.labels.filter { !$0.key.isEmpty }
            if !known.isEmpty {
                let text = known.keys.sorted().map { "\($0): \(yamlScalar(known[$0]!))" }.joined(separator: ", ")
                return "\(yamlScalar(choice.name)): {\(text)}"
            }
            return choice.labels[""].map { "\(yamlScalar(choice.name)): \(yamlScalar($0))" }
        }
        return "{field: \(field.id)\(title)\(labels.isEmpty ? "" : ", labels: {\(labels.joined(separator: ", "))}")}"
    }

    static func sexLabels(_ values: [String]) -> String {
        let known: [String: String] = [
            "F": "{en: Female, az: Qadın}", "M": "{en: Male, az: Kişi}",
            "female": "{en: Female, az: Qadın}", "male": "{en: Male, az: Kişi}",
            "Female": "{en: Female, az: Qadın}", "Male": "{en: Male, az: Kişi}",
            "qadın": "{en: Female, az: Qadın}", "kişi": "{en: Male, az: Kişi}",
            "Qadın": "{en: Female, az: Qadın}", "Kişi": "{en: Male, az: Kişi}",
        ]
        let labelled = values.compactMap { value in known[value].map { "\(yamlScalar(value)): \($0)" } }
        return labelled.isEmpty ? "" : ", labels: {\(labelled.joined(separator: ", "))}"
    }

    /// A column that identifies people, for `distinct(...)`: named like a person id, not the key,
    /// with repeated values.
    private func personField(_ plan: Plan) -> String? {
        let words = ["person", "participant", "beneficiary", "child", "respondent", "client", "member", "student", "patient", "case"]
        for word in words {
            if let field = plan.fields.first(where: { f in
                let id = f.id.lowercased()
                return id.hasPrefix(word) && id.hasSuffix("id") && f.id != plan.key && f.profile?.type != .empty
            }) { return field.id }
        }
        return nil
    }

    // MARK: - Names and paths

    static let keywords: Set<String> = ["and", "or", "not", "in", "where", "true", "false", "null", "if", "then", "else"]

    /// A field or source id from a column name: letters, digits and `_` (Unicode letters stay),
    /// other characters as `_`, a leading digit prefixed.
    static func identifier(from name: String) -> String {
        var result = ""
        for scalar in TextNormalization.nfc(name).unicodeScalars {
            let ok = scalar == "_" || (scalar.isASCII ? (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
                                                     : scalar.properties.isAlphabetic || scalar.properties.generalCategory == .decimalNumber)
            result.unicodeScalars.append(ok ? scalar : "_")
        }
        while result.contains("__") { result = result.replacingOccurrences(of: "__", with: "_") }
        result = result.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        if result.isEmpty { return "field" }
        if let first = result.unicodeScalars.first, ("0"..."9").contains(first) { result = "c_" + result }
        if keywords.contains(result.lowercased()) { result += "_" }
        return result
    }

    static func programmeId(_ sourceId: String) -> String {
        let upper = sourceId.uppercased().replacingOccurrences(of: "_", with: "-")
        return yamlScalar(upper)
    }

    /// `path` relative to the folder `base` (both made absolute first).
    static func relativePath(_ path: String, from base: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let origin = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var common = 0
        while common < min(target.count, origin.count), target[common] == origin[common] { common += 1 }
        let ups = Array(repeating: "..", count: origin.count - common)
        let rest = Array(target[common...])
        return (ups + rest).joined(separator: "/")
    }

    /// One submission: its path; several in one folder: a glob over their common name prefix.
    static func xmlPath(_ paths: [String], from base: String) -> String {
        guard paths.count > 1 else { return relativePath(paths[0], from: base) }
        let folders = Set(paths.map { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().path })
        guard folders.count == 1, let folder = folders.first else { return relativePath(paths[0], from: base) }
        let names = paths.map { URL(fileURLWithPath: $0).lastPathComponent }
        var prefix = names[0]
        for name in names.dropFirst() { while !name.hasPrefix(prefix) { prefix.removeLast() } }
        prefix = String(prefix.prefix { !"*?[]{}".contains($0) })
        return relativePath(folder, from: base) + "/" + prefix + "*.xml"
    }
}

/// A YAML scalar: plain when it cannot be mistaken for anything else, else double-quoted.
func yamlScalar(_ text: String) -> String {
    let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", ""]
    var plain = !reserved.contains(text.lowercased())
    if plain, let first = text.unicodeScalars.first {
        if !(first.properties.isAlphabetic || first == "_") { plain = false }
    }
    if plain, text.hasSuffix(" ") || text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { plain = false }
    if plain, text.contains(where: { ",[]{}#&*!|>'\"%@`\n\t\\".contains($0) }) { plain = false }
    if plain { return text }
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\t": quoted += "\\t"
        default:
            if scalar.value < 0x20 { quoted += String(format: "\\x%02X", scalar.value) } else { quoted.unicodeScalars.append(scalar) }
        }
    }
    return quoted + "\""
}
