import LogframeCore

/// Recursive-descent parser. Precedence, loosest first:
///
///     or
///     and
///     not                       (prefix)
///     == != < <= > >= in, not in, is null, is not null   (non-associative)
///     + -
///     * /
///     -                         (prefix)
///     primary: literal, [list], (expr), field, $ID, name(args [where cond])
struct Parser {
    private var tokens: [Token]
    private var position = 0
    private let textEnd: Int

    init(_ text: String) {
        tokens = Lexer.tokenize(text)
        textEnd = text.utf8.count
    }

    static func parse(_ text: String) -> Result<Syntax, ExpressionError> {
        if text.utf8.count > Syntax.maxLength {
            return .failure(ExpressionError(
                code: "expression-too-long",
                message: "the expression is too long: \(text.utf8.count) bytes, the limit is \(Syntax.maxLength)",
                hint: "split it into several indicators and combine them with $ID, or list many values with `in [...]`",
                range: 0..<0))
        }
        var parser = Parser(text)
        do {
            let syntax = try parser.parseExpression()
            let token = try parser.current()
            guard case .end = token.kind else {
                var hint: String? = nil
                if case .identifier = token.kind { hint = "is an operator such as `and` or `==` missing?" }
                if case .keyword(.where) = token.kind { hint = "`where` filters an aggregate and goes inside its parentheses: count(where x == 1)" }
                if case .symbol(.rightParen) = token.kind { hint = "there are more ')' than '('" }
                throw SyntaxError(message: "unexpected \(token.quoted) after the expression", hint: hint, range: token.range)
            }
            return .success(syntax)
        } catch let error as SyntaxError {
            return .failure(ExpressionError(code: error.code, message: error.message, hint: error.hint, range: error.range))
        } catch {
            fatalError("unreachable")
        }
    }

    struct SyntaxError: Error {
        var message: String
        var hint: String?
        var range: Range<Int>
        var code = "expression-syntax"
    }

    /// How many parentheses, brackets, calls, `not` and unary `-` are open.
    private var nesting = 0

    /// Enters one more level of nesting at `token`; throws past `Syntax.maxNesting`.
    private mutating func enter(_ token: Token) throws {
        nesting += 1
        if nesting > Syntax.maxNesting {
            throw SyntaxError(message: "the expression is too deep: more than \(Syntax.maxNesting) levels of parentheses, calls, `not` or `-` inside each other",
                              hint: "simplify the expression or split it into several indicators combined with $ID",
                              range: token.range, code: "expression-too-deep")
        }
    }

    /// A node built by an operator chain; throws when the tree is deeper than `Syntax.maxDepth`.
    private func checked(_ node: Syntax, at token: Token) throws -> Syntax {
        if node.depth > Syntax.maxDepth {
            throw SyntaxError(message: "the expression is too deep: more than \(Syntax.maxDepth) operators nested or chained",
                              hint: "split it into several indicators combined with $ID, or test many values with `in [...]`",
                              range: token.range, code: "expression-too-deep")
        }
        return node
    }

    // MARK: Tokens

    /// The current token; throws if it is a lexical error.
    private func current() throws -> Token {
        let token = tokens[position]
        if case .error(let message, let hint) = token.kind {
            throw SyntaxError(message: message, hint: hint, range: token.range)
        }
        return token
    }

    private func peekKind(_ ahead: Int = 0) -> Token.Kind {
        tokens[min(position + ahead, tokens.count - 1)].kind
    }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func accept(_ symbol: Token.Symbol) throws -> Token? {
        let token = try current()
        if case .symbol(symbol) = token.kind { return advance() }
        return nil
    }

    private mutating func accept(_ keyword: Token.Keyword) throws -> Token? {
        let token = try current()
        if case .keyword(keyword) = token.kind { return advance() }
        return nil
    }

    private func unexpected(_ token: Token, expected: String, hint: String? = nil) -> SyntaxError {
        if case .end = token.kind {
            return SyntaxError(message: "\(expected), found the end of the expression", hint: hint, range: token.range)
        }
        return SyntaxError(message: "\(expected), found \(token.quoted)", hint: hint, range: token.range)
    }

    // MARK: Grammar

    mutating func parseExpression() throws -> Syntax { try parseOr() }

