import LogScanner

/// Finished sessions counted by keys of small integers as they finish: the tracker's
/// pre-aggregation of one input — or of a run's inputs one after another, when a one-job ingest
/// carries them across its inputs (``startInput()``, ``rollback(to:)``) — and the joiner's of
/// the sessions it finishes. ``RollupDelta`` (module Rollups) maps the ids into its own once per
/// distinct value; a new delta takes these tables as they are (a key's ``OutcomeKey/server`` is
/// 0 here, the delta's first server: the tallies are of one server).
///
/// Keys mirror the store's rollups (docs/schema.md): the outcome rollup per (day, log type,
/// connector, remote, outcome, suite, error, activity), the identity rollup per (day, log type,
/// connector, remote, outcome, protocol, EHLO, sender domain, user, certificate).
public struct SessionTallies: Sendable {
    // The two keys are stored compactly (``PackedID``, ``PackedDay``; the one-byte enums last): a
    // one-job run's identity table holds every key of the run, beyond the second-level cache,
    // and each finished session adds to it.

    public struct OutcomeKey: Hashable, TallyKey {
        /// Into a ``RollupDelta``'s servers; 0 in a tracker's tallies (its one server).
        public var server: Int32 = 0
        /// Days since 1970-01-01 (UTC).
        @PackedDay public var day: Int64
        public var connector: Int32
        /// Into ``InternedTables/addresses``.
        public var address: Int32
        /// Into ``InternedTables/negotiations`` for `tls`.
        @PackedID public var negotiation: Int32?
        /// Into ``InternedTables/texts`` for `failed`.
        @PackedID public var error: Int32?
        public var logType: LogType
        public var outcome: OutcomeKind
        public var activity: SessionActivity

        public init(
            server: Int32 = 0, day: Int64, logType: LogType, connector: Int32, address: Int32, outcome: OutcomeKind,
            negotiation: Int32?, error: Int32?, activity: SessionActivity
        ) {
            self.server = server
            self.day = day
            self.connector = connector
            self.address = address
            self.negotiation = negotiation
            self.error = error
            self.logType = logType
            self.outcome = outcome
            self.activity = activity
        }

        /// All fields in three words, the server folded into the seed.
        @inlinable
        public func tallyHash(seed: UInt64) -> UInt64 {
            var h = TallyHash.mix(
                TallyHash.server(server, seed: seed),
                UInt64(UInt32(truncatingIfNeeded: day)) << 32 | UInt64(UInt32(bitPattern: connector)))
            h = TallyHash.mix(h, UInt64(UInt32(bitPattern: address)) | UInt64(UInt32(bitPattern: error ?? -1)) << 32)
            return TallyHash.mix(
                h,
                UInt64(logType.rawValue) | UInt64(outcome.ordinal) << 8 | UInt64(activity.rawValue) << 16
                    | UInt64(UInt32(bitPattern: negotiation ?? -1)) << 24)
        }
    }

    public struct IdentityKey: Hashable, TallyKey {
        /// As ``OutcomeKey/server``.
        public var server: Int32 = 0
        /// As ``OutcomeKey/day``.
        @PackedDay public var day: Int64
        public var connector: Int32
        /// Into ``InternedTables/addresses``.
        public var address: Int32
        /// Into ``InternedTables/names``; nil when not logged.
        @PackedID public var ehlo: Int32?
        @PackedID public var senderDomain: Int32?
        @PackedID public var authUser: Int32?
        @PackedID public var certificateSubject: Int32?
        @PackedID public var certificateThumbprint: Int32?
        public var logType: LogType
        public var outcome: OutcomeKind
        public var protocolVersion: TLSProtocol?

        public init(
            server: Int32 = 0, day: Int64, logType: LogType, connector: Int32, address: Int32, outcome: OutcomeKind,
            protocolVersion: TLSProtocol?, ehlo: Int32?, senderDomain: Int32?, authUser: Int32?,
            certificateSubject: Int32?, certificateThumbprint: Int32?
        ) {
            self.server = server
            self.day = day
            self.connector = connector
            self.address = address
            self.ehlo = ehlo
            self.senderDomain = senderDomain
            self.authUser = authUser
            self.certificateSubject = certificateSubject
            self.certificateThumbprint = certificateThumbprint
            self.logType = logType
            self.outcome = outcome
            self.protocolVersion = protocolVersion
        }

