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
/// Rows must start with `server, log_type, connector, remote_ip` (columns 0–3). Rows come in key
/// order (day, server, log type, connector, …), so the three scope columns nearly always repeat
/// the previous row's: they are compared as bytes and only turned into strings when they change.
struct PartyIndex {
    private struct Scope: Hashable {
        var server: String
        var logType: String
        var connector: String
    }
    private struct Key: Hashable {
        var scope: Int32
        var remoteIP: String?
    }

    private var scopes: [Scope] = []
    private var scopeIDs: [Scope: Int32] = [:]
    private var last: (server: [UInt8], logType: [UInt8], connector: [UInt8], id: Int32)?
    private var ids: [Key: Int] = [:]
    private var keys: [Key] = []

    var count: Int { keys.count }

    func party(_ id: Int) -> Party {
        let key = keys[id], scope = scopes[Int(key.scope)]
        return Party(server: scope.server, logType: scope.logType, connector: scope.connector, remoteIP: key.remoteIP)
    }

    /// The number of the row's party, assigned on first sight.
    mutating func add(_ row: Snapshot.Cursor) -> Int {
        let key = Key(scope: scope(row), remoteIP: row.optionalText(3))
        if let id = ids[key] { return id }
        ids[key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    /// The number of the row's party when it was seen before, nil otherwise.
    mutating func find(_ row: Snapshot.Cursor) -> Int? {
        ids[Key(scope: scope(row), remoteIP: row.optionalText(3))]
    }

    private mutating func scope(_ row: Snapshot.Cursor) -> Int32 {
        if let last, row.textEquals(0, last.server), row.textEquals(1, last.logType), row.textEquals(2, last.connector) {
            return last.id
        }
        let scope = Scope(server: row.text(0), logType: row.text(1), connector: row.text(2))
        let id: Int32
        if let known = scopeIDs[scope] {
            id = known
        } else {
            id = Int32(scopes.count)
            scopes.append(scope)
            scopeIDs[scope] = id
        }
        last = (Array(scope.server.utf8), Array(scope.logType.utf8), Array(scope.connector.utf8), id)
        return id
    }
}

/// Distinct values in the order first seen (what `group_concat(DISTINCT …)` printed).
struct FirstSeenSet {
    private(set) var values: [String] = []
    /// Beside `values` once there are many (a bulk sender's domains over a year).
    private var seen: Set<String>?

    mutating func insert(_ value: String?) {
        guard let value else { return }
        if seen == nil {
            guard !values.contains(value) else { return }
            if values.count == 16 { seen = Set(values) }
        }
        if seen != nil, seen!.insert(value).inserted == false { return }
        values.append(value)
    }

    /// Comma-separated, NULL when empty.
    var sqlValue: SQLValue { values.isEmpty ? .null : .text(values.joined(separator: ",")) }
}
