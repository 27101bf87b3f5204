import LogScanner
import Store
import TLSSessions

/// `smtptls impact`: who would be affected if protocols below a floor were disabled now.
///
/// Each remote party (server, direction, connector, remote IP) seen in the window falls in the
/// first category that applies (``Category``). Parties that only negotiated at or above the floor
/// are not listed. Read from the public views in one snapshot; every aggregate is one grouped
/// pass, so the cost grows with the rows in the window, not with parties × rows.
public struct ImpactReport: Sendable {
    public var filter: ReportFilter
    /// The lowest protocol that stays enabled (TLS 1.2 by default).
    public var floor: TLSProtocol

    public enum Category: String, CaseIterable, Sendable {
        /// Negotiated *only* protocols below the floor: it would fail, or fall back to plaintext.
        case breaks
        /// Negotiated below the floor but also at or above it: it would likely upgrade.
        case upgrades
        /// Had failed TLS negotiations (and nothing below the floor).
        case tlsFailures = "tls_failures"
        /// Used STARTTLS on a build that does not log the protocol (Exchange 2010): unknown risk.
        case protocolUnlogged = "protocol_unlogged"
        /// Sent mail without ever trying TLS (probes that never sent mail are only counted).
        case plaintextOnly = "plaintext_only"
    }

    /// Without `--since`/`--until`, the window is the last this many days of data (nil: all data).
    /// What a party did in the last weeks is what happens when a protocol is switched off; a
    /// client replaced months ago is not a risk, and a year of rollups would take long to group.
    public var defaultWindowDays: Int?

    /// The columns a terminal table shows without `--wide` (CSV and JSON carry all of them).
    public static let narrowColumns = [
        "category", "remote_ip", "direction", "connector", "protocols_below_floor", "sessions_below_floor", "ehlo_names",
    ]

    public init(filter: ReportFilter = ReportFilter(), floor: TLSProtocol = .tls12, defaultWindowDays: Int? = nil) {
        self.filter = filter
        self.floor = floor
        self.defaultWindowDays = defaultWindowDays
    }

    /// The report and what goes beside it on stderr: counts per category, probes.
    public struct Result {
        public var table: ResultTable
        public var notes: [String]
    }

