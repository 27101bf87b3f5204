/// A rollup key of a few integers that hashes itself in straight-line code.
///
/// The tallies' keys are ids and small enums only (no strings, no reference counting), so a key
/// is copied bitwise and hashed by multiplying its words, with no `Hasher` in between.
public protocol TallyKey: Equatable, Sendable {
    /// The key's fields folded into one word with ``TallyHash/mix(_:_:)``, starting from `seed`.
    func tallyHash(seed: UInt64) -> UInt64
}

/// The multiply-xor step the keys fold their words with.
public enum TallyHash {
    @inlinable @inline(__always)
    public static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
        return m ^ (m >> 29)
    }

    /// The seed a key of `server` starts from (server 0, a tracker's, keeps the seed).
    @inlinable @inline(__always)
    public static func server(_ server: Int32, seed: UInt64) -> UInt64 {
        seed ^ UInt64(UInt32(bitPattern: server)) &* 0xD6E8_FEB8_6659_FD93
    }
}

/// Counts by key: the tracker's pre-aggregation, the deltas' rollups and the serial merge all
/// count into one of these.
///
/// Open addressing over a power-of-two slot array kept at most half full; keys, their hashes and
/// their counts live in three arrays in the order the keys first came, so iteration is that
/// order (deterministic, unlike a `Dictionary`'s). A probe compares the stored hash first, so it
/// usually stops at one integer compare; a key is a few words copied bitwise.
public struct TallyTable<Key: TallyKey>: Sendable {
    @usableFromInline var keys: [Key] = []
    @usableFromInline var hashes: [UInt64] = []
    @usableFromInline var counts: [TallyCount] = []
    /// Dense indexes by hash slot, with their hashes' high bits (``SlotArray``).
    @usableFromInline var slots = [UInt64](repeating: SlotArray.empty, count: 16)
    /// Entries below this index have their count saved in ``journal`` before their first change
    /// since the last ``checkpoint()`` (0: none are).
    @usableFromInline var journaledBelow: Int32 = 0
    /// Counts as they were at the last checkpoint, one per entry changed since: bounded by the
    /// table's keys, not by the sessions counted (one input may be a 10 GB file).
    @usableFromInline var journal: [(index: Int32, count: TallyCount)] = []
    /// Per entry, the checkpoint at which its count was last saved (``epoch``).
    @usableFromInline var saved: [UInt32] = []
    @usableFromInline var epoch: UInt32 = 0

    /// Drawn at random once per process (crafted log values cannot be chosen to collide).
    @usableFromInline let seed = TallySeed.value

    public init() {}

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Makes room for `n` keys in all without growing on the way.
    @inlinable
    public mutating func reserveCapacity(_ n: Int) {
        if keys.capacity < n {
            // Geometric, as appending would: merging many tables must not copy them each time.
            let capacity = max(n, 2 * keys.capacity)
            keys.reserveCapacity(capacity)
            hashes.reserveCapacity(capacity)
            counts.reserveCapacity(capacity)
        }
        var size = slots.count
        while n * 2 > size { size *= 2 }
        if size > slots.count { rehash(size) }
    }

    /// Counts one session of `key` at `time`.
    @inlinable
    public mutating func add(_ key: Key, at time: Int64) {
        add(key, hash: key.tallyHash(seed: seed), TallyCount(sessions: 1, firstSeen: time, lastSeen: time))
    }

    /// Adds `count` to `key`'s.
    @inlinable
    public mutating func add(_ key: Key, _ count: TallyCount) {
        add(key, hash: key.tallyHash(seed: seed), count)
    }

