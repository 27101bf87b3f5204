import Foundation
import LogScanner
import Store
import TLSSessions

/// Everything the nightly summary shows, gathered from the database for one window of days.
///
/// Read in one snapshot (``StoreReader``) from the public views only. Headline figures are
/// ``Totals`` over the whole window; the lists are cut at `limit` rows and say so
/// (``PartyList/total``).
public struct SummaryData: Codable, Sendable {
    public struct Count: Codable, Sendable { public var name: String; public var sessions: Int64 }
    public struct Mix: Codable, Sendable {
        public var connector: String
        public var direction: String
        public var protocols: [Count]
    }
    public struct Party: Codable, Sendable {
        public var remoteIP: String
        public var direction: String
        public var connector: String
        public var server: String
        public var protocols: String
        public var sessions: Int64
        public var ehloNames: String
        public var senderDomains: String
    }
    /// The first `limit` parties of a list, and how many there are in all.
    public struct PartyList: Codable, Sendable {
        public var rows: [Party]
        /// Parties in the whole window (rows holds at most `limit` of them).
        public var total: Int64
        public var sessions: Int64
        public var isCut: Bool { Int64(rows.count) < total }
    }
    public struct Failure: Codable, Sendable { public var error: String; public var sessions: Int64; public var parties: Int64 }
    public struct AuthFailureRow: Codable, Sendable {
        public var remoteIP: String
        public var direction: String
        public var connector: String
        public var user: String
        public var mechanism: String
        public var error: String
        public var sessions: Int64
        public var server: String
    }
    public struct WeakSuite: Codable, Sendable {
        public var protocolName: String
        public var cipher: String
        public var mac: String
        public var keyExchange: String
        public var reasons: String
        public var sessions: Int64
        public var parties: Int64
    }
    public struct Coverage: Codable, Sendable {
        public var server: String
        public var direction: String
        public var day: String
        /// Sessions in each UTC hour 00–23.
        public var hours: [Int64]
        public var missingHours: [Int] { hours.indices.filter { hours[$0] == 0 } }
    }
    public struct DayShare: Codable, Sendable { public var day: String; public var protocols: [Count] }
    /// Which days the database has logs for (from `hourly_coverage`).
    public struct Days: Codable, Sendable {
        public var first: String?
        public var last: String?
        public var count: Int64
    }
    /// Figures over the whole window, never over a cut list.
    public struct Totals: Codable, Sendable {
        public var sessions: Int64 = 0
        public var legacySessions: Int64 = 0
        public var legacyParties: Int64 = 0
        /// Plaintext sessions that sent mail (`MAIL FROM`), or whose activity is unknown.
        public var plaintextSessions: Int64 = 0
        public var plaintextParties: Int64 = 0
        /// Plaintext sessions that never sent mail (probes, monitors, scanners).
        public var probeSessions: Int64 = 0
        public var probeAddresses: Int64 = 0
        public var failedSessions: Int64 = 0
        public var authFailureSessions: Int64 = 0
        public var authFailureAddresses: Int64 = 0
        /// Sessions not finished yet (no disconnect row) that already negotiated legacy TLS.
        public var unfinishedLegacySessions: Int64 = 0
        public var unfinishedLegacyAddresses: Int64 = 0
    }

    public var since: String
    public var until: String
    public var generatedAt: String
    /// False when the window has no logs at all: not a healthy day, a missing one.
    public var hasData: Bool
    public var daysInDatabase: Days
    /// Whether the day before the window has logs (else "new legacy" cannot be told).
    public var previousDayHasData: Bool
    public var totals: Totals
    public var outcomes: [Count]
    public var protocols: [Count]
    public var mix: [Mix]
    public var legacy: PartyList
    public var newLegacy: PartyList
    public var upgraded: PartyList
    public var plaintext: PartyList
    public var failures: [Failure]
    public var authFailures: [AuthFailureRow]
    public var weakSuites: [WeakSuite]
    public var coverage: [Coverage]
    /// Protocol share per day over the 30 days ending with `until`.
    public var trend: [DayShare]
    /// Per connector: what switching off protocols below TLS 1.2 does to its parties (`impact`).
    public var consequences: [ConnectorConsequences] = []
    /// Per connector: the burn-down and verdict as of `until` (`readiness`).
    public var readiness: [ReadinessReport.Row] = []

