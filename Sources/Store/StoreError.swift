import CSQLite

/// A database failure, said as one plain sentence naming the database and the cause.
///
/// SQLite's result codes become words (`… is not a database`, `the disk is full`); the SQL of
/// our own statements is never shown (it means nothing to the user); the user's own `query` SQL
/// is not repeated either, since they just typed it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var sql: String?
    /// The database file, when known.
    public var path: String?

    public init(code: Int32, message: String, sql: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
    }

    public var description: String {
        let database = path.map { "the database \($0)" } ?? "the database"
        switch code & 0xFF {
        case SQLITE_NOTADB:
            return "\(path ?? "the file") is not an smtptls database (it is not SQLite, or it is damaged)"
        case SQLITE_CORRUPT:
            return "\(database) is damaged (\(message)); restore it from a backup or ingest the logs into a new one"
        case SQLITE_FULL:
            return "the disk holding \(database) is full; nothing of the batch in progress was counted"
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "\(database) is locked by another process; try again when it has finished"
        case SQLITE_PERM, SQLITE_AUTH:
            return "permission denied on \(database)"
        case SQLITE_CANTOPEN where message.hasPrefix("unable to open"):
            return "cannot open \(database): the file or its directory cannot be read by this user (check its owner and mode)"
        case SQLITE_IOERR:
            return "cannot read or write \(database): \(message)"
        default:
            return message
        }
    }
}