    public func query() -> (sql: String, parameters: [String]) {
        let below = TLSProtocol.sqlList(TLSProtocol.below(floor))
        let (clauses, filterParameters) = filter.conditions("v")
        let filtered = (["1"] + clauses).joined(separator: " AND ")
        // A missing address is '' in `ip` so the joins are plain equality (see SummaryData).
        let party = "v.server, v.log_type, v.connector, COALESCE(v.remote_ip, '') AS ip"
        let partyGroup = "v.server, v.log_type, v.connector, ip"
        let mail = SessionActivity.sentMail("v.activity")
        let order = Category.allCases.enumerated().map { "WHEN '\($1.rawValue)' THEN \($0)" }.joined(separator: " ")
        let sql = """
            WITH parts AS (
              SELECT \(party),
                     SUM(CASE WHEN v.protocol IN \(below) THEN v.sessions ELSE 0 END) AS below_floor,
                     SUM(CASE WHEN v.protocol IS NOT NULL AND v.protocol NOT IN \(below) THEN v.sessions ELSE 0 END) AS at_or_above,
                     SUM(CASE WHEN v.protocol_unlogged THEN v.sessions ELSE 0 END) AS unlogged,
                     0 AS plaintext, 0 AS failed,
                     group_concat(DISTINCT CASE WHEN v.protocol IN \(below) THEN v.protocol END) AS old_protocols,
                     MIN(v.first_seen_ms) AS first_seen, MAX(v.last_seen_ms) AS last_seen
              FROM negotiations v WHERE \(filtered) GROUP BY \(partyGroup)
              UNION ALL
              SELECT \(party), 0, 0, 0, SUM(v.sessions), 0, NULL, MIN(v.first_seen_ms), MAX(v.last_seen_ms)
              FROM plaintext_sessions v WHERE \(filtered) AND \(mail) GROUP BY \(partyGroup)
              UNION ALL
              SELECT \(party), 0, 0, 0, 0, SUM(v.sessions), NULL, MIN(v.first_seen_ms), MAX(v.last_seen_ms)
              FROM tls_failures v WHERE \(filtered) GROUP BY \(partyGroup)
            ), parties AS (
              SELECT server, log_type, connector, ip, SUM(below_floor) AS below_floor,
                     SUM(at_or_above) AS at_or_above, SUM(unlogged) AS unlogged, SUM(plaintext) AS plaintext,
                     SUM(failed) AS failed, group_concat(old_protocols) AS old_protocols,
                     MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen
              FROM parts GROUP BY server, log_type, connector, ip
            ), classified AS MATERIALIZED (
              SELECT *, CASE WHEN below_floor > 0 AND at_or_above = 0 THEN '\(Category.breaks.rawValue)'
                             WHEN below_floor > 0 THEN '\(Category.upgrades.rawValue)'
                             WHEN failed > 0 THEN '\(Category.tlsFailures.rawValue)'
                             WHEN unlogged > 0 AND at_or_above = 0 THEN '\(Category.protocolUnlogged.rawValue)'
                             WHEN plaintext > 0 AND at_or_above = 0 AND unlogged = 0 THEN '\(Category.plaintextOnly.rawValue)'
                        END AS category
              FROM parties
            ), names AS MATERIALIZED (
              SELECT \(party), group_concat(DISTINCT v.ehlo) AS ehlo_names,
                     group_concat(DISTINCT v.sender_domain) AS sender_domains
              FROM identities v
              WHERE \(filtered) AND (v.server, v.log_type, v.connector, COALESCE(v.remote_ip, '')) IN
                    (SELECT server, log_type, connector, ip FROM classified WHERE category IS NOT NULL)
              GROUP BY \(partyGroup)
            )
            SELECT c.category, NULLIF(c.ip, '') AS remote_ip, c.log_type AS direction, c.connector, c.old_protocols AS protocols_below_floor,
                   c.below_floor AS sessions_below_floor, c.at_or_above AS sessions_at_or_above_floor,
                   c.plaintext AS plaintext_sessions, c.failed AS failed_sessions,
                   n.ehlo_names, n.sender_domains, \(Schema.iso("c.first_seen")) AS first_seen,
                   \(Schema.iso("c.last_seen")) AS last_seen, c.server,
                   c.unlogged AS protocol_unlogged_sessions
            FROM classified c
            LEFT JOIN names n ON n.server = c.server AND n.log_type = c.log_type AND n.connector = c.connector
                             AND n.ip = c.ip
            WHERE c.category IS NOT NULL
            ORDER BY CASE c.category \(order) END,
                     c.below_floor + c.plaintext + c.failed + c.unlogged DESC, c.ip, c.connector
            """
        // The filter's parameters once per use: three parts and the names.
        return (sql, filterParameters + filterParameters + filterParameters + filterParameters)
    }

    public func run(database: String) throws -> Result {
        try StoreReader(path: database).read { db in
            var report = self
            var windowNote: String?
            if let days = defaultWindowDays, filter.since == nil, filter.until == nil,
                let newest = try db.row("SELECT MAX(day) FROM hourly_coverage").flatMap({ UTCDay($0.text(0)) })
            {
                let first = newest.adding(days: Int64(1 - days))
                report.filter.since = first.description
                windowNote = "window: the last \(days) days of data, \(first) to \(newest) (--since/--until for another, --all for everything)"
            }
            return try report.classify(db, windowNote: windowNote)
        }
    }

    func classify(_ db: Snapshot, windowNote: String?) throws -> Result {
        do {
            let (sql, parameters) = query()
            let table = ResultTable(try db.table(sql, parameters))
            let counts = Category.allCases.map { c in "\(c.rawValue) \(table.rows.filter { $0[0].text == c.rawValue }.count)" }
            var notes = ["if protocols below \(floor.name) were disabled: " + counts.joined(separator: ", ")]
            let (clauses, filterParameters) = filter.conditions("v")
            let probes = try db.row("""
                SELECT COALESCE(SUM(v.sessions), 0), COUNT(DISTINCT COALESCE(v.remote_ip, '')) FROM plaintext_sessions v
                WHERE \(([SessionActivity.probe("v.activity")] + clauses).joined(separator: " AND "))
                """, filterParameters)
            if let probes, probes.int(0) > 0 {
                notes.append("\(probes.int(0)) probe sessions from \(probes.int(1)) addresses (connected without sending mail, no TLS) are not listed")
            }
            if let windowNote { notes.insert(windowNote, at: 0) }
            if table.rows.isEmpty { notes += try filter.nearNames(db) }
            return Result(table: table, notes: notes)
        }
    }
}
