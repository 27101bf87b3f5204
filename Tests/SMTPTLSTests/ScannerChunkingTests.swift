import Foundation
import LogGenerator
import LogScanner
import Testing
import TestSupport

@Suite("Record scanner: chunk boundaries and the oracle")
struct ScannerChunkingTests {
    static func corpusBytes(seed: UInt64) throws -> [UInt8] {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var config = GeneratorConfig()
        config.seed = seed
        config.hours = 2
        config.sessionsPerHour = 25
        let truth = try CorpusGenerator.generate(config, into: dir.url)
        var all: [UInt8] = []
        for file in truth.files { all += try [UInt8](Data(contentsOf: dir.url.appendingPathComponent(file))) }
        return all
    }

    @Test("random chunk sizes give exactly the records, malformed rows and statistics of one chunk", arguments: [1, 2, 3] as [UInt64])
    func randomChunks(seed: UInt64) throws {
        let bytes = try Self.corpusBytes(seed: seed)
        let (whole, wholeStats) = RecordingSink.scan(bytes)
        var random = SeededRandom(seed: seed)
        for _ in 0..<4 {
            let sizes = (0..<50).map { _ in random.int(1...3000) }
            let (chunked, chunkedStats) = RecordingSink.scan(bytes, chunks: sizes)
            #expect(chunked.rows == whole.rows)
            #expect(chunked.malformed == whole.malformed)
            #expect(chunkedStats == wholeStats)
            #expect(chunked.fingerprint == whole.fingerprint)
        }
        let (bytewise, _) = RecordingSink.scan(Array(bytes.prefix(60_000)), chunks: [1])
        let (prefixWhole, _) = RecordingSink.scan(Array(bytes.prefix(60_000)))
        #expect(bytewise.rows == prefixWhole.rows)
    }

    @Test("the fast scanner's fields equal the slow oracle splitter's on every line", arguments: [7, 8] as [UInt64])
    func oracle(seed: UInt64) throws {
        let bytes = try Self.corpusBytes(seed: seed)
        let (sink, stats) = RecordingSink.scan(bytes)
        let oracle = OracleSplitter.split(bytes)
        #expect(oracle.count == stats.lines)
        var byLine: [Int: [[UInt8]]] = [:]
        for line in oracle { if let f = line.fields { byLine[line.number] = f } }
        for row in sink.rows {
            #expect(byLine[row.line] == row.fields, "line \(row.line)")
        }
        // Every oracle line with nine fields and a valid time is a record the scanner emitted, and no other.
        let oracleRecords = oracle.filter { line in
            guard let f = line.fields, f.count == 9 else { return false }
            return Self.isValidTime(f[0])
        }
        #expect(oracleRecords.map(\.number) == sink.rows.map(\.line))
        #expect(sink.rows.count > 1000)
    }

    /// Slow check of `yyyy-MM-ddTHH:mm:ss.fffZ` with month, day and hour ranges.
    static func isValidTime(_ b: [UInt8]) -> Bool {
        let s = String(decoding: b, as: UTF8.self)
        let parts = s.split(whereSeparator: { "-T:.Z".contains($0) }).map(String.init)
        guard s.count == 24, s.hasSuffix("Z"), parts.count == 7, parts.allSatisfy({ Int($0) != nil }) else { return false }
        let v = parts.map { Int($0)! }
        return (1...12).contains(v[1]) && (1...31).contains(v[2]) && v[3] < 24 && v[4] < 60 && v[5] < 61
    }
}
