/// A push-style decompressor: compressed chunks in, decompressed chunks out, bounded memory.
///
/// Used both by ``DecompressingSource`` (a whole compressed file) and for compressed members
/// inside a tar archive, whose bytes arrive as the archive is read.
public protocol StreamDecoder: AnyObject {
    /// Decompresses `chunk`, calling `output` with each decompressed block (valid during the call).
    func feed(_ chunk: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Checks that the stream ended cleanly (no truncated frame or member).
    func finish() throws
}

/// Which decompressor a name or magic number calls for.
public enum Compression: String, Sendable, Equatable {
    case none, zstd, gzip

    /// From the first bytes: zstd `28 B5 2F FD`, gzip `1F 8B`.
    public static func sniff(_ head: some Collection<UInt8>) -> Compression {
        let b = Array(head.prefix(4))
        if b.count >= 4, b[0] == 0x28, b[1] == 0xB5, b[2] == 0x2F, b[3] == 0xFD { return .zstd }
        if b.count >= 2, b[0] == 0x1F, b[1] == 0x8B { return .gzip }
        return .none
    }

    /// A new decoder for this compression; nil for `.none`.
    public func makeDecoder(name: String) throws -> (any StreamDecoder)? {
        switch self {
        case .none: return nil
        case .zstd: return try ZstdDecoder(name: name)
        case .gzip: return try GzipDecoder(name: name)
        }
    }
}

/// A compressed source, decompressed as it is read (bounded memory whatever the ratio).
public struct DecompressingSource<Inner: ByteSource>: ByteSource {
    public var inner: Inner
    public let compression: Compression
    public var displayName: String { inner.displayName }
    public var inputSize: UInt64 { inner.inputSize }

    public init(_ inner: Inner, compression: Compression) {
        self.inner = inner
        self.compression = compression
    }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let decoder = try compression.makeDecoder(name: displayName) else {
            try inner.forEachChunk(body)
            return
        }
        try inner.forEachChunk { try decoder.feed($0, output: body) }
        try decoder.finish()
    }
}
