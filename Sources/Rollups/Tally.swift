import TLSSessions

/// Sessions counted under one rollup key, with the first and last log time among them.
public struct Tally: Sendable, Equatable {
    public var sessions: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64

    public init(sessions: Int64 = 1, at time: Int64) {
        self.sessions = sessions
        self.firstSeen = time
        self.lastSeen = time
    }

    public init(sessions: Int64, firstSeen: Int64, lastSeen: Int64) {
        self.sessions = sessions
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    public mutating func add(_ other: Tally) {
        sessions += other.sessions
        firstSeen = min(firstSeen, other.firstSeen)
        lastSeen = max(lastSeen, other.lastSeen)
    }
}

extension Tally {
    /// A tracker's count of one key.
    public init(_ count: SessionTallies.Count) {
        self.init(sessions: count.sessions, firstSeen: count.firstSeen, lastSeen: count.lastSeen)
    }
}
