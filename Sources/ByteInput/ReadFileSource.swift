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
