import LogframeCore
import Testing
@testable import LogframeExpressions

@Suite struct ParserTests {
    @Test(arguments: [
        // precedence, loosest first: or, and, not, comparison, + -, * /, unary -
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("a or b or c", "((a or b) or c)"),
        ("not a and b", "((not a) and b)"),
        ("not a == 1", "(not (a == 1))"),
        ("not not a", "(not (not a))"),
        ("a == 1 or b != 2 and c < 3", "((a == 1) or ((b != 2) and (c < 3)))"),
        ("a + 1 == b * 2", "((a + 1) == (b * 2))"),
        ("a + b * c", "(a + (b * c))"),
        ("a * b + c", "((a * b) + c)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b / c", "((a / b) / c)"),
        ("(a + b) * c", "((a + b) * c)"),
        ("-a * b", "((-a) * b)"),
        ("- -a", "(-(-a))"),
        ("a - -1", "(a - (-1))"),
        ("a <= 1", "(a <= 1)"),
        ("a >= 1", "(a >= 1)"),
        ("a > 1", "(a > 1)"),
        ("a in [1, 2]", "(a in [1, 2])"),
        ("a not in [\"x\"]", "(a not in [\"x\"])"),
        ("not a in [1]", "(not (a in [1]))"),
        ("a is null", "(a is null)"),
        ("a is not null", "(a is not null)"),
        ("a + 1 is null or b", "(((a + 1) is null) or b)"),
        ("not a is not null", "(not (a is not null))"),
        ("x in []", "(x in [])"),
        // literals
        ("12", "12"),
        ("3.50", "3.5"),
        ("\"legal\"", "\"legal\""),
        ("\"say \\\"hi\\\" \\\\ ok\"", "\"say \\\"hi\\\" \\\\ ok\""),
        ("true", "true"),
        ("false", "false"),
        ("null", "null"),
        ("2021-03-31", "2021-03-31"),
        ("d >= 2021-01-01 and d < 2021-04-01", "((d >= 2021-01-01) and (d < 2021-04-01))"),
        ("2021 - 3", "(2021 - 3)"),
        ("[]", "[]"),
        ("[1, -2, \"x\"]", "[1, (-2), \"x\"]"),
        // names
        ("households.district == \"X\"", "(households.district == \"X\")"),
        ("$OP1.1 - $OP1.2", "($OP1.1 - $OP1.2)"),
        ("$OP-1_a", "$OP-1_a"),
        ("$OP1.1-$OP1.2", "($OP1.1 - $OP1.2)"),
        ("12abc", "<error>"),
        ("($OP1.1)", "$OP1.1"),
        ("$A.", "<error>"),
        // calls
        ("count()", "count()"),
        ("count(where service == \"legal\")", "count(where (service == \"legal\"))"),
        ("distinct(person_id where age < 18)", "distinct(person_id where (age < 18))"),
        ("distinct(person_id, service where disability)", "distinct(person_id, service where disability)"),
        ("sum(hours where service == \"training\")", "sum(hours where (service == \"training\"))"),
        ("percent(distinct(person_id where disability), distinct(person_id))", "percent(distinct(person_id where disability), distinct(person_id))"),
        ("if(a, 1, 2) + coalesce(b, 0)", "(if(a, 1, 2) + coalesce(b, 0))"),
        ("has(referrals, \"health\")", "has(referrals, \"health\")"),
        ("year(visit_date) == 2021", "(year(visit_date) == 2021)"),
        ("  a\n  ==\t1  ", "(a == 1)"),
        ("Ağcabədi == \"ş\"", "(Ağcabədi == \"ş\")"),
    ])
    func precedence(text: String, expected: String) throws {
        if expected == "<error>" {
            // `$A.`: the trailing dot is not part of the id, so the dot is unexpected.
            let error = try #require(ExpressionParser.parse(text).failureValue)
            #expect(covered(text, error.range) == (text == "$A." ? "." : "abc"))
            return
        }
        #expect(canonical(try parse(text)) == expected)
    }

