import Dispatch
import LogScanner
import Synchronization
import TLSSessions

/// Rollup increments from some set of finished sessions, aggregated in memory so the store sees
/// one upsert per key rather than one per row.
///
/// The two big rollups are kept by keys of small integers (the tracker's ``SessionTallies``
/// keys, whose server id is into ``servers``) in ``TallyTable``s, with the values they stand for
/// in ``tables``: a new delta takes an input's tables and tallies as they are (its server is the
/// delta's first, id 0, as in a tracker's keys); adding to a delta that has some, or merging
/// another delta, maps the other's ids into these once per distinct value and then moves keys
/// of integers — no string is hashed per key on the serial merge. The store reads decoded rows
/// through ``forEachSession(_:)`` and ``forEachIdentity(_:)``.
public struct RollupDelta: Sendable {
    /// What the ids in ``sessionCounts`` and ``identityCounts`` mean.
    public private(set) var tables = InternedTables()
    /// Server labels by id.
    public private(set) var servers = Interner<String>()
    public private(set) var sessionCounts = TallyTable<SessionTallies.OutcomeKey>()
    public private(set) var identityCounts = TallyTable<SessionTallies.IdentityKey>()
    public var unrecognized: [UnrecognizedKey: Tally] = [:]
    /// Refused authentications: sessions per (party, user, mechanism, error) and day.
    public var authFailures: [AuthFailureKey: Tally] = [:]
    /// Sessions per server, log type and UTC hour: which hours had logs at all.
    public var coverage: [CoverageKey: Int64] = [:]
    /// Finished sessions by outcome name, and by how they finished.
    public var sessionCount = 0
    public var expiredSessions = 0
    public var sessionsMissingStart = 0
    public var protocolSessions: [TLSProtocol: Int] = [:]
    public var outcomeSessions: [OutcomeKind: Int] = [:]

    public init() {}

    /// Rows the delta would write: one per rollup key and coverage hour.
    public var rowCount: Int {
        sessionCounts.count + identityCounts.count + unrecognized.count + coverage.count + authFailures.count
    }

    public var isEmpty: Bool {
        sessionCounts.isEmpty && identityCounts.isEmpty && unrecognized.isEmpty && coverage.isEmpty && authFailures.isEmpty
    }

    // MARK: Reading

    /// Every session-rollup row, decoded (each key once, in the order the keys first came).
    public func forEachSession(_ body: (SessionRollupFields, Tally) throws -> Void) rethrows {
        try sessionCounts.forEach { k, count in
            try body(SessionRollupFields(
                server: servers[k.server], day: k.day, logType: k.logType,
                connector: tables.connectors[k.connector], remote: tables.addresses[k.address],
                outcome: k.outcome, negotiation: k.negotiation.map { tables.negotiations[$0] },
                error: k.error.map { tables.texts[$0] } ?? "", activity: k.activity), count)
        }
    }

    /// Every identity-rollup row, decoded.
    public func forEachIdentity(_ body: (IdentityRollupFields, Tally) throws -> Void) rethrows {
        func name(_ id: Int32?) -> ByteString { id.map { tables.names[$0] } ?? ByteString([]) }
        try identityCounts.forEach { k, count in
            try body(IdentityRollupFields(
                server: servers[k.server], day: k.day, logType: k.logType,
                connector: tables.connectors[k.connector], remote: tables.addresses[k.address],
                outcome: k.outcome,
                protocolVersion: k.protocolVersion, ehlo: name(k.ehlo), senderDomain: name(k.senderDomain),
                authUser: name(k.authUser), certificateSubject: name(k.certificateSubject),
                certificateThumbprint: name(k.certificateThumbprint)), count)
        }
    }

    /// The session rollup as a dictionary of decoded keys (tests, summaries).
    public var sessions: [SessionRollupKey: Tally] {
        var result: [SessionRollupKey: Tally] = [:]
        forEachSession { result[SessionRollupKey($0), default: Tally(sessions: 0, at: $1.firstSeen)].add($1) }
        return result
    }

