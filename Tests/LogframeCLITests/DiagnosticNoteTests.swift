import Foundation
import Testing

/// A diagnostic's notes point at places of their own (a `duplicate-key`'s first occurrence),
/// and every diagnostics format prints them.
@Suite("Diagnostic notes")
struct DiagnosticNoteTests {
    static let log = """
    id,date,centre,person
    1,05.01.2021,Füzuli,P1
    2,06.02.2021,Tərtər,P2
    1,07.02.2021,Füzuli,P3

    """

    /// The fixture's definitions with `person` declared not personal, so lines are quoted whole.
    static let notPersonal = definitions.replacingOccurrences(of: "      person: text\n", with: "      person: {type: text, personal: false}\n")

    @Test("text: the note and its line after the diagnostic")
    func text() throws {
        let dir = try workspace(["defs.yml": Self.notPersonal, "services.csv": Self.log])
        let run = try Run(["validate", "defs.yml"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr == """
        services.csv:4:1: error: Line 4 repeats the id "1" already used on line 2 [duplicate-key]
         4 | 1,07.02.2021,Füzuli,P3
           | ^
          = hint: Each record must have a unique id; remove the duplicate or correct its id.
        services.csv:2:1: note: the id "1" is first used here
         2 | 1,05.01.2021,Füzuli,P1
           | ^
        1 error, 0 warnings

        """)
    }

    @Test("text: in a file with personal cells the diagnostic's row is masked and the note's row not quoted")
    func personalRows() throws {
        // `person` is the person key of distinct(person): personal unless declared otherwise.
        let dir = try workspace(["defs.yml": definitions, "services.csv": Self.log])
        let run = try Run(["validate", "defs.yml"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr == """
        services.csv:4:1: error: Line 4 repeats the id "1" already used on line 2 [duplicate-key]
         4 | 1,07.02.2021,Füzuli,••
           | ^
          = hint: Each record must have a unique id; remove the duplicate or correct its id.
        services.csv:2:1: note: the id "1" is first used here
        1 error, 0 warnings

        """)
    }

    @Test("json, github and junit carry the note with its place")
    func machineFormats() throws {
        let dir = try workspace(["defs.yml": definitions, "services.csv": Self.log])
        let json = try Run(["validate", "defs.yml", "--format", "json"], in: dir).stdout
        #expect(json.contains("""
              "hint": "Each record must have a unique id; remove the duplicate or correct its id.",
              "notes": [
                {
                  "file": "services.csv",
                  "line": 2,
                  "column": 1,
                  "message": "the id \\"1\\" is first used here"
                }
              ]
        """))
        let github = try Run(["validate", "defs.yml", "--format", "github"], in: dir).stdout
        #expect(github.contains("::notice file=services.csv,line=2,col=1,title=duplicate-key::the id \"1\" is first used here\n"))
        let junit = try Run(["validate", "defs.yml", "--format", "junit"], in: dir).stdout
        #expect(junit.contains("(note: services.csv:2:1: the id &quot;1&quot; is first used here)"))
    }
}
