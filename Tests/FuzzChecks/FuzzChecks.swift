import ByteInput
import LogScanner
import TLSSessions

/// What the libFuzzer targets check, callable from anywhere: the fuzz executables (Fuzz/) call it
/// with libFuzzer's inputs, and the unit suite replays every file in Fuzz/regressions/ through
/// it, so a finding stays fixed without libFuzzer. A failed check is a `precondition` failure (a
/// crash is what libFuzzer records).
public enum FuzzChecks {
    /// The record scanner, the TLS sentence classifier and the session tracker over arbitrary
    /// bytes after a valid header: no crash, and scanning in chunks (of a size the first byte
    /// picks) gives exactly the records and statistics of one chunk.
    public static func scanner(_ bytes: UnsafeRawBufferPointer) {
        let header = Array("""
            #Software: Microsoft Exchange Server\r
            #Log-type: SMTP Receive Protocol Log\r
            #Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r

            """.utf8)
        let input = header + Array(bytes)
        func run(chunk: Int) -> (Int, ScanStatistics, TrackerStatistics) {
            var tracker = SessionTracker(server: "F", maximumOpenSessions: 64)
            var scanner = RecordScanner(maximumLineBytes: 4096)
            input.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let n = min(chunk, all.count - offset)
                    scanner.feed(UnsafeRawBufferPointer(rebasing: all[offset..<offset + n]), into: &tracker)
                    offset += n
                }
            }
            scanner.finish(into: &tracker)
            _ = tracker.boundaryFragments()
            return (tracker.tallies.sessionCount, scanner.statistics, tracker.statistics)
        }
        let whole = run(chunk: Int.max)
        let split = run(chunk: 1 + Int(bytes.first ?? 0))
        precondition(whole.0 == split.0 && whole.1 == split.1 && whole.2 == split.2, "chunked scan differs from whole scan")
    }

    /// The tar reader and the zstd and gzip decoders over arbitrary bytes: errors are fine;
    /// crashes and unbounded output are not (more than 64 MiB from one input stops it).
    public static func archives(_ bytes: UnsafeRawBufferPointer) {
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
    }
}
