import LogframeCore
import Testing
@testable import LogframeExpressions

/// `FlatCondition` must pass exactly the rows the expression tree passes (`matches`), nulls
/// included, and must refuse every other shape.
@Suite("Flattened filters")
struct FlatConditionTests {
    static let flattenable = [
        "age < 18", "sex == \"F\" and service == \"legal\"", "disability", "disability and age >= 18 and age <= 29",
        "hours > 2.25", "n == 3", "t != \"x\"", "p", "p and sex == \"F\"", "visit_date <= 2021-03-31", "sex != \"M\"", "1 < age",
    ]
    static let other = ["age < 18 or disability", "not disability", "n is null", "sex in [\"F\", \"M\"]", "age + 1 > 3"]

    /// Rows that vary every field the conditions read, nulls included.
    static var rows: [[Value]] {
        var rows: [[Value]] = []
        for age in [num("17"), num("18"), num("29"), num("30"), Value.null] {
            for sex in [Value.text("F"), .text("M"), .null] {
                for (service, disability) in [(Value.text("legal"), Value.bool(true)), (.text("psych"), .bool(false)), (.null, .null)] {
                    for (p, n, t, hours) in [(Value.bool(true), num("3"), Value.text("x"), num("2.25")), (.null, .null, .null, num("2.5")), (.bool(false), num("4"), .text("y"), .null)] {
                        rows.append(row(["age": age, "sex": sex, "service": service, "disability": disability,
                                         "p": p, "n": n, "t": t, "hours": hours,
                                         "visit_date": age == .null ? .null : date("2021-03-31")]))
                    }
                }
            }
        }
        return rows
    }

    @Test("Same answer as the expression tree on every row", arguments: flattenable)
    func sameAsTree(text: String) throws {
        let expression = try #require(RowBinder.bindCondition(try parse(text), in: testScope).successValue)
        let flat = try #require(FlatCondition(expression), "\(text) should flatten")
        var passed = 0
        for row in Self.rows {
            #expect(flat.matches(row) == expression.matches(row), "\(text) on \(row)")
            if expression.matches(row) { passed += 1 }
        }
        // Neither always true nor always false over these rows, so a wrong answer would show.
        #expect(passed > 0 && passed < Self.rows.count, "\(text)")
    }

    @Test("Other shapes are left to the tree", arguments: other)
    func otherShapes(text: String) throws {
        let expression = try #require(RowBinder.bindCondition(try parse(text), in: testScope).successValue)
        #expect(FlatCondition(expression) == nil)
    }
}

/// Text equality compares eight bytes at a time: texts of every length up to 40 bytes, equal or
/// differing in any one byte (first, inside a word, in the tail), short and long strings alike.
@Suite struct TextEqualityTests {
    @Test func everyLengthAndEveryDifferingByte() {
        for n in 0...40 {
            let text = String((0..<n).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            let copy = String(decoding: Array(text.utf8), as: UTF8.self)
            #expect(NullSemantics.textEqual(text, copy), "length \(n)")
            #expect(NullSemantics.compare(.equal, .text(text), .text(copy)))
            #expect(!NullSemantics.textEqual(text, copy + "z"))
            for i in 0..<n {
                var bytes = Array(text.utf8)
                bytes[i] = UInt8(ascii: "Z")
                let other = String(decoding: bytes, as: UTF8.self)
                #expect(!NullSemantics.textEqual(text, other), "length \(n), byte \(i)")
                #expect(NullSemantics.compare(.notEqual, .text(text), .text(other)))
            }
        }
        #expect(NullSemantics.textEqual("Ağcabədi", "Ağcabədi"))
        #expect(!NullSemantics.textEqual("Ağcabədi", "Ağcabədı"))
    }
}
