import Foundation
import FuzzChecks
import Testing
import TestSupport

/// Replays Fuzz/regressions/<target>/* through the fuzz targets' checks, without libFuzzer: each
/// past finding (and each hand-made edge case kept there) must stay harmless.
@Suite("Fuzz regression corpus")
struct RegressionCorpusTests {
    enum Target: String, CaseIterable, Sendable {
        case FuzzScanner, FuzzArchives

        /// Runs the target's check on one input (a failed check stops the process).
        func check(_ bytes: UnsafeRawBufferPointer) {
            switch self {
            case .FuzzScanner: FuzzChecks.scanner(bytes)
            case .FuzzArchives: FuzzChecks.archives(bytes)
            }
        }
    }

    @Test("every regression input passes its fuzz target's check (no crash, chunked = whole, bounded output)",
          arguments: Target.allCases)
    func replay(_ target: Target) throws {
        let dir = SampleLogsTests.repository.appendingPathComponent("Fuzz/regressions/\(target.rawValue)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names.count >= 50, "the corpus is in the repository")
        for name in names {
            let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
            bytes.withUnsafeBytes { target.check($0) }
        }
    }
}
