import CByteSearch
import LogScanner

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one input's records and counts its sessions: the scanner's sink, and a pure state
/// machine over rows.
///
/// Sessions that both start (`+`) and end (`-`) in this input are counted into ``tallies`` as
/// soon as they end, by keys of small integers (ids into ``SessionTallies/tables``). Everything
/// else — sessions still open at the end of the input, and tails of sessions that started in an
/// earlier input — is kept, in order, in ``boundaryFragments()`` for the cross-input joiner.
/// Memory is bounded by the number of concurrently open sessions (capped by
/// `maximumOpenSessions`; the least recently active are handed on as boundary fragments).
public struct SessionTracker: RecordSink {
    public let server: String
    /// What ``statistics`` reports (stored under another name so that ``record(_:)``, inlined
    /// into the scanner's loop, can count).
    @usableFromInline var counts = TrackerStatistics()
    public var statistics: TrackerStatistics { counts }
    /// The input's fingerprint, once the first record was seen.
    public internal(set) var fingerprint: UInt64?
    /// Records (and malformed rows) before this stream offset were ingested by an earlier run.
    public var skipBefore: UInt64 = 0
    /// Asked once with the fingerprint; returns the offset to skip to (the ledger's consumed bytes).
    public var resumeOffset: (UInt64) -> UInt64 = { _ in 0 }
    /// Also hands each session that started and ended within this input over whole (tests and
    /// diagnostics; ingest reads ``tallies`` only).
    public var onComplete: ((SessionFragment) -> Void)?
    public var maximumOpenSessions: Int
    /// Keep only the domain of authenticated user names (`--redact`).
    public var redactUsers = false
    /// The first malformed rows, in full (the rest are only counted).
    public internal(set) var malformedSamples: [MalformedRow] = []
    public var malformedSampleLimit = 20
    /// Unrecognised TLS sentences, verbatim, with counts.
    public internal(set) var unrecognized: [String: UnrecognizedSentence] = [:]
    /// The sessions finished in this input, counted.
    public internal(set) var tallies = SessionTallies()

    var open = SessionTable()
    /// Refused authentications of open sessions (rare, so kept beside ``open``).
    var authFailures: [LocalKey: [AuthFailure]] = [:]
    /// The open sessions by last activity, built when the cap is first reached (a flood): the
    /// oldest is then found in O(log n) instead of by scanning every open session.
    var ages: AgeQueue<LocalKey>?
    var boundary: [SessionFragment] = []
    /// Connector fields by their raw bytes: the last few in place, then all of this input's.
    var recentConnectors = RecentFields()
    var connectorNames = RowCache<Int32>()
    /// TLS sentences and one-row certificates already parsed in this input.
    var sentences = RowCache<KnownSentence>()
    var certificates = RowCache<KnownCertificate>()

    /// A session within this input: log type, connector id, session id.
    struct LocalKey: Hashable {
        var logType: LogType
        var connector: Int32
        var sessionID: UInt64

        static func == (a: Self, b: Self) -> Bool {
            a.sessionID == b.sessionID && a.connector == b.connector && a.logType == b.logType
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(sessionID ^ (UInt64(UInt32(bitPattern: connector)) << 1 | (logType == .send ? 1 : 0)) << 48)
        }
    }

    public init(server: String, maximumOpenSessions: Int = 1_000_000, onComplete: ((SessionFragment) -> Void)? = nil) {
        self.server = server
        self.maximumOpenSessions = max(1, maximumOpenSessions)
        self.onComplete = onComplete
    }

    /// Counts this input's sessions on into `carried` (the tallies of the inputs read before it,
    /// of the same server), before its first record; the checkpoint takes the input out of them
    /// again (``SessionTallies/rollback(to:)``).
    public mutating func continueTallies(_ carried: SessionTallies) -> SessionTallies.Checkpoint {
        tallies = carried
        return tallies.startInput()
    }

    /// The input ended: the sessions finished last go into ``tallies``' tables (they go in
    /// batches), which are read next.
    public mutating func ended() {
        tallies.flush()
    }

