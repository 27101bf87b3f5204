import Foundation
import LogGenerator
import Testing
import TestSupport

@Suite("SampleLogs/ is what its README says")
struct SampleLogsTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test("the committed sample is byte for byte what the documented generate command writes")
    func reproducible() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var config = GeneratorConfig()
        config.seed = 2024
        config.hours = 2
        config.sessionsPerHour = 18
        config.fileSizeLimit = 200_000
        let truth = try CorpusGenerator.generate(config, into: dir.url)
        let sample = Self.repository.appendingPathComponent("SampleLogs")
        for file in truth.files + ["truth.json"] {
            let fresh = try Data(contentsOf: dir.url.appendingPathComponent(file))
            let committed = try Data(contentsOf: sample.appendingPathComponent(file))
            #expect(fresh == committed, "\(file)")
        }
        #expect(truth.bytes < 1_000_000)
    }

    @Test("ingesting SampleLogs reports the truth's numbers")
    func demoNumbers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sample = Self.repository.appendingPathComponent("SampleLogs").path
        let r = try Binary.run(["scan", sample])
        let truth = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: sample + "/truth.json"))) as! [String: Any]
        #expect(r.status == 0)
        #expect(r.stdout.contains("sessions finished: \(truth["sessions"] as! Int) "))
        #expect(r.stdout.contains("malformed rows: \(truth["malformed_rows"] as! Int)"))
    }
}
