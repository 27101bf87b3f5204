import Foundation
import Ingest
import LogGenerator
import LogScanner
@testable import Store
import Synchronization
import Testing
import TestSupport
import TLSSessions

@Suite("Store: ledger, sessions across runs, crash consistency, read-only queries")
struct StoreTests {
    static func totals(_ db: String) throws -> [[SQLValue]] {
        try ReadOnlyQuery(path: db).run("""
            SELECT r.outcome, u.protocol, SUM(r.sessions) FROM session_rollup r JOIN suite u ON u.id = r.suite GROUP BY 1, 2 ORDER BY 1, 2
            """).rows
    }

    @Test("re-ingesting the same files changes nothing")
    func reingest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = dir.url.appendingPathComponent("logs")
        _ = try CorpusGenerator.generate(GeneratorConfig(), into: logs)
        let db = dir.file("t.sqlite")
        let first = try ingest([logs.path], db: db)
        let before = try Self.totals(db)
        let again = try ingest([logs.path], db: db)
        #expect(first.inputsIngested == 8)
        #expect(again.inputsIngested == 0)
        #expect(again.inputsUnchanged == first.inputsIngested)
        #expect(try Self.totals(db) == before)
        // A copy of the same file under another name is the same content: not counted again.
        let copy = dir.file("copy.LOG")
        try FileManager.default.copyItem(atPath: logs.appendingPathComponent(try firstLog(logs)).path, toPath: copy)
        _ = try ingest([copy], db: db)
        #expect(try Self.totals(db) == before)
    }

    func firstLog(_ logs: URL) throws -> String {
        let files = FileManager.default.enumerator(atPath: logs.path)!.compactMap { $0 as? String }
        return files.sorted().first { $0.hasSuffix(".LOG") }!
    }

    @Test("a file that grows contributes only its new complete records; a session split across two runs counts once with its EHLO")
    func growingFileAndSplitSession() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T10:59:58.000Z", session: "01", "+")
        log.row(at: "2024-03-01T10:59:58.100Z", session: "01", "<", "EHLO growing.example")
        log.row(at: "2024-03-01T10:59:58.200Z", session: "02", "+")
        log.row(at: "2024-03-01T10:59:58.300Z", session: "02", "-")
        let path = try dir.write("RECV2024030110-1.LOG", log.bytes() + Array("2024-03-01T10:59:59.000Z,EX01".utf8))
        let db = dir.file("t.sqlite")
        let first = try ingest([path], db: db, server: "EX01")
        #expect(first.sessions.sessionCount == 1)
        #expect(first.openSessionsAtEnd == 1)
        // The server finishes the half-written line and the session, in this file and the next hour's.
        log.row(at: "2024-03-01T10:59:59.000Z", session: "03", "+")
        log.row(at: "2024-03-01T10:59:59.500Z", session: "03", "-")
        try dir.write("RECV2024030110-1.LOG", log.bytes())
        var next = LogText()
        next.header()
        next.row(at: "2024-03-01T11:00:00.100Z", session: "01", "*", "", "TLS negotiation failed with error SocketError")
        next.row(at: "2024-03-01T11:00:00.200Z", session: "01", "-")
        let nextPath = try dir.write("RECV2024030111-1.LOG", next.bytes())
        let second = try ingest([path, nextPath], db: db, server: "EX01")
        #expect(second.records == 4, "2 new rows in the grown file, 2 in the new one")
        #expect(second.sessions.sessionCount == 2)
        let failures = try ReadOnlyQuery(path: db).run("SELECT error, sessions FROM tls_failures").rows
        #expect(failures == [[.text("SocketError"), .integer(1)]])
        let senders = try ReadOnlyQuery(path: db).run("SELECT ehlo, sessions FROM senders WHERE ehlo IS NOT NULL").rows
        #expect(senders == [[.text("growing.example"), .integer(1)]])
        let open = try ReadOnlyQuery(path: db).run("SELECT count(*) FROM open_sessions").rows
        #expect(open == [[.integer(0)]])
        #expect(try Self.totals(db).map { $0[2] } == [.integer(1), .integer(2)])
    }

    @Test("sessions idle for longer than the timeout expire; --finalize-open closes the rest")
    func expiry() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T08:00:00.000Z", session: "01", "+")
        log.row(at: "2024-03-01T08:00:00.100Z", session: "01", "<", "EHLO stale.example")
        log.row(at: "2024-03-01T10:00:00.000Z", session: "02", "+")
        log.row(at: "2024-03-01T10:00:01.000Z", session: "03", "+")
        log.row(at: "2024-03-01T10:00:02.000Z", session: "03", "-")
        let db = dir.file("t.sqlite")
        let summary = try ingest([try dir.write("a.LOG", log.bytes())], db: db, server: "EX01")
        #expect(summary.sessions.expiredSessions == 1, "session 01 was idle 2 hours")
        #expect(summary.openSessionsAtEnd == 1)
        var other = LogText()
        other.header()
        other.row(at: "2024-03-01T10:00:03.000Z", session: "04", "+")
        let finalized = try ingest([try dir.write("b.LOG", other.bytes())], db: db, server: "EX01", finalize: true)
        #expect(finalized.openSessionsAtEnd == 0)
        #expect(try ReadOnlyQuery(path: db).run("SELECT SUM(sessions) FROM plaintext_sessions").rows == [[.integer(4)]])
    }

    @Test("query refuses every statement that would write, and the database is unchanged")
    func readOnlyQueries() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = dir.url.appendingPathComponent("logs")
        _ = try CorpusGenerator.generate(GeneratorConfig(), into: logs)
        let db = dir.file("t.sqlite")
        _ = try ingest([logs.path], db: db)
        let before = try Self.totals(db)
        for sql in ["DELETE FROM session_rollup", "DROP TABLE session_rollup", "UPDATE session_rollup SET sessions = 0",
                    "INSERT INTO meta VALUES ('x','y')", "CREATE TABLE t(x)", "PRAGMA user_version = 99",
                    "ATTACH DATABASE '\(dir.file("other.sqlite"))' AS other", "VACUUM"] {
            #expect(throws: StoreError.self, "\(sql)") { try ReadOnlyQuery(path: db).run(sql) }
        }
        #expect(try Self.totals(db) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.file("other.sqlite")))
        #expect(try SQLiteDatabase(path: db, mode: .readOnly).userVersion == Schema.currentVersion)
    }

    @Test("the database file is created readable by its owner only")
    func permissions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("t.sqlite")
        _ = try SQLiteStore(path: db)
        let mode = try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as! NSNumber
        #expect(mode.intValue & 0o077 == 0)
    }

    @Test("a database from a newer smtptls is refused, not damaged")
    func newerSchema() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("t.sqlite")
        try SQLiteStore(path: db).db.execute("PRAGMA user_version = 999")
        #expect(throws: StoreError.self) { try SQLiteStore(path: db) }
    }
}

