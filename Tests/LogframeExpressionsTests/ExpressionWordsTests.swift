import Testing
@testable import LogframeExpressions

/// An expression in words: one line per case, the whole text a reader sees.
@Suite("Expression in words")
struct ExpressionWordsTests {
    /// Names as a report gives them: `sex` is the dimension "Sex" with labels F/M.
    static let names = ExpressionWords.Names(
        field: { $0 == "sex" ? "sex" : nil },
        value: { field, value in field == "sex" ? ["F": "Female", "M": "Male"][value] : nil },
        indicator: { $0 == "OP1.1" ? "People reached" : nil })

    static func plain(_ text: String, _ language: String = "en") -> String {
        ExpressionWords.describe(text, language: language, mode: .plain, names: names)
    }

    @Test("Plain words: no syntax and no source ids left", arguments: [
        ("count()", "number of records"),
        (#"count(where service == "legal")"#, "number of records where service is legal"),
        (#"distinct(person_id where sex == "F")"#, "number of distinct person id among records where sex is Female"),
        (#"distinct(person_id, date where sex != "M")"#, "number of distinct combinations of (person id and date) among records where sex is not Male"),
        ("sum(hours where age < 18)", "total of hours over records where age is under 18"),
        ("avg(hours where age >= 18 and age <= 24)", "average of hours over records where age is at least 18 and age is at most 24"),
        ("min(age where age > 0)", "smallest age among records where age is over 0"),
        ("max(households.size)", "largest size among all records"),
        (#"count(where sex in ["F", "M"] or disability)"#, "number of records where sex is Female or Male or disability is yes"),
        (#"count(where not disability and centre not in ["A", "B"])"#, "number of records where disability is no and centre is none of A or B"),
        (#"count(where (sex == "F" or age < 18) and disability)"#, "number of records where (sex is Female or age is under 18) and disability is yes"),
        ("count(where age is null)", "number of records where age is not recorded"),
        ("count(age where age is not null)", "number of records with a value in age where age is recorded"),
        (#"count(where has(referrals, "health"))"#, "number of records where referrals includes health"),
        ("count(where year(visit_date) == 2021)", "number of records where the year of visit date is 2021"),
        ("percent(distinct(person where disability), distinct(person))",
         "number of distinct person among records where disability is yes as a percentage of number of distinct person among all records"),
        ("ratio(sum(a), count())", "the ratio of total of a over all records to number of records"),
        ("(percent(count(where x), count()) + $OP1.1) / 2",
         "((number of records where x is yes as a percentage of number of records) plus the value of OP1.1 (People reached)) divided by 2"),
        ("-count() * 3", "minus number of records times 3"),
        (#"count(where case_type == "prevention_of_separation")"#, "number of records where case type is prevention of separation"),
    ])
    func plainEnglish(text: String, words: String) {
        #expect(Self.plain(text) == words)
    }

    @Test("Plain words in Azerbaijani", arguments: [
        ("count()", "bütün qeydlərin sayı"),
        (#"distinct(person_id where sex == "F")"#, "«sex: Female» şərtini ödəyən qeydlər arasında fərqli person id sayı"),
        ("sum(hours where age < 18)", "«age 18 həddindən aşağı» şərtini ödəyən qeydlər üzrə hours cəmi"),
        ("percent(count(where disability), count())", "bütün qeydlərin sayı içində «disability: bəli» şərtini ödəyən qeydlərin sayı payı, faizlə"),
        ("count(where age is null or not disability)", "«age qeyd olunmayıb və ya disability: xeyr» şərtini ödəyən qeydlərin sayı"),
    ])
    func plainAzerbaijani(text: String, words: String) {
        #expect(Self.plain(text, "az") == words)
    }

    @Test("As written: the aggregates in words, conditions and arguments quoted", arguments: [
        (#"distinct(person_id where service == "legal")"#, #"number of distinct person_id among records where service == "legal""#),
        ("count(age where age > 3)", "number of records with a value in age where age > 3"),
        ("sum(hours)", "total of hours over all records"),
        ("distinct(a, b)", "number of distinct combinations of (a, b) among all records"),
        ("percent(count(where x), count())", "number of records where x as a percentage of number of records"),
        ("$OP1.1 - $OP2", "the value of OP1.1 (People reached) minus the value of OP2"),
    ])
    func asWritten(text: String, words: String) {
        #expect(ExpressionWords.describe(text, language: "en", mode: .asWritten, names: Self.names) == words)
    }

    @Test("Numerator and denominator of a percent or ratio")
    func ratioParts() throws {
        let syntax = try ExpressionParser.parse("percent(count(where x), count())").get()
        let parts = try #require(ExpressionWords.ratioParts(syntax))
        let say = ExpressionWords(text: "percent(count(where x), count())", language: "en", mode: .plain)
        #expect(say.words(parts.0) == "number of records where x is yes")
        #expect(say.words(parts.1) == "number of records")
        #expect(ExpressionWords.ratioParts(try ExpressionParser.parse("count()").get()) == nil)
    }

    @Test("Every word has its English and Azerbaijani text, with the same parts")
    func everyWordTranslated() {
        for word in ExpressionWord.allCases {
            let pair = ExpressionWord.table[word]
            #expect(pair != nil, "\(word) has no text")
            guard let pair else { continue }
            for part in ["%1", "%2", "%3"] {
                #expect(pair.en.contains(part) == pair.az.contains(part), "\(word): \(part) in one language only")
            }
        }
    }
}
