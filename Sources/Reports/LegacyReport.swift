import Store

/// `smtptls legacy`: remote parties that negotiated below TLS 1.2, most sessions first.
public struct LegacyReport: Sendable {
    public var filter: ReportFilter

    public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

    /// The SQL and its parameters; filters apply to the day of each legacy session.
    public func query() -> (sql: String, parameters: [String]) {
        let (clauses, parameters) = filter.conditions("i")
        let conditions = ["i.outcome = 'tls'", "i.protocol IN \(protocolsBelow("TLS1.2"))"] + clauses
        let sql = """
            SELECT i.remote_ip, i.log_type AS direction, i.connector,
                   group_concat(DISTINCT i.protocol) AS protocols, SUM(i.sessions) AS sessions,
                   group_concat(DISTINCT NULLIF(i.ehlo, '')) AS ehlo_names,
                   group_concat(DISTINCT NULLIF(i.sender_domain, '')) AS sender_domains,
                   group_concat(DISTINCT NULLIF(i.auth_user, '')) AS auth_users,
                   \(isoSQL("MIN(i.first_seen)")) AS first_seen, \(isoSQL("MAX(i.last_seen)")) AS last_seen,
                   i.server
            FROM identity_rollup i
            WHERE \(conditions.joined(separator: " AND "))
            GROUP BY i.server, i.log_type, i.connector, i.remote_ip
            ORDER BY sessions DESC, i.remote_ip, i.connector
            """
        return (sql, parameters)
    }

    public func run(database: String) throws -> ResultTable {
        let (sql, parameters) = query()
        return ResultTable(try ReadOnlyQuery(path: database).run(sql, parameters: parameters))
    }
}
