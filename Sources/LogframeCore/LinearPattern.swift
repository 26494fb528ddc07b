/// The regular expressions of `pattern:` (docs/definitions.md), matched in time linear in the
/// value: the pattern compiles to a Thompson automaton that is run on every state at once (no
/// backtracking), so a pattern such as `(a+)+$` cannot take exponential time on a hostile value.
///
/// The whole value must match. Supported: literal characters; `.` (any character but a line
/// break); `\d \D \w \W \s \S`; escaped punctuation (`\.`, `\-`, ...), `\t \n \r`, `\uHHHH`;
/// classes `[a-z0-9_]`, `[^...]` (with those escapes inside); groups `(...)` and `(?:...)`;
/// alternation `|`; the quantifiers `* + ? {n} {n,} {n,m}` (m at most 1,000), optionally lazy
/// (`*?`, which matches the same whole values); `^` and `$`. Back-references, look-around, word
/// boundaries, flags and possessive quantifiers need backtracking and are refused with a reason.
public struct LinearPattern: Sendable {
    public struct Invalid: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The most automaton states one pattern may compile to (a `{n,m}` repeats its operand).
    public static let maxStates = 20_000
    public static let maxRepeat = 1_000
    static let maxNesting = 100

    private let program: [Instruction]

    public init(_ pattern: String) throws(Invalid) {
        var parser = PatternParser(Array(pattern.unicodeScalars))
        let node = try parser.parseAll()
        var program: [Instruction] = []
        try LinearPattern.compile(node, into: &program)
        program.append(.match)
        self.program = program
    }

    /// Whether the whole text matches.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var current: [Int] = []
        var next: [Int] = []
        var mark = [Int](repeating: -1, count: program.count)
        var work: [Int] = []
        var generation = 0

        func add(_ start: Int, at position: Int, to list: inout [Int]) {
            work.append(start)
            while let pc = work.popLast() {
                if mark[pc] == generation { continue }
                mark[pc] = generation
                switch program[pc] {
                case .jump(let target): work.append(target)
                case .split(let a, let b): work.append(b); work.append(a)
                case .atStart: if position == 0 { work.append(pc + 1) }
                case .atEnd: if position == scalars.count { work.append(pc + 1) }
                default: list.append(pc)
                }
            }
        }

        add(0, at: 0, to: &current)
        for (index, scalar) in scalars.enumerated() {
            if current.isEmpty { return false }
            generation += 1
            next.removeAll(keepingCapacity: true)
            for pc in current {
                let advances: Bool
                switch program[pc] {
                case .scalar(let s): advances = s == scalar
                case .any: advances = scalar != "\n" && scalar != "\r"
                case .set(let set): advances = set.contains(scalar)
                default: advances = false
                }
                if advances { add(pc + 1, at: index + 1, to: &next) }
            }
            swap(&current, &next)
        }
        return current.contains { if case .match = program[$0] { return true } else { return false } }
    }

    // MARK: - Compiling

    private static func compile(_ node: PatternNode, into program: inout [Instruction]) throws(Invalid) {
        func emit(_ instruction: Instruction) throws(Invalid) {
            program.append(instruction)
            if program.count > maxStates {
                throw Invalid(reason: "it is too large once its repetitions are written out (more than \(maxStates) steps)")
            }
        }
        switch node {
        case .empty: break
        case .scalar(let s): try emit(.scalar(s))
        case .any: try emit(.any)
        case .set(let set): try emit(.set(set))
        case .start: try emit(.atStart)
        case .end: try emit(.atEnd)
        case .concat(let parts):
            for part in parts { try compile(part, into: &program) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split ... ; last branch.
            var jumps: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = program.count
                    try emit(.split(split + 1, -1))
                    try compile(branch, into: &program)
                    jumps.append(program.count)
                    try emit(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try compile(branch, into: &program)
                }
            }
            for j in jumps { program[j] = .jump(program.count) }
        case .repetition(let inner, let min, let max):
            for _ in 0..<min { try compile(inner, into: &program) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    try emit(.split(program.count + 1, -1))
                    try compile(inner, into: &program)
                }
                for s in splits { program[s] = .split(s + 1, program.count) }
            } else {
                let loop = program.count
                try emit(.split(loop + 1, -1))
                try compile(inner, into: &program)
                try emit(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
    }
}

enum Instruction: Sendable {
    case scalar(Unicode.Scalar)
    case any
    case set(ScalarSet)
    case split(Int, Int)
    case jump(Int)
    case atStart
    case atEnd
    case match
}

/// A character class: ranges and named classes, possibly negated.
struct ScalarSet: Sendable {
    enum Named: Sendable { case digit, word, space }
    var ranges: [ClosedRange<UInt32>] = []
    var named: [(Named, negated: Bool)] = []
    var negated = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var found = ranges.contains { $0.contains(scalar.value) }
        if !found {
            found = named.contains { name, negated in ScalarSet.isIn(name, scalar) != negated }
        }
        return found != negated
    }

    static func isIn(_ name: Named, _ scalar: Unicode.Scalar) -> Bool {
        switch name {
        case .digit: return scalar.properties.numericType == .decimal
        case .space: return scalar.properties.isWhitespace
        case .word:
            return scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
                || scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .spacingMark
        }
    }
}

