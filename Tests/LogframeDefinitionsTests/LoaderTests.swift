import Foundation
import Testing
import LogframeCore
import LogframeExpressions
@testable import LogframeDefinitions

let fullExample = """
logframe: 1
programme:
  id: AZ-UNDP-CRC
  title: {en: Early recovery and community resilience, az: Erkən bərpa və icma dayanıqlılığı}
  donor: UNDP
  implementer: UNDP Azerbaijan
  country: AZ
  start: 2021-01-01
  end: 2022-12-31
  currency: AZN
  budget: {total: 1245808, donor: 1100000}
  periods: quarterly
  year_starts: 1
  status: {on_track: 0.85, at_risk: 0.5}

sources:
  services:
    path: ../samples/crc/services.csv
    format: csv
    delimiter: ","
    key: record_id
    date: visit_date
    fields:
      record_id: text
      visit_date: {type: date, format: dd.MM.yyyy, required: true}
      centre: {type: text, in: [Füzuli, Ağcabədi, Tərtər]}
      service: {type: text, in: [business, legal, psychosocial]}
      person_id: {type: text, required: true}
      sex: {type: text, in: [F, M]}
      age: {type: integer, min: 0, max: 120}
      disability: boolean
      referrals: {type: choices, in: [health, education, cash]}
      hours: number
      full_name: {column: "Full name", type: text}
    rules:
      - check: age >= 18 or service != "business"
        severity: warning
        message: Business support is for adults
  households:
    path: households.csv
    key: hh_id
    fields:
      hh_id: text
      district: text
  members:
    path: members.csv
    parent: {source: households, key: hh}
    fields:
      member_id: text
      hh: text
      age: integer

dimensions:
  sex: {field: sex, title: {en: Sex, az: Cins}, labels: {F: {en: Female, az: Qadın}, M: {en: Male, az: Kişi}}}
  age: {field: age, title: Age group, bands: [18, 25, 60]}
  centre: {field: centre}
  child: {expr: age < 18, labels: {true: Children, false: Adults}}

results:
  - id: IMP
    level: impact
    title: Resilience of war-affected communities improved
    results:
      - id: OC1
        level: outcome
        title: Services used
        results:
          - id: OP1
            level: output
            title: Community Resource Centres deliver services
            indicators:
              - id: OP1.1
                title: {en: People who applied for legal support, az: Hüquqi yardım}
                unit: people
                source: services
                value: distinct(person_id where service == "legal")
                by: [sex, age, centre, [sex, age]]
                cumulative: true
                direction: increase
                decimals: 0
                baseline: {value: 0, date: 2020-12-31}
                target: {value: 800, date: 2022-12-31}
                milestones: {2021: 400, 2022-Q2: 600}
                sdg: [16.3.1]
                means_of_verification: CRC service register
                assumptions: Security allows mobile outreach
                definition: A person counts once however many times they applied.
              - id: OP1.2
                title: Share of applicants with a disability
                source: services
                value: percent(distinct(person_id where disability), distinct(person_id))
                cumulative: false
                target: n/a
              - id: OP1.3
                title: Community projects completed
                reported: {2021: 3, 2022-Q1: n/a}
                means_of_verification: Completion certificates
      - id: OC2
        level: outcome
        title: Households
        indicators:
          - id: OC2.1
            title: Members in households
            source: members
            value: count(where households.district == "Tərtər") + $OP1.1
            by: [child]
"""

func load(_ text: String) -> (definitions: Definitions?, diagnostics: [Diagnostic]) {
    DefinitionsLoader.load(text: text, path: "defs.yml")
}

func describe(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.code) \($0.message) hint=\($0.hint ?? "-")" }.joined(separator: "\n")
}

@Suite struct FullExampleTests {
    let result = load(fullExample)

    @Test func loadsWithoutDiagnostics() throws {
        // Only: `full_name` looks personal and says neither way; `members` is undated (and its
        // parent too), yet read by a quarterly indicator.
        #expect(result.diagnostics.map(\.code) == ["personal-field-undeclared", "undated-source"], "\(describe(result.diagnostics))")
        #expect(result.diagnostics.last?.location?.line == 45 && result.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(result.definitions != nil)
    }

    @Test func programme() throws {
        let p = try #require(result.definitions).programme
        #expect(p.id == "AZ-UNDP-CRC")
        #expect(p.title.text("az") == "Erkən bərpa və icma dayanıqlılığı")
        #expect(p.title.text() == "Early recovery and community resilience")
        #expect(p.start == CivilDate(year: 2021, month: 1, day: 1))
        #expect(p.end == CivilDate(year: 2022, month: 12, day: 31))
        #expect(p.budgetTotal == ExactDecimal(1245808))
        #expect(p.periods.map(\.id) == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"])
        #expect(p.onTrackThreshold == ExactDecimal(parsing: "0.85"))
        #expect(p.atRiskThreshold == ExactDecimal(parsing: "0.5"))
    }

