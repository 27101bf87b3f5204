/// A plain file (or a pipe) delivered in fixed-size `read(2)` chunks: how plain logs are read
/// (unless `--mmap`), and the input of decompressors.
///
/// Reads at most `limit` bytes (the size seen at open for regular files), so a file that grows
/// during the run is read only up to the size it had when opened, like ``MappedFile``.
public struct ReadFileSource: ByteSource {
    public let path: String
    public let inputSize: UInt64
    public var displayName: String { path }
    private let chunkSize: Int
    private let file: OpenFile

    /// - Parameter chunkSize: bytes per `read`; the default, ``ReadBufferPool/size`` (256 KiB),
    ///   takes its buffer from the pool and keeps memory bounded and syscalls rare.
    public init(path: String, chunkSize: Int = ReadBufferPool.size) throws {
        self.init(try OpenFile(path: path), chunkSize: chunkSize)
    }

    /// Reads a file already open, from its start (its head read with `pread` leaves it there).
    public init(_ file: OpenFile, chunkSize: Int = ReadBufferPool.size) {
        self.file = file
        path = file.path
        self.chunkSize = max(1, chunkSize)
        inputSize = file.size ?? UInt64.max
    }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let pooled = chunkSize == ReadBufferPool.size
        let buffer = pooled ? ReadBufferPool.take() : UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { if pooled { ReadBufferPool.give(buffer) } else { buffer.deallocate() } }
        var remaining = inputSize
        var offset: UInt64 = 0
        while remaining > 0 {
            let want = Int(min(UInt64(chunkSize), remaining))
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want])
            // A regular file by offset (each pass from its start, whoever read the descriptor);
            // a pipe as it comes.
            let n = file.size == nil
                ? try SystemCalls.read(file.descriptor, into: chunk, path: path)
                : try SystemCalls.read(file.descriptor, into: chunk, at: offset, path: path)
            if n == 0 { break }
            remaining -= UInt64(n)
            offset += UInt64(n)
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}
