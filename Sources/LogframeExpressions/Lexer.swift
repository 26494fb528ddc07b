import LogframeCore

/// One token of an expression. `range` is in UTF-8 byte offsets into the expression text.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(ExactDecimal)
        case string(String)
        case date(CivilDate)
        /// An identifier, possibly dotted (`households.district`); never a keyword.
        case identifier(String)
        /// `$OP1.1` (the id without the `$`).
        case indicator(String)
        case keyword(Keyword)
        case symbol(Symbol)
        /// A lexical error, reported by the parser when it reaches this token (so that errors come
        /// out in text order).
        case error(message: String, hint: String?)
        case end
    }

    enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `in`, `is`, null, `true`, `false`, `where`
    }

    enum Symbol: String, Sendable {
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]", comma = ","
        case plus = "+", minus = "-", star = "*", slash = "/"
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    var kind: Kind
    var range: Range<Int>

    /// How the token reads in a message: `"=="`, `"where"`, `the end of the expression`.
    var quoted: String {
        switch kind {
        case .number(let n): return "\"\(n)\""
        case .string(let s): return "the text \"\(s)\""
        case .date(let d): return "\"\(d)\""
        case .identifier(let name): return "\"\(name)\""
        case .indicator(let id): return "\"$\(id)\""
        case .keyword(let k): return "\"\(k.rawValue)\""
        case .symbol(let s): return "\"\(s.rawValue)\""
        case .error: return "an invalid token"
        case .end: return "the end of the expression"
        }
    }
}

