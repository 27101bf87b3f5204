import CSQLite
import Foundation

/// Runs one SQL statement against a database opened read-only.
///
/// Three locks keep it from changing anything: the file is opened `SQLITE_OPEN_READONLY`,
/// `PRAGMA query_only` is set, and a statement SQLite does not report as read-only is refused
/// before it runs. A deadline stops runaway queries.
public struct ReadOnlyQuery {
    public struct Result: Sendable {
        public var columns: [String]
        public var rows: [[SQLValue]]
    }

    public let path: String

    public init(path: String) { self.path = path }

    /// Runs `sql` and returns all rows.
    /// - Parameter timeout: seconds before the statement is interrupted (nil: no limit).
    public func run(_ sql: String, parameters: [String] = [], timeout: Double? = nil) throws -> Result {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(code: SQLITE_CANTOPEN, message: "no database at \(path) (run `smtptls ingest` first)")
        }
        // In a directory the reader cannot write, with no writer active: an immutable snapshot.
        let snapshot = DatabaseLocation(path: path).needsImmutableRead
        let db = try SQLiteDatabase(path: path, mode: snapshot ? .readOnlyImmutable : .readOnly)
        let statement = try db.prepare(sql)
        guard statement.isReadOnly else {
            throw StoreError(code: SQLITE_READONLY, message: "queries are read-only: this statement would change the database", sql: sql)
        }
        for (i, p) in parameters.enumerated() { statement.bind(Int32(i + 1), p) }
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        let watchdog = deadline.map { Watchdog(db: db, deadline: $0) }
        defer { watchdog?.cancel() }
        let n = statement.columnCount
        let columns = (0..<n).map { statement.columnName($0) }
        var rows: [[SQLValue]] = []
        do {
            while try statement.step() { rows.append((0..<n).map { statement.value($0) }) }
        } catch let error as StoreError where error.code == SQLITE_INTERRUPT {
            throw StoreError(code: error.code, message: "query stopped after the \(timeout ?? 0)-second timeout", sql: sql)
        }
        return Result(columns: columns, rows: rows)
    }
}

/// Interrupts a connection when its deadline passes (sqlite3_interrupt is thread-safe).
final class Watchdog: @unchecked Sendable {
    private let db: SQLiteDatabase
    private let timer: DispatchSourceTimer

    init(db: SQLiteDatabase, deadline: Date) {
        self.db = db
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + max(0, deadline.timeIntervalSinceNow))
        timer.setEventHandler { [db] in db.interrupt() }
        timer.resume()
    }

    func cancel() { timer.cancel() }
}
