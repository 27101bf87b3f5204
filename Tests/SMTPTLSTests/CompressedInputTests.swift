import ByteInput
import CZstd
import Foundation
import LogGenerator
import Store
import Testing
import TestSupport

@Suite("Compressed inputs: .zst and .gz stream through the same scanner")
struct CompressedInputTests {
    static func zstdCompress(_ bytes: [UInt8], level: Int32 = 3) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let n = bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, level)
            }
        }
        return Array(out.prefix(n))
    }

    static func gzip(_ path: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c '\(path)' > '\(path).gz'"]
        try p.run()
        p.waitUntilExit()
    }

    static func corpus(_ dir: TemporaryDirectory) throws -> (GroundTruth, URL) {
        var config = GeneratorConfig()
        config.seed = 4
        let logs = dir.url.appendingPathComponent("logs")
        return (try CorpusGenerator.generate(config, into: logs), logs)
    }

    @Test("the same corpus as .LOG, .zst (two concatenated frames) and .gz gives the same views")
    func sameResults() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (truth, logs) = try Self.corpus(dir)
        let zstDir = dir.url.appendingPathComponent("zst"), gzDir = dir.url.appendingPathComponent("gz")
        for file in truth.files {
            let bytes = try [UInt8](Data(contentsOf: logs.appendingPathComponent(file)))
            let half = bytes.count / 2
            let frames = Self.zstdCompress(Array(bytes[..<half])) + Self.zstdCompress(Array(bytes[half...]))
            let name = file.replacingOccurrences(of: "/", with: "_")
            try TemporaryDirectory.writeFile(zstDir.appendingPathComponent(name + ".zst"), frames)
            let plain = gzDir.appendingPathComponent(name)
            try TemporaryDirectory.writeFile(plain, bytes)
            try Self.gzip(plain.path)
            try FileManager.default.removeItem(at: plain)
        }
        var results: [[String: Int64]] = []
        for (i, source) in [logs, zstDir, gzDir].enumerated() {
            let db = dir.file("t\(i).sqlite")
            let summary = try ingest([source.path], db: db, server: "S")
            #expect(summary.errors.isEmpty)
            #expect(summary.malformedRows == truth.malformedRows)
            results.append(try TruthViews.fromDatabase(db, TruthViews.negotiationsSQL))
        }
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
        #expect(results[0].values.reduce(0, +) == Int64(truth.sessions(outcome: "tls") + truth.sessions(outcome: "tls_unlogged")))
    }

    @Test("a truncated or corrupt .zst/.gz is an error naming the input; nothing of it counts (its first sessions leave the carried tallies again); the others still ingest")
    func corruptArchives() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (truth, logs) = try Self.corpus(dir)
        let bytes = try [UInt8](Data(contentsOf: logs.appendingPathComponent(truth.files[0])))
        let z = Self.zstdCompress(bytes)
        let bad = dir.url.appendingPathComponent("bad")
        try TemporaryDirectory.writeFile(bad.appendingPathComponent("trunc.LOG.zst"), Array(z.prefix(z.count * 2 / 3)))
        var corrupt = z
        for i in stride(from: 20, to: corrupt.count - 10, by: 97) { corrupt[i] ^= 0x5A }
        try TemporaryDirectory.writeFile(bad.appendingPathComponent("corrupt.LOG.zst"), corrupt)
        try TemporaryDirectory.writeFile(bad.appendingPathComponent("good.LOG"), bytes)
        let plainForGz = bad.appendingPathComponent("gz.LOG")
        try TemporaryDirectory.writeFile(plainForGz, bytes + bytes)
        try Self.gzip(plainForGz.path)
        try FileManager.default.removeItem(at: plainForGz)
        let gz = try [UInt8](Data(contentsOf: URL(fileURLWithPath: plainForGz.path + ".gz")))
        try TemporaryDirectory.writeFile(URL(fileURLWithPath: plainForGz.path + ".gz"), Array(gz.prefix(gz.count / 2)))

        let db = dir.file("t.sqlite")
        let summary = try ingest([bad.path], db: db, server: "S")
        #expect(summary.errors.count == 3)
        #expect(summary.errors.contains { $0.path.hasSuffix("trunc.LOG.zst") && $0.message.contains("truncated") })
        #expect(summary.errors.contains { $0.path.hasSuffix("corrupt.LOG.zst") })
        #expect(summary.errors.contains { $0.path.hasSuffix("gz.LOG.gz") && $0.message.contains("gzip") })
        #expect(summary.inputsIngested == 1)
        let ledger = try ReadOnlyQuery(path: db).run("SELECT path FROM ingested_inputs").rows
        #expect(ledger.count == 1 && ledger[0][0].text.hasSuffix("good.LOG"))
        // The broken inputs decoded sessions before their error (one job counts them into the
        // tallies it carries across inputs): none of them may be left in the rollups.
        let alone = dir.file("alone.sqlite")
        _ = try ingest([bad.appendingPathComponent("good.LOG").path], db: alone, server: "S")
        for sql in RollupDump.all {
            let rows = try ReadOnlyQuery(path: db).run(sql).rows
            #expect(rows == (try ReadOnlyQuery(path: alone).run(sql).rows), "\(sql)")
            #expect(!rows.isEmpty || sql == RollupDump.authFailures)
        }
    }
}

extension TemporaryDirectory {
    static func writeFile(_ url: URL, _ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
}
