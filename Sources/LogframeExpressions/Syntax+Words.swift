import LogframeCore

/// An expression said in plain language: the pass that reads a `value` to a donor (the PIRS
/// "computation") or to an auditor (`explain`'s "in words").
///
///     percent(distinct(person where sex == "F"), distinct(person))
///     plain:      number of distinct person among records where Sex is Female as a percentage
///                 of number of distinct person among all records
///     as written: number of distinct person among records where sex == "F" as a percentage of
///                 number of distinct person among all records
///
/// In `.plain` words nothing of the syntax is left: conditions, fields and values are said with
/// the names the caller gives (`Names`: a dimension's title for its field, a category's label
/// for its value). In `.asWritten` words the aggregates and arithmetic are said in words and
/// the conditions and arguments quoted as written, for a reader who checks them against the
/// definitions. The words are a table per language (`ExpressionWord`, English and
/// Azerbaijani), like the report's labels.
public struct ExpressionWords {
    public enum Mode: Sendable {
        /// Everything in words, for a donor.
        case plain
        /// Aggregates and arithmetic in words, conditions and arguments as written.
        case asWritten
    }

    /// What the expression's names are called in words. Each returns nil to say the name as it
    /// is (a field id with its underscores as spaces and without a parent source's id).
    public struct Names: Sendable {
        /// A field's name: `sex` -> `Sex`.
        public var field: @Sendable (String) -> String?
        /// A value of a field, as a category label: (`sex`, `F`) -> `Female`.
        public var value: @Sendable (_ field: String, _ value: String) -> String?
        /// Another indicator's title: `OP1.1` -> `People who applied for legal support`.
        public var indicator: @Sendable (String) -> String?

        public init(field: @escaping @Sendable (String) -> String? = { _ in nil },
                    value: @escaping @Sendable (String, String) -> String? = { _, _ in nil },
                    indicator: @escaping @Sendable (String) -> String? = { _ in nil }) {
            self.field = field; self.value = value; self.indicator = indicator
        }
    }

    public let language: String
    public let mode: Mode
    public let names: Names
    /// The expression's text, for `.asWritten` quotes (the syntax's ranges are offsets into it).
    private let bytes: [UInt8]

    public init(text: String, language: String, mode: Mode, names: Names = Names()) {
        self.bytes = Array(text.utf8)
        self.language = language
        self.mode = mode
        self.names = names
    }

    /// The expression `text` in words; the text as it is if it does not parse (the loader has
    /// refused such a definitions file already).
    public static func describe(_ text: String, language: String, mode: Mode, names: Names = Names()) -> String {
        guard case .success(let syntax) = ExpressionParser.parse(text) else { return text }
        return ExpressionWords(text: text, language: language, mode: mode, names: names).words(syntax)
    }

    /// The numerator and denominator of `percent(a, b)` or `ratio(a, b)`, when the whole
    /// expression is one.
    public static func ratioParts(_ syntax: Syntax) -> (Syntax, Syntax)? {
        guard case .call(let name, let arguments, nil) = syntax.kind, name == "percent" || name == "ratio",
              arguments.count == 2 else { return nil }
        return (arguments[0], arguments[1])
    }

    // MARK: - Values and arithmetic

    /// The syntax in words.
    public func words(_ syntax: Syntax) -> String {
        switch syntax.kind {
        case .literal(let value):
            return mode == .plain ? literal(value, field: nil) : value.description
        case .field(let name):
            return mode == .plain ? field(name) : written(syntax)
        case .indicator(let id):
            if let title = names.indicator(id) { return say(.indicatorWithTitle, id, title) }
            return say(.indicator, id)
        case .unary(.negate, let operand):
            return say(.negate, grouped(operand))
        case .binary(let op, let a, let b):
            guard let word = Self.arithmetic[op] else { return condition(syntax) }
            return say(word, grouped(a), grouped(b))
        case .call(let name, let arguments, let filter):
            if let aggregate = AggregateFunction(rawValue: name) { return self.aggregate(aggregate, arguments, filter) }
            if name == "percent" || name == "ratio", arguments.count == 2 {
                return say(name == "percent" ? .percent : .ratio, grouped(arguments[0]), grouped(arguments[1]))
            }
            return mode == .plain ? rowFunction(name, arguments) ?? written(syntax) : written(syntax)
        case .list, .unary(.not, _), .isNull:
            return condition(syntax)
        }
    }

