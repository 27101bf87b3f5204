import Foundation
import LogScanner
import Rollups
import TLSSessions

/// The order a commit upserts a rollup's rows in: its table's primary-key order.
///
/// SQLite seeks every upserted key from the root of the table's B-tree, comparing the key with
/// a dozen stored rows on the way, unless its cursor is on the table's last leaf and the key
/// is not below that leaf's first row: then it searches that leaf alone. Rows written in key
/// order for a day past every stored row (a new database; tonight's logs) therefore append.
/// Measured with the `sqlite3` shell under callgrind on 14,000 session-rollup rows: 3,400
/// instructions a row in key order against 11,000 in hash order (docs/performance.md, "Rows in
/// key order"). Elsewhere in the table the order costs nothing but the sort. PostgreSQL's B-tree
/// has the same shortcut for a key past its last leaf's (the PostgreSQL store copies its rows
/// in this order too: a quarter less of the server's time for a new day's rows).
///
/// A row's key is given as `width` integers that compare the way SQLite compares the stored
/// key: ids as they are, a day as its number (its ISO text sorts the same way) and a text of a
/// closed vocabulary as its name's rank (``NameOrder``).
public struct KeyOrder {
    public let width: Int
    /// Each word big-endian with its sign bit flipped, so that comparing a row's bytes compares
    /// its words as signed integers, first word first.
    private var bytes: [UInt64] = []

    public init(width: Int, rows: Int) {
        self.width = width
        bytes.reserveCapacity(width * rows)
    }

    /// The next word of the row being appended (`width` words a row, in key order).
    public mutating func append(_ word: Int64) {
        bytes.append((UInt64(bitPattern: word) ^ (1 << 63)).bigEndian)
    }

    public var rows: Int { bytes.count / width }

    /// Row numbers (in the order their keys were appended) in ascending key order.
    public func sortedRows() -> [Int] {
        precondition(bytes.count % width == 0, "a row's key is \(width) words")
        var rows = Array(0..<rows)
        let stride = width * 8
        bytes.withUnsafeBytes { b in
            rows.sort { memcmp(b.baseAddress! + $0 &* stride, b.baseAddress! + $1 &* stride, stride) < 0 }
        }
        return rows
    }
}

/// Each case's rank among its type's names in byte order: the order in which a text column
/// holding the names sorts under SQLite's default (`BINARY`) collation.
struct NameOrder<Value: CaseIterable & Equatable & Sendable>: Sendable {
    /// Every case with its rank; a handful, so a lookup is a short walk with no hashing.
    private let ranks: [(value: Value, rank: Int64)]

    init(_ name: (Value) -> String) {
        let sorted = Value.allCases.sorted { Array(name($0).utf8).lexicographicallyPrecedes(Array(name($1).utf8)) }
        ranks = sorted.enumerated().map { ($1, Int64($0)) }
    }

    subscript(_ value: Value) -> Int64 {
        for r in ranks where r.value == value { return r.rank }
        preconditionFailure("every case has a rank")
    }

    /// An optional value stored as its name or as the empty text, which sorts first.
    subscript(_ value: Value?) -> Int64 { value.map { self[$0] + 1 } ?? 0 }
}

/// The two big rollups' keys as words, in their primary keys' column order — one place for both
/// stores (the SQLite commit's rows, PostgreSQL's copied rows).
extension KeyOrder {
    /// A rollup row's party as key words: day, server, log type, connector, address (the store's
    /// ids for the server, connector and address).
    @inline(__always)
    public mutating func appendParty(day: Int64, server: Int64, logType: LogType, connector: Int64, address: Int64) {
        append(day)
        append(server)
        append(RollupKeyNames.logType[logType])
        append(connector)
        append(address)
    }

    /// The rest of a `session_rollup` key after its party: outcome, suite, error, activity.
    @inline(__always)
    public mutating func appendSessionKey(_ k: SessionTallies.OutcomeKey, suite: Int64, error: Int64) {
        append(RollupKeyNames.outcome[k.outcome])
        append(suite)
        append(error)
        append(RollupKeyNames.activity[k.activity])
    }

    /// The rest of an `identity_rollup` key after its party: outcome, protocol, then the store's
    /// ids of EHLO name, sender domain, user, certificate subject and thumbprint (`nameIDs`: the
    /// store's id of each of the delta's names; no name is 0).
    @inline(__always)
    public mutating func appendIdentityKey(_ k: SessionTallies.IdentityKey, nameIDs: [Int64]) {
        append(RollupKeyNames.outcome[k.outcome])
        append(RollupKeyNames.protocolVersion[k.protocolVersion])
        // One by one, not over an array of the five (one a row to allocate).
        append(k.ehlo.map { nameIDs[Int($0)] } ?? 0)
        append(k.senderDomain.map { nameIDs[Int($0)] } ?? 0)
        append(k.authUser.map { nameIDs[Int($0)] } ?? 0)
        append(k.certificateSubject.map { nameIDs[Int($0)] } ?? 0)
        append(k.certificateThumbprint.map { nameIDs[Int($0)] } ?? 0)
    }
}

/// The ranks of the rollups' closed-vocabulary key columns (``NameOrder``). Each its own static
/// (one struct of the four, read per row, was copied with its four arrays each time: +4 M
/// instructions on the fixed corpus).
enum RollupKeyNames {
    static let logType = NameOrder<LogType>(\.name)
    static let outcome = NameOrder<OutcomeKind>(\.name)
    static let activity = NameOrder<SessionActivity>(\.name)
    static let protocolVersion = NameOrder<TLSProtocol>(\.name)
}
