import Testing
import LogframeCore
@testable import LogframeDefinitions

/// Which fields are personal (docs/data-protection.md), and the `privacy` keys.
@Suite("Personal fields and privacy keys")
struct PersonalFieldTests {
    static func definitions(fields: String, value: String = "distinct(person_id)", by: String = "[]",
                            programmePrivacy: String = "", indicatorPrivacy: String = "") -> (Definitions?, [Diagnostic]) {
        let text = """
        logframe: 1
        programme:
          id: P
          title: T
          start: 2024-01-01
          end: 2024-12-31
        \(programmePrivacy)
        sources:
          s:
            path: s.csv
            date: date
            fields:
              date: date
        \(fields)
        dimensions:
          district: {field: district}
        results:
          - id: R
            level: output
            title: R
            indicators:
              - id: I
                title: I
                value: \(value)
                by: \(by)
        \(indicatorPrivacy)
        """
        return DefinitionsLoader.load(text: text, path: "defs.yml")
    }

    static func personal(_ d: Definitions?, _ field: String) -> Bool? {
        d?.sources.first?.fields.first { $0.id == field }?.personal
    }

    @Test("Declared either way, the declaration wins; undeclared, a distinct key is personal, quietly")
    func declaredAndDistinctKey() {
        let (d, diagnostics) = Self.definitions(fields: """
                  person_id: text
                  full_name: {type: text, personal: true}
                  name: {type: text, personal: false}
                  district: text
                  age: integer
            """)
        #expect(Self.personal(d, "person_id") == true)
        #expect(Self.personal(d, "full_name") == true)
        #expect(Self.personal(d, "name") == false)
        #expect(Self.personal(d, "district") == false)   // read by a dimension: a category
        #expect(Self.personal(d, "age") == false)
        #expect(!diagnostics.contains { $0.code == "personal-field-undeclared" })
    }

    @Test("A likely personal name, undeclared, is masked with a warning at the field")
    func likelyNames() {
        let (d, diagnostics) = Self.definitions(fields: """
                  person_id: text
                  district: text
                  mobilePhone: text
                  caregiver_FIN: text
                  case_notes: text
                  finished: boolean
                  phase: text
            """)
        #expect(Self.personal(d, "mobilePhone") == true)
        #expect(Self.personal(d, "caregiver_FIN") == true)
        #expect(Self.personal(d, "case_notes") == true)
        #expect(Self.personal(d, "finished") == false)   // "fin" is a word, not a prefix
        #expect(Self.personal(d, "phase") == false)
        let warnings = diagnostics.filter { $0.code == "personal-field-undeclared" }
        #expect(warnings.count == 3)
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.location?.line != nil })
    }

    @Test("A date argument of distinct is not a person key")
    func distinctDate() {
        let (d, _) = Self.definitions(fields: """
                  person_id: text
                  district: text
            """, value: "distinct(person_id, date)")
        #expect(Self.personal(d, "date") == false)
        #expect(Self.personal(d, "person_id") == true)
    }

    @Test("A breakdown by a field declared personal is an error")
    func breakdownByPersonal() {
        let (d, diagnostics) = Self.definitions(fields: """
                  person_id: text
                  district: {type: text, personal: true}
            """, by: "[district]")
        #expect(d == nil)
        #expect(diagnostics.contains { $0.code == "personal-field-in-breakdown" && $0.severity == .error })
    }

    @Test("privacy.min_cell: the indicator's replaces the programme's; 0 turns it off")
    func minCell() {
        let fields = """
                  person_id: text
                  district: text
            """
        let (programme, _) = Self.definitions(fields: fields, programmePrivacy: "  privacy: {min_cell: 5}")
        #expect(programme?.programme.minCell == 5 && programme?.indicators.first?.minCell == 5)
        let (off, _) = Self.definitions(fields: fields, programmePrivacy: "  privacy: {min_cell: 5}",
                                        indicatorPrivacy: "        privacy: {min_cell: 0}")
        #expect(off?.indicators.first?.minCell == 0)
        let (none, _) = Self.definitions(fields: fields)
        #expect(none?.indicators.first?.minCell == nil)
        let (bad, diagnostics) = Self.definitions(fields: fields, programmePrivacy: "  privacy: {min_cells: 5}")
        #expect(bad == nil && diagnostics.contains { $0.code == "unknown-key" })
    }

    @Test("A masked value shows its length only; a masked line keeps its width")
    func masks() {
        #expect(PersonalValue.mask("Gülnarə Məmmədova") == "[personal value, 17 characters]")
        #expect(PersonalValue.mask("A") == "[personal value, 1 character]")
        let line = "R-1,Gülnarə,F"
        #expect(PersonalValue.masking(line, lineNumber: 4, spans: [MaskedSpan(line: 4, column: 5, length: 7)]) == "R-1,•••••••,F")
        #expect(PersonalValue.masking(line, lineNumber: 5, spans: [MaskedSpan(line: 4, column: 5, length: 7)]) == line)
    }
}
