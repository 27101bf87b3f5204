import CZstd

/// Push-style zstd decoder: one or more concatenated frames, one output block of
/// `ZSTD_DStreamOutSize()` bytes (128 KiB) whatever the compression ratio.
public final class ZstdDecoder: StreamDecoder {
    private let stream: OpaquePointer
    private let out: UnsafeMutableRawBufferPointer
    private let name: String
    private var lastResult = 0
    private var sawInput = false

    public init(name: String) throws {
        guard let stream = ZSTD_createDStream() else {
            throw ByteInputError("zstd: cannot allocate a decoder", input: name)
        }
        ZSTD_initDStream(stream)
        self.stream = stream
        self.name = name
        out = UnsafeMutableRawBufferPointer.allocate(byteCount: ZSTD_DStreamOutSize(), alignment: 64)
    }

    deinit {
        ZSTD_freeDStream(stream)
        out.deallocate()
    }

    public func feed(_ chunk: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        sawInput = sawInput || !chunk.isEmpty
        var input = ZSTD_inBuffer(src: chunk.baseAddress, size: chunk.count, pos: 0)
        var outputFull = false
        while input.pos < input.size || outputFull {
            var o = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let result = ZSTD_decompressStream(stream, &o, &input)
            if ZSTD_isError(result) != 0 {
                throw ByteInputError("zstd: corrupt data: \(String(cString: ZSTD_getErrorName(result)))", input: name)
            }
            lastResult = result
            outputFull = o.pos == o.size
            if o.pos > 0 { try output(UnsafeRawBufferPointer(rebasing: out[0..<o.pos])) }
        }
    }

    public func finish() throws {
        if sawInput && lastResult != 0 {
            throw ByteInputError("zstd: truncated data (the last frame is incomplete)", input: name)
        }
    }
}