    @inlinable
    mutating func add(_ key: Key, hash: UInt64, _ count: TallyCount) {
        let mask = slots.count &- 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == SlotArray.empty { break }
            let i = SlotArray.index(entry)
            if SlotArray.tagMatches(entry, hash) && keys[i] == key {
                if i < Int(journaledBelow) && saved[i] != epoch {
                    saved[i] = epoch
                    journal.append((Int32(i), counts[i]))
                }
                counts[i].add(count)
                return
            }
            slot = (slot &+ 1) & mask
        }
        slots[slot] = SlotArray.entry(Int32(keys.count), hash)
        keys.append(key)
        hashes.append(hash)
        counts.append(count)
        if keys.count * 2 > slots.count { rehash(slots.count * 2) }
    }

    /// Adds every key of `other`, each turned into this table's ids by `map` (the identity when
    /// both share their ids).
    ///
    /// The keys are mapped and hashed first, then added through a ``PrefetchPipeline``: a batch's
    /// table is far from the cache when an input's keys arrive (the input's scan streamed through
    /// it), and one key at a time each add waited for up to four misses in a row — 350 ns a key
    /// on the large-file corpus, against about 40 in a table the cache holds (docs/performance.md,
    /// "The merge waits on memory").
    @inlinable
    public mutating func add<Other: TallyKey>(_ other: TallyTable<Other>, mapping map: (Other) -> Key) {
        reserveCapacity(count + other.count)
        guard slots.count >= PrefetchPipeline.fromSlots else {
            for i in other.keys.indices { add(map(other.keys[i]), other.counts[i]) }
            return
        }
        addPipelined(other.keys.map(map)) { other.counts[$0] }
    }

    /// Adds one session of `batch[j]` at `times[j]` for each j, in order, as many calls of
    /// ``add(_:at:)`` would: through the ``PrefetchPipeline`` once the table is big, so that a
    /// table which outgrew the cache (a run's tallies carried across its inputs) costs the
    /// overlapped misses of a batch instead of one wait per key.
    @inlinable
    public mutating func add(_ batch: [Key], at times: [Int64]) {
        guard slots.count >= PrefetchPipeline.fromSlots else {
            for j in batch.indices { add(batch[j], at: times[j]) }
            return
        }
        addPipelined(batch) { TallyCount(sessions: 1, firstSeen: times[$0], lastSeen: times[$0]) }
    }

    /// Adds `count(j)` to `batch[j]` for each j, in order, through the ``PrefetchPipeline``: each
    /// key's slot prefetched two steps ahead, the entry it points at one step ahead.
    @inlinable @inline(__always)
    mutating func addPipelined(_ batch: [Key], count: (Int) -> TallyCount) {
        let batchHashes = batch.map { $0.tallyHash(seed: seed) }
        PrefetchPipeline.run(count: batch.count, slot: { SlotArray.prefetchHome(slots, batchHashes[$0]) }, entry: { j in
            guard let i = SlotArray.homeOccupant(slots, batchHashes[j]) else { return }
            keys.withUnsafeBufferPointer { Prefetch.element($0, i) }
            counts.withUnsafeBufferPointer { Prefetch.element($0, i) }
            // A key counted before the last checkpoint has its saved epoch read too.
            if i < Int(journaledBelow) { saved.withUnsafeBufferPointer { Prefetch.element($0, i) } }
        }, body: { j in
            add(batch[j], hash: batchHashes[j], count(j))
        })
    }

    /// Where ``rollback(to:)`` returns the table: its keys then.
    public struct Mark: Sendable, Equatable {
        let count: Int
    }

    /// Marks the table as it is now: from here on, a key already there has its count saved
    /// before its first change, so ``rollback(to:)`` can restore it. Replaces the previous mark.
    public mutating func checkpoint() -> Mark {
        journal.removeAll(keepingCapacity: true)
        journaledBelow = Int32(keys.count)
        epoch &+= 1
        if saved.count < keys.count { saved.append(contentsOf: repeatElement(epoch &- 1, count: keys.count - saved.count)) }
        return Mark(count: keys.count)
    }

    /// Returns the table to what it held at `mark`, the last ``checkpoint()``: keys added since
    /// are dropped, counts changed since restored.
    public mutating func rollback(to mark: Mark) {
        precondition(Int32(mark.count) == journaledBelow && mark.count <= keys.count, "not the last checkpoint")
        for (index, count) in journal { counts[Int(index)] = count }
        keys.removeSubrange(mark.count...)
        hashes.removeSubrange(mark.count...)
        counts.removeSubrange(mark.count...)
        slots = SlotArray.rebuilt(for: hashes, size: slots.count)
        _ = checkpoint()
    }

    /// Visits each key once, in the order the keys first came.
    @inlinable
    public func forEach(_ body: (Key, TallyCount) throws -> Void) rethrows {
        for i in keys.indices { try body(keys[i], counts[i]) }
    }

    /// The key and count that came `position`-th (`0..<count`, the order ``forEach(_:)`` visits).
    @inlinable
    public subscript(position position: Int) -> (key: Key, count: TallyCount) {
        (keys[position], counts[position])
    }

    /// Hints that the key and count at `position` will be read soon (``subscript(position:)``):
    /// a commit reads its rows in key order, which is no order of the table's (three quarters of
    /// building a commit's rows waited on those loads, sampled with `perf`).
    @inlinable
    public func prefetch(position: Int) {
        keys.withUnsafeBufferPointer { Prefetch.element($0, position) }
        counts.withUnsafeBufferPointer { Prefetch.element($0, position) }
    }

    /// The count of `key`, if counted.
    public subscript(key: Key) -> TallyCount? {
        let hash = key.tallyHash(seed: seed)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != SlotArray.empty {
            let i = SlotArray.index(slots[slot])
            if SlotArray.tagMatches(slots[slot], hash) && keys[i] == key { return counts[i] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    @usableFromInline
    mutating func rehash(_ size: Int) {
        slots = SlotArray.rebuilt(for: hashes, size: size)
    }
}

/// The process's tally seed, drawn once.
@usableFromInline
enum TallySeed {
    @usableFromInline static let value = UInt64.random(in: .min ... .max) | 1
}
