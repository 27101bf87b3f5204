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
    private struct Key: Hashable {
        var server: Int64
        var connector: Int64
        var remote: Int64
        var send: Bool
    }

    private var ids: [Key: Int] = [:]
    private var keys: [Key] = []

    var count: Int { keys.count }

    private static func key(_ row: Snapshot.Cursor) -> Key {
        Key(server: row.int(0), connector: row.int(2), remote: row.int(3), send: row.textEquals(1, Self.send))
    }
    private static let send = Array(LogType.send.name.utf8)

    /// The number of the row's party, assigned on first sight.
    mutating func add(_ row: Snapshot.Cursor) -> Int {
        let key = Self.key(row)
        if let id = ids[key] { return id }
        ids[key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    /// The number of the row's party when it was seen before, nil otherwise.
    func find(_ row: Snapshot.Cursor) -> Int? { ids[Self.key(row)] }

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
struct FirstSeenSet<Value: Hashable> {
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
