import Foundation
import Testing
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport

/// What a donor reads (issue 11 item 7): no source id, dimension id, raw expression or `$ID` in
/// any style of the samples outside the audit appendix; the audit appendix last and compact;
/// long breakdowns folded into the annex with a reference from the main table.
@Suite("Donor reports: words, not identifiers")
struct DonorTextTests {
    /// Every text of a document outside its audit appendix: headings, paragraphs, definition
    /// lists, table captions, headers, cells and footnotes, chart titles and labels.
    ///
    static func texts(_ document: ReportDocument) -> [String] {
        var out = [document.title] + document.subtitle
        func add(_ blocks: [Block]) {
            for block in blocks {
                switch block {
                case .paragraph(let text): out.append(text)
                case .definitionList(let items):
                    for item in items { out += [item.term, item.description] }
                case .table(let table):
                    out += [table.caption ?? ""] + table.header.flatMap { $0.map(\.text) } + table.footnotes
                    for row in table.rows {
                        for cell in row.cells {
                            switch cell {
                            case .text(let text): out.append(text)
                            case .annotatedNumber(_, _, _, _, let text): out.append(text)
                            case .status(let word, _): out.append(word)
                            case .progress(_, let text): out.append(text)
                            default: break
                            }
                        }
                    }
                case .chart(let chart): out += [chart.title] + chart.points.map(\.label)
                }
            }
        }
        for section in document.sections { out.append(section.heading); add(section.blocks) }
        add(document.notes)
        return out
    }

