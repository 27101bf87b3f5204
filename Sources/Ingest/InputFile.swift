import Foundation

/// One input file to ingest: a log, a compressed log, or an archive of logs (decided by its
/// first bytes when it is read, not by its name).
public struct InputFile: Sendable, Equatable {
    public var path: String
    public var size: UInt64
    /// Modification time, seconds since the epoch.
    public var modificationTime: Int64
    /// The server label (``ServerLabel``).
    public var server: String
    /// The label was given with `--server`: archive members keep it instead of deriving their own.
    public var serverIsExplicit: Bool

    public init(path: String, size: UInt64, modificationTime: Int64, server: String, serverIsExplicit: Bool = false) {
        self.path = path
        self.size = size
        self.modificationTime = modificationTime
        self.server = server
        self.serverIsExplicit = serverIsExplicit
    }
}
