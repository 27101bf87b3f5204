import TLSSessions

/// A ``RollupStore`` that keeps everything in memory: `smtptls scan` (no database) and tests.
public final class InMemoryStore: RollupStore {
    public private(set) var ledger: [UInt64: LedgerEntry] = [:]
    public private(set) var open: [SessionKey: SessionFragment] = [:]
    public private(set) var totals = RollupDelta()
    public private(set) var commits = 0

    public init() {}

    public func loadOpenSessions() throws -> [SessionFragment] { Array(open.values) }
    public func loadLedger() throws -> [UInt64: LedgerEntry] { ledger }

    public func commit(_ commit: InputCommit) throws {
        totals.merge(commit.delta)
        for f in commit.openSessions.upserted { open[f.key] = f }
        for k in commit.openSessions.deleted { open.removeValue(forKey: k) }
        for l in commit.ledger { ledger[l.fingerprint] = l }
        commits += 1
    }
}
