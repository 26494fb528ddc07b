import LogframeCore
import LogframeDefinitions
import LogframeExpressions

/// One row of `logframe sql`'s result (docs/sql.md, "What comes back"): the columns as text,
/// nil for SQL NULL (never confused with an empty string).
public struct BuildingBlock: Sendable, Equatable {
    public var kind: String
    public var id: String
    public var bucket: Int?
    public var breakdown: String?
    public var keys: [String?]
    public var n: Int?
    public var inputs: Int?
    public var distinctCount: Int?
    /// Exact decimals as the engine printed them (`12.5000000000`).
    public var sum: String?
    public var min: String?
    public var max: String?

    /// The result's columns, in order.
    public static let columns = ["kind", "id", "bucket", "breakdown", "k1", "k2", "k3", "n", "inputs",
                                 "distinct_count", "sum_value", "min_value", "max_value"]

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    /// A row of the result from its cells, in `columns` order.
    public init(cells: [String?]) throws {
        guard cells.count == BuildingBlock.columns.count else {
            throw Malformed(description: "a result row has \(cells.count) columns, not \(BuildingBlock.columns.count)")
        }
        func integer(_ i: Int) throws -> Int? {
            guard let text = cells[i] else { return nil }
            guard let value = Int(text) else {
                throw Malformed(description: "column \(BuildingBlock.columns[i]) holds \"\(text)\", not a whole number")
            }
            return value
        }
        guard let kind = cells[0], let id = cells[1] else { throw Malformed(description: "a result row has no kind or id") }
        self.kind = kind
        self.id = TextNormalization.nfc(id)
        bucket = try integer(2)
        breakdown = cells[3]
        keys = cells[4...6].map { $0.map(TextNormalization.nfc) }
        n = try integer(7)
        inputs = try integer(8)
        distinctCount = try integer(9)
        sum = cells[10]
        min = cells[11]
        max = cells[12]
    }
}

extension Engine {
    /// The figures of a report computed in a database: the rows of `logframe sql`'s script
    /// (`blocks`) fill the same `CellTotals` the local pass fills, and `figures` does the rest
    /// (division, running sums, zero-filled categories, not recorded, overlap, levels, targets,
    /// status), so the two paths share every line that is not reading records.
    ///
    /// - Parameter table: the name a source's table has in the database (for messages and
    ///   `sources[].files`).
    public static func run(definitions: Definitions, asOf: CivilDate, blocks: [BuildingBlock],
                           table: @escaping (SourceDefinition) -> String) throws -> EngineResult {
        let plan = CountingPlan(definitions: definitions, asOf: asOf)
        return figures(plan, try DatabaseTotals(plan: plan, table: table).fill(blocks))
    }
}

/// Fills `CellTotals` from the building blocks a database returned.
struct DatabaseTotals {
    let plan: CountingPlan
    let table: (SourceDefinition) -> String

    struct CellID: Hashable {
        var id: String
        var breakdown: String
        var keys: [String?]
    }

