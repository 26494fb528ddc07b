import Foundation
import Testing

/// Runs the built `logframe` binary as a user would and captures what it prints.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["LOGFRAME_BIN"] { return URL(fileURLWithPath: path) }
        // The test bundle sits next to the products: .build/<config>/logframePackageTests.xctest
        var url = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = url.appendingPathComponent("logframe")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/logframe")
    }

    init(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = Run.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }
}

func workspace(_ files: [String: String]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logframe-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, text) in files {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }
    return directory
}

let definitions = """
logframe: 1
programme:
  id: CRC
  title: {en: Community Resource Centres, az: İcma Resurs Mərkəzləri}
  start: 2021-01-01
  end: 2021-12-31
sources:
  services:
    path: services.csv
    key: id
    date: date
    fields:
      id: text
      date: {type: date, format: dd.MM.yyyy}
      centre: {type: text, in: [Füzuli, Ağcabədi, Tərtər]}
      person: text
results:
  - id: OP1
    level: output
    title: Services delivered
    indicators:
      - id: OP1.1
        title: People served
        value: distinct(person)
        target: 4

"""

let cleanLog = """
id,date,centre,person
1,05.01.2021,Füzuli,P1
2,"06.02.2021",Tərtər,P2

"""

// Line 4 starts a quoted cell spanning three physical lines; the bad centre is on line 7.
let dirtyLog = """
id,date,centre,person
1,05.01.2021,Füzuli,P1
2,06.02.2021,Tərtər,P2
3,07.02.2021,Füzuli,"P3
second line
third line"
4,08.02.2021,Agcabedi,P4

"""

@Suite("Command line")
struct CommandLineTests {
    @Test("report --format json: exit 0, the JSON report on stdout")
    func reportJSON() throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": cleanLog])
        let run = try Run(["report", "defs.yml", "--format", "json", "--as-of", "2021-12-31"], in: dir)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["format"] as? String == "logframe-report/1")
        let indicator = try #require((json["indicators"] as? [[String: Any]])?.first)
        #expect(indicator["current"] as? Int == 2)
        #expect(indicator["progress"] as? Int == 50)
    }

    @Test("report --lang az uses the Azerbaijani titles")
    func language() throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": cleanLog])
        let run = try Run(["report", "defs.yml", "--format", "json", "--lang", "az"], in: dir)
        #expect(run.stdout.contains("\"title\": \"İcma Resurs Mərkəzləri\""))
    }

    @Test("An error in the definitions: exit 1, located, with the line, a caret and a hint")
    func definitionsError() throws {
        let dir = try workspace(["defs.yml": definitions.replacingOccurrences(of: "value: distinct(person)", with: "value: distinct(persn)"),
                                 "services.csv": cleanLog])
        let run = try Run(["report", "defs.yml"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout == "")  // no report at all
        #expect(run.stderr == """
        defs.yml:24:25: error: unknown field `persn` [unknown-field]
         24 |         value: distinct(persn)
            |                         ^
          = hint: did you mean `person`?
        1 error, 0 warnings

        """)
    }

    @Test("Bad rows: the report is still written, rows reconciled, exit 1, physical lines right")
    func dataErrors() throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": dirtyLog])
        let run = try Run(["report", "defs.yml", "--format", "json", "--output", "out.json"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("""
        services.csv:7:14: error: "Agcabedi" in column centre (line 7) is not one of the allowed values: "Füzuli", "Ağcabədi", "Tərtər" [field-not-in-list]
         7 | 4,08.02.2021,Agcabedi,••
           |              ^
          = hint: Did you mean "Ağcabədi"?

        """))
        let report = try String(contentsOf: dir.appendingPathComponent("out.json"), encoding: .utf8)
        #expect(report.contains("\"rowsRead\": 4,\n      \"rowsUsed\": 3,\n      \"rowsRejected\": 1,"))
        // Written atomically: no temporary file is left beside it.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("validate: exit 0 on clean files, 1 on bad ones; --strict fails on warnings")
    func validate() throws {
        let clean = try workspace(["defs.yml": definitions, "services.csv": cleanLog])
        #expect(try Run(["validate", "defs.yml"], in: clean).status == 0)
        let dirty = try workspace(["defs.yml": definitions, "services.csv": dirtyLog])
        let run = try Run(["validate", "defs.yml"], in: dirty)
        #expect(run.status == 1)
        #expect(run.stdout.contains("services: 4 rows read, 3 used, 1 rejected"))
        let withRule = definitions.replacingOccurrences(of: "      person: text\n", with: """
              person: text
            rules:
              - check: centre != "Tərtər"
                severity: warning
                message: Tərtər visits need a supervisor's note

        """)
        let warned = try workspace(["defs.yml": withRule, "services.csv": cleanLog])
        let lenient = try Run(["validate", "defs.yml"], in: warned)
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("warning: Tərtər visits need a supervisor's note [rule-failed]"))
        #expect(try Run(["validate", "defs.yml", "--strict"], in: warned).status == 1)
    }

    @Test("Usage errors exit 2", arguments: [
        ["report", "defs.yml", "--bogus"],
        ["report", "defs.yml", "--as-of", "2021-13-01"],
        ["report", "defs.yml", "--format", "pdf"],
        ["report"],
        ["frobnicate"],
    ])
    func usageErrors(arguments: [String]) throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": cleanLog])
        let run = try Run(arguments, in: dir)
        #expect(run.status == 2)
        #expect(!run.stderr.isEmpty)
    }

    @Test("A missing definitions file is the user's problem (exit 1), not a crash")
    func missingFile() throws {
        let dir = try workspace([:])
        let run = try Run(["report", "nothere.yml"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("nothere.yml: error: The definitions file `nothere.yml` does not exist. [file-not-found]\n"))
    }

    @Test("Input files are never modified")
    func inputsUntouched() throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": dirtyLog])
        let before = try Data(contentsOf: dir.appendingPathComponent("services.csv"))
        _ = try Run(["report", "defs.yml", "--output", "r.md"], in: dir)
        _ = try Run(["validate", "defs.yml"], in: dir)
        #expect(try Data(contentsOf: dir.appendingPathComponent("services.csv")) == before)
    }
}
