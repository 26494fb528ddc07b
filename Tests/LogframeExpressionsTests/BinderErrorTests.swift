import LogframeCore
import Testing
@testable import LogframeExpressions

@Suite struct BinderErrorTests {
    // text, code, message, hint (nil = not checked), covered text
    @Test(arguments: [
        // type errors in comparisons
        ("sex == 1", "expression-type", "cannot compare text \"sex\" with a number", "if the value is text, put it in quotes: \"1\"", "sex == 1"),
        ("age == \"18\"", "expression-type", "cannot compare integer \"age\" with the text \"18\"", "numbers are written without quotes: 18", "age == \"18\""),
        ("visit_date < \"2021-01-01\"", "expression-type", "cannot compare date \"visit_date\" with the text \"2021-01-01\"", "dates are written without quotes: 2021-01-01", "visit_date < \"2021-01-01\""),
        ("disability == \"true\"", "expression-type", "cannot compare boolean \"disability\" with the text \"true\"", "write true and false without quotes", "disability == \"true\""),
        ("visit_date > age", "expression-type", "cannot compare date \"visit_date\" with integer \"age\"", "both sides of a comparison must have the same type", "visit_date > age"),
        ("year(visit_date) == \"2021\"", "expression-type", "cannot compare an integer with the text \"2021\"", "numbers are written without quotes: 2021", "year(visit_date) == \"2021\""),
        ("disability < true", "expression-type", "cannot order booleans with \"<\"", "compare booleans with == or !=", "disability < true"),
        ("referrals == \"health\"", "expression-type", "cannot compare choices \"referrals\" with \"==\"", "test one option with has(referrals, \"option\")", "referrals"),
        ("age == null", "expression-type", "comparing with null with \"==\" is always false", "test for a missing value with `age is null`", "age == null"),
        ("null != sex", "expression-type", "comparing with null with \"!=\" is always false", "test for a missing value with `sex is not null`", "null != sex"),
        // in / not in
        ("sex in [\"F\", 2]", "expression-type", "cannot compare text \"sex\" with a number in the list", nil, "2"),
        ("age not in [1, \"x\"]", "expression-type", "cannot compare integer \"age\" with the text \"x\" in the list", nil, "\"x\""),
        ("sex in sex", "expression-type", "the right side of `in` must be a list such as [\"F\", \"M\"]", nil, "sex"),
        ("\"health\" in referrals", "expression-type", "the right side of `in` must be a list such as [\"F\", \"M\"]", "to test a multi-select field use has(referrals, \"option\")", "referrals"),
        ("referrals in [\"x\"]", "expression-type", "cannot use `in` with choices \"referrals\"", nil, "referrals"),
        ("age in [age]", "expression-type", "list elements must be literal values such as \"F\", 12 or 2021-03-31", nil, "age"),
        ("[1, 2]", "expression-type", "a list can only follow `in` or `not in`", nil, "[1, 2]"),
        // logic and arithmetic
        ("age and disability", "expression-type", "`and` needs a true/false condition, not integer \"age\"", "compare it, e.g. age > 0", "age"),
        ("disability or sex", "expression-type", "`or` needs a true/false condition, not text \"sex\"", "compare it, e.g. sex == \"value\"", "sex"),
        ("not service", "expression-type", "`not` needs a true/false condition, not text \"service\"", nil, "service"),
        ("sex + 1", "expression-type", "cannot use \"+\" with text \"sex\"", "arithmetic works on numbers only", "sex"),
        ("visit_date - 1", "expression-type", "cannot use \"-\" with date \"visit_date\"", "use days(a, b) for the number of days between two dates", "visit_date"),
        ("-sex", "expression-type", "cannot negate text \"sex\"", nil, "sex"),
        ("age * disability", "expression-type", "cannot use \"*\" with boolean \"disability\"", nil, "disability"),
        // functions
        ("year(age)", "expression-type", "`year` expects a date, not integer \"age\"", nil, "age"),
        ("days(visit_date, 3)", "expression-type", "`days` expects dates, not a number", nil, "3"),
        ("lower(age)", "expression-type", "`lower` expects text, not integer \"age\"", nil, "age"),
        ("contains(sex, 1)", "expression-type", "`contains` expects text, not a number", nil, "1"),
        ("length(referrals)", "expression-type", "`length` expects text, not choices \"referrals\"", nil, "referrals"),
        ("has(sex, \"F\")", "expression-type", "`has` expects a multi-select (choices) field, not text \"sex\"", "for a single-choice text field use ==, e.g. sex == \"option\"", "sex"),
        ("has(referrals, 1)", "expression-type", "`has` expects an option as text, e.g. \"health\", not a number", nil, "1"),
        ("coalesce(age, \"x\")", "expression-type", "`coalesce` arguments must have one type: the text \"x\" does not match an integer", nil, "\"x\""),
        ("if(age, 1, 2)", "expression-type", "`if` needs a true/false condition first, not integer \"age\"", nil, "age"),
        ("if(disability, 1, \"x\")", "expression-type", "`if` branches must have one type: a number and the text \"x\"", nil, "\"x\""),
        ("year()", "wrong-argument-count", "`year` takes 1 argument, got 0", "write year(date)", "year"),
        ("days(visit_date)", "wrong-argument-count", "`days` takes 2 arguments, got 1", "write days(from, to)", "days"),
        ("if(disability, 1)", "wrong-argument-count", "`if` takes 3 arguments, got 2", nil, "if"),
        ("coalesce(age)", "wrong-argument-count", "`coalesce` takes at least 2 arguments, got 1", nil, "coalesce"),
        ("yeer(visit_date)", "unknown-function", "unknown function `yeer`", "did you mean `year`?", "yeer"),
        ("startswith(sex, \"F\")", "unknown-function", "unknown function `startswith`", "did you mean `starts_with`?", "startswith"),
        ("frobnicate(sex)", "unknown-function", "unknown function `frobnicate`", "available functions: year, quarter, month, days, lower, upper, trim, contains, starts_with, length, coalesce, has, if", "frobnicate"),
        ("lower(sex where age > 1)", "aggregate-misuse", "`where` can only filter an aggregate (count, sum, avg, min, max, distinct), not `lower`", nil, "age > 1"),
        // names
        ("agee >= 18", "unknown-field", "unknown field `agee`", "did you mean `age`?", "agee"),
        ("Sex == \"F\"", "unknown-field", "unknown field `Sex`", "did you mean `sex`?", "Sex"),
        ("household.district == \"X\"", "unknown-field", "unknown field `household.district`", "did you mean `households.district`?", "household.district"),
        ("zzzzzz == 1", "unknown-field", "unknown field `zzzzzz`", "available fields: age, sex, service, visit_date, disability, referrals, hours, person_id, ... (17 in all)", "zzzzzz"),
        ("count > 1", "unknown-field", "unknown field `count` (to call the function, write count(...))", nil, "count"),
        // aggregates and indicators in a row expression
        ("count() > 1", "aggregate-misuse", "`count` can only be used in an indicator's value", nil, "count"),
        ("sum(hours) > 1", "aggregate-misuse", "`sum` can only be used in an indicator's value", nil, "sum"),
        ("percent(count(), count()) > 1", "aggregate-misuse", "`percent` can only be used in an indicator's value", nil, "percent"),
        ("$OP1.1 > 1", "aggregate-misuse", "`$OP1.1` can only be used in an indicator's value", nil, "$OP1.1"),
    ] as [(String, String, String, String?, String)])
    func rowError(text: String, code: String, message: String, hint: String?, covers: String) {
        let errors = rowErrors(text)
        #expect(errors.count == 1, "\(text): \(errors)")
        guard let error = errors.first else { return }
        #expect(error.code == code, "\(text)")
        #expect(error.message == message, "\(text)")
        if let hint { #expect(error.hint == hint, "\(text)") }
        #expect(covered(text, error.range) == covers, "\(text)")
    }

    @Test func reportsEveryErrorInTextOrder() {
        let text = "agee > 1 and sexx == \"F\" or yeer(d) == 1"
        let errors = rowErrors(text)
        #expect(errors.map(\.code) == ["unknown-field", "unknown-field", "unknown-function"])
        #expect(errors.map { covered(text, $0.range) } == ["agee", "sexx", "yeer"])
    }

    @Test func rangesInUnicodeText() {
        let text = "households.district == \"Tərtər\" and agé > 1"
        let errors = rowErrors(text)
        #expect(errors.count == 1)
        #expect(errors.first.map { covered(text, $0.range) } == "agé")
        #expect(errors.first?.hint == "did you mean `age`?")
    }

    @Test func bindCondition() throws {
        let ok = RowBinder.bindCondition(try parse("disability"), in: testScope)
        #expect(ok.successValue?.type == .boolean)
        let text = "age + 1"
        let bad = RowBinder.bindCondition(try parse(text), in: testScope, role: "a `where` filter")
        let error = try #require(bad.failureValue?.errors.first)
        #expect(error.code == "expression-type")
        #expect(error.message == "a `where` filter must be true or false, not an integer")
        #expect(covered(text, error.range) == "age + 1")
    }
}
