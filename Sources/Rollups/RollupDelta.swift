import LogScanner
import TLSSessions

/// Rollup increments from some set of finished sessions, aggregated in memory so the store sees
/// one upsert per key rather than one per row.
public struct RollupDelta: Sendable {
    public var sessions: [SessionRollupKey: Tally] = [:]
    public var identities: [IdentityRollupKey: Tally] = [:]
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

    public var isEmpty: Bool {
        sessions.isEmpty && identities.isEmpty && unrecognized.isEmpty && coverage.isEmpty && authFailures.isEmpty
    }

    /// Counts one finished session.
    public mutating func add(_ f: SessionFragment, expired: Bool = false) {
        let outcome = f.outcome
        let time = f.outcomeTime
        let day = UTCDay(millis: time).number
        var negotiation: Negotiation?
        var error = ""
        switch outcome {
        case .negotiated(let n):
            negotiation = n
            protocolSessions[n.protocolVersion, default: 0] += 1
        case .failed(let e): error = e
        case .encryptedUnlogged, .plaintext: break
        }
        sessionCount += 1
        if expired { expiredSessions += 1 }
        if f.startTime == nil { sessionsMissingStart += 1 }
        outcomeSessions[outcome.kind, default: 0] += 1
        let tally = Tally(at: time)
        let key = SessionRollupKey(SessionRollupFields(
            server: f.key.server, day: day, logType: f.key.logType, connector: f.key.connector, remote: f.remote,
            outcome: outcome.kind, negotiation: negotiation, error: error, activity: f.activity))
        sessions[key, default: Tally(sessions: 0, at: time)].add(tally)
        let identity = IdentityRollupKey(IdentityRollupFields(
            server: f.key.server, day: day, logType: f.key.logType, connector: f.key.connector, remote: f.remote,
            outcome: outcome.kind, protocolVersion: negotiation?.protocolVersion,
            ehlo: f.ehlo ?? ByteString([]), senderDomain: f.senderDomain ?? ByteString([]),
            authUser: f.authUser ?? ByteString([]), certificateSubject: f.certificateSubject ?? ByteString([]),
            certificateThumbprint: f.certificateThumbprint ?? ByteString([])))
        identities[identity, default: Tally(sessions: 0, at: time)].add(tally)
        for failure in f.distinctAuthFailures {
            let t = failure.time
            let failureDay = UTCDay(millis: t).number
            let key = AuthFailureKey(
                server: f.key.server, day: failureDay, logType: f.key.logType, connector: f.key.connector,
                remote: f.remote, user: failure.user ?? ByteString([]), mechanism: failure.mechanism, error: failure.error)
            authFailures[key, default: Tally(sessions: 0, at: t)].add(Tally(at: t))
        }
        let hour = UTCHour(millis: time).number
        coverage[CoverageKey(server: f.key.server, logType: f.key.logType, hour: hour), default: 0] += 1
    }

    /// Counts the sessions one input's tracker finished: each distinct key of small integers
    /// becomes the store's string key once.
    public mutating func add(_ t: SessionTallies, server: String) {
        let tables = t.tables
        func name(_ id: Int32?) -> ByteString { id.map { tables.names[$0] } ?? ByteString([]) }
        sessions.reserveCapacity(sessions.count + t.outcomes.count)
        for (k, count) in t.outcomes {
            let key = SessionRollupKey(SessionRollupFields(
                server: server, day: k.day, logType: k.logType, connector: tables.connectors[k.connector],
                remote: k.remote, outcome: k.outcome, negotiation: k.negotiation.map { tables.negotiations[$0] },
                error: k.error.map { tables.texts[$0] } ?? "", activity: k.activity))
            sessions[key, default: Tally(sessions: 0, at: count.firstSeen)].add(Tally(count))
        }
        identities.reserveCapacity(identities.count + t.identities.count)
        for (k, count) in t.identities {
            let key = IdentityRollupKey(IdentityRollupFields(
                server: server, day: k.day, logType: k.logType, connector: tables.connectors[k.connector],
                remote: k.remote, outcome: k.outcome, protocolVersion: k.protocolVersion, ehlo: name(k.ehlo),
                senderDomain: name(k.senderDomain), authUser: name(k.authUser),
                certificateSubject: name(k.certificateSubject), certificateThumbprint: name(k.certificateThumbprint)))
            identities[key, default: Tally(sessions: 0, at: count.firstSeen)].add(Tally(count))
        }
        for (k, count) in t.failedLogins {
            let key = AuthFailureKey(
                server: server, day: k.day, logType: k.logType, connector: tables.connectors[k.connector],
                remote: k.remote, user: k.user, mechanism: k.mechanism, error: k.error)
            authFailures[key, default: Tally(sessions: 0, at: count.firstSeen)].add(Tally(count))
        }
        for (k, n) in t.coverage {
            coverage[CoverageKey(server: server, logType: k.logType, hour: k.hour), default: 0] += n
        }
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
    public mutating func merge(_ other: RollupDelta) {
        if isEmpty && sessionCount == 0 && expiredSessions == 0 {
            // Taking the other delta whole avoids rehashing every key (the common first merge).
            self = other
            return
        }
        sessions.reserveCapacity(sessions.count + other.sessions.count)
        identities.reserveCapacity(identities.count + other.identities.count)
        for (k, v) in other.sessions { sessions[k, default: Tally(sessions: 0, at: v.firstSeen)].add(v) }
        for (k, v) in other.identities { identities[k, default: Tally(sessions: 0, at: v.firstSeen)].add(v) }
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
}