    /// Hands the tallies on (after the input's result is built: its boundary fragments read
    /// their tables); the tracker keeps empty ones.
    public mutating func takeTallies() -> SessionTallies {
        tallies.flush()
        defer { tallies = SessionTallies() }
        return tallies
    }

    public mutating func identified(fingerprint: UInt64) {
        self.fingerprint = fingerprint
        skipBefore = resumeOffset(fingerprint)
    }

    public mutating func malformed(_ row: MalformedRow) {
        guard row.offset >= skipBefore else { return }
        counts.malformedRows += 1
        if malformedSamples.count < malformedSampleLimit { malformedSamples.append(row) }
    }

    /// The fragments to join across inputs, in the order they must be merged; call once at the end.
    public mutating func boundaryFragments() -> [SessionFragment] {
        let stillOpen = open.all.sorted { ($0.session.firstTime, $0.key.sessionID) < ($1.session.firstTime, $1.key.sessionID) }
            .map { fragment($0.key, $0.session) }
        open.removeAll()
        authFailures.removeAll()
        let result = boundary + stillOpen
        boundary.removeAll()
        return result
    }

    /// A record: the rows that matter to no session (more than half) are turned away here, by
    /// their event and first bytes, before anything is built. Inlinable, so that the scanner's
    /// loop, specialized for this sink in the caller, runs it in place; ``track(_:event:commandEvent:)``
    /// takes the rest.
    @inlinable @inline(__always)
    public mutating func record(_ r: borrowing RecordView) {
        guard r.offset >= skipBefore else { return }
        counts.records &+= 1
        let event = r.event
        // An event of another length is malformed; `track` rejects it (0: no event byte). One
        // call for everything that goes on, so the record is built only on that path.
        let e: UInt8 = event.count == 1 ? event[0] : 0
        let commandEvent: UInt8 = r.logType == .receive ? 0x3C : 0x3E  // '<' : '>'
        // Cheap first look: most rows (replies, data, permissions) matter to nobody.
        switch e {
        case commandEvent:
            // AUTH, EHLO, HELO, MAIL FROM, STARTTLS, X-ANONYMOUSTLS (any case).
            guard let first = r.data.bytes.first else { return }
            let c = first | 0x20
            guard c == 0x61 || c == 0x65 || c == 0x68 || c == 0x6D || c == 0x73 || c == 0x78 else { return }
        case 0x3C, 0x3E:
            // Replies: 220 2.0.0 (STARTTLS accepted), 235 (authenticated), 535 (refused).
            // The three-digit code first, as one word: most replies are 250 and stop here.
            let data = r.data
            guard data.count >= 3 else { return }
            let code = UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16
            let interesting = code == 0x35_3332 || code == 0x35_3335 || (code == 0x30_3232 && data.hasPrefix("220 2.0.0"))
            guard interesting else { return }
        case 0x2A:
            // `Set Session Permissions`, one row a session, changes nothing (``information(_:_:)``
            // passes it by): turned away here, before the call and its copy of the record, when
            // its session id is one `track` would accept (it still reports one it would not).
            let context = r.context
            if context.count == 23, context.hasPrefix("Set Session Permissions"), Self.parseHex(r.sessionID) != nil { return }
        default:
            break  // + -, and a malformed event for `track` to reject
        }
        // A copy made here, on the only path that needs the record in memory: handing `r` itself
        // to the call kept every field of every row's record on the stack before the first look.
        track(r.copy(), event: e, commandEvent: commandEvent)
    }

