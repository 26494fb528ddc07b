import LogframeCore
import Testing
@testable import LogframeExpressions

/// Default row (see TestSupport): age 30, sex "F", service "legal", visit_date 2021-03-31,
/// disability true, referrals [health, cash], hours 2.5, person_id "P1",
/// households.district "Tərtər", name "  Ağcabədi ", end_date 2021-04-30; p, q, n, t, d, c null.
@Suite struct EvaluationTests {
    @Test(arguments: [
        // comparisons
        ("age == 30", Value.bool(true)),
        ("age != 30", .bool(false)),
        ("age < 31", .bool(true)),
        ("age <= 30", .bool(true)),
        ("age > 30", .bool(false)),
        ("age >= 30", .bool(true)),
        ("30 <= age", .bool(true)),
        ("31 > age", .bool(true)),
        ("age == 30.0", .bool(true)),
        ("hours == 2.50", .bool(true)),
        ("hours < age", .bool(true)),
        ("hours > 2.49", .bool(true)),
        ("sex == \"F\"", .bool(true)),
        ("sex != \"F\"", .bool(false)),
        ("sex == \"f\"", .bool(false)),
        ("sex < \"M\"", .bool(true)),
        ("households.district == \"Tərtər\"", .bool(true)),
        ("households.district == \"Terter\"", .bool(false)),
        ("visit_date == 2021-03-31", .bool(true)),
        ("visit_date < end_date", .bool(true)),
        ("visit_date >= 2021-04-01", .bool(false)),
        ("disability == true", .bool(true)),
        ("disability != false", .bool(true)),
        // membership
        ("sex in [\"F\", \"M\"]", .bool(true)),
        ("sex in [\"M\"]", .bool(false)),
        ("sex not in [\"M\"]", .bool(true)),
        ("sex not in [\"F\", \"M\"]", .bool(false)),
        ("age in [18, 30.0, 60]", .bool(true)),
        ("age in [-1, 31]", .bool(false)),
        ("age in []", .bool(false)),
        ("age not in []", .bool(true)),
        ("sex in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"F\"]", .bool(true)),
        ("sex in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"M\"]", .bool(false)),
        ("visit_date in [2021-03-31]", .bool(true)),
        ("sex in [\"M\", null]", .bool(false)),
        // arithmetic
        ("age + 1", num("31")),
        ("age - 31", num("-1")),
        ("age * 2", num("60")),
        ("age / 4", num("7.5")),
        ("hours * 2", num("5")),
        ("-age", num("-30")),
        ("- -age", num("30")),
        ("1 + 2 * 3", num("7")),
        ("(1 + 2) * 3", num("9")),
        ("10 - 2 - 3", num("5")),
        ("1 / 3 * 3", num("0.999999999999999999")),
        ("0.1 + 0.2 == 0.3", .bool(true)),
        ("age / 0", .null),
        ("age / (age - 30)", .null),
        // logic
        ("disability and age > 18", .bool(true)),
        ("disability and age > 40", .bool(false)),
        ("age > 40 or sex == \"F\"", .bool(true)),
        ("not disability", .bool(false)),
        ("not (age > 40)", .bool(true)),
        ("true and false", .bool(false)),
        // functions
        ("year(visit_date)", num("2021")),
        ("quarter(visit_date)", num("1")),
        ("quarter(end_date)", num("2")),
        ("quarter(2021-12-31)", num("4")),
        ("month(visit_date)", num("3")),
        ("days(visit_date, end_date)", num("30")),
        ("days(end_date, visit_date)", num("-30")),
        ("days(2020-02-28, 2020-03-01)", num("2")),
        ("lower(\"ŞƏKİ\")", .text("şəki̇")),
        ("lower(sex)", .text("f")),
        ("upper(service)", .text("LEGAL")),
        ("upper(\"ağcabədi\")", .text("AĞCABƏDI")), // locale-independent: i -> I
        ("trim(name)", .text("Ağcabədi")),
        ("trim(name) == \"Ağcabədi\"", .bool(true)),
        ("length(name)", num("11")),
        ("length(households.district)", num("6")),
        ("contains(service, \"ega\")", .bool(true)),
        ("contains(service, \"x\")", .bool(false)),
        ("contains(service, \"\")", .bool(true)),
        ("contains(households.district, \"ərt\")", .bool(true)),
        ("starts_with(service, \"le\")", .bool(true)),
        ("starts_with(service, \"eg\")", .bool(false)),
        ("coalesce(n, age)", num("30")),
        ("coalesce(age, n)", num("30")),
        ("coalesce(n, n, 1.5)", num("1.5")),
        ("coalesce(n, null)", .null),
        ("coalesce(t, sex)", .text("F")),
        ("has(referrals, \"health\")", .bool(true)),
        ("has(referrals, \"education\")", .bool(false)),
        ("not has(referrals, \"education\")", .bool(true)),
        ("if(disability, 1, 2)", num("1")),
        ("if(age > 40, 1, 2.5)", num("2.5")),
        ("if(p, 1, 2)", num("2")),
        ("if(disability, null, 2)", .null),
        ("if(age >= 18, \"adult\", \"child\")", .text("adult")),
        ("year(visit_date) == 2021 and month(visit_date) in [1, 2, 3]", .bool(true)),
        // literals
        ("\"x\"", .text("x")),
        ("null", .null),
        ("2021-03-31", date("2021-03-31")),
        ("age", num("30")),
        ("referrals", .choices(["health", "cash"])),
    ])
    func evaluates(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected, "\(text)")
    }

    @Test func resultTypes() throws {
        let cases: [(String, ValueType)] = [
            ("age", .integer), ("age + 1", .integer), ("age * 2", .integer), ("age / 2", .number),
            ("age + 1.5", .number), ("hours - 1", .number), ("-age", .integer), ("-1.5", .number),
            ("age > 1", .boolean), ("sex in [\"F\"]", .boolean), ("t is null", .boolean),
            ("year(d)", .integer), ("days(d, d)", .integer), ("lower(t)", .text), ("length(t)", .integer),
            ("coalesce(n, 1)", .integer), ("coalesce(n, 1.5)", .number), ("coalesce(t, \"x\")", .text),
            ("if(p, 1, 2.5)", .number), ("if(p, null, d)", .date), ("has(c, \"x\")", .boolean),
            ("null", .null), ("referrals", .choices), ("\"x\"", .text), ("2021-01-01", .date), ("true", .boolean),
        ]
        for (text, type) in cases {
            #expect(try bind(text).type == type, "\(text)")
        }
    }
}

