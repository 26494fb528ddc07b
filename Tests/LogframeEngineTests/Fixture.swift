import Foundation
import LogframeCore
import LogframeDefinitions
import LogframeEngine
import LogframeReport
import LogframeTestSupport

/// Engine tests load their programmes through the shared fixture.
typealias Fixture = ProgrammeFixture

extension EngineResult {
    func indicator(_ id: String) -> IndicatorFigures {
        indicators.first { $0.id == id }!
    }
}

extension ProgrammeFixture {
    /// The one status of an indicator as of a date (`Verdicts.decide`).
    func status(_ id: String, asOf: String) -> Status {
        let result = run(asOf: asOf)
        let definition = definitions.indicators.first { $0.id == id }!
        return Verdicts.decide(definition, result.indicator(id), programme: definitions.programme, asOf: result.asOf).status
    }
}

extension IndicatorFigures {
    /// Period values as text ("n/a" for null), for one-line assertions.
    var periodValues: [String] { periods.map { $0.value.value?.description ?? "n/a" } }
    var cumulativeValues: [String] { periods.map { $0.cumulative.value?.description ?? "n/a" } }
    var currentText: String { current.value?.description ?? "n/a" }

    func breakdown(_ dimensions: String...) -> BreakdownFigures {
        breakdowns.first { $0.dimensions == dimensions }!
    }
}

extension BreakdownFigures {
    /// "label=value" per cell, in display order.
    var cellValues: [String] {
        cells.map { cell in
            cell.key.map { $0.category ?? "∅" }.joined(separator: "/") + "=" + (cell.value.value?.description ?? "n/a")
        }
    }
}

/// The header of a quarterly programme over 2021 with one `services` source; append indicators.
func programme(periods: String = "quarterly", start: String = "2021-01-01", end: String = "2021-12-31",
               extraProgramme: String = "", extraSources: String = "", dimensions: String = "", indicators: String) -> String {
    """
    logframe: 1
    programme:
      id: T
      title: Test
      start: \(start)
      end: \(end)
      periods: \(periods)
    \(extraProgramme)
    sources:
      services:
        path: services.csv
        key: id
        date: date
        fields:
          id: text
          date: date
          person: text
          sex: {type: text, in: [F, M]}
          district: {type: text, in: [Füzuli, Ağcabədi, Tərtər]}
          service: text
          age: integer
          disability: boolean
          hours: number
    \(extraSources)
    \(dimensions.isEmpty ? "" : "dimensions:\n" + dimensions)
    results:
      - id: R1
        level: output
        title: Results
        indicators:
    \(indicators)
    """
}
