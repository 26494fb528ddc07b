import Foundation
import LogframeCore
import Testing
@testable import LogframeData

/// Type inference for `logframe init` (ColumnProfile): every conclusion is one the reader agrees
/// with, so a skeleton typed from a sample reads that sample without a type error.
struct ColumnProfileTests {
    func profile(_ values: [String], name: String = "column") -> ColumnProfile {
        var column = ColumnProfile(name: name)
        for (i, value) in values.enumerated() { column.add(value, row: i + 2) }
        return column
    }

    func format(_ column: ColumnProfile) -> String? {
        if case .date(let format) = column.type { return format.description }
        return nil
    }

    @Test func isoDatesWithAndWithoutATimeOfDay() {
        let column = profile(["2021-01-12", "2021-03-31T10:54:11.169+04:00", "2020-12-28"])
        #expect(format(column) == "yyyy-MM-dd")
        #expect(column.dateRange == CivilDate(year: 2020, month: 12, day: 28)!...CivilDate(year: 2021, month: 3, day: 31)!)
        #expect(column.ambiguousDateFormats.isEmpty)
    }

    @Test func dottedDatesAreDayFirst() {
        let column = profile(["28.12.2020", "1.3.2021", "11.01.2021"])
        #expect(format(column) == "dd.MM.yyyy")
        #expect(column.dateRange?.upperBound == CivilDate(year: 2021, month: 3, day: 1))
    }

    @Test func slashDatesDayFirstWhenADayIsAboveTwelve() {
        let column = profile(["03/04/2021", "25/04/2021"])
        #expect(format(column) == "dd/MM/yyyy")
        #expect(column.ambiguousDateFormats.isEmpty)
    }

    @Test func slashDatesMonthFirstWhenTheSecondPartIsAboveTwelve() {
        let column = profile(["03/04/2021", "04/25/2021", ""])
        #expect(format(column) == "MM/dd/yyyy")
        #expect(column.dateRange == CivilDate(year: 2021, month: 3, day: 4)!...CivilDate(year: 2021, month: 4, day: 25)!)
        #expect(column.ambiguousDateFormats.isEmpty)
    }

    @Test func slashDatesThatFitBothOrdersAreDayFirstAndFlagged() {
        let column = profile(["03/04/2021", "12/01/2021", "01/12/2021"])
        #expect(format(column) == "dd/MM/yyyy")
        #expect(column.ambiguousDateFormats.map { $0.description } == ["MM/dd/yyyy"])
    }

    @Test func aDateThatDoesNotExistSpoilsTheDateType() {
        var values = (1...12).map { String(format: "%02d.03.2021", $0) }
        values.append("31.02.2021")
        let column = profile(values)
        #expect(column.type == .text)
        #expect(column.nearMiss?.type == "dates")
        #expect(column.nearMiss?.value == "31.02.2021")
        #expect(column.nearMiss?.row == 14)
    }

    @Test func integersNumbersAndCodes() {
        #expect(profile(["1", "-3", "+7", "120"]).type == .integer)
        #expect(profile(["1", "-3", "+7", "120"]).numberRange == ExactDecimal(-3)...ExactDecimal(120))
        #expect(profile(["1", "2.5", "38500"]).type == .number)
        #expect(profile(["12.0", "3"]).type == .number)
        // A leading zero would be lost as a number: an id or a phone number, kept as text.
        #expect(profile(["007", "12"]).type == .text)
        #expect(profile(["0", "12"]).type == .integer)
        // Decimal commas are not numbers for the reader (without a number format).
        #expect(profile(["1,5", "2"]).type == .text)
    }

    @Test func booleansInEveryLanguageTheReaderKnows() {
        #expect(profile(["bəli", "xeyr", "Bəli", "XEYR"]).type == .boolean)
        #expect(profile(["yes", "no", "", "Yes"]).type == .boolean)
        #expect(profile(["true", "false"]).type == .boolean)
        // Exactly 0 and 1: a yes/no answer; 0, 1 and 2: a count.
        #expect(profile(["0", "1", "1"]).type == .boolean)
        #expect(profile(["0", "1", "2"]).type == .integer)
        // Only ones: a count as likely as a flag; the reader would take both.
        #expect(profile(["1", "1"]).type == .integer)
        #expect(profile(["bəli", "maybe"]).type == .text)
    }

    @Test func blanksAreNotValues() {
        let empty = profile(["", "  ", "\t"])
        #expect(empty.type == .empty)
        #expect(empty.blanks == 3 && empty.filled == 0)
        let column = profile(["", "4", " 5 ", ""])
        #expect(column.type == .integer)
        #expect(column.blanks == 2 && column.filled == 2)
        #expect(!column.isUnique)  // a key cannot be empty
    }

