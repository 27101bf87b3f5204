import Store

/// Reports against PostgreSQL: the ``SnapshotSource`` a ``StoreReader`` reads through.
///
/// Every report runs in one `REPEATABLE READ READ ONLY` transaction, so all its queries see one
/// snapshot while collectors commit, and a statement that would write is refused by the server.
/// Statements arrive in SQLite's spelling; placeholders are renumbered
/// (``PostgresPlaceholders``) and the rest is written through ``SQLDialect``. Values come back
/// typed as SQLite gives them (``PostgresQuery/value(_:type:)``), large scans through a cursor.
public final class PostgresSnapshotSource: SnapshotSource {
    private let connection: PostgresConnection
    /// Where companions connect (the URL as given: libpq needs its password, if any).
    private let url: String

    /// A reader for the database at `url`, refused in one sentence when smtptls never wrote
    /// there (no `meta` table) or wrote a layout this build does not know.
    public static func reader(url: String) throws -> StoreReader {
        let connection = try PostgresConnection(url: url)
        // (A query naming a missing table fails as it is planned: ask what exists first.) The
        // version is in `meta`, which a role granted only the views (docs/operations.md) cannot
        // read: for it, the views being there is the answer.
        let state = try connection.query("""
            SELECT to_regclass('negotiations') IS NOT NULL,
                   to_regclass('meta') IS NOT NULL AND has_table_privilege('meta', 'SELECT')
            """).rows.first ?? []
        guard state.first == "t" else {
            throw PostgresError("PostgreSQL at \(connection.location) holds no smtptls data yet (run `smtptls ingest --db URL LOGS…` first)")
        }
        if state.last == "t",
            let version = try connection.query("SELECT value FROM meta WHERE key = 'schema_version'").rows.first?[0].flatMap({ Int($0) }),
            version != PostgresSchema.version
        {
            throw PostgresError(
                "PostgreSQL at \(connection.location) has smtptls schema version \(version), and this smtptls reads version \(PostgresSchema.version)")
        }
        return StoreReader(location: PostgresURL.redacted(url), source: PostgresSnapshotSource(connection, url: url))
    }

    init(_ connection: PostgresConnection, url: String) {
        self.connection = connection
        self.url = url
    }

    public var dialect: SQLDialect { .postgres }

    /// Companions on connections of their own that import this transaction's snapshot
    /// (`pg_export_snapshot()`, `SET TRANSACTION SNAPSHOT`): PostgreSQL's own way for several
    /// sessions to see one state, whatever collectors commit meanwhile.
    public func readTogether<T>(companions: Int, _ body: ([any SnapshotSource]) throws -> T) throws -> T {
        guard companions > 0 else { return try readTransaction { try body([]) } }
        return try readTransaction {
            let snapshot = try connection.query("SELECT pg_export_snapshot()").rows.first?[0] ?? ""
            var others: [PostgresSnapshotSource] = []
            defer { for o in others { try? o.connection.execute("COMMIT") } }
            for _ in 0..<companions {
                let other = PostgresSnapshotSource(try PostgresConnection(url: url, attempts: 1), url: url)
                try other.connection.execute(Self.begin)
                others.append(other)
                try other.connection.query("SET TRANSACTION SNAPSHOT '\(snapshot)'")
            }
            return try body(others)
        }
    }

    /// A read-only transaction of one snapshot; a scan's cursor is read to its end, so it is
    /// planned for the whole result, as a plain query is planned (the default plans for the first
    /// tenth: a sequential scan where an index fits).
    static let begin = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL cursor_tuple_fraction = 1.0"

    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try connection.execute(Self.begin)
        do {
            let value = try body()
            try connection.execute("COMMIT")
            return value
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    public func table(_ sql: String, _ parameters: [String]) throws -> ReadOnlyQuery.Result {
        let result = try connection.query(PostgresPlaceholders.translate(sql), parameters)
        let rows = result.rows.map { row in row.indices.map { PostgresQuery.value(row[$0], type: result.types[$0]) } }
        return ReadOnlyQuery.Result(columns: result.columns, rows: rows)
    }

    /// Rows fetched from a scan's cursor at a time.
    static let fetchRows = 10_000
    /// Cursors opened so far: each scan's own name, so a scan may run inside another's rows.
    private var cursors = 0

    /// Through a cursor, `fetchRows` rows at a time: a result of millions of rows is never held
    /// whole, and between fetches the connection is free for the queries `body` asks (texts of
    /// ids). (libpq's single-row mode would hold the connection until the last row.)
    public func scan(_ sql: String, _ parameters: [String], _ body: (Snapshot.Cursor) throws -> Void) throws {
        cursors += 1
        let name = "smtptls_scan_\(cursors)"
        try connection.query("DECLARE \(name) NO SCROLL CURSOR FOR " + PostgresPlaceholders.translate(sql), parameters)
        while true {
            let batch = try connection.query("FETCH FORWARD \(Self.fetchRows) FROM \(name)")
            for row in batch.rows {
                try body(Snapshot.Cursor(values: row.indices.map { PostgresQuery.value(row[$0], type: batch.types[$0]) }))
            }
            if batch.rows.count < Self.fetchRows { break }
        }
        try connection.execute("CLOSE \(name)")
    }

    public func storedTexts(_ ids: [Int64]) throws -> [Int64: String] {
        var texts: [Int64: String] = [:]
        for chunk in stride(from: 0, to: ids.count, by: Self.fetchRows).map({ ids[$0..<min($0 + Self.fetchRows, ids.count)] }) {
            var array = PostgresArray()
            for id in chunk { array.append(id) }
            for row in try connection.query("SELECT id, value FROM texts WHERE id = ANY($1::bigint[])", [array.text]).rows {
                if let id = row[0].flatMap({ Int64($0) }) { texts[id] = row[1] ?? "" }
            }
        }
        return texts
    }

    public func storedText(_ id: Int64) throws -> String? {
        try connection.query("SELECT value FROM texts WHERE id = $1", [String(id)]).rows.first?[0] ?? nil
    }
}
