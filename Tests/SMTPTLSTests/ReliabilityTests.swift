@testable import ByteInput
import Foundation
import Ingest
import LogGenerator
import Store
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Reliability: concurrent runs, timeouts, hostile input, bounded state, redaction")
struct ReliabilityTests {
    static func corpus(_ dir: TemporaryDirectory, seed: UInt64 = 41, hours: Int = 4) throws -> String {
        var config = GeneratorConfig()
        config.seed = seed
        config.hours = hours
        config.fileSizeLimit = 32 << 10
        let logs = dir.url.appendingPathComponent("logs-\(seed)")
        _ = try CorpusGenerator.generate(config, into: logs)
        return logs.path
    }

    static let rollupSQL = RollupDump.sessions

    @Test("two ingests on one database at once both finish, nothing is double counted, and queries work meanwhile")
    func concurrentIngests() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = try Self.corpus(dir, seed: 41), b = try Self.corpus(dir, seed: 42)
        let clean = dir.file("clean.sqlite"), shared = dir.file("shared.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", clean, a, b]).status == 0)
        var processes: [Process] = []
        for inputs in [[a, b], [a], [b, a]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Binary.path)
            p.arguments = ["ingest", "-q", "--db", shared] + inputs
            p.standardError = FileHandle.nullDevice
            try p.run()
            processes.append(p)
        }
        var queried = 0
        while processes.contains(where: \.isRunning) {
            if FileManager.default.fileExists(atPath: shared), (try? ReadOnlyQuery(path: shared).run("SELECT count(*) FROM ingested_inputs")) != nil {
                queried += 1
            }
            usleep(20_000)
        }
        for p in processes { #expect(p.terminationStatus == 0) }
        #expect(try ReadOnlyQuery(path: shared).run(Self.rollupSQL).rows == ReadOnlyQuery(path: clean).run(Self.rollupSQL).rows)
        #expect(queried > 0, "read-only queries ran while ingests were writing")
    }

    @Test("the same log met twice in one run (a copy, and a copy that grew since), one job or two: counted once, the growth on top")
    func sameLogTwiceInOneRun() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        log.session("08DC3A0000000001", remote: "198.51.100.7:1", at: "2024-03-01T10:00:00.000Z", ehlo: "a.example", tls: "SP_PROT_TLS1_0_SERVER")
        log.session("08DC3A0000000002", remote: "198.51.100.8:1", at: "2024-03-01T10:05:00.000Z", ehlo: "b.example")
        // A session the first copy ends in the middle of; the grown copy finishes it.
        log.row(at: "2024-03-01T10:06:00.000Z", session: "08DC3A0000000003", remote: "203.0.113.5:7", "+")
        let grown = log.bytes()
        var more = log
        more.row(at: "2024-03-01T10:06:01.000Z", session: "08DC3A0000000003", remote: "203.0.113.5:7", "<", "EHLO c.example")
        more.row(at: "2024-03-01T10:06:02.000Z", session: "08DC3A0000000003", remote: "203.0.113.5:7", "-", "", "Local")
        more.session("08DC3A0000000004", remote: "198.51.100.7:2", at: "2024-03-01T10:10:00.000Z", ehlo: "a.example", tls: "SP_PROT_TLS1_0_SERVER")
        let first = dir.url.appendingPathComponent("a/RECV2024030110-1.LOG")
        try TemporaryDirectory.writeFile(first, grown)
        try TemporaryDirectory.writeFile(dir.url.appendingPathComponent("b/RECV2024030110-1.LOG"), grown)
        try TemporaryDirectory.writeFile(dir.url.appendingPathComponent("c/RECV2024030110-1.LOG"), more.bytes())
        let inputs = ["a", "b", "c"].map { dir.url.appendingPathComponent($0).path }
        let alone = dir.file("alone.sqlite")
        _ = try ingest([inputs[2]], db: alone, server: "S")
        let expected = try ReadOnlyQuery(path: alone).run(Self.rollupSQL).rows
        #expect(expected.count == 3)
        for jobs in [1, 2] {
            let db = dir.file("jobs\(jobs).sqlite")
            _ = try ingest(inputs, db: db, jobs: jobs, server: "S")
            #expect(try ReadOnlyQuery(path: db).run(Self.rollupSQL).rows == expected, "--jobs \(jobs)")
        }
    }

    @Test("a runaway query stops at its timeout with a clear error")
    func queryTimeout() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("t.sqlite")
        _ = try SQLiteStore(path: db)
        let started = Date()
        let r = try Binary.run(["query", "--db", db, "--timeout", "1",
                                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("timeout"))
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test("a database that cannot be created is a clear error, not a crash")
    func unwritableDatabase() throws {
        let r = try Binary.run(["ingest", "--db", "/nonexistent-dir/x.sqlite", "SampleLogs"], cwd: SampleLogsTests.repository.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent-dir/x.sqlite"))
    }

    @Test("a full disk (SQLite reports SQLITE_FULL) is a clear error and leaves the database consistent")
    func fullDisk() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.corpus(dir, seed: 43, hours: 6)
        let db = dir.file("t.sqlite")
        // The disk "fills up" four pages past the empty schema: SQLite answers "database or disk
        // is full" part way through the first commit.
        let store = try SQLiteStore(path: db)
        let pages = try store.db.prepare("PRAGMA page_count")
        _ = try pages.step()
        let empty = pages.int64(0)
        pages.reset()
        try store.db.execute("PRAGMA max_page_count = \(empty + 4)")
        var options = IngestOptions()
        options.jobs = 2
        #expect {
            _ = try IngestPipeline(store: store, options: options).run(InputDiscovery.discover([logs], server: nil))
        } throws: { error in
            "\(error)".contains("full")
        }
        #expect(try ReadOnlyQuery(path: db).run("PRAGMA integrity_check").rows == [[.text("ok")]])
        // With room again, a rerun completes to the clean totals.
        let clean = dir.file("clean.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", clean, logs]).status == 0)
        #expect(try Binary.run(["ingest", "-q", "--db", db, logs]).status == 0)
        #expect(try ReadOnlyQuery(path: db).run(Self.rollupSQL).rows == ReadOnlyQuery(path: clean).run(Self.rollupSQL).rows)
    }

    @Test("hostile bytes: NUL bytes, 100 000 header blocks, a session id reused, lines of 10 MB")
    func hostileInput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        for _ in 0..<100_000 { log.raw("#Fields: " + LogText.fields) }
        log.raw(bytes: Array("2024-03-01T10:00:00.000Z,EX\\D\u{0},01,0,10.0.0.1:25,192.0.2.1:5,+,,".utf8))
        log.raw(bytes: Array("2024-03-01T10:00:00.100Z,EX\\D\u{0},01,1,10.0.0.1:25,192.0.2.1:5,<,EHLO n\u{0}ul,".utf8))
        log.raw(bytes: Array("2024-03-01T10:00:00.200Z,EX\\D\u{0},01,2,10.0.0.1:25,192.0.2.1:5,-,,".utf8))
        log.raw(String(repeating: "A", count: 10 << 20))
        log.session("01", remote: "192.0.2.9:1", at: "2024-03-05T10:00:00.000Z", ehlo: "reused.example")
        let path = try dir.write("hostile.LOG", log.bytes())
        let summary = try ingest([path], db: dir.file("t.sqlite"), server: "S")
        #expect(summary.errors.isEmpty)
        #expect(summary.malformedRows == 1, "the 10 MB line")
        #expect(summary.sessions.sessionCount == 2, "the reused id is a second session")
        let ehlos = try ReadOnlyQuery(path: dir.file("t.sqlite")).run("SELECT ehlo FROM senders ORDER BY 1").rows
        #expect(ehlos == [[.text("n\u{0}ul")], [.text("reused.example")]])
    }

    @Test("sessions that never end are capped: memory stays bounded, the excess is expired and counted")
    func openSessionCap() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        for i in 0..<5000 { log.row(at: "2024-03-01T10:00:00.000Z", session: String(i, radix: 16), "+") }
        var options = IngestOptions()
        options.server = "S"
        options.maximumOpenSessions = 100
        let store = InMemoryStoreProbe()
        let summary = try IngestPipeline(store: store.store, options: options)
            .run(InputDiscovery.discover([try dir.write("flood.LOG", log.bytes())], server: "S"))
        #expect(summary.openSessionsAtEnd <= 100)
        #expect(summary.sessions.sessionCount == 5000 - summary.openSessionsAtEnd, "nothing vanishes: expired sessions are counted")
    }

    @Test("--redact keeps only the domain of user names and no malformed excerpts")
    func redaction() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T10:00:00.000Z", session: "01", "+")
        log.row(at: "2024-03-01T10:00:00.100Z", session: "01", "*", "alice@Contoso.com", "authenticated")
        log.row(at: "2024-03-01T10:00:00.200Z", session: "01", "-")
        log.raw("2024-03-01T10:00:01.000Z,secret-bob@contoso.com,broken")
        let db = dir.file("t.sqlite")
        let r = try Binary.run(["ingest", "-q", "--redact", "--server", "S", "--db", db, try dir.write("r.LOG", log.bytes())])
        #expect(r.status == 0)
        let dump = try ReadOnlyQuery(path: db).run(
            "SELECT group_concat(auth_user) FROM identities UNION ALL SELECT group_concat(excerpt) FROM malformed_rows").rows
        #expect(dump == [[.text("@contoso.com")], [.text("(redacted)")]])
        let stored = try ReadOnlyQuery(path: db).run(
            "SELECT COUNT(*) FROM dictionary WHERE value LIKE '%alice%' OR value LIKE '%bob%'").rows
        #expect(stored == [[.integer(0)]], "no stored text keeps the local part")
    }

    @Test("a file truncated while it is read with read(2) ends short, without a crash")
    func truncatedWhileReading() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("t.LOG", [UInt8](repeating: 0x41, count: 1 << 20))
        var source = try ReadFileSource(path: path, chunkSize: 4096)
        var seen = 0
        try source.forEachChunk { chunk in
            if seen == 0 { truncate(path, 10_000) }
            seen += chunk.count
        }
        #expect(seen < 1 << 20)
        #expect(seen >= 10_000)
    }
}

