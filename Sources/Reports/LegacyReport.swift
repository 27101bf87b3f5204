import Store
import TLSSessions

/// `smtptls legacy`: remote parties that negotiated below TLS 1.2, most sessions first.
public struct LegacyReport: Sendable {
    public var filter: ReportFilter

    public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

    /// The columns a terminal table shows without `--wide` (CSV and JSON carry all of them).
    public static let narrowColumns = ["remote_ip", "direction", "connector", "protocols", "sessions", "ehlo_names", "last_seen"]

    /// The SQL and its parameters, on the public `identities` and `texts` views; filters apply
    /// to the day of each legacy session. Rows are grouped by ids (no dictionary lookup per row
    /// for the party) and the names of the legacy rows joined for the lists; the party's texts
    /// are joined once per group.
    public func query(_ db: Snapshot) -> (sql: String, parameters: [String]) {
        let d = db.dialect
        let (clauses, parameters) = filter.conditions("v", d)
        let conditions = ["v.legacy = 1"] + clauses
        let rows = db.scanOnly("""
            SELECT v.server_id, v.log_type, v.connector_id, v.remote_id, v.protocol, v.sessions, v.ehlo_id,
                   v.sender_domain_id, v.auth_user_id, v.first_seen_ms, v.last_seen_ms
            FROM identities v WHERE \(conditions.joined(separator: " AND "))
            """, as: "i")
        let sql = """
            SELECT CASE WHEN ip.value <> '' THEN ip.value END AS remote_ip, g.log_type AS direction, cn.value AS connector,
                   g.protocols, g.sessions, g.ehlo_names, g.sender_domains, g.auth_users,
                   \(d.iso("g.first_seen_ms")) AS first_seen, \(d.iso("g.last_seen_ms")) AS last_seen,
                   sv.value AS server
            FROM (
              SELECT i.server_id, i.log_type, i.connector_id, i.remote_id,
                     \(d.concatDistinct("i.protocol")) AS protocols, \(d.sum("i.sessions")) AS sessions,
                     \(d.concatDistinct("eh.value")) AS ehlo_names, \(d.concatDistinct("sd.value")) AS sender_domains,
                     \(d.concatDistinct("au.value")) AS auth_users,
                     MIN(i.first_seen_ms) AS first_seen_ms, MAX(i.last_seen_ms) AS last_seen_ms
              FROM \(rows)
              LEFT JOIN texts eh ON eh.id = NULLIF(i.ehlo_id, 0) LEFT JOIN texts sd ON sd.id = NULLIF(i.sender_domain_id, 0)
              LEFT JOIN texts au ON au.id = NULLIF(i.auth_user_id, 0)
              GROUP BY i.server_id, i.log_type, i.connector_id, i.remote_id
            ) g
            JOIN texts sv ON sv.id = g.server_id JOIN texts cn ON cn.id = g.connector_id JOIN texts ip ON ip.id = g.remote_id
            ORDER BY g.sessions DESC, remote_ip NULLS FIRST, connector, server, direction
            """
        return (sql, parameters)
    }

    /// The report from the SQLite database at `database`.
    public func run(database: String) throws -> (table: ResultTable, notes: [String]) {
        try run(StoreReader(path: database))
    }

    /// The report, and a note when sessions not finished yet already negotiated legacy TLS.
    public func run(_ reader: StoreReader) throws -> (table: ResultTable, notes: [String]) {
        try reader.read { db in
            let (sql, parameters) = query(db)
            var table = ResultTable(try db.table(sql, parameters))
            // Lists in one order whichever store grouped them (neither promises one).
            table.sortLists(["ehlo_names", "sender_domains", "auth_users"], protocols: "protocols")
            var notes: [String] = table.rows.isEmpty ? try filter.nearNames(db) : []
            var scope: [String] = ["legacy = 1"]
            var scopeParameters: [String] = []
            for (column, value) in [("connector", filter.connector), ("log_type", filter.direction), ("server", filter.server)] {
                if let value {
                    scope.append(column == "server" ? db.dialect.equalsIgnoringCase("server") : "\(column) = ?")
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