        /// All fields in five words, the server folded into the seed.
        @inlinable
        public func tallyHash(seed: UInt64) -> UInt64 {
            @inline(__always) func word(_ a: Int32?, _ b: Int32?) -> UInt64 {
                UInt64(UInt32(bitPattern: a ?? -1)) << 32 | UInt64(UInt32(bitPattern: b ?? -1))
            }
            var h = TallyHash.mix(
                TallyHash.server(server, seed: seed),
                UInt64(UInt32(truncatingIfNeeded: day)) << 32 | UInt64(UInt32(bitPattern: connector)))
            h = TallyHash.mix(
                h,
                UInt64(UInt32(bitPattern: address)) | UInt64(logType.rawValue) << 32 | UInt64(outcome.ordinal) << 40
                    | UInt64(protocolVersion.map { UInt8($0.rank) } ?? 0xFF) << 48)
            h = TallyHash.mix(h, word(ehlo, senderDomain))
            h = TallyHash.mix(h, word(authUser, certificateSubject))
            return TallyHash.mix(h, UInt64(UInt32(bitPattern: certificateThumbprint ?? -1)))
        }
    }

    /// A refused authentication of a finished session (rare: kept with its values).
    public struct FailedLogin: Hashable, Sendable {
        public var day: Int64
        public var logType: LogType
        public var connector: Int32
        public var remote: RemoteAddress
        public var user: ByteString
        public var mechanism: String
        public var error: String
    }

    public struct HourKey: Hashable, Sendable {
        public var logType: LogType
        /// Hours since 1970-01-01T00:00Z.
        public var hour: Int64
    }

    /// Finished sessions by outcome key, in the order the keys first came.
    /// As of the last ``flush()``, as is ``identities``: whoever reads them flushes first (the
    /// tracker does when its input ends).
    public var outcomes: TallyTable<OutcomeKey> { outcomeTable }
    /// Finished sessions by identity key.
    public var identities: TallyTable<IdentityKey> { identityTable }
    /// Whether every finished session is in the tables (``flush()``).
    public var isFlushed: Bool { pendingTimes.isEmpty }
    private var outcomeTable = TallyTable<OutcomeKey>()
    private var identityTable = TallyTable<IdentityKey>()
    /// Finished sessions not yet in the two tables, added a batch at a time (``flush()``): when
    /// the tallies are carried across a run's inputs the tables outgrow the cache, and a batch's
    /// lookups overlap their misses.
    private var pendingOutcomes: [OutcomeKey] = []
    private var pendingIdentities: [IdentityKey] = []
    private var pendingTimes: [Int64] = []
    private static let pendingLimit = 64
    public internal(set) var failedLogins: [FailedLogin: TallyCount] = [:]
    /// Refused logins changed since the last ``startInput()``, with their counts before (nil:
    /// new since), for ``rollback(to:)``: a journal rather than a copy, since a password-spraying
    /// night can leave many thousands of them, and every input would copy them all.
    private var failedLoginsBefore: [FailedLogin: TallyCount?] = [:]
    /// Whether changes to ``failedLogins`` are journaled (tallies carried across inputs).
    private var journalingFailedLogins = false
    /// Finished sessions per log type and UTC hour of their outcome.
    public var coverage: [HourKey: Int64] {
        var all = hours
        if let last = lastHour { all[last.key, default: 0] += last.sessions }
        return all
    }
    public internal(set) var sessionCount = 0
    /// Finished sessions per negotiated protocol.
    public var protocolSessions: [TLSProtocol: Int] {
        Dictionary(uniqueKeysWithValues: TLSProtocol.allCases.map { ($0, protocolCounts[$0.rank]) }.filter { $0.1 > 0 })
    }
    /// Finished sessions per outcome.
    public var outcomeSessions: [OutcomeKind: Int] {
        Dictionary(uniqueKeysWithValues: OutcomeKind.allCases.map { ($0, outcomeCounts[Int($0.ordinal)]) }.filter { $0.1 > 0 })
    }
    private var hours: [HourKey: Int64] = [:]
    /// The hour counted last, not yet in ``hours`` (sessions arrive in time order: one hash per
    /// hour instead of one per session).
    private var lastHour: (key: HourKey, sessions: Int64)?
    private var protocolCounts = [Int](repeating: 0, count: TLSProtocol.allCases.count)
    private var outcomeCounts = [Int](repeating: 0, count: OutcomeKind.allCases.count)
    /// What the ids mean.
    public internal(set) var tables = InternedTables()

    public init() {}

    /// Adds the finished sessions waiting in the batch to the two tables.
    public mutating func flush() {
        guard !pendingTimes.isEmpty else { return }
        outcomeTable.add(pendingOutcomes, at: pendingTimes)
        identityTable.add(pendingIdentities, at: pendingTimes)
        pendingOutcomes.removeAll(keepingCapacity: true)
        pendingIdentities.removeAll(keepingCapacity: true)
        pendingTimes.removeAll(keepingCapacity: true)
    }

    /// What ``rollback(to:)`` returns the tallies to.
    public struct Checkpoint: Sendable {
        let outcomes: TallyTable<OutcomeKey>.Mark
        let identities: TallyTable<IdentityKey>.Mark
        let tables: InternedTables.Mark
        let hours: [HourKey: Int64]
        let lastHour: (key: HourKey, sessions: Int64)?
    }

