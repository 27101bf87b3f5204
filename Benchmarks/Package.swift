// swift-tools-version: 6.1
// Micro and end-to-end benchmarks for smtptls, kept out of the main package so that its build
// and tests never compile benchmark dependencies. Run:
//   swift run -c release --package-path Benchmarks SMTPTLSBenchmarks
// For the side-by-side comparison with rg, zstd and DuckDB, see compare.sh. Before timing, it
// prints each stage's heap allocations per MB of log (CMallocCount) and stops if one exceeds
// the ceiling recorded in main.swift.
//
// google/swift-benchmark is used rather than ordo-one/benchmark: the latter (1.38.1) needs
// ordo-one/swift-runtime-interposer on Linux with Swift 6.3, which this machine's package
// mirror does not carry.
import PackageDescription

let package = Package(
    name: "smtptls-benchmarks",
    dependencies: [
        .package(name: "smtptls", path: "../"),
        .package(url: "https://github.com/google/swift-benchmark", from: "0.1.2"),
    ],
    targets: [
        // Counts heap allocations by wrapping malloc (see its source); benchmarks only.
        .target(name: "CMallocCount"),
        .executableTarget(
            name: "SMTPTLSBenchmarks",
            dependencies: [
                "CMallocCount",
                .product(name: "SMTPTLSKit", package: "smtptls"),
                .product(name: "Benchmark", package: "swift-benchmark"),
            ])
    ]
)
