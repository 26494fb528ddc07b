// swift-tools-version:6.0
// logframe: a programme monitoring and indicator engine.
// The targets are the stages of a one-way pipeline; see docs/architecture.md.
import Foundation
import PackageDescription

// The row loop's modules: exclusivity is always checked at compile time. Release builds skip
// the run-time checks of class and closure-captured state only when asked to, with
// LOGFRAME_UNCHECKED_EXCLUSIVITY=1 (as `make release`, `make install` and `make bench` do):
// SwiftPM refuses unsafe flags in a package used as a dependency, so by default there are
// none, which costs 23 % more instructions on a report (docs/performance.md).
let uncheckedExclusivity = ProcessInfo.processInfo.environment["LOGFRAME_UNCHECKED_EXCLUSIVITY"] == "1"
let hotPath: [SwiftSetting] = uncheckedExclusivity
    ? [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
    : []

let package = Package(
    name: "logframe",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "logframe", targets: ["logframe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // SHA-256 block compression in C: the x86-64 SHA extensions when the CPU has them.
        .target(name: "CSHA256"),
        // A cache prefetch hint for the pass's batched lookups (no Swift spelling for it).
        .target(name: "CPrefetch"),
        // Shared vocabulary: diagnostics, values, exact decimals, calendar dates.
        .target(name: "LogframeCore", dependencies: ["CSHA256"]),
        // The expression language: lexer, parser, binder/type checker, evaluator.
        .target(name: "LogframeExpressions", dependencies: ["LogframeCore"]),
        // The definitions file: YAML with source marks -> raw model -> resolved model.
        .target(name: "LogframeDefinitions", dependencies: [
            "LogframeCore", "LogframeExpressions", .product(name: "Yams", package: "Yams"),
        ]),
        // libxml2 (system library) for streaming XML sources.
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // Activity logs: CSV and XML readers, field typing and constraints, parent joins, row reconciliation.
        // It evaluates the sources' rules, so it reads the expression language too;
        // ZIPFoundation: `logframe init` reads XLSForm workbooks.
        .target(name: "LogframeData", dependencies: ["LogframeCore", "LogframeExpressions", "LogframeDefinitions", "CLibXML2",
                                                     .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                swiftSettings: hotPath),
        // One pass over the data: accumulators per indicator x period x breakdown cell.
        .target(name: "LogframeEngine", dependencies: [
            "LogframeCore", "LogframeExpressions", "LogframeDefinitions", "LogframeData", "CPrefetch",
        ], swiftSettings: hotPath),
        // The report model (JSON report v1) and one renderer per format.
        .target(name: "LogframeReport", dependencies: [
            "LogframeCore", "LogframeExpressions", "LogframeDefinitions", "LogframeEngine",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // The report model written for the systems donors and governments ingest: IATI 2.03, DHIS2 (docs/exports-*.md).
        .target(name: "LogframeExport", dependencies: ["LogframeCore", "LogframeDefinitions", "LogframeEngine", "LogframeReport"]),
        // Definitions compiled to one SQL script of exact building blocks (docs/sql.md).
        .target(name: "LogframeSQL", dependencies: ["LogframeCore", "LogframeExpressions", "LogframeDefinitions"]),
        // Thin commands over the stages.
        .target(name: "LogframeCLI", dependencies: [
            "LogframeCore", "LogframeExpressions", "LogframeDefinitions", "LogframeData", "LogframeEngine", "LogframeReport", "LogframeExport", "LogframeSQL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "logframe", dependencies: ["LogframeCLI"]),
        // Fixtures shared by the test targets (not part of the product).
        .target(name: "LogframeTestSupport", dependencies: [
            "LogframeCore", "LogframeDefinitions", "LogframeEngine", "LogframeReport",
        ]),

        .testTarget(name: "LogframeCoreTests", dependencies: ["LogframeCore"]),
        .testTarget(name: "LogframeExpressionsTests", dependencies: ["LogframeExpressions"]),
        .testTarget(name: "LogframeDefinitionsTests", dependencies: ["LogframeDefinitions"]),
        .testTarget(name: "LogframeDataTests", dependencies: ["LogframeData"]),
        .testTarget(name: "LogframeEngineTests", dependencies: ["LogframeEngine", "LogframeReport", "LogframeTestSupport"]),
        .testTarget(name: "LogframeCLITests", dependencies: ["LogframeCLI"]),
        .testTarget(name: "LogframeSQLTests", dependencies: ["LogframeSQL", "LogframeDefinitions", "LogframeExpressions"],
                    exclude: ["Golden"]),
        .testTarget(name: "LogframeReportTests", dependencies: ["LogframeReport", "LogframeDefinitions", "LogframeEngine", "LogframeTestSupport",
                                                            .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                    exclude: ["Golden"]),
        .testTarget(name: "LogframeXLSXTests", dependencies: [
            "LogframeReport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "LogframeExportTests", dependencies: ["LogframeExport", "LogframeReport", "LogframeDefinitions", "LogframeEngine"]),
        .testTarget(name: "LogframeHTMLTests", dependencies: ["LogframeReport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
