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

        public init(columns: [String], rows: [[SQLValue]]) {
            self.columns = columns
            self.rows = rows
        }
    }

    public let path: String

    public init(path: String) { self.path = path }

    /// Runs `sql` and returns all rows.
    /// - Parameter timeout: seconds before the statement is interrupted (nil: no limit).
    public func run(_ sql: String, parameters: [String] = [], timeout: Double? = nil) throws -> Result {
        let db = try StoreReader.open(path)
        let statement = try db.prepare(sql)
        if !Self.onlyComments(statement.remainder) {
            throw StoreError(
                code: SQLITE_MISUSE,
                message: "query runs one statement at a time, and this SQL has more after the first (\(statement.remainder.prefix(40))…); nothing was run")
        }
        guard statement.isReadOnly else {
            throw StoreError(code: SQLITE_READONLY, message: "queries are read-only: this statement would change the database", sql: sql)
        }
        for (i, p) in parameters.enumerated() { statement.bind(Int32(i + 1), p) }
        // A timeout of 0 means no limit.
        let deadline = timeout.flatMap { $0 > 0 ? Date().addingTimeInterval($0) : nil }
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

extension ReadOnlyQuery {
    /// Whether what follows a statement is only `;`, whitespace and comments.
    static func onlyComments(_ rest: String) -> Bool {
        var s = Substring(rest)
        while !s.isEmpty {
            if s.first == ";" || s.first!.isWhitespace {
                s = s.dropFirst()
            } else if s.hasPrefix("--") {
                s = s.drop { $0 != "\n" }
            } else if s.hasPrefix("/*") {
                guard let end = s.range(of: "*/") else { return true }
                s = s[end.upperBound...]
            } else {
                return false
            }
        }
        return true
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
