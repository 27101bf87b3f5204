/// The slot array of the tables that keep their entries in arrays by dense index and find them
/// by hash (``ByteTable``, ``FlatInterner``, ``TallyTable``): open addressing with linear
/// probing over a power-of-two size, -1 for an empty slot.
@usableFromInline
enum SlotArray {
    /// Hints that the home slot of `hash` will be read soon (``PrefetchPipeline``'s first step).
    @inlinable @inline(__always)
    static func prefetchHome(_ slots: [Int32], _ hash: UInt64) {
        slots.withUnsafeBufferPointer { Prefetch.element($0, Int(truncatingIfNeeded: hash) & ($0.count &- 1)) }
    }

    /// The dense index in the home slot of `hash`, nil when it is empty: the entry a lookup
    /// compares first, for ``PrefetchPipeline``'s second step to prefetch.
    @inlinable @inline(__always)
    static func homeOccupant(_ slots: [Int32], _ hash: UInt64) -> Int? {
        let i = slots[Int(truncatingIfNeeded: hash) & (slots.count &- 1)]
        return i >= 0 ? Int(i) : nil
    }

    /// Slots of `size` (a power of two) holding each entry's dense index at its hash's place.
    @usableFromInline
    static func rebuilt(for hashes: [UInt64], size: Int) -> [Int32] {
        var slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
        return slots
    }
}
