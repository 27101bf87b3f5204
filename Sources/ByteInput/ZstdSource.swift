import CZstd

/// Decompresses a zstd stream (one or more concatenated frames) from another source, in
/// bounded memory: one input chunk and one output block of `ZSTD_DStreamOutSize()` bytes.
public struct ZstdSource<Inner: ByteSource>: ByteSource {
    public var inner: Inner
    public var displayName: String { inner.displayName }
    public var inputSize: UInt64 { inner.inputSize }

    public init(_ inner: Inner) { self.inner = inner }

    public mutating func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let stream = ZSTD_createDStream() else {
            throw ByteInputError("zstd: cannot allocate a decoder", input: displayName)
        }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        let outSize = ZSTD_DStreamOutSize()
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: outSize, alignment: 64)
        defer { out.deallocate() }
        var lastResult = 0
        var sawInput = false
        let name = displayName
        try inner.forEachChunk { chunk in
            sawInput = sawInput || !chunk.isEmpty
            var input = ZSTD_inBuffer(src: chunk.baseAddress, size: chunk.count, pos: 0)
            var outputFull = false
            while input.pos < input.size || outputFull {
                var output = ZSTD_outBuffer(dst: out.baseAddress, size: outSize, pos: 0)
                let result = ZSTD_decompressStream(stream, &output, &input)
                if ZSTD_isError(result) != 0 {
                    throw ByteInputError(
                        "zstd: corrupt data: \(String(cString: ZSTD_getErrorName(result)))", input: name)
                }
                lastResult = result
                outputFull = output.pos == output.size
                if output.pos > 0 { try body(UnsafeRawBufferPointer(rebasing: out[0..<output.pos])) }
            }
        }
        if sawInput && lastResult != 0 {
            throw ByteInputError("zstd: truncated data (the last frame is incomplete)", input: name)
        }
    }
}