    /// Arithmetic inside arithmetic gets parentheses, so the words keep the grouping.
    func grouped(_ syntax: Syntax) -> String {
        switch syntax.kind {
        case .binary: return "(" + words(syntax) + ")"
        // "(A as a percentage of B) plus C": the percentage is one term. (Not yet in `explain`'s
        // as-written words, whose text is kept as it was.)
        case .call(let name, let arguments, _) where mode == .plain && (name == "percent" || name == "ratio") && arguments.count == 2:
            return "(" + words(syntax) + ")"
        default: return words(syntax)
        }
    }

    static let arithmetic: [BinaryOperator: ExpressionWord] = [.add: .plus, .subtract: .minus, .multiply: .times, .divide: .dividedBy]

    func aggregate(_ function: AggregateFunction, _ arguments: [Syntax], _ filter: Syntax?) -> String {
        let argument = mode == .plain ? list(arguments.map(words), last: .listAnd) : arguments.map(written).joined(separator: ", ")
        let records = filter.map { say(.recordsWhere, condition($0)) } ?? say(.allRecords)
        switch function {
        case .count:
            if arguments.isEmpty { return filter.map { say(.countWhere, condition($0)) } ?? say(.count) }
            return filter.map { say(.countValuesWhere, argument, condition($0)) } ?? say(.countValues, argument)
        case .distinct:
            return say(arguments.count == 1 ? .distinct : .distinctCombinations, argument, records)
        case .sum: return say(.sum, argument, records)
        case .avg: return say(.average, argument, records)
        case .min: return say(.smallest, argument, records)
        case .max: return say(.largest, argument, records)
        }
    }

    // MARK: - Conditions

    /// A condition (a `where` filter): quoted as written, or in words.
    func condition(_ syntax: Syntax) -> String {
        mode == .asWritten ? written(syntax) : conditionWords(syntax)
    }

    func conditionWords(_ syntax: Syntax) -> String {
        switch syntax.kind {
        case .binary(.and, let a, let b):
            return say(.and, groupedCondition(a, inside: .and), groupedCondition(b, inside: .and))
        case .binary(.or, let a, let b):
            return say(.or, groupedCondition(a, inside: .or), groupedCondition(b, inside: .or))
        case .binary(let op, let a, let b):
            if let word = Self.comparisons[op] {
                return say(word, words(a), operand(b, comparedWith: a))
            }
            return words(syntax)
        case .unary(.not, let operand):
            if case .field = operand.kind { return say(.isNo, words(operand)) }
            return say(.not, conditionWords(operand))
        case .isNull(let operand, let negated):
            return say(negated ? .isRecorded : .isNotRecorded, words(operand))
        case .field:
            // A boolean field on its own: `where disability`.
            return say(.isYes, words(syntax))
        default:
            return words(syntax)
        }
    }

    /// `or` inside `and` (and the reverse) gets parentheses: "A and (B or C)".
    func groupedCondition(_ syntax: Syntax, inside op: BinaryOperator) -> String {
        if case .binary(let inner, _, _) = syntax.kind, inner == .and || inner == .or, inner != op {
            return "(" + conditionWords(syntax) + ")"
        }
        return conditionWords(syntax)
    }

    static let comparisons: [BinaryOperator: ExpressionWord] = [
        .equal: .equal, .notEqual: .notEqual, .less: .less, .lessOrEqual: .atMost,
        .greater: .greater, .greaterOrEqual: .atLeast, .in: .oneOf, .notIn: .noneOf,
    ]

