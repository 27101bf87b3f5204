import Foundation
import FuzzChecks
import Testing
import TestSupport

/// Replays Fuzz/regressions/<target>/* through the fuzz targets' checks, without libFuzzer: each
/// past finding (and each hand-made edge case kept there) must stay harmless.
@Suite("Fuzz regression corpus")
struct RegressionCorpusTests {
    static func inputs(_ target: String) -> [URL] {
        let dir = SampleLogsTests.repository.appendingPathComponent("Fuzz/regressions/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test("every FuzzScanner regression input scans without a crash, chunked = whole")
    func scanner() throws {
        let files = Self.inputs("FuzzScanner")
        #expect(files.count >= 10, "the corpus is in the repository")
        for file in files {
            let bytes = try Data(contentsOf: file)
            bytes.withUnsafeBytes { FuzzChecks.scanner($0) }
        }
    }

    @Test("every FuzzArchives regression input decodes or fails cleanly, output bounded")
    func archives() throws {
        let files = Self.inputs("FuzzArchives")
        #expect(files.count >= 5, "the corpus is in the repository")
        for file in files {
            let bytes = try Data(contentsOf: file)
            bytes.withUnsafeBytes { FuzzChecks.archives($0) }
        }
    }
}
