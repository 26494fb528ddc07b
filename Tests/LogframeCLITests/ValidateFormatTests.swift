import Foundation
import Testing

// Planted errors at known physical lines. Line 4 starts a quoted cell that spans lines 4-6 (with
// a comma inside), so the errors on lines 7 and 8 test physical, not record, numbering. The file
// name has a colon and a comma, which GitHub workflow commands must escape.
private let plantedDefinitions = definitions
    .replacingOccurrences(of: "      person: text\n", with: "      person: text\n      age: integer\n")
    .replacingOccurrences(of: "path: services.csv", with: "path: \"svc:2021,all.csv\"")

private let plantedLog = """
id,date,centre,person,age
1,05.01.2021,Füzuli,P1,30
2,06.02.2021,Tərtər,P2,abc
3,07.02.2021,Füzuli,"P3
second, line
third line",41
4,08.02.2021,Agcabedi,P4,12
5,09.02.2021,Füzuli,P5,1%2

"""

private let plantedSHA = "809b88543d9ec078b6f63129ed738b028b24e2e4ab388d19e1d6aa5c630f0925"

private func planted() throws -> URL {
    try workspace(["defs.yml": plantedDefinitions, "svc:2021,all.csv": plantedLog])
}

@Suite("validate --format")
struct ValidateFormatTests {
    @Test("text: compiler-style diagnostics on stderr, row counts on stdout, exit 1")
    func text() throws {
        let run = try Run(["validate", "defs.yml"], in: try planted())
        #expect(run.status == 1)
        #expect(run.stdout == "services: 5 rows read, 2 used, 3 rejected\n")
        #expect(run.stderr == """
        svc:2021,all.csv:3:24: error: "abc" in column age (line 3) is not a whole number [field-type]
         3 | 2,06.02.2021,Tərtər,••,abc
           |                        ^
          = hint: Write whole numbers with digits only, e.g. 42.
        svc:2021,all.csv:7:14: error: "Agcabedi" in column centre (line 7) is not one of the allowed values: "Füzuli", "Ağcabədi", "Tərtər" [field-not-in-list]
         7 | 4,08.02.2021,Agcabedi,••,12
           |              ^
          = hint: Did you mean "Ağcabədi"?
        svc:2021,all.csv:8:24: error: "1%2" in column age (line 8) is not a whole number [field-type]
         8 | 5,09.02.2021,Füzuli,••,1%2
           |                        ^
          = hint: Write whole numbers with digits only, e.g. 42.
        3 errors, 0 warnings

        """)
    }

    @Test("json: one document on stdout, keys in a fixed order, nothing on stderr")
    func json() throws {
        let run = try Run(["validate", "defs.yml", "--format", "json"], in: try planted())
        #expect(run.status == 1)
        #expect(run.stderr == "")
        #expect(run.stdout == """
        {
          "diagnostics": [
            {
              "severity": "error",
              "code": "field-type",
              "file": "svc:2021,all.csv",
              "line": 3,
              "column": 24,
              "message": "\\"abc\\" in column age (line 3) is not a whole number",
              "hint": "Write whole numbers with digits only, e.g. 42."
            },
            {
              "severity": "error",
              "code": "field-not-in-list",
              "file": "svc:2021,all.csv",
              "line": 7,
              "column": 14,
              "message": "\\"Agcabedi\\" in column centre (line 7) is not one of the allowed values: \\"Füzuli\\", \\"Ağcabədi\\", \\"Tərtər\\"",
              "hint": "Did you mean \\"Ağcabədi\\"?"
            },
            {
              "severity": "error",
              "code": "field-type",
              "file": "svc:2021,all.csv",
              "line": 8,
              "column": 24,
              "message": "\\"1%2\\" in column age (line 8) is not a whole number",
              "hint": "Write whole numbers with digits only, e.g. 42."
            }
          ],
          "suppressed": [],
          "summary": {
            "errors": 3,
            "warnings": 0,
            "sources": [
              {
                "id": "services",
                "rowsRead": 5,
                "rowsUsed": 2,
                "rowsRejected": 3,
                "files": [
                  {
                    "path": "svc:2021,all.csv",
                    "sha256": "\(plantedSHA)",
                    "rowsRead": 5,
                    "rowsUsed": 2,
                    "rowsRejected": 3
                  }
                ]
              }
            ]
          }
        }

        """)
        // And it parses as JSON.
        _ = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
    }

    @Test("github: workflow commands with %, CR, LF, ':' and ',' escaped")
    func github() throws {
        let run = try Run(["validate", "defs.yml", "--format", "github"], in: try planted())
        #expect(run.status == 1)
        #expect(run.stderr == "")
        #expect(run.stdout == """
        ::error file=svc%3A2021%2Call.csv,line=3,col=24,title=field-type::"abc" in column age (line 3) is not a whole number%0Ahint: Write whole numbers with digits only, e.g. 42.
        ::error file=svc%3A2021%2Call.csv,line=7,col=14,title=field-not-in-list::"Agcabedi" in column centre (line 7) is not one of the allowed values: "Füzuli", "Ağcabədi", "Tərtər"%0Ahint: Did you mean "Ağcabədi"?
        ::error file=svc%3A2021%2Call.csv,line=8,col=24,title=field-type::"1%252" in column age (line 8) is not a whole number%0Ahint: Write whole numbers with digits only, e.g. 42.
        services: 5 rows read, 2 used, 3 rejected

        """)
    }

    @Test("junit: a test case per file, failures carrying the diagnostics, XML-escaped")
    func junit() throws {
        let run = try Run(["validate", "defs.yml", "--format", "junit"], in: try planted())
        #expect(run.status == 1)
        #expect(run.stderr == "")
        #expect(run.stdout == """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="logframe validate" tests="2" failures="1" errors="0" skipped="0">
          <testsuite name="defs.yml" tests="2" failures="1" errors="0" skipped="0">
            <testcase classname="definitions" name="defs.yml"/>
            <testcase classname="source.services" name="svc:2021,all.csv">
              <failure message="3 errors, 0 warnings" type="field-type">svc:2021,all.csv:3:24: error: &quot;abc&quot; in column age (line 3) is not a whole number [field-type] (hint: Write whole numbers with digits only, e.g. 42.)
        svc:2021,all.csv:7:14: error: &quot;Agcabedi&quot; in column centre (line 7) is not one of the allowed values: &quot;Füzuli&quot;, &quot;Ağcabədi&quot;, &quot;Tərtər&quot; [field-not-in-list] (hint: Did you mean &quot;Ağcabədi&quot;?)
        svc:2021,all.csv:8:24: error: &quot;1%2&quot; in column age (line 8) is not a whole number [field-type] (hint: Write whole numbers with digits only, e.g. 42.)</failure>
              <system-out>5 rows read, 2 used, 3 rejected; sha256 \(plantedSHA)</system-out>
            </testcase>
          </testsuite>
        </testsuites>

        """)
    }

    @Test("Clean files: exit 0 in every format; json has no diagnostics, junit no failures")
    func clean() throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": cleanLog])
        for format in ["text", "json", "github", "junit"] {
            #expect(try Run(["validate", "defs.yml", "--format", format], in: dir).status == 0)
        }
        let json = try Run(["validate", "defs.yml", "--format", "json"], in: dir).stdout
        #expect(json.hasPrefix("{\n  \"diagnostics\": [],\n  \"suppressed\": [],\n  \"summary\": {\n    \"errors\": 0,\n    \"warnings\": 0,"))
        let junit = try Run(["validate", "defs.yml", "--format", "junit"], in: dir).stdout
        #expect(junit.contains("<testsuites name=\"logframe validate\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"0\">"))
    }

    @Test("Warnings: exit 0, or 1 with --strict; github ::warning, junit fails only with --strict")
    func warnings() throws {
        let withRule = definitions.replacingOccurrences(of: "      person: text\n", with: """
              person: text
            rules:
              - check: centre != "Tərtər"
                severity: warning
                message: Tərtər visits need a supervisor's note

        """)
        let dir = try workspace(["defs.yml": withRule, "services.csv": cleanLog])
        let github = try Run(["validate", "defs.yml", "--format", "github"], in: dir)
        #expect(github.status == 0)
        #expect(github.stdout.hasPrefix("::warning file=services.csv,line=3,"))
        #expect(github.stdout.contains("title=rule-failed::Tərtər visits need a supervisor's note"))
        #expect(try Run(["validate", "defs.yml", "--format", "github", "--strict"], in: dir).status == 1)
        let lenient = try Run(["validate", "defs.yml", "--format", "junit"], in: dir)
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("failures=\"0\""))
        #expect(lenient.stdout.contains("<system-out>services.csv:3:"))
        let strict = try Run(["validate", "defs.yml", "--format", "junit", "--strict"], in: dir)
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("<failure message=\"0 errors, 1 warning\" type=\"rule-failed\">"))
        let json = try Run(["validate", "defs.yml", "--format", "json", "--strict"], in: dir)
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"severity\": \"warning\",\n      \"code\": \"rule-failed\""))
    }

    @Test("More than 100 errors of one code in one file: the first 100, then the count of the rest")
    func cap() throws {
        let rows = (1...105).map { "\($0),05.01.2021,Füzuli,P\($0),x\($0)" }
        let log = "id,date,centre,person,age\n" + rows.joined(separator: "\n") + "\n"
        let defs = plantedDefinitions.replacingOccurrences(of: "\"svc:2021,all.csv\"", with: "many.csv")
        let dir = try workspace(["defs.yml": defs, "many.csv": log])

        let text = try Run(["validate", "defs.yml"], in: dir)
        #expect(text.status == 1)
        #expect(text.stderr.components(separatedBy: "[field-type]\n").count - 1 == 101)
        #expect(text.stderr.hasSuffix("""
        many.csv:101:28: error: "x100" in column age (line 101) is not a whole number [field-type]
         101 | 100,05.01.2021,Füzuli,••••,x100
             |                            ^
          = hint: Write whole numbers with digits only, e.g. 42.
        many.csv: error: and 5 more field-type errors in this file [field-type]
        105 errors, 0 warnings

        """))
        #expect(text.stdout == "services: 105 rows read, 0 used, 105 rejected\n")

        let json = try Run(["validate", "defs.yml", "--format", "json"], in: dir)
        #expect(json.stdout.contains("""
          "suppressed": [
            {
              "severity": "error",
              "code": "field-type",
              "file": "many.csv",
              "count": 5
            }
          ],
          "summary": {
            "errors": 105,
        """))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((parsed["diagnostics"] as? [Any])?.count == 100)

        let github = try Run(["validate", "defs.yml", "--format", "github"], in: dir)
        #expect(github.stdout.contains("::error file=many.csv,title=field-type::and 5 more field-type errors in this file\n"))
        let junit = try Run(["validate", "defs.yml", "--format", "junit"], in: dir)
        #expect(junit.stdout.contains("<failure message=\"105 errors, 0 warnings\" type=\"field-type\">"))
        #expect(junit.stdout.contains("many.csv: error: and 5 more field-type errors in this file [field-type]</failure>"))
    }

    @Test("Broken definitions: exit 1 and still a well-formed document in json and junit")
    func brokenDefinitions() throws {
        let dir = try workspace(["defs.yml": definitions.replacingOccurrences(of: "distinct(person)", with: "distinct(persn)"),
                                 "services.csv": cleanLog])
        let json = try Run(["validate", "defs.yml", "--format", "json"], in: dir)
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"code\": \"unknown-field\",\n      \"file\": \"defs.yml\",\n      \"line\": 24,\n      \"column\": 25,"))
        #expect(json.stdout.contains("\"sources\": []"))
        let junit = try Run(["validate", "defs.yml", "--format", "junit"], in: dir)
        #expect(junit.status == 1)
        #expect(junit.stdout.contains("""
            <testcase classname="definitions" name="defs.yml">
              <failure message="1 error, 0 warnings" type="unknown-field">defs.yml:24:25: error: unknown field `persn` [unknown-field] (hint: did you mean `person`?)</failure>
        """))
    }

    @Test("Unknown diagnostics format: usage error, exit 2")
    func unknownFormat() throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": cleanLog])
        let run = try Run(["validate", "defs.yml", "--format", "xml"], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("Unknown diagnostics format \"xml\"; use text, json, github or junit."))
    }
}
