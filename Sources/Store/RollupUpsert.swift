/// Upserts into one rollup table, many rows per statement.
///
/// One statement per row cost about 15,000 instructions per row, a third of it the statement's
/// own start and end (opening the table's cursor and seeking from the root, halting, resetting)
/// rather than the row: a statement of ``rowsPerStatement`` rows pays that once for all of them
/// (docs/performance.md). Rows are appended to one ``ParameterRow`` (parameter i is the i-th
/// value appended) and written when the statement is full or at ``flush()``; a batch's keys are
/// distinct, so no two rows of one statement conflict with each other.
final class RollupUpsert {
    static let rowsPerStatement = 64

    let table: String
    let key: [String]
    let payload: [String]
    private let db: SQLiteDatabase
    /// Statements by number of rows (full ones, and the last partial one of each commit).
    private var statements: [Int: Statement] = [:]
    private(set) var row = ParameterRow()
    private var pending = 0

    init(_ db: SQLiteDatabase, table: String, key: [String], payload: [String] = []) throws {
        self.db = db
        self.table = table
        self.key = key
        self.payload = payload
        statements[Self.rowsPerStatement] = try db.prepare(sql(rows: Self.rowsPerStatement))
    }

    /// The columns of one row, in the order their values are appended: the key, the payload
    /// (set once, as it follows from the key), then `sessions`, `first_seen`, `last_seen`.
    var columns: [String] { key + payload + ["sessions", "first_seen", "last_seen"] }

    func sql(rows: Int) -> String {
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return """
            INSERT INTO \(table) (\(columns.joined(separator: ", ")))
            VALUES \(Array(repeating: tuple, count: rows).joined(separator: ", "))
            ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET sessions = sessions + excluded.sessions,
              first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
            """
    }

    /// Appends one row's values through `fill`; writes the statement once it is full.
    func add(_ fill: (inout ParameterRow) throws -> Void) throws {
        try fill(&row)
        pending += 1
        if pending == Self.rowsPerStatement { try flush() }
    }

    /// Writes the rows appended so far.
    func flush() throws {
        guard pending > 0 else { return }
        let statement: Statement
        if let prepared = statements[pending] {
            statement = prepared
        } else {
            statement = try db.prepare(sql(rows: pending))
            statements[pending] = statement
        }
        defer {
            row.removeAll()
            pending = 0
        }
        try statement.run(row)
    }

    /// Drops rows appended but not written (after a failed commit).
    func discard() {
        row.removeAll()
        pending = 0
    }
}