    /// What the user wrote for readers (titles, labels, means of verification, ...) and the data
    /// file names: these may contain any word, so they are cut out of a text before it is scanned.
    static func userTexts(_ model: ReportModel) -> [String] {
        let d = model.definitions
        var out: [String] = [d.programme.title.text("en"), d.programme.id] + d.results.map { $0.title.text("en") }
        for i in d.indicators {
            out += [i.title.text("en"), i.unit?.text("en"), i.meansOfVerification?.text("en"), i.assumptions?.text("en"),
                    i.definition?.text("en")].compactMap { $0 }
        }
        for dimension in d.dimensions { out += dimension.labels.map { $0.label.text("en") } + [dimension.title?.text("en")].compactMap { $0 } }
        for report in model.indicators {
            for b in report.figures.breakdowns { for c in b.cells { out += c.label.map { $0.label.text("en") } + c.key.compactMap(\.category) } }
        }
        for s in model.sources {
            for f in s.files {
                let parts = f.path.split(separator: "/").map(String.init)
                out.append(parts.last ?? f.path)
                if parts.count > 1 { out.append(parts[parts.count - 2] + "/") }
            }
        }
        return out.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// `id` as a whole identifier in `text` (not inside a longer identifier).
    static func containsIdentifier(_ text: String, _ id: String) -> Bool {
        var search = text.startIndex..<text.endIndex
        while let r = text.range(of: id, range: search) {
            let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
            let after = r.upperBound == text.endIndex ? nil : text[r.upperBound]
            let identifier: (Character?) -> Bool = { c in c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
            if !identifier(before) && !identifier(after) { return true }
            search = r.upperBound..<text.endIndex
        }
        return false
    }

    @Test("No source id, dimension id, raw expression or $ in any style outside the audit", arguments: OneVerdictTests.samples)
    func noIdentifiers(_ sample: String) throws {
        let model = try #require(try OneVerdictTests.models(sample).last)
        let user = Self.userTexts(model)
        let d = model.definitions
        // Dimension ids that are not words of their own (`case_type`, `event_type`): a donor sees the title.
        let dimensionIds = d.dimensions.map(\.id).filter { $0.contains("_") || $0.contains(where: \.isUppercase) }
        for style in ReportStyles.all {
            let document = ReportStyles.build(style: style, model: model)
            for raw in Self.texts(document) {
                var text = raw
                for u in user { text = text.replacingOccurrences(of: u, with: " ") }
                // A source id that is also the name of one of its fields (ecy's `assistance`, the kind
                // of assistance) may stand in the computation in words as that field's name.
                let fieldNames = Set(d.sources.flatMap { $0.fields.map(\.id) })
                for source in d.sources where Self.containsIdentifier(text, source.id)
                    && !(style == "pirs" && fieldNames.contains(source.id)) {
                    Issue.record("\(sample) \(style): source id \"\(source.id)\" in \"\(raw)\"")
                }
                for id in dimensionIds where Self.containsIdentifier(text, id) {
                    Issue.record("\(sample) \(style): dimension id \"\(id)\" in \"\(raw)\"")
                }
                #expect(!raw.contains("$"), "\(sample) \(style): \"$\" in \"\(raw)\"")
                for indicator in d.indicators {
                    guard let expression = indicator.expressionText, expression.contains("(") else { continue }
                    #expect(!raw.contains(expression), "\(sample) \(style): the expression of \(indicator.id) as written in \"\(raw)\"")
                }
            }
        }
    }

    @Test("The audit appendix: last, each file once with its full SHA-256, ids only there", arguments: OneVerdictTests.samples)
    func auditAppendix(_ sample: String) throws {
        let model = try #require(try OneVerdictTests.models(sample).last)
        for style in ReportStyles.all {
            var document = ReportStyles.build(style: style, model: model)
            let audit = try #require(document.audit, "\(sample) \(style): no audit appendix")
            let hashes = Set(model.sources.flatMap { $0.files.map(\.sha256) })
            let text = Self.texts(ReportDocument(style: style, language: "en", title: "", subtitle: [], sections: [audit], notes: [])).joined(separator: "\n")
            for hash in hashes { #expect(text.contains(hash), "\(sample) \(style): \(hash) not in the audit appendix") }
            // Compact: one row per distinct file, not one per source and file.
            let fileRows = audit.blocks.compactMap { block -> Int? in if case .table(let t) = block, t.name == "files" { return t.rows.count } else { return nil } }
            #expect(fileRows == [hashes.count], "\(sample) \(style): \(fileRows) file rows for \(hashes.count) files")
            // Nothing else carries a hash.
            for raw in Self.texts(document) { for hash in hashes { #expect(!raw.contains(hash.prefix(12)), "\(sample) \(style): a hash outside the audit: \(raw)") } }
            // Rendered, it comes last; without it no hash is left.
            let md = MarkdownRenderer.render(document), html = HTMLRenderer.render(document)
            let mdAudit = try #require(md.range(of: "## " + audit.heading))
            #expect(md.range(of: "## ", range: mdAudit.upperBound..<md.endIndex) == nil, "\(sample) \(style): a section after the audit in Markdown")
            #expect(html.range(of: "<section", range: try #require(html.range(of: audit.heading)).upperBound..<html.endIndex) == nil)
            document.audit = nil
            for rendered in [MarkdownRenderer.render(document), HTMLRenderer.render(document), CSVRenderer.render(document)] {
                for hash in hashes { #expect(!rendered.contains(hash.prefix(12)), "\(sample) \(style): hash left without the audit") }
            }
        }
    }

    @Test("Long breakdowns fold into the annex with a reference; short ones under the indicator (IPTT) and in the PIRS")
    func folding() throws {
        // article54 declares a region breakdown of 23 cells (folded); the other breakdowns are short.
        var folded = 0
        for sample in OneVerdictTests.samples {
            let model = try #require(try OneVerdictTests.models(sample).last)
            let iptt = ReportStyles.build(style: "iptt", model: model), pirs = ReportStyles.build(style: "pirs", model: model)
            let ipttMain = try #require(iptt.sections.first?.blocks.compactMap { b -> Table? in if case .table(let t) = b { return t } else { return nil } }.first)
            let ipttTexts = ipttMain.rows.compactMap { row -> String? in if row.cells.count > 1, case .text(let t) = row.cells[1] { return t } else { return nil } }
            let pirsText = Self.texts(pirs).joined(separator: "\n")
            for report in model.indicators {
                // The rows under the indicator, in order: each cell's row is the next one with its label.
                var rows = ipttMain.rows[...]
                if let own = rows.firstIndex(where: { r in r.cells.count > 1 && { if case .text(let t) = r.cells[1] { return t.hasPrefix(report.id + " ") } else { return false } }() }) {
                    rows = rows[(own + 1)...]
                }
                for breakdown in report.figures.breakdowns {
                    if breakdown.cells.count > 12 {
                        folded += 1
                        #expect(ipttTexts.contains { $0.hasPrefix("\(report.id) · by ") && $0.contains("\(breakdown.cells.count) cells, in Annex: disaggregation") },
                                "\(sample) IPTT: no reference for the folded breakdown \(breakdown.dimensions) of \(report.id)")
                        #expect(pirsText.contains("\(breakdown.cells.count) cells, in Annex: disaggregation"), "\(sample) PIRS: no reference for \(report.id) \(breakdown.dimensions)")
                        let listed = ipttTexts.filter { $0.hasPrefix("\(report.id) · ") && !$0.contains(" · by ") }.count
                        let short = report.figures.breakdowns.filter { $0.cells.count <= 12 }.reduce(0) { $0 + $1.cells.count + (($1.overlap ?? .zero).isZero ? 0 : 1) }
                        #expect(listed == short, "\(sample) IPTT: \(listed) rows under \(report.id), its short breakdowns have \(short)")
                        continue
                    }
                    for cell in breakdown.cells {
                        let label = cell.label.map { $0.label.text("en") }.joined(separator: " × ")
                        guard let i = rows.firstIndex(where: { r in
                            r.cells.count > 9 && { if case .text(let t) = r.cells[1] { return t.hasPrefix("\(report.id) · ") && t.hasSuffix(": " + label) } else { return false } }()
                        }) else {
                            Issue.record("\(sample) IPTT: no row for \(report.id) \(label) under its indicator")
                            continue
                        }
                        var matches = false
                        if let got = BreakdownCoverageTests.value(rows[i].cells[9]) { matches = got == cell.value.value }
                        #expect(matches, "\(sample) IPTT: \(report.id) \(label) under its indicator, the figure is \(String(describing: cell.value.value))")
                        rows = rows[(i + 1)...]
                    }
                    // The PIRS lists each cell with its figure: `Female = 588`.
                    let percent = report.figures.countingUnit == "percent" || report.definition.unit?.text("en") == "%"
                    for cell in breakdown.cells {
                        let label = cell.label.map { $0.label.text("en") }.joined(separator: " × ")
                        let figure = DisplayFormat(language: "en").number(cell.value.value, decimals: report.definition.decimals, percent: percent)
                        #expect(pirsText.contains("\(label) = \(figure)"), "\(sample) PIRS: \(report.id) \(breakdown.dimensions) lacks \(label) = \(figure)")
                    }
                }
            }
        }
        #expect(folded > 0, "no sample has a breakdown of more than 12 cells: the folding is untested")
    }
}
