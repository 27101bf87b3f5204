import LogScanner
import Store
import TLSSessions

extension ImpactReport {
    /// What one party did in the window: counts only, what every party of a year needs (a
    /// year of a fleet has parties by the million).
    struct Tally: Sendable {
        var belowFloor: Int64 = 0
        var atOrAbove: Int64 = 0
        var unlogged: Int64 = 0
        var plaintext: Int64 = 0
        var failed: Int64 = 0
        /// The protocols below the floor it negotiated, one bit per `TLSProtocol.allCases` position.
        var oldProtocols: UInt16 = 0
        var firstSeen = Int64.max
        var lastSeen = Int64.min

        mutating func seen(_ row: Snapshot.Cursor, first: Int32, last: Int32) {
            firstSeen = min(firstSeen, row.int(first))
            lastSeen = max(lastSeen, row.int(last))
        }

        /// Adds what the same party did in another part of the window.
        mutating func add(_ o: Tally) {
            belowFloor += o.belowFloor
            atOrAbove += o.atOrAbove
            unlogged += o.unlogged
            plaintext += o.plaintext
            failed += o.failed
            oldProtocols |= o.oldProtocols
            firstSeen = min(firstSeen, o.firstSeen)
            lastSeen = max(lastSeen, o.lastSeen)
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

        /// The protocols below the floor, oldest first.
        var oldProtocolNames: [String] {
            TLSProtocol.allCases.enumerated().filter { oldProtocols & (1 << $0.offset) != 0 }.map(\.element.name)
        }
    }

    /// What the logs say about a listed party besides its protocols, as text ids (0: not logged).
    /// Which of them comes first depends on the order a store returns rows in, so the report
    /// shows them sorted by text.
    struct Evidence: Sendable {
        var ehlo = FirstSeenSet<Int64>()
        var domains = FirstSeenSet<Int64>()
        var users = FirstSeenSet<Int64>()
        var certificate = false

        /// Adds what another part of the window says.
        mutating func add(_ other: Evidence) {
            for e in other.ehlo.values { ehlo.insert(e) }
            for d in other.domains.values { domains.insert(d) }
            for u in other.users.values { users.insert(u) }
            certificate = certificate || other.certificate
        }
    }

    /// One part's parties and their tallies.
    struct PartTally: Sendable {
        var parties = PartyIndex()
        var tallies: [Tally] = []
    }

    /// The party columns every scan starts with: ids only, so no dictionary lookup per row.
    static let partyColumns = "v.server_id, v.log_type, v.connector_id, v.remote_id"

    /// One part of the window: its negotiations, plaintext mail sessions and failures, grouped
    /// by party in memory (``PartyIndex``) as they come — no step sorts them.
    func tallyPart(_ db: Snapshot, range: (clauses: [String], parameters: [String])) throws -> PartTally {
        let protocols = TLSProtocol.allCases.map { Array($0.name.utf8) }
        let below = TLSProtocol.allCases.map { $0 < floor }
        let (clauses, parameters) = filter.conditions("v", db.dialect)
        let filtered = ([db.dialect.true] + clauses + range.clauses).joined(separator: " AND ")
        let values = parameters + range.parameters
        var part = PartTally()
        func tally(_ row: Snapshot.Cursor) -> Int {
            let id = part.parties.add(row)
            if id == part.tallies.count { part.tallies.append(Tally()) }
            return id
        }
        try db.scan("""
            SELECT \(Self.partyColumns), v.protocol, v.protocol_unlogged, v.sessions, v.first_seen_ms, v.last_seen_ms
            FROM negotiations v WHERE \(filtered)
            """, values
        ) { row in
            let id = tally(row)
            let sessions = row.int(6)
            if !row.isNull(4) {
                // By the name's bytes: no string is made per row.
                if let p = protocols.firstIndex(where: { row.textEquals(4, $0) }), below[p] {
                    part.tallies[id].belowFloor += sessions
                    part.tallies[id].oldProtocols |= 1 << p
                } else {
                    part.tallies[id].atOrAbove += sessions
                }
            }
            if row.int(5) != 0 { part.tallies[id].unlogged += sessions }
            part.tallies[id].seen(row, first: 7, last: 8)
        }
        try db.scan("""
            SELECT \(Self.partyColumns), v.sessions, v.first_seen_ms, v.last_seen_ms
            FROM plaintext_sessions v WHERE \(filtered) AND \(SessionActivity.sentMail("v.activity"))
            """, values
        ) { row in
            let id = tally(row)
            part.tallies[id].plaintext += row.int(4)
            part.tallies[id].seen(row, first: 5, last: 6)
        }
        try db.scan("""
            SELECT \(Self.partyColumns), v.sessions, v.first_seen_ms, v.last_seen_ms FROM tls_failures v WHERE \(filtered)
            """, values
        ) { row in
            let id = tally(row)
            part.tallies[id].failed += row.int(4)
            part.tallies[id].seen(row, first: 5, last: 6)
        }
        return part
    }

    /// One part of the window's `identities`: the evidence of the parties `listed` (by their
    /// number in `parties`).
    func evidencePart(
        _ db: Snapshot, range: (clauses: [String], parameters: [String]), parties: PartyIndex, listed: [Bool]
    ) throws -> [Int: Evidence] {
        let (clauses, parameters) = filter.conditions("v", db.dialect)
        let filtered = ([db.dialect.true] + clauses + range.clauses).joined(separator: " AND ")
        var evidence: [Int: Evidence] = [:]
        try db.scan("""
            SELECT \(Self.partyColumns), v.ehlo_id, v.sender_domain_id, v.auth_user_id, v.certificate_subject_id
            FROM identities v WHERE \(filtered)
            """, parameters + range.parameters
        ) { row in
            guard let id = parties.find(row), listed[id] else { return }
            // Id 0 is the empty text: not logged.
            let (ehlo, domain, user, certificate) = (row.int(4), row.int(5), row.int(6), row.int(7))
            guard ehlo != 0 || domain != 0 || user != 0 || certificate != 0 else { return }
            var e = evidence[id] ?? Evidence()
            if ehlo != 0 { e.ehlo.insert(ehlo) }
            if domain != 0 { e.domains.insert(domain) }
            if user != 0 { e.users.insert(user) }
            if certificate != 0 { e.certificate = true }
            evidence[id] = e
        }
        return evidence
    }

    /// The window's parties, their tallies, and the evidence of those in a category: read in
    /// ``SnapshotParts`` (day ranges on threads of their own where the store allows), merged in
    /// day order.
    func tally(_ parts: SnapshotParts) throws -> (parties: PartyIndex, tallies: [Tally], evidence: [Int: Evidence]) {
        let report = self
        var tallied = try parts.map { i, db in try report.tallyPart(db, range: parts.ranges[i]) }
        // Moved out, not copied (a year's index and tallies are hundreds of megabytes), and each
        // later part let go once merged.
        var merged = tallied.removeFirst()
        while !tallied.isEmpty {
            let part = tallied.removeFirst()
            for (number, id) in merged.parties.adopt(part.parties).enumerated() {
                if id == merged.tallies.count { merged.tallies.append(Tally()) }
                merged.tallies[id].add(part.tallies[number])
            }
        }
        let (parties, tallies) = (merged.parties, merged.tallies)
        let listed = tallies.map { $0.category != nil }
        let found = try parts.map { [parties] i, db in try report.evidencePart(db, range: parts.ranges[i], parties: parties, listed: listed) }
        var evidence = found[0]
        for part in found.dropFirst() {
            for (id, e) in part { evidence[id, default: Evidence()].add(e) }
        }
        return (parties, tallies, evidence)
    }
}

