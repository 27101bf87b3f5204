/// A plain file delivered as one chunk: its read-only memory mapping (`--mmap`; plain logs are
/// read with ``ReadFileSource`` by default, which measured faster: docs/performance.md).
///
/// ## The mapping contract
/// - The file is mapped `PROT_READ`, `MAP_PRIVATE`, with `MADV_SEQUENTIAL`, for exactly the size
///   `fstat` reported at open. Nothing past that size is ever read, so bytes appended later (the
///   active hourly log) are not seen by this run; the ledger picks them up next time.
/// - If the file is *truncated* while mapped, touching a page past the new end raises `SIGBUS`
///   and kills the process. Exchange only appends to its logs and rotates by creating new files,
///   so this does not happen to logs the server writes. Ingest maps only files not modified in the
///   last minute (the active log is read with `read(2)`); without `--mmap` everything is read
///   with `read(2)`, which sees a truncation as a short read instead.
/// - The mapping lives until ``forEachChunk(_:)`` returns; the pointer handed to the closure must
///   not escape it.
/// - Zero-length files are not mapped (mmap rejects them); they yield no chunk.
public struct MappedFile: ByteSource {
    public let path: String
    public let inputSize: UInt64
    public var displayName: String { path }
    private let file: OpenFile

    /// Opens `path` and records its size; the mapping is made by ``forEachChunk(_:)``.
    public init(path: String) throws {
        try self.init(try OpenFile(path: path))
    }

    /// Maps a file already open (its size as seen at open).
    public init(_ file: OpenFile) throws {
        guard let size = file.size else { throw ByteInputError("not a regular file", input: file.path) }
        self.file = file
        path = file.path
        inputSize = size
    }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        // Never past the size seen at open, even if the file has grown since; nor past its size
        // now, should it have been truncated since.
        let status = try SystemCalls.fileStatus(file.descriptor, path: path)
        let length = Int(min(status.size, inputSize))
        guard length > 0 else { return }
        let base = try SystemCalls.mapReadOnly(file.descriptor, length: length, path: path)
        defer { SystemCalls.unmap(base, length: length) }
        try body(UnsafeRawBufferPointer(start: base, count: length))
    }
}
