import Foundation
import LogScanner
import Rollups
import Store
import TLSSessions

/// The PostgreSQL implementation of ``RollupStore``, for many collectors writing to one database
/// (docs/operations.md, "Many collectors, one PostgreSQL").
///
/// The layout is SQLite's schema version 6 (texts and suites by id, rollups keyed by integers)
/// and the public views are the same text (`Schema.views(.postgres)`). A commit is one
/// transaction of a few statements: the commit's new texts in one `INSERT … SELECT unnest(…)`,
/// then each rollup `COPY`'d into a staging table and added from it in two statements
/// (``upsert(_:_:key:_:days:)``) — a few round trips per table, not one per row.
///
/// Collectors of different servers work at the same time, collectors of one server take turns
/// (``PostgresClaim``): each reads a server's ledger entries and open sessions after the
/// previous collector of that server committed, so an input another collector already took is
/// skipped and a session that crosses files is joined whichever collector reads the next file.
public final class PostgresStore: RollupStore {
    public let db: PostgresConnection
    /// `dictionary.id` by text, filled as commits meet texts (bounded like SQLite's cache).
    private var textIDs: [String: Int64] = [:]
    private var suiteIDs: [Negotiation: Int64] = [:]
    /// The consumed bytes of each input as this process read them or wrote them since
    /// (``writeLedger(_:)`` writes only against them).
    private var knownConsumed: [UInt64: UInt64] = [:]
    static let cacheLimit = 250_000
    /// What this process holds (``PostgresClaim``).
    public let claim: PostgresClaim
    /// The server does the commit's work (the `COPY`s, the upserts into the keyed rollups):
    /// a run commits each complete group of inputs while it scans the next.
    public var commitsElsewhere: Bool { true }

    /// Connects to `url`, creates or upgrades the schema when it must (holding the database lock
    /// for it), then takes `claim`, waiting for other collectors where they hold what it needs
    /// (saying so through `waiting`).
    public init(url: String, attempts: Int = 4, claim: PostgresClaim = .everything, waiting: () -> Void = {}) throws {
        db = try PostgresConnection(url: url, attempts: attempts)
        self.claim = claim
        if try !PostgresSchema.isCurrent(db) {
            try PostgresClaim.everything.take(on: db, waiting: waiting)
            try PostgresSchema.migrate(db)
            try PostgresClaim.releaseAll(on: db)
        }
        try claim.take(on: db, waiting: waiting)
    }

    /// The open sessions of the servers this process claimed (all of them for `.everything`):
    /// another collector may be working on the others.
    public func loadOpenSessions() throws -> [SessionFragment] {
        let rows: [[String?]]
        switch claim {
        case .everything:
            rows = try db.query("SELECT state FROM open_sessions ORDER BY last_seen, session_id").rows
        case .servers(let servers):
            var labels = PostgresArray()
            for s in servers { labels.append(String(postgresText: Array(s.utf8))) }
            rows = try db.query(
                "SELECT state FROM open_sessions WHERE server = ANY ($1::text[]) ORDER BY last_seen, session_id", [labels.text]).rows
        }
        return try rows.map { try OpenSessionCodec.decode($0[0] ?? "") }
    }

    public func loadLedger() throws -> [UInt64: LedgerEntry] {
        let rows = try db.query("""
            SELECT fingerprint, server, path, member, size, mtime, consumed_bytes, records, malformed_rows
            FROM ingested_inputs
            """).rows
        var result: [UInt64: LedgerEntry] = [:]
        for r in rows {
            guard let fp = UInt64(r[0] ?? "", radix: 16) else { continue }
            func int(_ i: Int) -> Int64 { Int64(r[i] ?? "") ?? 0 }
            result[fp] = LedgerEntry(
                fingerprint: fp, server: r[1] ?? "", path: r[2] ?? "", member: r[3] ?? "", size: UInt64(max(0, int(4))),
                modificationTime: int(5), consumedBytes: UInt64(max(0, int(6))), records: int(7), malformedRows: int(8))
        }
        knownConsumed = result.mapValues(\.consumedBytes)
        return result
    }

