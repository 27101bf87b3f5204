import ByteInput

/// What an input is, told by its first bytes (not its name): a zip archive, whose members are
/// read from its central directory, or a stream — plain, zstd or gzip — that holds one log or a
/// tar of logs (its first decompressed bytes tell which). ``InputScanner`` reads an input by it;
/// a PostgreSQL ingest asks it which servers an input may write.
enum InputContainer: Equatable {
    case zip
    case stream(Compression)

    init(head: [UInt8]) {
        self = ZipReader.looksLikeZip(head) ? .zip : .stream(Compression.sniff(head))
    }
}

extension InputScanner {
    /// Whether `input` is an archive (zip, or tar — plain, `.zst` or `.gz`) whose members take
    /// server labels of their own paths, so that a collector cannot know from the input's label
    /// alone which servers it will write. Decided by the first bytes, as ``scan(_:resumeOffset:emit:)``
    /// decides: a compressed input is decompressed until its first 512 bytes are known (at most
    /// 1 MB of it read). An input labelled with `--server` keeps that label for every member;
    /// one that cannot be read is not an archive here (its scan reports the error).
    public static func mayHoldOtherServers(_ input: InputFile) -> Bool {
        if input.serverIsExplicit { return false }
        guard let head = try? OpenFile(path: input.path).head(maximum: headBytes) else { return false }
        switch InputContainer(head: head) {
        case .zip: return true
        case .stream(.none): return head.withUnsafeBytes { TarReader.looksLikeTar($0) }
        case .stream(let compression): return decompressedHead(input.path, compression).withUnsafeBytes { TarReader.looksLikeTar($0) }
        }
    }

    /// Up to the first 512 decompressed bytes of a compressed file (fewer if it is shorter,
    /// corrupt, or its first megabyte holds fewer).
    static func decompressedHead(_ path: String, _ compression: Compression) -> [UInt8] {
        struct Enough: Error {}
        var out: [UInt8] = []
        guard let decoder = try? compression.makeDecoder(name: path),
              var source = try? ReadFileSource(path: path, chunkSize: 64 << 10) else { return [] }
        var read = 0
        do {
            try source.forEachChunk { chunk in
                try decoder.feed(chunk) { block in
                    out.append(contentsOf: block.prefix(512 - out.count))
                    if out.count >= 512 { throw Enough() }
                }
                read += chunk.count
                if read >= 1 << 20 { throw Enough() }
            }
        } catch {}
        return out
    }
}
