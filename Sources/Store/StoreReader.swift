import CSQLite
import Foundation

/// Reads a database for one report: one read-only connection, and every query of the report in
/// one read transaction, so a report never disagrees with itself while an ingest commits beside
/// it (SQLite's WAL readers and PostgreSQL's REPEATABLE READ transactions both see the snapshot
/// of their first read until the transaction ends).
///
/// Reports ask their questions through ``Snapshot`` in terms of the public views
/// (docs/schema.md), never the private tables, and never know which store answers.
public final class StoreReader {
    /// What the reader reads: a file path, or a PostgreSQL URL without its password.
    public let location: String
    let source: any SnapshotSource

    /// Opens the SQLite database at `path` read-only (an immutable snapshot where the directory
    /// cannot be written).
    public convenience init(path: String) throws {
        let db = try Self.open(path)
        let version = try db.userVersion
        if version < Schema.currentVersion {
            // Reports read views a read-only connection cannot create: the writer migrates.
            throw StoreError(
                code: 1,
                message: "\(path) has schema version \(version), older than this smtptls (\(Schema.currentVersion)); "
                    + "run `smtptls ingest --db \(path) LOGS…` once to upgrade it (logs already ingested are skipped)")
        }
        self.init(location: path, source: SQLiteSnapshotSource(db, path: path))
    }

    /// A reader over another store (PostgreSQL: `PostgresStore.PostgresSnapshotSource`).
    public init(location: String, source: any SnapshotSource) {
        self.location = location
        self.source = source
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
        try source.readTransaction { try body(Snapshot(source: source)) }
    }

    /// Like ``read(_:)``, with up to `companions` more snapshots of the *same* state on
    /// connections of their own, for a report that reads parts of a long window on several
    /// threads. There are none when the store cannot promise the same state (an ingest is
    /// writing, or the store is not SQLite): the report then reads its parts one after another
    /// on the first snapshot, with the same result.
    public func read<T>(companions: Int, _ body: (Snapshot, [Snapshot]) throws -> T) throws -> T {
        try source.readTogether(companions: companions) { others in
            try body(Snapshot(source: source), others.map { Snapshot(source: $0) })
        }
    }
}

/// What a ``StoreReader`` reads through: one connection, its queries inside one read-only
/// transaction. Statements are written in SQLite's spelling (`?` and `?N` placeholders); a
/// source for another store translates what ``SQLDialect`` does not cover.
public protocol SnapshotSource: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs `body` in one read-only transaction that sees one snapshot of the store.
    func readTransaction<T>(_ body: () throws -> T) throws -> T
    /// Column names and every row of a read-only statement.
    func table(_ sql: String, _ parameters: [String]) throws -> ReadOnlyQuery.Result
    /// Each row of a read-only statement handed to `body` as it comes; none is kept.
    func scan(_ sql: String, _ parameters: [String], _ body: (Snapshot.Cursor) throws -> Void) throws
    /// The text stored under `id` (the `texts` view), nil when there is none.
    func storedText(_ id: Int64) throws -> String?
    /// The texts stored under `ids`, in one query where the store is across a network.
    func storedTexts(_ ids: [Int64]) throws -> [Int64: String]
    /// Runs `body` in one read transaction with up to `companions` more sources seeing the same
    /// state, each in a read transaction of its own (none where that cannot be promised).
    func readTogether<T>(companions: Int, _ body: ([any SnapshotSource]) throws -> T) throws -> T
}

extension SnapshotSource {
    public func readTogether<T>(companions: Int, _ body: ([any SnapshotSource]) throws -> T) throws -> T {
        try readTransaction { try body([]) }
    }
}

/// The SQLite source: statements SQLite itself reports read-only, rows read in place.
final class SQLiteSnapshotSource: SnapshotSource {
    let db: SQLiteDatabase
    let path: String
    private var textStatement: Statement?

    init(_ db: SQLiteDatabase, path: String) {
        self.db = db
        self.path = path
    }

