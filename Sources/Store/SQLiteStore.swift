import CSQLite
import Foundation
import LogScanner
import Rollups
import TLSSessions

/// The SQLite implementation of ``RollupStore``: WAL, prepared statements, one transaction per input.
public final class SQLiteStore: RollupStore {
    public let db: SQLiteDatabase
    private lazy var upsertSession = try! db.prepare(Self.upsert(
        "session_rollup",
        key: ["server", "day", "log_type", "connector", "remote_ip", "outcome", "activity", "protocol", "role",
              "cipher", "cipher_bits", "mac", "mac_bits", "key_exchange", "key_exchange_bits", "error"]))
    private lazy var upsertAuthFailure = try! db.prepare(Self.upsert(
        "auth_failure_rollup",
        key: ["server", "day", "log_type", "connector", "remote_ip", "user", "mechanism", "error"]))
    private lazy var upsertIdentity = try! db.prepare(Self.upsert(
        "identity_rollup",
        key: ["server", "day", "log_type", "connector", "remote_ip", "outcome", "protocol", "ehlo", "sender_domain",
              "auth_user", "cert_subject", "cert_thumbprint"]))
    private lazy var upsertUnrecognized = try! db.prepare("""
        INSERT INTO unrecognized_tls VALUES (?,?,?,?,?,?)
        ON CONFLICT DO UPDATE SET occurrences = occurrences + excluded.occurrences,
          first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
        """)
    private lazy var upsertCoverage = try! db.prepare("""
        INSERT INTO coverage VALUES (?,?,?,?)
        ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions
        """)
    private lazy var upsertOpen = try! db.prepare("""
        INSERT OR REPLACE INTO open_sessions (server, log_type, connector, session_id, last_seen, state, remote_ip, protocol)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """)
    private lazy var deleteOpen = try! db.prepare(
        "DELETE FROM open_sessions WHERE server = ? AND log_type = ? AND connector = ? AND session_id = ?")
    private lazy var upsertLedger = try! db.prepare("""
        INSERT INTO ingested_inputs VALUES (?,?,?,?,?,?,?,?,?,?,?)
        ON CONFLICT (fingerprint) DO UPDATE SET server = excluded.server, path = excluded.path,
          member = excluded.member, size = excluded.size, mtime = excluded.mtime,
          consumed_bytes = excluded.consumed_bytes, records = excluded.records,
          malformed_rows = excluded.malformed_rows, last_ingested = excluded.last_ingested
        """)
    private lazy var insertMalformed = try! db.prepare("INSERT INTO malformed_rows VALUES (?,?,?,?,?,?)")
    /// An upsert into a rollup table: the key columns, then `sessions`, `first_seen`, `last_seen`,
    /// bound in that order (parameters 1…key.count+3), whatever the table's column order.
    static func upsert(_ table: String, key: [String]) -> String {
        let columns = key + ["sessions", "first_seen", "last_seen"]
        return """
            INSERT INTO \(table) (\(columns.joined(separator: ", ")))
            VALUES (\(columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))
            ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET sessions = sessions + excluded.sessions,
              first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
            """
    }

    /// Opens (creating and migrating as needed) the database at `path` for writing.
    public init(path: String) throws {
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
        try db.transaction {
            try write(commit)
        }
    }

