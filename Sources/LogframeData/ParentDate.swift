import LogframeCore
import LogframeDefinitions

extension SourceReader {
    /// A row dated by its parent (`date: households.survey_date`, a repeat group dated by its
    /// submission): once joined, the parent's date must be there and inside the programme, as an
    /// own date field must. False, with the diagnostic at the row's line, when not.
    func checkJoinedDate(_ value: Value, line: Int, display: String, log: inout DiagnosticLog) -> Bool {
        let programme = definitions.programme
        let name = source.dateField ?? ""
        let parentId = source.parent?.source ?? ""
        let location = SourceLocation(file: display, line: line, column: 1)
        switch value {
        case .date(let date):
            guard date < programme.start || date > programme.end else { return true }
            log.append(.error("date-outside-programme", at: location,
                              "Line \(line) is dated by its \(parentId) record, whose \(name) \(date) is outside the programme (\(programme.start) to \(programme.end))",
                              hint: "Correct the date in the \(parentId) file; the rows joined to it take its date."))
            return false
        case .null:
            log.append(.error("date-missing", at: location,
                              "Line \(line) takes its date from \(name), which is empty in its \(parentId) record: every record of source \(source.id) needs a date to be placed in a period",
                              hint: "Fill in the date in the \(parentId) file, or mark that field required: true to catch this there."))
            return false
        default:
            return true
        }
    }
}
