/// The slot array of the tables that keep their entries in arrays by dense index and find them
/// by hash (``ByteTable``, ``FlatInterner``, ``TallyTable``): open addressing with linear
/// probing over a power-of-two size, -1 for an empty slot.
@usableFromInline
enum SlotArray {
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
