import LogScanner
import Rollups
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

    /// The session and identity rollups of `d` by its integer keys.
    func upsertByIDs(_ d: RollupDelta, _ m: DeltaIDs) throws {
        var days = DayTexts()
        /// Day, then the ids of server and connector, the direction between, then the address.
        func party(_ copy: inout PostgresCopyText, _ server: Int32, _ day: Int64, _ logType: LogType, _ connector: Int32, _ address: Int32) {
            copy.append(days.text(day))
            copy.append(m.servers[Int(server)])
            copy.append(logType.name)
            copy.append(m.connectors[Int(connector)])
            copy.append(m.addresses[Int(address)])
        }
        var sessions = PostgresCopyText()
        d.sessionCounts.forEach { keyed, t in
            let k = keyed.key
            party(&sessions, keyed.server, k.day, k.logType, k.connector, k.address)
            sessions.append(k.outcome.name)
            sessions.append(m.suite(k.negotiation))
            sessions.append(m.text(k.error))
            sessions.append(k.activity.name)
            sessions.append(k.negotiation.map { d.tables.negotiations[$0].protocolVersion.name } ?? "")
            Self.append(t, to: &sessions)
        }
        var identities = PostgresCopyText()
        d.identityCounts.forEach { keyed, t in
            let k = keyed.key
            party(&identities, keyed.server, k.day, k.logType, k.connector, k.address)
            identities.append(k.outcome.name)
            identities.append(k.protocolVersion?.name ?? "")
            for name in [k.ehlo, k.senderDomain, k.authUser, k.certificateSubject, k.certificateThumbprint] {
                identities.append(m.name(name))
            }
            Self.append(t, to: &identities)
        }
        guard let range = days.range else { return }
        try upsert("session_rollup", Self.sessionColumns, key: Self.sessionColumns.dropLast(), sessions, days: range)
        try upsert("identity_rollup", Self.identityColumns, key: Self.identityColumns, identities, days: range)
    }
}
