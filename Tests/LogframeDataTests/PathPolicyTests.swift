import Foundation
import Testing
@testable import LogframeData

@Suite("Path policy")
struct PathPolicyTests {
    @Test("Paths inside the project are allowed, outside refused, missing ones judged by their folder")
    func verdicts() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/repo/.git", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/repo/defs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root + "/repo/data.csv", contents: Data())
        FileManager.default.createFile(atPath: root + "/out/secret", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: root + "/repo/defs/link.csv", withDestinationPath: root + "/out/secret")
        let policy = PathPolicy(definitionsDirectory: root + "/repo/defs")
        let canonicalRoot = PathPolicy.canonical(root)!
        #expect(policy.projectRoot == canonicalRoot + "/repo")
        #expect(policy.check(root + "/repo/defs/../data.csv") == .inside(canonicalRoot + "/repo/data.csv"))
        #expect(policy.check(root + "/repo/defs/link.csv") == .outside)
        #expect(policy.check(root + "/out/secret") == .outside)
        #expect(policy.check(root + "/out/missing.csv") == .outside)
        #expect(policy.check(root + "/repo/missing.csv") == .missing)
        let trusting = PathPolicy(definitionsDirectory: root + "/repo/defs", allowOutside: [root + "/out"])
        #expect(trusting.check(root + "/repo/defs/link.csv") == .inside(canonicalRoot + "/out/secret"))
        #expect(PathPolicy.fixedPrefix(ofGlob: "a/b/*/c.csv") == "a/b")
        #expect(PathPolicy.fixedPrefix(ofGlob: "*.csv") == ".")
    }

    @Test("Report paths are relative to the definitions folder")
    func relative() {
        #expect(PathPolicy.relative("samples/x.csv", toFolder: "indicators") == "../samples/x.csv")
        #expect(PathPolicy.relative("../samples/x.csv", toFolder: ".") == "../samples/x.csv")
        #expect(PathPolicy.relative("/a/b/c.csv", toFolder: "/a/d") == "../b/c.csv")
        #expect(PathPolicy.relative("defs/x.csv", toFolder: "defs") == "x.csv")
    }
}