/// An in-memory store, to watch what an ingest commits.
struct InMemoryStoreProbe {
    let store = Rollups.InMemoryStore()
}

import Rollups

extension ReliabilityTests {
    @Test("a read-only database directory or file is a clear error and changes nothing; queries still read it")
    func readOnlyDatabase() throws {
        let dir = try TemporaryDirectory()
        defer {
            chmod(dir.file("store"), 0o755)
            dir.remove()
        }
        let a = try Self.corpus(dir, seed: 44, hours: 2), b = try Self.corpus(dir, seed: 45, hours: 2)
        try FileManager.default.createDirectory(atPath: dir.file("store"), withIntermediateDirectories: false)
        let store = dir.file("store"), db = dir.file("store/t.sqlite")
        let user = try UnprivilegedRunner(in: dir)
        #expect(try user.run(["ingest", "-q", "--db", db, a]).status == 0)
        func contents() throws -> [[SQLValue]] {
            try ReadOnlyQuery(path: db).run(Self.rollupSQL).rows
                + ReadOnlyQuery(path: db).run("SELECT fingerprint, consumed_bytes FROM ingested_inputs ORDER BY 1").rows
        }
        let before = try contents()
        // Readers leave an empty -wal and -shm behind; a clean close of the last writer does not.
        // Remove them so the reader below has to cope without them, as after a nightly ingest.
        for suffix in ["-wal", "-shm"] { unlink(db + suffix) }

        chmod(store, 0o555)
        let ingest = try user.run(["ingest", "-q", "--db", db, b])
        #expect(ingest.status != 0)
        #expect(ingest.stderr.contains("directory \(store) is read-only"), "\(ingest.stderr)")
        let query = try user.run(["query", "--db", db, "SELECT count(*) FROM ingested_inputs"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stderr.contains("read as a snapshot"), "\(query.stderr)")
        let inputs = try ReadOnlyQuery(path: db).run("SELECT count(*) FROM ingested_inputs").rows
        #expect(query.stdout.contains(inputs.first?.first?.text ?? "?"))

        chmod(store, 0o755)
        chmod(db, 0o400)
        let readOnlyFile = try user.run(["ingest", "-q", "--db", db, b])
        #expect(readOnlyFile.status != 0)
        #expect(readOnlyFile.stderr.contains("the file is read-only"), "\(readOnlyFile.stderr)")
        chmod(db, 0o600)

        #expect(try contents() == before)
        #expect(try ReadOnlyQuery(path: db).run("PRAGMA integrity_check").rows == [[.text("ok")]])
    }
}

extension ReliabilityTests {
    @Test("sequence numbers out of order inside a session: one session, its EHLO and protocol kept")
    func sequenceOutOfOrder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        let tls = "\"TLS protocol SP_PROT_TLS1_1_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits and key exchange algorithm CALG_RSA_KEYX with strength 2048 bits\""
        // Rows of session 0A interleaved with session 0B, and 0A's sequence numbers shuffled
        // (4, 2, 3 between 0 and 9): the negotiation is logged before the EHLO.
        log.row(at: "2024-03-01T10:00:00.000Z", session: "0A", seq: 0, "+")
        log.row(at: "2024-03-01T10:00:00.010Z", session: "0B", seq: 0, remote: "192.0.2.2:1", "+")
        log.row(at: "2024-03-01T10:00:00.020Z", session: "0A", seq: 4, "*", "", tls)
        log.row(at: "2024-03-01T10:00:00.030Z", session: "0A", seq: 2, "<", "EHLO shuffled.example")
        log.row(at: "2024-03-01T10:00:00.040Z", session: "0B", seq: 1, remote: "192.0.2.2:1", "<", "EHLO plain.example")
        log.row(at: "2024-03-01T10:00:00.050Z", session: "0A", seq: 3, "<", "STARTTLS")
        log.row(at: "2024-03-01T10:00:00.060Z", session: "0B", seq: 2, remote: "192.0.2.2:1", "-", "", "Local")
        log.row(at: "2024-03-01T10:00:00.070Z", session: "0A", seq: 9, "-", "", "Local")
        let path = try dir.write("RECV.LOG", log.bytes())
        let summary = try ingest([path], db: dir.file("t.sqlite"), server: "S")
        #expect(summary.sessions.sessionCount == 2)
        #expect(summary.malformedRows == 0)
        let rows = try ReadOnlyQuery(path: dir.file("t.sqlite"))
            .run("SELECT ehlo, outcome, COALESCE(protocol, '') FROM identities ORDER BY 1").rows
        #expect(rows == [[.text("plain.example"), .text("plaintext"), .text("")],
                         [.text("shuffled.example"), .text("tls"), .text("TLS1.1")]])
    }

    @Test("the cores a process may use come from its affinity mask (taskset, a cpuset), not the machine's count")
    func cpuAffinity() {
        #expect(CPUAffinity.allowed(inStatus: "Name:\tx\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n") == 1)
        #expect(CPUAffinity.allowed(inStatus: "Cpus_allowed:\tff,00000103\n") == 11)
        #expect(CPUAffinity.allowed(inStatus: "Cpus_allowed:\t0\n") == nil)
        #expect(CPUAffinity.allowed(inStatus: "Name:\tx\n") == nil)
        #expect(CPUAffinity.count >= 1 && CPUAffinity.count <= ProcessInfo.processInfo.activeProcessorCount)
    }
}