    private mutating func parseOr() throws -> Syntax {
        var left = try parseAnd()
        while let token = try accept(.or) {
            let right = try parseAnd()
            left = try checked(Syntax(.binary(.or, left, right), range: left.range.lowerBound ..< right.range.upperBound), at: token)
        }
        return left
    }

    private mutating func parseAnd() throws -> Syntax {
        var left = try parseNot()
        while let token = try accept(.and) {
            let right = try parseNot()
            left = try checked(Syntax(.binary(.and, left, right), range: left.range.lowerBound ..< right.range.upperBound), at: token)
        }
        return left
    }

    private mutating func parseNot() throws -> Syntax {
        if let not = try accept(.not) {
            try enter(not)
            defer { nesting -= 1 }
            let operand = try parseNot()
            return try checked(Syntax(.unary(.not, operand), range: not.range.lowerBound ..< operand.range.upperBound), at: not)
        }
        return try parseComparison()
    }

    /// The comparison operator at the current position, if any, and how many tokens it spans.
    private func comparisonOperator() -> (BinaryOperator, Int)? {
        switch peekKind() {
        case .symbol(.equal): return (.equal, 1)
        case .symbol(.notEqual): return (.notEqual, 1)
        case .symbol(.less): return (.less, 1)
        case .symbol(.lessOrEqual): return (.lessOrEqual, 1)
        case .symbol(.greater): return (.greater, 1)
        case .symbol(.greaterOrEqual): return (.greaterOrEqual, 1)
        case .keyword(.in): return (.in, 1)
        case .keyword(.not):
            if case .keyword(.in) = peekKind(1) { return (.notIn, 2) }
            return nil
        default: return nil
        }
    }

    private var atComparison: Bool {
        if comparisonOperator() != nil { return true }
        if case .keyword(.is) = peekKind() { return true }
        return false
    }

    private mutating func parseComparison() throws -> Syntax {
        let left = try parseAdditive()
        let result: Syntax
        _ = try current()
        if let (op, width) = comparisonOperator() {
            let opToken = advance()
            if width == 2 { _ = advance() }
            let right = try parseAdditive()
            result = try checked(Syntax(.binary(op, left, right), range: left.range.lowerBound ..< right.range.upperBound), at: opToken)
        } else if let isToken = try accept(.is) {
            let negated = try accept(.not) != nil
            guard let nullToken = try accept(.null) else {
                throw unexpected(try current(), expected: "expected `null` or `not null` after `is`", hint: "test for a missing value with `x is null` or `x is not null`")
            }
            result = try checked(Syntax(.isNull(left, negated: negated), range: left.range.lowerBound ..< nullToken.range.upperBound), at: isToken)
        } else {
            return left
        }
        _ = try current()
        if atComparison {
            let token = tokens[position]
            throw SyntaxError(message: "comparisons cannot be chained: unexpected \(token.quoted)", hint: "combine comparisons with `and`, e.g. age >= 18 and age < 60", range: token.range)
        }
        return result
    }

    private func isEnd(_ token: Token) -> Bool {
        if case .end = token.kind { return true }
        return false
    }

    private mutating func parseAdditive() throws -> Syntax {
        var left = try parseMultiplicative()
        while true {
            let op: BinaryOperator
            let token = try current()
            if try accept(.plus) != nil { op = .add } else if try accept(.minus) != nil { op = .subtract } else { break }
            let right = try parseMultiplicative()
            left = try checked(Syntax(.binary(op, left, right), range: left.range.lowerBound ..< right.range.upperBound), at: token)
        }
        return left
    }

    private mutating func parseMultiplicative() throws -> Syntax {
        var left = try parseUnary()
        while true {
            let op: BinaryOperator
            let token = try current()
            if try accept(.star) != nil { op = .multiply } else if try accept(.slash) != nil { op = .divide } else { break }
            let right = try parseUnary()
            left = try checked(Syntax(.binary(op, left, right), range: left.range.lowerBound ..< right.range.upperBound), at: token)
        }
        return left
    }

