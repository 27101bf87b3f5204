import ByteInput

/// Fuzzes the zstd and gzip decoders and the tar reader with arbitrary bytes: errors are fine,
/// crashes and unbounded memory are not (each decoder writes into a fixed block).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    struct Sink: ArchiveMemberSink {
        var bytes = 0
        mutating func beginMember(name: String, size: UInt64) -> Bool { true }
        mutating func memberData(_ chunk: UnsafeRawBufferPointer) throws { bytes += chunk.count }
        mutating func endMember() throws {}
    }
    var sink = Sink()
    var tar = TarReader(archiveName: "fuzz")
    _ = try? tar.feed(bytes, into: &sink)
    _ = try? tar.finish()
    for compression in [Compression.zstd, .gzip] {
        guard let decoder = try? compression.makeDecoder(name: "fuzz") else { continue }
        var produced = 0
        _ = try? decoder.feed(bytes) { chunk in
            produced += chunk.count
            if produced > 64 << 20 { throw ByteInputError("bomb", input: "fuzz") }
        }
        _ = try? decoder.finish()
    }
    return 0
}
