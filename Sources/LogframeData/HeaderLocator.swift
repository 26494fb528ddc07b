import Foundation
import LogframeCore
import LogframeDefinitions

/// Finds the column of each declared field in a CSV file's header: by its label (exact, then
/// ignoring letter case), by its HXL hashtag in the hashtag row under the header
/// (`column: "#targeted+total"`), or by its position (`position: 21`). Decided once per file,
/// before the first row.
struct HeaderLocator {
    let source: SourceDefinition
    let display: String
    /// Header labels, NFC, trimmed.
    let header: [String]
    let headerLine: Int
    /// Cells of the HXL row, when the file has one.
    let hashtags: [String]?
    let hashtagLine: Int?

    /// For each field, the index of its column; nil (with one error per field that cannot be
    /// placed) when any is missing or ambiguous.
    func columns(log: inout DiagnosticLog) -> [Int]? {
        // A file whose header is itself the hashtag row (`header_row` on it, or HXL only).
        if hashtags == nil, header.contains(where: { !$0.isEmpty }), header.allSatisfy({ $0.isEmpty || $0.hasPrefix("#") }) {
            return HeaderLocator(source: source, display: display, header: header, headerLine: headerLine,
                                 hashtags: header, hashtagLine: headerLine).columns(log: &log)
        }
        var columns: [Int] = []
        var failed = false
        let tags = hashtags.map { $0.map(HXLTag.init) }
        // Linear in the header, however wide (a hostile file may have 100k columns): each label
        // folded once and looked up by key.
        let folded = header.map { $0.folding(options: [.caseInsensitive], locale: nil) }
        var byFolded: [String: [Int]] = [:]
        for (index, key) in folded.enumerated() { byFolded[key, default: []].append(index) }
        for field in source.fields {
            let index: Int?
            switch field.selector {
            case .name:
                index = byName(field, byFolded: byFolded, folded: folded, log: &log)
            case .hashtag(let tag):
                index = byHashtag(field, tag, tags, log: &log)
            case .position(let position):
                index = byPosition(field, position, log: &log)
            }
            if let index { columns.append(index) } else { failed = true }
        }
        return failed ? nil : columns
    }

    /// Column number (1-based, Unicode scalars) of where cell `index` of the header starts.
    private func textColumn(_ index: Int, in cells: [String]) -> Int {
        cells[..<index].reduce(1) { $0 + $1.unicodeScalars.count + 1 }
    }

    private func label(_ index: Int) -> String {
        header[index].isEmpty ? "column \(index + 1)" : "column \(index + 1) (\"\(header[index])\")"
    }

    private func byName(_ field: FieldDefinition, byFolded: [String: [Int]], folded: [String], log: inout DiagnosticLog) -> Int? {
        let wanted = TextNormalization.nfc(field.column).trimmingSpaces()
        let sameName = byFolded[wanted.folding(options: [.caseInsensitive], locale: nil)] ?? []
        if let index = sameName.first(where: { header[$0] == wanted }) ?? sameName.first {
            // The same declared name twice: which column holds the data is anyone's guess.
            let repeats = (byFolded[folded[index]] ?? []).filter { $0 > index }
            guard repeats.isEmpty else {
                for again in repeats {
                    log.append(.error("duplicate-column", at: SourceLocation(file: display, line: headerLine, column: textColumn(again, in: header)),
                                      "Column \"\(header[again])\" appears more than once in the header of \(display) (column \(index + 1) and column \(again + 1)), so field \(field.id) of source \(source.id) is ambiguous; no rows of this file were read",
                                      hint: hashtags == nil ? "Rename or remove the repeated column, or choose it by number with `position: \(again + 1)`."
                                                            : "Rename or remove the repeated column, choose it by its HXL hashtag (`column: \"#...\"`), or by number with `position: \(again + 1)`."))
                }
                return nil
            }
            return index
        }
        let hint = Suggestions.closest(to: wanted, among: header.filter { !$0.isEmpty }).map { "Did you mean \"\($0)\"? The header has: \(Suggestions.list(header))" }
            ?? "The header has: \(Suggestions.list(header))"
        log.append(.error("missing-column", at: SourceLocation(file: display, line: headerLine, column: 1),
                          "Column \"\(field.column)\" (field \(field.id) of source \(source.id)) is missing from the header of \(display); no rows of this file were read",
                          hint: hint))
        return nil
    }

