import LogScanner
import Store
import TLSSessions

/// `smtptls readiness`: per server, direction and connector, whether legacy TLS can be switched
/// off there as of a day — a burn-down of its legacy sessions and the verdict.
///
/// A connector is `not_ready` while legacy sessions fall in the last `quietDays` days (the
/// parties to fix are named); otherwise `ready` when the logs cover every hour of those days
/// for its server, and `unknown` when hours are missing (a collector that stopped must not
/// look like a connector that went quiet).
public struct ReadinessReport: Sendable {
    public enum Verdict: String, CaseIterable, Sendable, Codable {
        case notReady = "not_ready"
        case unknown
        case ready
    }

    /// One connector's burn-down.
    public struct Row: Sendable, Codable, Equatable {
        public var server: String?
        public var direction: String
        public var connector: String
        public var legacySessions1d: Int64 = 0
        public var legacySessions7d: Int64 = 0
        public var legacySessions30d: Int64 = 0
        public var legacyParties30d = 0
        /// The newest legacy session's time (ms) in the look-back, nil when there is none.
        public var lastLegacySession: Int64?
        public var daysSinceLegacy: Int64?
        public var verdict = Verdict.unknown
        public var reason = ""
        /// The addresses behind the quiet window's legacy sessions, most sessions first (≤ 5).
        public var partiesToFix: [String] = []
        /// Legacy sessions per day, oldest first, the 30 days up to the as-of day.
        public var trend: [Int64] = Array(repeating: 0, count: ReadinessReport.trendDays)

        /// The names of the CSV columns, in JSON too.
        enum CodingKeys: String, CodingKey {
            case server, direction, connector, verdict, reason, trend
            case legacySessions1d = "legacy_sessions_1d", legacySessions7d = "legacy_sessions_7d"
            case legacySessions30d = "legacy_sessions_30d", legacyParties30d = "legacy_parties_30d"
            case lastLegacySession = "last_legacy_session_ms", daysSinceLegacy = "days_since_legacy"
            case partiesToFix = "parties_to_fix"
        }
    }

    public static let trendDays = 30
    /// The most days back the last legacy session is looked for.
    public static let lookBackDays = 365

    public var filter: ReportFilter
    public var asOf: UTCDay
    public var quietDays: Int
    /// The time the report is made (ms): hours after it cannot be in the logs yet.
    public var now: Int64
    /// Days back the last legacy session is looked for beyond the 30-day trend (a scan of that
    /// many days of rollups; the nightly summary sets 0 and shows the 30 days only).
    public var lookBack = ReadinessReport.lookBackDays

    public init(filter: ReportFilter = ReportFilter(), asOf: UTCDay, quietDays: Int = 14, now: Int64) {
        self.filter = filter
        self.asOf = asOf
        self.quietDays = quietDays
        self.now = now
    }

    public static let columns = [
        "server", "direction", "connector", "verdict", "legacy_sessions_1d", "legacy_sessions_7d", "legacy_sessions_30d",
        "legacy_parties_30d", "last_legacy_session", "days_since_legacy", "parties_to_fix", "reason", "trend_30d",
    ]
    public static let narrowColumns = [
        "server", "direction", "connector", "verdict", "legacy_sessions_7d", "legacy_sessions_30d", "days_since_legacy",
        "reason",
    ]

    /// The report from the SQLite database at `database`.
    public func run(database: String) throws -> [Row] {
        try run(StoreReader(path: database))
    }

    public func run(_ reader: StoreReader) throws -> [Row] {
        try reader.read { try rows($0) }
    }

    private struct Scope: Hashable {
        var server: String
        var direction: String
        var connector: String
    }

