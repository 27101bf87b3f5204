import LogScanner
import Store
import TLSSessions

/// `smtptls impact`: who would be affected if protocols below a floor were disabled now.
///
/// Each remote party (server, direction, connector, remote IP) seen in the window falls in the
/// first category that applies (``Category``). Parties that only negotiated at or above the floor
/// are not listed. Read from the public views in one snapshot, one pass over each view's window
/// grouped in memory, so the cost grows with the rows in the window, not with parties × rows
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

    /// What one party did in the window.
    struct Tally {
        var belowFloor: Int64 = 0
        var atOrAbove: Int64 = 0
        var unlogged: Int64 = 0
        var plaintext: Int64 = 0
        var failed: Int64 = 0
        var oldProtocols = FirstSeenSet<String>()
        var ehloNames = FirstSeenSet<String>()
        var senderDomains = FirstSeenSet<String>()
        /// The first user it logged on as, and whether it presented a certificate.
        var user: String?
        var certificate = false
        var firstSeen = Int64.max
        var lastSeen = Int64.min

        mutating func seen(_ row: Snapshot.Cursor, first: Int32, last: Int32) {
            firstSeen = min(firstSeen, row.int(first))
            lastSeen = max(lastSeen, row.int(last))
        }

        /// The first category that applies, nil when none does (only at or above the floor).
        var category: Category? {
            if belowFloor > 0 { return atOrAbove == 0 ? .legacyOnly : .upgrades }
            if failed > 0 { return .tlsFailures }
            if unlogged > 0 && atOrAbove == 0 { return .protocolUnlogged }
            if plaintext > 0 && atOrAbove == 0 && unlogged == 0 { return .plaintextOnly }
            return nil
        }

        /// The sessions that put the party in its category (the report's order within one).
        var weight: Int64 { belowFloor + plaintext + failed + unlogged }
    }

    /// Reads the window's negotiations, plaintext mail sessions and failures once each, in key
    /// order, and groups them by party in memory (``PartyIndex``): the cost grows with the rows
    /// in the window, and no step sorts them. Then the names of the listed parties, in one pass
    /// over `identities`.
    func tally(_ db: Snapshot, names: TextLookup) throws -> (parties: PartyIndex, tallies: [Tally]) {
        let below = Set(TLSProtocol.below(floor).map(\.name))
        let (clauses, parameters) = filter.conditions("v", db.dialect)
        let filtered = ([db.dialect.true] + clauses).joined(separator: " AND ")
        // Ids only: no dictionary lookup per row (PartyIndex).
        let party = "v.server_id, v.log_type, v.connector_id, v.remote_id"
        var parties = PartyIndex()
        var tallies: [Tally] = []
        func tally(_ row: Snapshot.Cursor) -> Int {
            let id = parties.add(row)
            if id == tallies.count { tallies.append(Tally()) }
            return id
        }
        try db.scan("""
            SELECT \(party), v.protocol, v.protocol_unlogged, v.sessions, v.first_seen_ms, v.last_seen_ms
            FROM negotiations v WHERE \(filtered)
            """, parameters
        ) { row in
            let id = tally(row)
            let sessions = row.int(6)
            if let name = row.optionalText(4) {
                if below.contains(name) {
                    tallies[id].belowFloor += sessions
                    tallies[id].oldProtocols.insert(name)
                } else {
                    tallies[id].atOrAbove += sessions
                }
            }
            if row.int(5) != 0 { tallies[id].unlogged += sessions }
            tallies[id].seen(row, first: 7, last: 8)
        }
        try db.scan("""
            SELECT \(party), v.sessions, v.first_seen_ms, v.last_seen_ms
            FROM plaintext_sessions v WHERE \(filtered) AND \(SessionActivity.sentMail("v.activity"))
            """, parameters
        ) { row in
            let id = tally(row)
            tallies[id].plaintext += row.int(4)
            tallies[id].seen(row, first: 5, last: 6)
        }
        try db.scan("""
            SELECT \(party), v.sessions, v.first_seen_ms, v.last_seen_ms FROM tls_failures v WHERE \(filtered)
            """, parameters
        ) { row in
            let id = tally(row)
            tallies[id].failed += row.int(4)
            tallies[id].seen(row, first: 5, last: 6)
        }
        // Names as ids (no lookup per row); the listed parties' names are read once each below.
        var ehloIDs = [FirstSeenSet<Int64>](repeating: FirstSeenSet(), count: tallies.count)
        var domainIDs = ehloIDs
        var userIDs = [Int64](repeating: 0, count: tallies.count)
        try db.scan("""
            SELECT \(party), v.ehlo_id, v.sender_domain_id, v.auth_user_id, v.certificate_subject_id
            FROM identities v WHERE \(filtered)
            """, parameters
        ) { row in
            guard let id = parties.find(row), tallies[id].category != nil else { return }
            // Id 0 is the empty text: not logged.
            if row.int(4) != 0 { ehloIDs[id].insert(row.int(4)) }
            if row.int(5) != 0 { domainIDs[id].insert(row.int(5)) }
            if userIDs[id] == 0 { userIDs[id] = row.int(6) }
            if row.int(7) != 0 { tallies[id].certificate = true }
        }
        // The listed parties' texts in one read (one round trip to PostgreSQL, not one per text).
        let listed = tallies.indices.filter { tallies[$0].category != nil }
        try names.load(listed.flatMap { parties.textIDs($0) + ehloIDs[$0].values + domainIDs[$0].values + [userIDs[$0]] })
        for id in listed {
            for e in ehloIDs[id].values { tallies[id].ehloNames.insert(try names.text(e)) }
            for d in domainIDs[id].values { tallies[id].senderDomains.insert(try names.text(d)) }
            if userIDs[id] != 0 { tallies[id].user = try names.text(userIDs[id]) }
        }
        return (parties, tallies)
    }

    /// One listed party: what it did, its category, and what switching off does to it.
    struct Entry {
        var party: Party
        var tally: Tally
        var category: Category
        var consequence: Consequence
        var reason: String
    }

    /// The listed parties (those in a category), each with its consequence: by category, then by
    /// the sessions that put them there (most first), then by address and connector.
    func entries(_ db: Snapshot) throws -> [Entry] {
        let names = try db.textLookup()
        let (parties, tallies) = try tally(db, names: names)
        let policy = try ConnectorPolicy(db)
        let rank = Dictionary(uniqueKeysWithValues: Category.allCases.enumerated().map { ($1, $0) })
        let listed = try tallies.indices.compactMap { id -> Entry? in
            let t = tallies[id]
            guard let category = t.category else { return nil }
            let party = try parties.party(id, names: names)
            let evidence = ConnectorPolicy.Evidence(
                user: t.user, certificate: t.certificate, domains: t.senderDomains.values + t.ehloNames.values)
            let (consequence, reason) = policy.decide(category, party: party, evidence: evidence, floor: floor, sessionsAtOrAbove: t.atOrAbove)
            return Entry(party: party, tally: t, category: category, consequence: consequence, reason: reason)
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

    /// The entries as rows of ``columns``.
    static func table(_ entries: [Entry]) -> ResultTable {
        let rows: [[SQLValue]] = entries.map { e in
            let t = e.tally, p = e.party
            return [
                .text(e.category.rawValue), .text(e.consequence.rawValue), p.remoteIP.map(SQLValue.text) ?? .null, .text(p.logType),
                .text(p.connector), Self.protocolList(t.oldProtocols.values), .integer(t.belowFloor), .integer(t.atOrAbove), .integer(t.plaintext),
                .integer(t.failed), t.ehloNames.sqlValue, t.senderDomains.sqlValue, .text(Timestamp.iso(t.firstSeen)),
                .text(Timestamp.iso(t.lastSeen)), .text(p.server), .integer(t.unlogged), .text(e.reason),
            ]
        }
        return ResultTable(columns: columns, rows: rows)
    }

    /// The report from the SQLite database at `database`.
    public func run(database: String) throws -> Result {
        try run(StoreReader(path: database))
    }

    public func run(_ reader: StoreReader) throws -> Result {
        try reader.read { db in
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
            let entries = try entries(db)
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