extension StoreTests {
    @Test("a version-2 database migrates to the current schema: rollups kept, remote_ip indexes dropped, views answer")
    func migrationFromVersion2() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("v2.sqlite")
        do {
            let old = try SQLiteDatabase(path: db, mode: .readWrite)
            try Schema.migrate(old, to: 2)
            try old.execute("""
                INSERT INTO session_rollup VALUES ('EX01','2024-03-01','receive','C','192.0.2.7','tls','TLS1.0','server',
                  'CALG_AES_128',128,'CALG_SHA1',160,'CALG_RSA_KEYX',2048,'',5,1709251200000,1709254800000)
                """)
            let indexes = try ReadOnlyQuery(path: db).run("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_remote'")
            #expect(indexes.rows.count == 2, "version 2 had the remote_ip indexes")
        }
        _ = try SQLiteStore(path: db)
        let q = ReadOnlyQuery(path: db)
        #expect(try q.run("PRAGMA user_version").rows == [[.integer(Int64(Schema.currentVersion))]])
        #expect(try q.run("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_remote'").rows.isEmpty)
        #expect(try q.run("SELECT remote_ip, protocol, sessions FROM negotiations").rows
            == [[.text("192.0.2.7"), .text("TLS1.0"), .integer(5)]])
    }
}

