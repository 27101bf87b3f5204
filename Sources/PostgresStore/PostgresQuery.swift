import Store

/// `smtptls query` against PostgreSQL: one statement in a read-only transaction (a statement
/// that would write is refused by the server and changes nothing), with a time limit.
public enum PostgresQuery {
    public static func run(url: String, _ sql: String, timeout: Double) throws -> ReadOnlyQuery.Result {
        let db = try PostgresConnection(url: url, attempts: 1)
        return try db.transaction(readOnly: true) {
            if timeout > 0 { try db.execute("SET LOCAL statement_timeout = \(Int(timeout * 1000))") }
            let result = try db.query(sql)
            let rows = result.rows.map { row in
                row.indices.map { value(row[$0], type: result.types[$0]) }
            }
            return ReadOnlyQuery.Result(columns: result.columns, rows: rows)
        }
    }

    /// A value as SQLite would have given it: integers and reals as numbers, booleans as 0/1.
    static func value(_ text: String?, type: UInt32) -> SQLValue {
        guard let text else { return .null }
        switch type {
        case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)
        // numeric: what SUM of bigint gives; whole numbers are integers, as SQLite's SUM gives them.
        case 1700: return Int64(text).map(SQLValue.integer) ?? Double(text).map(SQLValue.real) ?? .text(text)
        case 700, 701: return Double(text).map(SQLValue.real) ?? .text(text)
        case 16: return .integer(text == "t" ? 1 : 0)
        default: return .text(text)
        }
    }
}
