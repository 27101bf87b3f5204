import Foundation
import Store

/// Everything the nightly summary shows, gathered from the database for one window of days.
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
    public struct Failure: Codable, Sendable { public var error: String; public var sessions: Int64; public var parties: Int64 }
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

    public var since: String
    public var until: String
    public var generatedAt: String
    public var outcomes: [Count]
    public var protocols: [Count]
    public var mix: [Mix]
    public var legacy: [Party]
    public var newLegacy: [Party]
    public var upgraded: [Party]
    public var plaintext: [Party]
    public var failures: [Failure]
    public var weakSuites: [WeakSuite]
    public var coverage: [Coverage]
    /// Protocol share per day over the 30 days ending with `until`.
    public var trend: [DayShare]

    public var legacySessions: Int64 { legacy.reduce(0) { $0 + $1.sessions } }
}

extension SummaryData {
    /// The protocol names as charted, legacy first; `not logged` for STARTTLS without a negotiation row.
    public static let protocolOrder = ["SSL2", "SSL3", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3", "not logged"]

    /// Reads the summary for `since...until` (UTC days, inclusive) from the database at `path`.
    public static func load(database path: String, since: String, until: String, limit: Int = 50) throws -> SummaryData {
        let q = ReadOnlyQuery(path: path)
        func rows(_ sql: String, _ parameters: [String] = [since, until]) throws -> [[SQLValue]] {
            try q.run(sql, parameters: parameters).rows
        }
        func int(_ v: SQLValue) -> Int64 { if case .integer(let i) = v { return i } else { return 0 } }
        let window = "day >= ? AND day <= ?"
        let outcomes = try rows("SELECT outcome, SUM(sessions) FROM session_rollup WHERE \(window) GROUP BY 1 ORDER BY 1")
            .map { Count(name: $0[0].text, sessions: int($0[1])) }
        let protocols = try rows("""
            SELECT CASE WHEN outcome = 'tls_unlogged' THEN 'not logged' ELSE protocol END, SUM(sessions)
            FROM session_rollup WHERE \(window) AND outcome IN ('tls','tls_unlogged') GROUP BY 1
            """).map { Count(name: $0[0].text, sessions: int($0[1])) }.sorted { order($0.name) < order($1.name) }
        var mixes: [String: Mix] = [:]
        for r in try rows("""
            SELECT connector, log_type, CASE WHEN outcome = 'tls_unlogged' THEN 'not logged' ELSE protocol END, SUM(sessions)
            FROM session_rollup WHERE \(window) AND outcome IN ('tls','tls_unlogged') GROUP BY 1, 2, 3
            """) {
            let key = r[0].text + "\u{0}" + r[1].text
            mixes[key, default: Mix(connector: r[0].text, direction: r[1].text, protocols: [])]
                .protocols.append(Count(name: r[2].text, sessions: int(r[3])))
        }
        let mix = mixes.values.map { m in
            Mix(connector: m.connector, direction: m.direction, protocols: m.protocols.sorted { order($0.name) < order($1.name) })
        }.sorted { ($0.direction, $0.connector) < ($1.direction, $1.connector) }
        let legacyList = "('PCT1','SSL2','SSL3','TLS1.0','TLS1.1')"
        func parties(_ whereClause: String, _ parameters: [String], orderBy: String = "sessions DESC") throws -> [Party] {
            try rows("""
                SELECT i.remote_ip, i.log_type, i.connector, i.server,
                       COALESCE(group_concat(DISTINCT NULLIF(i.protocol, '')), ''), SUM(i.sessions),
                       COALESCE(group_concat(DISTINCT NULLIF(i.ehlo, '')), ''),
                       COALESCE(group_concat(DISTINCT NULLIF(i.sender_domain, '')), '')
                FROM identity_rollup i WHERE \(whereClause)
                GROUP BY i.server, i.log_type, i.connector, i.remote_ip
                ORDER BY \(orderBy), i.remote_ip LIMIT \(limit)
                """, parameters).map {
                Party(remoteIP: $0[0].text, direction: $0[1].text, connector: $0[2].text, server: $0[3].text,
                      protocols: $0[4].text, sessions: int($0[5]), ehloNames: $0[6].text, senderDomains: $0[7].text)
            }
        }
        let legacyHere = "i.day >= ? AND i.day <= ? AND i.outcome = 'tls' AND i.protocol IN \(legacyList)"
        let previous = Timestamp.parseDay(since).map { Timestamp.day($0 - 86_400_000) } ?? since
        let samePartyOnPreviousDay = """
            SELECT 1 FROM session_rollup p WHERE p.server = i.server AND p.log_type = i.log_type
              AND p.connector = i.connector AND p.remote_ip = i.remote_ip AND p.day = ?
              AND p.outcome = 'tls' AND p.protocol IN \(legacyList)
            """
        let legacy = try parties(legacyHere, [since, until])
        let newLegacy = try parties("\(legacyHere) AND NOT EXISTS (\(samePartyOnPreviousDay))", [since, until, previous])
        let upgraded = try parties("""
            i.day >= ? AND i.day <= ? AND i.outcome = 'tls' AND EXISTS (\(samePartyOnPreviousDay))
              AND NOT EXISTS (SELECT 1 FROM session_rollup w WHERE w.server = i.server AND w.log_type = i.log_type
                  AND w.connector = i.connector AND w.remote_ip = i.remote_ip AND w.day >= ? AND w.day <= ?
                  AND w.outcome = 'tls' AND w.protocol IN \(legacyList))
            """, [since, until, previous, since, until])
        let plaintext = try parties("i.day >= ? AND i.day <= ? AND i.outcome = 'plaintext'", [since, until])
        let failures = try rows("""
            SELECT error, SUM(sessions), COUNT(DISTINCT server || log_type || connector || remote_ip)
            FROM session_rollup WHERE \(window) AND outcome = 'failed' GROUP BY 1 ORDER BY 2 DESC
            """).map { Failure(error: $0[0].text, sessions: int($0[1]), parties: int($0[2])) }
        let weak = try rows("""
            SELECT COALESCE(protocol, ''), cipher, mac, key_exchange, weak_reasons, SUM(sessions),
                   COUNT(DISTINCT server || log_type || connector || remote_ip)
            FROM negotiations WHERE \(window) AND weak_reasons <> '' GROUP BY 1, 2, 3, 4, 5 ORDER BY 6 DESC
            """).map {
            WeakSuite(protocolName: $0[0].text, cipher: $0[1].text, mac: $0[2].text, keyExchange: $0[3].text,
                      reasons: $0[4].text, sessions: int($0[5]), parties: int($0[6]))
        }
        var coverage: [String: Coverage] = [:]
        for r in try rows("SELECT server, log_type, day, hour, sessions FROM hourly_coverage WHERE \(window)") {
            let key = [r[0].text, r[1].text, r[2].text].joined(separator: "\u{0}")
            var c = coverage[key] ?? Coverage(server: r[0].text, direction: r[1].text, day: r[2].text, hours: Array(repeating: 0, count: 24))
            if let h = Int(r[3].text), (0..<24).contains(h) { c.hours[h] += int(r[4]) }
            coverage[key] = c
        }
        let trendStart = Timestamp.parseDay(until).map { Timestamp.day($0 - 29 * 86_400_000) } ?? since
        var trend: [String: [Count]] = [:]
        for r in try rows("""
            SELECT day, CASE WHEN outcome = 'tls_unlogged' THEN 'not logged' ELSE protocol END, SUM(sessions)
            FROM session_rollup WHERE day >= ? AND day <= ? AND outcome IN ('tls','tls_unlogged') GROUP BY 1, 2
            """, [trendStart, until]) {
            trend[r[0].text, default: []].append(Count(name: r[1].text, sessions: int(r[2])))
        }
        return SummaryData(
            since: since, until: until, generatedAt: Timestamp.iso(Int64(Date().timeIntervalSince1970 * 1000)),
            outcomes: outcomes, protocols: protocols, mix: mix, legacy: legacy, newLegacy: newLegacy, upgraded: upgraded,
            plaintext: plaintext, failures: failures, weakSuites: weak,
            coverage: coverage.values.sorted { ($0.server, $0.direction, $0.day) < ($1.server, $1.direction, $1.day) },
            trend: trend.keys.sorted().map { DayShare(day: $0, protocols: trend[$0]!.sorted { order($0.name) < order($1.name) }) })
    }

    static func order(_ name: String) -> Int { protocolOrder.firstIndex(of: name) ?? protocolOrder.count }
}

import LogScanner
