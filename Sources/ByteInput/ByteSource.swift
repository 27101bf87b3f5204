/// A stream of bytes delivered as a sequence of contiguous chunks.
///
/// A plain file arrives as one chunk (its mapping) or as many `read()` chunks; a compressed file
/// arrives as its decompressed blocks. Consumers must not assume anything about chunk sizes or
/// where chunk boundaries fall: a record may be split across two chunks.
public protocol ByteSource {
    /// A name for messages: the path, or `archive:member`.
    var displayName: String { get }

    /// The size of the underlying input in bytes as seen when it was opened (compressed size for
    /// compressed inputs), for progress reporting.
    var inputSize: UInt64 { get }

    /// Calls `body` with each chunk in order.
    ///
    /// - Warning: the buffer is valid only during the call; do not let the pointer escape.
    mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws
}
