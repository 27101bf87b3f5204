import CSQLite

/// Upserts into one rollup table, many rows per statement.
///
/// One statement per row cost about 15,000 instructions per row, a third of it the statement's
/// own start and end (opening the table's cursor and seeking from the root, halting, resetting)
/// rather than the row: a statement of ``rowsPerStatement`` rows pays that once for all of them
/// (docs/performance.md). Rows come in ``RowChunk``s, built beside the commit
/// (``RowChunkSource``), their statements already cut; a batch's keys are distinct, so no two
/// rows of one statement conflict with each other.
///
/// Rows of a *new head* — a (day, server) the table holds no row of yet, as with tonight's logs
/// or a new database — are inserted by a plain `INSERT OR IGNORE` instead: no conflict to look
/// for an update, and no statement journal. (Any statement that may stop half way with an error
/// keeps a statement journal of the pages it changes, and a multi-row upsert spilled it to a
/// temporary file: 9,000 writes of 16 KiB per GB of logs. `OR IGNORE` cannot stop half way.)
/// A row it ignored would be a count lost, so every such statement must insert all its rows, or
/// the commit fails and rolls back.
final class RollupUpsert {
    static let rowsPerStatement = 64

    let table: String
    let key: [String]
    let payload: [String]
    private let db: SQLiteDatabase
    /// Statements by kind and number of rows (full ones, and one-row ones for a partial end).
    private var statements: [Kind: Statement] = [:]
    /// Whether a (day, server) has a row in the table.
    private let findHead: Statement

    struct Kind: Hashable {
        var newHead: Bool
        var rows: Int
    }

    init(_ db: SQLiteDatabase, table: String, key: [String], payload: [String] = []) throws {
        precondition(key.starts(with: ["day", "server"]), "a rollup's key starts with its head, day and server")
        self.db = db
        self.table = table
        self.key = key
        self.payload = payload
        findHead = try db.prepare("SELECT 1 FROM \(table) WHERE day = ?1 AND server = ?2 LIMIT 1")
        // The full upsert now (a mistake in it shows when the store opens); the others on first use.
        let kind = Kind(newHead: false, rows: Self.rowsPerStatement)
        statements[kind] = try db.prepare(sql(kind))
    }

    /// Whether the table holds no row of `day` (as text) and `server` (its id) yet; asked once
    /// per head of a commit, inside its transaction (``write(_:dayText:)``).
    func isNewHead(day: [UInt8], server: Int64) throws -> Bool {
        findHead.bind(1, bytes: day)
        findHead.bind(2, server)
        defer { findHead.reset() }
        return try !findHead.step()
    }

    /// The columns of one row, in the order their values are appended: the key, the payload
    /// (set once, as it follows from the key), then `sessions`, `first_seen`, `last_seen`.
    var columns: [String] { key + payload + ["sessions", "first_seen", "last_seen"] }

    func sql(_ kind: Kind) -> String {
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let values = Array(repeating: tuple, count: kind.rows).joined(separator: ", ")
        if kind.newHead {
            return "INSERT OR IGNORE INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(values)"
        }
        return """
            INSERT INTO \(table) (\(columns.joined(separator: ", ")))
            VALUES \(values)
            ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET sessions = sessions + excluded.sessions,
              first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
            """
    }

    /// Writes a commit's rows of this table, chunk by chunk in key order: each statement by the
    /// upsert, or by `INSERT OR IGNORE` when its head has no row in the table yet (asked once
    /// per head and commit, before the head's first row is written; a head's rows are
    /// contiguous). A full statement goes at once, a partial one row by row (a statement
    /// prepared for each odd size cost about 1 ms to prepare, more than the single rows cost;
    /// docs/performance.md).
    func write(_ chunks: RowChunkSource, dayText: (Int64) -> [UInt8]) throws {
        let width = columns.count
        var newHeads: [RollupHead: Bool] = [:]
        try chunks.forEach { chunk in
            var start = 0
            for statement in chunk.statements {
                let head = statement.head
                let newHead: Bool
                if let known = newHeads[head] {
                    newHead = known
                } else {
                    newHead = try isNewHead(day: dayText(head.day), server: head.server)
                    newHeads[head] = newHead
                }
                if statement.rows == Self.rowsPerStatement {
                    try write(Kind(newHead: newHead, rows: statement.rows), chunk.values, start ..< start + statement.rows * width)
                } else {
                    for r in 0..<statement.rows {
                        try write(Kind(newHead: newHead, rows: 1), chunk.values, start + r * width ..< start + (r + 1) * width)
                    }
                }
                start += statement.rows * width
            }
        }
    }

    private func write(_ kind: Kind, _ row: borrowing ParameterRow, _ values: Range<Int>) throws {
        let statement: Statement
        if let prepared = statements[kind] {
            statement = prepared
        } else {
            statement = try db.prepare(sql(kind))
            statements[kind] = statement
        }
        try statement.run(row, values: values)
        if kind.newHead && db.changes != kind.rows {
            throw StoreError(
                code: SQLITE_CONSTRAINT,
                message: "a rollup row of \(table) that was not stored yet turned out to be there; nothing of this batch was counted",
                path: db.path)
        }
    }
}
