/// A database failure: SQLite's result code and message, and the statement concerned.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var description: String {
        guard let sql else { return "database error \(code): \(message)" }
        let shown = sql.count > 200 ? String(sql.prefix(200)) + "…" : sql
        return "database error \(code): \(message) (in: \(shown.split(whereSeparator: \.isNewline).joined(separator: " ")))"
    }
}
