/// The slot array of the tables that keep their entries in arrays by dense index and find them
/// by hash (``ByteTable``, ``FlatInterner``, ``TallyTable``): open addressing with linear
/// probing over a power-of-two size. A slot holds its entry's index in the low 32 bits and the
/// high 32 bits of the entry's hash above them (``entry(_:_:)``), ``empty`` where none: a probe
/// compares the hash's high bits (``tagMatches(_:_:)``) in the slot it has already read and reads
/// the entry itself only then, instead of reading the table's array of hashes first — one cache
/// miss fewer a lookup once a table outgrows the cache (docs/performance.md, "A native profile").
@usableFromInline
enum SlotArray {
    /// An empty slot (no entry has index 2^32 - 1: indexes are below 2^31).
    @usableFromInline static let empty = UInt64.max

    /// A slot's value for the entry at `index` with `hash`.
    @inlinable @inline(__always)
    static func entry(_ index: Int32, _ hash: UInt64) -> UInt64 {
        hash & 0xFFFF_FFFF_0000_0000 | UInt64(UInt32(bitPattern: index))
    }

    /// The entry's index in a slot that is not ``empty``.
    @inlinable @inline(__always)
    static func index(_ slot: UInt64) -> Int { Int(UInt32(truncatingIfNeeded: slot)) }

    /// Whether a slot's entry may be `hash`'s: its hash's high 32 bits are the same (the key
    /// compare that follows decides).
    @inlinable @inline(__always)
    static func tagMatches(_ slot: UInt64, _ hash: UInt64) -> Bool { (slot ^ hash) >> 32 == 0 }

    /// Hints that the home slot of `hash` will be read soon (``PrefetchPipeline``'s first step).
    @inlinable @inline(__always)
    static func prefetchHome(_ slots: [UInt64], _ hash: UInt64) {
        slots.withUnsafeBufferPointer { Prefetch.element($0, Int(truncatingIfNeeded: hash) & ($0.count &- 1)) }
    }

    /// The dense index in the home slot of `hash`, nil when it is empty or holds another hash:
    /// the entry a lookup compares first, for ``PrefetchPipeline``'s second step to prefetch.
    @inlinable @inline(__always)
    static func homeOccupant(_ slots: [UInt64], _ hash: UInt64) -> Int? {
        let slot = slots[Int(truncatingIfNeeded: hash) & (slots.count &- 1)]
        return slot != empty && tagMatches(slot, hash) ? index(slot) : nil
    }

    /// Slots of `size` (a power of two) holding each entry at its hash's place.
    @usableFromInline
    static func rebuilt(for hashes: [UInt64], size: Int) -> [UInt64] {
        var slots = [UInt64](repeating: empty, count: size)
        let mask = size - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != empty { slot = (slot + 1) & mask }
            slots[slot] = entry(Int32(index), hash)
        }
        return slots
    }
}
