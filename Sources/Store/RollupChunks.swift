import LogScanner
import Rollups
import TLSSessions

/// A commit's rollup rows as the SQLite tables store them, in each table's key order
/// (``KeyOrder``), cut into ``RowChunk``s by the `builder` given (empty). Pure: no database, so
/// that a table's rows can be built on a thread of its own (``RowChunkSource``) while the
/// committing thread writes.
enum RollupChunks {
    /// The rows of `session_rollup`.
    static func sessions(_ d: RollupDelta, _ m: DeltaIDs, _ builder: RowChunkBuilder, emit: (RowChunk) throws -> Void) rethrows {
        try chunks(d.sessionCounts, width: 9, m, builder, emit: emit, order: { k, order in
            order.appendSessionKey(k, suite: m.suite(k.negotiation), error: m.text(k.error))
        }, columns: { k, row in
            row.append(k.outcome.name)
            row.append(m.suite(k.negotiation))
            row.append(m.text(k.error))
            row.append(k.activity.name)
            row.append(k.negotiation.map { d.tables.negotiations[$0].protocolVersion.name } ?? "")
        })
    }

    /// The rows of `identity_rollup`.
    static func identities(_ d: RollupDelta, _ m: DeltaIDs, _ builder: RowChunkBuilder, emit: (RowChunk) throws -> Void) rethrows {
        try chunks(d.identityCounts, width: 12, m, builder, emit: emit, order: { k, order in
            order.appendIdentityKey(k, nameIDs: m.names)
        }, columns: { k, row in
            row.append(k.outcome.name)
            row.append(k.protocolVersion?.name ?? "")
            row.append(m.name(k.ehlo))
            row.append(m.name(k.senderDomain))
            row.append(m.name(k.authUser))
            row.append(m.name(k.certificateSubject))
            row.append(m.name(k.certificateThumbprint))
        })
    }

    /// A rollup's rows in key order: each key's party (day, server, direction, connector,
    /// address), then the words (`order`) and values (`columns`) of the table's own key columns
    /// and payload, then its tally. `width`: the key's words, party included. Inlined into each
    /// table's function so that the closures are too (out of line: +1.2 M instructions on the
    /// fixed corpus).
    @inline(__always)
    private static func chunks<Key: RollupPartyKey>(
        _ table: TallyTable<Key>, width: Int, _ m: DeltaIDs, _ builder: RowChunkBuilder, emit: (RowChunk) throws -> Void,
        order appendOrder: (Key, inout KeyOrder) -> Void, columns appendColumns: (Key, inout ParameterRow) -> Void
    ) rethrows {
        var order = KeyOrder(width: width, rows: table.count)
        table.forEach { k, _ in
            order.appendParty(
                day: k.day, server: m.servers[Int(k.server)], logType: k.logType, connector: m.connectors[Int(k.connector)],
                address: m.addresses[Int(k.address)])
            appendOrder(k, &order)
        }
        var builder = builder
        var days = DayTextCache()
        let sorted = order.sortedRows()
        for (n, i) in sorted.enumerated() {
            // Key order is no order of the table's: each row's key asked for some rows ahead.
            if n &+ rowsAhead < sorted.count { table.prefetch(position: sorted[n &+ rowsAhead]) }
            let (k, t) = table[position: i]
            let server = m.servers[Int(k.server)]
            try builder.add(RollupHead(day: k.day, server: server), emit: emit) { row in
                appendParty(&row, days.text(k.day), server, k.logType, m.connectors[Int(k.connector)], m.addresses[Int(k.address)])
                appendColumns(k, &row)
                row.append(t)
            }
        }
        try builder.finish(emit: emit)
    }

    /// How many rows ahead a row's key and count are prefetched (``TallyTable/prefetch(position:)``).
    private static let rowsAhead = 8

    /// An authentication failure's key with its texts already the store's ids (looking them up
    /// needs the database): server, connector, address; user, mechanism, error.
    struct AuthFailure: Sendable {
        var party: [Int64]
        var attempt: [Int64]
        var key: AuthFailureKey
        var tally: Tally
    }

    /// The rows of `auth_failure_rollup`.
    static func authFailures(_ failures: [AuthFailure], _ builder: RowChunkBuilder, emit: (RowChunk) throws -> Void) rethrows {
        var order = KeyOrder(width: 8, rows: failures.count)
        for f in failures {
            order.appendParty(day: f.key.day, server: f.party[0], logType: f.key.logType, connector: f.party[1], address: f.party[2])
            for id in f.attempt { order.append(id) }
        }
        var builder = builder
        var days = DayTextCache()
        for i in order.sortedRows() {
            let f = failures[i]
            try builder.add(RollupHead(day: f.key.day, server: f.party[0]), emit: emit) { row in
                appendParty(&row, days.text(f.key.day), f.party[0], f.key.logType, f.party[1], f.party[2])
                for id in f.attempt { row.append(id) }
                row.append(f.tally)
            }
        }
        try builder.finish(emit: emit)
    }

    /// Appends a rollup row's party: day, then the ids of server, connector and address.
    private static func appendParty(_ row: inout ParameterRow, _ day: [UInt8], _ server: Int64, _ logType: LogType, _ connector: Int64, _ remote: Int64) {
        row.append(bytes: day)
        row.append(server)
        row.append(logType.name)
        row.append(connector)
        row.append(remote)
    }
}

/// The party of a rollup key, as both big rollups' keys carry it.
protocol RollupPartyKey: TallyKey {
    var day: Int64 { get }
    var server: Int32 { get }
    var logType: LogType { get }
    var connector: Int32 { get }
    var address: Int32 { get }
}

extension SessionTallies.OutcomeKey: RollupPartyKey {}
extension SessionTallies.IdentityKey: RollupPartyKey {}