    @Test func lowCardinalityTextIsACategoryMostFrequentFirst() {
        let column = profile(Array(repeating: "F", count: 6) + Array(repeating: "M", count: 4) + ["", "Q"] + ["Q"])
        #expect(column.categories() == ["F", "M", "Q"])
        // Too many different values, or values that hardly repeat: free text.
        #expect(profile((1...30).map { "v\($0)" } + (1...30).map { "v\($0)" }).categories() == nil)
        #expect(profile(["a", "b", "c"]).categories() == nil)
        // Numbers and dates are not categories.
        #expect(profile(["1", "1", "2", "2"]).categories() == nil)
    }

    @Test func azerbaijaniTextIsNFC() {
        let composed = "Ağcabədi"
        let decomposed = composed.decomposedStringWithCanonicalMapping
        #expect(Array(decomposed.unicodeScalars) != Array(composed.unicodeScalars))
        let column = profile([composed, decomposed, "Tərtər", "Tərtər", "Füzuli", "Füzuli"])
        let categories = column.categories() ?? []
        #expect(categories.count == 3)
        #expect(categories.first.map { Array($0.unicodeScalars) } == Array(composed.unicodeScalars))
        #expect(column.count(of: composed) == 2)
    }

    @Test func aRareNearDuplicateIsALikelyMisspelling() {
        let column = profile(Array(repeating: "Ağcabədi", count: 60) + Array(repeating: "Tərtər", count: 40) + ["Agcabedi"])
        let values = column.categories() ?? []
        #expect(values.contains("Agcabedi"))
        let pairs = column.likelyMisspellings(among: values)
        #expect(pairs.count == 1)
        #expect(pairs.first?.rare == "Agcabedi" && pairs.first?.frequent == "Ağcabədi")
        // Two common values that look alike are both real.
        let both = profile(Array(repeating: "Bərdə", count: 30) + Array(repeating: "Bərda", count: 30))
        #expect(both.likelyMisspellings(among: both.categories() ?? []).isEmpty)
    }

    @Test func personalColumnsNeverListTheirValues() {
        for name in ["name", "full_name", "Full name", "firstName", "phone", "phone_number", "FIN", "fin_kod",
                     "e-mail", "email", "passport_no", "ad", "soyad", "Ad Soyad", "telefon", "ünvan"] {
            #expect(ColumnProfile.looksPersonal(name), "\(name) should look personal")
        }
        for name in ["region", "district", "sex", "age", "cbo_id", "finance", "spin", "status_date", "adm1"] {
            #expect(!ColumnProfile.looksPersonal(name), "\(name) should not look personal")
        }
        let names = profile(Array(repeating: "Aidə Səfərova", count: 5) + Array(repeating: "Orxan Orucov", count: 5), name: "full_name")
        #expect(names.isPersonal)
        #expect(names.categories() == nil)
    }

    @Test func theFirstRepeatedValueIsKeptForTheKeyNote() {
        let unique = profile(["İRM-1", "İRM-2", "İRM-3"])
        #expect(unique.isUnique)
        let repeated = profile(["İRM-1", "İRM-2", "İRM-1", "İRM-2"])
        #expect(!repeated.isUnique)
        #expect(repeated.firstRepeat?.value == "İRM-1")
        #expect(repeated.firstRepeat?.firstRow == 2 && repeated.firstRepeat?.row == 4)
    }

    @Test func aCSVFileIsProfiledWithTheReadersScanner() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.csv").path
        // BOM, semicolons, a quoted cell with the delimiter and a line break, CRLF.
        let text = "\u{FEFF}id;tarix;rayon;qeyd\r\n1;28.12.2020;Füzuli;\"a; b\nc\"\r\n2;11.01.2021;Tərtər;\r\n3;12.01.2021;Füzuli;x\r\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let (table, log) = TableProfiler.profileCSV(path: path)
        #expect(log.errorCount == 0)
        let profile = try #require(table)
        #expect(profile.delimiter == UInt8(ascii: ";"))
        #expect(profile.columns.map(\.name) == ["id", "tarix", "rayon", "qeyd"])
        #expect(profile.rowsSampled == 3 && !profile.truncated)
        #expect(profile.columns[0].type == .integer && profile.columns[0].isUnique)
        #expect(format(profile.columns[1]) == "dd.MM.yyyy")
        #expect(profile.columns[3].blanks == 1)
        // A sample smaller than the file says so.
        let (sampled, _) = TableProfiler.profileCSV(path: path, sampleRows: 2)
        #expect(sampled?.rowsSampled == 2 && sampled?.truncated == true)
    }

    @Test func aFileThatIsNotUTF8IsRefusedWithTheFix() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("w.csv").path
        try Data([0x69, 0x64, 0x0A, 0xE7, 0x0A]).write(to: URL(fileURLWithPath: path))  // Windows-1252 "ç"
        let (table, log) = TableProfiler.profileCSV(path: path)
        #expect(table == nil)
        #expect(log.errorCount == 1)
    }
}
