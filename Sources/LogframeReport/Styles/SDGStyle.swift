import LogframeCore
import LogframeDefinitions
import LogframeEngine

/// Contributions to the SDGs: the programme's indicators grouped by SDG target (`16.7`) and SDG
/// indicator code (`16.7.1`) from each indicator's `sdg:` list, with current value and progress;
/// then one section per SDG target with a progress chart of its contributing indicators.
enum SDGStyle {
    static func build(_ model: ReportModel) -> ReportDocument {
        let kit = StyleKit(model)
        var byCode: [String: [(IndicatorDefinition, IndicatorFigures, IndicatorVerdict)]] = [:]
        for (indicator, figures, verdict) in kit.indicators { for code in indicator.sdg { byCode[code, default: []].append((indicator, figures, verdict)) } }
        let codes = byCode.keys.sorted(by: codeOrder)
        var targets: [String] = []
        for code in codes where !targets.contains(target(of: code)) { targets.append(target(of: code)) }

        let header = [[
            HeaderCell(kit.t(.sdgIndicator)), HeaderCell(kit.t(.programmeIndicator)), HeaderCell(kit.t(.resultLabel)),
            HeaderCell(kit.t(.currentValue)), HeaderCell(kit.t(.target)), HeaderCell(kit.t(.progress)), HeaderCell(kit.t(.status)),
        ]]
        var rows: [Row] = []
        var sections: [Section] = []
        for t in targets {
            rows.append(Row(.group(depth: 0), [.text(kit.t(.sdgTarget, t))] + Array(repeating: .spanned, count: 6)))
            var bars: [(label: String, value: ExactDecimal?)] = []
            var lines: [String] = []
            for code in codes where target(of: code) == t {
                for (indicator, figures, verdict) in byCode[code] ?? [] {
                    let result = kit.resultDefinition(indicator.result)
                    rows.append(Row(.data, [
                        .text(code), .text("\(indicator.id) \(indicator.title.text(kit.language))"),
                        .text(result.map { "\(Localization.level($0.level, kit.language)) \($0.id)" } ?? indicator.result),
                        kit.figureCell(figures.current, indicator, figures), kit.valueCell(indicator.target?.value, indicator, figures),
                        kit.shareCell(verdict.progress), kit.statusCell(verdict.status, style: "sdg"),
                    ]))
                    bars.append((label: "\(code) · \(indicator.id)", value: verdict.progress))
                    lines.append("\(code) · \(indicator.id) \(indicator.title.text(kit.language)): \(kit.figureText(figures.current, indicator, figures)) / \(kit.valueText(indicator.target?.value, indicator, figures))")
                }
            }
            var blocks: [Block] = lines.map { .paragraph($0) }
            if bars.contains(where: { $0.value != nil }) {
                blocks.append(.chart(Chart(kind: .bars, title: kit.t(.progressTitle, kit.t(.sdgTarget, t)), points: bars, unitIsPercent: true, decimals: 1)))
            }
            sections.append(Section(heading: kit.t(.sdgTarget, t), level: 1, blocks: blocks))
        }
        var footnotes = [kit.t(.sdgNote)]
        let unlinked = kit.indicators.filter { $0.0.sdg.isEmpty }.map(\.0.id)
        if !unlinked.isEmpty { footnotes.append(kit.t(.notLinkedSDG, unlinked.joined(separator: ", "))) }
        if let reference = kit.annexReference() { footnotes.append(reference) }
        var main: [Block] = [.table(Table(name: "sdg", header: header, rows: rows, footnotes: footnotes))]
        if targets.isEmpty { main.insert(.paragraph(kit.t(.noSDG)), at: 0) }
        if let annex = kit.breakdownSection(withPeriods: false) { sections.append(annex) }
        return kit.document(style: "sdg", styleTitle: .styleSDG, sections: [Section(heading: kit.t(.sdgContributions), blocks: main)] + sections)
    }

    /// `16.7.1` -> `16.7`; a code of one or two parts is its own target.
    static func target(of code: String) -> String {
        let parts = code.split(separator: ".")
        return parts.count > 2 ? parts.prefix(2).joined(separator: ".") : code
    }

    /// Numeric order of dotted codes: 3.4.2 before 16.2.1; non-numeric parts compare as text.
    static func codeOrder(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: "."), y = b.split(separator: ".")
        for (p, q) in zip(x, y) where p != q {
            if let i = Int(p), let j = Int(q) { return i < j }
            return p < q
        }
        return x.count < y.count
    }
}
