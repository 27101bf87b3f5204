import Foundation
import Ingest
import LogGenerator
import Rollups
import Store
import Testing
import TestSupport

/// Ingests `dir` into a new database at `db` with `jobs` threads.
func ingest(
    _ paths: [String], db: String, jobs: Int = 1, server: String? = nil, finalize: Bool = false,
    maximumBatchRows: Int = IngestOptions().maximumBatchRows, rowBuilding: RowBuilding = RowBuilding(),
    useMemoryMap: Bool = false
) throws -> IngestSummary {
    var options = IngestOptions()
    options.useMemoryMap = useMemoryMap
    options.maximumBatchRows = maximumBatchRows
    options.jobs = jobs
    options.server = server
    options.finalizeOpenSessions = finalize
    return try IngestPipeline(store: try SQLiteStore(path: db, rowBuilding: rowBuilding), options: options)
        .run(InputDiscovery.discover(paths, server: server))
}

@Suite("Generated corpora: scanner, sessions and views agree with the generator's truth")
struct CorpusTruthTests {
    @Test("every view equals the truth", arguments: [1, 2, 3] as [UInt64])
    func viewsEqualTruth(seed: UInt64) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var config = GeneratorConfig()
        config.seed = seed
        config.hours = 3
        config.sessionsPerHour = 30
        config.fileSizeLimit = 64 << 10  // force size rotation too
        let logs = dir.url.appendingPathComponent("logs")
        let truth = try CorpusGenerator.generate(config, into: logs)
        #expect(truth.files.count > 8, "size rotation produced -2, -3 files")
        let db = dir.file("t.sqlite")
        let summary = try ingest([logs.path], db: db)
        #expect(summary.errors.isEmpty)
        #expect(summary.malformedRows == truth.malformedRows)
        #expect(summary.sessions.sessionCount == truth.sessions.count)
        #expect(summary.openSessionsAtEnd == 0)
        #expect(try TruthViews.fromDatabase(db, TruthViews.negotiationsSQL) == TruthViews.negotiations(truth))
        #expect(try TruthViews.fromDatabase(db, TruthViews.plaintextSQL) == TruthViews.plaintext(truth))
        #expect(try TruthViews.fromDatabase(db, TruthViews.failuresSQL) == TruthViews.failures(truth))
        let senders = try TruthViews.fromDatabase(db, TruthViews.sendersSQL), expectedSenders = TruthViews.senders(truth)
        #expect(senders == expectedSenders, "differing: \(Array(senders.filter { expectedSenders[$0.key] != $0.value }.prefix(3)))")
        // Per-protocol session counts, as `smtptls ingest` reports them.
        var reported: [String: Int] = [:]
        for (p, n) in summary.sessions.protocolSessions { reported[p.name] = n }
        #expect(reported == truth.protocolCounts)
    }

    @Test("legacy_senders lists exactly the remote parties with a session below TLS 1.2")
    func legacySenders() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var config = GeneratorConfig()
        config.seed = 11
        let truth = try CorpusGenerator.generate(config, into: dir.url.appendingPathComponent("logs"))
        let db = dir.file("t.sqlite")
        _ = try ingest([dir.url.appendingPathComponent("logs").path], db: db)
        var expected: [String: Int64] = [:]
        for s in truth.sessions where s.outcome == "tls" && ["SSL3", "TLS1.0", "TLS1.1"].contains(s.protocolName!) {
            expected[[s.server, s.logType.name, String(decoding: s.connector, as: UTF8.self), s.remoteIP].joined(separator: "|"), default: 0] += 1
        }
        let actual = try TruthViews.fromDatabase(db, "SELECT server, log_type, connector, remote_ip, legacy_sessions FROM legacy_senders")
        #expect(!expected.isEmpty)
        #expect(actual == expected)
    }

    /// Four hours of logs of two modern servers and the generator's others, rotated at 32 KB:
    /// many inputs, sessions across files.
    static func rotatedCorpus(_ dir: TemporaryDirectory, seed: UInt64, start: Int64? = nil) throws -> String {
        var config = GeneratorConfig()
        config.seed = seed
        if let start { config.start = start }
        config.hours = 4
        config.sessionsPerHour = 20
        config.fileSizeLimit = 32 << 10
        config.modernServers = ["EX01", "EX02"]
        let logs = dir.url.appendingPathComponent("logs").path
        _ = try CorpusGenerator.generate(config, into: URL(fileURLWithPath: logs))
        return logs
    }

    @Test("parallel ingestion, and batches committed in many transactions, give exactly the database of a serial one, sessions across files included")
    func parallelEqualsSerial() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.rotatedCorpus(dir, seed: 5)
        let serial = dir.file("serial.sqlite"), parallel = dir.file("parallel.sqlite")
        let whole = try ingest([logs], db: serial, jobs: 1)
        _ = try ingest([logs], db: parallel, jobs: 4)
        // Batches bounded by their rows: a bound of 100 commits this corpus in many transactions
        // (one per input past the bound), the same database as one transaction.
        let batched = dir.file("batched.sqlite")
        let several = try ingest([logs], db: batched, jobs: 2, maximumBatchRows: 100)
        // One job carries its tallies from input to input (TallyCarry): bounded batches drain
        // them at every flush, and the servers change between inputs.
        let carried = dir.file("carried.sqlite")
        let carriedBatches = try ingest([logs], db: carried, jobs: 1, maximumBatchRows: 100)
        // Rows built on threads beside the commit, or inline, in chunks of a few rows (every
        // table many chunks, more than wait at once): the same database again.
        let threaded = dir.file("threaded.sqlite"), inline = dir.file("inline.sqlite")
        _ = try ingest([logs], db: threaded, jobs: 2, rowBuilding: RowBuilding(threaded: true, rowsPerChunk: 8))
        _ = try ingest([logs], db: inline, jobs: 2, maximumBatchRows: 100, rowBuilding: RowBuilding(threaded: false, rowsPerChunk: 8))
        // Mapped instead of read (`--mmap`): only files not modified in the last minute are
        // mapped, so the logs are dated an hour back first.
        let hourAgo = Date().addingTimeInterval(-3600)
        let files = FileManager.default.enumerator(atPath: logs)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".LOG") }
        #expect(files.count > 8)
        for f in files { try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: logs + "/" + f) }
        let mapped = dir.file("mapped.sqlite")
        _ = try ingest([logs], db: mapped, jobs: 2, useMemoryMap: true)
        #expect(whole.commits == 1)
        #expect(several.commits > 3 && several.commits <= several.inputsIngested, "\(several.commits) transactions")
        #expect(carriedBatches.commits > 3, "\(carriedBatches.commits) transactions")
        for sql in [RollupDump.sessions, RollupDump.identities,
                    "SELECT server, log_type, connector, session_id, state FROM open_sessions ORDER BY 1,2,3,4",
                    "SELECT fingerprint, consumed_bytes, records, malformed_rows FROM ingested_inputs ORDER BY 1"] {
            let a = try ReadOnlyQuery(path: serial).run(sql).rows
            let b = try ReadOnlyQuery(path: parallel).run(sql).rows
            #expect(a == b, "\(sql)")
            #expect(try ReadOnlyQuery(path: batched).run(sql).rows == a, "batched: \(sql)")
            #expect(try ReadOnlyQuery(path: carried).run(sql).rows == a, "one job, batched: \(sql)")
            #expect(try ReadOnlyQuery(path: threaded).run(sql).rows == a, "rows built on threads: \(sql)")
            #expect(try ReadOnlyQuery(path: inline).run(sql).rows == a, "rows built inline: \(sql)")
            #expect(try ReadOnlyQuery(path: mapped).run(sql).rows == a, "files mapped: \(sql)")
            #expect(!a.isEmpty || sql.contains("open_sessions"))
        }
    }
}
