import Store

/// `smtptls impact`: who would be affected if protocols below a floor were disabled now.
///
/// Each remote party (server, direction, connector, remote IP) seen in the window falls in the
/// first category that applies:
/// - `breaks`: negotiated *only* protocols below the floor — it would fail, or fall back to plaintext;
/// - `upgrades`: negotiated below the floor but also at or above it — it would likely upgrade;
/// - `tls_failures`: had failed TLS negotiations (and nothing below the floor);
/// - `plaintext_only`: never attempted TLS.
/// Parties that only negotiated at or above the floor are not listed.
public struct ImpactReport: Sendable {
    public var filter: ReportFilter
    /// The lowest protocol that stays enabled (`TLS1.2` by default).
    public var floor: String

    public static let categories = ["breaks", "upgrades", "tls_failures", "plaintext_only"]

    public init(filter: ReportFilter = ReportFilter(), floor: String = "TLS1.2") {
        self.filter = filter
        self.floor = floor
    }

    public func query() -> (sql: String, parameters: [String]) {
        let below = protocolsBelow(floor)
        let (clauses, parameters) = filter.conditions("r")
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let (identityClauses, identityParameters) = filter.conditions("i")
        let identityFilter = identityClauses.map { " AND " + $0 }.joined()
        let sql = """
            WITH parties AS (
              SELECT r.server, r.log_type, r.connector, r.remote_ip,
                     SUM(CASE WHEN r.outcome = 'tls' AND r.protocol IN \(below) THEN r.sessions ELSE 0 END) AS below_floor,
                     SUM(CASE WHEN r.outcome = 'tls' AND r.protocol NOT IN \(below) THEN r.sessions ELSE 0 END) AS at_or_above,
                     SUM(CASE WHEN r.outcome = 'plaintext' THEN r.sessions ELSE 0 END) AS plaintext,
                     SUM(CASE WHEN r.outcome = 'failed' THEN r.sessions ELSE 0 END) AS failed,
                     group_concat(DISTINCT CASE WHEN r.outcome = 'tls' AND r.protocol IN \(below) THEN r.protocol END) AS old_protocols,
                     MIN(r.first_seen) AS first_seen, MAX(r.last_seen) AS last_seen
              FROM session_rollup r \(whereClause)
              GROUP BY r.server, r.log_type, r.connector, r.remote_ip
            ), classified AS (
              SELECT *, CASE WHEN below_floor > 0 AND at_or_above = 0 THEN 'breaks'
                             WHEN below_floor > 0 THEN 'upgrades'
                             WHEN failed > 0 THEN 'tls_failures'
                             WHEN plaintext > 0 AND at_or_above = 0 THEN 'plaintext_only' END AS category
              FROM parties
            )
            SELECT c.category, c.remote_ip, c.log_type AS direction, c.connector, c.old_protocols AS protocols_below_floor,
                   c.below_floor AS sessions_below_floor, c.at_or_above AS sessions_at_or_above_floor,
                   c.plaintext AS plaintext_sessions, c.failed AS failed_sessions,
                   (SELECT group_concat(DISTINCT NULLIF(i.ehlo, '')) FROM identity_rollup i
                     WHERE i.server = c.server AND i.log_type = c.log_type AND i.connector = c.connector
                       AND i.remote_ip = c.remote_ip\(identityFilter)) AS ehlo_names,
                   (SELECT group_concat(DISTINCT NULLIF(i.sender_domain, '')) FROM identity_rollup i
                     WHERE i.server = c.server AND i.log_type = c.log_type AND i.connector = c.connector
                       AND i.remote_ip = c.remote_ip\(identityFilter)) AS sender_domains,
                   \(isoSQL("c.first_seen")) AS first_seen, \(isoSQL("c.last_seen")) AS last_seen, c.server
            FROM classified c
            WHERE c.category IS NOT NULL
            ORDER BY CASE c.category WHEN 'breaks' THEN 0 WHEN 'upgrades' THEN 1 WHEN 'tls_failures' THEN 2 ELSE 3 END,
                     c.below_floor + c.plaintext + c.failed DESC, c.remote_ip, c.connector
            """
        return (sql, parameters + identityParameters + identityParameters)
    }

    public func run(database: String) throws -> ResultTable {
        let (sql, parameters) = query()
        return ResultTable(try ReadOnlyQuery(path: database).run(sql, parameters: parameters))
    }
}
