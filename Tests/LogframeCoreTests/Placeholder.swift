import Testing
@testable import LogframeCore
@Test func placeholder() { #expect(true) }
