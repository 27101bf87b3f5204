import CInflate

/// Push-style gzip decoder: RFC 1952 members concatenated (as `cat a.gz b.gz` makes) or zlib
/// data, one 256 KiB output block whatever the compression ratio.
public final class GzipDecoder: StreamDecoder {
    private var stream = z_stream()
    private let out: UnsafeMutableRawBufferPointer
    private let name: String
    private var inMember = false

    public init(name: String) throws {
        self.name = name
        out = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 64)
        // 15 + 32: maximum window, detect gzip or zlib headers automatically.
        guard smtptls_inflate_init2(&stream, 15 + 32) == Z_OK else {
            out.deallocate()
            throw ByteInputError("gzip: cannot allocate a decoder", input: name)
        }
    }

    deinit {
        inflateEnd(&stream)
        out.deallocate()
    }

    public func feed(_ chunk: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(chunk.count)
        var outputFull = false
        while stream.avail_in > 0 || outputFull {
            if stream.avail_in > 0 { inMember = true }
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            let result = inflate(&stream, Z_NO_FLUSH)
            let produced = out.count - Int(stream.avail_out)
            outputFull = stream.avail_out == 0
            if produced > 0 { try output(UnsafeRawBufferPointer(rebasing: out[0..<produced])) }
            switch result {
            case Z_STREAM_END:
                inMember = false
                if inflateReset(&stream) != Z_OK { throw ByteInputError("gzip: cannot reset the decoder", input: name) }
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible without more input (or more room, handled by outputFull).
                if !outputFull { return }
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "error \(result)"
                throw ByteInputError("gzip: corrupt data: \(detail)", input: name)
            }
        }
    }

    public func finish() throws {
        if inMember { throw ByteInputError("gzip: truncated data (the last member is incomplete)", input: name) }
    }
}
