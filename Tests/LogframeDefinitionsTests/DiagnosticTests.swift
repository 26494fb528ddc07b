import Foundation
import Testing
import LogframeCore
@testable import LogframeDefinitions

/// A minimal valid file; `extra` is appended under `results` at indicator level.
func minimal(programme: String = "", source: String = "", indicator: String = "value: count()") -> String {
    """
    logframe: 1
    programme:
      id: P
      title: Programme
      start: 2021-01-01
      end: 2022-12-31
    \(programme)
    sources:
      s:
        path: s.csv
        fields:
          age: integer
          sex: text
    \(source)
    dimensions:
      sex: {field: sex}
      grp: {field: group}
    results:
      - id: R
        level: output
        title: Result
        indicators:
          - id: I1
            title: Indicator
            \(indicator)
    """
}

struct Expected: Sendable, CustomStringConvertible {
    var name: String
    var yaml: String
    var code: String
    var line: Int
    var column: Int
    var message: String? = nil
    var hint: String? = nil
    var description: String { name }
}

let diagnosticCases: [Expected] = [
    Expected(name: "unknown indicator key", yaml: minimal(indicator: "valu: count()"), code: "unknown-key", line: 25, column: 9,
             message: "Unknown key `valu` in an indicator.", hint: "Did you mean `value`?"),
    Expected(name: "unknown top key", yaml: minimal() + "\nsorces: {}", code: "unknown-key", line: 26, column: 1,
             message: "Unknown key `sorces` in the definitions file.", hint: "Did you mean `sources`?"),
    Expected(name: "bad start date", yaml: minimal().replacingOccurrences(of: "start: 2021-01-01", with: "start: tomorrow"),
             code: "invalid-value", line: 5, column: 10, message: "The programme `start` must be a date written as YYYY-MM-DD, not `tomorrow`."),
    Expected(name: "bad decimals", yaml: minimal(indicator: "value: count()\n        decimals: two"), code: "invalid-value", line: 26, column: 19,
             message: "`decimals` must be a whole number from 0 to 18, not `two`."),
    Expected(name: "missing programme id", yaml: minimal().replacingOccurrences(of: "  id: P\n", with: ""), code: "missing-key", line: 3, column: 3,
             message: "Programme is missing the required key `id`."),
    Expected(name: "missing logframe", yaml: String(minimal().dropFirst("logframe: 1\n".count)), code: "missing-key", line: 1, column: 1,
             message: "The definitions file is missing the required key `logframe`."),
    Expected(name: "unsupported version", yaml: minimal().replacingOccurrences(of: "logframe: 1", with: "logframe: 2"),
             code: "unsupported-version", line: 1, column: 11),
    Expected(name: "end before start", yaml: minimal().replacingOccurrences(of: "end: 2022-12-31", with: "end: 2020-12-31"),
             code: "invalid-value", line: 6, column: 8, message: "The programme ends (2020-12-31) before it starts (2021-01-01)."),
    Expected(name: "neither value nor reported", yaml: minimal(indicator: "unit: people"), code: "missing-key", line: 23, column: 9),
    Expected(name: "unknown milestone period", yaml: minimal(indicator: "value: count()\n        milestones: {2023: 5}"),
             code: "unknown-period", line: 26, column: 22),
    Expected(name: "unknown dimension", yaml: minimal(indicator: "value: count()\n        by: [sx]"), code: "unknown-dimension",
             line: 26, column: 14, message: "There is no dimension `sx`.", hint: "Did you mean `sex`?"),
    Expected(name: "dimension field missing in source", yaml: minimal(indicator: "value: count()\n        by: [sex, grp]"),
             code: "unknown-field", line: 26, column: 19),
    Expected(name: "date field not a date", yaml: minimal(source: "    date: age"), code: "invalid-value", line: 14, column: 11,
             message: "The date field `age` must have type `date`, not `integer`."),
    Expected(name: "unknown key field", yaml: minimal(source: "    key: id"), code: "unknown-field", line: 14, column: 10),
    Expected(name: "bad field type", yaml: minimal().replacingOccurrences(of: "age: integer", with: "age: integr"), code: "invalid-value",
             line: 12, column: 12, hint: "Did you mean `integer`?"),
    Expected(name: "bad in value", yaml: minimal().replacingOccurrences(of: "age: integer", with: "age: {type: integer, in: [1, x]}"),
             code: "invalid-value", line: 12, column: 36),
    Expected(name: "bad pattern", yaml: minimal().replacingOccurrences(of: "sex: text", with: "sex: {type: text, pattern: \"[a-\"}"),
             code: "invalid-value", line: 13, column: 34),
    Expected(name: "bad date format", yaml: minimal().replacingOccurrences(of: "sex: text", with: "sex: {type: date, format: dd.MM.yy}"),
             code: "invalid-value", line: 13, column: 33),
    Expected(name: "bands not ascending", yaml: minimal().replacingOccurrences(of: "sex: {field: sex}", with: "sex: {field: age, bands: [18, 10]}"),
             code: "invalid-value", line: 16, column: 33),
    Expected(name: "unknown parent source", yaml: minimal(source: "    parent: {source: hh, key: sex}"), code: "unknown-source", line: 14, column: 22),
    Expected(name: "unknown source", yaml: minimal(indicator: "source: servces\n        value: count()"), code: "unknown-source", line: 25, column: 17),
    Expected(name: "unknown indicator ref", yaml: minimal(indicator: "value: count() + $I2"), code: "unknown-indicator", line: 25, column: 26),
    Expected(name: "self cycle", yaml: minimal(indicator: "value: count() + $I1"), code: "indicator-cycle", line: 25, column: 26,
             message: "These indicators refer to each other in a circle: I1 -> I1."),
    Expected(name: "duplicate id", yaml: minimal().replacingOccurrences(of: "  - id: R\n", with: "  - id: I1\n"), code: "duplicate-id", line: 23, column: 13),
    Expected(name: "duplicate key", yaml: minimal().replacingOccurrences(of: "      sex: text", with: "      sex: text\n      age: text"),
             code: "duplicate-key", line: 14, column: 7),
    Expected(name: "yaml syntax", yaml: "logframe: 1\nprogramme: [a, b\n", code: "yaml-syntax", line: 3, column: 1),
    Expected(name: "overlapping custom periods", yaml: minimal(programme: """
          periods:
            - {id: A, start: 2021-01-01, end: 2021-06-30}
            - {id: B, start: 2021-06-01, end: 2022-12-31}
        """), code: "invalid-value", line: 9, column: 7),
    Expected(name: "custom period outside programme", yaml: minimal(programme: """
          periods:
            - {id: A, start: 2020-01-01, end: 2021-06-30}
        """), code: "invalid-value", line: 8, column: 7),
    Expected(name: "expression syntax, plain", yaml: minimal(indicator: "value: count(where age >)"), code: "expression-syntax", line: 25, column: 33),
    Expected(name: "unknown field, plain", yaml: minimal(indicator: "value: sum(agee)"), code: "unknown-field", line: 25, column: 20),
    Expected(name: "unknown field, double-quoted with escape", yaml: minimal(indicator: #"value: "count(where sex == \"F\" and agee > 1)""#),
             code: "unknown-field", line: 25, column: 46),
    Expected(name: "unknown field, single-quoted", yaml: minimal(indicator: #"value: 'count(where sex == "it''s" and agee > 1)'"#),
             code: "unknown-field", line: 25, column: 48),
    Expected(name: "syntax error at doubled quote, single-quoted", yaml: minimal(indicator: #"value: 'count(where sex == ''F'')'"#),
             code: "expression-syntax", line: 25, column: 36),
    Expected(name: "unknown field, literal block", yaml: minimal(indicator: "value: |\n          count(where sex == \"F\"\n            and agee > 1)"),
             code: "unknown-field", line: 27, column: 17),
    Expected(name: "unknown field, folded block", yaml: minimal(indicator: "value: >\n          count(where sex == \"F\"\n          and agee > 1)"),
             code: "unknown-field", line: 27, column: 15),
    Expected(name: "unknown field, multi-line plain", yaml: minimal(indicator: "value: count(where sex == \"F\"\n          and agee > 1)"),
             code: "unknown-field", line: 26, column: 15),
    Expected(name: "unknown field after non-ASCII, plain", yaml: minimal(indicator: "value: count(where sex == \"Ağcabədi\" and agee > 1)"),
             code: "unknown-field", line: 25, column: 50),
    Expected(name: "rule check", yaml: minimal(source: "    rules:\n      - check: agee > 1"), code: "unknown-field", line: 15, column: 16),
    Expected(name: "target after the programme", yaml: minimal(indicator: "value: count()\n        target: {value: 5, date: 2030-01-01}"),
             code: "target-outside-programme", line: 23, column: 9),
    Expected(name: "status tolerance not a share", yaml: minimal(programme: "  status: {tolerance: 15}"), code: "invalid-value", line: 7, column: 23,
             message: "`status.tolerance` (15) must be above 0 and below 1, for example 0.15 for the IPTT's 15 % rule."),
    Expected(name: "status tolerance with thresholds", yaml: minimal(programme: "  status: {on_track: 0.8, tolerance: 0.15}"), code: "invalid-value",
             line: 7, column: 38, hint: "Remove `on_track` and `at_risk` to judge status within the tolerance, or remove `tolerance`."),
    Expected(name: "status tolerance not a number", yaml: minimal(programme: "  status: {tolerance: wide}"), code: "invalid-value", line: 7, column: 23),
]

@Test func statusToleranceLoads() {
    let r = load(minimal(programme: "  status: {tolerance: 0.15}"))
    #expect(r.definitions?.programme.statusTolerance == ExactDecimal(significand: 15, scale: 2))
    #expect(load(minimal()).definitions?.programme.statusTolerance == nil)
}

@Test(arguments: diagnosticCases)
func diagnostic(_ e: Expected) {
    let r = load(e.yaml)
    #expect(r.definitions == nil)
    let match = r.diagnostics.first { $0.code == e.code }
    #expect(match != nil, "no \(e.code) in:\n\(describe(r.diagnostics))")
    guard let d = match else { return }
    #expect(d.severity == .error)
    #expect(d.location?.file == "defs.yml")
    #expect(d.location?.line == e.line && d.location?.column == e.column, "at \(d.location?.line ?? 0):\(d.location?.column ?? 0): \(d.message)")
    if let message = e.message { #expect(d.message == message) }
    if let hint = e.hint { #expect(d.hint == hint) }
}

@Test func minimalIsValid() {
    let r = load(minimal())
    // Its dimensions are declared for other cases' breakdowns: unused here, which is only a
    // warning; and its one source is undated while the programme has quarters.
    #expect(r.diagnostics.allSatisfy { $0.severity == .warning && ["unused-dimension", "undated-source"].contains($0.code) },
            "\(describe(r.diagnostics))")
    #expect(r.definitions?.programme.periods.count == 8)
}

@Test func gathersAllErrors() {
    let yaml = minimal(indicator: "valu: count()\n        decimals: two\n        by: [nope]")
    let codes = load(yaml).diagnostics.map(\.code)
    #expect(codes.contains("unknown-key") && codes.contains("invalid-value") && codes.contains("missing-key") && codes.contains("unknown-dimension"))
}

@Test func twoIndicatorCycle() {
    let yaml = minimal(indicator: "value: $I2\n      - id: I2\n        title: Two\n        value: $I1 + 1")
    let d = load(yaml).diagnostics.filter { $0.code == "indicator-cycle" }
    #expect(d.count == 1)
    #expect(d.first?.message == "These indicators refer to each other in a circle: I1 -> I2 -> I1.")
}

@Test func sourceRequiredWhenSeveral() {
    let yaml = minimal(source: "  t:\n    path: t.xml\n    record: /a/b\n    fields: {x: text}")
    let d = load(yaml).diagnostics
    #expect(d.contains { $0.code == "missing-key" && $0.message.contains("must name its `source`") }, "\(describe(d))")
}

@Test func formatDefaultsAndDelimiter() throws {
    let yaml = minimal(source: "    delimiter: tab\n  t:\n    path: t.XML\n    record: /a/b\n    fields: {x: text}").replacingOccurrences(of: "value: count()", with: "source: s\n        value: count()")
    let r = load(yaml)
    let d = try #require(r.definitions, "\(describe(r.diagnostics))")
    #expect(d.source("s")?.delimiter == 9 && d.source("s")?.format == .csv)
    #expect(d.source("t")?.format == .xml && d.source("t")?.record == "/a/b")
}

@Test func billionLaughsRefusedQuickly() {
    var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    var previous = "a"
    for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
        yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        previous = name
    }
    let start = Date()
    let r = load(yaml)
    #expect(Date().timeIntervalSince(start) < 2)
    #expect(r.diagnostics.map(\.code) == ["yaml-alias-bomb"])
    #expect(r.diagnostics.first?.location?.line == 5)
}

@Test func manyAliasesRefused() {
    let yaml = "a: &a x\nb: [" + Array(repeating: "*a", count: 101).joined(separator: ", ") + "]\n"
    #expect(load(yaml).diagnostics.map(\.code) == ["yaml-alias-bomb"])
}

@Test func deepNestingRefused() {
    let yaml = "a: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
    let r = load(yaml)
    #expect(r.diagnostics.map(\.code) == ["yaml-too-deep"])
    #expect(r.diagnostics.first?.location?.line == 1)
    var block = ""
    for depth in 0..<100 { block += String(repeating: "  ", count: depth) + "k\(depth):\n" }
    #expect(load(block).diagnostics.map(\.code) == ["yaml-too-deep"])
}

@Test func hugeFileRefusedQuickly() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).yml").path
    let line = "# " + String(repeating: "x", count: 1021) + "\n"
    let text = String(repeating: line, count: 11 * 1024)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let start = Date()
    let r = DefinitionsLoader.load(path: path)
    #expect(Date().timeIntervalSince(start) < 2)
    #expect(r.diagnostics.map(\.code) == ["definitions-too-large"])
    #expect(DefinitionsLoader.load(text: text, path: "x.yml").diagnostics.map(\.code) == ["definitions-too-large"])
}

@Test func missingFileAndBadEncoding() throws {
    #expect(DefinitionsLoader.load(path: "/nonexistent/defs.yml").diagnostics.map(\.code) == ["file-not-found"])
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yml").path
    try Data("logframe: 1\nprogramme: {title: Erk\u{0259}n}\nx: caf".utf8 + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let d = DefinitionsLoader.load(path: path).diagnostics
    #expect(d.map(\.code) == ["definitions-encoding"])
    #expect(d.first?.location?.line == 3 && d.first?.location?.column == 7)
}

@Test(arguments: ["", "   \n", "- a\n- b\n", "just text", "\u{0}\u{1}binary", "a: [", "{", "logframe: 1\n---\nx: 1\n", ": :", "? [a]\n: b"])
func garbageNeverCrashes(_ text: String) {
    let r = load(text)
    #expect(r.definitions == nil)
    #expect(!r.diagnostics.isEmpty)
}

@Test func unusedSourcesAndDimensionsAreWarnings() {
    let r = load(minimal(source: "  extra:\n    path: extra.csv\n    fields:\n      x: text", indicator: "value: count()\n        source: s"))
    #expect(r.definitions != nil)
    let unused = r.diagnostics.filter { $0.code.hasPrefix("unused-") }.map { "\($0.code) \($0.location?.line ?? 0)" }
    #expect(unused == ["unused-source 14", "unused-dimension 19", "unused-dimension 20"], "\(describe(r.diagnostics))")
    #expect(r.diagnostics.allSatisfy { $0.severity == .warning })
}

@Test func aFileThatOnlyDescribesDataFilesHasNoUnusedWarnings() {
    let r = load("""
    logframe: 1
    programme: {id: P, title: Data checks, start: 2021-01-01, end: 2021-12-31}
    sources:
      s:
        path: s.csv
        fields:
          age: integer
    """)
    #expect(r.definitions != nil, "\(describe(r.diagnostics))")
    #expect(r.diagnostics.isEmpty, "\(describe(r.diagnostics))")
}

@Test func duplicateKeyNotesTheFirstOccurrence() throws {
    let r = load(minimal().replacingOccurrences(of: "      sex: text", with: "      sex: text\n      age: text"))
    let d = try #require(r.diagnostics.first { $0.code == "duplicate-key" })
    #expect(d.location == SourceLocation(file: "defs.yml", line: 14, column: 7))
    #expect(d.notes == [Diagnostic.Note(at: SourceLocation(file: "defs.yml", line: 12, column: 7), "the first `age` is here")])
}
