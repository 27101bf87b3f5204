/// How an ingest run behaves.
public struct IngestOptions: Sendable {
    /// `--server`: label every input with this server name instead of deriving it from the path.
    public var server: String?
    /// `--mmap`: map plain files instead of reading them with read(2) (the default reads: on the
    /// machine measured, copying 256 KiB chunks into a buffer the cache keeps cost less than the
    /// mapping's page faults; docs/performance.md).
    public var useMemoryMap = false
    /// `--jobs`: inputs scanned at once (1 = serial). Results are identical for any value.
    public var jobs = 1
    /// `--session-timeout`: idle log time after which an open session is expired (ms).
    public var sessionTimeout: Int64 = 3_600_000
    /// `--finalize-open`: at the end of the run, finish every session still open.
    public var finalizeOpenSessions = false
    /// Cap on open sessions, per input and across inputs (bounded memory under hostile input).
    public var maximumOpenSessions = 1_000_000
    /// `--redact`: store user names as their domain only (or a hash when they have none).
    public var redact = false
    /// Rollup rows a batch of inputs may gather before it is committed (``PendingBatch``): what
    /// bounds a batch's memory, about 200 bytes a row (key, hash, count, slot and growth room).
    /// Not a command-line option; tests lower it.
    public var maximumBatchRows = PendingBatch.maximumRows
    /// Bytes of input a batch holds at least before it ends early, at a place where the inputs
    /// before and after share few rollup keys, for a store whose commits are its server's work
    /// (``BatchBoundaries``). Not a command-line option; tests lower it.
    public var earlyCommitBytes = BatchBoundaries.minimumBytes

    public init() {}
}
