import CSQLite
import Foundation
import LogScanner
import Rollups
import TLSSessions

/// The SQLite implementation of ``RollupStore``: WAL, prepared statements, one transaction per input.
public final class SQLiteStore: RollupStore {
    public let db: SQLiteDatabase
    private let statements: Statements
    /// The ids of texts and suites the rollups store (schema version 6).
    private let ids: DictionaryIDs
    /// Reused for every row: its arena keeps its capacity between rows.
    private var row = ParameterRow()
    /// Days as text, for the heads' lookups.
    private var dayTexts = DayTextCache()
    private let rowBuilding: RowBuilding

    /// The statements of a commit, prepared once when the store opens. Each names its columns,
    /// so it does not depend on the table's column order.
    struct Statements {
        let upsertSession: RollupUpsert
        let upsertIdentity: RollupUpsert
        let upsertAuthFailure: RollupUpsert
        let upsertUnrecognized: Statement
        let upsertCoverage: Statement
        let upsertOpen: Statement
        let deleteOpen: Statement
        let upsertLedger: Statement
        let insertMalformed: Statement

        init(_ db: SQLiteDatabase) throws {
            upsertSession = try RollupUpsert(
                db, table: "session_rollup",
                key: ["day", "server", "log_type", "connector", "remote_ip", "outcome", "suite", "error", "activity"],
                payload: ["protocol"])
            upsertIdentity = try RollupUpsert(
                db, table: "identity_rollup",
                key: ["day", "server", "log_type", "connector", "remote_ip", "outcome", "protocol", "ehlo",
                      "sender_domain", "auth_user", "cert_subject", "cert_thumbprint"])
            upsertAuthFailure = try RollupUpsert(
                db, table: "auth_failure_rollup",
                key: ["day", "server", "log_type", "connector", "remote_ip", "user", "mechanism", "error"])
            upsertUnrecognized = try db.prepare("""
                INSERT INTO unrecognized_tls (server, log_type, text, occurrences, first_seen, last_seen)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (server, log_type, text) DO UPDATE SET occurrences = occurrences + excluded.occurrences,
                  first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
                """)
            upsertCoverage = try db.prepare("""
                INSERT INTO coverage (server, log_type, hour, sessions) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT (server, log_type, hour) DO UPDATE SET sessions = sessions + excluded.sessions
                """)
            upsertOpen = try db.prepare("""
                INSERT OR REPLACE INTO open_sessions
                  (server, log_type, connector, session_id, last_seen, state, remote_ip, protocol)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """)
            deleteOpen = try db.prepare(
                "DELETE FROM open_sessions WHERE server = ?1 AND log_type = ?2 AND connector = ?3 AND session_id = ?4")
            upsertLedger = try db.prepare("""
                INSERT INTO ingested_inputs (fingerprint, server, path, member, size, mtime, consumed_bytes, records,
                                             malformed_rows, first_ingested, last_ingested)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
                ON CONFLICT (fingerprint) DO UPDATE SET server = excluded.server, path = excluded.path,
                  member = excluded.member, size = excluded.size, mtime = excluded.mtime,
                  consumed_bytes = excluded.consumed_bytes, records = excluded.records,
                  malformed_rows = excluded.malformed_rows, last_ingested = excluded.last_ingested
                """)
            insertMalformed = try db.prepare("""
                INSERT INTO malformed_rows (fingerprint, path, member, line, reason, excerpt)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """)
        }
    }

    /// Opens (creating and migrating as needed) the database at `path` for writing.
    /// `rowBuilding`: where commits build their rollup rows (tests choose).
    public init(path: String, rowBuilding: RowBuilding = RowBuilding()) throws {
        self.rowBuilding = rowBuilding
        db = try SQLiteDatabase(path: path, mode: .readWrite)
        // 16 KiB pages for a new file (an existing one keeps its size): rollup rows are long
        // (connector, EHLO, certificate subject), and bigger pages hold more of them per B-tree
        // node; commits took a fifth less time than with 4 KiB. A no-op on an existing database.
        try db.execute("PRAGMA page_size = 16384")
        try db.execute("PRAGMA journal_mode = WAL")
        try db.execute("PRAGMA synchronous = NORMAL")
        // 64 MiB of page cache (default 2 MiB): upserts spread over the rollup B-trees, and with
        // the default most of them re-read a page from the file (pread was 8 % of an ingest).
        try db.execute("PRAGMA cache_size = -65536")
        try db.execute("PRAGMA foreign_keys = ON")
        try Schema.migrate(db)
        statements = try Statements(db)
        ids = try DictionaryIDs(db)
    }

    public func loadOpenSessions() throws -> [SessionFragment] {
        let q = try db.prepare("SELECT state FROM open_sessions ORDER BY last_seen, session_id")
        var result: [SessionFragment] = []
        while try q.step() { result.append(try OpenSessionCodec.decode(q.text(0))) }
        return result
    }