    /// Companions on connections of their own. Two WAL read transactions see the same state when
    /// nothing commits between their starts; every writer holds the ingest lock
    /// (`<database>.ingest-lock`) while it writes, so the snapshots are started while this
    /// process holds that lock *shared* for a moment. If a writer holds it, there are no companions.
    func readTogether<T>(companions: Int, _ body: ([any SnapshotSource]) throws -> T) throws -> T {
        guard companions > 0, let pause = WriterPause(database: path) else { return try readTransaction { try body([]) } }
        var others: [SQLiteSnapshotSource] = []
        defer { for o in others { try? o.db.execute("COMMIT") } }
        do {
            try db.execute("BEGIN")
            try Self.startReading(db)
            for _ in 0..<companions {
                let other = SQLiteSnapshotSource(try StoreReader.open(path), path: path)
                try other.db.execute("BEGIN")
                others.append(other)
                try Self.startReading(other.db)
            }
        } catch {
            pause.end()
            try? db.execute("COMMIT")
            throw error
        }
        pause.end()
        defer { try? db.execute("COMMIT") }
        return try body(others)
    }

    /// A read transaction takes its snapshot at its first read.
    private static func startReading(_ db: SQLiteDatabase) throws {
        _ = try db.prepare("SELECT COUNT(*) FROM sqlite_schema").step()
    }

    var dialect: SQLDialect { .sqlite }

    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try db.execute("BEGIN")
        defer { try? db.execute("COMMIT") }
        return try body()
    }

    private func prepareReadOnly(_ sql: String, _ parameters: [String]) throws -> Statement {
        let statement = try db.prepare(sql)
        guard statement.isReadOnly else {
            throw StoreError(code: SQLITE_READONLY, message: "reports are read-only", sql: sql)
        }
        for (i, p) in parameters.enumerated() { statement.bind(Int32(i + 1), p) }
        return statement
    }

    func table(_ sql: String, _ parameters: [String]) throws -> ReadOnlyQuery.Result {
        let statement = try prepareReadOnly(sql, parameters)
        let n = statement.columnCount
        let columns = (0..<n).map { statement.columnName($0) }
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append((0..<n).map { statement.value($0) }) }
        return ReadOnlyQuery.Result(columns: columns, rows: rows)
    }

    func scan(_ sql: String, _ parameters: [String], _ body: (Snapshot.Cursor) throws -> Void) throws {
        let statement = try prepareReadOnly(sql, parameters)
        let cursor = Snapshot.Cursor(statement: statement)
        while try statement.step() { try body(cursor) }
    }

    func storedText(_ id: Int64) throws -> String? {
        let statement = try textStatement ?? db.prepare("SELECT value FROM texts WHERE id = ?1")
        textStatement = statement
        statement.bind(1, id)
        defer { statement.reset() }
        return try statement.step() ? statement.text(0) : nil
    }

    func storedTexts(_ ids: [Int64]) throws -> [Int64: String] {
        var texts: [Int64: String] = [:]
        for id in ids { texts[id] = try storedText(id) }
        return texts
    }
}

/// The queries of one report, all on one snapshot of the database.
public struct Snapshot {
    let source: any SnapshotSource
    /// `SMTPTLS_TRACE_SQL=1`: each query's time and first line go to stderr (where a report's
    /// time goes, for docs/performance.md and for anyone whose report is slow).
    static let trace = ProcessInfo.processInfo.environment["SMTPTLS_TRACE_SQL"] == "1"