    func fill(_ blocks: [BuildingBlock]) throws -> CellTotals {
        let definitions = plan.definitions
        let bucketCount = plan.bucketCount
        let undated = plan.undatedBucket
        func bucket(_ block: BuildingBlock) throws -> Int {
            guard let b = block.bucket, b >= -1, b < plan.periods.count else {
                throw BuildingBlock.Malformed(description: "\(block.kind) \(block.id) has no period bucket in range (\(block.bucket.map(String.init) ?? "NULL"))")
            }
            return b == -1 ? undated : b
        }
        var cells: [CellID: [Int: BuildingBlock]] = [:]
        var firstSeen: [CellID: [Int: Int]] = [:]
        var matched: [String: [String: Int]] = [:]
        var sourceCounts: [String: [String: Int?]] = [:]
        var problems: [String: [(severity: String, code: String, n: Int)]] = [:]
        var problemRows: [String: [BuildingBlock]] = [:]
        for block in blocks {
            switch block.kind {
            case "cell", "first_seen":
                let id = CellID(id: block.id, breakdown: block.breakdown ?? "*", keys: block.keys)
                if block.kind == "cell" { cells[id, default: [:]][try bucket(block)] = block }
                else { firstSeen[id, default: [:]][try bucket(block)] = block.n ?? 0 }
            case "matched":
                matched[block.id, default: [:]][block.keys[0] ?? ""] = block.n ?? 0
            case "source":
                sourceCounts[block.id, default: [:]][block.keys[0] ?? ""] = .some(block.n)
            case "problem":
                problems[block.id, default: []].append((block.breakdown ?? "error", block.keys[0] ?? "", block.n ?? 0))
            case "problem_row":
                problemRows[block.id, default: []].append(block)
            default:
                throw BuildingBlock.Malformed(description: "unknown kind of result row \"\(block.kind)\"")
            }
        }
        // Cells by aggregate and breakdown, under the ids the script gives them.
        var grouped: [String: [String: [CellID]]] = [:]
        for id in cells.keys { grouped[id.id, default: [:]][id.breakdown, default: []].append(id) }

        let categories = definitions.dimensions.map { DimensionCategories(definition: $0) }
        var totals = CellTotals(cells: [], categories: categories,
                                rowsMatched: Array(repeating: [:], count: plan.formulas.indicators.count))
        for aggregate in plan.formulas.aggregates {
            let writer = plan.formulas.indicators[aggregate.writtenIn.indicator].definition
            let id = "\(writer.id)#\(aggregate.writtenIn.call + 1)"
            var perBreakdown: [[CellKey: CellTotal]] = []
            for dimensions in aggregate.breakdowns {
                let names = dimensions.map { definitions.dimensions[$0].id }
                let label = names.isEmpty ? "*" : names.joined(separator: ",")
                // A call inlined from `$W` into indicator O's breakdowns that W has not: the
                // script computes it as `O/W#n` (SQLScript, compileIndicator).
                let owner = plan.formulas.indicators[aggregate.owners[0]].definition
                let source = names.isEmpty || writer.breakdowns.contains(names) ? id : "\(owner.id)/\(id)"
                var breakdownCells: [CellKey: CellTotal] = [:]
                for cellID in grouped[source]?[label] ?? [] {
                    let combination = dimensions.enumerated().map { position, dimension in
                        cellID.keys[position].map { categories[dimension].index(of: $0) } ?? DimensionCategories.notRecorded
                    }
                    breakdownCells[CellKey(combination)] = try cellTotal(aggregate.function, cells[cellID] ?? [:],
                                                                         firstSeen[cellID] ?? [:], bucketCount: bucketCount)
                }
                perBreakdown.append(breakdownCells)
            }
            totals.cells.append(perBreakdown)
        }
        for (index, indicator) in plan.formulas.indicators.enumerated() {
            totals.rowsMatched[index] = matched[indicator.definition.id] ?? [:]
        }
        for source in definitions.sources {
            guard let counts = sourceCounts[source.id] else {
                throw BuildingBlock.Malformed(description: "the result has no row counts for source \(source.id)")
            }
            func count(_ label: String) throws -> Int {
                guard let value = counts[label] ?? nil else {
                    throw BuildingBlock.Malformed(description: "the result has no \(label) count for source \(source.id)")
                }
                return value
            }
            let name = table(source)
            totals.sources.append(SourceFigures(id: source.id, files: [(path: "table:" + name, sha256: "")],
                                                rowsRead: try count("read"), rowsUsed: try count("used"),
                                                rowsRejected: try count("rejected"), rowsAfterAsOf: try count("after_as_of")))
            if let first = counts["first_bucket"] ?? nil {
                if first == -1 { totals.hasUndated[source.id] = true } else { totals.firstBucket[source.id] = first }
            }
            // The reader's problems: the first ones row by row, the others counted (as a file's
            // diagnostics past the cap are), so the report's error and warning counts agree.
            let file = "table \(name)"
            var listed: [String: Int] = [:]
            for row in (problemRows[source.id] ?? []).sorted(by: { ($0.inputs ?? 0) < ($1.inputs ?? 0) }) {
                let severity = row.breakdown ?? "error"
                let code = row.keys[0] ?? "rejected"
                listed[severity + " " + code, default: 0] += 1
                totals.log.append(DatabaseTotals.diagnostic(severity: severity, code: code, key: row.keys[1],
                                                            detail: row.keys[2], line: row.n, file: file, source: source))
            }
            for problem in problems[source.id] ?? [] {
                for _ in 0 ..< Swift.max(0, problem.n - (listed[problem.severity + " " + problem.code] ?? 0)) {
                    totals.log.countSuppressed(file: file, code: problem.code, severity: problem.severity == "warning" ? .warning : .error)
                }
            }
        }
        return totals
    }

