import Testing
@testable import LogframeExpressions
@Test func placeholder() { #expect(true) }
