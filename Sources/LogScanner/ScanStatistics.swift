/// Counts one scan produced.
public struct ScanStatistics: Sendable, Equatable {
    /// Complete physical lines (terminated by LF).
    public var lines = 0
    /// Well-formed records handed to the sink.
    public var records = 0
    public var headerLines = 0
    public var blankLines = 0
    public var malformedRows = 0
    /// Bytes of complete lines: where the next scan of a growing file resumes.
    public var consumedBytes: UInt64 = 0
    /// Bytes after the last line feed: a half-written line, neither counted nor malformed.
    public var incompleteTailBytes = 0

    public init() {}
}
