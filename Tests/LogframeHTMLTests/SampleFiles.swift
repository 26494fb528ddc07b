import Foundation
import Testing
import LogframeCore
import LogframeReport

// Documents for the real-browser check (tools/browser-check.sh): a long IPTT-like table that must
// break across A4 pages with its two header rows repeated and no row split. Written to the folder
// in LOGFRAME_HTML_OUT when it is set; otherwise only rendered and sanity-checked.

/// 45 indicators under results-chain bands, 6 periods of target / actual / % met: several pages.
func longDocument(language: String = "az") -> ReportDocument {
    let periods = ["2023 Q1", "2023 Q2", "2023 Q3", "2023 Q4", "2024 Q1", "2024 Q2"]
    var top = [HeaderCell("No."), HeaderCell(language == "az" ? "Göstərici" : "Indicator"), HeaderCell(language == "az" ? "Səviyyə" : "Level"), HeaderCell(language == "az" ? "Baza" : "Baseline")]
    var leaves = [HeaderCell(""), HeaderCell(""), HeaderCell(""), HeaderCell("")]
    for p in periods {
        top.append(HeaderCell(p, span: 3))
        leaves += [HeaderCell(language == "az" ? "Hədəf" : "Target"), HeaderCell(language == "az" ? "Faktiki" : "Actual"), HeaderCell("%")]
    }
    top.append(HeaderCell("Status"))
    leaves.append(HeaderCell(""))
    let districts = ["Ağcabədi", "Şirvan", "Füzuli", "İsmayıllı", "Şəki", "Göyçay", "Qəbələ", "Tərtər", "Ağdam"]
    let statuses: [(String, StatusColour)] = language == "az"
        ? [("plan üzrə", .green), ("risk altında", .amber), ("plandan geri", .red), ("məlumat yoxdur", .grey), ("hədəfə çatılıb", .blue)]
        : [("on track", .green), ("at risk", .amber), ("off track", .red), ("no data", .grey), ("achieved", .blue)]
    var rows: [Row] = []
    let columns = 4 + periods.count * 3 + 1
    for outcome in 1...3 {
        rows.append(Row(.group(depth: 1), [.text("Oc \(outcome) Uşaqlar üçün ədalət mühakiməsinə çıxış yaxşılaşır (\(districts[outcome]))")] + Array(repeating: .spanned, count: columns - 1)))
        for output in 1...3 {
            rows.append(Row(.group(depth: 2), [.text("Op \(outcome).\(output) Mobil hüquq klinikaları \(districts[(outcome + output) % 9]) rayonunda fəaliyyət göstərir")] + Array(repeating: .spanned, count: columns - 1)))
            for k in 1...5 {
                let seed = outcome * 31 + output * 7 + k * 3
                var cells: [Cell] = [.text("\(outcome).\(output).\(k)"),
                                     .text("Hüquqi yardım alan şəxslərin sayı, cins və yaş üzrə: \(districts[seed % 9]) və \(districts[(seed + 4) % 9])" + (k == 2 ? " (uzun ad: sınaq üçün əlavə mətn, sətirlərin bölünməsini yoxlamaq məqsədilə yazılıb)" : "")),
                                     .text(k == 1 ? "Nəticə" : "Məhsul"),
                                     .number(ExactDecimal(seed * 3), decimals: 0)]
                for p in 0..<periods.count {
                    let target = ExactDecimal(100 + seed * (p + 1))
                    if (seed + p) % 7 == 0 {
                        cells += [.number(target, decimals: 0), .notAvailable, .notAvailable]
                    } else {
                        let actual = ExactDecimal(90 + seed * (p + 1) - (seed % 5) * 11)
                        let pct = (actual * ExactDecimal(100) / target)!.rounded(decimals: 1)
                        cells += [.number(target, decimals: 0), .number(actual, decimals: 0), .percent(pct, decimals: 1)]
                    }
                }
                let status = statuses[seed % statuses.count]
                cells.append(.status(word: status.0, colour: status.1))
                rows.append(Row(.data, cells))
            }
        }
    }
    let table = Table(name: "iptt", caption: "Göstəricilərin icra izləmə cədvəli (IPTT)", header: [top, leaves], rows: rows,
                      footnotes: ["n/a: bu dövr üçün məlumat yoxdur (heç vaxt 0 sayılmır).", "Plan üzrə: hədəfin 15 %-i daxilində."])
    return ReportDocument(style: "iptt", language: language, title: "Uşaqlar üçün ədalət: göstəricilərin izlənməsi",
                          subtitle: ["Proqram AJC-2024", "Donor: Avropa İttifaqı", "01.01.2023 – 30.06.2024"],
                          sections: [Section(heading: "IPTT", level: 0, blocks: [.table(table)])],
                          notes: [.paragraph("Oxunan sətirlər 1 412 = istifadə olunan 1 385 + rədd edilən 27.")])
}

@Suite struct SampleFiles {
    @Test func longDocumentRenders() throws {
        let html = HTMLRenderer.render(longDocument())
        #expect(html.contains("<html lang=\"az\">"))
        #expect(html.components(separatedBy: "<tr class=\"data\">").count == 46)
        #expect(html.components(separatedBy: "<thead>").count == 2)
    }

    /// `LOGFRAME_HTML_OUT=/tmp/html swift test --filter SampleFiles` writes the browser-check inputs.
    @Test func writeSampleFiles() throws {
        guard let folder = ProcessInfo.processInfo.environment["LOGFRAME_HTML_OUT"] else { return }
        let url = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try HTMLRenderer.render(sampleDocument()).write(to: url.appendingPathComponent("sample-en.html"), atomically: true, encoding: .utf8)
        try HTMLRenderer.render(sampleDocument(language: "az")).write(to: url.appendingPathComponent("sample-az.html"), atomically: true, encoding: .utf8)
        try HTMLRenderer.render(longDocument()).write(to: url.appendingPathComponent("long-az.html"), atomically: true, encoding: .utf8)
    }
}