    private func write(_ c: InputCommit) throws {
        for (k, t) in c.delta.sessions {
            let s = upsertSession
            let n = k.negotiation
            s.bind(1, k.server)
            s.bind(2, UTCDay(number: k.day).description)
            s.bind(3, k.logType.name)
            s.bind(4, bytes: k.connector.bytes)
            s.bind(5, k.remote.description)
            s.bind(6, k.outcome)
            s.bind(7, k.activity.name)
            s.bind(8, n?.protocolVersion.name ?? "")
            s.bind(9, n?.role.rawValue ?? "")
            s.bind(10, n?.cipher ?? "")
            s.bind(11, n?.cipherBits ?? -1)
            s.bind(12, n?.mac ?? "")
            s.bind(13, n?.macBits ?? -1)
            s.bind(14, n?.keyExchange ?? "")
            s.bind(15, n?.keyExchangeBits ?? -1)
            s.bind(16, k.error)
            s.bind(17, t.sessions)
            s.bind(18, t.firstSeen)
            s.bind(19, t.lastSeen)
            try s.run()
        }
        for (k, t) in c.delta.authFailures {
            let s = upsertAuthFailure
            s.bind(1, k.server)
            s.bind(2, UTCDay(number: k.day).description)
            s.bind(3, k.logType.name)
            s.bind(4, bytes: k.connector.bytes)
            s.bind(5, k.remote.description)
            s.bind(6, bytes: k.user.bytes)
            s.bind(7, k.mechanism)
            s.bind(8, k.error)
            s.bind(9, t.sessions)
            s.bind(10, t.firstSeen)
            s.bind(11, t.lastSeen)
            try s.run()
        }
        for (k, t) in c.delta.identities {
            let s = upsertIdentity
            s.bind(1, k.server)
            s.bind(2, UTCDay(number: k.day).description)
            s.bind(3, k.logType.name)
            s.bind(4, bytes: k.connector.bytes)
            s.bind(5, k.remote.description)
            s.bind(6, k.outcome)
            s.bind(7, k.protocolName)
            s.bind(8, bytes: k.ehlo.bytes)
            s.bind(9, bytes: k.senderDomain.bytes)
            s.bind(10, bytes: k.authUser.bytes)
            s.bind(11, bytes: k.certificateSubject.bytes)
            s.bind(12, bytes: k.certificateThumbprint.bytes)
            s.bind(13, t.sessions)
            s.bind(14, t.firstSeen)
            s.bind(15, t.lastSeen)
            try s.run()
        }
        for (k, t) in c.delta.unrecognized {
            let s = upsertUnrecognized
            s.bind(1, k.server)
            s.bind(2, k.logType.name)
            s.bind(3, k.text)
            s.bind(4, t.sessions)
            s.bind(5, t.firstSeen)
            s.bind(6, t.lastSeen)
            try s.run()
        }
        for (k, n) in c.delta.coverage {
            let s = upsertCoverage
            s.bind(1, k.server)
            s.bind(2, k.logType.name)
            s.bind(3, UTCHour(number: k.hour).description)
            s.bind(4, n)
            try s.run()
        }
        for f in c.openSessions.upserted {
            let s = upsertOpen
            s.bind(1, f.key.server)
            s.bind(2, f.key.logType.name)
            s.bind(3, bytes: f.key.connector.bytes)
            s.bind(4, f.key.sessionIDText)
            s.bind(5, f.lastTime)
            s.bind(6, try OpenSessionCodec.encode(f))
            s.bind(7, f.remote.description)
            s.bind(8, f.negotiation?.protocolVersion.name ?? "")
            try s.run()
        }
        for key in c.openSessions.deleted {
            let s = deleteOpen
            s.bind(1, key.server)
            s.bind(2, key.logType.name)
            s.bind(3, bytes: key.connector.bytes)
            s.bind(4, key.sessionIDText)
            try s.run()
        }
        let now = Timestamp.iso(Int64(Date().timeIntervalSince1970 * 1000))
        for l in c.ledger {
            let s = upsertLedger
            s.bind(1, Self.hex(l.fingerprint))
            s.bind(2, l.server)
            s.bind(3, l.path)
            s.bind(4, l.member)
            s.bind(5, Int64(l.size))
            s.bind(6, l.modificationTime)
            s.bind(7, Int64(l.consumedBytes))
            s.bind(8, l.records)
            s.bind(9, l.malformedRows)
            s.bind(10, now)
            s.bind(11, now)
            try s.run()
        }
        for m in c.malformedSamples {
            let s = insertMalformed
            s.bind(1, Self.hex(m.fingerprint))
            s.bind(2, m.path)
            s.bind(3, m.member)
            s.bind(4, m.line)
            s.bind(5, m.reason)
            s.bind(6, m.excerpt)
            try s.run()
        }
    }

    /// A fingerprint as stored: 16 lower-case hex digits.
    public static func hex(_ v: UInt64) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }
}