    /// The rows, `not_ready` first (most legacy sessions first), then `unknown`, then `ready`.
    public func rows(_ db: Snapshot) throws -> [Row] {
        var scoped = filter
        scoped.since = nil
        scoped.until = nil
        let (clauses, parameters) = scoped.conditions("v", db.dialect)
        let recentStart = asOf.adding(days: Int64(1 - max(Self.trendDays, quietDays)))
        let quietStart = asOf.adding(days: Int64(1 - quietDays))
        var rows: [Scope: Row] = [:]
        var parties: [Scope: [String: Int64]] = [:]
        var quietParties: [Scope: [String: Int64]] = [:]
        func row(_ s: Scope) -> Row {
            rows[s] ?? Row(server: s.server.isEmpty ? nil : s.server, direction: s.direction, connector: s.connector)
        }
        // Every connector with sessions in the recent window, and its legacy sessions per day.
        // (The filter's `?` placeholders number on after ?1 and ?2.)
        let recent = (["v.day BETWEEN ?1 AND ?2"] + clauses).joined(separator: " AND ")
        let window = [recentStart.description, asOf.description] + parameters
        // Ids, turned into text once each (no dictionary lookup per row in SQLite).
        let names = try db.textLookup()
        try db.scan("""
            SELECT v.server_id, v.log_type, v.connector_id, v.remote_id, v.day, v.sessions, v.last_seen_ms
            FROM negotiations v WHERE \(recent) AND v.legacy = 1
            """, window
        ) { r in
            let scope = Scope(server: try names.text(r.int(0)), direction: r.text(1), connector: try names.text(r.int(2)))
            var current = row(scope)
            let day = UTCDay(r.text(4))?.number ?? asOf.number
            let age = asOf.number - day
            let sessions = r.int(5)
            let address = try names.text(r.int(3))
            let ip = address.isEmpty ? "(no address)" : address
            if age < 1 { current.legacySessions1d += sessions }
            if age < 7 { current.legacySessions7d += sessions }
            if age < 30 {
                current.legacySessions30d += sessions
                parties[scope, default: [:]][ip, default: 0] += sessions
            }
            if day >= quietStart.number { quietParties[scope, default: [:]][ip, default: 0] += sessions }
            if age < Int64(Self.trendDays) { current.trend[Self.trendDays - 1 - Int(age)] += sessions }
            current.lastLegacySession = max(current.lastLegacySession ?? .min, r.int(6))
            rows[scope] = current
        }
        for sql in [
            "SELECT DISTINCT v.server, v.log_type, v.connector FROM identities v WHERE \(recent)",
            "SELECT DISTINCT v.server, v.log_type, v.connector FROM tls_failures v WHERE \(recent)",
        ] {
            for r in try db.rows(sql, window, { $0 }) {
                let scope = Scope(server: r.text(0), direction: r.text(1), connector: r.text(2))
                rows[scope] = row(scope)
            }
        }
        // Configured connectors that logged nothing lately are listed too.
        for r in try db.rows("SELECT COALESCE(server, ''), direction, connector FROM connectors", [], { $0 }) {
            let scope = Scope(server: r.text(0), direction: r.text(1), connector: r.text(2))
            if matches(scope) && !rows.keys.contains(where: { $0.direction == scope.direction && $0.connector.lowercased() == scope.connector.lowercased() }) {
                rows[scope] = row(scope)
            }
        }
        // The last legacy session before the recent window, for connectors quiet in it.
        if lookBack > Self.trendDays { try lastLegacyBefore(db, recentStart, clauses: clauses, parameters: parameters, into: &rows) }
        let missing = try missingHours(db, from: quietStart)
        var result: [Row] = []
        for (scope, var r) in rows {
            r.legacyParties30d = parties[scope]?.count ?? 0
            if let last = r.lastLegacySession { r.daysSinceLegacy = asOf.number - UTCDay(millis: last).number }
            if let quiet = quietParties[scope], !quiet.isEmpty {
                r.verdict = .notReady
                r.partiesToFix = quiet.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map { "\($0.key) (\($0.value))" }
                let total = quiet.values.reduce(0, +)
                r.reason = "\(total) legacy session\(total == 1 ? "" : "s") from \(quiet.count) part\(quiet.count == 1 ? "y" : "ies") in the \(quietWindow)"
            } else if scope.server.isEmpty {
                r.reason = "no server: a send connector that logged nothing in the last \(Self.trendDays) days"
            } else if let gap = missing(scope.server, scope.direction) {
                r.reason = gap
            } else {
                r.verdict = .ready
                r.reason = "no legacy sessions in the \(quietWindow), and logs for every hour of them"
            }
            result.append(r)
        }
        let order = Dictionary(uniqueKeysWithValues: Verdict.allCases.enumerated().map { ($1, $0) })
        return result.sorted {
            if $0.verdict != $1.verdict { return order[$0.verdict]! < order[$1.verdict]! }
            if $0.legacySessions30d != $1.legacySessions30d { return $0.legacySessions30d > $1.legacySessions30d }
            return ($0.server ?? "", $0.direction, $0.connector) < ($1.server ?? "", $1.direction, $1.connector)
        }
    }

