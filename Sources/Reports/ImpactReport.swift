import ByteInput
import Foundation
import LogScanner
import Store
import TLSSessions

/// `smtptls impact`: who would be affected if protocols below a floor were disabled now.
///
/// Each remote party (server, direction, connector, remote IP) seen in the window falls in the
/// first category that applies (``Category``). Parties that only negotiated at or above the floor
/// are not listed. Read from the public views in one snapshot (a long window in day ranges on
/// several threads, ``SnapshotParts``), one pass over each view's window grouped in memory
/// (`ImpactTally.swift`), so the cost grows with the rows in the window, not with parties × rows
/// (and no step sorts them).
public struct ImpactReport: Sendable {
    public var filter: ReportFilter
    /// The lowest protocol that stays enabled (TLS 1.2 by default).
    public var floor: TLSProtocol

    public enum Category: String, CaseIterable, Sendable {
        /// Negotiated *only* protocols below the floor: it breaks or falls back to plaintext,
        /// as its connector's configuration decides (``Consequence``).
        case legacyOnly = "legacy_only"
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
        "category", "consequence", "remote_ip", "direction", "connector", "protocols_below_floor", "sessions_below_floor",
        "ehlo_names",
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

    /// The columns of the report, in order (CSV and JSON carry all of them).
    public static let columns = [
        "category", "consequence", "remote_ip", "direction", "connector", "protocols_below_floor", "sessions_below_floor",
        "sessions_at_or_above_floor", "plaintext_sessions", "failed_sessions", "ehlo_names", "sender_domains",
        "first_seen", "last_seen", "server", "protocol_unlogged_sessions", "reason",
    ]

    /// One listed party: what it did, its category, and what switching off does to it.
    struct Entry {
        var party: Party
        var tally: Tally
        var ehloNames: [String]
        var senderDomains: [String]
        var category: Category
        var consequence: Consequence
        var reason: String
    }