    /// One problem row as a diagnostic: located by the table and the row's `_line`, naming its key.
    static func diagnostic(severity: String, code: String, key: String?, detail: String?, line: Int?,
                           file: String, source: SourceDefinition) -> Diagnostic {
        // A personal key is named by its length only, as the local reader does.
        let personalKey = source.hasPersonalKey
        let row = "Row \(line.map(String.init) ?? "?")"
            + (key.map { " (\(source.key.joined(separator: ", ")) \(personalKey ? PersonalValue.mask($0) : "\"" + $0 + "\""))" } ?? "")
        let column = detail ?? ""
        let what: String
        switch code {
        case "field-type": what = "its \(column) is not a value of the field's type"
        case "field-required": what = "its \(column) is empty, but the field is required"
        case "field-not-in-list": what = "its \(column) is not one of the allowed values"
        case "field-out-of-range": what = "its \(column) is outside the field's min/max"
        case "field-pattern": what = "its \(column) does not have the expected form (pattern)"
        case "date-missing": what = "it has no \(column): every record of source \(source.id) needs a date"
        case "date-outside-programme": what = "its \(column) is outside the programme"
        case "rule-failed": what = "it fails the rule: \(column)"
        case "duplicate-key": what = "it repeats a \(source.key.joined(separator: ", ")) already used on an earlier row"
        case "orphan-parent":
            // The detail is the parent key the row names (nil: none), masked when personal.
            let link = source.parent.map { ($0.key, $0.source) } ?? ("", "")
            let personal = source.fields.first { $0.id == link.0 }?.personal == true
            what = detail.map { "its \(link.0) \(personal ? PersonalValue.mask($0) : "\"" + $0 + "\"") names no record of \(link.1)" }
                ?? "it has no \(link.0), so it cannot be joined to a record of \(link.1)"
        default: what = "it was refused (\(code))"
        }
        let message = "\(row) of source \(source.id) is \(severity == "warning" ? "kept, but" : "rejected:") \(what)"
        let location = SourceLocation(file: file, line: line)
        return severity == "warning" ? .warning(code, at: location, message) : .error(code, at: location, message)
    }

    /// One cell's per-bucket totals from its rows, shaped as the local accumulator shapes them.
    func cellTotal(_ function: AggregateFunction, _ rows: [Int: BuildingBlock], _ first: [Int: Int], bucketCount: Int) throws -> CellTotal {
        var total = CellTotal(matched: Array(repeating: 0, count: bucketCount), inputs: [], sumSignificands: [], sumScale: 0,
                              sumOverflowed: false, extremes: [], distinct: nil)
        for (b, row) in rows { total.matched[b] = row.n ?? 0 }
        switch function.kept {
        case .matchedOnly:
            break
        case .sum:
            total.inputs = Array(repeating: 0, count: bucketCount)
            var parsed: [Int: (Int128, Int)] = [:]
            for (b, row) in rows {
                total.inputs[b] = row.inputs ?? 0
                if let text = row.sum { parsed[b] = try DatabaseTotals.decimalParts(text) }
            }
            let scale = parsed.values.map(\.1).max() ?? 0
            total.sumScale = scale
            total.sumSignificands = Array(repeating: 0, count: bucketCount)
            for (b, (significand, s)) in parsed {
                let (scaled, overflow) = significand.multipliedReportingOverflow(by: power10(scale - s))
                if overflow { total.sumOverflowed = true } else { total.sumSignificands[b] = scaled }
            }
        case .extreme(let keepSmaller):
            total.inputs = Array(repeating: 0, count: bucketCount)
            total.extremes = Array(repeating: nil, count: bucketCount)
            for (b, row) in rows {
                total.inputs[b] = row.inputs ?? 0
                if let text = keepSmaller ? row.min : row.max {
                    guard let value = ExactDecimal(parsing: text) else {
                        throw BuildingBlock.Malformed(description: "\"\(text)\" is not an exact decimal")
                    }
                    total.extremes[b] = value
                }
            }
        case .tuples:
            let periods = bucketCount - 1
            var perBucket = Array(repeating: 0, count: bucketCount)
            for (b, row) in rows { perBucket[b] = row.distinctCount ?? 0 }
            // A tuple's first bucket: -1 (undated, the last bucket here) before every period. A
            // source is dated or not, so an aggregate over dated sources only has no undated
            // first-seen rows, and its dated cumulative values are exact; with undated sources
            // the figures read the cumulative values with undated tuples, exact too.
            var dated = Array(repeating: 0, count: periods), withUndated = Array(repeating: 0, count: periods)
            var running = 0, runningWithUndated = first[periods] ?? 0
            for p in 0 ..< periods {
                running += first[p] ?? 0
                runningWithUndated += first[p] ?? 0
                dated[p] = running
                withUndated[p] = runningWithUndated
            }
            total.distinct = DistinctSummary(perBucket: perBucket, cumulativeDated: dated, cumulativeWithUndated: withUndated)
        }
        return total
    }

    /// The significand and scale of a decimal as a database prints it (`-12.5000000000`), exactly:
    /// sums may have more integer digits than data values.
    static func decimalParts(_ text: String) throws -> (Int128, Int) {
        var digits = Substring(text.trimmingCharacters(in: " "))
        var negative = false
        if digits.first == "-" || digits.first == "+" { negative = digits.first == "-"; digits = digits.dropFirst() }
        let pieces = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = pieces[0], fraction = pieces.count > 1 ? pieces[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }),
              whole.count + fraction.count <= 38, let significand = Int128(whole + fraction) else {
            throw BuildingBlock.Malformed(description: "\"\(text)\" is not an exact decimal")
        }
        return (negative ? -significand : significand, fraction.count)
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
