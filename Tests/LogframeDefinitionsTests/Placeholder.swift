import Testing
@testable import LogframeDefinitions
@Test func placeholder() { #expect(true) }