    public func commit(_ commit: InputCommit) throws {
        do {
            try db.transaction { try write(commit) }
            for l in commit.ledger { knownConsumed[l.fingerprint] = l.consumedBytes }
        } catch {
            // Ids inserted by the rolled-back transaction are gone from the database.
            textIDs = [:]
            suiteIDs = [:]
            throw error
        }
    }

    // MARK: Writing one commit

    private func write(_ c: InputCommit) throws {
        // Refused logins are few: by their texts. (All of a commit's new texts go in one
        // statement, in byte order, and new suites in their order too: collectors inserting the
        // same new values at once then wait for each other in one order, never in a cycle.)
        let failures = RollupRows(c.delta, includingSessionsAndIdentities: false)
        if let ids = try deltaIDs(c.delta, alsoStoring: failures.texts) {
            try upsertByIDs(c.delta, ids)
            try upsertAuthFailures(failures)
        } else {
            let rows = RollupRows(c.delta)
            try storeTexts(rows.texts)
            try storeSuites(rows.sessions.keys.compactMap(\.negotiation))
            try upsertSessions(rows)
            try upsertIdentities(rows)
            try upsertAuthFailures(rows)
        }
        for (k, t) in c.delta.unrecognized {
            try db.query("""
                INSERT INTO unrecognized_tls (server, log_type, text, occurrences, first_seen, last_seen)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (server, log_type, text) DO UPDATE SET
                  occurrences = unrecognized_tls.occurrences + excluded.occurrences,
                  first_seen = LEAST(unrecognized_tls.first_seen, excluded.first_seen),
                  last_seen = GREATEST(unrecognized_tls.last_seen, excluded.last_seen)
                """, [k.server, k.logType.name, String(postgresText: Array(k.text.utf8)), String(t.sessions), String(t.firstSeen), String(t.lastSeen)])
        }
        if !c.delta.coverage.isEmpty {
            var server = PostgresArray(), logType = PostgresArray(), hour = PostgresArray(), sessions = PostgresArray()
            for (k, n) in c.delta.coverage {
                server.append(k.server)
                logType.append(k.logType.name)
                hour.append(UTCHour(number: k.hour).description)
                sessions.append(n)
            }
            try db.query("""
                INSERT INTO coverage (server, log_type, hour, sessions)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
                ON CONFLICT (server, log_type, hour) DO UPDATE SET sessions = coverage.sessions + excluded.sessions
                """, [server.text, logType.text, hour.text, sessions.text])
        }
        try writeOpenSessions(c.openSessions)
        try writeLedger(c.ledger)
        try insertMalformedSamples(c.malformedSamples)
    }

    /// A commit's open-session changes in two statements, sessions still open and sessions
    /// ended (a statement per session was some 2,400 round trips for a day's gigabyte, most of
    /// them deletes of sessions that crossed two files of the batch and never reached the table).
    /// The joiner names each session once, either open or ended.
    private func writeOpenSessions(_ changes: SessionJoiner.Changes) throws {
        if !changes.upserted.isEmpty {
            var server = PostgresArray(), logType = PostgresArray(), connector = PostgresArray()
            var sessionID = PostgresArray(), lastSeen = PostgresArray(), state = PostgresArray()
            var remote = PostgresArray(), protocolVersion = PostgresArray()
            for f in changes.upserted {
                server.append(f.key.server)
                logType.append(f.key.logType.name)
                connector.append(String(postgresText: f.key.connector.bytes))
                sessionID.append(f.key.sessionIDText)
                lastSeen.append(f.lastTime)
                state.append(try OpenSessionCodec.encode(f))
                remote.append(f.remote.description)
                protocolVersion.append(f.negotiation?.protocolVersion.name ?? "")
            }
            try db.query("""
                INSERT INTO open_sessions (server, log_type, connector, session_id, last_seen, state, remote_ip, protocol)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[])
                ON CONFLICT (server, log_type, connector, session_id) DO UPDATE SET last_seen = excluded.last_seen,
                  state = excluded.state, remote_ip = excluded.remote_ip, protocol = excluded.protocol
                """, [
                    server.text, logType.text, connector.text, sessionID.text, lastSeen.text, state.text, remote.text,
                    protocolVersion.text,
                ])
        }
        if !changes.deleted.isEmpty {
            var server = PostgresArray(), logType = PostgresArray(), connector = PostgresArray()
            var sessionID = PostgresArray()
            for key in changes.deleted {
                server.append(key.server)
                logType.append(key.logType.name)
                connector.append(String(postgresText: key.connector.bytes))
                sessionID.append(key.sessionIDText)
            }
            try db.query("""
                DELETE FROM open_sessions o
                USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d (server, log_type, connector, session_id)
                WHERE o.server = d.server AND o.log_type = d.log_type AND o.connector = d.connector
                  AND o.session_id = d.session_id
                """, [server.text, logType.text, connector.text, sessionID.text])
        }
    }

