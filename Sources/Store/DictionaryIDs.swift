import LogScanner
import Rollups
import TLSSessions

/// Text values and suites to their ids in the store's `dictionary` and `suite` tables (schema
/// version 6): the committer turns a delta's values into the integers its rollup keys store.
///
/// Each value is looked up (and, the first time the database sees it, inserted) once per store
/// and then answered from memory: a value already met costs a hash and a compare, no statement.
/// The empty text is id 0 and no negotiation is suite 0, as the migration writes them.
///
/// Ids inserted inside a transaction vanish when it rolls back, so after any failure the store
/// calls ``forget()`` and the next commit asks the database again. The cache is bounded: past
/// ``limit`` values it starts over (a year of a fleet's addresses need not stay in memory).
final class DictionaryIDs {
    static let limit = 250_000

    private var texts = NameInterner()
    /// `dictionary.id` by the interner's dense id.
    private var textIDs: [Int64] = []
    private var addresses: [RemoteAddress: Int64] = [:]
    private var suites: [Negotiation: Int64] = [:]
    private var scratch: [UInt8] = []

    private var selectTexts: [Int: Statement] = [:]
    private var insertTexts: [Int: Statement] = [:]
    private let largestID: Statement
    private let selectSuite: Statement
    private let insertSuite: Statement
    private let db: SQLiteDatabase