    /// How the store spells what differs (ISO times, lists of distinct values, …).
    public var dialect: SQLDialect { source.dialect }

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
        public func int(_ i: Int) -> Int64 { values[i].int64 }
    }

    /// All rows of a read-only statement, each mapped by `transform`.
    public func rows<T>(_ sql: String, _ parameters: [String] = [], _ transform: (Row) throws -> T) throws -> [T] {
        try traced(sql) { try source.table(sql, parameters).rows.map { try transform(Row(values: $0)) } }
    }

    /// The first row of a statement (nil when there is none).
    public func row(_ sql: String, _ parameters: [String] = []) throws -> Row? {
        try rows(sql, parameters) { $0 }.first
    }

    /// The current row of ``scan(_:_:_:)``: read it during the callback, do not keep it.
    /// SQLite's rows are read in place from the statement; another store's come as values.
    public struct Cursor {
        enum Storage {
            case statement(Statement)
            case values([SQLValue])
        }
        let storage: Storage

        init(statement: Statement) { storage = .statement(statement) }
        public init(values: [SQLValue]) { storage = .values(values) }

        public func text(_ i: Int32) -> String {
            switch storage {
            case .statement(let s): s.text(i)
            case .values(let v): v[Int(i)].text
            }
        }
        /// The text of column `i`, nil for NULL.
        public func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
        public func int(_ i: Int32) -> Int64 {
            switch storage {
            case .statement(let s): s.int64(i)
            case .values(let v): v[Int(i)].int64
            }
        }
        public func isNull(_ i: Int32) -> Bool {
            switch storage {
            case .statement(let s): s.isNull(i)
            case .values(let v): v[Int(i)] == .null
            }
        }
        /// Whether column `i` holds exactly `bytes` (cheap: no string is made from SQLite's row).
        public func textEquals(_ i: Int32, _ bytes: [UInt8]) -> Bool {
            switch storage {
            case .statement(let s): s.textEquals(i, bytes)
            case .values(let v): v[Int(i)].text.utf8.elementsEqual(bytes)
            }
        }
        public func bytes(_ i: Int32) -> [UInt8] {
            switch storage {
            case .statement(let s): s.bytes(i)
            case .values(let v): Array(v[Int(i)].text.utf8)
            }
        }
    }

    /// Texts of stored ids over this snapshot, each read once: reports group rows by the views'
    /// id columns and turn only the groups they show into text.
    public func textLookup() throws -> TextLookup { TextLookup(source) }

    /// `select` (a plain SELECT on a view) as a subquery SQLite will not merge into an enclosing
    /// aggregate: it then runs as a scan of its own, and SQLite leaves out the view's joins to
    /// `dictionary` whose columns it does not use (it keeps them all inside an aggregate).
    /// `LIMIT -1` is what prevents the merge (a subquery with a LIMIT is never flattened into an
    /// aggregate query); it limits nothing. PostgreSQL's planner drops unused joins by itself and
    /// takes the subquery as it is (`LIMIT ALL`). The subquery is named `alias` (PostgreSQL
    /// before 16 requires a name).
    public func scanOnly(_ select: String, as alias: String = "scanned") -> String {
        switch dialect {
        case .sqlite: "(\(select) LIMIT -1) AS \(alias)"
        case .postgres: "(\(select) LIMIT ALL) AS \(alias)"
        }
    }

    /// Hands each row of a read-only statement to `body` as it comes, keeping none: for reports
    /// that aggregate millions of rows in one pass instead of asking the store to sort them.
    public func scan(_ sql: String, _ parameters: [String] = [], _ body: (Cursor) throws -> Void) throws {
        try traced(sql) { try source.scan(sql, parameters, body) }
    }

    /// Column names and rows as they come, for tables rendered as they are (`legacy`, `impact`).
    public func table(_ sql: String, _ parameters: [String] = []) throws -> ReadOnlyQuery.Result {
        try traced(sql) { try source.table(sql, parameters) }
    }
}

/// Texts of stored ids, each read once (the `texts` view) and then answered from memory.
public final class TextLookup {
    private let source: any SnapshotSource
    private var cache: [Int64: String] = [0: ""]

    init(_ source: any SnapshotSource) { self.source = source }

    /// The text of `id` ("" for 0, the empty text, and for an id the database does not have).
    public func text(_ id: Int64) throws -> String {
        if let known = cache[id] { return known }
        let text = try source.storedText(id) ?? ""
        cache[id] = text
        return text
    }

    /// Reads the texts of `ids` not read yet, together: what a report is about to show.
    public func load(_ ids: [Int64]) throws {
        let missing = Array(Set(ids.filter { cache[$0] == nil }))
        guard !missing.isEmpty else { return }
        let texts = try source.storedTexts(missing)
        for id in missing { cache[id] = texts[id] ?? "" }
    }
}