    /// The identity rollup as a dictionary of decoded keys.
    public var identities: [IdentityRollupKey: Tally] {
        var result: [IdentityRollupKey: Tally] = [:]
        forEachIdentity { result[IdentityRollupKey($0), default: Tally(sessions: 0, at: $1.firstSeen)].add($1) }
        return result
    }

    // MARK: Adding

    /// Counts one finished session (the joiner's: sessions that crossed inputs or expired),
    /// through the same tallies as the tracker's own.
    public mutating func add(_ f: SessionFragment, expired: Bool = false) {
        var tallies = SessionTallies()
        tallies.add(f)
        add(tallies, server: f.key.server)
        if expired { expiredSessions += 1 }
        if f.startTime == nil { sessionsMissingStart += 1 }
    }

    /// Counts the sessions one input's tracker finished: its rollups and its session counts.
    public mutating func add(_ t: SessionTallies, server: String) {
        addRollups(t, server: server)
        addCounts(t)
    }

    /// Adds tallies' rollups (of `server`): a new delta adopts the tracker's ids and tallies;
    /// otherwise they are mapped into this delta's once per distinct value. Either way its keys
    /// move over as integers.
    public mutating func addRollups(_ t: SessionTallies, server: String) {
        precondition(t.isFlushed, "tallies read before their last sessions were flushed")
        let adopting = sessionCounts.isEmpty && identityCounts.isEmpty && tables.isEmpty && servers.values.isEmpty
            && !t.tables.names.values.contains(where: \.isEmpty)
        let s = serverID(server)
        if adopting {
            // A new delta (every input's): it takes the tracker's tables and tallies as they are,
            // its server id 0 as their keys'.
            tables = t.tables
            sessionCounts = t.outcomes
            identityCounts = t.identities
        } else {
            let map = IDMap(from: t.tables, into: &tables)
            sessionCounts.add(t.outcomes) { map.outcome($0, server: s) }
            identityCounts.add(t.identities) { map.identity($0, server: s) }
        }
        for (k, count) in t.failedLogins {
            let key = AuthFailureKey(
                server: server, day: k.day, logType: k.logType, connector: t.tables.connectors[k.connector],
                remote: k.remote, user: k.user, mechanism: k.mechanism, error: k.error)
            authFailures[key, default: Tally(sessions: 0, at: count.firstSeen)].add(count)
        }
        for (k, n) in t.coverage {
            coverage[CoverageKey(server: server, logType: k.logType, hour: k.hour), default: 0] += n
        }
    }

    /// Adds tallies' session counts (by outcome and protocol; the run's summary), not their rollups.
    public mutating func addCounts(_ t: SessionTallies) {
        sessionCount += t.sessionCount
        for (k, v) in t.protocolSessions { protocolSessions[k, default: 0] += v }
        for (k, v) in t.outcomeSessions { outcomeSessions[k, default: 0] += v }
    }

    /// Records an unrecognised TLS sentence.
    public mutating func addUnrecognized(server: String, _ u: UnrecognizedSentence) {
        let key = UnrecognizedKey(server: server, logType: u.logType, text: u.text)
        unrecognized[key, default: Tally(sessions: 0, at: u.firstTime)]
            .add(Tally(sessions: Int64(u.count), firstSeen: u.firstTime, lastSeen: u.lastTime))
    }

