import LogScanner

/// Gives each distinct value a small integer id, like ``Interner``, for values that hash
/// themselves in straight-line code (``TallyKey``): the tallies' remote addresses, one lookup
/// per finished session, where a `Dictionary`'s SipHash cost several hundred instructions.
///
/// Open addressing over a power-of-two slot array kept at most half full; the values and their
/// hashes in arrays in id order.
public struct FlatInterner<Value: TallyKey>: Sendable {
    public private(set) var values: [Value] = []
    private var hashes: [UInt64] = []
    /// Ids by hash slot; -1 is empty.
    private var slots = [Int32](repeating: -1, count: 64)
    private let seed = TallySeed.value

    public init() {}

    /// The id of `value`, assigning the next one the first time it is seen.
    public mutating func id(_ value: Value) -> Int32 {
        let hash = value.tallyHash(seed: seed)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let id = slots[slot]
            if hashes[Int(id)] == hash && values[Int(id)] == value { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(values.count)
        slots[slot] = id
        values.append(value)
        hashes.append(hash)
        if values.count * 2 > slots.count { grow() }
        return id
    }

    public subscript(id: Int32) -> Value { values[Int(id)] }

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
