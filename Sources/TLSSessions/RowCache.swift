import LogScanner

/// What a tracker already worked out for a field's exact bytes: TLS sentences and certificate
/// rows repeat from session to session (a few suites, a few partners' certificates), so each
/// distinct text is parsed once per input and then found again by a compare (``recent``) or a
/// hash and a compare.
///
/// Bounded: past `limit` distinct texts (a log full of odd sentences) fields are parsed every
/// time and nothing more is kept.
struct RowCache<Result: Sendable>: Sendable {
    private var table = ByteTable()
    /// Per id: the result, and whether the field it came from was quoted (the same bytes quoted
    /// and unquoted unescape differently, so a mismatch is parsed afresh).
    private var results: [(result: Result, quoted: Bool)] = []
    let limit: Int
    /// Ids found lately, by a slot chosen from the text's length and its first and last eight
    /// bytes (-1: none): a log's few connectors and suites each keep a slot, so a text seen
    /// before is found by one `memcmp` instead of a hash of all its bytes (a TLS sentence is
    /// 200 bytes). The slot is only a guess; the compare decides.
    private var recent = [Int32](repeating: -1, count: 64)

    init(limit: Int = 4096) { self.limit = limit }

    /// The cached result for `field`, or `parse(field, &tables)` (kept for next time).
    mutating func result(
        for field: FieldView, tables: inout InternedTables, parse: (FieldView, inout InternedTables) -> Result
    ) -> Result {
        let slot = Self.recentSlot(field.bytes)
        let seen = recent[slot]
        if seen >= 0, table.equals(seen, field.bytes), results[Int(seen)].quoted == field.isQuoted {
            return results[Int(seen)].result
        }
        guard table.count < limit else { return parse(field, &tables) }
        let (id, inserted) = table.id(field.bytes)
        recent[slot] = id
        if !inserted {
            let entry = results[Int(id)]
            return entry.quoted == field.isQuoted ? entry.result : parse(field, &tables)
        }
        let result = parse(field, &tables)
        results.append((result, field.isQuoted))
        return result
    }

    /// The slot of ``recent`` (one of 64: the hash's top six bits) for a text: its length and
    /// first and last eight bytes, mixed.
    @inline(__always)
    static func recentSlot(_ b: UnsafeRawBufferPointer) -> Int {
        let n = b.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8, let base = b.baseAddress {
            h ^= base.loadUnaligned(as: UInt64.self)
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            h ^= base.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            h &*= 0x94D0_49BB_1331_11EB
        }
        return Int(truncatingIfNeeded: h >> 58)
    }
}