/// Splits an expression into tokens. Never fails: invalid input becomes `.error` tokens.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    /// UTF-8 offset of each scalar, plus one past the end.
    private let offsets: [Int]
    private var index = 0

    init(_ text: String) {
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        var offset = 0
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        self.scalars = scalars
        self.offsets = offsets
    }

    static func tokenize(_ text: String) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if case .end = token.kind { break }
        }
        return tokens
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let i = index + ahead
        return i < scalars.count ? scalars[i] : nil
    }

    private func range(from start: Int) -> Range<Int> { offsets[start] ..< offsets[index] }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.isASCII ? (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") : c.properties.isAlphabetic)
    }

    static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c) || (!c.isASCII && c.properties.generalCategory == .decimalNumber)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private static func isIndicatorChar(_ c: Unicode.Scalar) -> Bool {
        isIdentifierContinue(c) || c == "." || c == "-"
    }

    mutating func next() -> Token {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { index += 1 }
        let start = index
        guard let c = peek() else { return Token(kind: .end, range: range(from: start)) }

        if Lexer.isDigit(c) { return number(start: start) }
        if Lexer.isIdentifierStart(c) {
            index += 1
            while let d = peek() {
                if Lexer.isIdentifierContinue(d) {
                    index += 1
                } else if d == ".", let e = peek(1), Lexer.isIdentifierStart(e) {
                    index += 2
                } else {
                    break
                }
            }
            let name = String(String.UnicodeScalarView(scalars[start..<index]))
            if let keyword = Token.Keyword(rawValue: name) {
                return Token(kind: .keyword(keyword), range: range(from: start))
            }
            return Token(kind: .identifier(name), range: range(from: start))
        }
        index += 1
        switch c {
        case "\"": return string(start: start)
        case "$":
            while let d = peek(), Lexer.isIndicatorChar(d) { index += 1 }
            // A trailing `.` or `-` belongs to the text around the id, not to the id.
            while index > start + 1, scalars[index - 1] == "." || scalars[index - 1] == "-" { index -= 1 }
            if index == start + 1 {
                return Token(kind: .error(message: "expected an indicator id after \"$\"", hint: "write another indicator's id, e.g. $OP1.1"), range: range(from: start))
            }
            let id = String(String.UnicodeScalarView(scalars[(start + 1)..<index]))
            return Token(kind: .indicator(id), range: range(from: start))
        case "(": return symbol(.leftParen, start)
        case ")": return symbol(.rightParen, start)
        case "[": return symbol(.leftBracket, start)
        case "]": return symbol(.rightBracket, start)
        case ",": return symbol(.comma, start)
        case "+": return symbol(.plus, start)
        case "-": return symbol(.minus, start)
        case "*": return symbol(.star, start)
        case "/": return symbol(.slash, start)
        case "=":
            if peek() == "=" { index += 1; return symbol(.equal, start) }
            return Token(kind: .error(message: "unexpected \"=\", did you mean \"==\"?", hint: "compare with ==, e.g. sex == \"F\""), range: range(from: start))
        case "!":
            if peek() == "=" { index += 1; return symbol(.notEqual, start) }
            return Token(kind: .error(message: "unexpected \"!\"", hint: "use `not` to negate a condition, or != to compare"), range: range(from: start))
        case "<":
            if peek() == "=" { index += 1; return symbol(.lessOrEqual, start) }
            if peek() == ">" {
                index += 1
                return Token(kind: .error(message: "unexpected \"<>\"", hint: "use != for \"not equal\""), range: range(from: start))
            }
            return symbol(.less, start)
        case ">":
            if peek() == "=" { index += 1; return symbol(.greaterOrEqual, start) }
            return symbol(.greater, start)
        case "&":
            if peek() == "&" { index += 1 }
            return Token(kind: .error(message: "unexpected \"\(range(from: start).count == 2 ? "&&" : "&")\"", hint: "use `and` to combine conditions"), range: range(from: start))
        case "|":
            if peek() == "|" { index += 1 }
            return Token(kind: .error(message: "unexpected \"\(range(from: start).count == 2 ? "||" : "|")\"", hint: "use `or` to combine conditions"), range: range(from: start))
        case "'":
            return Token(kind: .error(message: "unexpected \"'\"", hint: "write text in double quotes, e.g. \"legal\""), range: range(from: start))
        default:
            return Token(kind: .error(message: "unexpected \"\(Character(c))\"", hint: nil), range: range(from: start))
        }
    }

    private mutating func symbol(_ s: Token.Symbol, _ start: Int) -> Token {
        Token(kind: .symbol(s), range: range(from: start))
    }

    private mutating func digits() -> Int {
        var count = 0
        while let c = peek(), Lexer.isDigit(c) { index += 1; count += 1 }
        return count
    }

    private mutating func number(start: Int) -> Token {
        let integerDigits = digits()
        // A date: dddd-dd-dd (anything date-like but not exactly that is an error, not arithmetic).
        if integerDigits == 4, peek() == "-", let d1 = peek(1), Lexer.isDigit(d1) {
            let save = index
            index += 1
            let monthDigits = digits()
            if peek() == "-", let d2 = peek(1), Lexer.isDigit(d2), monthDigits <= 2 {
                index += 1
                let dayDigits = digits()
                let text = String(String.UnicodeScalarView(scalars[start..<index]))
                if monthDigits == 2, dayDigits == 2 {
                    if let date = CivilDate(iso: text) {
                        return Token(kind: .date(date), range: range(from: start))
                    }
                    return Token(kind: .error(message: "\(text) is not a valid date", hint: "dates are written yyyy-mm-dd, e.g. 2021-03-31"), range: range(from: start))
                }
                if dayDigits <= 2 {
                    return Token(kind: .error(message: "\(text) is not a valid date", hint: "dates are written yyyy-mm-dd with two-digit months and days, e.g. 2021-03-01"), range: range(from: start))
                }
            }
            index = save
        }
        if peek() == ".", let d = peek(1), Lexer.isDigit(d) {
            index += 1
            _ = digits()
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = ExactDecimal(parsing: text) else {
            return Token(kind: .error(message: "the number \(text) is too large", hint: nil), range: range(from: start))
        }
        return Token(kind: .number(value), range: range(from: start))
    }

    private mutating func string(start: Int) -> Token {
        var text = String.UnicodeScalarView()
        while let c = peek() {
            index += 1
            switch c {
            case "\"":
                return Token(kind: .string(TextNormalization.nfc(String(text))), range: range(from: start))
            case "\\":
                guard let e = peek() else { break }
                index += 1
                switch e {
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "n": text.append("\n")
                case "t": text.append("\t")
                default:
                    let escapeStart = index - 2
                    // Skip to the closing quote so the error covers just the escape.
                    return Token(kind: .error(message: "unknown escape \"\\\(Character(e))\" in text", hint: "inside quotes, write \\\" for a quote and \\\\ for a backslash"), range: offsets[escapeStart] ..< offsets[index])
                }
            default:
                text.append(c)
            }
        }
        return Token(kind: .error(message: "unterminated text: missing closing \"", hint: "close the text with a double quote"), range: range(from: start))
    }
}
