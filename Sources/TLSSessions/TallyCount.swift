/// Sessions counted under one rollup key, with the first and last log time among them: what
/// the tracker's tallies, the deltas and the stores count (module Rollups calls it `Tally`).
public struct TallyCount: Sendable, Equatable {
    public var sessions: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64

    @inlinable
    public init(sessions: Int64, firstSeen: Int64, lastSeen: Int64) {
        self.sessions = sessions
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// No session yet.
    public init() {
        self.init(sessions: 0, firstSeen: .max, lastSeen: .min)
    }

    /// `sessions` sessions, all at `time`.
    public init(sessions: Int64 = 1, at time: Int64) {
        self.init(sessions: sessions, firstSeen: time, lastSeen: time)
    }

    /// One more session at `time`.
    public mutating func add(at time: Int64) {
        add(TallyCount(sessions: 1, firstSeen: time, lastSeen: time))
    }

    @inlinable @inline(__always)
    public mutating func add(_ other: TallyCount) {
        sessions &+= other.sessions
        if other.firstSeen < firstSeen { firstSeen = other.firstSeen }
        if other.lastSeen > lastSeen { lastSeen = other.lastSeen }
    }
}
