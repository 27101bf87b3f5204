import LogScanner

/// What a tracker already worked out for a field's exact bytes: TLS sentences and certificate
/// rows repeat from session to session (a few suites, a few partners' certificates), so each
/// distinct text is parsed once per input and then found by a hash and a compare.
///
/// Bounded: past `limit` distinct texts (a log full of odd sentences) fields are parsed every
/// time and nothing more is kept.
struct RowCache<Result: Sendable>: Sendable {
    private var table = ByteTable()
    /// Per id: the result, and whether the field it came from was quoted (the same bytes quoted
    /// and unquoted unescape differently, so a mismatch is parsed afresh).
    private var results: [(result: Result, quoted: Bool)] = []
    let limit: Int
    /// The two ids found last: consecutive rows often repeat a text (the same connector, the
    /// same suite; a log interleaves two connectors), and comparing against them costs a
    /// `memcmp` instead of a hash.
    private var lastID: Int32 = -1
    private var previousID: Int32 = -1

    init(limit: Int = 4096) { self.limit = limit }

    /// The cached result for `field`, or `parse(field, &tables)` (kept for next time).
    mutating func result(
        for field: FieldView, tables: inout InternedTables, parse: (FieldView, inout InternedTables) -> Result
    ) -> Result {
        if lastID >= 0, table.equals(lastID, field.bytes), results[Int(lastID)].quoted == field.isQuoted {
            return results[Int(lastID)].result
        }
        if previousID >= 0, table.equals(previousID, field.bytes), results[Int(previousID)].quoted == field.isQuoted {
            swap(&lastID, &previousID)
            return results[Int(lastID)].result
        }
        guard table.count < limit else { return parse(field, &tables) }
        let (id, inserted) = table.id(field.bytes)
        if id != lastID { previousID = lastID }
        lastID = id
        if !inserted {
            let entry = results[Int(id)]
            return entry.quoted == field.isQuoted ? entry.result : parse(field, &tables)
        }
        let result = parse(field, &tables)
        results.append((result, field.isQuoted))
        return result
    }
}
