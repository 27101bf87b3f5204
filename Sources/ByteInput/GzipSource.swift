import CZlib

/// Decompresses gzip (RFC 1952, several members concatenated, as `cat a.gz b.gz` makes) or
/// zlib data from another source, in bounded memory.
public struct GzipSource<Inner: ByteSource>: ByteSource {
    public var inner: Inner
    public var displayName: String { inner.displayName }
    public var inputSize: UInt64 { inner.inputSize }
    private let outSize = 1 << 18

    public init(_ inner: Inner) { self.inner = inner }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var stream = z_stream()
        // 15 + 32: maximum window, detect gzip or zlib headers automatically.
        guard smtptls_inflate_init2(&stream, 15 + 32) == Z_OK else {
            throw ByteInputError("gzip: cannot allocate a decoder", input: displayName)
        }
        defer { inflateEnd(&stream) }
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: outSize, alignment: 64)
        defer { out.deallocate() }
        let name = displayName
        let outSize = self.outSize
        var inMember = false
        try inner.forEachChunk { chunk in
            guard let base = chunk.baseAddress, chunk.count > 0 else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(chunk.count)
            var outputFull = false
            while stream.avail_in > 0 || outputFull {
                if stream.avail_in > 0 { inMember = true }
                stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outSize)
                let result = inflate(&stream, Z_NO_FLUSH)
                let produced = outSize - Int(stream.avail_out)
                outputFull = stream.avail_out == 0
                if produced > 0 { try body(UnsafeRawBufferPointer(rebasing: out[0..<produced])) }
                switch result {
                case Z_STREAM_END:
                    inMember = false
                    if inflateReset(&stream) != Z_OK {
                        throw ByteInputError("gzip: cannot reset the decoder", input: name)
                    }
                case Z_OK, Z_BUF_ERROR:
                    continue
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "error \(result)"
                    throw ByteInputError("gzip: corrupt data: \(detail)", input: name)
                }
            }
        }
        if inMember {
            throw ByteInputError("gzip: truncated data (the last member is incomplete)", input: name)
        }
    }
}
