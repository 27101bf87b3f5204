import CSQLite

/// Upserts into one rollup table, many rows per statement.
///
/// One statement per row cost about 15,000 instructions per row, a third of it the statement's
/// own start and end (opening the table's cursor and seeking from the root, halting, resetting)
/// rather than the row: a statement of ``rowsPerStatement`` rows pays that once for all of them
/// (docs/performance.md). Rows are appended to one ``ParameterRow`` (parameter i is the i-th
/// value appended) and written when the statement is full or at ``flush()``; a batch's keys are
/// distinct, so no two rows of one statement conflict with each other.
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
    private(set) var row = ParameterRow()
    private var pending = 0
    /// Whether the pending rows are all of new heads.
    private var pendingNew = false

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
    /// per head of a commit, inside its transaction (``Heads``).
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

    /// Appends one row's values through `fill` (`newHead`: the row's head is one
    /// ``isNewHead(day:server:)`` said is new); writes the statement once it is full.
    func add(newHead: Bool, _ fill: (inout ParameterRow) throws -> Void) throws {
        if pending > 0 && newHead != pendingNew { try flush() }
        pendingNew = newHead
        try fill(&row)
        pending += 1
        if pending == Self.rowsPerStatement { try flush() }
    }

    /// Writes the rows appended so far: a full statement at once, a last partial one row by row
    /// (a statement prepared for each odd size cost about 1 ms to prepare, more than the single
    /// rows cost; docs/performance.md).
    func flush() throws {
        guard pending > 0 else { return }
        defer {
            row.removeAll()
            pending = 0
        }
        if pending == Self.rowsPerStatement {
            try write(Kind(newHead: pendingNew, rows: pending), values: 0..<row.values.count)
        } else {
            let width = columns.count
            for r in 0..<pending { try write(Kind(newHead: pendingNew, rows: 1), values: r * width ..< (r + 1) * width) }
        }
    }

    private func write(_ kind: Kind, values: Range<Int>) throws {
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

    /// Drops rows appended but not written (after a failed commit).
    func discard() {
        row.removeAll()
        pending = 0
    }
}

extension RollupUpsert {
    /// The heads of one commit's rows of one table, asked about as its rows go by in key order
    /// (so each head's rows are contiguous and it is looked up once). Lives for one commit: a
    /// head new in one is not new in the next.
    struct Heads {
        private var last: (day: Int64, server: Int64)?
        private var lastIsNew = false

        /// Whether (day, server) is new to `upsert`'s table; `dayText` is asked only for a head
        /// not seen just before.
        mutating func isNew(day: Int64, server: Int64, in upsert: RollupUpsert, dayText: () -> [UInt8]) throws -> Bool {
            if let last, last.day == day, last.server == server { return lastIsNew }
            last = (day, server)
            lastIsNew = try upsert.isNewHead(day: dayText(), server: server)
            return lastIsNew
        }
    }
}
