import LogScanner

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one input's records and builds its session fragments: the scanner's sink.
///
/// Sessions that both start (`+`) and end (`-`) in this input are handed to `onComplete` as soon
/// as they end. Everything else — sessions still open at the end of the input, and tails of
/// sessions that started in an earlier input — is kept, in order, in ``boundaryFragments()``
/// for the cross-input joiner. Memory is bounded by the number of concurrently open sessions
/// (capped by `maximumOpenSessions`; the oldest are handed on as boundary fragments).
public struct SessionTracker: RecordSink {
    public let server: String
    public internal(set) var statistics = TrackerStatistics()
    /// The input's fingerprint, once the first record was seen.
    public internal(set) var fingerprint: UInt64?
    /// Records (and malformed rows) before this stream offset were ingested by an earlier run.
    public var skipBefore: UInt64 = 0
    /// Asked once with the fingerprint; returns the offset to skip to (the ledger's consumed bytes).
    public var resumeOffset: (UInt64) -> UInt64 = { _ in 0 }
    /// Receives each session that started and ended within this input.
    public var onComplete: (SessionFragment) -> Void
    public var maximumOpenSessions: Int
    /// Keep only the domain of authenticated user names (`--redact`).
    public var redactUsers = false
    /// The first malformed rows, in full (the rest are only counted).
    public internal(set) var malformedSamples: [MalformedRow] = []
    public var malformedSampleLimit = 20
    /// Unrecognised TLS sentences, verbatim, with counts.
    public internal(set) var unrecognized: [String: UnrecognizedSentence] = [:]

    var open: [LocalKey: SessionFragment] = [:]
    /// The open sessions by last activity, built when the cap is first reached (a flood): the
    /// oldest is then found in O(log n) instead of by scanning every open session.
    var ages: AgeQueue<LocalKey>?
    var boundary: [SessionFragment] = []
    var connectors: [ByteString] = []
    var lastConnector = -1

    struct LocalKey: Hashable {
        var logType: LogType
        var connector: Int32
        var sessionID: UInt64
    }

    public init(server: String, maximumOpenSessions: Int = 1_000_000, onComplete: @escaping (SessionFragment) -> Void) {
        self.server = server
        self.maximumOpenSessions = max(1, maximumOpenSessions)
        self.onComplete = onComplete
    }

    public mutating func identified(fingerprint: UInt64) {
        self.fingerprint = fingerprint
        skipBefore = resumeOffset(fingerprint)
    }

    public mutating func malformed(_ row: MalformedRow) {
        guard row.offset >= skipBefore else { return }
        statistics.malformedRows += 1
        if malformedSamples.count < malformedSampleLimit { malformedSamples.append(row) }
    }

    /// The fragments to join across inputs, in the order they must be merged; call once at the end.
    public mutating func boundaryFragments() -> [SessionFragment] {
        let stillOpen = open.values.sorted { ($0.firstTime, $0.key.sessionID) < ($1.firstTime, $1.key.sessionID) }
        open.removeAll()
        let result = boundary + stillOpen
        boundary.removeAll()
        return result
    }

    public mutating func record(_ r: borrowing RecordView) {
        guard r.offset >= skipBefore else { return }
        statistics.records += 1
        let event = r.event
        guard event.count == 1 else {
            reject(r, "event column is not one of + - < > *")
            return
        }
        let e = event[0]
        let commandEvent: UInt8 = r.logType == .receive ? 0x3C : 0x3E  // '<' : '>'
        // Cheap first look: most rows (replies, data, permissions) matter to nobody.
        switch e {
        case 0x2B, 0x2D, 0x2A:  // + - *
            break
        case commandEvent:
            // AUTH, EHLO, HELO, MAIL FROM, STARTTLS, X-ANONYMOUSTLS (any case).
            guard let first = r.data.bytes.first else { return }
            let c = first | 0x20
            guard c == 0x61 || c == 0x65 || c == 0x68 || c == 0x6D || c == 0x73 || c == 0x78 else { return }
        case 0x3C, 0x3E:
            // Replies: 220 2.0.0 (STARTTLS accepted), 235 (authenticated), 535 (refused).
            let data = r.data
            let interesting = data.hasPrefix("220 2.0.0") || data.hasPrefix("235") || data.hasPrefix("535")
            guard interesting else { return }
        default:
            reject(r, "event column is not one of + - < > *")
            return
        }
        guard let sessionID = Self.parseHex(r.sessionID) else {
            reject(r, "session-id is not hexadecimal")
            return
        }
        let key = LocalKey(logType: r.logType, connector: connectorIndex(r.connectorID), sessionID: sessionID)
        switch e {
        case 0x2B:  // + connect
            if let previous = open.removeValue(forKey: key) {
                // The id came back without a disconnect in between: the old session is over.
                statistics.sessionsWithoutDisconnect += 1
                finishFragment(previous)
            }
            var fragment = newFragment(key, r)
            fragment.startTime = r.timestamp
            statistics.sessionsStarted += 1
            insert(fragment, key)
        case 0x2D:  // - disconnect
            var fragment: SessionFragment
            if let existing = open.removeValue(forKey: key) {
                fragment = existing
            } else {
                fragment = newFragment(key, r)
            }
            fragment.lastTime = max(fragment.lastTime, r.timestamp)
            fragment.ended = true
            finishFragment(fragment)
        case 0x2A:  // * information
            information(r, key)
        case commandEvent:
            command(r, key)
        default:
            reply(r, key)
        }
    }

