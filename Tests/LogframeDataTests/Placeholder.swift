import Testing
@testable import LogframeData
@Test func placeholder() { #expect(true) }
