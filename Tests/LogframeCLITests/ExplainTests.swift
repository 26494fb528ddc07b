import Foundation
import Testing

private let explainDefinitions = """
logframe: 1
programme:
  id: CRC
  title: Community Resource Centres
  start: 2021-01-01
  end: 2021-12-31
sources:
  services:
    path: services.csv
    key: id
    date: date
    fields:
      id: text
      date: date
      centre: {type: text, in: [Füzuli, Tərtər]}
      person: text
      service: text
dimensions:
  centre: {field: centre}
results:
  - id: OP1
    level: output
    title: Services delivered
    indicators:
      - id: OP1.1
        title: People given legal aid
        value: distinct(person where service == "legal")
        by: centre
        target: 4
      - id: OP1.2
        title: Share of people given legal aid
        value: percent(distinct(person where service == "legal"), distinct(person))
"""

// R2's service is a quoted cell over two lines, so R3 starts on physical line 5.
private let explainLog = """
id,date,centre,person,service
R1,2021-01-05,Füzuli,P1,legal
R2,2021-02-06,Tərtər,P2,"psycho
social"
R3,2021-05-07,Füzuli,P1,legal
R4,2021-05-08,Tərtər,P1,legal
R5,2021-08-09,Füzuli,P3,legal
R6,2021-11-01,Füzuli,P4,legal

"""

@Suite("explain")
struct ExplainTests {
    @Test("The whole output for a small fixture, with --rows 2")
    func whole() throws {
        let dir = try workspace(["defs.yml": explainDefinitions, "services.csv": explainLog])
        let run = try Run(["explain", "defs.yml", "OP1.1", "--rows", "2", "--as-of", "2021-09-30"], in: dir)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        // The expected value is the engine's (a straight line to the target, 18 decimals); take
        // it from the JSON report rather than pinning its last digit here.
        let report = try Run(["report", "defs.yml", "--format", "json", "--as-of", "2021-09-30"], in: dir)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let expected = try #require((json["indicators"] as? [[String: Any]])?.first?["expected"] as? NSNumber)
        let expectedText = try #require(report.stdout.components(separatedBy: "\"expected\": ").dropFirst().first?
            .components(separatedBy: ",").first)
        #expect(expectedText.hasPrefix("2.98901098901098901"), "\(expected)")
        #expect(run.stdout == """
        OP1.1  People given legal aid
          result OP1 (output): Services delivered

        Value, as written:  distinct(person where service == "legal")
        In words:           number of distinct person among records where service == "legal"
        Sources:            services
        Counting unit:      distinct
        As of:              2021-09-30
        Cumulative:         yes (the current value is the cumulative value)

        Data files
          services: 6 rows read, 0 rejected, 4 matched by the indicator's filters (1 dated after 2021-09-30, left out)
            services.csv  sha256 1d2c33a911e8a5ddcc8d3e16e732c52ffb0cbeb589badf78516ad66a7699d6f5

        Periods
          period   from        to          value  cumulative  target
          2021-Q1  2021-01-01  2021-03-31  1      1           n/a
          2021-Q2  2021-04-01  2021-06-30  1      1           n/a
          2021-Q3  2021-07-01  2021-09-30  1      2           n/a

        Breakdown by centre (overlap: 1, counted in more than one cell, so the cells add up to more than the total)
          centre        value
          Füzuli        2
          Tərtər        1
          not recorded  0

        Current value:      2
        Target:             4
        Expected by now:    \(expectedText)
        Progress:           50%
        Status:             at-risk

        Records matched by the indicator's filters (first 2 per source of 4):
          services.csv:2  id=R1
          services.csv:5  id=R3
          services: and 2 more

        """)
    }

    @Test("--rows all and --period: the period's records; percent shows numerator and denominator")
    func periodRows() throws {
        let dir = try workspace(["defs.yml": explainDefinitions, "services.csv": explainLog])
        let run = try Run(["explain", "defs.yml", "OP1.2", "--period", "2021-Q2", "--rows", "all", "--as-of", "2021-09-30"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("""
        In words:           number of distinct person among records where service == "legal" as a percentage of number of distinct person among all records
        """))
        #expect(run.stdout.contains("""
        Periods
          period   from        to          value  cumulative  target  numerator  denominator
          2021-Q2  2021-04-01  2021-06-30  100    50          n/a     1          1

