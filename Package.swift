// swift-tools-version: 6.1
// smtptls — finds who still talks to Exchange over legacy TLS, from SMTP protocol logs.
// Dependencies are justified in docs/architecture.md.
import PackageDescription

let package = Package(
    name: "smtptls",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "smtptls", targets: ["smtptls"]),
        .library(
            name: "SMTPTLSKit",
            targets: [
                "ByteInput", "LogScanner", "TLSSessions", "Rollups", "Ingest", "Store", "PostgresStore", "Reports", "LogGenerator",
            ]),
        // What the fuzz targets check, shared by Fuzz/ (libFuzzer) and the regression replay test.
        .library(name: "SMTPTLSFuzzChecks", targets: ["FuzzChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    ],
    targets: [
        // C: the scanner's line-splitting kernel, and the system libraries (C only in their shim.h).
        .target(name: "CByteSearch"),
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CInflate", path: "Sources/CInflate", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),

        // Bytes in: mapped files, read() fallback, decompressors, archives.
        .target(name: "ByteInput", dependencies: ["CZstd", "CInflate", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Records out of bytes: the chunked, zero-copy CSV scanner.
        .target(name: "LogScanner", dependencies: ["CByteSearch", "ByteInput"]),
        // Meaning out of records: TLS sentences, session events, per-input session fragments.
        .target(name: "TLSSessions", dependencies: ["CByteSearch", "LogScanner"]),
        // Sessions joined across inputs, classified and rolled up.
        .target(name: "Rollups", dependencies: ["TLSSessions"]),
        // SQLite persistence: schema, ledger, open sessions, read-only queries.
        // Connector configuration out of PowerShell exports (JSON or CSV).
        .target(name: "Connectors", dependencies: [.product(name: "SwiftCSV", package: "SwiftCSV")]),
        .target(name: "Store", dependencies: ["CSQLite", "ByteInput", "Rollups", "Connectors"]),
        // PostgreSQL for a fleet's collectors: the same rollups and public views, through libpq.
        .target(name: "PostgresStore", dependencies: ["CLibPQ", "Store", "Rollups"]),
        // Tables, CSV and JSON for people and scripts.
        .target(name: "Reports", dependencies: ["ByteInput", "Store", "LogScanner", "TLSSessions", "Connectors"]),
        // Deterministic synthetic logs with ground truth.
        .target(name: "LogGenerator", dependencies: ["LogScanner"]),
        // Orchestration: inputs -> scanner -> sessions -> rollups -> store.
        .target(
            name: "Ingest", dependencies: ["ByteInput", "LogScanner", "TLSSessions", "Rollups", "Store"]),
        // The command-line interface as a library, so tests can drive it.
        .target(
            name: "SMTPTLSCLI",
            dependencies: [
                "ByteInput", "Ingest", "Store", "PostgresStore", "Reports", "LogGenerator", "LogScanner", "TLSSessions",
                "Connectors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "smtptls", dependencies: ["SMTPTLSCLI"]),

        .target(name: "TestSupport", dependencies: ["LogGenerator", "Store", "PostgresStore"], path: "Tests/TestSupport"),
        .target(name: "FuzzChecks", dependencies: ["ByteInput", "LogScanner", "TLSSessions"], path: "Tests/FuzzChecks"),
        .testTarget(
            name: "SMTPTLSTests",
            dependencies: [
                "ByteInput", "LogScanner", "TLSSessions", "Rollups", "Store", "Reports", "LogGenerator",
                "Ingest", "SMTPTLSCLI", "TestSupport", "FuzzChecks", "CByteSearch", "Connectors", "PostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
    ]
)