    /// A commit's malformed-row samples in one statement (one round trip per sample was most of
    /// a small-file batch's statements).
    private func insertMalformedSamples(_ samples: [MalformedSample]) throws {
        guard !samples.isEmpty else { return }
        var fingerprint = PostgresArray(), path = PostgresArray(), member = PostgresArray()
        var line = PostgresArray(), reason = PostgresArray(), excerpt = PostgresArray()
        for m in samples {
            fingerprint.append(SQLiteStore.hex(m.fingerprint))
            path.append(String(postgresText: Array(m.path.utf8)))
            member.append(String(postgresText: Array(m.member.utf8)))
            line.append(Int64(m.line))
            reason.append(String(postgresText: Array(m.reason.utf8)))
            excerpt.append(String(postgresText: Array(m.excerpt.utf8)))
        }
        try db.query("""
            INSERT INTO malformed_rows (fingerprint, path, member, line, reason, excerpt)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[])
            """, [fingerprint.text, path.text, member.text, line.text, reason.text, excerpt.text])
    }

    /// The ledger rows of a commit, each only if the input is still where this process last saw it.
    ///
    /// Collectors of different servers run at once, so the same content read under two server
    /// labels (a log copied to two collectors' folders) could be counted by both. A row is
    /// therefore written only against the consumed bytes this process read at its start (or
    /// wrote itself since): a new input with `INSERT … ON CONFLICT DO NOTHING`, a grown one with
    /// `UPDATE … WHERE consumed_bytes = what was read`. If another collector got there first,
    /// nothing of the batch is written and the run stops saying so; the rerun skips what was
    /// counted. (Row locks make the check hold against a collector committing at that moment.)
    private func writeLedger(_ ledger: [LedgerEntry]) throws {
        let now = Timestamp.iso(Int64(Date().timeIntervalSince1970 * 1000))
        // The last row of each input: a batch may read one input twice (a copy, a grown file).
        var last: [UInt64: Int] = [:]
        for (i, l) in ledger.enumerated() { last[l.fingerprint] = i }
        // One statement for the new inputs and one for the grown ones (a round trip per input was
        // most of a small-file batch's statements), rows in fingerprint order so that collectors
        // writing the same rows at once lock them in one order.
        let rows = ledger.enumerated().filter { last[$0.element.fingerprint] == $0.offset }.map(\.element)
            .sorted { $0.fingerprint < $1.fingerprint }
        let new = rows.filter { knownConsumed[$0.fingerprint] == nil }
        let grown = rows.filter { knownConsumed[$0.fingerprint] != nil }
        func columns(_ entries: [LedgerEntry]) -> [String?] {
            var fingerprint = PostgresArray(), server = PostgresArray(), path = PostgresArray(), member = PostgresArray()
            var size = PostgresArray(), mtime = PostgresArray(), consumed = PostgresArray(), records = PostgresArray()
            var malformed = PostgresArray(), known = PostgresArray()
            for l in entries {
                fingerprint.append(SQLiteStore.hex(l.fingerprint))
                server.append(l.server)
                path.append(String(postgresText: Array(l.path.utf8)))
                member.append(String(postgresText: Array(l.member.utf8)))
                size.append(Int64(l.size))
                mtime.append(l.modificationTime)
                consumed.append(Int64(l.consumedBytes))
                records.append(l.records)
                malformed.append(l.malformedRows)
                known.append(Int64(knownConsumed[l.fingerprint] ?? 0))
            }
            return [fingerprint, server, path, member, size, mtime, consumed, records, malformed, known].map(\.text) + [now]
        }
        let unnest = """
            unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
                   $9::bigint[], $10::bigint[]) AS u (fingerprint, server, path, member, size, mtime, consumed_bytes, records,
                                                     malformed_rows, known)
            """
        var written = Set<String>()
        if !new.isEmpty {
            for r in try db.query("""
                INSERT INTO ingested_inputs (fingerprint, server, path, member, size, mtime, consumed_bytes, records,
                                             malformed_rows, first_ingested, last_ingested)
                SELECT fingerprint, server, path, member, size, mtime, consumed_bytes, records, malformed_rows, $11, $11
                FROM \(unnest) ORDER BY fingerprint
                ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint
                """, columns(new)).rows {
                if let f = r[0] { written.insert(f) }
            }
        }
        if !grown.isEmpty {
            for r in try db.query("""
                UPDATE ingested_inputs t SET server = u.server, path = u.path, member = u.member, size = u.size, mtime = u.mtime,
                  consumed_bytes = u.consumed_bytes, records = u.records, malformed_rows = u.malformed_rows, last_ingested = $11
                FROM \(unnest) WHERE t.fingerprint = u.fingerprint AND t.consumed_bytes = u.known RETURNING t.fingerprint
                """, columns(grown)).rows {
                if let f = r[0] { written.insert(f) }
            }
        }
        if let lost = rows.first(where: { !written.contains(SQLiteStore.hex($0.fingerprint)) }) {
            throw PostgresError(
                "another collector counted \(lost.path) (the same content) while this one read it — the same log under two server labels? "
                    + "Nothing of the batch in progress was counted; run again and what was counted is skipped")
        }
    }

