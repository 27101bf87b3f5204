import LogScanner

/// Byte strings to dense ids (0, 1, 2, …), looked up without allocating: the hot path's interning
/// of values that repeat across sessions (EHLO names, sender domains, TLS sentences, certificate
/// rows). Open addressing over a power-of-two slot array, kept at most half full; keys live in
/// one byte arena.
struct ByteTable: Sendable {
    private var arena: [UInt8] = []
    /// Key `id` is `arena[starts[id] ..< starts[id + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Ids by hash slot, with their hashes' high bits (``SlotArray``).
    private var slots = [UInt64](repeating: SlotArray.empty, count: 64)
    /// Drawn once per process, so that crafted log values cannot be chosen to collide
    /// (placement only: ids do not depend on it).
    private let seed = HashSeed.byteTables

    var count: Int { hashes.count }

    /// The id of `key`, assigning the next one (and copying the key) the first time it is seen.
    mutating func id(_ key: UnsafeRawBufferPointer) -> (id: Int32, inserted: Bool) {
        let hash = Self.hash(key, seed: seed)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == SlotArray.empty { break }
            let id = Int32(SlotArray.index(entry))
            if SlotArray.tagMatches(entry, hash) && equals(id, key) { return (id, false) }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = SlotArray.entry(id, hash)
        if hashes.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// Whether key `id` is exactly `key`'s bytes.
    func equals(_ id: Int32, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = starts[Int(id)]
        let length = starts[Int(id) + 1] - start
        guard length == key.count else { return false }
        guard length > 0 else { return true }
        return arena.withUnsafeBytes { memoryEquals($0.baseAddress! + start, key.baseAddress!, length) }
    }

    /// Forgets every key from id `count` on (``InternedTables/rollback(to:)``).
    mutating func truncate(to count: Int) {
        guard count < hashes.count else { return }
        arena.removeSubrange(starts[count]...)
        starts.removeSubrange((count + 1)...)
        hashes.removeSubrange(count...)
        slots = SlotArray.rebuilt(for: hashes, size: slots.count)
    }

    private mutating func grow() {
        slots = SlotArray.rebuilt(for: hashes, size: slots.count * 2)
    }

    /// A seeded multiply-xor hash over 8-byte words.
    static func hash(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h: UInt64 = seed ^ UInt64(key.count) &* 0x243F_6A88_85A3_08D3
        var i = 0
        while i + 8 <= key.count {
            h = (h ^ key.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        // The last 1–7 bytes in one load: the key's last eight (overlapping the words above) or,
        // for a shorter key, two overlapping four-byte loads or its first, middle and last byte
        // (the length is in `h`, so these cover every byte of the key).
        let n = key.count
        var tail: UInt64 = 0
        if i < n {
            if n >= 8 {
                tail = key.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            } else if n >= 4 {
                tail = UInt64(key.loadUnaligned(as: UInt32.self)) | UInt64(key.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(key[0]) | UInt64(key[n >> 1]) << 8 | UInt64(key[n &- 1]) << 16
            }
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
