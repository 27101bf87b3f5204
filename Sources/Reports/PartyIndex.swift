import LogScanner
import Store

/// A remote party as reports count it: one remote address on one connector of one server, in one
/// direction (`remote_ip` NULL is a party of its own: the address was masked or missing).
public struct Party: Hashable, Sendable {
    public var server: String
    public var logType: String
    public var connector: String
    public var remoteIP: String?
}

/// Numbers the parties of rows read from the public views in one pass, in the order they come,
/// so that a report groups millions of rollup rows with a hash lookup per row instead of an
/// SQLite sort on four text columns (the cost that made `impact --all` take minutes on a year).
///
/// Rows must start with `server_id, log_type, connector_id, remote_id` (columns 0–3): a party is
/// a few integers, and a query that selects no text of the party lets SQLite skip the views'
/// dictionary joins for every row. The texts of the parties a report lists are read afterwards,
/// once per id (``party(_:names:)``).
struct PartyIndex {
    private struct Key: Equatable {
        var server: Int64
        var connector: Int64
        var remote: Int64
        var send: Bool
    }

    /// Open addressing over a power-of-two array, linear probing, at most half full. A slot holds
    /// its key beside the party's number (0: empty, else number + 1), so that a lookup — one per
    /// row read, millions per report — touches one place in memory. With a Swift `Dictionary`
    /// (a seeded hash of the whole key, then the key array) the year-long `impact --all` spent
    /// more time in lookups than SQLite took to read the rows.
    private struct Slot {
        var key: Key
        var number: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private var keys: [Key] = []

    init() {
        slots = Array(repeating: Slot(key: Key(server: 0, connector: 0, remote: 0, send: false), number: 0), count: 1024)
        mask = 1023
    }

    var count: Int { keys.count }

    private static func key(_ row: Snapshot.Cursor) -> Key {
        Key(server: row.int(0), connector: row.int(2), remote: row.int(3), send: row.textEquals(1, Self.send))
    }
    private static let send = Array(LogType.send.name.utf8)

    /// A slot to start probing at: the ids mixed by odd multipliers, the high bits kept.
    private func home(_ k: Key) -> Int {
        var h = UInt64(bitPattern: k.remote) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(bitPattern: k.connector) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= UInt64(bitPattern: k.server) &* 0x1656_67B1_9E37_79F9
        h ^= k.send ? 0xD6E8_FEB8_6659_FD93 : 0
        h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h >> 32) & mask
    }

    /// The slot holding `k`, or the empty one where it belongs.
    private func probe(_ k: Key) -> Int {
        var i = home(k)
        while slots[i].number != 0 && slots[i].key != k { i = (i &+ 1) & mask }
        return i
    }

    /// The number of the row's party, assigned on first sight.
    mutating func add(_ row: Snapshot.Cursor) -> Int { add(Self.key(row)) }

    /// The number of party `server, connector, remote` (ids) in direction `send`, assigned on first sight.
    mutating func add(server: Int64, connector: Int64, remote: Int64, send: Bool) -> Int {
        add(Key(server: server, connector: connector, remote: remote, send: send))
    }

    private mutating func add(_ k: Key) -> Int {
        let i = probe(k)
        if slots[i].number != 0 { return Int(slots[i].number) - 1 }
        keys.append(k)
        slots[i] = Slot(key: k, number: Int32(keys.count))
        if keys.count * 2 > slots.count { grow() }
        return keys.count - 1
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(key: old[0].key, number: 0), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.number != 0 { slots[probe(slot.key)] = slot }
    }

    /// Adds the parties of `other` (those not here yet, in `other`'s order) and returns, for
    /// each of `other`'s numbers, the number here.
    mutating func adopt(_ other: PartyIndex) -> [Int] {
        other.keys.map { add($0) }
    }

    /// The number of the row's party when it was seen before, nil otherwise.
    func find(_ row: Snapshot.Cursor) -> Int? { find(Self.key(row)) }

    /// The number of a party seen before, nil otherwise.
    func find(server: Int64, connector: Int64, remote: Int64, send: Bool) -> Int? {
        find(Key(server: server, connector: connector, remote: remote, send: send))
    }

    private func find(_ k: Key) -> Int? {
        let slot = slots[probe(k)]
        return slot.number == 0 ? nil : Int(slot.number) - 1
    }

    /// The ids of party `number`'s texts (server, connector, address), to read in one go.
    func textIDs(_ number: Int) -> [Int64] {
        let k = keys[number]
        return [k.server, k.connector, k.remote]
    }

    /// Party `number`, its texts read through `names`.
    func party(_ number: Int, names: TextLookup) throws -> Party {
        let k = keys[number]
        let remote = try names.text(k.remote)
        return Party(
            server: try names.text(k.server), logType: (k.send ? LogType.send : .receive).name,
            connector: try names.text(k.connector), remoteIP: remote.isEmpty ? nil : remote)
    }
}

/// Distinct values in the order first seen (what `group_concat(DISTINCT …)` printed).
struct FirstSeenSet<Value: Hashable & Sendable>: Sendable {
    private(set) var values: [Value] = []
    /// Beside `values` once there are many (a bulk sender's domains over a year).
    private var seen: Set<Value>?

    mutating func insert(_ value: Value?) {
        guard let value else { return }
        if seen == nil {
            guard !values.contains(value) else { return }
            if values.count == 16 { seen = Set(values) }
        }
        if seen != nil, seen!.insert(value).inserted == false { return }
        values.append(value)
    }
}

extension FirstSeenSet where Value == String {
    /// Comma-separated, NULL when empty.
    var sqlValue: SQLValue { values.isEmpty ? .null : .text(values.joined(separator: ",")) }
}
