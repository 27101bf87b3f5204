import CSQLite
import TLSSessions

/// One row of statement parameters, kept in a single byte arena and bound without copying.
///
/// An upsert binds up to 19 values; binding each text with `SQLITE_TRANSIENT` made SQLite
/// allocate, copy and later free every one of them (a third of the commit thread's time went to
/// `bind_text` and `clear_bindings`). Here the texts are appended to one reusable arena and bound
/// `SQLITE_STATIC`.
///
/// Invariants (the only unsafe pointer use in Store):
/// - pointers into the arena are handed to SQLite inside one `withUnsafeBytes` call, which also
///   steps the statement to completion and clears the bindings before it returns, so SQLite never
///   holds a pointer to the arena after the call;
/// - the arena is not mutated while bound (the row is borrowed for the call).
public struct ParameterRow: Sendable {
    enum Value: Sendable {
        case integer(Int64)
        case text(offset: Int, count: Int)
    }

    var arena: [UInt8] = []
    var values: [Value] = []

    public init() {
        arena.reserveCapacity(1024)
        values.reserveCapacity(24)
    }

    public mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    public mutating func append(_ v: Int64) { values.append(.integer(v)) }
    public mutating func append(_ v: Int) { values.append(.integer(Int64(v))) }

    public mutating func append(_ s: String) {
        let start = arena.count
        var s = s
        // One copy of the contiguous UTF-8 (the generic `utf8` view appends byte by byte).
        s.withUTF8 { arena.append(contentsOf: $0) }
        values.append(.text(offset: start, count: arena.count - start))
    }

    /// Raw bytes as TEXT, unchanged (values are stored exactly as logged, even non-UTF-8).
    public mutating func append(bytes: [UInt8]) {
        let start = arena.count
        arena.append(contentsOf: bytes)
        values.append(.text(offset: start, count: bytes.count))
    }

    /// Appends a tally's three columns: `sessions`, `first_seen`, `last_seen`.
    public mutating func append(_ t: TallyCount) {
        append(t.sessions)
        append(t.firstSeen)
        append(t.lastSeen)
    }

    /// Appends text produced in place (an address, a day) without an intermediate String.
    public mutating func appendText(_ write: (inout [UInt8]) -> Void) {
        let start = arena.count
        write(&arena)
        values.append(.text(offset: start, count: arena.count - start))
    }
}

extension Statement {
    /// Binds `row` (parameter i + 1 is the row's value i), runs the statement to completion and
    /// resets it. A bind SQLite refuses (a parameter the statement does not have) is an error.
    public func run(_ row: borrowing ParameterRow) throws {
        try run(row, values: 0..<row.values.count)
    }

    /// Binds the row's values in `values` (parameter i + 1 is value `values.lowerBound + i`) and
    /// runs the statement as ``run(_:)`` does.
    public func run(_ row: borrowing ParameterRow, values: Range<Int>) throws {
        try row.arena.withUnsafeBytes { arena in
            defer {
                sqlite3_reset(stmt)
                sqlite3_clear_bindings(stmt)
            }
            let base = arena.baseAddress
            for (i, value) in row.values[values].enumerated() {
                let index = Int32(i + 1)
                let rc: Int32
                switch value {
                case .integer(let v):
                    rc = sqlite3_bind_int64(stmt, index, v)
                case .text(let offset, let count):
                    // An empty text still needs a non-NULL pointer, or SQLite stores NULL.
                    let pointer = count == 0 || base == nil ? smtptls_empty_text() : base!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                    rc = sqlite3_bind_text(stmt, index, pointer, Int32(count), smtptls_sqlite_static())
                }
                guard rc == SQLITE_OK else {
                    throw StoreError(code: rc, message: "cannot bind parameter \(index): \(db.lastMessage)", sql: sql, path: db.path)
                }
            }
            while try step() {}
        }
    }
}
