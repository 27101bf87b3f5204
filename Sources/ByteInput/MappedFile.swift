/// A plain file delivered as one chunk: its read-only memory mapping.
///
/// ## The mapping contract
/// - The file is mapped `PROT_READ`, `MAP_PRIVATE`, with `MADV_SEQUENTIAL`, for exactly the size
///   `fstat` reported at open. Nothing past that size is ever read, so bytes appended later (the
///   active hourly log) are not seen by this run; the ledger picks them up next time.
/// - If the file is *truncated* while mapped, touching a page past the new end raises `SIGBUS`
///   and kills the process. Exchange only appends to its logs and rotates by creating new files,
///   so this does not happen to logs the server writes. Ingest maps only files not modified in the
///   last minute (the active log is read with `read(2)`); for inputs that may be rewritten in
///   place (a copy in progress, a network share), `--no-mmap` reads everything with `read(2)`,
///   which sees a truncation as a short read instead.
/// - The mapping lives until ``forEachChunk(_:)`` returns; the pointer handed to the closure must
///   not escape it.
/// - Zero-length files are not mapped (mmap rejects them); they yield no chunk.
public struct MappedFile: ByteSource {
    public let path: String
    public let inputSize: UInt64
    public var displayName: String { path }

    /// Opens `path` and records its size; the mapping is made by ``forEachChunk(_:)``.
    public init(path: String) throws {
        self.path = path
        let fd = try SystemCalls.openReadOnly(path)
        defer { SystemCalls.close(fd) }
        let status = try SystemCalls.fileStatus(fd, path: path)
        guard status.isRegular else { throw ByteInputError("not a regular file", input: path) }
        inputSize = status.size
    }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = try SystemCalls.openReadOnly(path)
        defer { SystemCalls.close(fd) }
        let status = try SystemCalls.fileStatus(fd, path: path)
        // Never map past the size seen at open, even if the file has grown since.
        let length = Int(min(status.size, inputSize))
        guard length > 0 else { return }
        let base = try SystemCalls.mapReadOnly(fd, length: length, path: path)
        defer { SystemCalls.unmap(base, length: length) }
        try body(UnsafeRawBufferPointer(start: base, count: length))
    }
}
