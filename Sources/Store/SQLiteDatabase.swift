import CSQLite
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A connection to a SQLite database: the only place the C API is called.
///
/// Invariants: the handle is used by one thread at a time (the owner's); statements are
/// finalized before the connection closes (``Statement`` holds the connection). Raw pointers
/// returned by SQLite (column text) are copied before a call returns.
public final class SQLiteDatabase {
    /// The raw handle, for what this wrapper does not cover.
    public let handle: OpaquePointer
    public let path: String

    /// How to open the file.
    public enum Mode: Sendable {
        /// Read-write; the file is created with mode 0600 if missing.
        case readWrite
        /// `SQLITE_OPEN_READONLY` plus `PRAGMA query_only`: no statement can change the file.
        case readOnly
        /// As `readOnly`, opened with `immutable=1`: for a file in a directory the reader cannot
        /// write while no writer is active (see ``DatabaseLocation/needsImmutableRead``).
        case readOnlyImmutable
    }

    public init(path: String, mode: Mode, busyTimeoutMilliseconds: Int32 = 60_000) throws {
        self.path = path
        if mode == .readWrite, path != ":memory:" { try DatabaseLocation(path: path).checkWritable() }
        if mode == .readWrite, path != ":memory:", access(path, F_OK) != 0 {
            // Logs hold personal data: the database is readable by its owner only.
            let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            if fd < 0 {
                throw StoreError(code: SQLITE_CANTOPEN, message: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            close(fd)
        }
        var db: OpaquePointer?
        let flags: Int32
        var name = path
        switch mode {
        case .readWrite: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        case .readOnly: flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        case .readOnlyImmutable:
            flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
            name = DatabaseLocation(path: path).immutableURI
        }
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(code: rc, message: "cannot open \(path): \(message)", path: path)
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        if mode != .readWrite { try execute("PRAGMA query_only = 1") }
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(error)
            throw StoreError(code: rc, message: message, sql: sql, path: path)
        }
    }

    /// Prepares a statement (kept by the caller for reuse).
    public func prepare(_ sql: String) throws -> Statement { try Statement(self, sql) }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `PRAGMA user_version`: the schema version.
    public var userVersion: Int {
        get throws { Int(try prepare("PRAGMA user_version").singleInteger() ?? 0) }
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
    /// Rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Stops any running statement on this connection (safe from another thread).
    public func interrupt() { sqlite3_interrupt(handle) }
}

/// A prepared statement. Bind, step, read columns, reset.
public final class Statement {
    let db: SQLiteDatabase
    let stmt: OpaquePointer
    public let sql: String

    /// What follows the first statement in the SQL text (whitespace and comments trimmed by SQLite).
    public let remainder: String

    init(_ db: SQLiteDatabase, _ sql: String) throws {
        self.db = db
        self.sql = sql
        var stmt: OpaquePointer?
        var rest = ""
        let rc = sql.withCString { base -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(db.handle, base, -1, &stmt, &tail)
            if let tail { rest = String(cString: tail) }
            return rc
        }
        guard rc == SQLITE_OK else {
            throw StoreError(code: rc, message: db.lastMessage, sql: sql, path: db.path)
        }
        guard let stmt else {
            throw StoreError(code: SQLITE_MISUSE, message: "the SQL is empty: give one statement, e.g. SELECT * FROM negotiations LIMIT 10", path: db.path)
        }
        self.stmt = stmt
        remainder = rest.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { sqlite3_finalize(stmt) }

    /// Whether the statement cannot change the database (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(stmt) != 0 }

    public func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(stmt, index, value) }
    public func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(stmt, index, Int64(value)) }
    public func bind(_ index: Int32, _ value: String) {
        sqlite3_bind_text(stmt, index, value, -1, smtptls_sqlite_transient())
    }
    /// Binds raw bytes as TEXT, unchanged (values are stored exactly as logged, even non-UTF-8).
    public func bind(_ index: Int32, bytes: [UInt8]) {
        if bytes.isEmpty {
            sqlite3_bind_text(stmt, index, "", 0, smtptls_sqlite_transient())
            return
        }
        _ = bytes.withUnsafeBytes { b in
            sqlite3_bind_text(
                stmt, index, b.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(b.count),
                smtptls_sqlite_transient())
        }
    }
    public func bindNull(_ index: Int32) { sqlite3_bind_null(stmt, index) }

    /// Steps once: `true` while a row is available.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw StoreError(code: rc, message: db.lastMessage, sql: sql, path: db.path)
        }
    }

    /// Runs to completion and resets for reuse.
    public func run() throws {
        defer { reset() }
        while try step() {}
    }

    public func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    public var columnCount: Int32 { sqlite3_column_count(stmt) }
    public func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(stmt, i)) }

    public func value(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, i))
        case SQLITE_NULL: return .null
        default:
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard let p = sqlite3_column_blob(stmt, i) else { return .text("") }
            return .text(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self))
        }
    }

    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
    public func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, i) else { return "" }
        return String(cString: p)
    }
    public func bytes(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(stmt, i))
        guard let p = sqlite3_column_blob(stmt, i), n > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Whether column `i` holds exactly `bytes` as text (false for NULL), without copying it.
    public func textEquals(_ i: Int32, _ bytes: [UInt8]) -> Bool {
        // sqlite3_column_text before sqlite3_column_bytes: the length is then that of the text.
        guard let p = sqlite3_column_text(stmt, i) else { return false }
        let n = Int(sqlite3_column_bytes(stmt, i))
        return n == bytes.count && bytes.withUnsafeBytes { memcmp(p, $0.baseAddress!, n) == 0 }
    }
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }

    /// The first column of the first row as an integer, then reset.
    public func singleInteger() throws -> Int64? {
        defer { reset() }
        return try step() ? int64(0) : nil
    }
}

/// A value read from a result row.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The value as text for tables and CSV (`NULL` becomes empty).
    public var text: String {
        switch self {
        case .null: return ""
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let s): return s
        }
    }

    /// The value as an integer (reals truncated; 0 for NULL and text).
    public var int64: Int64 {
        switch self {
        case .integer(let v): return v
        case .real(let v): return Int64(v)
        case .null, .text: return 0
        }
    }
}