    @Test func rangesCoverTokens() throws {
        let text = "count(where agee >= 18)"
        let s = try parse(text)
        guard case .call(_, _, let filter?) = s.kind, case .binary(_, let left, let right) = filter.kind else {
            Issue.record("unexpected shape \(canonical(s))"); return
        }
        #expect(covered(text, s.range) == text)
        #expect(covered(text, filter.range) == "agee >= 18")
        #expect(covered(text, left.range) == "agee")
        #expect(covered(text, right.range) == "18")
        let paren = "(a + b) * 2"
        #expect(covered(paren, try parse(paren).range) == paren)
        let dotted = "$OP1.1."
        _ = dotted
        let u = "\"Tərtər\" == households.district"
        guard case .binary(_, let l, let r) = try parse(u).kind else { Issue.record("shape"); return }
        #expect(covered(u, l.range) == "\"Tərtər\"")
        #expect(covered(u, r.range) == "households.district")
    }

    @Test func stringLiteralsAreNFC() throws {
        // "ə" is precomposed already; "é" written as e + U+0301 must become U+00E9.
        let s = try parse("\"Cafe\u{0301}\"")
        #expect(s.kind == .literal(.text("Caf\u{00E9}")))
        #expect(Array("Caf\u{00E9}".unicodeScalars).count == 4)
        if case .literal(.text(let t)) = s.kind { #expect(t.unicodeScalars.count == 4) }
    }

    @Test(arguments: [
        // text, message, hint (nil = not checked), covered text
        ("sex = \"F\"", "unexpected \"=\", did you mean \"==\"?", "compare with ==, e.g. sex == \"F\"", "="),
        ("a && b", "unexpected \"&&\"", "use `and` to combine conditions", "&&"),
        ("a || b", "unexpected \"||\"", "use `or` to combine conditions", "||"),
        ("a <> b", "unexpected \"<>\"", "use != for \"not equal\"", "<>"),
        ("!a", "unexpected \"!\"", "use `not` to negate a condition, or != to compare", "!"),
        ("count(where x == 1", "expected ')' to close the call to count, found the end of the expression", nil, ""),
        ("sum(hours x)", "expected ')' to close the call to sum, found \"x\"", nil, "x"),
        ("(a + 1", "expected ')' to close '(', found the end of the expression", nil, ""),
        ("[1, 2", "expected ',' or ']' in the list, found the end of the expression", nil, ""),
        ("a == ", "unexpected end of the expression: a value is missing", nil, ""),
        ("a +", "unexpected end of the expression: a value is missing", nil, ""),
        ("", "unexpected end of the expression: a value is missing", nil, ""),
        ("a == 1 == 2", "comparisons cannot be chained: unexpected \"==\"", "combine comparisons with `and`, e.g. age >= 18 and age < 60", "=="),
        ("1 < a < 3", "comparisons cannot be chained: unexpected \"<\"", nil, "<"),
        ("a is 3", "expected `null` or `not null` after `is`, found \"3\"", nil, "3"),
        ("a b", "unexpected \"b\" after the expression", "is an operator such as `and` or `==` missing?", "b"),
        ("a)", "unexpected \")\" after the expression", "there are more ')' than '('", ")"),
        ("where x", "unexpected \"where\"", nil, "where"),
        ("count(x where y, z)", "unexpected \",\" after the `where` condition", "the `where` clause comes after all the arguments: count(a, b where condition)", ","),
        ("\"open", "unterminated text: missing closing \"", nil, "\"open"),
        ("\"a\\qb\"", "unknown escape \"\\q\" in text", nil, "\\q"),
        ("d == 2021-02-30", "2021-02-30 is not a valid date", "dates are written yyyy-mm-dd, e.g. 2021-03-31", "2021-02-30"),
        ("d == 2021-3-1", "2021-3-1 is not a valid date", nil, "2021-3-1"),
        ("d == 'x'", "unexpected \"'\"", "write text in double quotes, e.g. \"legal\"", "'"),
        ("a: 1", "unexpected \":\"", nil, ":"),
        ("$ == 1", "expected an indicator id after \"$\"", nil, "$"),
        ("sex == \"ş\" = 1", "unexpected \"=\", did you mean \"==\"?", nil, "="),
        ("1 +* 2", "unexpected \"*\"", nil, "*"),
    ] as [(String, String, String?, String)])
    func syntaxErrors(text: String, message: String, hint: String?, covers: String) throws {
        let error = try #require(ExpressionParser.parse(text).failureValue, "expected a syntax error for \(text)")
        #expect(error.code == "expression-syntax")
        #expect(error.message == message)
        if let hint { #expect(error.hint == hint) }
        #expect(covered(text, error.range) == covers)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
    var successValue: Success? {
        if case .success(let s) = self { return s }
        return nil
    }
}
