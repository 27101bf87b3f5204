/// What corpus to generate.
public struct GeneratorConfig: Sendable {
    public var seed: UInt64 = 1
    /// First hour of logs (UTC, ms since the epoch). Default 2024-03-01T00:00Z.
    public var start: Int64 = 1_709_251_200_000
    public var hours = 3
    /// Sessions started per hour per log stream (receive and send of each server).
    public var sessionsPerHour = 40
    /// Size limit of one log file before `-N` rotation (Exchange default: 10 MB).
    public var fileSizeLimit = 10 << 20
    /// Exchange 2013+ servers (hourly files, one-row EHLO reply, negotiation lines).
    public var modernServers = ["EX01"]
    /// Exchange 2010 servers (daily files, multi-row replies, some sessions without negotiation lines).
    public var legacyServers = ["EX10"]
    /// Add the quirks real logs have: a header block mid-file, malformed rows, 8-bit bytes,
    /// quoted connector names, a half-written last line.
    public var quirks = true
    /// Also write the ground truth (`truth.json`) beside the logs.
    public var writeTruth = true

    public init() {}
}
