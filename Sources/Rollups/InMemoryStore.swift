import TLSSessions

/// A ``RollupStore`` without a database, for `smtptls scan`: it keeps what the next inputs of
/// the run need (the ledger, the open sessions) and drops the rollups once counted — the run's
/// summary already has the counts — so its memory does not grow with the input.
public final class InMemoryStore: RollupStore {
    public private(set) var ledger: [UInt64: LedgerEntry] = [:]
    public private(set) var open: [SessionKey: SessionFragment] = [:]
    public private(set) var commits = 0

    public init() {}

    public var keepsRollups: Bool { false }

    public func loadOpenSessions() throws -> [SessionFragment] { Array(open.values) }
    public func loadLedger() throws -> [UInt64: LedgerEntry] { ledger }

    public func commit(_ commit: InputCommit) throws {
        for f in commit.openSessions.upserted { open[f.key] = f }
        for k in commit.openSessions.deleted { open.removeValue(forKey: k) }
        for l in commit.ledger { ledger[l.fingerprint] = l }
        commits += 1
    }
}
