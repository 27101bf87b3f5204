import LogScanner
import TLSSessions

/// Joins session fragments across inputs and ingest runs, and decides when a session is over.
///
/// Rules (docs/schema.md, "Sessions across files"):
/// - Fragments are merged in input order under their ``SessionKey``.
/// - A session is finished when its disconnect row (`-`) is seen. A tail whose start was never
///   seen (its file was not ingested) is finished as it is and counted as "start missing".
/// - A session is *expired* — finished as it is, classified on what it has — when its last row is
///   more than `timeout` older than the newest row ingested for the same server and log type, or
///   when the run is told to close all open sessions (`--finalize-open`).
public struct SessionJoiner {
    public private(set) var open: [SessionKey: SessionFragment] = [:]
    /// Newest log time seen per (server, log type).
    public private(set) var newest: [StreamKey: Int64] = [:]
    /// Sessions idle longer than this (log time) are expired. Default: one hour.
    public var timeout: Int64
    /// At most this many sessions are held open; beyond it the least recently active are expired
    /// (an attacker opening millions of sessions that never end cannot exhaust memory).
    public var maximumOpen: Int
    /// Sessions expired because the cap was reached.
    public private(set) var evictedByCap = 0
    /// Keys changed since the last ``takeChanges()``.
    var touched: Set<SessionKey> = []
    /// Open sessions by last activity, per stream: expiry pops the idle ones instead of walking
    /// every open session for every input.
    var ages: [StreamKey: AgeQueue<SessionKey>] = [:]

    public struct StreamKey: Hashable, Sendable {
        public var server: String
        public var logType: LogType
    }

    /// What must be written so the stored open sessions match this joiner.
    public struct Changes: Sendable {
        public var upserted: [SessionFragment]
        public var deleted: [SessionKey]

        public init(upserted: [SessionFragment] = [], deleted: [SessionKey] = []) {
            self.upserted = upserted
            self.deleted = deleted
        }
    }

    public init(timeout: Int64 = 3_600_000, maximumOpen: Int = 1_000_000, open: [SessionFragment] = []) {
        self.timeout = timeout
        self.maximumOpen = max(1, maximumOpen)
        for f in open {
            self.open[f.key] = f
            let stream = StreamKey(server: f.key.server, logType: f.key.logType)
            newest[stream] = max(newest[stream] ?? f.lastTime, f.lastTime)
            ages[stream, default: AgeQueue()].push(f.key, time: f.lastTime, tiebreak: f.key.sessionID)
        }
    }

    /// Merges one input's boundary fragments (in their order) and counts what finishes into `delta`.
    public mutating func merge(_ fragments: [SessionFragment], into delta: inout RollupDelta) {
        for fragment in fragments {
            let key = fragment.key
            let stream = StreamKey(server: key.server, logType: key.logType)
            newest[stream] = max(newest[stream] ?? fragment.lastTime, fragment.lastTime)
            touched.insert(key)
            if var existing = open.removeValue(forKey: key) {
                if fragment.startTime != nil && existing.startTime != nil {
                    // A new connect under an id that is still open: the old session is over.
                    delta.add(existing, expired: true)
                    existing = fragment
                } else {
                    existing.merge(fragment)
                }
                if existing.ended {
                    delta.add(existing)
                } else {
                    open[key] = existing
                    ages[stream, default: AgeQueue()].push(key, time: existing.lastTime, tiebreak: key.sessionID)
                }
            } else if fragment.ended {
                delta.add(fragment)
            } else {
                open[key] = fragment
                ages[stream, default: AgeQueue()].push(key, time: fragment.lastTime, tiebreak: key.sessionID)
            }
        }
    }

    /// Expires sessions idle for longer than ``timeout`` relative to their stream's newest row,
    /// then the least recently active ones while more than ``maximumOpen`` are open.
    public mutating func expireIdle(into delta: inout RollupDelta) {
        var expired: [SessionFragment] = []
        for stream in ages.keys {
            guard let latest = newest[stream], var queue = ages.removeValue(forKey: stream) else { continue }
            while let oldest = queue.popOldest(currentTime: { open[$0]?.lastTime }), let f = open[oldest] {
                guard latest - f.lastTime > timeout else {
                    queue.push(oldest, time: f.lastTime, tiebreak: oldest.sessionID)
                    break
                }
                // Out of `open` at once, so a second entry for the same key cannot expire it twice.
                open.removeValue(forKey: oldest)
                expired.append(f)
            }
            let live = open.count
            queue.compact(liveCount: live) {
                open.values.filter { StreamKey(server: $0.key.server, logType: $0.key.logType) == stream }
                    .map { (key: $0.key, time: $0.lastTime, tiebreak: $0.key.sessionID) }
            }
            ages[stream] = queue
        }
        finish(expired, into: &delta)
        if open.count > maximumOpen {
            let excess = open.values.sorted { ($0.lastTime, $0.key.sessionID) < ($1.lastTime, $1.key.sessionID) }
                .prefix(open.count - maximumOpen)
            evictedByCap += excess.count
            finish(Array(excess), into: &delta)
        }
    }

    /// Finishes every open session (end of a batch of archives: nothing more will arrive).
    public mutating func finalizeAll(into delta: inout RollupDelta) {
        finish(Array(open.values), into: &delta)
    }

    private mutating func finish(_ fragments: [SessionFragment], into delta: inout RollupDelta) {
        for f in fragments.sorted(by: { ($0.firstTime, $0.key.sessionID) < ($1.firstTime, $1.key.sessionID) }) {
            open.removeValue(forKey: f.key)
            touched.insert(f.key)
            delta.add(f, expired: true)
        }
    }

    /// The open-session rows to write and delete since the last call.
    public mutating func takeChanges() -> Changes {
        var changes = Changes(upserted: [], deleted: [])
        for key in touched {
            if let f = open[key] { changes.upserted.append(f) } else { changes.deleted.append(key) }
        }
        touched.removeAll()
        return changes
    }
}
