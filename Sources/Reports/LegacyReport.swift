import Store

/// `smtptls legacy`: remote parties that negotiated below TLS 1.2, most sessions first.
public struct LegacyReport: Sendable {
    public var since: String?
    public var until: String?
    public var connector: String?
    public var direction: String?
    public var server: String?

    public init(since: String? = nil, until: String? = nil, connector: String? = nil, direction: String? = nil, server: String? = nil) {
        self.since = since
        self.until = until
        self.connector = connector
        self.direction = direction
        self.server = server
    }

    /// The SQL and its parameters; filters apply to the day of each legacy session.
    public func query() -> (sql: String, parameters: [String]) {
        var filters = ["i.outcome = 'tls'", "i.protocol IN ('PCT1','SSL2','SSL3','TLS1.0','TLS1.1')"]
        var parameters: [String] = []
        func add(_ clause: String, _ value: String?) {
            guard let value else { return }
            filters.append(clause)
            parameters.append(value)
        }
        add("i.day >= ?", since)
        add("i.day <= ?", until)
        add("i.connector = ?", connector)
        add("i.log_type = ?", direction)
        add("i.server = ?", server)
        let sql = """
            SELECT i.remote_ip, i.log_type AS direction, i.connector,
                   group_concat(DISTINCT i.protocol) AS protocols, SUM(i.sessions) AS sessions,
                   group_concat(DISTINCT NULLIF(i.ehlo, '')) AS ehlo_names,
                   group_concat(DISTINCT NULLIF(i.sender_domain, '')) AS sender_domains,
                   group_concat(DISTINCT NULLIF(i.auth_user, '')) AS auth_users,
                   strftime('%Y-%m-%dT%H:%M:%fZ', MIN(i.first_seen) / 1000.0, 'unixepoch') AS first_seen,
                   strftime('%Y-%m-%dT%H:%M:%fZ', MAX(i.last_seen) / 1000.0, 'unixepoch') AS last_seen,
                   i.server
            FROM identity_rollup i
            WHERE \(filters.joined(separator: " AND "))
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
