import Testing
@testable import LogframeEngine
@Test func placeholder() { #expect(true) }
