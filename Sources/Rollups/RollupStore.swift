import TLSSessions

/// Where rollups, the ledger and open sessions are kept: the seam between aggregation and
/// storage. SQLite implements it (`Store`), and PostgreSQL for a fleet's collectors
/// (`PostgresStore`), with no change in aggregation.
public protocol RollupStore: AnyObject {
    /// Sessions left open by earlier runs.
    func loadOpenSessions() throws -> [SessionFragment]
    /// The ledger: what each known input (by content fingerprint) has contributed so far.
    func loadLedger() throws -> [UInt64: LedgerEntry]
    /// Applies the work of one or more inputs atomically: all of it or none of it.
    func commit(_ commit: InputCommit) throws
    /// Whether the store keeps rollups. A store that does not (`smtptls scan`'s) is committed
    /// batches without them: the run's summary has the counts, and the serial merge need not add
    /// up rows that would be dropped.
    var keepsRollups: Bool { get }
    /// Whether a commit is mostly another machine's work (a database server's) rather than the
    /// collector's: a run then commits each complete group of inputs while it scans the next
    /// (`BatchBoundaries` in Ingest) instead of once after its last scan.
    var commitsElsewhere: Bool { get }
}

extension RollupStore {
    public var keepsRollups: Bool { true }
    public var commitsElsewhere: Bool { false }
}

/// One input's record in the ingestion ledger.
public struct LedgerEntry: Sendable, Equatable {
    /// FNV-1a 64 over the header lines and first record: the input's content identity.
    public var fingerprint: UInt64
    public var server: String
    /// The file path, or the archive path for a member.
    public var path: String
    /// The member path inside an archive; empty for a plain file.
    public var member: String
    public var size: UInt64
    /// Modification time (seconds since the epoch) of the file or archive.
    public var modificationTime: Int64
    /// Bytes of complete lines ingested so far: a grown file resumes here.
    public var consumedBytes: UInt64
    public var records: Int64
    public var malformedRows: Int64

    public init(
        fingerprint: UInt64, server: String, path: String, member: String, size: UInt64, modificationTime: Int64,
        consumedBytes: UInt64, records: Int64, malformedRows: Int64
    ) {
        self.fingerprint = fingerprint
        self.server = server
        self.path = path
        self.member = member
        self.size = size
        self.modificationTime = modificationTime
        self.consumedBytes = consumedBytes
        self.records = records
        self.malformedRows = malformedRows
    }
}

/// The work of one or more consecutive inputs, committed in one transaction: each input is
/// therefore either wholly counted (rollups, ledger row, open sessions) or not at all.
public struct InputCommit: Sendable {
    /// The ledger rows after these inputs (records and malformed rows are running totals). Empty
    /// for work that belongs to no input (closing all open sessions at the end of a run).
    public var ledger: [LedgerEntry]
    /// The rollup increments of all these inputs, already aggregated.
    public var delta: RollupDelta
    /// The open-session rows to write and delete after these inputs.
    public var openSessions: SessionJoiner.Changes
    /// The first malformed rows of each input, kept for review.
    public var malformedSamples: [MalformedSample]

    public init(ledger: [LedgerEntry], delta: RollupDelta, openSessions: SessionJoiner.Changes, malformedSamples: [MalformedSample]) {
        self.ledger = ledger
        self.delta = delta
        self.openSessions = openSessions
        self.malformedSamples = malformedSamples
    }
}

/// A malformed row as stored: which input, where and why.
public struct MalformedSample: Sendable, Equatable {
    public var fingerprint: UInt64
    public var path: String
    public var member: String
    public var line: Int
    public var reason: String
    public var excerpt: String

    public init(fingerprint: UInt64, path: String, member: String, line: Int, reason: String, excerpt: String) {
        self.fingerprint = fingerprint
        self.path = path
        self.member = member
        self.line = line
        self.reason = reason
        self.excerpt = excerpt
    }
}