    public func loadLedger() throws -> [UInt64: LedgerEntry] {
        let q = try db.prepare("""
            SELECT fingerprint, server, path, member, size, mtime, consumed_bytes, records, malformed_rows
            FROM ingested_inputs
            """)
        var result: [UInt64: LedgerEntry] = [:]
        while try q.step() {
            guard let fp = UInt64(q.text(0), radix: 16) else { continue }
            result[fp] = LedgerEntry(
                fingerprint: fp, server: q.text(1), path: q.text(2), member: q.text(3), size: UInt64(q.int64(4)),
                modificationTime: q.int64(5), consumedBytes: UInt64(q.int64(6)), records: q.int64(7),
                malformedRows: q.int64(8))
        }
        return result
    }

    public func commit(_ commit: InputCommit) throws {
        do {
            try db.transaction {
                try write(commit)
            }
        } catch {
            // Ids inserted by the rolled-back transaction are gone from the database.
            ids.forget()
            throw error
        }
    }

    private func write(_ c: InputCommit) throws {
        let st = statements
        try writeRollups(c.delta)
        for (k, t) in c.delta.unrecognized {
            row.removeAll()
            row.append(k.server)
            row.append(k.logType.name)
            row.append(k.text)
            row.append(t)
            try st.upsertUnrecognized.run(row)
        }
        for (k, n) in c.delta.coverage {
            row.removeAll()
            row.append(k.server)
            row.append(k.logType.name)
            row.appendText(UTCHour(number: k.hour).appendText)
            row.append(n)
            try st.upsertCoverage.run(row)
        }
        for f in c.openSessions.upserted {
            row.removeAll()
            row.append(f.key.server)
            row.append(f.key.logType.name)
            row.append(bytes: f.key.connector.bytes)
            row.append(f.key.sessionIDText)
            row.append(f.lastTime)
            row.append(try OpenSessionCodec.encode(f))
            row.appendText(f.remote.appendText)
            row.append(f.negotiation?.protocolVersion.name ?? "")
            try st.upsertOpen.run(row)
        }
        for key in c.openSessions.deleted {
            row.removeAll()
            row.append(key.server)
            row.append(key.logType.name)
            row.append(bytes: key.connector.bytes)
            row.append(key.sessionIDText)
            try st.deleteOpen.run(row)
        }
        let now = Timestamp.iso(Int64(Date().timeIntervalSince1970 * 1000))
        for l in c.ledger {
            row.removeAll()
            row.append(Self.hex(l.fingerprint))
            row.append(l.server)
            row.append(l.path)
            row.append(l.member)
            row.append(Int64(l.size))
            row.append(l.modificationTime)
            row.append(Int64(l.consumedBytes))
            row.append(l.records)
            row.append(l.malformedRows)
            row.append(now)
            try st.upsertLedger.run(row)
        }
        for m in c.malformedSamples {
            row.removeAll()
            row.append(Self.hex(m.fingerprint))
            row.append(m.path)
            row.append(m.member)
            row.append(m.line)
            row.append(m.reason)
            row.append(m.excerpt)
            try st.insertMalformed.run(row)
        }
    }

    /// The delta's values as the store's ids, then each rollup table's rows in its key order
    /// (``KeyOrder``), 64 rows per statement. The two big tables' rows are sorted and filled on
    /// threads of their own (``RowChunkSource``) while this thread writes the rows before them.
    private func writeRollups(_ d: RollupDelta) throws {
        let st = statements
        let m = try ids.ids(for: d)
        let chunkRows = rowBuilding.rowsPerChunk
        let sessions = RowChunkSource(threaded: rowBuilding.threads(rows: d.sessionCounts.count)) { emit in
            try RollupChunks.sessions(d, m, RowChunkBuilder(rowsPerChunk: chunkRows), emit: emit)
        }
        defer { sessions.stop() }
        let identities = RowChunkSource(threaded: rowBuilding.threads(rows: d.identityCounts.count)) { emit in
            try RollupChunks.identities(d, m, RowChunkBuilder(rowsPerChunk: chunkRows), emit: emit)
        }
        defer { identities.stop() }
        try st.upsertSession.write(sessions, dayText: dayText)
        try st.upsertIdentity.write(identities, dayText: dayText)

        var failures: [RollupChunks.AuthFailure] = []
        for (k, t) in d.authFailures {
            failures.append(RollupChunks.AuthFailure(
                party: [try ids.id(k.server), try ids.id(k.connector), try ids.id(k.remote)],
                attempt: [try ids.id(k.user), try ids.id(k.mechanism), try ids.id(k.error)],
                key: k, tally: t))
        }
        // A small table (its ids looked up here): built on this thread.
        let authFailures = RowChunkSource(threaded: false) { [failures] emit in
            try RollupChunks.authFailures(failures, RowChunkBuilder(rowsPerChunk: chunkRows), emit: emit)
        }
        defer { authFailures.stop() }
        try st.upsertAuthFailure.write(authFailures, dayText: dayText)
    }

    /// A day as stored (`YYYY-MM-DD`), made once per day of a batch.
    private func dayText(_ day: Int64) -> [UInt8] { dayTexts.text(day) }

    /// A fingerprint as stored: 16 lower-case hex digits.
    public static func hex(_ v: UInt64) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }
}
