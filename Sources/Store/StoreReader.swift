import CSQLite
import Foundation

/// Reads a database for one report: one read-only connection, and every query of the report in
/// one read transaction, so a report never disagrees with itself while an ingest commits beside
/// it (WAL readers see the snapshot of their first read until the transaction ends).
///
/// Reports ask their questions through ``Snapshot`` in terms of the public views
/// (docs/schema.md), never the private tables.
public final class StoreReader {
    public let path: String
    let db: SQLiteDatabase

    /// Opens `path` read-only (an immutable snapshot where the directory cannot be written).
    public init(path: String) throws {
        self.path = path
        db = try Self.open(path)
        let version = try db.userVersion
        if version < Schema.currentVersion {
            // Reports read views a read-only connection cannot create: the writer migrates.
            throw StoreError(
                code: 1,
                message: "\(path) has schema version \(version), older than this smtptls (\(Schema.currentVersion)); "
                    + "run `smtptls ingest --db \(path) LOGS…` once to upgrade it (logs already ingested are skipped)")
        }
    }

    /// A read-only connection to an existing database: an immutable snapshot in a directory the
    /// reader cannot write while no writer is active (shared by reports and `query`).
    static func open(_ path: String) throws -> SQLiteDatabase {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(code: SQLITE_CANTOPEN, message: "no database at \(path) (run `smtptls ingest` first)")
        }
        let snapshot = DatabaseLocation(path: path).needsImmutableRead
        return try SQLiteDatabase(path: path, mode: snapshot ? .readOnlyImmutable : .readOnly)
    }

    /// Runs `body` inside one read transaction: every query in it sees the same snapshot.
    public func read<T>(_ body: (Snapshot) throws -> T) throws -> T {
        try db.execute("BEGIN")
        defer { try? db.execute("COMMIT") }
        return try body(Snapshot(db: db))
    }
}

/// The queries of one report, all on one snapshot of the database.
public struct Snapshot {
    let db: SQLiteDatabase
    /// `SMTPTLS_TRACE_SQL=1`: each query's time and first line go to stderr (where a report's
    /// time goes, for docs/performance.md and for anyone whose report is slow).
    static let trace = ProcessInfo.processInfo.environment["SMTPTLS_TRACE_SQL"] == "1"

    func traced<T>(_ sql: String, _ body: () throws -> T) rethrows -> T {
        guard Self.trace else { return try body() }
        let started = Date()
        defer {
            let line = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            FileHandle.standardError.write(Data(String(format: "%7.3f s  %@\n", Date().timeIntervalSince(started), String(line.prefix(150))).utf8))
        }
        return try body()
    }

    /// One result row, read by column position.
    public struct Row {
        public let values: [SQLValue]
        public subscript(_ i: Int) -> SQLValue { values[i] }
        public func text(_ i: Int) -> String { values[i].text }
        /// The integer in column `i` (0 for NULL or text).
        public func int(_ i: Int) -> Int64 {
            switch values[i] {
            case .integer(let v): return v
            case .real(let v): return Int64(v)
            default: return 0
            }
        }
    }

    /// All rows of a read-only statement, each mapped by `transform`.
    public func rows<T>(_ sql: String, _ parameters: [String] = [], _ transform: (Row) throws -> T) throws -> [T] {
        try traced(sql) { try collect(sql, parameters, transform) }
    }

    func collect<T>(_ sql: String, _ parameters: [String], _ transform: (Row) throws -> T) throws -> [T] {
        let statement = try db.prepare(sql)
        guard statement.isReadOnly else {
            throw StoreError(code: SQLITE_READONLY, message: "reports are read-only", sql: sql)
        }
        for (i, p) in parameters.enumerated() { statement.bind(Int32(i + 1), p) }
        let n = statement.columnCount
        var result: [T] = []
        while try statement.step() { result.append(try transform(Row(values: (0..<n).map { statement.value($0) }))) }
        return result
    }

    /// The first row of a statement (nil when there is none).
    public func row(_ sql: String, _ parameters: [String] = []) throws -> Row? {
        try rows(sql, parameters) { $0 }.first
    }

    /// The current row of ``scan(_:_:_:)``: read it during the callback, do not keep it.
    public struct Cursor {
        let statement: Statement
        public func text(_ i: Int32) -> String { statement.text(i) }
        /// The text of column `i`, nil for NULL.
        public func optionalText(_ i: Int32) -> String? { statement.isNull(i) ? nil : statement.text(i) }
        public func int(_ i: Int32) -> Int64 { statement.int64(i) }
        /// Whether column `i` holds exactly `bytes` (cheap: no string is made).
        public func textEquals(_ i: Int32, _ bytes: [UInt8]) -> Bool { statement.textEquals(i, bytes) }
        public func bytes(_ i: Int32) -> [UInt8] { statement.bytes(i) }
    }

    /// Texts of stored ids over this snapshot, each read once: reports group rows by the views'
    /// id columns and turn only the groups they show into text.
    public func textLookup() throws -> TextLookup { try TextLookup(db) }

    /// `select` (a plain SELECT on a view) as a subquery SQLite will not merge into an enclosing
    /// aggregate: it then runs as a scan of its own, and SQLite leaves out the view's joins to
    /// `dictionary` whose columns it does not use (it keeps them all inside an aggregate).
    /// `LIMIT -1` is what prevents the merge (a subquery with a LIMIT is never flattened into an
    /// aggregate query); it limits nothing.
    public static func scanOnly(_ select: String) -> String { "(\(select) LIMIT -1)" }

    /// Hands each row of a read-only statement to `body` as it comes, keeping none: for reports
    /// that aggregate millions of rows in one pass instead of asking SQLite to sort them.
    public func scan(_ sql: String, _ parameters: [String] = [], _ body: (Cursor) throws -> Void) throws {
        try traced(sql) {
            let statement = try db.prepare(sql)
            guard statement.isReadOnly else {
                throw StoreError(code: SQLITE_READONLY, message: "reports are read-only", sql: sql)
            }
            for (i, p) in parameters.enumerated() { statement.bind(Int32(i + 1), p) }
            let cursor = Cursor(statement: statement)
            while try statement.step() { try body(cursor) }
        }
    }

    /// Column names and rows as they come, for tables rendered as they are (`legacy`, `impact`).
    public func table(_ sql: String, _ parameters: [String] = []) throws -> ReadOnlyQuery.Result {
        try traced(sql) { try collectTable(sql, parameters) }
    }

    func collectTable(_ sql: String, _ parameters: [String]) throws -> ReadOnlyQuery.Result {
        let statement = try db.prepare(sql)
        for (i, p) in parameters.enumerated() { statement.bind(Int32(i + 1), p) }
        let n = statement.columnCount
        let columns = (0..<n).map { statement.columnName($0) }
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append((0..<n).map { statement.value($0) }) }
        return ReadOnlyQuery.Result(columns: columns, rows: rows)
    }
}

/// Texts of stored ids, each read once (the `texts` view) and then answered from memory.
public final class TextLookup {
    private let statement: Statement
    private var cache: [Int64: String] = [0: ""]

    init(_ db: SQLiteDatabase) throws {
        statement = try db.prepare("SELECT value FROM texts WHERE id = ?1")
    }

    /// The text of `id` ("" for 0, the empty text, and for an id the database does not have).
    public func text(_ id: Int64) throws -> String {
        if let known = cache[id] { return known }
        statement.bind(1, id)
        defer { statement.reset() }
        let text = try statement.step() ? statement.text(0) : ""
        cache[id] = text
        return text
    }
}
