/// The least recently active of a set of keyed entries, without scanning them all.
///
/// A binary min-heap of (time, key) with lazy deletion: entries are pushed with the time they
/// had then and never updated in place. ``popOldest(currentTime:)`` asks the owner for each key's
/// current time: a key that is gone is dropped, one that was active since is pushed again with its
/// new time, so the first entry whose time is still current is the oldest. Each push costs
/// O(log n); stale entries are removed as they surface, and ``compact(_:)`` rebuilds the heap when
/// they outnumber the live ones, so its size stays proportional to the entries tracked.
public struct AgeQueue<Key: Hashable> {
    struct Entry {
        var time: Int64
        var tiebreak: UInt64
        var key: Key
        static func < (a: Entry, b: Entry) -> Bool { (a.time, a.tiebreak) < (b.time, b.tiebreak) }
    }

    private var heap: [Entry] = []

    public init() {}

    public var count: Int { heap.count }

    /// Tracks `key` as last active at `time` (`tiebreak` orders equal times deterministically).
    public mutating func push(_ key: Key, time: Int64, tiebreak: UInt64) {
        heap.append(Entry(time: time, tiebreak: tiebreak, key: key))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i] < heap[parent] else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    /// The oldest key still present, removed from the queue; `currentTime` returns a key's time
    /// now, or nil when it is no longer tracked.
    public mutating func popOldest(currentTime: (Key) -> Int64?) -> Key? {
        while let top = heap.first {
            removeTop()
            guard let now = currentTime(top.key) else { continue }
            if now == top.time { return top.key }
            push(top.key, time: now, tiebreak: top.tiebreak)
        }
        return nil
    }

    /// Rebuilds the queue from the live entries when stale ones are more than half of it.
    public mutating func compact(liveCount: Int, _ live: () -> [(key: Key, time: Int64, tiebreak: UInt64)]) {
        guard heap.count > 2 * liveCount + 1024 else { return }
        heap = live().map { Entry(time: $0.time, tiebreak: $0.tiebreak, key: $0.key) }
        heap.sort { $0 < $1 }  // a sorted array is a valid min-heap
    }

    private mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count && heap[l] < heap[smallest] { smallest = l }
            if r < heap.count && heap[r] < heap[smallest] { smallest = r }
            if smallest == i { break }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }
}
