// swift-tools-version: 6.1
// libFuzzer targets for smtptls. Build only with the fuzzer sanitizer (see Fuzz/run.sh):
//   swift build --package-path Fuzz --sanitize=fuzzer --sanitize=address
// Kept out of the main package so that `swift build` there never needs libFuzzer.
import PackageDescription

let package = Package(
    name: "smtptls-fuzz",
    dependencies: [.package(name: "smtptls", path: "../")],
    targets: [
        .executableTarget(
            name: "FuzzScanner", dependencies: [.product(name: "SMTPTLSFuzzChecks", package: "smtptls")]),
        .executableTarget(
            name: "FuzzArchives", dependencies: [.product(name: "SMTPTLSFuzzChecks", package: "smtptls")]),
    ]
)