    /// A row that starts, ends or changes a session, or whose event is malformed (out of line:
    /// the scanner's loop keeps only ``record(_:)``'s first look).
    @inline(never) @usableFromInline
    mutating func track(_ r: borrowing RecordView, event e: UInt8, commandEvent: UInt8) {
        switch e {
        case 0x2B, 0x2D, 0x2A, 0x3C, 0x3E: break
        default:
            reject(r, "event column is not one of + - < > *")
            return
        }
        guard let sessionID = Self.parseHex(r.sessionID) else {
            reject(r, "session-id is not hexadecimal")
            return
        }
        let key = LocalKey(logType: r.logType, connector: connectorID(r.connectorID), sessionID: sessionID)
        switch e {
        case 0x2B:  // + connect
            if let previous = open.remove(key) {
                // The id came back without a disconnect in between: the old session is over.
                counts.sessionsWithoutDisconnect += 1
                finish(key, previous)
            }
            var session = newSession(r)
            session.startTime = r.timestamp
            counts.sessionsStarted += 1
            insert(session, key)
        case 0x2D:  // - disconnect
            var session: OpenSession
            if let existing = open.remove(key) {
                session = existing
            } else {
                session = newSession(r)
            }
            session.lastTime = max(session.lastTime, r.timestamp)
            session.ended = true
            finish(key, session)
        case 0x2A:  // * information
            information(r, key)
        case commandEvent:
            command(r, key)
        default:
            reply(r, key)
        }
    }

    /// A session leaves the table: counted when it started and ended here, else handed on.
    private mutating func finish(_ key: LocalKey, _ session: OpenSession) {
        // Refused logins are rare: no hashing of the key when there are none.
        let failures = authFailures.isEmpty ? [] : authFailures.removeValue(forKey: key) ?? []
        if session.startTime != nil && session.ended {
            counts.sessionsCompleted += 1
            tallies.add(session, logType: key.logType, connector: key.connector, authFailures: failures)
            if let onComplete { onComplete(fragment(key, session, failures)) }
        } else {
            boundary.append(fragment(key, session, failures))
        }
    }

    /// The portable form of a session of this input.
    private func fragment(_ key: LocalKey, _ session: OpenSession, _ failures: [AuthFailure]? = nil) -> SessionFragment {
        session.fragment(
            key: SessionKey(
                server: server, logType: key.logType, connector: tallies.tables.connectors[key.connector],
                sessionID: key.sessionID),
            tables: tallies.tables, authFailures: failures ?? authFailures[key] ?? [])
    }

    private mutating func insert(_ session: OpenSession, _ key: LocalKey) {
        if open.count >= maximumOpenSessions {
            var queue = ages ?? Self.queue(of: open)
            ages = nil
            if let oldest = queue.popOldest(currentTime: { open[$0]?.lastTime }),
                let evicted = open.remove(oldest)
            {
                counts.openSessionsEvicted += 1
                boundary.append(fragment(oldest, evicted, authFailures.removeValue(forKey: oldest) ?? []))
            }
            queue.compact(liveCount: open.count) { open.all.map { (key: $0.key, time: $0.session.lastTime, tiebreak: $0.key.sessionID) } }
            ages = queue
        }
        open.insert(session, for: key)
        ages?.push(key, time: session.lastTime, tiebreak: key.sessionID)
    }

    static func queue(of open: SessionTable) -> AgeQueue<LocalKey> {
        var q = AgeQueue<LocalKey>()
        for (k, s) in open.all { q.push(k, time: s.lastTime, tiebreak: k.sessionID) }
        return q
    }

    private mutating func newSession(_ r: borrowing RecordView) -> OpenSession {
        var s = OpenSession(time: r.timestamp)
        s.remote = tallies.tables.sessionAddress(RemoteAddress.parse(endpoint: r.remoteEndpoint))
        return s
    }

    /// Runs `body` on the session in place (one hash lookup), creating it when this is its first
    /// row here.
    @inline(__always)
    mutating func update(_ key: LocalKey, _ r: borrowing RecordView, _ body: (inout OpenSession) -> Void) {
        body(&open[slot: touch(key, r)])
    }