    /// The right side of a comparison: a value of a field is said as its category label.
    func operand(_ syntax: Syntax, comparedWith left: Syntax) -> String {
        var fieldName: String?
        if case .field(let name) = left.kind { fieldName = name }
        switch syntax.kind {
        case .literal(let value): return literal(value, field: fieldName)
        case .list(let items):
            return list(items.map { item in
                if case .literal(let value) = item.kind { return literal(value, field: fieldName) }
                return words(item)
            }, last: .listOr)
        default: return words(syntax)
        }
    }

    func literal(_ value: Value, field: String?) -> String {
        switch value {
        case .null: return say(.notRecorded)
        case .bool(let b): return say(b ? .yes : .no)
        // A value without a label, with its underscores as spaces: `family_preserved`.
        case .text(let text): return field.flatMap { names.value($0, text) } ?? text.replacingOccurrences(of: "_", with: " ")
        case .list(let items): return list(items.map { literal($0, field: field) }, last: .listOr)
        default: return value.description
        }
    }

    /// `A, B or C` (`last` is the word before the last item).
    func list(_ items: [String], last: ExpressionWord) -> String {
        guard items.count > 1 else { return items.joined() }
        return items.dropLast().joined(separator: ", ") + " " + say(last) + " " + items.last!
    }

    func field(_ name: String) -> String {
        // A parent's field (`households.district`) without the source's id.
        names.field(name) ?? String(name.split(separator: ".").last ?? Substring(name)).replacingOccurrences(of: "_", with: " ")
    }

    // MARK: - Row functions

    func rowFunction(_ name: String, _ arguments: [Syntax]) -> String? {
        let a = arguments.map(words)
        switch (name, a.count) {
        case ("year", 1): return say(.year, a[0])
        case ("quarter", 1): return say(.quarter, a[0])
        case ("month", 1): return say(.month, a[0])
        case ("days", 2): return say(.days, a[0], a[1])
        case ("lower", 1), ("upper", 1), ("trim", 1): return a[0]
        case ("length", 1): return say(.length, a[0])
        case ("contains", 2): return say(.contains, a[0], operand(arguments[1], comparedWith: arguments[0]))
        case ("starts_with", 2): return say(.startsWith, a[0], operand(arguments[1], comparedWith: arguments[0]))
        case ("has", 2): return say(.has, a[0], operand(arguments[1], comparedWith: arguments[0]))
        case ("coalesce", 1...): return list(a, last: .otherwise)
        case ("if", 3): return say(.ifElse, conditionWords(arguments[0]), a[1], a[2])
        default: return nil
        }
    }

    // MARK: - Text

    func written(_ syntax: Syntax) -> String {
        let range = syntax.range.clamped(to: 0..<bytes.count)
        return String(decoding: bytes[range], as: UTF8.self)
    }

    func say(_ word: ExpressionWord, _ arguments: String...) -> String {
        let pair = ExpressionWord.table[word]!
        return TextTemplate.fill(language == "az" ? pair.az : pair.en, arguments)
    }
}

/// The words of `ExpressionWords`, in English and Azerbaijani; `%1`, `%2`, ... are the parts.
public enum ExpressionWord: CaseIterable, Sendable {
    case indicator, indicatorWithTitle, negate, plus, minus, times, dividedBy, percent, ratio
    case allRecords, recordsWhere, count, countWhere, countValues, countValuesWhere
    case distinct, distinctCombinations, sum, average, smallest, largest
    case and, or, not, equal, notEqual, less, atMost, greater, atLeast, oneOf, noneOf
    case isYes, isNo, isRecorded, isNotRecorded, yes, no, notRecorded, listAnd, listOr, otherwise
    case year, quarter, month, days, length, contains, startsWith, has, ifElse

