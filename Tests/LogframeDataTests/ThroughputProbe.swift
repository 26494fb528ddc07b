import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeExpressions
import Testing
import LogframeData

/// Not a timed test: prints the reader's throughput on a benchmark file when
/// `LOGFRAME_BENCH_CSV` names one (made by `/work/shared/bench/gen.py`), and does nothing otherwise.
///
///     python3 ../shared/bench/gen.py 1000000 /tmp/act_1m.csv
///     LOGFRAME_BENCH_CSV=/tmp/act_1m.csv swift test -c release -Xswiftc -enable-testing \
///         --scratch-path .build-data --filter ThroughputProbe
@Test func throughputProbe() {
    guard let path = ProcessInfo.processInfo.environment["LOGFRAME_BENCH_CSV"] else { return }
    let here = SourceLocation(file: "bench.yml", line: 1, column: 1)
    func field(_ id: String, _ type: ValueType, allowed: [String]? = nil, min: Int? = nil, max: Int? = nil) -> FieldDefinition {
        FieldDefinition(id: id, column: id, xmlPath: id, type: type, allowed: allowed?.map { .text($0) },
                        min: min.map { ExactDecimal($0) }, max: max.map { ExactDecimal($0) }, location: here)
    }
    let fields = [
        field("record_id", .text), field("date", .date),
        field("district", .text, allowed: ["Ağcabədi", "Tərtər", "Füzuli", "Şirvan", "Lənkəran", "Bərdə",
                                           "Gəncə", "Sumqayıt", "Mingəçevir", "Ağdam", "Şəki", "Quba"]),
        field("centre", .text),
        field("service", .text, allowed: ["legal", "psychosocial", "business", "vocational_training", "case_management", "awareness"]),
        field("beneficiary_id", .text), field("sex", .text, allowed: ["F", "M"]), field("age", .integer, min: 0, max: 120),
        field("disability", .boolean), field("hours", .number), field("cost_azn", .number), field("note", .text),
    ]
    let scope = RowScope(fields: fields.enumerated().map { .init(name: $1.id, slot: $0, type: $1.type) })
    let url = URL(fileURLWithPath: path)
    let source = SourceDefinition(id: "bench", path: url.lastPathComponent, format: .csv, delimiter: nil, key: ["record_id"],
                                  dateField: "date", record: nil, fields: fields, rules: [], parent: nil, scope: scope, location: here)
    let programme = Programme(id: "B", title: LocalizedText("Bench"), donor: nil, implementer: nil, country: nil,
                              start: CivilDate(year: 2021, month: 1, day: 1)!, end: CivilDate(year: 2025, month: 12, day: 31)!,
                              currency: nil, budgetTotal: nil, budgetDonor: nil, periods: [], yearStarts: 1,
                              onTrackThreshold: ExactDecimal(1), atRiskThreshold: ExactDecimal(1))
    let definitions = Definitions(file: "bench.yml", baseDirectory: url.deletingLastPathComponent().path, programme: programme,
                                  sources: [source], dimensions: [], results: [], indicators: [])
    for run in 1...3 {
        let started = DispatchTime.now().uptimeNanoseconds
        var checksum = 0
        let result = SourceReader(source: source, definitions: definitions).read { row, _ in
            if case .number = row[7] { checksum &+= 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print("run \(run): \(result.rowsRead) rows read, \(result.rowsUsed) used, \(result.rowsRejected) rejected, "
              + "\(result.log.errorCount) errors in \(String(format: "%.3f", seconds)) s = "
              + "\(Int(Double(result.rowsRead) / seconds)) rows/s (checksum \(checksum), sha256 \(result.files.first?.sha256.prefix(12) ?? ""))")
        for diagnostic in result.log.diagnostics.prefix(3) { print("  \(diagnostic.code): \(diagnostic.message)") }
    }
}
