import Testing
@testable import LogframeCLI
@Test func placeholder() { #expect(true) }