    @Test func sources() throws {
        let d = try #require(result.definitions)
        #expect(d.baseDirectory == ".")
        let services = try #require(d.source("services"))
        #expect(services.fields.map(\.id) == ["record_id", "visit_date", "centre", "service", "person_id", "sex", "age",
                                              "disability", "referrals", "hours", "full_name"])
        #expect(services.delimiter == UInt8(ascii: ","))
        #expect(services.key == ["record_id"])
        #expect(services.dateField == "visit_date")
        #expect(services.format == .csv)
        let visit = services.fields[1]
        #expect(visit.type == .date && visit.required && visit.dateFormat.description == "dd.MM.yyyy")
        #expect(services.fields[2].allowed == [.text("Füzuli"), .text("Ağcabədi"), .text("Tərtər")])
        #expect(services.fields[6].min == ExactDecimal(0) && services.fields[6].max == ExactDecimal(120))
        #expect(services.fields[10].column == "Full name")
        #expect(services.rules.count == 1 && services.rules[0].severity == .warning)
        #expect(services.rules[0].message == "Business support is for adults")
        let members = try #require(d.source("members"))
        #expect(members.parent?.source == "households" && members.parent?.key == "hh")
        #expect(members.scope.fields.map(\.name) == ["member_id", "hh", "age", "households.hh_id", "households.district"])
        #expect(members.scope.fields.map(\.slot) == [0, 1, 2, 3, 4])
        #expect(members.scope.field(named: "age")?.type == .integer)
    }

    @Test func dimensions() throws {
        let d = try #require(result.definitions)
        #expect(d.dimensions.map(\.id) == ["sex", "age", "centre", "child"])
        #expect(d.dimension("sex")?.labels.map(\.key) == ["F", "M"])
        #expect(d.dimension("sex")?.labels.first?.label.text("az") == "Qadın")
        #expect(d.dimension("age")?.labels.map(\.key) == ["<18", "18-24", "25-59", "60+"])
        #expect(d.dimension("child")?.labels.map(\.key) == ["true", "false"])
        #expect(d.dimension("sex")?.title?.text("az") == "Cins" && d.dimension("sex")?.title?.text("en") == "Sex")
        #expect(d.dimension("age")?.title?.text("az") == "Age group")
        #expect(d.dimension("centre")?.title == nil)
        if case .bands(let field, let bounds)? = d.dimension("age")?.kind {
            #expect(field == "age" && bounds == [ExactDecimal(18), ExactDecimal(25), ExactDecimal(60)])
        } else {
            Issue.record("age is not a band dimension")
        }
    }

    @Test func resultsAndIndicators() throws {
        let d = try #require(result.definitions)
        #expect(d.results.map(\.id) == ["IMP", "OC1", "OP1", "OC2"])
        #expect(d.results.map(\.parent) == [nil, "IMP", "OC1", "IMP"])
        #expect(d.results.map(\.level) == [.impact, .outcome, .output, .outcome])
        #expect(d.indicators.map(\.id) == ["OP1.1", "OP1.2", "OP1.3", "OC2.1"])
        #expect(d.indicators.map(\.result) == ["OP1", "OP1", "OP1", "OC2"])
        let op11 = d.indicators[0]
        #expect(op11.breakdowns == [["sex"], ["age"], ["centre"], ["sex", "age"]])
        #expect(op11.baseline == Benchmark(value: ExactDecimal(0), date: CivilDate(year: 2020, month: 12, day: 31)))
        #expect(op11.target == Benchmark(value: ExactDecimal(800), date: CivilDate(year: 2022, month: 12, day: 31)))
        #expect(op11.milestones.map(\.id) == ["2021", "2022-Q2"])
        #expect(op11.milestones.map(\.value) == [ExactDecimal(400), ExactDecimal(600)])
        #expect(op11.sdg == ["16.3.1"])
        #expect(op11.decimals == 0 && op11.cumulative && op11.direction == .increase)
        #expect(op11.expressionText == "distinct(person_id where service == \"legal\")")
        if case .computed(let formula, let sources) = op11.computation {
            #expect(sources == ["services"])
            #expect(formula.aggregates.count == 1 && formula.aggregates[0].function == .distinct)
        } else {
            Issue.record("OP1.1 not computed")
        }
        #expect(d.indicators[1].cumulative == false)
        #expect(d.indicators[1].target == Benchmark(value: nil, date: nil))
        if case .reported(let values) = d.indicators[2].computation {
            #expect(values.map(\.periodOrYear) == ["2021", "2022-Q1"])
            #expect(values.map(\.value) == [ExactDecimal(3), nil])
        } else {
            Issue.record("OP1.3 not reported")
        }
        if case .computed(_, let sources) = d.indicators[3].computation { #expect(sources == ["members"]) }
    }

    @Test func loadsFromFileWithBaseDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("defs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("logframe.yml").path
        try fullExample.write(toFile: path, atomically: true, encoding: .utf8)
        let r = DefinitionsLoader.load(path: path)
        #expect(r.diagnostics.map(\.code) == ["personal-field-undeclared", "undated-source"], "\(describe(r.diagnostics))")
        #expect(r.definitions?.baseDirectory == dir.path)
        #expect(r.definitions?.file == path)
    }
}
