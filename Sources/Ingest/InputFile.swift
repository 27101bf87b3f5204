import Foundation

/// One input to ingest: a plain or compressed log file.
public struct InputFile: Sendable, Equatable {
    public enum Compression: String, Sendable {
        case none, zstd, gzip
    }

    public var path: String
    public var compression: Compression
    public var size: UInt64
    /// Modification time, seconds since the epoch.
    public var modificationTime: Int64
    /// The server label (``ServerLabel``).
    public var server: String

    public init(path: String, compression: Compression, size: UInt64, modificationTime: Int64, server: String) {
        self.path = path
        self.compression = compression
        self.size = size
        self.modificationTime = modificationTime
        self.server = server
    }

    /// The compression implied by a file name's extension.
    public static func compression(forName name: String) -> Compression {
        let lower = name.lowercased()
        if lower.hasSuffix(".zst") || lower.hasSuffix(".zstd") { return .zstd }
        if lower.hasSuffix(".gz") { return .gzip }
        return .none
    }
}
