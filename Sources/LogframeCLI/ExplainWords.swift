import LogframeCore
import LogframeDefinitions
import LogframeExpressions

/// An indicator's `value` expression in plain words, for `explain`:
///
///     distinct(person_id where service == "legal")
///     -> number of distinct person_id among records where service == "legal"
///
/// Filters and aggregate arguments are quoted as written (they are already short conditions
/// over named columns); the aggregate functions and the arithmetic between them are put in words.
enum ExplainWords {
    static func describe(_ text: String, definitions: Definitions) -> String {
        guard case .success(let syntax) = ExpressionParser.parse(text) else { return text }
        return Renderer(bytes: Array(text.utf8), definitions: definitions).words(syntax)
    }

    private struct Renderer {
        let bytes: [UInt8]
        let definitions: Definitions

        func written(_ syntax: Syntax) -> String {
            let range = syntax.range.clamped(to: 0..<bytes.count)
            return String(decoding: bytes[range], as: UTF8.self)
        }

        func words(_ syntax: Syntax) -> String {
            switch syntax.kind {
            case .literal(let value):
                return value.description
            case .indicator(let id):
                if let indicator = definitions.indicators.first(where: { $0.id == id }) {
                    return "the value of \(id) (\(indicator.title.text()))"
                }
                return "the value of \(id)"
            case .unary(.negate, let operand):
                return "minus " + grouped(operand)
            case .binary(let op, let a, let b):
                let name: String
                switch op {
                case .add: name = "plus"
                case .subtract: name = "minus"
                case .multiply: name = "times"
                case .divide: name = "divided by"
                default: return written(syntax)
                }
                return "\(grouped(a)) \(name) \(grouped(b))"
            case .call(let name, let arguments, let filter):
                if (name == "percent" || name == "ratio") && arguments.count == 2 {
                    return name == "percent"
                        ? "\(grouped(arguments[0])) as a percentage of \(grouped(arguments[1]))"
                        : "the ratio of \(grouped(arguments[0])) to \(grouped(arguments[1]))"
                }
                guard let function = AggregateFunction(rawValue: name) else { return written(syntax) }
                let argument = arguments.map(written).joined(separator: ", ")
                let condition = filter.map { "records where " + written($0) } ?? "all records"
                switch function {
                case .count:
                    let base = arguments.isEmpty ? "number of records" : "number of records with a value in \(argument)"
                    return filter.map { base + " where " + written($0) } ?? base
                case .distinct:
                    let what = arguments.count == 1 ? argument : "combinations of (\(argument))"
                    return "number of distinct \(what) among \(condition)"
                case .sum: return "total of \(argument) over \(condition)"
                case .avg: return "average of \(argument) over \(condition)"
                case .min: return "smallest \(argument) among \(condition)"
                case .max: return "largest \(argument) among \(condition)"
                }
            default:
                return written(syntax)
            }
        }

        /// Arithmetic inside arithmetic gets parentheses so the words keep the grouping.
        func grouped(_ syntax: Syntax) -> String {
            if case .binary = syntax.kind { return "(" + words(syntax) + ")" }
            return words(syntax)
        }
    }
}