indirect enum PatternNode {
    case empty
    case scalar(Unicode.Scalar)
    case any
    case set(ScalarSet)
    case start, end
    case concat([PatternNode])
    case alternation([PatternNode])
    case repetition(PatternNode, min: Int, max: Int?)
}

struct PatternParser {
    typealias Invalid = LinearPattern.Invalid
    let scalars: [Unicode.Scalar]
    var i = 0
    var depth = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { i >= scalars.count }
    var peek: Unicode.Scalar? { atEnd ? nil : scalars[i] }

    mutating func parseAll() throws(Invalid) -> PatternNode {
        let node = try parseAlternation()
        if let c = peek {
            throw Invalid(reason: c == ")" ? "it has a `)` that closes no `(`" : "unexpected `\(c)`")
        }
        return node
    }

    mutating func parseAlternation() throws(Invalid) -> PatternNode {
        var branches = [try parseConcat()]
        while peek == "|" {
            i += 1
            branches.append(try parseConcat())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func parseConcat() throws(Invalid) -> PatternNode {
        var parts: [PatternNode] = []
        while let c = peek, c != "|", c != ")" {
            var atom = try parseAtom()
            if let (min, max) = try parseQuantifier() {
                if case .start = atom { throw Invalid(reason: "`^` cannot be repeated") }
                if case .end = atom { throw Invalid(reason: "`$` cannot be repeated") }
                atom = .repetition(atom, min: min, max: max)
                if peek == "?" { i += 1 }  // lazy: the same whole values match
                if let c = peek, c == "*" || c == "+" || c == "?" || c == "{" {
                    throw Invalid(reason: "`\(c)` follows another quantifier (possessive or nested quantifiers are not supported; use a group)")
                }
            }
            parts.append(atom)
        }
        return parts.isEmpty ? .empty : parts.count == 1 ? parts[0] : .concat(parts)
    }

    mutating func parseQuantifier() throws(Invalid) -> (Int, Int?)? {
        guard let c = peek else { return nil }
        switch c {
        case "*": i += 1; return (0, nil)
        case "+": i += 1; return (1, nil)
        case "?": i += 1; return (0, 1)
        case "{":
            i += 1
            let min = try number()
            var max: Int? = min
            if peek == "," {
                i += 1
                max = peek == "}" ? nil : try number()
            }
            guard peek == "}" else { throw Invalid(reason: "a `{` is not a repetition such as {2} or {2,5}") }
            i += 1
            guard min <= LinearPattern.maxRepeat, (max ?? 0) <= LinearPattern.maxRepeat else {
                throw Invalid(reason: "a repetition is above \(LinearPattern.maxRepeat)")
            }
            if let max, max < min { throw Invalid(reason: "in {\(min),\(max)} the maximum is below the minimum") }
            return (min, max)
        default: return nil
        }
    }

    mutating func number() throws(Invalid) -> Int {
        var value = 0, digits = 0
        while let c = peek, let d = c.properties.numericType == .decimal && c.isASCII ? Int(c.value) - 48 : nil {
            value = Swift.min(value * 10 + d, LinearPattern.maxRepeat + 1)
            digits += 1
            i += 1
        }
        if digits == 0 { throw Invalid(reason: "a `{` is not a repetition such as {2} or {2,5}") }
        return value
    }

    mutating func parseAtom() throws(Invalid) -> PatternNode {
        let c = scalars[i]
        i += 1
        switch c {
        case "(":
            depth += 1
            defer { depth -= 1 }
            if depth > LinearPattern.maxNesting { throw Invalid(reason: "its groups nest more than \(LinearPattern.maxNesting) deep") }
            if peek == "?" {
                guard i + 1 < scalars.count, scalars[i + 1] == ":" else {
                    throw Invalid(reason: "`(?` groups other than `(?:` (look-around, flags, named groups) are not supported")
                }
                i += 2
            }
            let inner = try parseAlternation()
            guard peek == ")" else { throw Invalid(reason: "a `(` is never closed") }
            i += 1
            return inner
        case "[": return .set(try parseClass())
        case ".": return .any
        case "^": return .start
        case "$": return .end
        case "\\": return try parseEscape(inClass: false)
        case "*", "+", "?": throw Invalid(reason: "`\(c)` has nothing to repeat")
        case "{": throw Invalid(reason: "`{` has nothing to repeat (write `\\{` for the character)")
        default: return .scalar(c)
        }
    }

    mutating func parseClass() throws(Invalid) -> ScalarSet {
        var set = ScalarSet()
        if peek == "^" { set.negated = true; i += 1 }
        var first = true
        while true {
            guard let c = peek else { throw Invalid(reason: "a `[` is never closed") }
            if c == "]" && !first { i += 1; return set }
            first = false
            i += 1
            var low: Unicode.Scalar
            if c == "\\" {
                switch try parseEscape(inClass: true) {
                case .scalar(let s): low = s
                case .set(let named): set.named += named.named; continue
                default: throw Invalid(reason: "unsupported escape in a class")
                }
            } else if c == "[" {
                throw Invalid(reason: "nested classes or [:name:] inside `[...]` are not supported (write `\\[` for the character)")
            } else {
                low = c
            }
            if peek == "-", i + 1 < scalars.count, scalars[i + 1] != "]" {
                i += 1
                var high = scalars[i]
                i += 1
                if high == "\\" {
                    guard case .scalar(let s) = try parseEscape(inClass: true) else { throw Invalid(reason: "a range ends in a class such as \\d") }
                    high = s
                }
                guard low.value <= high.value else { throw Invalid(reason: "the range \(low)-\(high) is backwards") }
                set.ranges.append(low.value...high.value)
            } else {
                set.ranges.append(low.value...low.value)
            }
        }
    }

    mutating func parseEscape(inClass: Bool) throws(Invalid) -> PatternNode {
        guard let c = peek else { throw Invalid(reason: "it ends with a lone `\\`") }
        i += 1
        func named(_ name: ScalarSet.Named, _ negated: Bool) -> PatternNode {
            var set = ScalarSet()
            set.named = [(name, negated)]
            return .set(set)
        }
        switch c {
        case "d": return named(.digit, false)
        case "D": return named(.digit, true)
        case "w": return named(.word, false)
        case "W": return named(.word, true)
        case "s": return named(.space, false)
        case "S": return named(.space, true)
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "u":
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let h = peek, let digit = h.isASCII ? UInt32(String(h), radix: 16) : nil else {
                    throw Invalid(reason: "`\\u` needs four hexadecimal digits")
                }
                value = value * 16 + digit
                i += 1
            }
            guard let scalar = Unicode.Scalar(value) else { throw Invalid(reason: "`\\u` names no character") }
            return .scalar(scalar)
        default:
            if c.isASCII && !c.properties.isAlphabetic && c.properties.numericType == nil { return .scalar(c) }
            let what = c.properties.numericType != nil ? "back-references such as \\\(c) are" : "`\\\(c)` is"
            throw Invalid(reason: "\(what) not supported in patterns")
        }
    }
}