    static let table: [ExpressionWord: (en: String, az: String)] = [
        .indicator: ("the value of %1", "%1 göstəricisinin dəyəri"),
        .indicatorWithTitle: ("the value of %1 (%2)", "%1 göstəricisinin dəyəri (%2)"),
        .negate: ("minus %1", "mənfi %1"),
        .plus: ("%1 plus %2", "%1 üstəgəl %2"),
        .minus: ("%1 minus %2", "%1 çıx %2"),
        .times: ("%1 times %2", "%1 vur %2"),
        .dividedBy: ("%1 divided by %2", "%1 böl %2"),
        .percent: ("%1 as a percentage of %2", "%2 içində %1 payı, faizlə"),
        .ratio: ("the ratio of %1 to %2", "%1 və %2 nisbəti"),
        .allRecords: ("all records", "bütün qeydlər"),
        .recordsWhere: ("records where %1", "«%1» şərtini ödəyən qeydlər"),
        .count: ("number of records", "bütün qeydlərin sayı"),
        .countWhere: ("number of records where %1", "«%1» şərtini ödəyən qeydlərin sayı"),
        .countValues: ("number of records with a value in %1", "%1 qeyd olunmuş qeydlərin sayı"),
        .countValuesWhere: ("number of records with a value in %1 where %2", "«%2» şərtini ödəyən və %1 qeyd olunmuş qeydlərin sayı"),
        .distinct: ("number of distinct %1 among %2", "%2 arasında fərqli %1 sayı"),
        .distinctCombinations: ("number of distinct combinations of (%1) among %2", "%2 arasında fərqli (%1) birləşmələrinin sayı"),
        .sum: ("total of %1 over %2", "%2 üzrə %1 cəmi"),
        .average: ("average of %1 over %2", "%2 üzrə %1 orta dəyəri"),
        .smallest: ("smallest %1 among %2", "%2 arasında ən kiçik %1"),
        .largest: ("largest %1 among %2", "%2 arasında ən böyük %1"),
        .and: ("%1 and %2", "%1 və %2"),
        .or: ("%1 or %2", "%1 və ya %2"),
        .not: ("not (%1)", "(%1) deyil"),
        .equal: ("%1 is %2", "%1: %2"),
        .notEqual: ("%1 is not %2", "%1: %2 deyil"),
        .less: ("%1 is under %2", "%1 %2 həddindən aşağı"),
        .atMost: ("%1 is at most %2", "%1 ən çoxu %2"),
        .greater: ("%1 is over %2", "%1 %2 həddindən yuxarı"),
        .atLeast: ("%1 is at least %2", "%1 ən azı %2"),
        .oneOf: ("%1 is %2", "%1: %2"),
        .noneOf: ("%1 is none of %2", "%1 bunlardan deyil: %2"),
        .isYes: ("%1 is yes", "%1: bəli"),
        .isNo: ("%1 is no", "%1: xeyr"),
        .isRecorded: ("%1 is recorded", "%1 qeyd olunub"),
        .isNotRecorded: ("%1 is not recorded", "%1 qeyd olunmayıb"),
        .yes: ("yes", "bəli"),
        .no: ("no", "xeyr"),
        .notRecorded: ("not recorded", "qeyd olunmayıb"),
        .listAnd: ("and", "və"),
        .listOr: ("or", "və ya"),
        .otherwise: ("else", "yoxdursa"),
        .year: ("the year of %1", "%1 ili"),
        .quarter: ("the quarter of %1", "%1 rübü"),
        .month: ("the month of %1", "%1 ayı"),
        .days: ("the days from %1 to %2", "%1 ilə %2 arasındakı günlər"),
        .length: ("the length of %1", "%1 uzunluğu"),
        .contains: ("%1 contains %2", "%1 içində %2 var"),
        .startsWith: ("%1 starts with %2", "%1 %2 ilə başlayır"),
        .has: ("%1 includes %2", "%1 içində %2 var"),
        .ifElse: ("%2 if %1, else %3", "%1 olduqda %2, əks halda %3"),
    ]
}