        """))
        #expect(run.stdout.contains("Current value:      66.666666666666666667 (numerator 2, denominator 3)\n"))
        #expect(run.stdout.hasSuffix("""
        Records matched by the indicator's filters in 2021-Q2 (2):
          services.csv:5  id=R3
          services.csv:6  id=R4

        """))
    }

    @Test("Figures are the report's: current, numerator and denominator equal the JSON report's")
    func sameAsReport() throws {
        let dir = try workspace(["defs.yml": explainDefinitions, "services.csv": explainLog])
        let report = try Run(["report", "defs.yml", "--format", "json", "--as-of", "2021-09-30"], in: dir)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let indicators = try #require(json["indicators"] as? [[String: Any]])
        for indicator in indicators {
            let id = try #require(indicator["id"] as? String)
            let explain = try Run(["explain", "defs.yml", id, "--as-of", "2021-09-30"], in: dir)
            #expect(explain.status == 0)
            let line = try #require(explain.stdout.split(separator: "\n").first { $0.hasPrefix("Current value:") })
            let shown = line.dropFirst("Current value:".count).trimmingCharacters(in: .whitespaces)
                .components(separatedBy: " (").first ?? ""
            let current = try #require(indicator["current"] as? NSNumber)
            #expect(Decimal(string: shown) == current.decimalValue, "\(id): explain \(shown), report \(current)")
            if let numerator = indicator["numerator"] as? NSNumber, let denominator = indicator["denominator"] as? NSNumber {
                #expect(line.contains("(numerator \(numerator), denominator \(denominator))"))
            }
            let matched = try #require((indicator["rowsMatched"] as? [String: Int])?["services"])
            #expect(explain.stdout.contains("\(matched) matched by the indicator's filters"))
        }
    }

    @Test("Unknown indicator or period: exit 2 with a did-you-mean")
    func unknown() throws {
        let dir = try workspace(["defs.yml": explainDefinitions, "services.csv": explainLog])
        let indicator = try Run(["explain", "defs.yml", "OP1.3"], in: dir)
        #expect(indicator.status == 2)
        #expect(indicator.stdout == "")
        #expect(indicator.stderr == """
        error: unknown indicator "OP1.3"; did you mean "OP1.1"? [unknown-indicator]
          = hint: the indicators are OP1.1, OP1.2

        """)
        let period = try Run(["explain", "defs.yml", "OP1.1", "--period", "2021-Q7", "--as-of", "2021-09-30"], in: dir)
        #expect(period.status == 2)
        #expect(period.stderr == """
        error: unknown period "2021-Q7"; did you mean "2021-Q1"? [unknown-period]
          = hint: the periods reported as of 2021-09-30 are 2021-Q1, 2021-Q2, 2021-Q3

        """)
        let later = try Run(["explain", "defs.yml", "OP1.1", "--period", "2021-Q4", "--as-of", "2021-09-30"], in: dir)
        #expect(later.status == 2)
        #expect(later.stderr.hasPrefix("error: period \"2021-Q4\" starts after the as-of date 2021-09-30 [unknown-period]\n"))
        #expect(try Run(["explain", "defs.yml", "OP1.1", "--rows", "some"], in: dir).status == 2)
        #expect(try Run(["explain", "defs.yml"], in: dir).status == 2)
    }

    @Test("Broken definitions: exit 1 with the diagnostics, as for report")
    func brokenDefinitions() throws {
        let dir = try workspace(["defs.yml": explainDefinitions.replacingOccurrences(of: "distinct(person)", with: "distinct(persn)"),
                                 "services.csv": explainLog])
        let run = try Run(["explain", "defs.yml", "OP1.1"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr.contains("[unknown-field]"))
    }
}