    /// Parties below the floor on one connector, by ``Consequence``.
    public struct ConnectorConsequences: Codable, Sendable, Equatable {
        public var direction: String
        public var connector: String
        public var breaks = 0
        public var fallsBackToPlaintext = 0
        public var unknown = 0
    }
}

extension SummaryData {
    /// The protocol names as charted, legacy first; `not logged` for STARTTLS without a negotiation row.
    public static let protocolOrder = TLSProtocol.allCases.filter { $0 != .pct1 }.map(\.name) + ["not logged"]

    /// Reads the summary for `since...until` (UTC days, inclusive) from the database at `path`.
    public static func load(database path: String, since: UTCDay, until: UTCDay, limit: Int = 50) throws -> SummaryData {
        try load(StoreReader(path: path), since: since, until: until, limit: limit)
    }

    /// Reads the summary for `since...until` (UTC days, inclusive) through `reader`.
    public static func load(_ reader: StoreReader, since: UTCDay, until: UTCDay, limit: Int = 50) throws -> SummaryData {
        try reader.read { try load($0, since: since, until: until, limit: limit) }
    }

    static func load(_ db: Snapshot, since: UTCDay, until: UTCDay, limit: Int) throws -> SummaryData {
        let window = [since.description, until.description]
        let d = db.dialect
        let inWindow = "day >= ?1 AND day <= ?2"
        let legacy = "legacy = 1"
        var totals = Totals()
        // Outcome and protocol totals, the mix per connector, the trend and the weak suites: one
        // pass over the window's negotiations.
        let pass = try NegotiationPass(db, since: since, until: until, trendSince: until.adding(days: -29))
        var outcomes = pass.outcomes.map { Count(name: $0.key, sessions: $0.value) }
        outcomes += try db.rows("""
            SELECT \(OutcomeKind.failed.sql), SUM(sessions) FROM tls_failures WHERE \(inWindow) HAVING COUNT(*) > 0
            UNION ALL SELECT \(OutcomeKind.plaintext.sql), SUM(sessions) FROM plaintext_sessions WHERE \(inWindow) HAVING COUNT(*) > 0
            """, window) { Count(name: $0.text(0), sessions: $0.int(1)) }
        outcomes.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        totals.sessions = outcomes.reduce(0) { $0 + $1.sessions }
        totals.failedSessions = outcomes.first { $0.name == OutcomeKind.failed.name }?.sessions ?? 0

        /// Sessions by protocol name, in chart order.
        func protocolCounts(_ counts: [String: Int64]) -> [Count] {
            counts.map { Count(name: $0.key, sessions: $0.value) }.sorted { order($0.name) < order($1.name) }
        }
        let protocols = protocolCounts(pass.protocols)
        let names = try db.textLookup()
        var mix: [Mix] = []
        for (connector, directions) in pass.mix {
            for (direction, counts) in directions {
                mix.append(Mix(connector: try names.text(connector), direction: direction, protocols: protocolCounts(counts)))
            }
        }
        mix.sort { ($0.direction, $0.connector) < ($1.direction, $1.connector) }

        let previous = since.adding(days: -1).description
        // A party is (server, log_type, connector, address) as the views' ids: integers to group
        // and compare, a missing address is id 0 (the empty text), and texts are joined for the
        // listed rows only. Scans that feed an aggregate go through `Snapshot.scanOnly`, so SQLite
        // leaves out the views' dictionary joins for every row.
        let partyKey = "server_id AS server, log_type, connector_id AS connector, remote_id AS ip"
        let partyGroup = "server, log_type, connector, ip"
        let sameParty = "x.server = p.server AND x.log_type = p.log_type AND x.connector = p.connector AND x.ip = p.ip"
        // The parties of the window in one CTE `p` (key, protocols, sessions); each list below is
        // a filter on it. Names come from `identities` for the top rows only. Comparisons with the
        // previous day are `IN (subquery)`, for which SQLite always builds a keyed lookup; a join or
        // a correlated EXISTS on a CTE was planned as a scan per row (quadratic on a busy day), and
        // so is `NOT IN` with a row value (SQLite must allow for NULLs in it): "not yesterday" is
        // `IN (… EXCEPT …)` instead (8.9 → 0.7 s on a 30-day window of 40 M rows).
        func parties(_ cte: String, identity: String, _ parameters: [String]) throws -> PartyList {
            // One pass: the window functions count every party of `p` before the LIMIT cuts it;
            // ties are ordered by address and connector as text, as they are shown.
            var total: Int64 = 0
            var sessions: Int64 = 0
            let rows = try db.rows("""
                WITH \(cte),
                top AS MATERIALIZED (
                  SELECT p.*, ti.value AS ip_text, tc.value AS connector_text, ts.value AS server_text,
                         COUNT(*) OVER () AS total_parties, SUM(p.sessions) OVER () AS total_sessions
                  FROM p JOIN texts ti ON ti.id = p.ip JOIN texts tc ON tc.id = p.connector JOIN texts ts ON ts.id = p.server
                  ORDER BY p.sessions DESC, ip_text, connector_text, server_text, p.log_type LIMIT \(limit)),
                names AS MATERIALIZED (
                  SELECT \(partyKey), \(d.concatDistinct("ehlo")) AS ehlo, \(d.concatDistinct("sender_domain")) AS domains
                  FROM identities
                  WHERE \(inWindow) AND \(identity)
                    AND (server_id, log_type, connector_id, remote_id) IN (SELECT server, log_type, connector, ip FROM top)
                  GROUP BY server_id, log_type, connector_id, remote_id)
                SELECT p.ip_text, p.log_type, p.connector_text, p.server_text, COALESCE(p.protocols, ''), p.sessions,
                       COALESCE(x.ehlo, ''), COALESCE(x.domains, ''), p.total_parties, p.total_sessions
                FROM top p LEFT JOIN names x ON \(sameParty)
                ORDER BY p.sessions DESC, p.ip_text, p.connector_text, p.server_text, p.log_type
                """, parameters) { r -> Party in
                total = r.int(8)
                sessions = r.int(9)
                return Party(remoteIP: r.text(0), direction: r.text(1), connector: r.text(2), server: r.text(3),
                             protocols: TLSProtocol.oldestFirst(r.text(4).split(separator: ",").map(String.init)).joined(separator: ","),
                             sessions: r.int(5), ehloNames: DistinctList.sorted(r.text(6)), senderDomains: DistinctList.sorted(r.text(7)))
            }
            return PartyList(rows: rows, total: total, sessions: sessions)
        }
        /// The window's legacy parties as a CTE named `name`.
        func legacyPartiesCTE(_ name: String) -> String {
            let rows = db.scanOnly("SELECT \(partyKey), protocol, sessions FROM negotiations WHERE \(inWindow) AND \(legacy)")
            return """
                \(name) (SELECT \(partyGroup), \(d.concatDistinct("protocol")) AS protocols, \(d.sum("sessions")) AS sessions
                      FROM \(rows) GROUP BY \(partyGroup))
                """
        }
        let legacyParties = legacyPartiesCTE("p AS")
        let previousLegacy = """
            prev AS MATERIALIZED (SELECT DISTINCT \(partyKey) FROM negotiations WHERE day = ?3 AND \(legacy))
            """
        let legacyList = try parties(legacyParties, identity: legacy, window)
        totals.legacySessions = legacyList.sessions
        totals.legacyParties = legacyList.total

        let previousDayHasData = try db.row("SELECT 1 FROM hourly_coverage WHERE day = ?1 LIMIT 1", [previous]) != nil
        let newLegacy = previousDayHasData
            ? try parties("""
                \(previousLegacy), \(legacyPartiesCTE("w AS MATERIALIZED")),
                p AS (SELECT w.* FROM w WHERE (w.server, w.log_type, w.connector, w.ip)
                        IN (SELECT \(partyGroup) FROM w EXCEPT SELECT \(partyGroup) FROM prev))
                """, identity: legacy, window + [previous])
            : PartyList(rows: [], total: 0, sessions: 0)
        let previouslyLegacy = db.scanOnly("""
            SELECT \(partyKey), protocol, sessions, legacy FROM negotiations
            WHERE \(inWindow) AND protocol IS NOT NULL
              AND (server_id, log_type, connector_id, remote_id) IN (SELECT \(partyGroup) FROM prev)
            """)
        let upgraded = try parties("""
            \(previousLegacy),
            w AS MATERIALIZED (SELECT \(partyGroup), \(d.concatDistinct("protocol")) AS protocols, \(d.sum("sessions")) AS sessions,
                         \(d.sum("CASE WHEN \(legacy) THEN sessions ELSE 0 END")) AS legacy_sessions
                  FROM \(previouslyLegacy) GROUP BY \(partyGroup)),
            p AS (SELECT w.server, w.log_type, w.connector, w.ip, w.protocols, w.sessions FROM w WHERE w.legacy_sessions = 0)
            """, identity: "outcome = \(OutcomeKind.tls.sql)", window + [previous])
        let mailActivity = SessionActivity.sentMail("activity")
        let plaintextRows = db.scanOnly(
            "SELECT \(partyKey), sessions FROM plaintext_sessions WHERE \(inWindow) AND \(mailActivity)")
        let plaintext = try parties("""
            p AS (SELECT \(partyGroup), NULL AS protocols, \(d.sum("sessions")) AS sessions FROM \(plaintextRows) GROUP BY \(partyGroup))
            """, identity: "outcome = \(OutcomeKind.plaintext.sql)", window)
        totals.plaintextSessions = plaintext.sessions
        totals.plaintextParties = plaintext.total
        if let probes = try db.row("""
            SELECT COALESCE(SUM(sessions), 0), COUNT(DISTINCT remote_id) FROM \(db.scanOnly(
                "SELECT sessions, remote_id FROM plaintext_sessions WHERE \(inWindow) AND NOT \(mailActivity)"))
            """, window)
        {
            totals.probeSessions = probes.int(0)
            totals.probeAddresses = probes.int(1)
        }

        let failures = try db.rows("""
            SELECT error, SUM(sessions), COUNT(DISTINCT server || '/' || log_type || '/' || connector || '/' || COALESCE(remote_ip, ''))
            FROM tls_failures WHERE \(inWindow) GROUP BY 1 ORDER BY 2 DESC, 1
            """, window) { Failure(error: $0.text(0), sessions: $0.int(1), parties: $0.int(2)) }

        if let auth = try db.row("""
            SELECT COALESCE(SUM(sessions), 0), COUNT(DISTINCT COALESCE(remote_ip, '')) FROM auth_failures WHERE \(inWindow)
            """, window)
        {
            totals.authFailureSessions = auth.int(0)
            totals.authFailureAddresses = auth.int(1)
        }
        let authFailures = try db.rows("""
            SELECT remote_ip, log_type, connector, COALESCE("user", ''), COALESCE(mechanism, ''), error, SUM(sessions), server
            FROM auth_failures WHERE \(inWindow)
            GROUP BY server, log_type, connector, remote_ip, "user", mechanism, error
            ORDER BY 7 DESC, 1 NULLS FIRST, 4 LIMIT \(limit)
            """, window) {
            AuthFailureRow(remoteIP: $0.text(0), direction: $0.text(1), connector: $0.text(2), user: $0.text(3),
                           mechanism: $0.text(4), error: $0.text(5), sessions: $0.int(6), server: $0.text(7))
        }

        if let open = try db.row(
            "SELECT COUNT(*), COUNT(DISTINCT COALESCE(remote_ip, '')) FROM unfinished_sessions WHERE \(legacy)")
        {
            totals.unfinishedLegacySessions = open.int(0)
            totals.unfinishedLegacyAddresses = open.int(1)
        }

        // Most sessions first; ties in the order of the suite's texts.
        let weak = pass.weakSessions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { key, sessions in
            WeakSuite(protocolName: key.protocolName, cipher: key.cipher, mac: key.mac, keyExchange: key.keyExchange,
                      reasons: key.reasons, sessions: sessions, parties: pass.parties(key))
        }

        var coverage: [String: Coverage] = [:]
        for r in try db.rows("SELECT server, log_type, day, hour, sessions FROM hourly_coverage WHERE \(inWindow)", window, { $0 }) {
            let key = [r.text(0), r.text(1), r.text(2)].joined(separator: "\u{0}")
            var c = coverage[key] ?? Coverage(server: r.text(0), direction: r.text(1), day: r.text(2), hours: Array(repeating: 0, count: 24))
            if let h = Int(r.text(3)), (0..<24).contains(h) { c.hours[h] += r.int(4) }
            coverage[key] = c
        }
        let days = try db.row("SELECT MIN(day), MAX(day), COUNT(DISTINCT day) FROM hourly_coverage")
        let daysInDatabase = Days(
            first: days.flatMap { $0[0] == .null ? nil : $0.text(0) }, last: days.flatMap { $0[1] == .null ? nil : $0.text(1) },
            count: days?.int(2) ?? 0)

        let trend = pass.trend.mapValues(protocolCounts)
        var data = SummaryData(
            since: since.description, until: until.description,
            generatedAt: Timestamp.iso(Int64(Date().timeIntervalSince1970 * 1000)),
            hasData: !coverage.isEmpty || totals.sessions > 0, daysInDatabase: daysInDatabase,
            previousDayHasData: previousDayHasData, totals: totals,
            outcomes: outcomes, protocols: protocols, mix: mix, legacy: legacyList, newLegacy: newLegacy, upgraded: upgraded,
            plaintext: plaintext, failures: failures, authFailures: authFailures, weakSuites: weak,
            coverage: coverage.values.sorted { ($0.server, $0.direction, $0.day) < ($1.server, $1.direction, $1.day) },
            trend: trend.keys.sorted().map { DayShare(day: $0, protocols: trend[$0]!) })
        data.consequences = try consequences(db, since: since, until: until)
        var readiness = ReadinessReport(asOf: until, now: Int64(Date().timeIntervalSince1970 * 1000))
        readiness.lookBack = 0  // the summary's table covers the 30-day trend; a year's scan is `readiness`'s
        data.readiness = try readiness.rows(db)
        return data
    }