    private mutating func finishFragment(_ fragment: SessionFragment) {
        if fragment.startTime != nil && fragment.ended {
            statistics.sessionsCompleted += 1
            onComplete(fragment)
        } else {
            boundary.append(fragment)
        }
    }

    private mutating func insert(_ fragment: SessionFragment, _ key: LocalKey) {
        if open.count >= maximumOpenSessions {
            var queue = ages ?? Self.queue(of: open)
            ages = nil
            if let oldest = queue.popOldest(currentTime: { open[$0]?.lastTime }),
                let evicted = open.removeValue(forKey: oldest)
            {
                statistics.openSessionsEvicted += 1
                boundary.append(evicted)
            }
            queue.compact(liveCount: open.count) { open.map { (key: $0.key, time: $0.value.lastTime, tiebreak: $0.key.sessionID) } }
            ages = queue
        }
        open[key] = fragment
        ages?.push(key, time: fragment.lastTime, tiebreak: key.sessionID)
    }

    static func queue(of open: [LocalKey: SessionFragment]) -> AgeQueue<LocalKey> {
        var q = AgeQueue<LocalKey>()
        for (k, f) in open { q.push(k, time: f.lastTime, tiebreak: k.sessionID) }
        return q
    }

    private func newFragment(_ key: LocalKey, _ r: borrowing RecordView) -> SessionFragment {
        var f = SessionFragment(
            key: SessionKey(
                server: server, logType: key.logType, connector: connectors[Int(key.connector)],
                sessionID: key.sessionID),
            time: r.timestamp)
        f.remote = RemoteAddress.parse(endpoint: r.remoteEndpoint)
        return f
    }

    /// Runs `body` on the session's fragment in place (one hash lookup), creating it when this
    /// is its first row here.
    mutating func update(_ key: LocalKey, _ r: borrowing RecordView, _ body: (inout SessionFragment) -> Void) {
        var index = open.index(forKey: key)
        if index == nil {
            insert(newFragment(key, r), key)
            index = open.index(forKey: key)
        }
        let time = r.timestamp
        let needsRemote = open.values[index!].remote == .none
        let remote = needsRemote ? RemoteAddress.parse(endpoint: r.remoteEndpoint) : .none
        open.values.withFragment(at: index!) { f in
            if time > f.lastTime { f.lastTime = time }
            if needsRemote { f.remote = remote }
            body(&f)
        }
    }

    private mutating func reject(_ r: borrowing RecordView, _ why: String) {
        statistics.records -= 1
        malformed(MalformedRow(
            line: r.lineNumber, offset: r.offset, reason: .other(why), excerpt: MalformedRow.excerpt(r.line)))
    }

    private mutating func connectorIndex(_ f: FieldView) -> Int32 {
        if lastConnector >= 0, Self.same(connectors[lastConnector], f) {
            return Int32(lastConnector)
        }
        // A log interleaves a handful of connectors: compare the raw bytes with each before
        // unescaping (which allocates) a name not seen yet.
        for i in connectors.indices where Self.same(connectors[i], f) {
            lastConnector = i
            return Int32(i)
        }
        let value = f.unescaped()
        if let i = connectors.firstIndex(of: value) {
            lastConnector = i
        } else {
            connectors.append(value)
            lastConnector = connectors.count - 1
        }
        return Int32(lastConnector)
    }

    /// Whether a kept connector name equals a field's raw bytes (memcmp, no generic iteration).
    @inline(__always)
    static func same(_ kept: ByteString, _ f: FieldView) -> Bool {
        guard kept.count == f.count, !f.isQuoted else { return false }
        guard kept.count > 0, let base = f.bytes.baseAddress else { return kept.count == 0 }
        return kept.bytes.withUnsafeBytes { memcmp($0.baseAddress!, base, kept.count) == 0 }
    }

    static func parseHex(_ f: FieldView) -> UInt64? {
        guard !f.isEmpty, f.count <= 16 else { return nil }
        var v: UInt64 = 0
        for c in f.bytes {
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

/// Counts one input's tracker produced.
public struct TrackerStatistics: Sendable, Equatable {
    public var records = 0
    public var malformedRows = 0
    public var sessionsStarted = 0
    public var sessionsCompleted = 0
    public var sessionsWithoutDisconnect = 0
    public var openSessionsEvicted = 0
    /// Negotiation rows per protocol (rows, not sessions).
    public var negotiationRows: [TLSProtocol: Int] = [:]
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

extension Dictionary.Values {
    /// Mutates one value in place through its index.
    @inline(__always)
    mutating func withFragment(at index: Dictionary.Index, _ body: (inout Value) -> Void) {
        body(&self[index])
    }
}
