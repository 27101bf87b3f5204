import Store
import TLSSessions

/// `smtptls legacy`: remote parties that negotiated below TLS 1.2, most sessions first.
public struct LegacyReport: Sendable {
    public var filter: ReportFilter

    public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

    /// The columns a terminal table shows without `--wide` (CSV and JSON carry all of them).
    public static let narrowColumns = ["remote_ip", "direction", "connector", "protocols", "sessions", "ehlo_names", "last_seen"]

    /// The SQL and its parameters, on the public `identities` view; filters apply to the day of
    /// each legacy session.
    public func query() -> (sql: String, parameters: [String]) {
        let (clauses, parameters) = filter.conditions("i")
        let conditions = ["i.legacy = 1"] + clauses
        let sql = """
            SELECT i.remote_ip, i.log_type AS direction, i.connector,
                   group_concat(DISTINCT i.protocol) AS protocols, SUM(i.sessions) AS sessions,
                   group_concat(DISTINCT i.ehlo) AS ehlo_names,
                   group_concat(DISTINCT i.sender_domain) AS sender_domains,
                   group_concat(DISTINCT i.auth_user) AS auth_users,
                   \(Schema.iso("MIN(i.first_seen_ms)")) AS first_seen, \(Schema.iso("MAX(i.last_seen_ms)")) AS last_seen,
                   i.server
            FROM identities i
            WHERE \(conditions.joined(separator: " AND "))
            GROUP BY i.server, i.log_type, i.connector, i.remote_ip
            ORDER BY sessions DESC, i.remote_ip, i.connector
            """
        return (sql, parameters)
    }

    /// The report, and a note when sessions not finished yet already negotiated legacy TLS.
    public func run(database: String) throws -> (table: ResultTable, notes: [String]) {
        try StoreReader(path: database).read { db in
            let (sql, parameters) = query()
            let table = ResultTable(try db.table(sql, parameters))
            var notes: [String] = table.rows.isEmpty ? try filter.nearNames(db) : []
            var scope: [String] = ["legacy = 1"]
            var scopeParameters: [String] = []
            for (column, value) in [("connector", filter.connector), ("log_type", filter.direction), ("server", filter.server)] {
                if let value {
                    scope.append(column == "server" ? "server = ? COLLATE NOCASE" : "\(column) = ?")
                    scopeParameters.append(value)
                }
            }
            if let open = try db.row(
                "SELECT COUNT(*), COUNT(DISTINCT COALESCE(remote_ip, '')) FROM unfinished_sessions WHERE \(scope.joined(separator: " AND "))",
                scopeParameters), open.int(0) > 0
            {
                notes.append(
                    "\(open.int(0)) sessions from \(open.int(1)) addresses negotiated legacy TLS but have no disconnect row yet; "
                        + "they are counted when they end, or now with `smtptls ingest --finalize-open`")
            }
            return (table, notes)
        }
    }
}