/// The null rules, case by case (see the truth table in NullSemantics.swift). Fields p and q are
/// booleans; n an integer, t text, d a date, c choices; each set per case.
@Suite struct NullTruthTableTests {
    static let T = Value.bool(true), F = Value.bool(false), N = Value.null

    // Kleene: (p, q, p and q, p or q)
    @Test(arguments: [
        (T, T, T, T), (T, F, F, T), (T, N, N, T),
        (F, T, F, T), (F, F, F, F), (F, N, F, N),
        (N, T, N, T), (N, F, F, N), (N, N, N, N),
    ])
    func andOr(p: Value, q: Value, and: Value, or: Value) throws {
        #expect(try evaluate("p and q", ["p": p, "q": q]) == and)
        #expect(try evaluate("p or q", ["p": p, "q": q]) == or)
        // Commutative.
        #expect(try evaluate("q and p", ["p": p, "q": q]) == and)
        #expect(try evaluate("q or p", ["p": p, "q": q]) == or)
    }

    @Test(arguments: [(T, F), (F, T), (N, N)])
    func not(p: Value, expected: Value) throws {
        #expect(try evaluate("not p", ["p": p]) == expected)
    }

    // A comparison with null is false, never null; `not` of it is then true.
    @Test(arguments: [
        "n == 1", "n != 1", "n < 1", "n <= 1", "n > 1", "n >= 1",
        "1 == n", "1 != n", "n == n", "n != n", "n == age", "age != n", "age < n",
        "t == \"x\"", "t != \"x\"", "t < \"x\"", "d == 2021-01-01", "d != 2021-01-01", "d < end_date",
        "p == true", "p != true", "p == q",
        "n in [1, 2]", "n not in [1, 2]", "t in [\"x\"]", "t not in [\"x\"]", "d not in [2021-01-01]",
        "n + 1 == 1", "n + 1 != 1",
        "has(c, \"health\")", "has(referrals, t)", "contains(t, \"a\")", "contains(service, t)",
        "starts_with(t, \"a\")", "starts_with(service, t)",
    ])
    func comparisonWithNullIsFalse(text: String) throws {
        #expect(try evaluate(text) == .bool(false), "\(text)")
    }

    @Test(arguments: [
        ("not n == 1", Value.bool(true)),
        ("not n != 1", .bool(true)),
        ("not t in [\"x\"]", .bool(true)),
        ("not t not in [\"x\"]", .bool(true)),
        ("n is null", .bool(true)),
        ("n is not null", .bool(false)),
        ("age is null", .bool(false)),
        ("age is not null", .bool(true)),
        ("t is null and d is null and p is null and c is null", .bool(true)),
        ("n + 1 is null", .bool(true)),
        ("null is null", .bool(true)),
        ("coalesce(n, 0) == 0", .bool(true)),
    ])
    func nullTests(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected, "\(text)")
    }

    // Arithmetic with null is null; division by zero is null.
    @Test(arguments: [
        "n + 1", "1 + n", "n - 1", "n * 2", "n / 2", "2 / n", "-n", "n + n", "age / 0", "age / (n * 0)",
        "0 / 0", "hours / 0.0", "year(d)", "quarter(d)", "month(d)", "days(d, visit_date)", "days(visit_date, d)",
        "lower(t)", "upper(t)", "trim(t)", "length(t)", "coalesce(n, null)", "if(p, n, null)",
    ])
    func nullPropagates(text: String) throws {
        #expect(try evaluate(text) == .null, "\(text)")
    }

    @Test func filtersKeepOnlyTrue() throws {
        // matches() is true only for .bool(true): null and false drop the row.
        let e = try bind("p or age > 40")
        #expect(e.matches(row(["p": .bool(true)])))
        #expect(!e.matches(row(["p": .null])))
        #expect(!e.matches(row(["p": .bool(false)])))
        #expect(e.truth(row(["p": .null])) == nil)
        #expect(e.truth(row(["p": .bool(false)])) == false)
    }

    @Test func ifWithNullConditionTakesElse() throws {
        #expect(try evaluate("if(p, \"yes\", \"no\")", ["p": .null]) == .text("no"))
        #expect(try evaluate("if(p, \"yes\", \"no\")", ["p": .bool(false)]) == .text("no"))
        #expect(try evaluate("if(p, \"yes\", \"no\")", ["p": .bool(true)]) == .text("yes"))
        #expect(try evaluate("if(n > 1, \"yes\", \"no\")") == .text("no"))
    }
}
