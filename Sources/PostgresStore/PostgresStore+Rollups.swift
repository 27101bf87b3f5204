import LogScanner
import Rollups
import Store
import TLSSessions

/// The two big rollups written by the delta's integer keys: each distinct value of the delta
/// becomes a store id once, and the rows go out as integers (no key of strings is made or hashed
/// per row). Possible when every text of the delta is already what PostgreSQL stores — UTF-8
/// without NUL — so that distinct delta keys stay distinct keys in the database; otherwise
/// ``RollupRows`` re-sums the rows by their converted texts.
extension PostgresStore {
    /// The store's ids for a delta's values, by the delta's own ids.
    struct DeltaIDs {
        var servers: [Int64]
        var connectors: [Int64]
        var names: [Int64]
        var texts: [Int64]
        var suites: [Int64]
        /// By the delta's address id.
        var addresses: [Int64]

        func name(_ id: Int32?) -> Int64 { id.map { names[Int($0)] } ?? 0 }
        func text(_ id: Int32?) -> Int64 { id.map { texts[Int($0)] } ?? 0 }
        func suite(_ id: Int32?) -> Int64 { id.map { suites[Int($0)] } ?? 0 }
    }

    /// The ids of every value of `d` (new texts stored first, with `extra`); nil when two values
    /// of one table become the same text in PostgreSQL (bytes that are not UTF-8 become U+FFFD,
    /// NUL is dropped: `String(postgresText:)`), whose rows must then be summed by text. A value
    /// that merely changes keeps its own id (a single odd EHLO name used to send every row of
    /// its batch the slow way).
    func deltaIDs(_ d: RollupDelta, alsoStoring extra: Set<String>) throws -> DeltaIDs? {
        var all = extra
        func texts(_ values: [[UInt8]]) -> [String]? {
            var result: [String] = []
            result.reserveCapacity(values.count)
            var changed = false
            for v in values {
                let t: String
                if !v.contains(0), let valid = String(validating: v, as: UTF8.self) {
                    t = valid
                } else {
                    t = String(postgresText: v)
                    changed = true
                }
                all.insert(t)
                result.append(t)
            }
            // The table's byte strings are distinct; only changed ones can meet.
            if changed && Set(result).count < result.count { return nil }
            return result
        }
        let addressTexts = d.tables.addresses.values.map { a in
            var bytes: [UInt8] = []
            a.appendText(to: &bytes)
            let t = String(decoding: bytes, as: UTF8.self)
            all.insert(t)
            return t
        }
        guard let servers = texts(d.servers.values.map { Array($0.utf8) }),
            let connectors = texts(d.tables.connectors.values.map(\.bytes)),
            let names = texts(d.tables.names.values.map(\.bytes)),
            let others = texts(d.tables.texts.values.map { Array($0.utf8) })
        else { return nil }
        try storeTexts(all)
        try storeSuites(d.tables.negotiations.values)
        return DeltaIDs(
            servers: try servers.map(id), connectors: try connectors.map(id), names: try names.map(id), texts: try others.map(id),
            suites: try d.tables.negotiations.values.map { try suite($0) },
            addresses: try addressTexts.map(id))
    }

