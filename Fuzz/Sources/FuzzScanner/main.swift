import LogScanner
import TLSSessions

/// Fuzzes the record scanner, the TLS sentence classifier and the session tracker: arbitrary
/// bytes after a valid header must never crash, and scanning them in chunks (split where the
/// input's first byte says) must give exactly the records and statistics of one chunk.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = Array("""
        #Software: Microsoft Exchange Server\r
        #Log-type: SMTP Receive Protocol Log\r
        #Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r

        """.utf8)
    let input = header + Array(UnsafeBufferPointer(start: data, count: size))
    func run(chunk: Int) -> (Int, ScanStatistics, TrackerStatistics) {
        var finished = 0
        var tracker = SessionTracker(server: "F", maximumOpenSessions: 64) { _ in finished += 1 }
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
        return (finished, scanner.statistics, tracker.statistics)
    }
    let whole = run(chunk: Int.max)
    let split = run(chunk: 1 + Int(size > 0 ? data[0] : 0))
    precondition(whole.0 == split.0 && whole.1 == split.1 && whole.2 == split.2, "chunked scan differs from whole scan")
    return 0
}
