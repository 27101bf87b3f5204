/// The open sessions of one input by (log type, connector id, session id): open addressing with
/// linear probing over a power-of-two array kept at most half full, deletion by backward shift
/// (no tombstones). Replaces a `Dictionary` whose SipHash of every key was a tenth of the
/// tracker's time; the multiplier is random and odd, drawn once per process (multiply-shift
/// hashing; ``HashSeed``), so session ids chosen to collide in one run do not collide in another.
struct SessionTable {
    typealias Key = SessionTracker.LocalKey
    /// Parallel arrays, so a probe reads keys only: `used[i]` says whether slot i holds
    /// `keys[i]` and `sessions[i]`.
    private var used: [Bool]
    private var keys: [Key]
    private var sessions: [OpenSession]
    private var shift: UInt64
    private let multiplier = HashSeed.sessionTables
    private(set) var count = 0

    private static let vacant = Key(logType: .receive, connector: -1, sessionID: 0)

    init() {
        used = Array(repeating: false, count: 64)
        keys = Array(repeating: Self.vacant, count: 64)
        sessions = Array(repeating: OpenSession(time: 0), count: 64)
        shift = 64 - 6
    }

    @inline(__always)
    private func home(_ key: Key) -> Int {
        let packed = key.sessionID ^ UInt64(UInt32(bitPattern: key.connector)) << 40 ^ (key.logType == .send ? 1 << 63 : 0)
        return Int(truncatingIfNeeded: (packed &* multiplier) >> shift)
    }

    /// The slot holding `key`, if it is open.
    @inline(__always)
    func slot(of key: Key) -> Int? {
        let mask = used.count - 1
        var i = home(key)
        while used[i] {
            if keys[i] == key { return i }
            i = (i + 1) & mask
        }
        return nil
    }

    subscript(key: Key) -> OpenSession? {
        slot(of: key).map { sessions[$0] }
    }

    /// The session in `slot` (from ``slot(of:)``), in place.
    subscript(slot slot: Int) -> OpenSession {
        get { sessions[slot] }
        _modify { yield &sessions[slot] }
    }

    /// Adds a session whose key is not open.
    mutating func insert(_ session: OpenSession, for key: Key) {
        if (count + 1) * 2 > used.count { grow() }
        let mask = used.count - 1
        var i = home(key)
        while used[i] { i = (i + 1) & mask }
        used[i] = true
        keys[i] = key
        sessions[i] = session
        count += 1
    }

    /// Takes a session out.
    mutating func remove(_ key: Key) -> OpenSession? {
        guard var hole = slot(of: key) else { return nil }
        let removed = sessions[hole]
        let mask = used.count - 1
        var j = hole
        // Backward shift: move up each later entry of the run whose home is not between the
        // hole and its own slot (cyclically), so every entry stays reachable from its home.
        while true {
            j = (j + 1) & mask
            guard used[j] else { break }
            let h = home(keys[j])
            let stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j)
            if !stays {
                keys[hole] = keys[j]
                sessions[hole] = sessions[j]
                hole = j
            }
        }
        used[hole] = false
        count -= 1
        return removed
    }

    mutating func removeAll() { self = SessionTable() }

    /// Every open session, in no particular order.
    var all: [(key: Key, session: OpenSession)] {
        used.indices.filter { used[$0] }.map { (keys[$0], sessions[$0]) }
    }

    private mutating func grow() {
        let old = all
        let size = used.count * 2
        used = Array(repeating: false, count: size)
        keys = Array(repeating: Self.vacant, count: size)
        sessions = Array(repeating: OpenSession(time: 0), count: size)
        shift -= 1
        count = 0
        for (key, session) in old { insert(session, for: key) }
    }
}
