import LogScanner
import Rollups
import Store
import TLSSessions

// How rollup rows reach their tables: copied straight in when the table cannot have their keys
// yet, otherwise through a staging table and two statements; and the rows re-summed by text
// (``RollupRows``) that a commit falls back on. The integer-key rows are built in
// PostgresStore+Rollups.swift.
extension PostgresStore {
    /// The rows `COPY`'d into a staging table like `table` (a temporary table of this session,
    /// emptied at each commit), then added in two statements: an `UPDATE … FROM` the staging
    /// table for the keys the table has, an `INSERT … WHERE NOT EXISTS` for the others. Both
    /// look keys up only among the staged days (`day` leads every rollup key, so that is an
    /// index range). Sound only because one collector writes at a time (the advisory lock);
    /// it costs the server about 40 % less per new row than `INSERT … ON CONFLICT`, whose
    /// speculative insertion is most of a row's time (docs/performance.md).
    func upsert(_ table: String, _ columns: [String], key: some Sequence<String>, _ rows: PostgresCopyText, days: ClosedRange<String>) throws {
        guard rows.rows > 0 else { return }
        let staging = "staging_\(table)"
        func quoted(_ name: String) -> String { name == "user" ? "\"user\"" : name }
        let names = (columns + ["sessions", "first_seen", "last_seen"]).map(quoted).joined(separator: ", ")
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS \(staging) (LIKE \(table)) ON COMMIT DELETE ROWS")
        try db.copyIn("COPY \(staging) (\(names)) FROM STDIN", rows.bytes)
        let keys = key.map(quoted)
        let sameKey = "t.day BETWEEN $1 AND $2 AND (\(keys.map { "t.\($0)" }.joined(separator: ", "))) = (\(keys.map { "s.\($0)" }.joined(separator: ", ")))"
        let range = [days.lowerBound, days.upperBound]
        try db.query("""
            UPDATE \(table) t SET sessions = t.sessions + s.sessions, first_seen = LEAST(t.first_seen, s.first_seen),
              last_seen = GREATEST(t.last_seen, s.last_seen)
            FROM \(staging) s WHERE \(sameKey)
            """, range)
        try db.query("""
            INSERT INTO \(table) (\(names)) SELECT \(names) FROM \(staging) s
            WHERE NOT EXISTS (SELECT 1 FROM \(table) t WHERE \(sameKey))
            """, range)
    }

    /// Rows whose keys `table` cannot have yet (``upsertByIDs(_:_:)`` says when), copied straight
    /// in: no staging table, no look-up per row. A key already there would fail the copy, and
    /// with it the commit, rather than be counted twice.
    func insertNew(_ table: String, _ columns: [String], _ rows: PostgresCopyText) throws {
        guard rows.rows > 0 else { return }
        let names = (columns + ["sessions", "first_seen", "last_seen"]).joined(separator: ", ")
        try db.copyIn("COPY \(table) (\(names)) FROM STDIN", rows.bytes)
    }

    /// The session rollup's columns, in the order rows are sent (`protocol`, last, follows from the suite: not part of the key).
    static let sessionColumns = ["day", "server", "log_type", "connector", "remote_ip", "outcome", "suite", "error", "activity", "protocol"]
    static let identityColumns = [
        "day", "server", "log_type", "connector", "remote_ip", "outcome", "protocol", "ehlo", "sender_domain", "auth_user",
        "cert_subject", "cert_thumbprint",
    ]

    func upsertSessions(_ rows: RollupRows) throws {
        let columns = Self.sessionColumns
        var copy = PostgresCopyText()
        for (k, t) in rows.sessions {
            try appendParty(&copy, k.day, k.server, k.logType, k.connector, k.remote)
            copy.append(k.outcome)
            copy.append(try suite(k.negotiation))
            copy.append(try id(k.error))
            copy.append(k.activity)
            copy.append(k.negotiation?.protocolVersion.name ?? "")
            Self.append(t, to: &copy)
        }
        try upsert("session_rollup", columns, key: columns.dropLast(), copy, days: rows.days)
    }

    func upsertIdentities(_ rows: RollupRows) throws {
        let columns = Self.identityColumns
        var copy = PostgresCopyText()
        for (k, t) in rows.identities {
            try appendParty(&copy, k.day, k.server, k.logType, k.connector, k.remote)
            copy.append(k.outcome)
            copy.append(k.protocolName)
            for name in k.names { copy.append(try id(name)) }
            Self.append(t, to: &copy)
        }
        try upsert("identity_rollup", columns, key: columns, copy, days: rows.days)
    }

    func upsertAuthFailures(_ rows: RollupRows) throws {
        let columns = ["day", "server", "log_type", "connector", "remote_ip", "user", "mechanism", "error"]
        var copy = PostgresCopyText()
        for (k, t) in rows.authFailures {
            try appendParty(&copy, k.day, k.server, k.logType, k.connector, k.remote)
            copy.append(try id(k.user))
            copy.append(try id(k.mechanism))
            copy.append(try id(k.error))
            Self.append(t, to: &copy)
        }
        try upsert("auth_failure_rollup", columns, key: columns, copy, days: rows.days)
    }

    /// The first five columns of every rollup: day, then the ids of server, connector, address.
    func appendParty(
        _ copy: inout PostgresCopyText, _ day: String, _ server: String, _ logType: String, _ connector: String, _ remote: String
    ) throws {
        copy.append(day)
        copy.append(try id(server))
        copy.append(logType)
        copy.append(try id(connector))
        copy.append(try id(remote))
    }

    /// The tally's three columns, ending the row.
    static func append(_ t: Tally, to copy: inout PostgresCopyText) {
        copy.append(t.sessions)
        copy.append(t.firstSeen)
        copy.append(t.lastSeen)
        copy.endRow()
    }
}