extension StoreTests {
    @Test("a version-5 database migrates to integer-keyed rollups: views answer as before, and later ingests add to the same rows")
    func migrationFromVersion5() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("v5.sqlite")
        let connector = "EX01\\Default Frontend EX01"
        do {
            let old = try SQLiteDatabase(path: db, mode: .readWrite)
            try Schema.migrate(old, to: 5)
            try old.execute("""
                INSERT INTO session_rollup VALUES ('S','2024-03-01','receive','\(connector)','198.51.100.7','tls','TLS1.0','server',
                  'CALG_AES_128',128,'CALG_SHA1',160,'CALG_RSA_KEYX',2048,'','mail',5,1709251200000,1709254800000);
                INSERT INTO session_rollup VALUES ('S','2024-03-01','receive','\(connector)','198.51.100.8','failed','','',
                  '',-1,'',-1,'',-1,'0x80090327','greeted',2,1709251200000,1709251200000);
                INSERT INTO identity_rollup VALUES ('S','2024-03-01','receive','\(connector)','198.51.100.7','tls','TLS1.0',
                  'old.example','example.org','','','',5,1709251200000,1709254800000);
                INSERT INTO auth_failure_rollup VALUES ('S','2024-03-01','receive','\(connector)','198.51.100.9','bob@example.org',
                  'LOGIN','535 5.7.3 Authentication unsuccessful',1,1709251200000,1709251200000);
                """)
        }
        _ = try SQLiteStore(path: db)
        let q = ReadOnlyQuery(path: db)
        #expect(try q.run("PRAGMA user_version").rows == [[.integer(Int64(Schema.currentVersion))]])
        #expect(try q.run("SELECT remote_ip, protocol, cipher, cipher_bits, weak_reasons, legacy, sessions FROM negotiations").rows
            == [[.text("198.51.100.7"), .text("TLS1.0"), .text("CALG_AES_128"), .integer(128),
                 .text("no_forward_secrecy,weak_mac"), .integer(1), .integer(5)]])
        #expect(try q.run("SELECT remote_ip, error, sessions FROM tls_failures").rows
            == [[.text("198.51.100.8"), .text("0x80090327"), .integer(2)]])
        #expect(try q.run("SELECT remote_ip, ehlo, sender_domain, auth_user FROM identities").rows
            == [[.text("198.51.100.7"), .text("old.example"), .text("example.org"), .null]])
        #expect(try q.run("SELECT remote_ip, user, mechanism FROM auth_failures").rows
            == [[.text("198.51.100.9"), .text("bob@example.org"), .text("LOGIN")]])
        #expect(try q.run("SELECT remote_ip, protocols, legacy_sessions, ehlo_names FROM legacy_senders").rows
            == [[.text("198.51.100.7"), .text("TLS1.0"), .integer(5), .text("old.example")]])

        // The same party on the same day again: its texts are found in the dictionary, so the
        // sessions add to the migrated rows instead of starting new ones.
        var log = LogText()
        log.header()
        log.session("01", remote: "198.51.100.7:50001", at: "2024-03-01T11:00:00.000Z", ehlo: "old.example", tls: "SP_PROT_TLS1_0_SERVER")
        _ = try ingest([try dir.write("more.LOG", log.bytes())], db: db, server: "S")
        #expect(try q.run("SELECT remote_ip, SUM(sessions), COUNT(*) FROM negotiations GROUP BY 1").rows
            == [[.text("198.51.100.7"), .integer(6), .integer(1)]])
        #expect(try q.run("SELECT COUNT(*) FROM dictionary WHERE value = '198.51.100.7'").rows == [[.integer(1)]])
    }
}

