/// A plain file (or a pipe) delivered in fixed-size `read(2)` chunks: the `--no-mmap` path and
/// the input of decompressors.
///
/// Reads at most `limit` bytes (the size seen at open for regular files), so a file that grows
/// during the run is read only up to the size it had when opened, like ``MappedFile``.
public struct ReadFileSource: ByteSource {
    public let path: String
    public let inputSize: UInt64
    public var displayName: String { path }
    private let chunkSize: Int

    /// - Parameter chunkSize: bytes per `read`; 1 MiB keeps memory bounded and syscalls rare.
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        self.chunkSize = max(1, chunkSize)
        let fd = try SystemCalls.openReadOnly(path)
        defer { SystemCalls.close(fd) }
        let status = try SystemCalls.fileStatus(fd, path: path)
        inputSize = status.isRegular ? status.size : UInt64.max
    }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = try SystemCalls.openReadOnly(path)
        defer { SystemCalls.close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var remaining = inputSize
        while remaining > 0 {
            let want = Int(min(UInt64(chunkSize), remaining))
            let n = try SystemCalls.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), path: path)
            if n == 0 { break }
            remaining -= UInt64(n)
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}

/// Bytes already in memory, delivered as chunks of a chosen size (tests, archive members).
public struct MemorySource: ByteSource {
    public let displayName: String
    public let bytes: [UInt8]
    public let chunkSizes: [Int]
    public var inputSize: UInt64 { UInt64(bytes.count) }

    /// - Parameter chunkSizes: sizes used in turn (cycled); empty means one chunk.
    public init(name: String, bytes: [UInt8], chunkSizes: [Int] = []) {
        self.displayName = name
        self.bytes = bytes
        self.chunkSizes = chunkSizes.filter { $0 > 0 }
    }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try bytes.withUnsafeBytes { all in
            guard !chunkSizes.isEmpty else {
                if !all.isEmpty { try body(all) }
                return
            }
            var offset = 0
            var index = 0
            while offset < all.count {
                let size = min(chunkSizes[index % chunkSizes.count], all.count - offset)
                try body(UnsafeRawBufferPointer(rebasing: all[offset..<offset + size]))
                offset += size
                index += 1
            }
        }
    }
}
