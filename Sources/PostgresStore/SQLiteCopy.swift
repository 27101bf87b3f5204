import Store

/// `smtptls copy --to postgres://…`: an SQLite database moved into an empty PostgreSQL one, so a
/// site can start with one collector and grow into a fleet.
///
/// Every table is copied as stored — the ids included, so no text is looked up again — in one
/// PostgreSQL transaction: the copy is whole or absent. The ledger and the open sessions come
/// along, so the next `ingest` into PostgreSQL skips what SQLite had counted and joins the
/// sessions it had left open. Texts PostgreSQL cannot hold as logged (bytes that are not UTF-8,
/// or NUL) are stored as `ingest` stores them there (U+FFFD, NUL dropped) and counted; two texts
/// that would become one stop the copy before anything is committed.
public enum SQLiteCopy {
    /// The tables in the order their references need; every column PostgreSQL's table has.
    static let tables = [
        "dictionary", "suite", "connector_import", "connector_config", "domain_secure_domain", "session_rollup",
        "identity_rollup", "auth_failure_rollup", "coverage", "unrecognized_tls", "open_sessions", "ingested_inputs",
        "malformed_rows",
    ]
    static let batch = 10_000

    public struct Copied {
        /// Rows copied per table, in the order copied.
        public var rows: [(table: String, rows: Int)]
        /// Texts that were not UTF-8 (or held NUL): stored with U+FFFD where their bytes were not
        /// UTF-8, as `ingest` into PostgreSQL stores them.
        public var convertedTexts: Int
    }

    /// Copies the SQLite database at `path` into `store`'s database, which must hold no smtptls
    /// data yet. Returns the rows copied per table.
    public static func run(from path: String, to store: PostgresStore) throws -> Copied {
        let db = store.db
        let used = try db.query("""
            SELECT (SELECT COUNT(*) FROM ingested_inputs) + (SELECT COUNT(*) FROM session_rollup)
                 + (SELECT COUNT(*) FROM connector_import)
            """).rows.first?[0] ?? "0"
        guard used == "0" else {
            throw PostgresError("the PostgreSQL database at \(db.location) already holds smtptls data; copy into an empty database")
        }
        return try StoreReader(path: path).read { source in
            try db.transaction {
                var copied: [(String, Int)] = []
                var converted = 0
                for table in tables {
                    copied.append((table, try copy(table, from: source, to: db, converted: &converted)))
                }
                for table in ["dictionary", "suite", "connector_import"] {
                    try db.execute("""
                        SELECT setval(pg_get_serial_sequence('\(table)', 'id'), GREATEST((SELECT MAX(id) FROM \(table)), 1))
                        """)
                }
                return Copied(rows: copied, convertedTexts: converted)
            }
        }
    }

    private static func copy(_ table: String, from source: Snapshot, to db: PostgresConnection, converted: inout Int) throws -> Int {
        let columns = try db.query("""
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
            """, [table]).rows.map { (name: $0[0] ?? "", integer: $0[1] == "bigint") }
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let unnest = columns.indices.map { "$\($0 + 1)::\(columns[$0].integer ? "bigint" : "text")[]" }.joined(separator: ", ")
        let insert = "INSERT INTO \(table) (\(names)) SELECT * FROM unnest(\(unnest))"
        // Id 0 (the empty text, no suite) is written by the schema in both stores.
        let skipZero = table == "dictionary" || table == "suite" ? " WHERE id <> 0" : ""
        var arrays = [PostgresArray](repeating: PostgresArray(), count: columns.count)
        var rows = 0
        var changedTexts = Set<String>()
        /// Whether the dictionary already holds `text` exactly as bytes (then a converted text collides).
        func textExists(_ text: String) -> Bool {
            var found = false
            try? source.scan("SELECT 1 FROM dictionary WHERE value = ?1 LIMIT 1", [text]) { _ in found = true }
            return found
        }
        func flush() throws {
            guard arrays[0].count > 0 else { return }
            try db.query(insert, arrays.map(\.text))
            arrays = [PostgresArray](repeating: PostgresArray(), count: columns.count)
        }
        try source.scan("SELECT \(names) FROM \(table)\(skipZero)") { row in
            for (i, column) in columns.enumerated() {
                if column.integer {
                    arrays[i].append(row.int(Int32(i)))
                } else {
                    let bytes = row.bytes(Int32(i))
                    let text = String(postgresText: bytes)
                    if !text.utf8.elementsEqual(bytes) {
                        converted += 1
                        // Two texts that differ only in bytes that are not UTF-8 would become one.
                        if table == "dictionary", !changedTexts.insert(text).inserted || textExists(text) {
                            throw PostgresError(
                                "two texts of the SQLite database become the same text in PostgreSQL (\(text.prefix(80))): "
                                    + "their bytes differ only where they are not UTF-8; nothing was copied")
                        }
                    }
                    arrays[i].append(text)
                }
            }
            rows += 1
            if arrays[0].count == batch { try flush() }
        }
        try flush()
        return rows
    }
}
