import LogScanner

/// Gives each distinct value a small integer id, like ``Interner``, for values that hash
/// themselves in straight-line code (``TallyKey``): the tallies' remote addresses, one lookup
/// per finished session, where a `Dictionary`'s SipHash cost several hundred instructions.
///
/// Open addressing over a power-of-two slot array kept at most half full; the values and their
/// hashes in arrays in id order.
public struct FlatInterner<Value: TallyKey>: Sendable {
    public private(set) var values: [Value] = []
    @usableFromInline var hashes: [UInt64] = []
    /// Ids by hash slot, with their hashes' high bits (``SlotArray``).
    @usableFromInline var slots = [UInt64](repeating: SlotArray.empty, count: 64)
    @usableFromInline let seed = TallySeed.value

    public init() {}

    /// The id of `value`, assigning the next one the first time it is seen.
    public mutating func id(_ value: Value) -> Int32 {
        id(value, hash: value.tallyHash(seed: seed))
    }

    @usableFromInline
    mutating func id(_ value: Value, hash: UInt64) -> Int32 {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != SlotArray.empty {
            let entry = slots[slot]
            let id = SlotArray.index(entry)
            if SlotArray.tagMatches(entry, hash) && values[id] == value { return Int32(id) }
            slot = (slot + 1) & mask
        }
        let id = Int32(values.count)
        slots[slot] = SlotArray.entry(id, hash)
        values.append(value)
        hashes.append(hash)
        if values.count * 2 > slots.count { grow() }
        return id
    }

    public subscript(id: Int32) -> Value { values[Int(id)] }

    /// The ids of `batch`'s values, in order, as ``id(_:)`` would give them one by one, with the
    /// cache misses of several lookups overlapped (see ``TallyTable/add(_:mapping:)``): a batch's
    /// table is cold when the merge maps an input's addresses into it.
    @inlinable
    public mutating func ids(of batch: [Value]) -> [Int32] {
        var size = slots.count
        while (values.count + batch.count) * 2 > size { size *= 2 }
        if size > slots.count { slots = SlotArray.rebuilt(for: hashes, size: size) }
        guard slots.count >= PrefetchPipeline.fromSlots else { return batch.map { id($0) } }
        let batchHashes = batch.map { $0.tallyHash(seed: seed) }
        var result: [Int32] = []
        result.reserveCapacity(batch.count)
        PrefetchPipeline.run(count: batch.count, slot: { SlotArray.prefetchHome(slots, batchHashes[$0]) }, entry: { j in
            guard let id = SlotArray.homeOccupant(slots, batchHashes[j]) else { return }
            values.withUnsafeBufferPointer { Prefetch.element($0, id) }
        }, body: { j in
            result.append(id(batch[j], hash: batchHashes[j]))
        })
        return result
    }

    /// Forgets every value from id `count` on (``InternedTables/rollback(to:)``).
    mutating func truncate(to count: Int) {
        guard count < values.count else { return }
        values.removeSubrange(count...)
        hashes.removeSubrange(count...)
        slots = SlotArray.rebuilt(for: hashes, size: slots.count)
    }

    private mutating func grow() {
        slots = SlotArray.rebuilt(for: hashes, size: slots.count * 2)
    }
}

extension RemoteAddress: TallyKey {
    public func tallyHash(seed: UInt64) -> UInt64 {
        // Twice, so the word's high half reaches the low bits a slot is taken from.
        TallyHash.mix(TallyHash.mix(seed, hashWord), hashWord >> 32)
    }
}