    /// Adds another delta's rollups and counts.
    /// `parallel`: add the two big rollups on two threads (default: when `other` has
    /// ``parallelMergeKeys`` keys or more; tests choose).
    public mutating func merge(_ other: RollupDelta, parallel: Bool? = nil) {
        if isEmpty && sessionCount == 0 && expiredSessions == 0 {
            // Taking the other delta whole (the common first merge of a batch).
            self = other
            return
        }
        let map = IDMap(from: other.tables, into: &tables)
        let serverMap = other.servers.values.map { serverID($0) }
        @Sendable func addSessions(_ t: inout TallyTable<SessionTallies.OutcomeKey>) {
            t.add(other.sessionCounts) { map.outcome($0, server: serverMap[Int($0.server)]) }
        }
        @Sendable func addIdentities(_ t: inout TallyTable<SessionTallies.IdentityKey>) {
            t.add(other.identityCounts) { map.identity($0, server: serverMap[Int($0.server)]) }
        }
        if !(parallel ?? (other.sessionCounts.count + other.identityCounts.count >= Self.parallelMergeKeys)) {
            addSessions(&sessionCounts)
            addIdentities(&identityCounts)
        } else {
            // The two big rollups share nothing once the ids are mapped: each is added on a
            // thread of its own (the serial merge's largest part, docs/performance.md). Each
            // table is moved into its lock's box and back, so neither is copied.
            let sessions = Mutex(sessionCounts), identities = Mutex(identityCounts)
            sessionCounts = TallyTable()
            identityCounts = TallyTable()
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                if part == 0 {
                    sessions.withLock { addSessions(&$0) }
                } else {
                    identities.withLock { addIdentities(&$0) }
                }
            }
            sessionCounts = sessions.withLock { t in defer { t = TallyTable() }; return t }
            identityCounts = identities.withLock { t in defer { t = TallyTable() }; return t }
        }
        for (k, v) in other.unrecognized { unrecognized[k, default: Tally(sessions: 0, at: v.firstSeen)].add(v) }
        for (k, v) in other.coverage { coverage[k, default: 0] += v }
        for (k, v) in other.authFailures { authFailures[k, default: Tally(sessions: 0, at: v.firstSeen)].add(v) }
        mergeCounts(other)
    }

    /// Adds only another delta's session counts (for run summaries; the rollups stay empty).
    public mutating func mergeCounts(_ other: RollupDelta) {
        sessionCount += other.sessionCount
        expiredSessions += other.expiredSessions
        sessionsMissingStart += other.sessionsMissingStart
        for (k, v) in other.protocolSessions { protocolSessions[k, default: 0] += v }
        for (k, v) in other.outcomeSessions { outcomeSessions[k, default: 0] += v }
    }

    private mutating func serverID(_ server: String) -> Int32 { servers.id(server) }

    /// Keys of another delta from which ``merge(_:parallel:)`` adds its two big rollups on two
    /// threads by default.
    static let parallelMergeKeys = 4096
}

/// Where each id of one set of ``InternedTables`` lands in another. Empty names map to "none",
/// as the store keeps an empty EHLO (or user, …) and an absent one alike.
struct IDMap: Sendable {
    var connectors: [Int32]
    var names: [Int32?]
    var texts: [Int32]
    var negotiations: [Int32]
    var addresses: [Int32]

    init(from other: InternedTables, into tables: inout InternedTables) {
        connectors = other.connectors.values.map { tables.connectors.id($0) }
        names = other.names.values.map { $0.isEmpty ? nil : tables.names.id($0) }
        texts = other.texts.values.map { tables.texts.id($0) }
        negotiations = other.negotiations.values.map { tables.negotiations.id($0) }
        addresses = tables.addresses.ids(of: other.addresses.values)
    }

    func outcome(_ k: SessionTallies.OutcomeKey, server: Int32) -> SessionTallies.OutcomeKey {
        var m = k
        m.server = server
        m.connector = connectors[Int(k.connector)]
        m.address = addresses[Int(k.address)]
        m.negotiation = k.negotiation.map { negotiations[Int($0)] }
        m.error = k.error.map { texts[Int($0)] }
        return m
    }

    func identity(_ k: SessionTallies.IdentityKey, server: Int32) -> SessionTallies.IdentityKey {
        func name(_ id: Int32?) -> Int32? { id.flatMap { names[Int($0)] } }
        var m = k
        m.server = server
        m.connector = connectors[Int(k.connector)]
        m.address = addresses[Int(k.address)]
        m.ehlo = name(k.ehlo)
        m.senderDomain = name(k.senderDomain)
        m.authUser = name(k.authUser)
        m.certificateSubject = name(k.certificateSubject)
        m.certificateThumbprint = name(k.certificateThumbprint)
        return m
    }
}