    /// The listed parties (those in a category), each with its consequence: by category, then by
    /// the sessions that put them there (most first), then by address and connector.
    func entries(_ db: Snapshot, parts: SnapshotParts) throws -> [Entry] {
        let (parties, tallies, evidence) = try tally(parts)
        let names = try db.textLookup()
        // The listed parties' texts in one read (one round trip to PostgreSQL, not one per text).
        let listedIDs = tallies.indices.filter { tallies[$0].category != nil }
        try names.load(listedIDs.flatMap { id in
            let e = evidence[id] ?? Evidence()
            return parties.textIDs(id) + e.ehlo.values + e.domains.values + e.users.values
        })
        let policy = try ConnectorPolicy(db)
        let rank = Dictionary(uniqueKeysWithValues: Category.allCases.enumerated().map { ($1, $0) })
        let listed = try listedIDs.map { id -> Entry in
            let t = tallies[id]
            let e = evidence[id] ?? Evidence()
            let party = try parties.party(id, names: names)
            // In byte order: the same whichever order the store returned rows in.
            func sorted(_ ids: [Int64]) throws -> [String] { try ids.map(names.text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
            let (ehlo, domains) = (try sorted(e.ehlo.values), try sorted(e.domains.values))
            let facts = ConnectorPolicy.Evidence(
                user: try sorted(e.users.values).first, certificate: e.certificate, domains: domains + ehlo)
            let category = t.category!
            let (consequence, reason) = policy.decide(category, party: party, evidence: facts, floor: floor, sessionsAtOrAbove: t.atOrAbove)
            return Entry(party: party, tally: t, ehloNames: ehlo, senderDomains: domains, category: category, consequence: consequence, reason: reason)
        }
        // Sorted by number (entries are large: moving them in the sort cost more than comparing),
        // category and weight first as integers, the texts only to break ties.
        let ranks = listed.map { rank[$0.category]! }
        let order = listed.indices.sorted { i, j in
            if ranks[i] != ranks[j] { return ranks[i] < ranks[j] }
            let wi = listed[i].tally.weight, wj = listed[j].tally.weight
            if wi != wj { return wi > wj }
            let a = listed[i].party, b = listed[j].party
            let ia = a.remoteIP ?? "", ib = b.remoteIP ?? ""
            if ia != ib { return ia.utf8.lexicographicallyPrecedes(ib.utf8) }
            if a.connector != b.connector { return a.connector.utf8.lexicographicallyPrecedes(b.connector.utf8) }
            return (a.server, a.logType) < (b.server, b.logType)
        }
        return order.map { listed[$0] }
    }

    /// Protocol names oldest first (`SSL3,TLS1.0`), whatever order the rows came in; NULL for none.
    static func protocolList(_ names: [String]) -> SQLValue {
        names.isEmpty ? .null : .text(TLSProtocol.oldestFirst(names).joined(separator: ","))
    }

    /// Names comma-separated, NULL when there are none.
    static func list(_ names: [String]) -> SQLValue { names.isEmpty ? .null : .text(names.joined(separator: ",")) }

    /// The entries as rows of ``columns``.
    static func table(_ entries: [Entry]) -> ResultTable {
        let rows: [[SQLValue]] = entries.map { e in
            let t = e.tally, p = e.party
            return [
                .text(e.category.rawValue), .text(e.consequence.rawValue), p.remoteIP.map(SQLValue.text) ?? .null, .text(p.logType),
                .text(p.connector), Self.protocolList(t.oldProtocolNames), .integer(t.belowFloor), .integer(t.atOrAbove), .integer(t.plaintext),
                .integer(t.failed), Self.list(e.ehloNames), Self.list(e.senderDomains), .text(Timestamp.iso(t.firstSeen)),
                .text(Timestamp.iso(t.lastSeen)), .text(p.server), .integer(t.unlogged), .text(e.reason),
            ]
        }
        return ResultTable(columns: columns, rows: rows)
    }

    /// The report from the SQLite database at `database`.
    public func run(database: String) throws -> Result {
        try run(StoreReader(path: database))
    }

    /// The report. A long window is read in day ranges on up to `maximumParts` threads (default:
    /// the cores this process may run on, at most four), each on its own snapshot of the same state
    /// (``SnapshotParts``); the result is the same with one.
    public func run(_ reader: StoreReader, maximumParts: Int? = nil) throws -> Result {
        let parts = maximumParts ?? min(CPUAffinity.count, 4)
        return try reader.read(companions: max(parts, 1) - 1) { db, others in
            var report = self
            var windowNote: String?
            if let days = defaultWindowDays, filter.since == nil, filter.until == nil,
                let newest = try db.row("SELECT MAX(day) FROM hourly_coverage").flatMap({ UTCDay($0.text(0)) })
            {
                let first = newest.adding(days: Int64(1 - days))
                report.filter.since = first.description
                windowNote = "window: the last \(days) days of data, \(first) to \(newest) (--since/--until for another, --all for everything)"
            }
            let (first, last) = try report.filter.days(db)
            let parts = SnapshotParts(main: db, companions: others, first: first, last: last)
            return try report.classify(db, parts: parts, windowNote: windowNote)
        }
    }

    func classify(_ db: Snapshot, parts: SnapshotParts, windowNote: String?) throws -> Result {
        do {
            let entries = try entries(db, parts: parts)
            let table = Self.table(entries)
            let counts = Category.allCases.map { c in "\(c.rawValue) \(entries.filter { $0.category == c }.count)" }
            var notes = ["if protocols below \(floor.name) were disabled: " + counts.joined(separator: ", ")]
            let (clauses, filterParameters) = filter.conditions("v", db.dialect)
            // Addresses by id (id 0: none logged), in a scan SQLite keeps out of the aggregate.
            let probeRows = db.scanOnly("""
                SELECT v.sessions, v.remote_id FROM plaintext_sessions v
                WHERE \(([SessionActivity.probe("v.activity")] + clauses).joined(separator: " AND "))
                """)
            let probes = try db.row(
                "SELECT COALESCE(SUM(sessions), 0), COUNT(DISTINCT remote_id) FROM \(probeRows)", filterParameters)
            if let probes, probes.int(0) > 0 {
                notes.append("\(probes.int(0)) probe sessions from \(probes.int(1)) addresses (connected without sending mail, no TLS) are not listed")
            }
            if let windowNote { notes.insert(windowNote, at: 0) }
            if table.rows.isEmpty { notes += try filter.nearNames(db) }
            return Result(table: table, notes: notes)
        }
    }
}