extension StoreTests {
    @Test("stored ids: the empty text is 0, a text keeps its id, a commit's new texts are numbered in byte order, and ids of a rolled-back transaction are asked for again")
    func dictionaryIDs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("t.sqlite"))
        let db = store.db
        let ids = try DictionaryIDs(db)
        #expect(try ids.id("") == 0)
        let values: [[UInt8]] = [Array("mail.b.example".utf8), Array("mail.a.example".utf8), [0xFF, 0x41]]
        let stored = try db.transaction { try ids.ids(values) }
        let a = try ids.id("mail.a.example"), b = try ids.id("mail.b.example")
        #expect(stored == [b, a, try ids.id(ByteString([0xFF, 0x41]))], "ids in the order asked")
        #expect(a < b, "new texts in byte order")
        let raw = try ids.id(ByteString([0xFF, 0x41]))
        #expect(raw > b, "bytes that are not UTF-8 are stored as they are, after ASCII")
        let address = try ids.id(RemoteAddress.ipv4(0xC000_0207)), text = try ids.id("192.0.2.7")
        #expect(address == text)
        #expect(try ids.id(nil as Negotiation?) == 0)
        let suite = Negotiation(protocolVersion: .tls10, role: .server, cipher: "CALG_AES_128", cipherBits: 128, mac: "CALG_SHA1",
                                macBits: 160, keyExchange: "CALG_RSA_KEYX", keyExchangeBits: 2048)
        let suiteID = try ids.id(suite)
        let suiteAgain = try ids.id(suite)
        #expect(suiteID > 0 && suiteAgain == suiteID)

        // A value first stored inside a transaction that rolls back is gone from the table;
        // after forget() the cache asks the database again and stores it anew.
        struct Rollback: Error {}
        var lost: Int64 = 0
        #expect(throws: Rollback.self) {
            try db.transaction {
                lost = try ids.id("rolled.back.example")
                throw Rollback()
            }
        }
        #expect(try ReadOnlyQuery(path: dir.file("t.sqlite")).run("SELECT COUNT(*) FROM dictionary WHERE id = \(lost)").rows == [[.integer(0)]])
        ids.forget()
        let again = try ids.id("rolled.back.example")
        #expect(try ReadOnlyQuery(path: dir.file("t.sqlite")).run("SELECT value FROM dictionary WHERE id = \(again)").rows
            == [[.text("rolled.back.example")]])
        let aAgain = try ids.id("mail.a.example")
        #expect(aAgain == a, "a text stored before keeps its id after forget()")

        // A cold cache (the next run's) asked for texts the database partly has, more than one
        // statement's worth: the stored ones keep their ids, the new ones get ids of their own,
        // each text is in the table once.
        let cold = try DictionaryIDs(db)
        let fresh = (0..<150).map { Array("new-\($0).example".utf8) }
        let asked = [Array("mail.b.example".utf8)] + fresh.prefix(70) + [Array("mail.a.example".utf8), [0xFF, 0x41]] + fresh.suffix(80)
        let coldIDs = try db.transaction { try cold.ids(asked) }
        #expect(coldIDs[0] == b && coldIDs[71] == a && coldIDs[72] == raw)
        #expect(Set(coldIDs).count == asked.count)
        let table = try ReadOnlyQuery(path: dir.file("t.sqlite"))
        #expect(try table.run("SELECT COUNT(*), COUNT(DISTINCT value) FROM dictionary").rows == [[.integer(156), .integer(156)]], "the empty text, five earlier texts, 150 new ones")
        for (value, id) in zip(asked, coldIDs) {
            #expect(try table.run("SELECT id FROM dictionary WHERE value = '\(String(decoding: value, as: UTF8.self))'").rows.first
                == (value.first == 0xFF ? nil : [.integer(id)]))
        }
    }
}

