/// What a process writing to PostgreSQL holds while it works, as session-level advisory locks
/// (released when its connection closes, so a killed collector leaves none behind).
///
/// - An ingest holds the database lock *shared* and one lock per server it has inputs for:
///   collectors of different servers ingest and commit at the same time; two collectors with
///   inputs of one server take turns, so each reads that server's ledger entries and open
///   sessions after the other committed. Server locks are taken in byte order of the labels
///   (no two collectors can wait on each other).
/// - Everything else that writes (`copy`, `connectors import`, an ingest without inputs that
///   finalizes every open session, a schema upgrade) holds the database lock *exclusively*: it
///   waits for running ingests and they wait for it.
///
/// Rollup, coverage and open-session rows all carry their server, so collectors holding
/// different server locks never write the same row; the texts and suites they share are
/// inserted with `ON CONFLICT DO NOTHING` (PostgreSQL makes the second wait for the first).
public enum PostgresClaim: Sendable, Equatable {
    case everything
    case servers(Set<String>)

    /// The database lock ("smtptls" as a number).
    static let databaseLock: Int64 = 0x736D_7470_746C_73
    /// The first key of every server lock ("smtp"); the second is a hash of the label.
    static let serverLockClass: Int32 = 0x736D_7470

    /// A server label's lock key: FNV-1a over its lowercased UTF-8 (labels come from folder names,
    /// whose case varies; two labels that collide only share turns).
    static func serverKey(_ server: String) -> Int32 {
        var hash: UInt32 = 0x811C_9DC5
        for b in server.lowercased().utf8 {
            hash ^= UInt32(b)
            hash = hash &* 0x0100_0193
        }
        return Int32(bitPattern: hash)
    }

    /// Takes the claim on `db`, calling `waiting` once if any lock is held by another process.
    func take(on db: PostgresConnection, waiting: () -> Void) throws {
        var warned = false
        func lock(_ tryCall: String, _ call: String, _ parameters: [String]) throws {
            if try db.query("SELECT \(tryCall)", parameters).rows.first?[0] == "t" { return }
            if !warned {
                waiting()
                warned = true
            }
            try db.query("SELECT \(call)", parameters)
        }
        let database = [String(Self.databaseLock)]
        switch self {
        case .everything:
            try lock("pg_try_advisory_lock($1)", "pg_advisory_lock($1)", database)
        case .servers(let servers):
            try lock("pg_try_advisory_lock_shared($1)", "pg_advisory_lock_shared($1)", database)
            for server in servers.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let key = [String(Self.serverLockClass), String(Self.serverKey(server))]
                try lock("pg_try_advisory_lock($1::integer, $2::integer)", "pg_advisory_lock($1::integer, $2::integer)", key)
            }
        }
    }

    /// Releases every advisory lock this connection holds.
    static func releaseAll(on db: PostgresConnection) throws {
        try db.execute("SELECT pg_advisory_unlock_all()")
    }
}