    private func byPosition(_ field: FieldDefinition, _ position: Int, log: inout DiagnosticLog) -> Int? {
        guard position <= header.count else {
            log.append(.error("missing-column", at: SourceLocation(file: display, line: headerLine, column: 1),
                              "Field \(field.id) of source \(source.id) is column \(position) (`position: \(position)`), but the header of \(display) has only \(header.count) \(header.count == 1 ? "column" : "columns"); no rows of this file were read",
                              hint: "Count the columns from 1 at the left; the header has: \(Suggestions.list(header))"))
            return nil
        }
        return position - 1
    }

    private func byHashtag(_ field: FieldDefinition, _ tag: HXLTag, _ tags: [HXLTag?]?, log: inout DiagnosticLog) -> Int? {
        guard let tags, let hashtags, let hashtagLine else {
            log.append(.error("missing-column", at: SourceLocation(file: display, line: headerLine, column: 1),
                              "Field \(field.id) of source \(source.id) is chosen by the HXL hashtag \(tag), but \(display) has no HXL hashtag row under its header (line \(headerLine)); no rows of this file were read",
                              hint: "An HXL row is the row right under the column names, each cell a hashtag such as #adm1+name. If the header is lower in the file, set `header_row`; otherwise choose the column by its label."))
            return nil
        }
        let exact = tags.indices.filter { tags[$0].map { $0 == tag } ?? false }
        let matching = exact.isEmpty ? tags.indices.filter { tags[$0].map { tag.matches($0) } ?? false } : exact
        if matching.count == 1 { return matching[0] }
        if matching.isEmpty {
            let written = hashtags.filter { !$0.isEmpty }
            // The same tag with other attributes, then a cell that is not valid HXL (`#sector?`),
            // then the closest spelling.
            let sameName = tags.compactMap { $0 }.first { $0.name == tag.name }?.description
            let invalid = hashtags.indices.first { tags[$0] == nil && hashtags[$0].lowercased().hasPrefix("#" + tag.name) }
            let hint: String
            if let invalid {
                hint = "Column \(invalid + 1) is tagged \"\(hashtags[invalid])\", which is not a valid HXL hashtag; choose that column by its label"
                    + (header[invalid].isEmpty ? "" : " (column: \"\(header[invalid])\")") + " or by `position: \(invalid + 1)`."
            } else if let suggestion = sameName ?? Suggestions.closest(to: tag.description, among: tags.compactMap { $0?.description }) {
                hint = "Did you mean \"\(suggestion)\"? The HXL row has: \(Suggestions.list(written))"
            } else {
                hint = "The HXL row has: \(Suggestions.list(written))"
            }
            log.append(.error("missing-column", at: SourceLocation(file: display, line: hashtagLine, column: 1),
                              "No column of \(display) has the HXL hashtag \(tag) (field \(field.id) of source \(source.id)); no rows of this file were read",
                              hint: hint))
            return nil
        }
        let listed = matching.map { "\(label($0)) tagged \(hashtags[$0])" }.joined(separator: ", ")
        log.append(.error("duplicate-column", at: SourceLocation(file: display, line: hashtagLine, column: textColumn(matching[1], in: hashtags)),
                          "The HXL hashtag \(tag) of field \(field.id) (source \(source.id)) fits \(matching.count) columns of \(display): \(listed); no rows of this file were read",
                          hint: exact.isEmpty ? "Add attributes to the hashtag so that it fits one column, or choose the column by number with `position: N`."
                                              : "The hashtag is repeated in the file: choose the column by number instead, e.g. `position: \(matching[0] + 1)`."))
        return nil
    }
}