extension StoreTests {
    @Test("a commit's rows in key order: KeyOrder and NameOrder sort rows as SQLite's primary key does (negative numbers, names in byte order, the empty text first)")
    func rowOrder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try SQLiteDatabase(path: dir.file("o.sqlite"), mode: .readWrite)
        try db.execute("""
            CREATE TABLE t (a INTEGER NOT NULL, o TEXT NOT NULL, b INTEGER NOT NULL, p TEXT NOT NULL, n INTEGER NOT NULL,
                            PRIMARY KEY (a, o, b, p, n)) WITHOUT ROWID
            """)
        let outcomes = NameOrder<OutcomeKind>(\.name), protocols = NameOrder<TLSProtocol>(\.name)
        var random = SeededRandom(seed: 11)
        var order = KeyOrder(width: 5, rows: 500)
        let insert = try db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
        try db.transaction {
            for n in 0..<500 {
                // Few distinct values per column, so that later columns decide many comparisons.
                let a = [Int64.min, -3, 0, 7, Int64.max][Int(random.next() % 5)]
                let o = OutcomeKind.allCases[Int(random.next() % UInt64(OutcomeKind.allCases.count))]
                let b = Int64(bitPattern: random.next()) >> Int64(random.next() % 64)
                let p: TLSProtocol? = random.next() % 4 == 0 ? nil : TLSProtocol.allCases[Int(random.next() % UInt64(TLSProtocol.allCases.count))]
                for word in [a, outcomes[o], b, protocols[p], Int64(n)] { order.append(word) }
                insert.bind(1, a)
                insert.bind(2, o.name)
                insert.bind(3, b)
                insert.bind(4, p?.name ?? "")
                insert.bind(5, Int64(n))
                try insert.run()
            }
        }
        let stored = try ReadOnlyQuery(path: dir.file("o.sqlite")).run("SELECT n FROM t ORDER BY a, o, b, p, n").rows
        #expect(stored.count == 500)
        #expect(order.sortedRows().map { [SQLValue.integer(Int64($0))] } == stored)
    }

    @Test("a commit's rows in chunks: statements end at a new head or at 64 rows, chunks between statements, every row once and in order")
    func rowChunks() throws {
        var builder = RowChunkBuilder(rowsPerStatement: 64, rowsPerChunk: 50)
        var chunks: [RowChunk] = []
        let heads = Array(repeating: RollupHead(day: 1, server: 1), count: 70) + Array(repeating: RollupHead(day: 1, server: 2), count: 5)
        for (n, head) in heads.enumerated() {
            builder.add(head, emit: { chunks.append($0) }) { $0.append(n) }
        }
        builder.finish { chunks.append($0) }
        #expect(chunks.map { $0.statements.map(\.rows) } == [[64], [6, 5]])
        #expect(chunks.map { $0.statements.map(\.head.server) } == [[1], [1, 2]])
        #expect(chunks.map(\.rows) == [64, 11])
        // The emptied chunk that is refilled shares nothing with the one handed on.
        let values = chunks.flatMap { chunk in
            chunk.values.values.map { value -> Int64 in
                if case .integer(let v) = value { return v }
                return -1
            }
        }
        #expect(values == (0..<75).map(Int64.init))
    }

    @Test("rows built on a thread of their own: every chunk in order; a consumer that fails stops the producer, and stop waits for its thread")
    func rowChunkSource() throws {
        struct Stop: Error {}
        let finished = Mutex(false)
        func source() -> RowChunkSource {
            finished.withLock { $0 = false }
            return RowChunkSource(threaded: true) { emit in
                for n in 0..<40 {
                    var chunk = RowChunk()
                    chunk.values.append(n)
                    chunk.rows = 1
                    try emit(chunk)
                }
                finished.withLock { $0 = true }
            }
        }
        let all = source()
        var seen: [Int64] = []
        try all.forEach { chunk in
            if case .integer(let v) = chunk.values.values[0] { seen.append(v) }
        }
        all.stop()
        #expect(seen == (0..<40).map(Int64.init))
        #expect(finished.withLock { $0 })

        let failing = source()
        var taken = 0
        #expect(throws: Stop.self) {
            try failing.forEach { _ in
                taken += 1
                if taken == 3 { throw Stop() }
            }
        }
        failing.stop()
        #expect(taken == 3)
        #expect(finished.withLock { $0 }, "stop returned before the producing thread ended")
    }
}

extension StoreTests {
    @Test("a new database made by the current schema's script is the one every migration builds: tables, indexes, views, seeded rows")
    func currentSchemaScript() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let stepped = dir.file("stepped.sqlite")
        do {
            // Version 1 first, so that the rest goes migration by migration.
            let db = try SQLiteDatabase(path: stepped, mode: .readWrite)
            try Schema.migrate(db, to: 1)
            try Schema.migrate(db)
        }
        let direct = dir.file("direct.sqlite")
        do {
            let db = try SQLiteDatabase(path: direct, mode: .readWrite)
            try Schema.migrate(db)
        }
        let questions = [
            "PRAGMA user_version",
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
            "SELECT key, value FROM meta ORDER BY key",
            "SELECT * FROM dictionary ORDER BY id",
            "SELECT * FROM suite ORDER BY id",
        ]
        for sql in questions {
            let a = try ReadOnlyQuery(path: stepped).run(sql).rows
            let b = try ReadOnlyQuery(path: direct).run(sql).rows
            #expect(a == b, "\(sql)")
            #expect(!a.isEmpty, "\(sql)")
        }
    }
}