    /// Stores the texts the database does not have yet (in byte order, as SQLite does) and
    /// caches every id.
    func storeTexts(_ texts: Set<String>) throws {
        if textIDs.count + texts.count > Self.cacheLimit { textIDs = [:] }
        let missing = texts.filter { !$0.isEmpty && textIDs[$0] == nil }.map { (text: $0, bytes: Array($0.utf8)) }
            .sorted { ByteString.precedes($0.bytes, $1.bytes) }
        textIDs[""] = 0
        guard !missing.isEmpty else { return }
        var array = PostgresArray()
        for t in missing { array.append(t.text) }
        try db.query("""
            INSERT INTO dictionary (value) SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS n (v, i) ORDER BY i
            ON CONFLICT (value) DO NOTHING
            """, [array.text])
        for r in try db.query("SELECT id, value FROM dictionary WHERE value = ANY ($1::text[])", [array.text]).rows {
            if let id = Int64(r[0] ?? ""), let value = r[1] { textIDs[value] = id }
        }
    }

    func id(_ text: String) throws -> Int64 {
        guard let id = textIDs[text] else {
            throw PostgresError("the dictionary of the PostgreSQL database at \(db.location) lost a text it had a moment ago")
        }
        return id
    }

    /// Stores the suites the database does not have yet, in one order (``suite(_:)`` then finds them cached).
    func storeSuites(_ negotiations: [Negotiation]) throws {
        let key = { (n: Negotiation) in
            [n.protocolVersion.name, n.role.rawValue, n.cipher, String(n.cipherBits), n.mac, String(n.macBits), n.keyExchange, String(n.keyExchangeBits)]
                .joined(separator: "\u{1}")
        }
        for n in Set(negotiations).sorted(by: { key($0) < key($1) }) { _ = try suite(n) }
    }

    func suite(_ n: Negotiation?) throws -> Int64 {
        guard let n else { return 0 }
        if let id = suiteIDs[n] { return id }
        let values = [
            n.protocolVersion.name, n.role.rawValue, n.cipher, String(n.cipherBits), n.mac, String(n.macBits),
            n.keyExchange, String(n.keyExchangeBits),
        ]
        try db.query("""
            INSERT INTO suite (protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
            """, values)
        let found = try db.query("""
            SELECT id FROM suite WHERE protocol = $1 AND role = $2 AND cipher = $3 AND cipher_bits = $4 AND mac = $5
              AND mac_bits = $6 AND key_exchange = $7 AND key_exchange_bits = $8
            """, values).rows.first?[0].flatMap { Int64($0) }
        guard let found else { throw PostgresError("the suite table of the PostgreSQL database at \(db.location) lost a row") }
        suiteIDs[n] = found
        return found
    }
}