    /// The session and identity rollups of `d` by its integer keys. Rows of a (day, server, log
    /// type) the table has no row of yet — a new database, tonight's logs — are copied straight
    /// into the table; the others go through ``upsert(_:_:key:_:days:)``. Sound because rows carry their
    /// server and only the holder of a server's lock writes its rows (``PostgresClaim``): no
    /// one adds a row of that server between the look and the copy.
    func upsertByIDs(_ d: RollupDelta, _ m: DeltaIDs) throws {
        var days = DayTexts()
        var known = try headsWithRows(d, m, &days)
        // A server this process holds no lock for (an archive member whose own path names
        // another server) takes the look-up path, as before.
        if case .servers(let claimed) = claim {
            let unclaimed = Set(
                d.servers.values.indices.filter { !claimed.contains(d.servers.values[$0]) }.map { Int32($0) })
            if !unclaimed.isEmpty {
                let theirs = Self.heads(of: d).filter { unclaimed.contains($0.server) }
                known.sessions.formUnion(theirs)
                known.identities.formUnion(theirs)
            }
        }
        /// Day, then the ids of server and connector, the direction between, then the address.
        func party(_ copy: inout PostgresCopyText, _ server: Int32, _ day: Int64, _ logType: LogType, _ connector: Int32, _ address: Int32) {
            copy.append(days.text(day))
            copy.append(m.servers[Int(server)])
            copy.append(logType.name)
            copy.append(m.connectors[Int(connector)])
            copy.append(m.addresses[Int(address)])
        }
        // Rows in each table's key order: a new day's rows then append to the index (its last
        // leaf), as with SQLite (``KeyOrder``). The vocabularies' texts are ranked in byte order,
        // the `C` (and `C.UTF-8`) collation's; another may differ now and then, which costs a row
        // the index's shortcut, nothing more.
        func order<Key: TallyKey>(_ table: TallyTable<Key>, width: Int, _ words: (Key, inout KeyOrder) -> Void) -> [Int] {
            var order = KeyOrder(width: width, rows: table.count)
            table.forEach { k, _ in words(k, &order) }
            return order.sortedRows()
        }
        func party(_ order: inout KeyOrder, _ server: Int32, _ day: Int64, _ logType: LogType, _ connector: Int32, _ address: Int32) {
            order.appendParty(
                day: day, server: m.servers[Int(server)], logType: logType, connector: m.connectors[Int(connector)],
                address: m.addresses[Int(address)])
        }
        var sessions = (new: PostgresCopyText(), known: PostgresCopyText())
        let sessionOrder = order(d.sessionCounts, width: 9) { k, o in
            party(&o, k.server, k.day, k.logType, k.connector, k.address)
            o.appendSessionKey(k, suite: m.suite(k.negotiation), error: m.text(k.error))
        }
        for i in sessionOrder {
            let (keyed, t) = d.sessionCounts[position: i]
            let k = keyed
            let isKnown = known.sessions.contains(KeyHead(day: k.day, server: keyed.server, logType: k.logType))
            func row(_ copy: inout PostgresCopyText) {
                party(&copy, keyed.server, k.day, k.logType, k.connector, k.address)
                copy.append(k.outcome.name)
                copy.append(m.suite(k.negotiation))
                copy.append(m.text(k.error))
                copy.append(k.activity.name)
                copy.append(k.negotiation.map { d.tables.negotiations[$0].protocolVersion.name } ?? "")
                Self.append(t, to: &copy)
            }
            if isKnown { row(&sessions.known) } else { row(&sessions.new) }
        }
        var identities = (new: PostgresCopyText(), known: PostgresCopyText())
        let identityOrder = order(d.identityCounts, width: 12) { k, o in
            party(&o, k.server, k.day, k.logType, k.connector, k.address)
            o.appendIdentityKey(k, nameIDs: m.names)
        }
        for i in identityOrder {
            let (keyed, t) = d.identityCounts[position: i]
            let k = keyed
            let isKnown = known.identities.contains(KeyHead(day: k.day, server: keyed.server, logType: k.logType))
            func row(_ copy: inout PostgresCopyText) {
                party(&copy, keyed.server, k.day, k.logType, k.connector, k.address)
                copy.append(k.outcome.name)
                copy.append(k.protocolVersion?.name ?? "")
                for name in [k.ehlo, k.senderDomain, k.authUser, k.certificateSubject, k.certificateThumbprint] {
                    copy.append(m.name(name))
                }
                Self.append(t, to: &copy)
            }
            if isKnown { row(&identities.known) } else { row(&identities.new) }
        }
        guard let range = days.range else { return }
        try insertNew("session_rollup", Self.sessionColumns, sessions.new)
        try upsert(
            "session_rollup", Self.sessionColumns, key: Self.sessionColumns.dropLast(), sessions.known, days: range)
        try insertNew("identity_rollup", Self.identityColumns, identities.new)
        try upsert("identity_rollup", Self.identityColumns, key: Self.identityColumns, identities.known, days: range)
    }

    /// A day number, a server (the delta's id) and a log type: the first three columns of both
    /// rollups' keys.
    struct KeyHead: Hashable {
        var day: Int64
        var server: Int32
        var logType: LogType
    }

    static func heads(of d: RollupDelta) -> Set<KeyHead> {
        var heads = Set<KeyHead>()
        d.sessionCounts.forEach { keyed, _ in
            heads.insert(KeyHead(day: keyed.day, server: keyed.server, logType: keyed.logType))
        }
        d.identityCounts.forEach { keyed, _ in
            heads.insert(KeyHead(day: keyed.day, server: keyed.server, logType: keyed.logType))
        }
        return heads
    }

    /// Of the key heads of `d`'s rows, those each rollup already has rows of: one statement a
    /// table, each head an index seek on the key's first three columns.
    private func headsWithRows(_ d: RollupDelta, _ m: DeltaIDs, _ days: inout DayTexts) throws
        -> (sessions: Set<KeyHead>, identities: Set<KeyHead>)
    {
        let heads = Self.heads(of: d)
        guard !heads.isEmpty else { return ([], []) }
        var dayArray = PostgresArray(), serverArray = PostgresArray(), logTypeArray = PostgresArray()
        var byText: [String: KeyHead] = [:]
        for h in heads {
            let day = days.text(h.day)
            let server = m.servers[Int(h.server)]
            dayArray.append(day)
            serverArray.append(server)
            logTypeArray.append(h.logType.name)
            byText["\(day) \(server) \(h.logType.name)"] = h
        }
        func withRows(_ table: String) throws -> Set<KeyHead> {
            var found = Set<KeyHead>()
            for r in try db.query("""
                SELECT p.day, p.server, p.log_type
                FROM unnest($1::text[], $2::bigint[], $3::text[]) AS p (day, server, log_type)
                WHERE EXISTS (SELECT 1 FROM \(table) t
                              WHERE t.day = p.day COLLATE "C" AND t.server = p.server AND t.log_type = p.log_type)
                """, [dayArray.text, serverArray.text, logTypeArray.text]).rows {
                if let h = byText["\(r[0] ?? "") \(r[1] ?? "") \(r[2] ?? "")"] { found.insert(h) }
            }
            return found
        }
        return (try withRows("session_rollup"), try withRows("identity_rollup"))
    }
}