    /// Fills in the last legacy session before `recentStart` (up to ``lookBack`` days back) for
    /// the rows that had none in the recent window.
    private func lastLegacyBefore(
        _ db: Snapshot, _ recentStart: UTCDay, clauses: [String], parameters: [String], into rows: inout [Scope: Row]
    ) throws {
        let older = (["v.day >= ?1 AND v.day < ?2"] + clauses).joined(separator: " AND ")
        let legacyRows = db.scanOnly("""
            SELECT v.server_id, v.log_type, v.connector_id, v.last_seen_ms FROM negotiations v WHERE \(older) AND v.legacy = 1
            """)
        for r in try db.rows("""
            SELECT sv.value, g.log_type, cn.value, g.last
            FROM (SELECT server_id, log_type, connector_id, MAX(last_seen_ms) AS last FROM \(legacyRows) GROUP BY 1, 2, 3) g
            JOIN texts sv ON sv.id = g.server_id JOIN texts cn ON cn.id = g.connector_id
            """, [asOf.adding(days: Int64(1 - lookBack)).description, recentStart.description] + parameters, { $0 })
        {
            let scope = Scope(server: r.text(0), direction: r.text(1), connector: r.text(2))
            guard var current = rows[scope], current.lastLegacySession == nil else { continue }
            current.lastLegacySession = r.int(3)
            rows[scope] = current
        }
    }

    /// "last 14 days", "last day".
    private var quietWindow: String { quietDays == 1 ? "last day" : "last \(quietDays) days" }

    private func matches(_ scope: Scope) -> Bool {
        if let c = filter.connector, c != scope.connector { return false }
        if let d = filter.direction, d != scope.direction { return false }
        if let s = filter.server, s.lowercased() != scope.server.lowercased() { return false }
        return true
    }

    /// For a server and direction: a sentence saying which hours of the quiet window have no logs. Every hour of the days before the as-of day is
    /// required; of the as-of day itself, only hours before `now` and up to the newest hour any
    /// server has logs for (tonight's ingest has not run yet).
    private func missingHours(_ db: Snapshot, from start: UTCDay) throws -> (_ server: String, _ direction: String) -> String? {
        let newest = try db.row("SELECT MAX(day || 'T' || hour) FROM hourly_coverage").map { $0.text(0) } ?? ""
        var lastRequired = UTCHour(millis: min(now, asOf.adding(days: 1).startMillis) - 1)
        if let byData = UTCHour.parse(newest), byData < lastRequired { lastRequired = byData }
        lastRequired = max(lastRequired, UTCHour(millis: asOf.startMillis - 1))
        let firstRequired = UTCHour(millis: start.startMillis)
        guard firstRequired <= lastRequired else { return { _, _ in nil } }
        var present: [Scope: Set<Int64>] = [:]
        for r in try db.rows("""
            SELECT server, log_type, day, hour FROM hourly_coverage WHERE day BETWEEN ?1 AND ?2
            """, [start.description, asOf.description], { $0 })
        {
            guard let hour = UTCHour.parse(r.text(2) + "T" + r.text(3)) else { continue }
            present[Scope(server: r.text(0).lowercased(), direction: r.text(1), connector: ""), default: []].insert(hour.number)
        }
        let needed = firstRequired.number...lastRequired.number
        return { server, direction in
            let have = present[Scope(server: server.lowercased(), direction: direction, connector: "")] ?? []
            let gaps = needed.filter { !have.contains($0) }
            guard let first = gaps.first, let last = gaps.last else { return nil }
            return "logs missing for \(gaps.count) hours between \(UTCHour(number: first).description):00Z and \(UTCHour(number: last).description):59Z"
        }
    }

    /// The rows as a table of ``columns``.
    public static func table(_ rows: [Row]) -> ResultTable {
        ResultTable(columns: columns, rows: rows.map { r in
            [
                r.server.map(SQLValue.text) ?? .null, .text(r.direction), .text(r.connector), .text(r.verdict.rawValue),
                .integer(r.legacySessions1d), .integer(r.legacySessions7d), .integer(r.legacySessions30d),
                .integer(Int64(r.legacyParties30d)), r.lastLegacySession.map { .text(Timestamp.iso($0)) } ?? .null,
                r.daysSinceLegacy.map(SQLValue.integer) ?? .null,
                r.partiesToFix.isEmpty ? .null : .text(r.partiesToFix.joined(separator: ", ")), .text(r.reason),
                .text(r.trend.map(String.init).joined(separator: " ")),
            ]
        })
    }
}