    /// Starts counting another input into the same tallies (carried across a run's inputs):
    /// the session counts (``sessionCount``, ``protocolSessions``, ``outcomeSessions``) start
    /// again from zero, as they are the input's, and the rollups are marked so that
    /// ``rollback(to:)`` can take the input out again if it does not count after all.
    public mutating func startInput() -> Checkpoint {
        flush()
        resetCounts()
        failedLoginsBefore.removeAll()
        journalingFailedLogins = true
        return Checkpoint(
            outcomes: outcomeTable.checkpoint(), identities: identityTable.checkpoint(), tables: tables.mark,
            hours: hours, lastHour: lastHour)
    }

    /// Takes out everything counted since `checkpoint`, the last ``startInput()``.
    public mutating func rollback(to checkpoint: Checkpoint) {
        flush()
        outcomeTable.rollback(to: checkpoint.outcomes)
        identityTable.rollback(to: checkpoint.identities)
        tables.rollback(to: checkpoint.tables)
        for (key, count) in failedLoginsBefore { failedLogins[key] = count }
        failedLoginsBefore.removeAll()
        hours = checkpoint.hours
        lastHour = checkpoint.lastHour
        resetCounts()
    }

    /// The session counts start again from zero (they are one input's).
    private mutating func resetCounts() {
        sessionCount = 0
        for i in protocolCounts.indices { protocolCounts[i] = 0 }
        for i in outcomeCounts.indices { outcomeCounts[i] = 0 }
    }

    /// Rollup rows the tallies would write (outcome and identity keys, including those waiting).
    public var rowCount: Int { outcomeTable.count + identityTable.count + pendingTimes.count * 2 }

    /// Counts a finished session that crossed inputs or expired (the joiner's): its values are
    /// interned here, then it is counted as the tracker counts its own.
    public mutating func add(_ f: SessionFragment) {
        var f = f
        if f.certificateContext == .inherited {
            // Certificate rows whose context row was never seen (the session's start is in no
            // input read): whose certificate they describe is unknown.
            f.certificateSubject = nil
            f.certificateThumbprint = nil
        }
        let session = OpenSession(f, tables: &tables)
        add(session, logType: f.key.logType, connector: tables.connectors.id(f.key.connector), authFailures: f.authFailures)
        flush()
    }

    /// Counts one session that started and ended in this input.
    mutating func add(_ s: OpenSession, logType: LogType, connector: Int32, authFailures: [AuthFailure]) {
        let r = OutcomeRule.apply(
            negotiation: s.negotiation, negotiationTime: s.negotiationTime, failure: s.failure,
            failureTime: s.failureTime, startTLS: s.startTLS, startTime: s.startTime, firstTime: s.firstTime,
            notCompleted: { tables.texts.id("STARTTLSNotCompleted") })
        let (kind, negotiation, error, time) = (r.kind, r.negotiation, r.failure, r.time)
        // The protocol read in place: a `Negotiation` copied out would retain and release its texts.
        let protocolVersion = negotiation.map { tables.negotiations.values[Int($0)].protocolVersion }
        if let p = protocolVersion { protocolCounts[p.rank] += 1 }
        sessionCount += 1
        outcomeCounts[Int(kind.ordinal)] += 1
        let day = UTCDay(millis: time).number
        let remote = tables.remoteAddress(s.remote)
        let address = tables.addresses.id(remote)
        pendingOutcomes.append(OutcomeKey(
            day: day, logType: logType, connector: connector, address: address, outcome: kind,
            negotiation: negotiation, error: error, activity: s.activity))
        pendingTimes.append(time)
        pendingIdentities.append(IdentityKey(
            day: day, logType: logType, connector: connector, address: address, outcome: kind,
            protocolVersion: protocolVersion,
            ehlo: s.ehlo, senderDomain: s.senderDomain, authUser: s.authUser,
            certificateSubject: s.certificateSubject, certificateThumbprint: s.certificateThumbprint))
        if pendingTimes.count >= Self.pendingLimit { flush() }
        if !authFailures.isEmpty {
            for f in AuthFailure.distinct(authFailures) {
                let key = FailedLogin(
                    day: UTCDay(millis: f.time).number, logType: logType, connector: connector, remote: remote,
                    user: f.user ?? ByteString([]), mechanism: f.mechanism, error: f.error)
                if journalingFailedLogins && failedLoginsBefore.index(forKey: key) == nil {
                    failedLoginsBefore[key] = .some(failedLogins[key])
                }
                failedLogins[key, default: TallyCount()].add(at: f.time)
            }
        }
        let hour = HourKey(logType: logType, hour: UTCHour(millis: time).number)
        if lastHour?.key == hour {
            lastHour!.sessions += 1
        } else {
            if let last = lastHour { hours[last.key, default: 0] += last.sessions }
            lastHour = (hour, 1)
        }
    }
}