    /// The session's slot in the open table, the session created when this is its first row
    /// here, its last time and remote address brought up to this row.
    @inline(__always)
    mutating func touch(_ key: LocalKey, _ r: borrowing RecordView) -> Int {
        var slot = open.slot(of: key)
        if slot == nil {
            insert(newSession(r), key)
            slot = open.slot(of: key)
        }
        let time = r.timestamp
        let s = slot!
        if time > open[slot: s].lastTime { open[slot: s].lastTime = time }
        if open[slot: s].remote == .none {
            // Read only here: a session nearly always has its address from its first row.
            open[slot: s].remote = tallies.tables.sessionAddress(RemoteAddress.parse(endpoint: r.remoteEndpoint))
        }
        return s
    }

    @usableFromInline
    mutating func reject(_ r: borrowing RecordView, _ why: String) {
        counts.records -= 1
        malformed(MalformedRow(
            line: r.lineNumber, offset: r.offset, reason: .other(why), excerpt: MalformedRow.excerpt(r.line)))
    }

    /// The connector's id: its raw bytes are looked up first (a log interleaves a handful of
    /// connectors), so only a name not seen yet in this input is unescaped and copied.
    // Inline in `track` (as a call, its saving and restoring of registers was a quarter of the
    // lookup); a connector not among the recent ones takes ``newConnectorID(_:)``.
    @inline(__always)
    private mutating func connectorID(_ f: FieldView) -> Int32 {
        if let id = recentConnectors.id(of: f) { return id }
        return newConnectorID(f)
    }

    @inline(never)
    private mutating func newConnectorID(_ f: FieldView) -> Int32 {
        let id = connectorNames.result(for: f, tables: &tallies.tables) { f, tables in tables.connectors.id(f.unescaped()) }
        recentConnectors.remember(f, id: id)
        return id
    }

    /// A session id: Exchange's sixteen digits inline in the row's dispatch, any other length
    /// (up to sixteen) digit by digit.
    @inlinable @inline(__always)
    static func parseHex(_ f: FieldView) -> UInt64? {
        if f.count == 16 { return parseHex16(f.bytes) }
        return parseHexDigits(f.bytes)
    }

    @usableFromInline @inline(never)
    static func parseHexDigits(_ b: UnsafeRawBufferPointer) -> UInt64? {
        guard !b.isEmpty, b.count <= 16 else { return nil }
        var v: UInt64 = 0
        for c in b {
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt64(d)
        }
        return v
    }
}

extension SessionTracker {
    /// Exactly 16 hex digits (how Exchange writes session ids), checked and converted as one
    /// vector by the C kernel's inline `smtptls_parse_hex16`.
    @inlinable @inline(__always)
    static func parseHex16(_ b: UnsafeRawBufferPointer) -> UInt64? {
        guard b.count == 16 else { return nil }
        let parsed = smtptls_parse_hex16(b.baseAddress!.assumingMemoryBound(to: UInt8.self))
        return parsed.ok != 0 ? parsed.value : nil
    }
}

/// Counts one input's tracker produced.
public struct TrackerStatistics: Sendable, Equatable {
    public var records = 0
    public var malformedRows = 0
    public var sessionsStarted = 0
    public var sessionsCompleted = 0
    public var sessionsWithoutDisconnect = 0
    public var openSessionsEvicted = 0
    /// Negotiation rows per protocol (rows, not sessions).
    public var negotiationRows: [TLSProtocol: Int] {
        Dictionary(uniqueKeysWithValues: TLSProtocol.allCases.map { ($0, negotiationRowsByRank[$0.rank]) }.filter { $0.1 > 0 })
    }
    /// ``negotiationRows`` by protocol rank: counted per row without hashing.
    var negotiationRowsByRank = [Int](repeating: 0, count: TLSProtocol.allCases.count)
    public var failureRows = 0
    public var unrecognizedTLSRows = 0
    /// Unrecognised sentences beyond the 1000 distinct kept per input (still counted above).
    public var unrecognizedDropped = 0

    public init() {}
}

/// A TLS sentence of unknown shape, kept verbatim.
public struct UnrecognizedSentence: Sendable, Equatable {
    public var text: String
    public var logType: LogType
    public var count: Int
    public var firstTime: Int64
    public var lastTime: Int64
    public var exampleLine: Int
}