    init(_ db: SQLiteDatabase) throws {
        self.db = db
        largestID = try db.prepare("SELECT max(id) FROM dictionary")
        let columns = "protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits"
        selectSuite = try db.prepare("""
            SELECT id FROM suite WHERE protocol = ?1 AND role = ?2 AND cipher = ?3 AND cipher_bits = ?4
              AND mac = ?5 AND mac_bits = ?6 AND key_exchange = ?7 AND key_exchange_bits = ?8
            """)
        insertSuite = try db.prepare("INSERT INTO suite (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
    }

    /// Drops every cached id (after a rolled-back transaction).
    func forget() {
        texts = NameInterner()
        textIDs = []
        addresses = [:]
        suites = [:]
    }

    /// The store's ids for every value of `d`'s tables and every address of its keys. The values
    /// the database does not have yet are stored first, in byte order, so that the ids one commit
    /// gives follow the texts' order whichever order its inputs were merged in (the views' lists
    /// are ordered by id). Text made from an address only when its id is not cached.
    func ids(for d: RollupDelta) throws -> DeltaIDs {
        var values = d.servers.values.map { Array($0.utf8) } + d.tables.connectors.values.map(\.bytes)
            + d.tables.names.values.map(\.bytes) + d.tables.texts.values.map { Array($0.utf8) }
        // The delta's addresses: those cached already keep their id, the rest are looked up as text.
        let deltaAddresses = d.tables.addresses.values
        var addressIDs = [Int64](repeating: 0, count: deltaAddresses.count)
        var newAddresses: [Int] = []
        for (i, a) in deltaAddresses.enumerated() {
            if let id = addresses[a] {
                addressIDs[i] = id
            } else {
                newAddresses.append(i)
                var text: [UInt8] = []
                a.appendText(to: &text)
                values.append(text)
            }
        }
        for k in d.authFailures.keys where addresses[k.remote] == nil {
            var text: [UInt8] = []
            k.remote.appendText(to: &text)
            values.append(text)
        }
        // Refused logins' texts are looked up by the row; stored here so they are in order too.
        for k in d.authFailures.keys {
            values += [Array(k.server.utf8), k.connector.bytes, k.user.bytes, Array(k.mechanism.utf8), Array(k.error.utf8)]
        }
        if textIDs.count + values.count >= Self.limit { forget() }
        let stored = try ids(values)
        var next = 0
        func take(_ n: Int) -> [Int64] {
            defer { next += n }
            return Array(stored[next..<next + n])
        }
        let servers = take(d.servers.values.count), connectors = take(d.tables.connectors.values.count)
        let names = take(d.tables.names.values.count), texts = take(d.tables.texts.values.count)
        for (i, id) in zip(newAddresses, take(newAddresses.count)) {
            addresses[deltaAddresses[i]] = id
            addressIDs[i] = id
        }
        return DeltaIDs(
            servers: servers, connectors: connectors, names: names, texts: texts,
            suites: try d.tables.negotiations.values.map { try id($0) }, addresses: addressIDs)
    }

    /// The ids of `values`, in their order; those the database does not have are stored in byte
    /// order.
    func ids(_ values: [[UInt8]]) throws -> [Int64] {
        var result = [Int64](repeating: 0, count: values.count)
        // Values the cache has not met, each once, in byte order; and where each one goes.
        var unknown: [[UInt8]] = []
        var waiting: [(index: Int, dense: Int)] = []
        for i in values.indices.sorted(by: { ByteString.precedes(values[$0], values[$1]) }) where !values[i].isEmpty {
            let dense = Int(values[i].withUnsafeBytes { texts.id($0) })
            if dense < textIDs.count {
                result[i] = textIDs[dense]
            } else {
                if dense == textIDs.count + unknown.count { unknown.append(values[i]) }
                waiting.append((i, dense))
            }
        }
        textIDs += try storedIDs(unknown)
        for (i, dense) in waiting { result[i] = textIDs[dense] }
        return result
    }

    /// The ids of distinct texts the cache has not met, in the order given. They are inserted 64
    /// to a statement with the ids after the largest (the store holds the write lock, so no other
    /// writer takes them), skipping those the database has; only a statement that skipped some
    /// reads its values' ids back.
    private func storedIDs(_ values: [[UInt8]]) throws -> [Int64] {
        guard !values.isEmpty else { return [] }
        var ids = [Int64](repeating: 0, count: values.count)
        var next = (try largestID.singleInteger() ?? 0) + 1
        for start in stride(from: 0, to: values.count, by: Self.perStatement) {
            let part = start..<min(start + Self.perStatement, values.count)
            let insert = try statement(&insertTexts, part.count) {
                "INSERT OR IGNORE INTO dictionary (id, value) VALUES \(Array(repeating: "(?, ?)", count: $0).joined(separator: ", "))"
            }
            for (k, i) in part.enumerated() {
                ids[i] = next + Int64(k)
                insert.bind(Int32(2 * k + 1), ids[i])
                insert.bind(Int32(2 * k + 2), bytes: values[i])
            }
            try insert.run()
            next += Int64(part.count)
            guard db.changes < part.count else { continue }
            // Some were stored already (under other ids): read every id of this part back.
            let select = try statement(&selectTexts, part.count) {
                "SELECT id, value FROM dictionary WHERE value IN (\(Array(repeating: "?", count: $0).joined(separator: ", ")))"
            }
            var positions: [[UInt8]: Int] = [:]
            for (k, i) in part.enumerated() {
                positions[values[i]] = i
                select.bind(Int32(k + 1), bytes: values[i])
            }
            defer { select.reset() }
            var found = 0
            while try select.step() {
                guard let i = positions[select.bytes(1)] else { continue }
                ids[i] = select.int64(0)
                found += 1
            }
            guard found == part.count else {
                throw StoreError(code: 1, message: "the dictionary table lost a value it had a moment ago", path: db.path)
            }
        }
        return ids
    }

    static let perStatement = 64

    /// The statement for `n` values, prepared once per size.
    private func statement(_ cache: inout [Int: Statement], _ n: Int, _ sql: (Int) -> String) throws -> Statement {
        if let s = cache[n] { return s }
        let s = try db.prepare(sql(n))
        cache[n] = s
        return s
    }

    /// The id of a text given as bytes (stored exactly as given, even when not UTF-8).
    func id(_ bytes: UnsafeRawBufferPointer) throws -> Int64 {
        if bytes.isEmpty { return 0 }
        if textIDs.count >= Self.limit { forget() }
        let dense = Int(texts.id(bytes))
        if dense < textIDs.count { return textIDs[dense] }
        textIDs += try storedIDs([Array(bytes)])
        return textIDs[dense]
    }

    func id(_ value: ByteString) throws -> Int64 {
        try value.bytes.withUnsafeBytes { try id($0) }
    }

    func id(_ value: String) throws -> Int64 {
        var value = value
        return try value.withUTF8 { try id(UnsafeRawBufferPointer($0)) }
    }

    /// The id of an address's text (`192.0.2.7`, `2001:db8::1`); 0 when none was logged.
    func id(_ address: RemoteAddress) throws -> Int64 {
        if let id = addresses[address] { return id }
        if addresses.count >= Self.limit { addresses = [:] }
        scratch.removeAll(keepingCapacity: true)
        address.appendText(to: &scratch)
        let id = try scratch.withUnsafeBytes { try self.id($0) }
        addresses[address] = id
        return id
    }

    /// The suite id of a negotiation; 0 for none.
    func id(_ negotiation: Negotiation?) throws -> Int64 {
        guard let n = negotiation else { return 0 }
        if let id = suites[n] { return id }
        Self.bind(n, to: selectSuite)
        if let id = try selectSuite.singleInteger() {
            suites[n] = id
            return id
        }
        Self.bind(n, to: insertSuite)
        try insertSuite.run()
        let id = db.lastInsertRowID
        suites[n] = id
        return id
    }

    private static func bind(_ n: Negotiation, to statement: Statement) {
        statement.bind(1, n.protocolVersion.name)
        statement.bind(2, n.role.rawValue)
        statement.bind(3, n.cipher)
        statement.bind(4, n.cipherBits)
        statement.bind(5, n.mac)
        statement.bind(6, n.macBits)
        statement.bind(7, n.keyExchange)
        statement.bind(8, n.keyExchangeBits)
    }
}

/// One delta's values as the store's ids, by the delta's own ids: what its keys are written with.
struct DeltaIDs {
    let servers: [Int64]
    let connectors: [Int64]
    let names: [Int64]
    let texts: [Int64]
    let suites: [Int64]
    /// By the delta's address id.
    let addresses: [Int64]

    /// A name (EHLO, sender domain, user, certificate); 0, the empty text, when not logged.
    func name(_ id: Int32?) -> Int64 { id.map { names[Int($0)] } ?? 0 }
    func text(_ id: Int32?) -> Int64 { id.map { texts[Int($0)] } ?? 0 }
    func suite(_ id: Int32?) -> Int64 { id.map { suites[Int($0)] } ?? 0 }
}