    private mutating func parseUnary() throws -> Syntax {
        if let minus = try accept(.minus) {
            try enter(minus)
            defer { nesting -= 1 }
            let operand = try parseUnary()
            return try checked(Syntax(.unary(.negate, operand), range: minus.range.lowerBound ..< operand.range.upperBound), at: minus)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws -> Syntax {
        let token = try current()
        switch token.kind {
        case .number(let n):
            _ = advance()
            return Syntax(.literal(.number(n)), range: token.range)
        case .string(let s):
            _ = advance()
            return Syntax(.literal(.text(s)), range: token.range)
        case .date(let d):
            _ = advance()
            return Syntax(.literal(.date(d)), range: token.range)
        case .keyword(.true):
            _ = advance()
            return Syntax(.literal(.bool(true)), range: token.range)
        case .keyword(.false):
            _ = advance()
            return Syntax(.literal(.bool(false)), range: token.range)
        case .keyword(.null):
            _ = advance()
            return Syntax(.literal(.null), range: token.range)
        case .indicator(let id):
            _ = advance()
            return Syntax(.indicator(id), range: token.range)
        case .symbol(.leftParen):
            _ = advance()
            try enter(token)
            defer { nesting -= 1 }
            let inner = try parseExpression()
            guard let close = try accept(.rightParen) else {
                throw unexpected(try current(), expected: "expected ')' to close '('")
            }
            // Parentheses only group: keep the inner node, widened to cover them.
            return Syntax(inner.kind, range: token.range.lowerBound ..< close.range.upperBound)
        case .symbol(.leftBracket):
            _ = advance()
            try enter(token)
            defer { nesting -= 1 }
            var elements: [Syntax] = []
            if let close = try accept(.rightBracket) {
                return Syntax(.list([]), range: token.range.lowerBound ..< close.range.upperBound)
            }
            while true {
                elements.append(try parseExpression())
                if let close = try accept(.rightBracket) {
                    return try checked(Syntax(.list(elements), range: token.range.lowerBound ..< close.range.upperBound), at: token)
                }
                guard try accept(.comma) != nil else {
                    throw unexpected(try current(), expected: "expected ',' or ']' in the list")
                }
            }
        case .identifier(let name):
            _ = advance()
            guard try accept(.leftParen) != nil else {
                return Syntax(.field(name), range: token.range)
            }
            try enter(token)
            defer { nesting -= 1 }
            return try parseCall(name: name, nameToken: token)
        case .keyword(let keyword):
            let hint: String? = switch keyword {
            case .where: "`where` goes inside an aggregate's parentheses, after its arguments: count(where x == 1)"
            case .and, .or, .in, .is: "a value is missing before \"\(keyword.rawValue)\""
            default: nil
            }
            throw SyntaxError(message: "unexpected \"\(keyword.rawValue)\"", hint: hint, range: token.range)
        case .end:
            throw SyntaxError(message: "unexpected end of the expression: a value is missing", hint: nil, range: token.range)
        case .symbol(let symbol):
            throw SyntaxError(message: "unexpected \"\(symbol.rawValue)\"", hint: symbol == .rightParen ? "a value is missing before ')'" : nil, range: token.range)
        case .error(let message, let hint):
            throw SyntaxError(message: message, hint: hint, range: token.range)
        }
    }

    /// After `name(`: arguments, an optional `where` clause, then `)`.
    private mutating func parseCall(name: String, nameToken: Token) throws -> Syntax {
        var arguments: [Syntax] = []
        var filter: Syntax?
        let closeMessage = "expected ')' to close the call to \(name)"
        if let close = try accept(.rightParen) {
            return Syntax(.call(name: name, arguments: [], filter: nil), range: nameToken.range.lowerBound ..< close.range.upperBound)
        }
        if try accept(.where) == nil {
            while true {
                arguments.append(try parseExpression())
                if try accept(.comma) == nil { break }
            }
            if try accept(.where) != nil {
                filter = try parseExpression()
            }
        } else {
            filter = try parseExpression()
        }
        let token = try current()
        if case .symbol(.comma) = token.kind, filter != nil {
            throw SyntaxError(message: "unexpected \",\" after the `where` condition", hint: "the `where` clause comes after all the arguments: \(name)(a, b where condition)", range: token.range)
        }
        guard let close = try accept(.rightParen) else {
            throw unexpected(token, expected: closeMessage)
        }
        return try checked(Syntax(.call(name: name, arguments: arguments, filter: filter), range: nameToken.range.lowerBound ..< close.range.upperBound), at: nameToken)
    }
}
