import Testing
import LogframeCore

/// One "did you mean" helper; each kind of name keeps its own rule of what is close enough.
@Suite("Did you mean")
struct DidYouMeanTests {
    @Test("Definitions names: within 2 edits ignoring case, else a prefix either way")
    func definitionsName() {
        let keys = ["value", "title", "means_of_verification", "by"]
        #expect(DidYouMean.closest(to: "valu", among: keys, .definitionsName) == "value")
        #expect(DidYouMean.closest(to: "TITEL", among: keys, .definitionsName) == "title")
        #expect(DidYouMean.closest(to: "means", among: keys, .definitionsName) == "means_of_verification")
        #expect(DidYouMean.closest(to: "zzzzzz", among: keys, .definitionsName) == nil)
    }

    @Test("Expression names: a case-only difference first, then within 2 edits, never the word itself")
    func expressionName() {
        let fields = ["age", "sex", "Sex"]
        #expect(DidYouMean.closest(to: "Age", among: fields, .expressionName) == "age")
        #expect(DidYouMean.closest(to: "sex", among: fields, .expressionName) == "Sex")
        #expect(DidYouMean.closest(to: "agee", among: fields, .expressionName) == "age")
        #expect(DidYouMean.closest(to: "age", among: ["age"], .expressionName) == nil)
        #expect(DidYouMean.closest(to: "district", among: fields, .expressionName) == nil)
    }

    @Test("Data values: case, diacritics and spaces folded; allowed edits grow with length")
    func dataValue() {
        let districts = ["Füzuli", "Ağcabədi", "Tərtər"]
        #expect(DidYouMean.closest(to: "Agcabedi", among: districts, .dataValue) == "Ağcabədi")
        #expect(DidYouMean.closest(to: " fuzuli ", among: districts, .dataValue) == "Füzuli")
        #expect(DidYouMean.closest(to: "Baku", among: districts, .dataValue) == nil)
        #expect(DidYouMean.closest(to: "", among: districts, .dataValue) == nil)
        #expect(DidYouMean.closest(to: "ab", among: ["ax"], .dataValue) == "ax")      // one edit allowed even when short
        #expect(DidYouMean.closest(to: "abc", among: ["axy"], .dataValue) == nil)
    }

    @Test("Command-line ids: within max(2, a third of the length) edits, ignoring case")
    func commandLineId() {
        let ids = ["OP1.1", "OP2.3", "OC1"]
        #expect(DidYouMean.closest(to: "op11", among: ids, .commandLineId) == "OP1.1")
        #expect(DidYouMean.closest(to: "2021-Q5", among: ["2021-Q1", "2021-Q4"], .commandLineId) == "2021-Q1")
        #expect(DidYouMean.closest(to: "beneficiaries-reached", among: ["beneficiaries_reach"], .commandLineId) == "beneficiaries_reach")
        #expect(DidYouMean.closest(to: "X", among: ids, .commandLineId) == nil)
    }
}