    /// `impact`'s consequences for the window, counted per connector (most parties that break first).
    static func consequences(_ db: Snapshot, since: UTCDay, until: UTCDay) throws -> [ConnectorConsequences] {
        let impact = ImpactReport(filter: ReportFilter(since: since.description, until: until.description))
        var counts: [String: ConnectorConsequences] = [:]
        let parts = SnapshotParts(main: db, companions: [], first: since, last: until)
        for e in try impact.entries(db, parts: parts) where e.category == .legacyOnly {
            let key = e.party.logType + "\u{1}" + e.party.connector
            var c = counts[key] ?? ConnectorConsequences(direction: e.party.logType, connector: e.party.connector)
            switch e.consequence {
            case .breaks: c.breaks += 1
            case .fallsBackToPlaintext: c.fallsBackToPlaintext += 1
            case .unknown, .unaffected: c.unknown += 1  // a legacy_only party is never unaffected
            }
            counts[key] = c
        }
        return counts.values.sorted {
            ($1.breaks, $1.fallsBackToPlaintext, $1.unknown, $0.direction, $0.connector)
                < ($0.breaks, $0.fallsBackToPlaintext, $0.unknown, $1.direction, $1.connector)
        }
    }

    static func order(_ name: String) -> Int { protocolOrder.firstIndex(of: name) ?? protocolOrder.count }

    /// "no data for 2024-03-05; the database has 2024-03-01 to 2024-03-02 (2 days)".
    public var noDataSentence: String {
        let window = since == until ? since : "\(since) to \(until)"
        guard let first = daysInDatabase.first, let last = daysInDatabase.last else {
            return "no data for \(window): the database has no logs yet"
        }
        let range = first == last ? first : "\(first) to \(last)"
        return "no data for \(window): the database has logs for \(range) (\(daysInDatabase.count) day\(daysInDatabase.count == 1 ? "" : "s"))"
    }
}
