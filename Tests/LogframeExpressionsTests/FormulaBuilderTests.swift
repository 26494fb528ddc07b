import LogframeCore
import Testing
@testable import LogframeExpressions

@Suite struct FormulaBuilderTests {
    // text, canonical formula, canonical aggregates
    @Test(arguments: [
        ("count()", "agg0", ["count()"]),
        ("count(where service == \"legal\")", "agg0", ["count(where (service == \"legal\"))"]),
        ("distinct(person_id where service == \"legal\")", "agg0", ["distinct(person_id where (service == \"legal\"))"]),
        ("percent(distinct(person_id where disability), distinct(person_id))", "percent(agg0, agg1)",
         ["distinct(person_id where disability)", "distinct(person_id)"]),
        ("ratio(sum(hours), count())", "ratio(agg0, agg1)", ["sum(hours)", "count()"]),
        ("$OP1.1 - $OP1.2", "($OP1.1 - $OP1.2)", []),
        ("100 * $A / $B", "((100 * $A) / $B)", []),
        ("-count()", "(-agg0)", ["count()"]),
        ("-5 + 2.5", "(-5 + 2.5)", []),
        ("(sum(hours) + avg(hours)) / 2", "((agg0 + agg1) / 2)", ["sum(hours)", "avg(hours)"]),
        ("max(age) - min(age)", "(agg0 - agg1)", ["max(age)", "min(age)"]),
        ("distinct(person_id, service)", "agg0", ["distinct(person_id, service)"]),
        ("count() / count()", "(agg0 / agg0)", ["count()"]),
        ("count(where age>1) - count( where  age > 1 )", "(agg0 - agg0)", ["count(where (age > 1))"]),
        ("count(where age > 1) - count(where age > 2)", "(agg0 - agg1)", ["count(where (age > 1))", "count(where (age > 2))"]),
        ("sum(if(disability, hours, 0))", "agg0", ["sum(if(disability, hours, 0))"]),
        ("percent(count(where x), count()) - $B", "(percent(agg0, agg1) - $B)", ["count(where x)", "count()"]),
    ] as [(String, String, [String])])
    func shapes(text: String, formula: String, aggregates: [String]) throws {
        let built = try #require(FormulaBuilder.build(try parse(text)).successValue, "\(text): \(formulaErrors(text))")
        #expect(canonical(built.formula) == formula, "\(text)")
        #expect(built.aggregates.map(canonical) == aggregates, "\(text)")
    }

    @Test func aggregateRangesAndIndicatorRanges() throws {
        let text = "percent(distinct(person_id where disability), distinct(person_id))"
        let built = try #require(FormulaBuilder.build(try parse(text)).successValue)
        #expect(built.aggregates.map { covered(text, $0.range) } == ["distinct(person_id where disability)", "distinct(person_id)"])
        let filter = try #require(built.aggregates[0].filter)
        #expect(covered(text, filter.range) == "disability")
        let indicators = "$OP1.1 - $OP1.2"
        let f = try #require(FormulaBuilder.build(try parse(indicators)).successValue)
        guard case .arithmetic(.subtract, .indicator("OP1.1", let r1), .indicator("OP1.2", let r2)) = f.formula else {
            Issue.record("shape \(f.formula)"); return
        }
        #expect(covered(indicators, r1) == "$OP1.1")
        #expect(covered(indicators, r2) == "$OP1.2")
    }

    @Test(arguments: [
        ("age + 1", "aggregate-misuse", "the field `age` must be aggregated in an indicator's value", "wrap it in an aggregate, e.g. sum(age), or count records with count(where ...)", "age"),
        ("sum(count())", "aggregate-misuse", "`count` cannot be used inside `sum`: aggregates do not nest", nil, "count"),
        ("count(where sum(hours) > 1)", "aggregate-misuse", "`sum` cannot be used inside `count`: aggregates do not nest", nil, "sum"),
        ("sum(hours where $A > 1)", "aggregate-misuse", "`$A` cannot be used inside `sum`", nil, "$A"),
        ("count(person_id)", "wrong-argument-count", "`count` takes no arguments; it counts records", "filter with count(where ...); count people with distinct(person_id)", "person_id"),
        ("sum()", "wrong-argument-count", "`sum` takes 1 argument, got 0", nil, "sum"),
        ("avg(a, b)", "wrong-argument-count", "`avg` takes 1 argument, got 2", nil, "avg"),
        ("distinct()", "wrong-argument-count", "`distinct` takes at least 1 argument", nil, "distinct"),
        ("distinct(where x)", "wrong-argument-count", "`distinct` takes at least 1 argument", nil, "distinct"),
        ("percent(count())", "wrong-argument-count", "`percent` takes 2 arguments, got 1", nil, "percent"),
        ("percent(count(), count() where x)", "aggregate-misuse", "`where` can only filter an aggregate (count, sum, avg, min, max, distinct), not `percent`", nil, "x"),
        ("year(d)", "aggregate-misuse", "`year` works on one row; an indicator's value must aggregate rows", nil, "year"),
        ("cont()", "unknown-function", "unknown function `cont`", "did you mean `count`?", "cont"),
        ("distnct(person_id)", "unknown-function", "unknown function `distnct`", "did you mean `distinct`?", "distnct"),
        ("count() > 1", "aggregate-misuse", "a condition (\">\") cannot be an indicator's value", nil, "count() > 1"),
        ("\"x\"", "expression-type", "a value must be a number, not the text \"x\"", nil, "\"x\""),
        ("not count()", "aggregate-misuse", "a condition cannot be an indicator's value", nil, "not count()"),
    ] as [(String, String, String, String?, String)])
    func errors(text: String, code: String, message: String, hint: String?, covers: String) {
        let errors = formulaErrors(text)
        #expect(errors.count == 1, "\(text): \(errors)")
        guard let error = errors.first else { return }
        #expect(error.code == code, "\(text)")
        #expect(error.message == message, "\(text)")
        if let hint { #expect(error.hint == hint, "\(text)") }
        #expect(covered(text, error.range) == covers, "\(text)")
    }

    @Test func severalErrorsAtOnce() {
        let text = "age + hours"
        #expect(formulaErrors(text).map { covered(text, $0.range) } == ["age", "hours"])
    }

    @Test func aggregateArgumentsBindPerSource() throws {
        // The engine binds aggregate arguments and filters with RowBinder; check that round trip.
        let built = try #require(FormulaBuilder.build(try parse("sum(hours where sex == \"F\" and age >= 18)")).successValue)
        let call = built.aggregates[0]
        let argument = try #require(RowBinder.bind(call.arguments[0], in: testScope).successValue)
        let filter = try #require(RowBinder.bindCondition(call.filter!, in: testScope).successValue)
        #expect(argument.evaluate(row()) == num("2.5"))
        #expect(filter.matches(row()))
        #expect(!filter.matches(row(["age": num("17")])))
    }
}
